"""The transcript library: add / list / remove, validation that damages nothing, incremental indexing."""

import json
from pathlib import Path

import pytest

from rag.cli import main
from rag.corpus import build_index, load_sources, unit_texts
from rag.errors import LibraryError, TranscriptError
from rag.library import Library, titled_paths
from rag.settings import Settings, default_library_dir, seed_paths
from tests.conftest import ROOT

YOUTUBE = ROOT / "tests" / "data" / "youtube-autocaptions-agentic-ai.vtt"


def test_add_list_remove(tmp_path):
    lib = Library(tmp_path / "lib")
    entry = lib.add(YOUTUBE, title="Agentic AI", media_url="https://video.example/watch?v=1")
    assert (entry.title, entry.format) == ("Agentic AI", "vtt") and entry.sentences > 100
    assert Path(entry.file).read_bytes() == YOUTUBE.read_bytes()  # copied in
    assert [e.title for e in lib.entries()] == ["Agentic AI"]
    settings = Settings(paths=(entry.file,), library_dir=lib.folder)
    assert titled_paths(settings) == [(entry.file, "Agentic AI", "https://video.example/watch?v=1")]
    lib.remove("Agentic AI")
    assert lib.entries() == [] and not Path(entry.file).exists()


@pytest.mark.parametrize("content", [b"", b"\x00\x01binary", b"name,age\nbob,4\n",
                                     b"1\n00:00:01,000 --> 00:00:02,000\n", b"WEBVTT\n\n00:00:01.000 --> 00:99:00.000\nhi\n"])
def test_bad_file_changes_nothing(tmp_path, content):
    lib = Library(tmp_path / "lib")
    lib.add(YOUTUBE, title="Good")
    before = lib.index_file.read_bytes(), sorted(p.name for p in (lib.folder / "transcripts").iterdir())
    bad = tmp_path / "bad.srt"
    bad.write_bytes(content)
    with pytest.raises(TranscriptError):
        lib.add(bad)
    after = lib.index_file.read_bytes(), sorted(p.name for p in (lib.folder / "transcripts").iterdir())
    assert after == before


def test_duplicate_title_and_bad_url(tmp_path):
    lib = Library(tmp_path / "lib")
    lib.add(YOUTUBE, title="Talk")
    with pytest.raises(LibraryError, match="already in the library"):
        lib.add(YOUTUBE, title="Talk")
    with pytest.raises(LibraryError, match="http"):
        lib.add(YOUTUBE, title="Other", media_url="javascript:alert(1)")
    with pytest.raises(LibraryError, match="no transcript titled 'Nope'"):
        lib.remove("Nope")


def test_cli_add_list_remove(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TRANSCRIPT_RAG_HOME", str(tmp_path / "home"))
    assert main(["add", str(YOUTUBE), "--title", "Agentic AI"]) == 0
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "[library] Agentic AI  (vtt" in out and "[seed]    cto-ai-era.txt" in out
    assert Settings.from_env().paths == seed_paths() + (Library(default_library_dir()).entries()[0].file,)
    assert main(["add", str(tmp_path / "missing.vtt")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["remove", "Agentic AI"]) == 0
    assert json.loads((tmp_path / "home" / "library.json").read_text()) == []


class CountingEmbedder:
    """The real embedder, counting how many texts it embeds."""

    def __init__(self, inner):
        self.inner, self.count = inner, 0
        self.name, self.dim = inner.name, inner.dim

    def encode(self, texts, progress=False):
        self.count += len(texts)
        return self.inner.encode(texts)


def test_adding_a_transcript_embeds_only_that_one(tmp_path, embedder, model_cache):
    counting = CountingEmbedder(embedder)
    cache = tmp_path / "cache"
    seed_only = Settings(paths=seed_paths(), cache_dir=cache, model_cache=model_cache)
    first = build_index(seed_only, counting)
    units = {t.title: len(unit_texts(t)) for t in load_sources(Settings(paths=seed_paths() + (str(YOUTUBE),)))}
    assert counting.count == len(first.chunks) + units["The role of the CTO in the AI era"]  # chunks, sentences
    counting.count = 0
    both = Settings(paths=seed_paths() + (str(YOUTUBE),), cache_dir=cache, model_cache=model_cache)
    index = build_index(both, counting)
    youtube_chunks = [c for c in index.chunks if c.source == YOUTUBE.stem]
    assert counting.count == len(youtube_chunks) + units[YOUTUBE.stem] > 0  # the seed was not embedded again
    assert {c.source for c in index.chunks} == {"The role of the CTO in the AI era", YOUTUBE.stem}
