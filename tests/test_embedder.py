"""The embedder seam: the packaged model keeps the `Embedder` contract (unit float32 rows of `dim`)."""

from __future__ import annotations

import numpy as np
import pytest

from rag.embedder import Embedder, SentenceTransformerEmbedder


def test_the_packaged_model_is_an_embedder(embedder):
    assert isinstance(embedder, SentenceTransformerEmbedder) and isinstance(embedder, Embedder)
    assert embedder.name == "all-MiniLM-L6-v2" and embedder.dim == 384


def test_constructing_loads_nothing():
    assert SentenceTransformerEmbedder()._st is None


@pytest.mark.parametrize("texts", [[], ["one"], ["Café crème, 李雷.", "The CTO hires engineers.", "x" * 5000]])
def test_encode_returns_unit_float32_rows(embedder, texts):
    vectors = embedder.encode(texts)
    assert vectors.dtype == np.float32 and vectors.shape == (len(texts), embedder.dim)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_encode_cached_gives_the_same_vectors(embedder):
    texts = ["The CTO hires engineers.", "Budget forty euros.", "The CTO hires engineers."]
    assert np.allclose(embedder.encode_cached(texts), embedder.encode(texts), atol=1e-6)
    assert embedder.encode_cached([]).shape == (0, embedder.dim)


def test_similar_sentences_score_higher(embedder):
    a, b, c = embedder.encode(["The chief technology officer hires engineers.", "The CTO recruits developers.",
                               "Tomatoes were planted on Monday."])
    assert a @ b > a @ c + 0.2


def test_questions_are_read_with_numpy_and_agree_with_sentence_transformers(embedder):
    from rag.bert import readable

    from rag.models import packaged_embedding_path

    assert readable(packaged_embedding_path())
    texts = ["What does Gigascale invest in?", "  Café crème, 李雷 — 1898!  ", "um", "The CTO " * 200,
             "His current venture, Gigascale, invests in companies utilizing technology to combat climate change."]
    light = embedder.encode(texts)  # few texts: the numpy reader
    full = embedder.encode_index(texts)  # sentence-transformers itself
    assert embedder._reader is not None
    assert np.min(np.sum(light * full, axis=1)) > 0.99999 and np.abs(light - full).max() < 1e-5


def test_a_model_numpy_cannot_read_goes_to_sentence_transformers(tmp_path):
    from rag.bert import readable

    (tmp_path / "modules.json").write_text('[{"type": "sentence_transformers.models.Transformer"}]')
    assert not readable(tmp_path) and not readable(tmp_path / "missing")


def test_the_verifier_finds_the_transcripts_sentences_cached_with_the_index(settings, embedder, tmp_path):
    from rag.corpus import load_sources, unit_texts, unit_vectors

    seed = load_sources(settings)[0]
    texts = unit_texts(seed)
    assert texts[:2] == [s.text for s in seed.segments if not s.is_heading][:2]  # sentences, then neighbours
    fresh = settings.with_(cache_dir=tmp_path)
    made, vectors = unit_vectors(seed, embedder, fresh)
    again, cached = unit_vectors(seed, embedder, fresh)
    assert made == again == texts and np.array_equal(vectors, cached) and vectors.shape == (len(texts), 384)
    assert np.allclose(vectors[:3], embedder.encode_index(texts[:3]), atol=1e-6)
