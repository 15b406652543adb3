"""Top-k retrieval: dense (FAISS cosine) by default, or hybrid dense + BM25 fused by reciprocal rank."""

from __future__ import annotations

import numpy as np

from index.store import VectorIndex
from rag.chunker import Hit
from rag.embedder import Embedder

RRF_K = 60  # the usual reciprocal-rank-fusion constant


def fuse(rankings: list[list[int]], tiebreak: np.ndarray) -> list[int]:
    """Reciprocal-rank fusion of several rankings of positions; ties go to the higher `tiebreak`.

    >>> fuse([[2, 0, 1], [0, 2]], np.array([0.1, 0.2, 0.3]))
    [2, 0, 1]
    """
    fused: dict[int, float] = {}
    for ranking in rankings:
        for r, i in enumerate(ranking):
            fused[i] = fused.get(i, 0.0) + 1.0 / (RRF_K + r + 1)
    return sorted(fused, key=lambda i: (-fused[i], -tiebreak[i]))


class Retriever:
    """Search an index for the chunks that best match a question.

    Args:
        embedder: encodes the query (the same model that built the index).
        index: the chunk vectors.
        mode: "dense" or "hybrid".
    """

    def __init__(self, embedder: Embedder, index: VectorIndex, mode: str = "dense"):
        if mode not in ("dense", "hybrid"):
            raise ValueError(f"retriever must be 'dense' or 'hybrid', got {mode!r}")
        self.embedder = embedder
        self.index = index
        self.mode = mode
        self._bm25 = None

    def _bm25_rank(self, query: str, n: int) -> list[int]:
        """Chunk positions ranked by BM25 (English stop words removed), zero scores left out."""
        import bm25s

        if self._bm25 is None:
            corpus = bm25s.tokenize([c.text for c in self.index.chunks], stopwords="en", show_progress=False)
            self._bm25 = bm25s.BM25()
            self._bm25.index(corpus, show_progress=False)
        tokens = bm25s.tokenize([query], stopwords="en", show_progress=False)
        ids, scores = self._bm25.retrieve(tokens, k=min(n, len(self.index.chunks)), show_progress=False)
        return [int(i) for i, s in zip(ids[0], scores[0]) if s > 0]

    def search(self, query: str, k: int, source: str | None = None) -> list[Hit]:
        """The k best chunks for the query, best first; `source` keeps one transcript's chunks only."""
        if not self.index.chunks:
            return []
        qv = self.embedder.encode([query])[0]
        if source is not None:
            return self._search_within(qv, query, k, source)
        if self.mode == "dense":
            return [Hit(chunk, score, r) for r, (chunk, score) in enumerate(self.index.search(qv, k))]
        n = max(4 * k, 20)
        dense = [chunk.id for chunk, _ in self.index.search(qv, n)]
        cosine = self.index.vectors @ qv
        order = fuse([dense, self._bm25_rank(query, n)], cosine)[:k]
        return [Hit(self.index.chunks[int(i)], float(cosine[int(i)]), r) for r, i in enumerate(order)]

    def _search_within(self, qv: np.ndarray, query: str, k: int, source: str) -> list[Hit]:
        """Exact search restricted to one transcript (a masked scan; transcripts are small)."""
        allowed = np.array([c.source == source for c in self.index.chunks])
        if not allowed.any():
            return []
        cosine = self.index.vectors @ qv
        ranked = [int(i) for i in np.argsort(-cosine) if allowed[i]]
        if self.mode == "hybrid":
            n = max(4 * k, 20)
            lexical = [i for i in self._bm25_rank(query, len(self.index.chunks)) if allowed[i]]
            ranked = fuse([ranked[:n], lexical[:n]], cosine)
        return [Hit(self.index.chunks[i], float(cosine[i]), r) for r, i in enumerate(ranked[:k])]
