"""The transcript library: registered transcripts (copied in), their titles and media links.

`transcript-rag add FILE` validates the file by parsing it, then **copies** it into the library folder,
so moving or editing the original later changes nothing; `remove` deletes the copy. The library lives in
`$TRANSCRIPT_RAG_HOME`, else `$XDG_DATA_HOME/transcript-rag`, else `~/.local/share/transcript-rag`, as
`library.json` plus `transcripts/`. Every write goes to a temporary file that is then renamed, and a
failed add leaves the library exactly as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

from rag.errors import LibraryError, TranscriptError
from rag.formats import load_transcript
from rag.settings import Settings, default_library_dir


@dataclass(frozen=True)
class Entry:
    """A registered transcript."""

    title: str
    file: str  # path of the copy inside the library
    original: str
    format: str
    sentences: int
    duration: float
    media_url: str | None = None


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


class Library:
    """Registered transcripts in a folder (see the module docstring)."""

    def __init__(self, folder: Path | None = None):
        self.folder = Path(folder) if folder else default_library_dir()

    @property
    def index_file(self) -> Path:
        return self.folder / "library.json"

    def entries(self) -> list[Entry]:
        """Every registered transcript, in the order added.

        Raises:
            LibraryError: when library.json is unreadable.
        """
        if not self.index_file.exists():
            return []
        try:
            rows = json.loads(self.index_file.read_text("utf-8"))
            return [Entry(**row) for row in rows]
        except (ValueError, TypeError) as exc:
            raise LibraryError(f"{self.index_file}: unreadable library index ({exc}); "
                               "fix or delete it (the copies are in transcripts/)") from None

    def _save(self, entries: list[Entry]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.index_file.with_name("library.json.tmp")
        tmp.write_text(json.dumps([asdict(e) for e in entries], indent=2, ensure_ascii=False), "utf-8")
        os.replace(tmp, self.index_file)

    def add(self, path: str | Path, title: str | None = None, media_url: str | None = None) -> Entry:
        """Validate, copy in and register a transcript.

        Raises:
            TranscriptError: when the file is not a readable transcript (nothing is changed).
            LibraryError: when the title is taken or the media URL is not http(s).
        """
        src = Path(path)
        meta = read_sidecar(src) if src.exists() else {}
        title = (title or meta.get("title") or src.stem).strip()
        media_url = media_url or meta.get("media_url")
        if media_url and not re.match(r"^https?://", media_url):
            raise LibraryError(f"media URL must start with http:// or https://, got {media_url!r}")
        transcript = load_transcript(src, title)  # raises before anything is written
        entries = self.entries()
        if any(e.title == title for e in entries):
            raise LibraryError(f"a transcript titled {title!r} is already in the library; "
                               "pass --title to give this one another name, or remove the old one")
        digest = hashlib.sha256(src.read_bytes()).hexdigest()[:10]
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:40] or "transcript"
        dest = self.folder / "transcripts" / f"{slug}-{digest}{src.suffix}"
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(dest.name + ".tmp")
        shutil.copyfile(src, tmp)
        os.replace(tmp, dest)
        entry = Entry(title, str(dest), str(src.resolve()), transcript.format, len(transcript.segments),
                      transcript.duration, media_url)
        try:
            self._save(entries + [entry])
        except OSError:
            dest.unlink(missing_ok=True)
            raise
        return entry

    def remove(self, title: str) -> Entry:
        """Unregister a transcript by title and delete its copy.

        Raises:
            LibraryError: when no transcript has that title.
        """
        entries = self.entries()
        match = [e for e in entries if e.title == title]
        if not match:
            known = ", ".join(repr(e.title) for e in entries) or "none"
            raise LibraryError(f"no transcript titled {title!r} in the library (registered: {known})")
        self._save([e for e in entries if e.title != title])
        Path(match[0].file).unlink(missing_ok=True)
        return match[0]

    def by_file(self) -> dict[str, Entry]:
        return {os.path.abspath(e.file): e for e in self.entries()}


def titled_sources(settings: Settings) -> list[tuple[str, str, str | None]]:
    """`(path, title, media_url)` for every configured source (library entry, else sidecar, else file name)."""
    registered = Library(settings.library_dir).by_file()
    out = []
    for source in settings.sources:
        path = Path(source)
        entry = registered.get(os.path.abspath(source))
        if entry:
            out.append((str(path), entry.title, entry.media_url))
            continue
        meta = read_sidecar(path) if path.exists() else {}
        out.append((str(path), str(meta.get("title") or path.stem), meta.get("media_url")))
    return out
