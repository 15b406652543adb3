"""Read a transcript file of any supported format into timestamped sentences.

The format is chosen by content, not only by the file's extension.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import replace
from pathlib import Path

from rag.errors import TranscriptError
from rag.formats import subtitles
from rag.formats import text as text_format
from rag.formats.captions_json import load_json, parse_captions_json
from rag.segments import Segment, Transcript

ACCEPTED = ("SubRip (.srt), WebVTT (.vtt, YouTube auto-captions included), Whisper JSON, YouTube transcript JSON, "
            "plain text with [hh:mm:ss] markers, or timed lines ('hh:mm:ss text', '[hh:mm:ss] Name: text')")
MAX_BYTES = 50 * 1024 * 1024
MAX_SENTENCE_CHARS = 1000  # longer runs without sentence punctuation are cut (real sentences stay far below)
# C0/C1 control characters (tab and line breaks aside) and the bidi overrides and isolates that can reorder
# what a reader sees: they have no place in a transcript, and printed to a terminal they are commands.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _utf16_without_bom(sample: bytes) -> str | None:
    """The codec, utf-16-le or utf-16-be, when every other byte is zero as in UTF-16 ASCII text; else None."""
    even, odd = sample[0::2], sample[1::2]
    if len(sample) < 8:
        return None
    if odd.count(0) >= 0.9 * len(odd) and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) >= 0.9 * len(even) and odd.count(0) == 0:
        return "utf-16-be"
    return None


def read_text(path: Path) -> str:
    """Read a file as text: UTF-8 (with or without a BOM), or UTF-16 (Windows "Unicode" text).

    At most `MAX_BYTES + 1` bytes are read, whatever the file system says its size is.

    Raises:
        TranscriptError: if it is missing, not a file, too large, binary or not UTF-8/UTF-16.
    """
    if not path.exists():
        raise TranscriptError(f"{path}: no such file")
    if not path.is_file():
        raise TranscriptError(f"{path}: not a file")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise TranscriptError(f"{path}: {size} bytes is larger than the {MAX_BYTES} byte limit")
    with open(path, "rb") as f:
        data = f.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise TranscriptError(f"{path}: larger than the {MAX_BYTES} byte limit")
    utf16 = "utf-16" if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else _utf16_without_bom(data[:8192])
    if utf16:
        try:
            decoded = data.decode(utf16)
        except UnicodeDecodeError as exc:
            raise TranscriptError(f"{path}: looks like UTF-16 text but is not valid UTF-16 (byte {exc.start}); "
                                  "re-save it as UTF-8") from None
    elif b"\x00" in data[:8192]:
        raise TranscriptError(f"{path}: binary file, not a transcript (accepted: {ACCEPTED})")
    else:
        try:
            decoded = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise TranscriptError(f"{path}:{line}: not valid UTF-8 text (byte {exc.start}); re-save it as UTF-8") from None
    if not decoded.strip():
        raise TranscriptError(f"{path}: the file is empty")
    return decoded


def clean_title(title: str) -> str:
    """A title without control characters and with single spaces.

    >>> clean_title("  Weekly\\x1b[2J  sync\\n")
    'Weekly [2J sync'
    """
    return " ".join(CONTROL_RE.sub(" ", title).split())


def _cut(text: str, limit: int = MAX_SENTENCE_CHARS) -> list[str]:
    """Cut an over-long sentence at spaces into pieces of at most `limit` characters.

    >>> _cut("aa bb cc", 5)
    ['aa bb', 'cc']
    """
    pieces, start = [], 0
    while len(text) - start > limit:
        cut = text.rfind(" ", start, start + limit + 1)
        cut = cut if cut > start else start + limit
        pieces.append(text[start:cut])
        start = cut + 1 if text[cut:cut + 1] == " " else cut
    pieces.append(text[start:])
    return [p for p in pieces if p]


def _cap_sentences(segments: list[Segment]) -> list[Segment]:
    """Split sentences longer than `MAX_SENTENCE_CHARS` (an unpunctuated 5 MB line), each piece keeping its time."""
    if all(len(s.text) <= MAX_SENTENCE_CHARS for s in segments):
        return segments
    return [replace(s, text=piece) if len(s.text) > MAX_SENTENCE_CHARS else s
            for s in segments for piece in (_cut(s.text) if len(s.text) > MAX_SENTENCE_CHARS else [s.text])]


def parse_transcript(content: str, title: str, path: str) -> Transcript:
    """Parse decoded transcript text, choosing the format by content.

    Control characters become spaces (offsets stay those of the file), and so does the title's.

    Raises:
        TranscriptError: when no format matches or the content is malformed.
    """
    content = CONTROL_RE.sub(" ", content)
    title = clean_title(title)
    try:
        data = load_json(content)
    except RecursionError:
        raise TranscriptError(f"{path}: JSON nested too deeply to be captions") from None
    if data is not None:
        segments, fmt = parse_captions_json(data, title, path), "json"
    elif subtitles.looks_like_vtt(content):
        segments, fmt = subtitles.parse_vtt(content, title, path), "vtt"
    elif subtitles.looks_like_srt(content):
        segments, fmt = subtitles.parse_srt(content, title, path), "srt"
    elif text_format.looks_like_timed_lines(content):
        segments, fmt = text_format.parse_timed_lines(content, title, path), "timed-lines"
    elif text_format.has_markers(content):
        segments, fmt = text_format.parse_prose(content, title, path), "markers"
    else:
        raise TranscriptError(f"{path}: no timestamps found; accepted formats: {ACCEPTED}")
    meta = text_format.parse_header(content)[0] if fmt == "markers" else {}
    channel = next((meta[k] for k in ("from", "channel", "author", "by", "source") if k in meta), None)
    return Transcript(title=title, path=path, segments=tuple(_cap_sentences(list(segments))), format=fmt,
                      channel=channel)


def load_transcript(path: str | Path, title: str | None = None) -> Transcript:
    """Read and parse one transcript file; the title defaults to the file name without extension."""
    p = Path(path)
    content = read_text(p)
    return parse_transcript(content, title or p.stem, str(p))
