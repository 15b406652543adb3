"""Find the moment or span of a recording that a question names ("around 1:10:00", "in the last ten minutes").

What each kind of phrase means (t: the time named, d: the recording's duration):

* a point: "at 1:10:00", "around minute 13", "at the 8-minute mark", "an hour and ten minutes in", "at 45
  seconds", "1h10m": [t - 1 min, t + 2 min] (speech about a moment runs on after it); exact.
* halfway: "halfway through", "at the midpoint", "in the middle of the talk": the point d / 2; exact.
* a span: "between minute 10 and 15", "from 20:00 to 25:00", "minutes 10-12": [a, b].
* "in the first five minutes" / "the opening minutes" (two) / "the last few minutes" (three): [0, n] / [d - n, d].
* "at the start" / "at the very end" of the recording: the first / last two minutes.
* "in the first half" / "the second half": [0, d / 2] / [d / 2, d].
* "after 20 minutes", "from minute 20 on", "after the 30-minute mark": [t, d]; "before the 10-minute mark",
  "up to minute 10": [0, t]; "right after / just before" it: the two minutes after / before t.

Clock times of two parts are mm:ss ("12:30": 12 min 30 s; "75:00"), of three hh:mm:ss; "3:30 pm" is no moment.
Phrases that need d (the last minutes, the end, halves, halfway, "after t") give None without it. Numbers are
digits or words up to ninety-nine, and "a", "an", "half", "a quarter of" before a unit. A number is a time only
with its unit or clock form and a word placing it ("at", "around", "in", "mark", "between", ...): "the 3 steps",
"in 2015", "$10", "5 minutes of fame" and "about 90 minutes long" name no moment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import reduce

BEFORE_POINT, AFTER_POINT = 60.0, 120.0  # a point's window: a minute before it to two minutes after
EDGE = 120.0  # "at the start" / "at the end": the first / last two minutes
NEAR = 120.0  # "right after" / "just before" a time: the two minutes after / before it

_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen " \
        "seventeen eighteen nineteen".split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_WORDS = {w: i for i, w in enumerate(_ONES)} | {w: 20 + 10 * i for i, w in enumerate(_TENS)}
_UNITS = {u: seconds for seconds, us in ((3600.0, "h hr hour"), (60.0, "m min minute"), (1.0, "s sec second"))
          for u in us.split()}

_DIGITS = "|".join(_ONES[1:10])  # "twenty-five" is one number, never "twenty" to "five"
_NUM = (r"(?:(?<![\d$€£.,:/a-gi-ln-z_])\d+(?:\.\d+)?(?![\d%])"  # not "$10", "v2", "10%"; "1h10m" is fine
        rf"|\b(?:(?:{'|'.join(_TENS)})(?:[\s-](?:{_DIGITS})|(?![\s-](?:{_DIGITS})\b))|{'|'.join(_ONES)})\b)")
# "5m" and "1h" only as digits with their letter, and not "5m users"; "s" only in "1m30s"
_UNIT = (r"(?:hours?|hrs?|minutes?|mins?|seconds?|secs?)\b|(?<=\d)[hm](?![a-z])(?!\s+(?!(?:in|into|mark)\b)[a-z])"
         r"|(?:(?<=m\d)|(?<=m\d\d)|(?<=m\s\d)|(?<=m\s\d\d))s(?![a-z])")
_TERM = (rf"(?:(?P<n>{_NUM})(?P<nhalf>\s+and\s+a\s+half)?[\s-]*(?P<u>{_UNIT})"
         r"|(?P<a>\ban?)[\s-]+(?P<au>hour|minute)\b"  # not "a second": "at a second meeting" is no time
         r"|\b(?P<half>half)[\s-]+(?:an?[\s-]+)?(?P<hu>hour|minute)\b"
         r"|\b(?P<q>(?:(?:a|one|three)[\s-]+)?quarters?)[\s-]+(?:of[\s-]+)?(?:an?[\s-]+)?(?P<qu>hour)\b)"
         r"(?P<half2>\s+and\s+a\s+half)?")
_TERM_RE = re.compile(_TERM, re.I)
_PLAIN = re.sub(r"\(\?P<\w+>", "(?:", _TERM)  # its groups unnamed, to repeat it in one expression
_DUR = rf"(?:{_PLAIN})(?:(?:\s*,\s*|\s+and\s+|\s*)(?:{_PLAIN})){{0,3}}"
_CLOCK = (r"(?<![\w$€£.:/])\d{1,3}:[0-5]\d(?::[0-5]\d)?(?:[.,]\d{1,3}(?!\d))?(?![\d:])"
          r"(?!\s*(?:[ap]\.?m\b|o['’]?clock|h(?:ou)?rs?\b))")  # "3:30 pm", "14:00 hours": the wall clock
_REC = (r"(?:it|(?:the|this|that|his|her|their|our)\s+(?:\w+\s+)?(?:recording|video|talk|meeting|call|episode|"
        r"interview|lecture|podcast|session|presentation|webinar|speech|conversation|discussion|show|clip|audio))")
_OF = rf"\s+(?:of|in|into|through)\s+{_REC}"
_TAIL = rf"(?:{_OF})?(?:\s+or\s+so)?"
_ENDS = (r"(?=\s*(?:[?.!,;:)]|$)|\s+(?:and|so|what|who|how|why|when|where|which|is|was|are|were|does|did|do|"
         r"he|she|they|we|you|i|about|on|regarding)\b)")  # the clause ends: "13 minutes in?", not "10 minutes in Paris"
_APPROX = r"(?:around|about|near|roughly|approximately|circa|close\s+to)"
_AT = rf"(?:(?:(?:at|somewhere|right)\s+)?{_APPROX}|at)"
# a length alone is a moment after "at" or "around" ("at 70 minutes"), not after "for about" or "was around"
_AT_LENGTH = (r"(?:at(?:\s+(?:around|about|roughly|approximately))?|(?<!for\s)(?<!is\s)(?<!was\s)(?<!last\s)"
              r"(?<!lasts\s)(?<!lasted\s)(?<!take\s)(?<!takes\s)(?<!took\s)(?:around|near|close\s+to))")
_AT_ANY = rf"(?:{_AT}|by|in|during)"  # before "minute 13" and "the 8-minute mark", times whatever precedes them
_MARKABLE = rf"(?P<at>{_CLOCK}|{_DUR}|(?:half[\s-])?hour(?=[\s-]*mark))"

_RULES = [(kind, re.compile(pattern, re.I)) for kind, pattern in [
    ("between", rf"\b(?P<lead>(?:between|from)\s+(?:the\s+)?)?(?P<kw>minutes?\s+)?(?P<a>{_CLOCK}|{_DUR}|{_NUM})"
                rf"(?:[\s-]*mark)?\s*(?P<sep>and|to|-|–|until|till|through)\s*(?:the\s+)?(?:minute\s+)?"
                rf"(?P<b>{_CLOCK}|{_DUR}|{_NUM})"
                rf"(?:[\s-]*(?P<unit>hours?|minutes?|seconds?)\b)?(?:[\s-]*marks?\b)?{_TAIL}"
                rf"(?P<into>\s+(?:into\s+{_REC}|in{_ENDS}))?"),
    ("first", rf"(?<!at\s)(?<!at\sthe\s)(?<!at\sthe\svery\s)\b(?:(?:in|during|over|within|for|from)\s+)?"
              rf"(?:(?:the|its|their)\s+)?(?:very\s+)?(?P<side>first|last|final|opening|closing)\s+"
              rf"(?:(?P<span>{_DUR})|(?P<few>(?:(?:a\s+)?(?:couple|few)(?:\s+of)?\s+)?)(?P<bare>minutes?|hours?)\b)"
              rf"{_TAIL}"),
    ("half", rf"\b(?:(?:in|during|over|within)\s+)?the\s+(?P<which>first|front|second|latter|later|last|back)\s+half\b"
             rf"(?![\s-]+(?:an?\s+)?(?:hour|minute))(?:{_OF}|(?!\s+of\b))"),
    # "in the end" alone means "at last"
    ("edge", rf"\b(?:(?:right|just)\s+)?(?:at|near|towards?|around|by|in(?!\s+the\s+end\b(?!{_OF})))"
             rf"\s+the\s+(?:very\s+)?(?P<edge>end|beginning|start|outset)\b(?:{_OF}|(?!\s+of\b))"),
    ("open", rf"\b(?:(?P<close>right|just|shortly|immediately)\s+)?(?P<dir>after|since|from|before|until|till|"
             rf"up\s+to|prior\s+to)\s+(?:the\s+)?(?:minute\s+(?P<mn>{_NUM})|{_MARKABLE}(?:[\s-]*mark\b)?)"
             rf"(?:\s+in\b)?(?:\s+(?:on|onwards?|forwards?)\b)?{_TAIL}{_ENDS}"),
    ("point", rf"\b(?:{_AT_ANY}\s+)?(?:the\s+)?{_MARKABLE}[\s-]*mark\b{_TAIL}"),
    ("point", rf"\b(?:{_AT}\s+)?(?P<at>{_DUR}|{_CLOCK})\s+(?:into\s+{_REC}|in{_ENDS})"),
    ("point", rf"\b(?:{_AT}|by|timestamp|time\s*code)\s+(?:the\s+)?(?P<at>{_CLOCK}){_TAIL}"),  # not "in John 3:16"
    ("point", rf"\b{_AT_LENGTH}\s+(?P<at>{_DUR}){_TAIL}{_ENDS}"),
    ("point", rf"\b(?:{_AT_ANY}\s+)?(?:the\s+)?minute\s+(?P<mn>{_NUM})\b{_TAIL}"),
    ("halfway", rf"\b(?:{_AT}\s+)?(?:half[\s-]?way|mid[\s-]?way)(?:\s+(?:point|mark))?\s+(?:through|into|in)"
                rf"(?:\s+{_REC})?{_ENDS}|\b{_AT}\s+(?:the\s+)?(?:half[\s-]?way(?:\s+(?:point|mark))?|mid-?point)"
                rf"(?:{_OF})?{_ENDS}|\b(?:in|around|at|near)\s+the\s+middle{_OF}"),
    ("point", r"(?P<at>(?<![\w:])\d{1,2}:[0-5]\d:[0-5]\d(?![\d:])|\b\d{1,2}h\s?\d{1,2}m\b)"),  # bare 01:10:00, 1h10m
]]

_DANGLING = re.compile(r"(?:^|\s+)(?:in|at|around|during|of|from|by|near|within|over)\s*$", re.I)
Spot = tuple[float, float]  # (share of the duration, seconds): a time d * share + seconds


@dataclass(frozen=True)
class TimeRef:
    """The part of a recording a question names, in seconds; read it as the closed interval [start, end].

    Attributes:
        start: where it begins, ≥ 0; left past the duration when the question names a time beyond the end.
        end: where it ends, ≥ start and ≤ the duration when that is known.
        phrase: the words of the question that name it.
        exact: True for a point in time ("at 1:10:00"), False for a span ("in the last ten minutes").
        anchor: the moment it is about (a point's own time, a span's first moment, the end for "the last ..."):
            what to keep first when the window holds too much.
    """

    start: float
    end: float
    phrase: str
    exact: bool
    anchor: float

    def beyond(self, duration: float) -> bool:
        """Whether it starts at or after the end of a recording this long (so nothing of it is there).

        >>> find_time("What is said at minute 70?", 3000.0).beyond(3000.0)
        True
        """
        return self.start >= duration


def _number(text: str) -> float:
    """A number written in digits or words ("25", "twenty-five")."""
    if text[0].isdigit():
        return float(text)
    return float(sum(_WORDS[w] for w in re.split(r"[\s-]+", text.lower())))


def _seconds(text: str, unit: float | None = None) -> float | None:
    """Seconds in a clock time, a length ("an hour and ten minutes") or a bare number of `unit`s."""
    if ":" in text:
        return reduce(lambda total, part: total * 60 + float(part), text.replace(",", ".").split(":"), 0.0)
    if re.fullmatch(r"(half[\s-])?hour", text, re.I):  # "the hour mark", "the half-hour mark"
        return 1800.0 if text.lower().startswith("half") else 3600.0
    terms = [_term_seconds(t) for t in _TERM_RE.finditer(text)]
    if terms:
        return sum(terms)
    return _number(text) * unit if unit and re.fullmatch(_NUM, text, re.I) else None


def _term_seconds(t: re.Match) -> float:
    """Seconds in one term of a length ("ten minutes", "an hour and a half", "a quarter of an hour")."""
    count = (_number(t["n"]) + 0.5 * bool(t["nhalf"]) if t["n"] else 1.0 if t["a"] else 0.5 if t["half"]
             else 0.75 if t["q"].lower().startswith("three") else 0.25)
    return (count + 0.5 * bool(t["half2"])) * _term_unit(t)


def _term_unit(t: re.Match) -> float:
    """Seconds in the unit a term of a length ends in."""
    return _unit(t["u"] or t["au"] or t["hu"] or t["qu"])


def _unit(word: str) -> float:
    """Seconds in a unit ("minutes": 60, "h": 3600)."""
    return _UNITS.get(word.lower()) or _UNITS[word.lower()[:-1]]


def _unit_of(text: str) -> float | None:
    """The unit a length ends in ("15 minutes": 60), or None for a bare number or a clock time."""
    terms = list(_TERM_RE.finditer(text)) if ":" not in text else []
    return _term_unit(terms[-1]) if terms else None


def _spots(kind: str, m: re.Match) -> tuple[Spot, Spot, Spot] | None:
    """The (start, end, anchor) that a phrase of a kind names, or None when it names no time after all."""
    g = m.groupdict()
    if kind == "between":
        unit = 60.0 if g["kw"] else _unit(g["unit"]) if g["unit"] else _unit_of(g["b"]) or _unit_of(g["a"])
        a, b = _seconds(g["a"], unit), _seconds(g["b"], unit)
        if a is None or b is None or not (g["lead"] or g["kw"] or g["into"] and g["sep"].lower() == "to"
                                          or ":" in g["a"] and ":" in g["b"]):
            return None  # "between 10 and 15" people; "10 to 15 minutes" placed by nothing; "twenty-five minutes in"
        return (0, min(a, b)), (0, max(a, b)), (0, min(a, b))
    if kind == "first":
        if g["span"]:
            n = _seconds(g["span"])
        else:  # "the first minute": one; "the opening minutes", "the last couple of minutes": two; "few": three
            n = _unit(g["bare"]) * (3 if "few" in g["few"].lower() else 2 if g["few"] or g["bare"][-1] in "sS" else 1)
        if g["side"].lower() in ("first", "opening"):
            return (0, 0), (0, n), (0, 0)
        return (1, -n), (1, 0), (1, 0)
    if kind == "half":
        first = g["which"].lower() in ("first", "front")
        return ((0, 0), (0.5, 0), (0, 0)) if first else ((0.5, 0), (1, 0), (0.5, 0))
    if kind == "edge":
        return ((1, -EDGE), (1, 0), (1, 0)) if g["edge"].lower() == "end" else ((0, 0), (0, EDGE), (0, 0))
    if kind == "halfway":
        return (0.5, -BEFORE_POINT), (0.5, AFTER_POINT), (0.5, 0)
    t = _number(g["mn"]) * 60 if g.get("mn") else _seconds(g["at"])
    if t is None:
        return None
    if kind == "point":
        return (0, t - BEFORE_POINT), (0, t + AFTER_POINT), (0, t)
    later = g["dir"].lower() in ("after", "since", "from")
    if g["close"]:
        return ((0, t), (0, t + NEAR), (0, t)) if later else ((0, t - NEAR), (0, t), (0, t))
    return ((0, t), (1, 0), (0, t)) if later else ((0, 0), (0, t), (0, t))


def _locate(question: str) -> tuple[re.Match, tuple[Spot, Spot, Spot], bool] | None:
    """The first phrase naming a time, by the rules' order (spans before the points inside them)."""
    for kind, rule in _RULES:
        for m in rule.finditer(question):
            if spots := _spots(kind, m):
                return m, spots, kind in ("point", "halfway")
    return None


def find_time(question: str, duration: float | None = None) -> TimeRef | None:
    """The moment or span a question names, or None (also for "the last ten minutes" when `duration` is None).

    >>> find_time("What is discussed around 1 hour 10 minutes in?", 5400.0)
    TimeRef(start=4140.0, end=4320.0, phrase='around 1 hour 10 minutes in', exact=True, anchor=4200.0)
    """
    found = _locate(question)
    if found is None:
        return None
    m, spots, exact = found
    if duration is None and any(share for share, _ in spots):
        return None
    (start, end, anchor) = (share * (duration or 0.0) + seconds for share, seconds in spots)
    start = max(0.0, start)
    end = max(start, end if duration is None else min(end, duration))
    return TimeRef(float(start), float(end), m.group(0), exact, float(max(0.0, anchor)))


def without_time(question: str) -> str:
    """The question with its time phrase taken out and the words it leaves dangling tidied: what to search for.

    >>> without_time("Around 13:00, what is he talking about?"), without_time("Who led FAIR?")
    ('What is he talking about?', 'Who led FAIR?')
    """
    found = _locate(question)
    if found is None:
        return question.strip()
    m = found[0]
    before = _DANGLING.sub("", question[:m.start()])  # "a summary of [minute 40]": "of" goes too
    rest = re.sub(r"\s+", " ", f"{before} {question[m.end():]}")
    rest = re.sub(r"\s+([?.!,;:])", r"\1", rest)
    rest = re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", rest)
    rest = re.sub(r"^[\s,;:]+|[\s,;:]+(?=[?.!]*$)", "", rest)
    return rest[:1].upper() + rest[1:] if question.lstrip()[:1].isupper() else rest
