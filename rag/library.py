"""Where transcripts come from: named files, their optional metadata sidecars, and (later) a library."""

from __future__ import annotations

import json
from pathlib import Path

from rag.errors import TranscriptError
from rag.settings import Settings


def sidecar_path(path: Path) -> Path:
    """`talk.vtt` → `talk.vtt.meta.json`: optional `{"title": ..., "media_url": ...}`."""
    return path.with_name(path.name + ".meta.json")


def read_sidecar(path: Path) -> dict:
    """The metadata sidecar of a transcript file, or {} when there is none.

    Raises:
        TranscriptError: when the sidecar exists but is not a JSON object.
    """
    meta = sidecar_path(path)
    if not meta.exists():
        return {}
    try:
        data = json.loads(meta.read_text("utf-8"))
    except ValueError as exc:
        raise TranscriptError(f"{meta}: not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise TranscriptError(f"{meta}: expected a JSON object with 'title' and/or 'media_url'")
    return data


def titled_sources(settings: Settings) -> list[tuple[str, str, str | None]]:
    """`(path, title, media_url)` for every configured source."""
    out = []
    for source in settings.sources:
        path = Path(source)
        meta = read_sidecar(path) if path.exists() else {}
        out.append((str(path), str(meta.get("title") or path.stem), meta.get("media_url")))
    return out
