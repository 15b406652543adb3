"""SubRip (`.srt`) and WebVTT (`.vtt`) captions, YouTube auto-captions included."""

from __future__ import annotations

import html
import re

from rag.errors import TranscriptError
from rag.formats.cues import Cue, cues_to_segments
from rag.segments import Segment
from rag.timecode import parse_time

TIMING_RE = re.compile(r"^\s*(\S+)\s+-->\s+(\S+)(?:\s+.*)?$")
VOICE_RE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^>]+)>")
TAG_RE = re.compile(r"</?[a-zA-Z][^>]*>|<\d{1,2}:\d{2}(?::\d{2})?[.,]\d{1,3}>")


def looks_like_srt(text: str) -> bool:
    return bool(re.search(r"^\s*\d+\s*\r?\n\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s+-->", text, re.M))


def looks_like_vtt(text: str) -> bool:
    return text.lstrip("\ufeff").startswith("WEBVTT")


def _time(raw: str, path: str, line: int) -> float:
    try:
        return parse_time(raw)
    except ValueError as exc:
        raise TranscriptError(f"{path}:{line}: bad timestamp {raw!r}: {exc}") from None


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    """Blank-line separated blocks with the line number of their first line."""
    blocks, current, start = [], [], 0
    for n, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            if not current:
                start = n
            current.append(line)
        elif current:
            blocks.append((start, current))
            current = []
    if current:
        blocks.append((start, current))
    return blocks


def _cue(block_start: int, lines: list[str], path: str) -> Cue | None:
    """Read one cue block: optional identifier, timing line, text lines."""
    timing_at = next((i for i, ln in enumerate(lines[:2]) if "-->" in ln), None)
    if timing_at is None:
        return None
    line_no = block_start + timing_at
    m = TIMING_RE.match(lines[timing_at])
    if not m:
        raise TranscriptError(f"{path}:{line_no}: broken cue timing {lines[timing_at].strip()!r}")
    start, end = _time(m.group(1), path, line_no), _time(m.group(2), path, line_no)
    if end < start:
        raise TranscriptError(f"{path}:{line_no}: cue ends before it starts")
    body = lines[timing_at + 1:]
    if not body:
        raise TranscriptError(f"{path}:{line_no}: cue has a time but no text (truncated file?)")
    speaker = None
    texts = []
    for raw in body:
        voice = VOICE_RE.search(raw)
        if voice:
            speaker = voice.group(1).strip()
        texts.append(html.unescape(TAG_RE.sub("", raw)))
    return Cue(start, end, tuple(texts), line_no, speaker)


def parse_vtt(text: str, source: str, path: str) -> list[Segment]:
    """Parse WebVTT: header, NOTE/STYLE/REGION blocks skipped, cue settings and tags removed, `<v Name>` kept."""
    blocks = _blocks(text.lstrip("\ufeff"))
    if not blocks or not blocks[0][1][0].startswith("WEBVTT"):
        raise TranscriptError(f"{path}:1: a WebVTT file must start with 'WEBVTT'")
    cues = []
    for start, lines in blocks[1:]:
        if lines[0].startswith(("NOTE", "STYLE", "REGION")):
            continue
        cue = _cue(start, lines, path)
        if cue is None:
            raise TranscriptError(f"{path}:{start}: expected a cue timing line ('00:00:01.000 --> 00:00:04.000')")
        cues.append(cue)
    return cues_to_segments(cues, source, path)


def parse_srt(text: str, source: str, path: str) -> list[Segment]:
    """Parse SubRip: numbered blocks of `hh:mm:ss,mmm --> hh:mm:ss,mmm` and text."""
    cues = []
    for start, lines in _blocks(text.lstrip("\ufeff")):
        cue = _cue(start, lines, path)
        if cue is None:
            raise TranscriptError(f"{path}:{start}: expected a cue number and timing line")
        cues.append(cue)
    return cues_to_segments(cues, source, path)
