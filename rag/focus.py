"""Questions about time, speakers and main points: find the window, the neighbour, the voice or the section a
question asks about.

Recognised phrasings (case does not matter):

* a moment: "around minute 22", "at minute 22", "at 22 minutes", "at the 22-minute mark", "at 12:30";
  the window is a minute before to two minutes after it.
* a span: "in the first five minutes", "in the first minute", "in the last 2 minutes", "at the very
  end" / "at the start" (the last / first two minutes),
  "between minute 10 and 12", "from 10:00 to 12:30".
* a neighbour: "what comes right after the part about FAIR?", "what is said just before the Nvidia
  quote?" (the sentence(s) next to the best match of the anchor, in document order).
* a speaker: "what did Alice say about the budget?", "according to Bob, ..." (transcripts that name
  speakers: timed lines `[00:01:02] Alice: ...` and WebVTT `<v Alice>` voices).
* a transcript's own list of its main points ("Key Takeaways", "Summary"), for a question about its main
  points ("what are the highlights?": see `own_points`).

Each gives the sentences the answer must come from; the pipeline shows the model only those and
cites inside them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import takewhile

import numpy as np

from rag.citations import lexical_support
from rag.embedder import Encode
from rag.segments import Segment, Transcript
from rag.timecode import format_time, parse_time

NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen".split())}
_NUM = r"(\d+|" + "|".join(NUMBER_WORDS) + r")"
_CLOCK = r"(\d{1,2}:\d{2}(?::\d{2})?)"
_MOMENT = re.compile(
    rf"\b(?:around|about|at|near|by|close to)\s+(?:the\s+)?(?:minute\s+{_NUM}|{_NUM}[\s-]*min(?:ute)?s?(?:\s+mark)?|{_CLOCK})",
    re.I)
_MINUTE = re.compile(rf"\bminute\s+{_NUM}\b", re.I)
_FIRST = re.compile(rf"\b(first|last|final|opening|closing)\s+(?:{_NUM}\s+)?(minutes?|seconds?)\b", re.I)
_MINUTES_IN = re.compile(rf"\b{_NUM}\s+min(?:ute)?s?\s+in(?:to\s+(?:it|the\s+\w+))?\b", re.I)  # "13 minutes in"
_EDGE = re.compile(r"\b(?:at|near|towards?|in) the (?:very )?(end|beginning|start)\b(?! of the (?:part|section|sentence|quote|bit))", re.I)
_BETWEEN_MIN = re.compile(rf"\b(?:between\s+(?:minutes?\s+)?|(?:from\s+)?minutes?\s+){_NUM}\s*(?:and|to|-|–|through|until)\s*"
                          rf"(?:minute\s+)?{_NUM}(?:\s+minutes?)?", re.I)
_BETWEEN_CLOCK = re.compile(rf"\b(?:from|between)\s+{_CLOCK}\s+(?:to|and|-|until)\s+{_CLOCK}", re.I)
_PART = r"(?:part|bit|section|remark|quote|mention|comment|discussion|point|sentence|line)s?"  # "the part about X"
_LINK = r"(?:about|on|of|where|when|that|in which)"
_TALKS = r"(?:talks?\s+about|talked\s+about|speaks?\s+about|spoke\s+about|mentions?|mentioned|discuss(?:es|ed)?)"
_TOLD = (rf"(?:he|she|they|the\s+(?:speaker|presenter|host|guest))\s+(?:{_TALKS}|is\s+done\s+with|was\s+done\s+with|"
         r"finishes\s+with|finished\s+with)")  # "after he mentions X": the anchor is X
# "what does he talk about after X?": a verb of speaking before "after" makes X a point in the talk, not an event
_SPOKEN = rf"(?:say|says|said|covers?|covered|{_TALKS}|(?:is|are|was|were)\s+(?:said|discussed|covered|mentioned))"
_NEIGHBOUR = re.compile(
    rf"\b(?:(?:(?P<close>right|just|immediately|directly)|next,?)\s+(?P<near>after|before)|(?P<dir>after|before)\s+the\s+{_PART}"
    rf"|(?P<told>after|before)\s+{_TOLD}|{_SPOKEN}\s+(?P<spoken>after|before))"
    rf"\s+(?P<anchor>.+?)\s*\??\s*$", re.I)
_GERUND = re.compile(r"^(?:mentioning|discussing|talking\s+about|covering|explaining|describing)\s+", re.I)
_ANCHOR_NOISE = re.compile(rf"^(?:the\s+)?(?:{_PART}\s+)?(?:{_LINK}\s+)?", re.I)
_SPEAKER = re.compile(r"\b(?i:what|how)\s+(?i:did|does|do)\s+([A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?)\s+(?:say|think|mention|tell|"
                      r"explain|describe|argue|suggest|propose|want)\b|\b(?i:according to)\s+([A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?)")
MAX_SENTENCES = 20
# "what is discussed around minute 13?", "around 13:00, what is he talking about?", "summarize the first five
# minutes": everything in the window, not one fact. The question without its time phrase must be one of these
# whole; "what does he say about the budget around minute 5?" names a topic and is not one.
_SUBJECT = r"(?:he|she|they|it|we|you|the\s+\w+|\w+)"
_OVERVIEW = re.compile(
    r"what(?:'s|\s+is|\s+was|\s+are|\s+were|\s+gets|\s+got)?\s+(?:being\s+)?(?:discussed|said|covered|talked\s+about|"
    r"mentioned|going\s+on|happening|happens|the\s+(?:main\s+)?(?:topics?|subjects?|points?))"
    rf"|what\s+(?:does|did|do)\s+{_SUBJECT}\s+(?:say|talk(?:\s+about)?|discuss|cover|mention|go\s+over|speak(?:\s+about)?)"
    rf"|what(?:'s|\s+is|\s+are|\s+was|\s+were)\s+{_SUBJECT}\s+(?:saying|talking(?:\s+about)?|discussing|covering|"
    r"going\s+over|speaking(?:\s+about)?)"
    rf"|what\s+{_SUBJECT}\s+(?:says|said|talks\s+about|talked\s+about|discusses|discussed|covers|covered|mentions|mentioned)"
    rf"|what\s+(?:topics?|subjects?)\s+(?:comes?\s+up|came\s+up|(?:is|are|was|were)\s+(?:discussed|covered)|"
    rf"(?:does|did|do)\s+{_SUBJECT}\s+(?:cover|discuss|talk\s+about))"
    r"|summari[sz]e|give\s+(?:me\s+)?a\s+summary(?:\s+of)?|(?:a\s+)?summary(?:\s+of)?", re.I)
_LOOSE_ENDS = re.compile(r"^[\s,;:]*(?:(?:in|at|around|during|near|by|within|over|from)\s+)?(?:the\s+)?(?:very\s+)?[\s,;:]*"
                         r"(?:so,?\s+|and\s+|then\s+|tell\s+me\s+)?|(?:\s+(?:in|at|around|during|of|the|near|"
                         r"from|between|by|within|over|mark|video|talk|recording|episode|interview))*[\s,.;:?!]*$", re.I)


@dataclass(frozen=True)
class Focus:
    """What a question narrows the transcript to.

    Attributes:
        kind: "window", "after", "before", "speaker", "section" (see `own_points`) or "asked" (see
            `rag.asked.own_question`).
        description: the constraint in words, for the answer's trace and for refusals.
        sentences: the sentences the answer must rest on, in document order.
        anchor: for "after" and "before", the sentence the question places them by, the closest to what it
            names ("… right after he is done with Zapier?": "… similar to Zapier is N8N …"), which the
            description quotes to the model; for "asked", the transcript's own question.
    """

    kind: str
    description: str
    sentences: tuple[Segment, ...]
    anchor: Segment | None = None


def without_time(question: str) -> str:
    """The question with its time phrase set aside (and the words left dangling by it), or "" when it has none.

    >>> without_time("What example does he introduce around the 8-minute mark?"), without_time("Who led FAIR?")
    ('What example does he introduce', '')
    """
    rest = question
    for phrase in (_BETWEEN_CLOCK, _BETWEEN_MIN, _FIRST, _EDGE, _MINUTES_IN, _MOMENT, _MINUTE):
        rest = phrase.sub(" ", rest)
    if rest == question:
        return ""
    return _LOOSE_ENDS.sub("", re.sub(r"\s+", " ", rest))


def asks_overview(question: str) -> bool:
    """Whether a question asks what a part of the transcript says as a whole, rather than for one fact.

    >>> [asks_overview(q) for q in ("What is discussed around minute 13?", "Around 13:00, what is he talking about?",
    ...                             "Summarize the first five minutes.", "What happens 13 minutes in?")]
    [True, True, True, True]
    >>> [asks_overview(q) for q in ("What does he say about Nvidia around minute 23?",
    ...                             "What example does he give at 8:00?", "What is discussed?")]
    [False, False, False]
    """
    return bool(_OVERVIEW.fullmatch(without_time(question)))


# Questions about the recording as a whole: "what is this about?", "summarize the talk", "who is the guest?".
# Every sentence is about them, so no passage needs to be close to them in meaning (see `about_whole`).
_RECORDING = (r"(?:(?:this|that|the)\s+(?:video|talk|interview|podcast|episode|recording|transcript|conversation|"
              r"discussion|meeting|lecture|presentation|session|show|call|webinar|summary|text|document)|this|it|that)")
# the one whose recording it is, and the recording itself named (not "it" or "that": a follow-up's words, and not
# "the host" or "the meeting": a summary answers for the guest, and a meeting has many voices)
_SPEAKER_ROLE = r"(?:the\s+(?:speaker|presenter|guest))"
_THIS_RECORDING = r"(?:(?:this|the)\s+(?:video|talk|interview|podcast|episode|recording|transcript|lecture|presentation|webinar)|this)"
_WHOLE_POINTS = re.compile(
    rf"(?:so,?\s+)?(?:what\s+(?:is|are|was|were)\s+the\s+(?:(?:main|key|central|big|most\s+important)\s+(?:topics?|themes?|"
    rf"points?|takeaways?|ideas?|messages?|arguments?|lessons?)|highlights)"
    rf"(?:\s+(?:of|in|from)\s+{_RECORDING}|\s+{_SPEAKER_ROLE}\s+(?:makes?|made|gives?|gave))?"
    rf"|(?:can\s+you\s+|please\s+)?(?:summari[sz]e|list)\s+the\s+(?:main|key)\s+(?:points|takeaways|ideas)"
    rf"(?:\s+(?:of|in|from)\s+{_RECORDING})?)", re.I)
_WHOLE_SUMMARY = re.compile(
    rf"(?:so,?\s+)?(?:(?:tell\s+me\s+)?what(?:['’]?s|\s+is|\s+was)\s+{_RECORDING}\s+(?:all\s+|mainly\s+|mostly\s+)?about"
    rf"|what\s+(?:does|did)\s+{_RECORDING}\s+(?:cover|discuss|talk\s+about)"
    rf"|what\s+(?:does|did)\s+{_SPEAKER_ROLE}\s+(?:cover|discuss|talk\s+about|speak\s+about)(?:\s+in\s+{_THIS_RECORDING})?"
    rf"|what(?:['’]?s|\s+is|\s+was)\s+(?:the\s+(?:main\s+)?topic\s+of\s+{_THIS_RECORDING}|discussed\s+in\s+{_THIS_RECORDING})"
    rf"|(?:tell\s+me\s+)?what\s+{_THIS_RECORDING}\s+(?:is|was)\s+(?:all\s+|mainly\s+|mostly\s+)?about"
    rf"|(?:give\s+(?:me\s+)?)?(?:the\s+)?gist(?:\s+of\s+{_THIS_RECORDING})?"
    rf"|(?:can\s+you\s+|please\s+)?(?:summari[sz]e|recap|sum\s+up)(?:\s+{_RECORDING})?(?:\s+for\s+me)?(?:\s+briefly)?"
    rf"|(?:give\s+(?:me\s+)?)?(?:an?\s+)?(?:short\s+|brief\s+|quick\s+)?(?:summary|overview|recap|tl;?\s*dr)"
    rf"(?:\s+(?:of|for)\s+{_RECORDING})?(?:\s*,?\s*please)?)", re.I)

# "who is the guest?" — the one whose recording it is; "who is the interviewer / host?" is not one of these
# (a summary that names one person would answer it with the guest: see rag.checks.refusal's role check)
_WHO_ROLE = r"(?:guest|speaker|presenter|interviewee)"
_WHOLE_WHO = re.compile(
    rf"(?:so,?\s+)?(?:who(?:'s|\s+is|\s+was)\s+(?:the\s+)?(?:{_WHO_ROLE}|speaking|talking|presenting|being\s+interviewed)"
    rf"|what(?:['’]s|\s+is|\s+was)\s+(?:the\s+name\s+of\s+the\s+{_WHO_ROLE}|the\s+{_WHO_ROLE}['’]s\s+name))"
    rf"(?:\s+(?:in|on|of)\s+{_RECORDING})?", re.I)


def about_whole(question: str) -> str | None:
    """"summary" for a question about what the whole recording says, "points" for one about its main points
    (which the transcript may list itself: "key takeaways"), "who" for one about whose recording it is ("who is
    the guest?"), None for others (which are about something in it).

    >>> [about_whole(q) for q in ("What is this about?", "Summarize the talk.", "What are the key takeaways?",
    ...                           "Who is the guest?", "Who is speaking in this video?")]
    ['summary', 'summary', 'points', 'who', 'who']
    >>> [about_whole(q) for q in ("What's the name of the guest?", "What is the presenter's name?")]
    ['who', 'who']
    >>> [about_whole(q) for q in ("Give me the gist.", "Tell me what this is about.", "What does the speaker talk about?",
    ...                           "What are the highlights?", "Summarize the key points.", "What is the topic of this video?")]
    ['summary', 'summary', 'summary', 'points', 'points', 'summary']
    >>> [about_whole(q) for q in ("What does he talk about after Zapier?", "What does the speaker say about chips?")]
    [None, None]
    >>> [about_whole(q) for q in ("What does she talk about?", "What is discussed in it?", "What does the host talk about?",
    ...                           "What was discussed in the meeting?", "Tell me what it is about.")]  # follow-ups, one voice
    [None, None, None, None, None]
    >>> [about_whole(q) for q in ("What is the weather in Paris?", "Who is the interviewer?", "What is FAIR about?")]
    [None, None, None]
    """
    text = question.strip().rstrip("?.! ")
    if _WHOLE_SUMMARY.fullmatch(text):
        return "summary"
    if _WHOLE_POINTS.fullmatch(text):
        return "points"
    if _WHOLE_WHO.fullmatch(text):
        return "who"
    return None


def _number(token: str) -> int:
    return NUMBER_WORDS[token.lower()] if token.lower() in NUMBER_WORDS else int(token)


def time_window(question: str, duration: float) -> tuple[float, float, str, float] | None:
    """The `(start, end, description, anchor)` in seconds that a question asks about, or None; `anchor` is the
    moment the window is about (its start, its end, or the minute named), whose sentences are kept first when
    the window holds more than `MAX_SENTENCES`.

    >>> time_window("What does he say around minute 22?", 3000)[:2]
    (1260.0, 1440.0)
    >>> time_window("What is discussed in the first five minutes?", 3000)[:2]
    (0.0, 300.0)
    >>> time_window("What happens between 10:00 and 12:30?", 3000)[:2]
    (600.0, 750.0)
    >>> time_window("What does Gigascale invest in?", 3000) is None
    True
    """
    m = _BETWEEN_CLOCK.search(question)
    if m:
        a, b = parse_time(m.group(1)), parse_time(m.group(2))
        return min(a, b), max(a, b), f"between {format_time(min(a, b))} and {format_time(max(a, b))}", min(a, b)
    m = _BETWEEN_MIN.search(question)
    if m:
        a, b = sorted((_number(m.group(1)) * 60.0, _number(m.group(2)) * 60.0))
        return a, b, f"between {format_time(a)} and {format_time(b)}", a
    m = _FIRST.search(question)
    if m:
        plural, unit = m.group(3).lower().endswith("s"), m.group(3).lower().rstrip("s")
        n = _number(m.group(2)) if m.group(2) else 2 if plural else 1  # "the opening minutes": two
        span = n * (1.0 if unit == "second" else 60.0)
        what = f"{n} {unit}{'s' * (n != 1)}"
        if m.group(1).lower() in ("first", "opening"):
            return 0.0, span, f"in the first {what}", 0.0
        return max(0.0, duration - span), duration + 1, f"in the last {what}", duration
    m = _EDGE.search(question)
    if m:
        if m.group(1).lower() == "end":
            return max(0.0, duration - 120.0), duration + 1, "in the last 2 minutes", duration
        return 0.0, 120.0, "in the first 2 minutes", 0.0
    centre = None
    m = _MOMENT.search(question)
    if m:
        centre = parse_time(m.group(3)) if m.group(3) else _number(m.group(1) or m.group(2)) * 60.0
    elif m := _MINUTES_IN.search(question) or _MINUTE.search(question):
        centre = _number(m.group(1)) * 60.0
    if centre is None:
        return None
    return max(0.0, centre - 60.0), centre + 120.0, f"around {format_time(centre)}", centre


def neighbour_request(question: str) -> tuple[str, str, int] | None:
    """`("after" | "before", anchor text, sentences)` for "what comes right after X?", or None.

    "right/just/immediately after" means the one next sentence; "after the part about X" the next two.

    >>> neighbour_request("What is said right after the part about FAIR?")
    ('after', 'FAIR', 1)
    >>> neighbour_request("What comes just before the remark that understanding the supply chain is crucial?")
    ('before', 'understanding the supply chain is crucial', 1)
    >>> neighbour_request("What is said after the part about chips?")
    ('after', 'chips', 2)
    >>> neighbour_request("What is said after he mentions Gigascale?")
    ('after', 'Gigascale', 2)
    >>> neighbour_request("What does he say next, after the Nvidia quote?")
    ('after', 'Nvidia quote', 2)
    >>> neighbour_request("What does he talk about after Zapier?"), neighbour_request("What was said before the FAIR part?")
    (('after', 'Zapier', 2), ('before', 'FAIR part', 2))
    >>> neighbour_request("What does he say right after mentioning Zapier?")
    ('after', 'Zapier', 1)
    >>> neighbour_request("What did Meta do after leasing data centers?") is None
    True
    >>> neighbour_request("What preceded the creation of FAIR?") is None  # an event before an event, not a place in the talk
    True
    """
    m = _NEIGHBOUR.search(question)
    if not m:
        return None
    direction = (m["near"] or m["dir"] or m["told"] or m["spoken"]).lower()
    close = bool(m["close"])
    anchor = m["anchor"].strip()
    if m["dir"]:  # "after the part about X": the noun was matched already
        anchor = re.sub(rf"^{_LINK}\s+", "", anchor, flags=re.I)
    elif m["near"] or m["spoken"]:
        anchor = re.sub(rf"^{_TOLD}\s+", "", anchor, flags=re.I)
        anchor = _ANCHOR_NOISE.sub("", _GERUND.sub("", anchor)).strip() or anchor
    anchor = re.sub(r"^the\s+", "", anchor, flags=re.I)
    return (direction, anchor, 1 if close else 2) if anchor else None


def speaker_request(question: str, speakers: Sequence[str]) -> str | None:
    """The known speaker a question asks about ("what did Alice say ..."), or None.

    >>> speaker_request("What did Alice say about the budget?", ["Alice", "Bob"])
    'Alice'
    >>> speaker_request("What did he say about chips?", ["Alice"]) is None
    True
    """
    m = _SPEAKER.search(question)
    if not m:
        return None
    name = (m.group(1) or m.group(2)).lower()
    for speaker in speakers:
        s = speaker.lower()
        if name == s or name == s.split()[0] or s.startswith(name + " "):
            return speaker
    return None


def keep_best(sentences: Sequence[Segment], scores: Sequence[float], most: int) -> tuple[Segment, ...]:
    """The `most` sentences with the highest scores, in their own (transcript) order.

    >>> [s.text for s in keep_best([Segment("t", 1, "a"), Segment("t", 2, "b"), Segment("t", 3, "c")], [0.1, 0.9, 0.5], 2)]
    ['b', 'c']
    """
    best = set(np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable")[:most].tolist())
    return tuple(s for i, s in enumerate(sentences) if i in best)


def closeness(text: str, sentences: Sequence[Segment], encode: Encode) -> np.ndarray:
    """How close each sentence is to a text: cosine plus the share of the text's words it holds (a short
    text such as "FAIR" embeds poorly, so its words found in the sentence count as much as the cosine)."""
    vectors = encode([text] + [s.text for s in sentences])
    lexical = np.array([lexical_support(text, s.text) for s in sentences], dtype=np.float32)
    return vectors[1:] @ vectors[0] + lexical


# a transcript's own list of its main points: a section headed "Key Takeaways", "Highlights", "Summary", …
# ("Key Takeaways for CTOs in the AI Era"; not "Summary of Q3 budget" or "Why I quit piano lessons")
_OWN_POINTS = re.compile(r"^\W*(?:in\s+)?(?:(?:key|main|final|executive|the)\s+)?(?:take-?aways?|highlights|"
                         r"points|summary|conclusions?|tl;?\s*dr|recap|lessons(?:\s+learned)?)\b(?!\s+of\b)", re.I)


def own_points(transcripts: Sequence[Transcript]) -> Focus | None:
    """The section in which a transcript lists its own main points, as a focus: the sentences after a heading
    that opens with "Key Takeaways", "Highlights", "Summary", "Conclusions", "TL;DR", "Recap", "Lessons" …,
    up to the next heading (its first `MAX_SENTENCES`). None when no heading names one, when more than one
    does (which to read would be a guess), or when the question is asked of several transcripts (one's list is
    not the highlights of all).

    "What are the highlights?" asked of the whole transcript gets the points a small model meets first; a
    summary, when there is one, already says which points matter.

    >>> segs = [Segment("t", 0, "Intro", kind="heading"), Segment("t", 1, "Hello."),
    ...         Segment("t", 5, "Key Takeaways", kind="heading"), Segment("t", 5, "Build less."), Segment("t", 8, "Buy more."),
    ...         Segment("t", 9, "Open Source", kind="heading"), Segment("t", 9, "Share it.")]
    >>> focus = own_points([Transcript("t", "t.txt", tuple(segs))])
    >>> focus.kind, focus.description, [s.text for s in focus.sentences]
    ('section', 'in its section “Key Takeaways”', ['Build less.', 'Buy more.'])
    """
    if len(transcripts) != 1:
        return None
    segments = transcripts[0].segments
    found = []
    for i, heading in enumerate(segments):
        if heading.is_heading and _OWN_POINTS.search(heading.text):
            body = list(takewhile(lambda s: not s.is_heading, segments[i + 1:]))
            if body:
                found.append((heading, body))
    if len(found) != 1:
        return None
    heading, body = found[0]
    return Focus("section", f"in its section “{heading.text}”", tuple(body[:MAX_SENTENCES]))


def find_focus(question: str, transcripts: Sequence[Transcript],
               encode: Encode | None = None) -> Focus | None:
    """The sentences a time, neighbour or speaker question is about, or None for an ordinary question.

    Args:
        question: the question as asked.
        transcripts: the transcripts it may be about.
        encode: unit-vector sentence embedder, to find a neighbour question's anchor.
    """
    sentences = [s for t in transcripts for s in t.segments if not s.is_heading]
    if not sentences:
        return None
    duration = max(s.start for s in sentences)
    window = time_window(question, duration)
    if window:
        start, end, words, anchor = window
        inside = [s for s in sentences if start <= s.start < end]
        return Focus("window", words, keep_best(inside, [-abs(s.start - anchor) for s in inside], MAX_SENTENCES))
    neighbour = neighbour_request(question)
    if neighbour and encode is not None:
        direction, anchor, n = neighbour
        best = int(np.argmax(closeness(anchor, sentences, encode)))
        order = range(best + 1, min(best + 1 + n, len(sentences))) if direction == "after" else range(max(0, best - n), best)
        chosen = tuple(sentences[i] for i in order if sentences[i].source == sentences[best].source)
        return Focus(direction, f"{direction} “{sentences[best].text}”", chosen, sentences[best])
    speakers = sorted({s.speaker for s in sentences if s.speaker})
    speaker = speaker_request(question, speakers) if speakers else None
    if speaker:
        said = [s for s in sentences if s.speaker == speaker]
        if len(said) > MAX_SENTENCES and encode is not None:  # a long meeting: the speaker's lines on the question
            said = keep_best(said, closeness(question, said, encode), MAX_SENTENCES)
        return Focus("speaker", f"said by {speaker}", tuple(said[:MAX_SENTENCES]))
    return None
