"""The transcript library: registered transcripts (copied in), their titles and media links.

`transcript-rag add FILE` validates the file by parsing it, then **copies** it into the library folder,
so moving or editing the original later changes nothing; `remove` deletes the copy. The library lives in
`$TRANSCRIPT_RAG_HOME`, else `$XDG_DATA_HOME/transcript-rag`, else `~/.local/share/transcript-rag`, as
`library.json` plus `transcripts/` and `recordings/` (a recording and its Whisper JSON transcript side
by side, both named by the recording's sha256). Every write goes to a temporary file that is then
renamed, and a failed add leaves the library exactly as it was.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from rag.errors import LibraryError, TranscriptError
from rag.files import atomic_copy, atomic_write, file_sha256
from rag.formats import clean_title, load_transcript
from rag.settings import Settings


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
    recording: str | None = None  # the recording's copy, when the transcript was made from audio or video


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
    for key in ("title", "media_url"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise TranscriptError(f"{meta}: '{key}' must be a string, got {data[key]!r}")
    if data.get("media_url") and not re.match(r"^https?://", data["media_url"]):  # never a javascript: link
        raise TranscriptError(f"{meta}: media_url must start with http:// or https://, got {data['media_url']!r}")
    return data


def _check_title(entries: list[Entry], title: str) -> None:
    """Refuse a title the library already has."""
    if any(e.title == title for e in entries):
        raise LibraryError(f"a transcript titled {title!r} is already in the library; "
                           "pass --title to give this one another name, or remove the old one")


class Library:
    """Registered transcripts in a folder (see the module docstring)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

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

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold the library's lock (`flock` on `library.lock`): read-modify-write never loses a concurrent add.

        The kernel releases the lock when the process ends, also on kill -9, so it never goes stale.
        """
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            lock = open(self.folder / "library.lock", "a")
        except OSError as exc:
            raise LibraryError(f"cannot write to the library in {self.folder} ({exc})") from None
        with lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    def _save(self, entries: list[Entry]) -> None:
        """Write library.json atomically (call with the lock held)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        atomic_write(self.index_file, json.dumps([asdict(e) for e in entries], indent=2, ensure_ascii=False).encode("utf-8"))

    def add(self, path: str | Path, title: str | None = None, media_url: str | None = None,
            transcriber=None, progress=None) -> Entry:
        """Validate, copy in and register a transcript, or a recording (transcribed first; see rag/asr.py).

        Args:
            transcriber: a `rag.asr.Transcriber` for recordings, built from settings by the caller
                (default: the packaged tiny.en with no transcript cache).
            progress: called with (seconds transcribed, seconds in total); may raise `rag.asr.Cancelled`.

        Raises:
            TranscriptError: when the file is not a readable transcript or recording (nothing is changed).
            LibraryError: when the title is taken or the media URL is not http(s).
        """
        src = Path(path)
        meta = read_sidecar(src) if src.exists() else {}
        title = clean_title(title or meta.get("title") or src.stem)
        if not title:
            raise LibraryError(f"{src}: the title is empty; pass --title")
        media_url = media_url or meta.get("media_url")
        if media_url and not re.match(r"^https?://", media_url):
            raise LibraryError(f"media URL must start with http:// or https://, got {media_url!r}")
        from rag.media import is_recording

        if is_recording(src):
            return self._add_recording(src, title, media_url, transcriber, progress)
        transcript = load_transcript(src, title)  # raises before anything is written
        digest = file_sha256(src)[:10]
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:40] or "transcript"
        dest = self.folder / "transcripts" / f"{slug}-{digest}{src.suffix}"
        with self._locked():  # another process may be adding too: read, copy and write as one step
            entries = self.entries()
            _check_title(entries, title)
            entry = Entry(title, str(dest), str(src.resolve()), transcript.format, len(transcript.segments),
                          transcript.duration, media_url)
            try:
                dest.parent.mkdir(parents=True, exist_ok=True)
                atomic_copy(src, dest)
                self._save(entries + [entry])
            except OSError as exc:  # a full disk or a read-only library: nothing is left half-done
                dest.unlink(missing_ok=True)
                raise LibraryError(f"cannot add {src.name} to the library in {self.folder} ({exc})") from None
        return entry

    def _add_recording(self, src: Path, title: str, media_url: str | None, transcriber, progress) -> Entry:
        """Transcribe a recording, then keep it and its Whisper JSON side by side, both named by its sha256."""
        from rag.asr import Transcriber, write_json
        from rag.media import MEDIA_SUFFIXES, probe

        recording = probe(src)  # raises before anything is written
        sha = file_sha256(src)
        folder = self.folder / "recordings"
        transcript_file = folder / f"{sha[:16]}.json"
        self._check_new_recording(self.entries(), title, transcript_file, src)  # fail fast, before transcribing
        data = (transcriber or Transcriber()).transcribe(src, progress, sha256=sha, recording=recording)
        suffix = src.suffix.lower() if src.suffix.lower() in MEDIA_SUFFIXES else f".{recording.kind}"
        copy = folder / f"{sha[:16]}{suffix}"
        with self._locked():  # checked again, then written, as one step: another add may have run meanwhile
            entries = self.entries()
            self._check_new_recording(entries, title, transcript_file, src)
            try:
                write_json(transcript_file, data)
                transcript = load_transcript(transcript_file, title)
                atomic_copy(src, copy)
                entry = Entry(title, str(transcript_file), str(src.resolve()), f"{recording.kind} recording",
                              len(transcript.segments), float(data.get("duration") or transcript.duration),
                              media_url, str(copy))
                self._save(entries + [entry])
            except BaseException:  # interrupted or failed: leave the library as it was
                for p in (transcript_file, copy):
                    p.unlink(missing_ok=True)
                raise
        return entry

    @staticmethod
    def _check_new_recording(entries: list[Entry], title: str, transcript_file: Path, src: Path) -> None:
        """Refuse a taken title, or a recording that is in the library already (under any title)."""
        _check_title(entries, title)
        same = [e for e in entries if e.recording and Path(e.file) == transcript_file]
        if same:
            raise LibraryError(f"{src}: this recording is already in the library as {same[0].title!r}")

    def remove(self, title: str) -> Entry:
        """Unregister a transcript by title and delete its copy.

        Raises:
            LibraryError: when no transcript has that title.
        """
        with self._locked():
            entries = self.entries()
            match = [e for e in entries if e.title == title]
            if not match:
                known = ", ".join(repr(e.title) for e in entries) or "none"
                raise LibraryError(f"no transcript titled {title!r} in the library (registered: {known})")
            self._save([e for e in entries if e.title != title])
        Path(match[0].file).unlink(missing_ok=True)
        if match[0].recording:
            Path(match[0].recording).unlink(missing_ok=True)
        return match[0]

    def by_file(self) -> dict[str, Entry]:
        return {os.path.abspath(e.file): e for e in self.entries()}


def recordings(settings: Settings) -> dict[str, Path]:
    """Title → the library's copy of the recording, for every configured source made from one."""
    registered = Library(settings.library_dir).by_file()
    entries = [registered.get(os.path.abspath(path)) for path in settings.paths]
    return {e.title: Path(e.recording) for e in entries if e and e.recording and Path(e.recording).is_file()}


def titled_paths(settings: Settings) -> list[tuple[str, str, str | None]]:
    """`(path, title, media_url)` for every configured source (library entry, else sidecar, else file name)."""
    registered = Library(settings.library_dir).by_file()
    out = []
    for file in settings.paths:
        path = Path(file)
        entry = registered.get(os.path.abspath(file))
        if entry:
            out.append((str(path), entry.title, entry.media_url))
            continue
        meta = read_sidecar(path) if path.exists() else {}
        out.append((str(path), str(meta.get("title") or path.stem), meta.get("media_url")))
    return out
