"""Caption cues → clean timestamped sentences.

Subtitle formats (SRT, WebVTT, caption JSON) cut speech into short timed cues that rarely match
sentences, and YouTube's auto-captions roll: a cue repeats the line shown before it. Here cues are
joined into one word stream (a repeated line is dropped, so text is never doubled), split into
sentences, and each sentence takes the start time of the cue in which its first word appears.
A change of speaker always ends a sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rag.errors import TranscriptError
from rag.segments import Segment, split_sentences

MAX_SENTENCE_WORDS = 60  # captions without punctuation are cut at cue boundaries past this


@dataclass(frozen=True)
class Cue:
    """One caption cue as read from the file."""

    start: float
    end: float | None
    lines: tuple[str, ...]
    line: int  # line of the cue's timing in the file
    speaker: str | None = None


def _words_of(cues: Sequence[Cue]) -> list[tuple[str, int]]:
    """`(word, cue index)` in reading order, with rolling repeats removed."""
    words: list[tuple[str, int]] = []
    previous: list[str] = []
    for i, cue in enumerate(cues):
        lines = [re.sub(r"\s+", " ", ln).strip() for ln in cue.lines]
        lines = [ln for ln in lines if ln]
        # Rolling captions: the cue starts with the line(s) the previous cue ended with.
        drop = 0
        for n in range(min(len(lines), len(previous)), 0, -1):
            if lines[:n] == previous[-n:]:
                drop = n
                break
        fresh = lines[drop:]
        for ln in fresh:
            words.extend((w, i) for w in ln.split())
        if lines:
            previous = lines
    return words


def cues_to_segments(cues: Sequence[Cue], source: str, path: str) -> list[Segment]:
    """Rebuild sentences from cues.

    Raises:
        TranscriptError: when the cues hold no text.
    """
    segments: list[Segment] = []
    group: list[Cue] = []
    for cue in list(cues) + [None]:
        if cue is None or (group and cue.speaker != group[-1].speaker):
            segments.extend(_group_segments(group, source))
            group = []
        if cue is not None:
            group.append(cue)
    if not segments:
        raise TranscriptError(f"{path}: the captions hold no text")
    return segments


def _group_segments(cues: Sequence[Cue], source: str) -> list[Segment]:
    words = _words_of(cues)
    if not words:
        return []
    text = ""
    owner: list[int] = []  # character offset → cue index of the word it belongs to
    for w, cue_index in words:
        if text:
            text += " "
            owner.append(cue_index)
        text += w
        owner.extend([cue_index] * len(w))
    out = []
    for a, b in split_sentences(text, lowercase_starts=True):
        for start, end in _cap_length(text, a, b, owner):
            cue = cues[owner[start]]
            out.append(Segment(source=source, start=cue.start, text=text[start:end], line=cue.line,
                               speaker=cue.speaker, timed=True))
    return out


def _cap_length(text: str, a: int, b: int, owner: list[int]) -> list[tuple[int, int]]:
    """Split an over-long unpunctuated run at cue boundaries."""
    if len(text[a:b].split()) <= MAX_SENTENCE_WORDS:
        return [(a, b)]
    pieces, start, count = [], a, 0
    for i in range(a, b):
        if text[i] == " ":
            count += 1
            if count >= MAX_SENTENCE_WORDS // 2 and owner[i + 1] != owner[i - 1]:
                pieces.append((start, i))
                start, count = i + 1, 0
    pieces.append((start, b))
    return pieces
