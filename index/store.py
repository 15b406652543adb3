"""Persist an index as three inspectable files: `vectors.faiss`, `chunks.jsonl`, `manifest.json`.

Every file is written to a temporary name and renamed into place; the manifest is written last and
records the sha256 of the other two, so a half-written or tampered index is detected, never loaded.
Nothing is pickled.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from rag.chunker import Chunk
from rag.files import atomic_write
from rag.errors import IndexStoreError
from rag.segments import Segment

FORMAT_VERSION = 1


@dataclass(frozen=True)
class Manifest:
    """What an index was built from; a mismatch with what is asked for means rebuild."""

    format_version: int
    embedding_model: str
    dim: int
    content_hash: str
    chunk_count: int
    sources: tuple[str, ...] = ()
    vectors_sha256: str = ""
    chunks_sha256: str = ""


class VectorIndex:
    """Chunks and their unit vectors, searchable by inner product (= cosine similarity)."""

    def __init__(self, chunks: list[Chunk], vectors: np.ndarray):
        import faiss

        if len(chunks) != len(vectors):
            raise IndexStoreError(f"{len(chunks)} chunks but {len(vectors)} vectors")
        if [c.id for c in chunks] != list(range(len(chunks))):
            raise IndexStoreError("chunk ids must be their positions 0..n-1")
        self.chunks = chunks
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.faiss = faiss.IndexFlatIP(self.vectors.shape[1])
        if len(self.vectors):
            self.faiss.add(self.vectors)

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])

    def search(self, query: np.ndarray, k: int) -> list[tuple[Chunk, float]]:
        """The k chunks most similar to a unit query vector, best first."""
        k = min(k, len(self.chunks))
        if k == 0:
            return []
        scores, ids = self.faiss.search(np.asarray(query, dtype=np.float32).reshape(1, -1), k)
        return [(self.chunks[i], float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def remove_stale_temporaries(folder: Path) -> None:
    """Delete `NAME.<pid>.tmp` files of writers that died (kill -9, power loss); a live writer's stay."""
    for tmp in folder.glob("*.tmp"):
        pid = tmp.name.rsplit(".", 2)[-2]
        if pid.isdigit() and not _alive(int(pid)):
            tmp.unlink(missing_ok=True)


def chunk_to_json(chunk: Chunk) -> dict:
    return {"id": chunk.id, "source": chunk.source, "sentences": [asdict(s) for s in chunk.sentences]}


def chunk_from_json(row: dict) -> Chunk:
    return Chunk(id=int(row["id"]), source=str(row["source"]),
                 sentences=tuple(Segment(**s) for s in row["sentences"]))


def save_index(folder: Path, index: VectorIndex, manifest: Manifest) -> Manifest:
    """Write the index atomically and return the manifest with the files' checksums filled in.

    The checksums are those of the bytes written here, so a concurrent writer's files never pass as ours.

    Raises:
        OSError: when a file cannot be written; the folder then holds no manifest, so it is never loaded.
    """
    import faiss

    folder.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(folder)
    (folder / "manifest.json").unlink(missing_ok=True)  # an index without a manifest is never loaded
    vectors = faiss.serialize_index(index.faiss).tobytes()
    chunks = "".join(json.dumps(chunk_to_json(c), ensure_ascii=False) + "\n" for c in index.chunks).encode("utf-8")
    atomic_write(folder / "vectors.faiss", vectors)
    atomic_write(folder / "chunks.jsonl", chunks)
    manifest = Manifest(**{**asdict(manifest), "chunk_count": len(index.chunks),
                           "vectors_sha256": hashlib.sha256(vectors).hexdigest(),
                           "chunks_sha256": hashlib.sha256(chunks).hexdigest()})
    atomic_write(folder / "manifest.json", json.dumps(asdict(manifest), indent=2).encode("utf-8"))
    return manifest


def read_manifest(folder: Path) -> Manifest | None:
    """The manifest in `folder`, or None when there is none.

    Raises:
        IndexStoreError: when the manifest exists but cannot be read.
    """
    path = folder / "manifest.json"
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text("utf-8"))
        if not isinstance(data, dict):
            raise TypeError(f"expected a JSON object, got {type(data).__name__}")
        data["sources"] = tuple(data.get("sources", ()))
        return Manifest(**data)
    except (ValueError, TypeError) as exc:
        raise IndexStoreError(f"{path}: unreadable manifest ({exc})") from None


def load_index(folder: Path, expected: Manifest) -> VectorIndex | None:
    """Load the index in `folder` if it matches `expected`; None when missing or stale.

    Raises:
        IndexStoreError: when files are missing, altered or inconsistent (a corrupt index).
    """
    import faiss

    manifest = read_manifest(folder)
    if manifest is None:
        return None
    wanted = (FORMAT_VERSION, expected.embedding_model, expected.dim, expected.content_hash)
    found = (manifest.format_version, manifest.embedding_model, manifest.dim, manifest.content_hash)
    if wanted != found:
        return None
    data = {}
    for name, digest in (("vectors.faiss", manifest.vectors_sha256), ("chunks.jsonl", manifest.chunks_sha256)):
        path = folder / name
        try:
            data[name] = path.read_bytes()  # read once: checked, then parsed from the same bytes
        except FileNotFoundError:
            raise IndexStoreError(f"{path}: missing") from None
        except OSError as exc:
            raise IndexStoreError(f"{path}: unreadable ({exc})") from None
        if hashlib.sha256(data[name]).hexdigest() != digest:
            raise IndexStoreError(f"{path}: checksum does not match the manifest")
    try:
        chunks = [chunk_from_json(json.loads(line))
                  for line in data["chunks.jsonl"].decode("utf-8").splitlines() if line.strip()]
        stored = faiss.deserialize_index(np.frombuffer(data["vectors.faiss"], dtype=np.uint8))
        vectors = stored.reconstruct_n(0, stored.ntotal) if stored.ntotal else np.zeros((0, manifest.dim), np.float32)
    except (ValueError, TypeError, KeyError, RuntimeError) as exc:
        raise IndexStoreError(f"{folder}: unreadable index ({exc})") from None
    if len(chunks) != manifest.chunk_count or stored.d != manifest.dim:
        raise IndexStoreError(f"{folder}: {len(chunks)} chunks and dimension {stored.d} do not match the manifest")
    return VectorIndex(chunks, vectors)
