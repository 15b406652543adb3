"""Read a transcript file of any supported format into timestamped sentences.

The format is chosen by content, not only by the file's extension.
"""

from __future__ import annotations

from pathlib import Path

from rag.errors import TranscriptError
from rag.formats import subtitles
from rag.formats import text as text_format
from rag.formats.captions_json import load_json, parse_captions_json
from rag.segments import Transcript

ACCEPTED = ("SubRip (.srt), WebVTT (.vtt, YouTube auto-captions included), Whisper JSON, YouTube transcript JSON, "
            "plain text with [hh:mm:ss] markers, or timed lines ('hh:mm:ss text', '[hh:mm:ss] Name: text')")
MAX_BYTES = 50 * 1024 * 1024


def read_text(path: Path) -> str:
    """Read a file as UTF-8 text.

    Raises:
        TranscriptError: if it is missing, not a file, too large, binary or not UTF-8.
    """
    if not path.exists():
        raise TranscriptError(f"{path}: no such file")
    if not path.is_file():
        raise TranscriptError(f"{path}: not a file")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise TranscriptError(f"{path}: {size} bytes is larger than the {MAX_BYTES} byte limit")
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise TranscriptError(f"{path}: binary file, not a transcript (accepted: {ACCEPTED})")
    try:
        decoded = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise TranscriptError(f"{path}:{line}: not valid UTF-8 text (byte {exc.start}); re-save it as UTF-8") from None
    if not decoded.strip():
        raise TranscriptError(f"{path}: the file is empty")
    return decoded


def parse_transcript(content: str, title: str, path: str) -> Transcript:
    """Parse decoded transcript text, choosing the format by content.

    Raises:
        TranscriptError: when no format matches or the content is malformed.
    """
    data = load_json(content)
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
    return Transcript(title=title, path=path, segments=tuple(segments), format=fmt, channel=channel)


def load_transcript(path: str | Path, title: str | None = None) -> Transcript:
    """Read and parse one transcript file; the title defaults to the file name without extension."""
    p = Path(path)
    content = read_text(p)
    return parse_transcript(content, title or p.stem, str(p))
