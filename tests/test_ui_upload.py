"""Uploading a transcript in the web chat: validated like the CLI, size-limited, searchable at once."""

import pytest

from rag.errors import LibraryError, TranscriptError
from rag.library import Library
from rag.pipeline import Pipeline
from tests.conftest import ROOT, ScriptedLLM
from ui.app import register_upload

YOUTUBE = ROOT / "tests" / "data" / "youtube-autocaptions-agentic-ai.vtt"


@pytest.fixture
def fresh_pipeline(settings, embedder, seed_index, tmp_path):
    return Pipeline(settings.with_(library_dir=tmp_path / "lib", cache_dir=tmp_path / "cache"),
                    embedder=embedder, llm=ScriptedLLM("NOT IN TRANSCRIPT"), index=seed_index)


def test_upload_makes_the_transcript_searchable(fresh_pipeline, tmp_path):
    upload = tmp_path / "Agentic AI.vtt"
    upload.write_bytes(YOUTUBE.read_bytes())
    entry = register_upload(fresh_pipeline, upload)
    assert entry.title == "Agentic AI"
    hits = fresh_pipeline.retrieve("Which two example projects are in the description?", 3, source="Agentic AI")
    assert hits and all(h.chunk.source == "Agentic AI" for h in hits)
    assert any("cold email" in h.chunk.text for h in hits)


@pytest.mark.parametrize("content, error", [(b"\x00\x01\x02", TranscriptError), (b"x" * 2048, LibraryError)])
def test_bad_or_large_upload_changes_nothing(fresh_pipeline, tmp_path, content, error):
    upload = tmp_path / "bad.srt"
    upload.write_bytes(content)
    before = fresh_pipeline.settings.paths
    with pytest.raises(error):
        register_upload(fresh_pipeline, upload, max_bytes=1024 if error is LibraryError else 10**6)
    assert fresh_pipeline.settings.paths == before
    assert Library(fresh_pipeline.settings.library_dir).entries() == []


def test_serve_reports_a_model_that_fails_to_load_before_serving(settings, monkeypatch):
    import ui.app
    from rag.errors import ModelError

    def broken(self):
        raise ModelError("could not load answer model 'x.gguf': truncated file")

    served = []
    monkeypatch.setattr(ui.app.Pipeline, "load", broken)
    monkeypatch.setattr(ui.app, "launch", lambda *a, **k: served.append(a))
    with pytest.raises(ModelError, match="truncated file"):
        ui.app.serve(settings, port=1)
    assert served == []  # nothing is served on a half-loaded pipeline
