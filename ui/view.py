"""What a page of the web chat shows of the library as it is now: built again on every page load and after
every upload, so that everyone sees what anyone added."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rag.errors import RagError
from rag.library import recordings
from rag.media import probe
from rag.settings import Settings
from ui.examples import examples_for_library
from ui.render import segment_ids, transcript_html

log = logging.getLogger(__name__)

ALL = "All transcripts"


@dataclass(frozen=True)
class View:
    """What a page shows of the library as it is now: its transcripts, their sentences' HTML ids, their media."""

    transcripts: tuple
    ids: dict
    media: dict
    players: dict

    @classmethod
    def of(cls, transcripts, players: dict) -> View:
        return cls(tuple(transcripts), segment_ids(transcripts), {t.title: t.media_url for t in transcripts}, players)

    @property
    def titles(self) -> list[str]:
        return [ALL] + [t.title for t in self.transcripts]

    def panel(self, shown: str | None = None) -> str:
        return transcript_html(self.transcripts, self.ids, self.players, shown)

    def examples(self, source: str | None = None) -> list[list[str]]:
        return [[q] for q in examples_for_library(self.transcripts, None if source == ALL else source)]


@lru_cache(maxsize=None)
def _player_kind(path: Path) -> str:
    """"video" or "audio" for a library recording (its copy is named by its sha256, so the answer never changes)."""
    return "video" if probe(path).has_video else "audio"


def players(settings: Settings) -> dict[str, tuple[str, str]]:
    """Title → (URL the app serves the recording at, "audio" or "video"), for sources made from recordings."""
    out = {}
    for title, path in recordings(settings).items():
        try:
            kind = _player_kind(path)
        except RagError:  # damaged since it was added: show the transcript without a player
            log.warning("recording of %r is unreadable: %s", title, path)
            continue
        out[title] = (f"gradio_api/file={path.resolve()}", kind)
    return out
