"""Example questions that fit a transcript, chosen without a model call (they cost nothing at page load).

A meeting (several speakers) gets the questions people ask of a meeting, about its most talked-about topics
and its most frequent speaker; a document with section headings gets questions about its first sections;
anything else gets a question about its main topic and one about its opening minutes.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from rag.segments import Transcript
from rag.words import NUMBER_WORDS, STOPWORDS

# words of speech that carry no topic ("um", "you know", "kind of") and words too general to ask about
_FILLER = frozenset("""um uh umm hmm mm mhm yeah yep yes okay ok oh ah well like know mean think going gonna wanna
really right sort kind thing things stuff actually basically probably maybe something anything everything
lot lots bit good great nice sure one two three get got go goes want wanted need needed make made see look
let let's i'm you're we're they're it's that's there's don't doesn't didn't can't won't isn't aren't i've
we've you've i'd we'd would could should also even still already much many way ways time times now today
little bunch pretty quite whatever somebody someone people guy guys yeah-yeah able said says say tell told
first second next last new old other another same different use used using try trying come came back put
""".split()) | STOPWORDS | set(NUMBER_WORDS) | {"hundred", "thousand", "cent", "percent"}
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]")
GENERIC_HEADINGS = frozenset("introduction intro conclusion summary overview background outro contents".split())


def _words(text: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


def topics(transcript: Transcript, n: int = 3) -> list[str]:
    """The transcript's most talked-about topics: its most frequent two-word phrases of topic words (said at
    least twice), then its most frequent topic words, no topic sharing a word with an earlier one.

    >>> from rag.segments import Segment
    >>> t = Transcript("m", "m.txt", tuple(Segment("m", i, s) for i, s in enumerate(
    ...     ["Um, the remote control needs buttons.", "Yeah, the remote control is big.", "Buttons, buttons."])))
    >>> topics(t)
    ['remote control', 'buttons']
    """
    pairs: Counter[str] = Counter()
    singles: Counter[str] = Counter()
    for seg in transcript.segments:
        if seg.is_heading:
            continue
        words = _words(seg.text)
        keep = [w if len(w) > 2 and w not in _FILLER else "" for w in words]
        singles.update(w for w in keep if len(w) > 3)
        pairs.update(f"{a} {b}" for a, b in zip(keep, keep[1:]) if a and b and a != b)
    ranked = [p for p, c in pairs.most_common() if c >= 2] + [w for w, c in singles.most_common() if c >= 2]
    chosen: list[str] = []
    for topic in ranked:
        if not set(topic.split()) & {w for c in chosen for w in c.split()}:
            chosen.append(topic)
        if len(chosen) == n:
            break
    return chosen


def speakers_by_turns(transcript: Transcript) -> list[str]:
    """The transcript's speakers, most sentences first."""
    return [s for s, _ in Counter(seg.speaker for seg in transcript.segments if seg.speaker).most_common()]


def _headings(transcript: Transcript) -> list[str]:
    """Section headings that name a subject: "Background: Mike's Journey" is "Mike's Journey"."""
    heads = [seg.text.rstrip(":").split(":")[-1].strip() for seg in transcript.segments if seg.is_heading]
    return [h for h in heads if h and h.lower() not in GENERIC_HEADINGS]


def examples_for(transcript: Transcript) -> list[str]:
    """Up to four example questions about one transcript.

    >>> from rag.segments import Segment
    >>> t = Transcript("m", "m.txt", tuple(Segment("m", i, s, speaker=w) for i, (w, s) in enumerate([
    ...     ("Ann", "The remote control needs buttons."), ("Bob", "The remote control is big."),
    ...     ("Ann", "Buttons cost money, buttons."), ("Ann", "The budget is fixed; the budget is small.")])))
    >>> examples_for(t)
    ['Summarize the discussion about remote control.', 'What did Ann say about buttons?', 'What was decided about budget?']
    """
    found = topics(transcript)
    people = speakers_by_turns(transcript)
    heads = _headings(transcript)
    out: list[str] = []
    if len(people) >= 2 and found:
        out.append(f"Summarize the discussion about {found[0]}.")
        out.append(f"What did {people[0]} say about {found[1] if len(found) > 1 else found[0]}?")
        if len(found) > 2:
            out.append(f"What was decided about {found[2]}?")
    elif heads:
        names = _names(transcript)
        out += [f"What does it say about {_sentence_case(h, names)}?" for h in heads[:3]]
    elif found:
        out.append(f"What does it say about {found[0]}?")
        out.append("What is this about?")
    if transcript.duration >= 600:
        out.append("What is discussed in the first five minutes?")
    return out or ["What is this about?"]


def _sentence_case(heading: str, names: set[str]) -> str:
    """A heading as words inside a question: lower case, except acronyms and the words the transcript
    capitalises inside its sentences (`names`, lower-cased: its names).

    >>> _sentence_case("The Evolving Developer Landscape", set()), _sentence_case("Background: Mike's Journey", {"mike"})
    ('the evolving developer landscape', "background: Mike's journey")
    """
    def bare(word: str) -> str:
        return re.sub(r"['’]s$", "", word.strip(":,"))
    return " ".join(w if (bare(w).isupper() and len(bare(w)) > 1) or bare(w).lower() in names else w.lower()
                    for w in heading.split())


def _names(transcript: Transcript) -> set[str]:
    """The words a transcript capitalises inside its sentences, lower-cased."""
    return {re.sub(r"['’]s$", "", m.group(0)).lower() for seg in transcript.segments if not seg.is_heading
            for m in re.finditer(r"(?<=[\w,;] )[A-Z][\w'’-]*", seg.text)}


def examples_for_library(transcripts: Sequence[Transcript], source: str | None = None) -> list[str]:
    """The examples for the transcript in scope (`source`), or for the first transcript of the library."""
    chosen = [t for t in transcripts if t.title == source] or list(transcripts[:1])
    return examples_for(chosen[0]) if chosen else ["What is this about?"]
