"""The unit every parser produces: one timestamped sentence, plus the sentence splitter."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.timecode import format_time

SegmentKey = tuple[str, float, str]


def segment_key(source: str, start: float, text: str) -> SegmentKey:
    """A sentence's identity across indexes, citations and the page: `(source, start, text)`.

    >>> segment_key("Talk", 35, "Hello.")
    ('Talk', 35.0, 'Hello.')
    """
    return (source, float(start), text)


@dataclass(frozen=True)
class Segment:
    """One sentence of a transcript and the moment it belongs to.

    Attributes:
        source: the transcript's title (what a citation shows).
        start: seconds from the start of the recording.
        text: the sentence, cleaned of markers and markup.
        line: 1-based line in the source file where the sentence starts.
        char_start: offset of the sentence in the decoded source text.
        char_end: end offset (exclusive) in the decoded source text.
        speaker: who says it, when the transcript names a speaker.
        timed: False when the time was inherited from a neighbouring marker.
        kind: "sentence", or "heading" for a section title: context for retrieval, never cited.
    """

    source: str
    start: float
    text: str
    line: int = 0
    char_start: int = 0
    char_end: int = 0
    speaker: str | None = None
    timed: bool = True
    kind: str = "sentence"

    @property
    def is_heading(self) -> bool:
        return self.kind == "heading"

    @property
    def key(self) -> SegmentKey:
        """This sentence's `segment_key`."""
        return segment_key(self.source, self.start, self.text)

    @property
    def timestamp(self) -> str:
        """The start time as `hh:mm:ss`."""
        return format_time(self.start)


# A sentence ends at . ! or ? (optionally followed by closing quotes/brackets), then
# white space and something that can start a sentence.
_SENTENCE_END = re.compile(r"""(?<=[.!?])["')\]]*\s+(?=["'(\[]?[A-Z0-9])""")
# Captions are often lower case: there any . ! ? followed by a space ends a sentence.
_CAPTION_END = re.compile(r"""(?<=[.!?])["')\]]*\s+(?=\S)""")
_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "vs.", "Mr.", "Mrs.", "Ms.", "Dr.", "St.", "U.S.", "approx.")


def tokenize(text: str) -> list[str]:
    """Lower-case word tokens for BM25 and lexical overlap.

    >>> tokenize("Gigascale's AI-era CTO")
    ['gigascale', 's', 'ai', 'era', 'cto']
    """
    return re.findall(r"[a-z0-9]+", text.lower())


def tidy_spacing(text: str) -> str:
    """Collapse white space and remove spaces before punctuation.

    >>> tidy_spacing("  grows  fast , they say .")
    'grows fast, they say.'
    """
    return re.sub(r"\s+([.,;:!?])", r"\1", re.sub(r"\s+", " ", text).strip())


def split_sentences(text: str, lowercase_starts: bool = False) -> list[tuple[int, int]]:
    """Split text into sentences and return their (start, end) character spans.

    With `lowercase_starts`, a sentence may begin in lower case (caption text).

    >>> s = "It works. Does it? Yes."
    >>> [s[a:b] for a, b in split_sentences(s)]
    ['It works.', 'Does it?', 'Yes.']
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for m in (_CAPTION_END if lowercase_starts else _SENTENCE_END).finditer(text):
        head = text[start : m.start()].rstrip("\"')]")
        if head.endswith(_ABBREVIATIONS):
            continue
        _append_span(text, start, m.start(), spans)
        start = m.end()
    _append_span(text, start, len(text), spans)
    return spans


def _append_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    """Append the span trimmed of surrounding white space, if anything is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


@dataclass(frozen=True)
class Transcript:
    """A parsed transcript: its title, where it came from, and its sentences in order."""

    title: str
    path: str
    segments: tuple[Segment, ...]
    format: str = "text"
    media_url: str | None = None
    channel: str | None = None  # who published it (a `From:` line), when the file says

    @property
    def duration(self) -> float:
        """Seconds from the start to the last sentence's start."""
        return self.segments[-1].start if self.segments else 0.0
