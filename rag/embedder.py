"""Sentence embeddings behind one verb, `encode(texts) -> np.ndarray` (L2-normalised float32).

The index and the transcripts' sentence vectors are embedded by sentence-transformers (`encode_index`), once,
and cached on disk; questions and answers, a few short texts, by the same model read with numpy
(`rag.bert`), which spares a one-shot question the 5-second import of torch and sentence-transformers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, runtime_checkable

import numpy as np

from rag.errors import ModelError
from rag.models import EMBED_MODEL_NAME, packaged_embedding_path

# What the citation verifier and the focus finder take: texts in, one unit vector per text out.
Encode = Callable[[Sequence[str]], np.ndarray]


@runtime_checkable
class Embedder(Protocol):
    """The sentence embedder the index, the retriever and the verifier share.

    `encode` is the one verb; `name` and `dim` go into index manifests, so an index built with one
    model is never searched with another.
    """

    @property
    def name(self) -> str:
        """A stable model name, recorded in index manifests."""
        ...

    @property
    def dim(self) -> int:
        """The length of every vector."""
        ...

    def load(self) -> Embedder:
        """Load the weights now (idempotent) and return self."""
        ...

    def encode(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        """An `(len(texts), dim)` float32 array of L2-normalised rows."""
        ...

    def encode_cached(self, texts: Sequence[str]) -> np.ndarray:
        """`encode`, remembering vectors of texts seen before."""
        ...


class SentenceTransformerEmbedder:
    """A sentence-transformers model, loaded on first use.

    Args:
        model: a sentence-transformers folder or hub id; None for the packaged all-MiniLM-L6-v2.
        batch_size: texts per forward pass.
    """

    def __init__(self, model: str | None = None, batch_size: int = 64):
        self.model = model
        self.batch_size = batch_size
        self._st = None
        self._reader = None
        self._memo: dict[str, np.ndarray] = {}

    @property
    def name(self) -> str:
        """A stable name for manifests (the packaged model is called by its upstream name)."""
        return self.model or EMBED_MODEL_NAME

    def load(self) -> SentenceTransformerEmbedder:
        """Load the weights (idempotent): read with numpy when the model allows it (`rag.bert.readable`), else
        with sentence-transformers."""
        if self._reader is None and self._st is None:
            from rag.bert import BertReader, readable

            path = self.model or packaged_embedding_path()
            if readable(path):
                self._reader = BertReader(path, batch_size=16).load()
            else:
                self._load_st()
        return self

    def _load_st(self):
        if self._st is None:
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()  # per-tensor bars are noise; our own messages say what loads

            path = self.model or packaged_embedding_path()
            try:
                self._st = SentenceTransformer(path, device="cpu")
            except Exception as exc:  # any loader failure becomes one clear message
                raise ModelError(f"could not load embedding model {path!r}: {exc}") from exc
        return self._st

    @property
    def dim(self) -> int:
        self.load()
        return self._reader.dim if self._reader is not None else int(self._st.get_embedding_dimension())

    def encode(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        """Embed texts into an `(n, dim)` float32 array of unit vectors (many texts: see `encode_index`)."""
        self.load()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self._reader is not None and not progress and len(texts) <= 32:
            return self._reader.encode(texts)
        return self.encode_index(texts, progress)

    def encode_index(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        """Embed texts with sentence-transformers itself: what the index and the cached vectors are made with."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._load_st().encode(list(texts), batch_size=self.batch_size, normalize_embeddings=True,
                                         convert_to_numpy=True, show_progress_bar=progress)
        return np.asarray(vectors, dtype=np.float32)

    def remember(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        """Take vectors computed before (cached on disk) for `encode_cached`."""
        for text, vector in zip(texts, vectors):
            self._memo[text] = vector

    def encode_cached(self, texts: Sequence[str], limit: int = 50_000) -> np.ndarray:
        """`encode`, remembering each text's vector: the verifier meets the same transcript sentences again."""
        missing = list(dict.fromkeys(t for t in texts if t not in self._memo))
        if missing:
            if len(self._memo) + len(missing) > limit:
                self._memo.clear()
            for text, vector in zip(missing, self.encode(missing)):
                self._memo[text] = vector
        if not texts:
            return self.encode([])
        return np.stack([self._memo[t] for t in texts])
