"""Caption JSON: Whisper output (`{"segments": [{start, end, text}]}`) and YouTube transcript lists
(`[{"text", "start", "duration"}]`)."""

from __future__ import annotations

import json

from rag.errors import TranscriptError
from rag.formats.cues import Cue, cues_to_segments
from rag.segments import Segment

MAX_SECONDS = 1000 * 3600  # the text formats stop at 999:59:59; NaN, Infinity and 10,000 hours are refused


def load_json(text: str) -> object | None:
    """The parsed JSON, or None when the text is not JSON."""
    stripped = text.lstrip("\ufeff").strip()
    if not stripped.startswith(("{", "[")):
        return None
    try:
        return json.loads(stripped)
    except ValueError:
        return None


def _number(item: dict, key: str, where: str, path: str) -> float:
    value = item.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value or value < 0:  # NaN != NaN
        raise TranscriptError(f"{path}: {where}: '{key}' must be a non-negative number of seconds, got {value!r}")
    if value >= MAX_SECONDS:
        raise TranscriptError(f"{path}: {where}: '{key}' is {value!r} seconds, past the {MAX_SECONDS // 3600} hour limit")
    return float(value)


def parse_captions_json(data: object, source: str, path: str) -> list[Segment]:
    """Read Whisper or YouTube caption JSON.

    Raises:
        TranscriptError: naming the item that is malformed.
    """
    if isinstance(data, dict) and isinstance(data.get("segments"), list):
        items, kind = data["segments"], "whisper"
    elif isinstance(data, list):
        items, kind = data, "youtube"
    else:
        raise TranscriptError(f"{path}: JSON, but neither Whisper output ({{'segments': [...]}}) "
                              "nor a YouTube transcript list ([{'text', 'start', 'duration'}])")
    cues = []
    for n, item in enumerate(items):
        where = f"item {n}"
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise TranscriptError(f"{path}: {where}: expected an object with a 'text' string")
        start = _number(item, "start", where, path)
        end = _number(item, "end", where, path) if kind == "whisper" else start + _number(item, "duration", where, path)
        speaker = item.get("speaker") if isinstance(item.get("speaker"), str) else None
        cues.append(Cue(start, end, tuple(item["text"].splitlines() or [""]), n + 1, speaker))
    return cues_to_segments(cues, source, path)
