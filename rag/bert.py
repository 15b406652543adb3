"""A sentence-transformers BERT model (mean pooling, normalised) read with numpy: the question side's encoder.

Importing torch, transformers and sentence-transformers takes about 5 seconds on 2 cores, longer than a
whole answer from a warm process. The question and the answer's sentences are a few short texts, which
numpy encodes in milliseconds from the same weights (`model.safetensors`) and the same tokenizer
(`tokenizer.json`, through the `tokenizers` library): the vectors agree with sentence-transformers' to
float precision (`tests/test_embedder.py`). The index itself is still built by sentence-transformers.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from rag.errors import ModelError

_MODULES = ["sentence_transformers.models.Transformer", "sentence_transformers.models.Pooling",
            "sentence_transformers.models.Normalize"]


def readable(folder: str | Path) -> bool:
    """Whether a sentence-transformers folder is a BERT with mean pooling and normalisation, in safetensors."""
    folder = Path(folder)
    try:
        modules = [m["type"] for m in json.loads((folder / "modules.json").read_text())]
        config = json.loads((folder / "config.json").read_text())
        pooling = json.loads((folder / "1_Pooling" / "config.json").read_text())
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return (modules == _MODULES and config.get("model_type") == "bert" and config.get("hidden_act") == "gelu"
            and config.get("position_embedding_type", "absolute") == "absolute"
            and pooling.get("pooling_mode_mean_tokens") is True
            and not any(v for k, v in pooling.items() if k.startswith("pooling_mode_") and k != "pooling_mode_mean_tokens")
            and (folder / "model.safetensors").exists() and (folder / "tokenizer.json").exists())


def _erf(x: np.ndarray) -> np.ndarray:
    """erf to about 1e-7 (Abramowitz and Stegun 7.1.26), for BERT's exact GELU.

    >>> round(float(_erf(np.array([0.5]))[0]), 6)
    0.5205
    """
    sign = np.sign(x)
    a = np.minimum(np.abs(x), np.float32(6.0))  # erf(6) is 1 in float32; larger values would make exp() denormal
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return sign * (1.0 - poly * np.exp(-a * a))


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


class BertReader:
    """Encode texts with a sentence-transformers BERT folder (see `readable`) in numpy."""

    def __init__(self, folder: str | Path, batch_size: int = 16):
        self.folder = Path(folder)
        self.batch_size = batch_size
        self._w: dict[str, np.ndarray] | None = None

    def load(self) -> BertReader:
        if self._w is None:
            from safetensors.numpy import load_file
            from tokenizers import Tokenizer

            try:
                config = json.loads((self.folder / "config.json").read_text())
                st_config = json.loads((self.folder / "sentence_bert_config.json").read_text())
                self._w = {k: v.astype(np.float32, copy=False) for k, v in
                           load_file(self.folder / "model.safetensors").items() if v.dtype != np.int64}
                self._tok = Tokenizer.from_file(str(self.folder / "tokenizer.json"))
            except Exception as exc:  # any loader failure becomes one clear message
                raise ModelError(f"could not read embedding model {str(self.folder)!r}: {exc}") from exc
            self._tok.no_padding()
            self._tok.enable_truncation(int(st_config.get("max_seq_length", 256)))
            self._lower = bool(st_config.get("do_lower_case", False))
            self._heads = int(config["num_attention_heads"])
            self._layers = int(config["num_hidden_layers"])
            self._eps = float(config.get("layer_norm_eps", 1e-12))
        return self

    @property
    def dim(self) -> int:
        return int(self.load()._w["embeddings.word_embeddings.weight"].shape[1])

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """An `(len(texts), dim)` float32 array of unit vectors, as sentence-transformers' `encode` gives."""
        self.load()
        texts = [t.strip().lower() if self._lower else t.strip() for t in texts]
        out = np.zeros((len(texts), self.dim), np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # similar lengths share a batch
        for start in range(0, len(order), self.batch_size):
            batch = order[start:start + self.batch_size]
            out[batch] = self._forward([self._tok.encode(texts[i]).ids for i in batch])
        return out

    def _forward(self, encoded: list[list[int]]) -> np.ndarray:
        w, heads = self._w, self._heads
        length = max(len(ids) for ids in encoded)
        ids = np.zeros((len(encoded), length), np.int64)
        mask = np.zeros((len(encoded), length), np.float32)
        for row, seq in enumerate(encoded):
            ids[row, :len(seq)] = seq
            mask[row, :len(seq)] = 1.0
        x = (w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:length]
             + w["embeddings.token_type_embeddings.weight"][0])
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self._eps)
        batch, _, dim = x.shape
        size = dim // heads
        blocked = (1.0 - mask)[:, None, None, :] * np.float32(-1e9)
        for n in range(self._layers):
            p = f"encoder.layer.{n}."

            def dense(h: np.ndarray, name: str) -> np.ndarray:
                return h @ w[p + name + ".weight"].T + w[p + name + ".bias"]

            def split(h: np.ndarray) -> np.ndarray:
                return h.reshape(batch, length, heads, size).transpose(0, 2, 1, 3)

            q, k, v = (split(dense(x, f"attention.self.{m}")) for m in ("query", "key", "value"))
            scores = q @ k.transpose(0, 1, 3, 2) / np.float32(np.sqrt(size)) + blocked
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            context = (scores / scores.sum(-1, keepdims=True)) @ v
            context = context.transpose(0, 2, 1, 3).reshape(batch, length, dim)
            x = _layer_norm(dense(context, "attention.output.dense") + x, w[p + "attention.output.LayerNorm.weight"],
                            w[p + "attention.output.LayerNorm.bias"], self._eps)
            inner = dense(x, "intermediate.dense")
            inner = 0.5 * inner * (1.0 + _erf(inner / np.float32(np.sqrt(2.0))))
            x = _layer_norm(dense(inner, "output.dense") + x, w[p + "output.LayerNorm.weight"],
                            w[p + "output.LayerNorm.bias"], self._eps)
        pooled = (x * mask[:, :, None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)
        return (pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)).astype(np.float32)
