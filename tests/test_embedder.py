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
