"""Write a transcript out as SubRip, WebVTT, Whisper JSON or timed text lines, each readable back by rag.formats.

A recording's transcript keeps its stored Whisper JSON (word times included); any other transcript is
exported from its parsed sentences, each ending where the next begins.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from rag.segments import Segment

FORMATS = ("srt", "vtt", "json", "txt")
SECONDS_PER_WORD = 0.4  # a sentence's assumed length when nothing says when it ends


@dataclass(frozen=True)
class Caption:
    """One timed sentence to write."""

    start: float
    end: float
    text: str
    speaker: str | None = None


def clock(seconds: float, sep: str = ".") -> str:
    """`hh:mm:ss.mmm` (SubRip uses "," before the milliseconds).

    >>> clock(3723.5), clock(0.25, ",")
    ('01:02:03.500', '00:00:00,250')
    """
    ms = int(round(seconds * 1000))
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}{sep}{ms % 1000:03d}"


def captions_from_whisper(data: dict) -> list[Caption]:
    """Captions from Whisper JSON segments (their own start and end)."""
    return [Caption(float(s["start"]), float(s["end"]), s["text"].strip(), s.get("speaker"))
            for s in data["segments"] if s["text"].strip()]


def captions_from_segments(segments: Sequence[Segment]) -> list[Caption]:
    """Captions from parsed sentences (headings left out): each ends where the next starts, or a little
    after its start when the next is far away."""
    spoken = [s for s in segments if not s.is_heading]
    out = []
    for i, s in enumerate(spoken):
        guess = s.start + max(1.0, SECONDS_PER_WORD * len(s.text.split()))
        following = spoken[i + 1].start if i + 1 < len(spoken) else None
        end = min(guess, following) if following is not None and following > s.start else guess
        out.append(Caption(s.start, end, s.text, s.speaker))
    return out


def to_srt(captions: Sequence[Caption]) -> str:
    """SubRip: numbered cues; a speaker is written in front of the text; `<`, `>`, `&` as entities (not tags)."""
    blocks = [f"{n}\n{clock(c.start, ',')} --> {clock(c.end, ',')}\n{_escape(_said(c))}"
              for n, c in enumerate(captions, start=1)]
    return "\n\n".join(blocks) + "\n"


def to_vtt(captions: Sequence[Caption]) -> str:
    """WebVTT; a speaker becomes a `<v Name>` voice tag."""
    blocks = ["WEBVTT"]
    for c in captions:
        text = f"<v {_escape(c.speaker)}>{_escape(c.text)}" if c.speaker else _escape(c.text)
        blocks.append(f"{clock(c.start)} --> {clock(c.end)}\n{text}")
    return "\n\n".join(blocks) + "\n"


def to_txt(captions: Sequence[Caption]) -> str:
    """Timed lines: `[hh:mm:ss.mmm] Speaker: text`."""
    return "".join(f"[{clock(c.start)}] {_said(c)}\n" for c in captions)


def to_json(captions: Sequence[Caption]) -> str:
    """Whisper JSON: `{"text", "segments": [{"id", "start", "end", "text"}]}`."""
    segments = [{"id": i, "start": round(c.start, 3), "end": round(c.end, 3), "text": c.text}
                | ({"speaker": c.speaker} if c.speaker else {}) for i, c in enumerate(captions)]
    return json.dumps({"text": " ".join(c.text for c in captions), "segments": segments},
                      ensure_ascii=False, indent=1) + "\n"


WRITERS = {"srt": to_srt, "vtt": to_vtt, "json": to_json, "txt": to_txt}


def _said(c: Caption) -> str:
    return f"{c.speaker}: {c.text}" if c.speaker else c.text


def _escape(text: str) -> str:
    """Caption text may not hold a raw `<` (a tag), `>` (as in `-->`) or `&` (an entity)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
