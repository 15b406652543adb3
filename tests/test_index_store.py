"""The persisted index: round trip, stale rebuild, corruption, and no pickle."""

import json

import numpy as np
import pytest

from index.store import FORMAT_VERSION, Manifest, VectorIndex, load_index, save_index
from rag.chunker import chunk_segments
from rag.corpus import build_index
from rag.errors import IndexStoreError
from rag.segments import Segment
from rag.settings import Settings


def small_index(dim=8, n=5):
    chunks = chunk_segments([Segment("t", float(i), f"Sentence number {i}.") for i in range(n)], 40, 2, 0)
    rng = np.random.default_rng(0)
    v = rng.normal(size=(len(chunks), dim)).astype(np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    return VectorIndex(chunks, v)


def manifest(h="abc", dim=8):
    return Manifest(FORMAT_VERSION, "toy", dim, h, 0)


def test_round_trip(tmp_path):
    idx = small_index()
    saved = save_index(tmp_path, idx, manifest())
    assert saved.chunk_count == len(idx.chunks) and saved.vectors_sha256
    loaded = load_index(tmp_path, manifest())
    assert loaded.chunks == idx.chunks
    np.testing.assert_allclose(loaded.vectors, idx.vectors)
    assert [c.id for c, _ in loaded.search(idx.vectors[2], 1)] == [idx.chunks[2].id]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chunks.jsonl", "manifest.json", "vectors.faiss"]
    meta = json.loads((tmp_path / "manifest.json").read_text())
    assert meta["format_version"] == FORMAT_VERSION and meta["embedding_model"] == "toy"


@pytest.mark.parametrize("changed", [manifest(h="other"), manifest(dim=16), Manifest(FORMAT_VERSION, "other", 8, "abc", 0)])
def test_mismatch_means_stale(tmp_path, changed):
    save_index(tmp_path, small_index(), manifest())
    assert load_index(tmp_path, changed) is None


def test_missing_index_is_none(tmp_path):
    assert load_index(tmp_path, manifest()) is None


@pytest.mark.parametrize("victim", ["chunks.jsonl", "vectors.faiss"])
def test_tampered_files_are_detected(tmp_path, victim):
    save_index(tmp_path, small_index(), manifest())
    with open(tmp_path / victim, "ab") as f:
        f.write(b"garbage")
    with pytest.raises(IndexStoreError, match="checksum"):
        load_index(tmp_path, manifest())


def test_unreadable_manifest(tmp_path):
    save_index(tmp_path, small_index(), manifest())
    (tmp_path / "manifest.json").write_text("{not json")
    with pytest.raises(IndexStoreError, match="manifest"):
        load_index(tmp_path, manifest())


def test_no_pickle_anywhere(tmp_path):
    save_index(tmp_path, small_index(), manifest())
    for p in tmp_path.iterdir():
        assert not p.read_bytes().startswith(b"\x80")  # pickle protocol header


def test_build_index_reuses_then_rebuilds_when_source_changes(tmp_path, embedder, model_cache, capsys):
    src = tmp_path / "talk.txt"
    src.write_text("[00:00:01] Alice: We grow tomatoes.\n[00:00:09] Bob: I repair bicycles.\n")
    settings = Settings(paths=(str(src),), cache_dir=tmp_path / "cache", model_cache=model_cache)
    first = build_index(settings, embedder)
    folder = next((tmp_path / "cache" / "index").iterdir())
    stamp = (folder / "manifest.json").stat().st_mtime_ns
    again = build_index(settings, embedder)
    assert (folder / "manifest.json").stat().st_mtime_ns == stamp  # loaded, not rebuilt
    assert again.chunks == first.chunks
    src.write_text("[00:00:01] Alice: We grow peppers.\n")
    changed = build_index(settings, embedder)
    assert "peppers" in changed.chunks[0].text
    (folder / "chunks.jsonl").write_text("corrupt\n")
    repaired = build_index(settings, embedder)
    assert "damaged" in capsys.readouterr().err
    assert repaired.chunks == changed.chunks
