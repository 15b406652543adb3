"""Turn transcript files into a searchable index, reusing whatever is cached.

Each transcript's chunk vectors are cached by a hash of its content, the chunker settings and the
embedding model, so adding one transcript embeds only that one. The combined index for a set of
sources is persisted with a manifest and rebuilt when any input changes.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shlex
from dataclasses import replace
from pathlib import Path

import numpy as np

from index.store import FORMAT_VERSION, Manifest, VectorIndex, load_index, save_index
from rag.chunker import Chunk, chunk_segments
from rag.embedder import Embedder
from rag.errors import IndexStoreError, TranscriptError
from rag.files import atomic_write
from rag.formats import load_transcript
from rag.models import say as _warn
from rag.segments import Transcript
from rag.settings import Settings, library_paths


def _hash(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()


def transcript_hash(t: Transcript) -> str:
    """Hash of a transcript's parsed content (title, times, texts, speakers)."""
    rows = [t.title] + [f"{s.start}\t{s.speaker or ''}\t{s.kind}\t{s.text}" for s in t.segments]
    return _hash(*rows)


def chunker_key(settings: Settings) -> str:
    return f"chars={settings.chunk_max_chars},sents={settings.chunk_max_sentences},overlap={settings.chunk_overlap}"


def load_sources(settings: Settings) -> list[Transcript]:
    """Parse every configured transcript file; titles default to file names and must be unique."""
    from rag.library import titled_paths

    transcripts = []
    for path, title, media in titled_paths(settings):
        if not Path(path).exists() and os.path.abspath(path) in {
                os.path.abspath(p) for p in library_paths(settings.library_dir)}:
            raise TranscriptError(f"{path}: the library's copy of {title!r} is missing; "
                                  f"remove it with: transcript-rag remove {shlex.quote(title)}")
        transcripts.append(replace(load_transcript(path, title), media_url=media))
    seen: dict[str, str] = {}
    for t in transcripts:
        if t.title in seen:
            raise IndexStoreError(f"two sources share the title {t.title!r}: {seen[t.title]} and {t.path}")
        seen[t.title] = t.path
    return transcripts


def _embed_cached(t: Transcript, chunks: list[Chunk], embedder: Embedder, settings: Settings) -> np.ndarray:
    key = _hash(transcript_hash(t), chunker_key(settings), embedder.name)
    return _vectors_cached(key, [c.text for c in chunks], embedder, settings, f"{len(chunks)} chunks of {t.title!r}")


def unit_texts(t: Transcript) -> list[str]:
    """What the citation verifier compares answers with, in a whole transcript: every sentence, every pair of
    neighbours, every three short ones (`rag.citations.evidence_units`), joined as it joins them."""
    from rag.citations import evidence_units

    units = evidence_units([(s,) for s in t.segments if not s.is_heading])
    return list(dict.fromkeys(" ".join(s.text for s in group) for _, group in units))


def unit_vectors(t: Transcript, embedder: Embedder, settings: Settings) -> tuple[list[str], np.ndarray]:
    """`unit_texts` and their vectors, embedded once per transcript and model and cached like the chunks."""
    texts = unit_texts(t)
    key = _hash("units-v1", transcript_hash(t), embedder.name)
    return texts, _vectors_cached(key, texts, embedder, settings, f"{len(texts)} sentences of {t.title!r}")


def recall_units(embedder: Embedder, transcripts: list[Transcript], settings: Settings) -> list[Transcript]:
    """Give the embedder the cached `unit_vectors` of every transcript (an embedder that cannot take them is left
    alone), so that a question embeds only itself and its answer; returns `transcripts`."""
    if hasattr(embedder, "remember"):
        for t in transcripts:
            embedder.remember(*unit_vectors(t, embedder, settings))
    return transcripts


def _vectors_cached(key: str, texts: list[str], embedder: Embedder, settings: Settings, what: str) -> np.ndarray:
    path = settings.cache_dir / "embeddings" / f"{key[:32]}.npy"
    if path.exists():
        try:
            vectors = np.load(path, allow_pickle=False)
        except (OSError, ValueError, EOFError) as exc:  # a damaged cache file is recomputed, not trusted
            _warn(f"Embedding cache {path} is unreadable ({exc}); embedding again.")
            vectors = None
        if vectors is not None and vectors.shape == (len(texts), embedder.dim):
            return vectors
    _warn(f"Embedding {what}...")
    vectors = getattr(embedder, "encode_index", embedder.encode)(texts, progress=len(texts) > 200)
    buffer = io.BytesIO()
    np.save(buffer, vectors, allow_pickle=False)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, buffer.getvalue(), sync=False)  # a lost cache file is recomputed
    except OSError as exc:  # a read-only or full cache costs speed, never the answer
        _warn(f"Cannot cache the embeddings in {path.parent} ({exc}); they are computed again at the next start.")
    return vectors


def build_index(settings: Settings, embedder: Embedder, transcripts: list[Transcript] | None = None) -> VectorIndex:
    """Load the persisted index for the configured sources, or (re)build and persist it."""
    transcripts = load_sources(settings) if transcripts is None else transcripts
    content = _hash(*(transcript_hash(t) for t in transcripts), chunker_key(settings))
    expected = Manifest(FORMAT_VERSION, embedder.name, embedder.dim, content, 0,
                        sources=tuple(t.title for t in transcripts))
    folder = settings.index_dir / _hash(*sorted(os.path.abspath(p) for p in settings.paths))[:16]
    try:
        loaded = load_index(folder, expected)
    except IndexStoreError as exc:
        _warn(f"Index is damaged ({exc}); rebuilding it.")
        loaded = None
    if loaded is not None:
        for t in transcripts:
            unit_vectors(t, embedder, settings)  # made now if an older version cached the index without them
        return loaded
    chunks: list[Chunk] = []
    blocks: list[np.ndarray] = []
    for t in transcripts:
        own = chunk_segments(t.segments, settings.chunk_max_chars, settings.chunk_max_sentences, settings.chunk_overlap)
        blocks.append(_embed_cached(t, own, embedder, settings))
        unit_vectors(t, embedder, settings)  # for the verifier: embedded now, with the index, not at a question
        offset = len(chunks)
        chunks.extend(replace(c, id=offset + i) for i, c in enumerate(own))
    vectors = np.vstack(blocks) if blocks else np.zeros((0, embedder.dim), np.float32)
    index = VectorIndex(chunks, vectors)
    try:
        save_index(folder, index, expected)
        (folder / "paths.json").write_text(json.dumps([t.path for t in transcripts], indent=2))
    except OSError as exc:  # a read-only or full cache: answer from memory, say so
        _warn(f"Cannot save the index in {folder} ({exc}); answering from memory, it is rebuilt at the next start.")
    return index
