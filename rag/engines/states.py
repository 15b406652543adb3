"""Prompt states saved on disk: a folder per prefix (`tokens.npy`, `state.bin`, `meta.json`), checked on load
(version, model, sha256), written atomically, the least recently used deleted past a size cap."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import numpy as np

from rag.models import say

STATE_VERSION = 1


class StateStore:
    """Saved prefix states in `folder` (None: nothing is saved), at most `max_bytes` of them."""

    def __init__(self, folder: Path | None, max_bytes: int):
        self.folder = Path(folder) if folder else None
        self.max_bytes = max_bytes

    def has(self, key: str, model_id: str) -> bool:
        """Whether a state for `key` of this model is saved (its checksum is checked when it is loaded)."""
        folder = self._path(key)
        try:
            return folder is not None and json.loads((folder / "meta.json").read_text()).get("model") == model_id
        except (OSError, ValueError):
            return False

    def _path(self, key: str) -> Path | None:
        return self.folder / key if self.folder else None

    def load(self, key: str, model_id: str) -> tuple[np.ndarray, bytes] | None:
        folder = self._path(key)
        if folder is None or not (folder / "meta.json").exists():
            return None
        try:
            meta = json.loads((folder / "meta.json").read_text())
            tokens = np.load(folder / "tokens.npy", allow_pickle=False)
            state = (folder / "state.bin").read_bytes()
        except (OSError, ValueError):
            return None
        if (meta.get("version") != STATE_VERSION or meta.get("model") != model_id
                or hashlib.sha256(state).hexdigest() != meta.get("sha256")):
            say(f"Prompt state {folder} does not match; recomputing it.")
            return None
        try:
            os.utime(folder / "meta.json")  # recently used: the last to be pruned
        except OSError:
            pass
        return tokens, state

    def save(self, key: str, tokens: np.ndarray, state: bytes, model_id: str) -> None:
        folder = self._path(key)
        if folder is None:
            return
        try:
            tmp = folder.with_name(folder.name + f".tmp{os.getpid()}")
            tmp.mkdir(parents=True, exist_ok=True)
            np.save(tmp / "tokens.npy", tokens, allow_pickle=False)
            (tmp / "state.bin").write_bytes(state)
            (tmp / "meta.json").write_text(json.dumps({
                "version": STATE_VERSION, "model": model_id, "tokens": int(len(tokens)),
                "bytes": len(state), "sha256": hashlib.sha256(state).hexdigest()}))
            if folder.exists():
                shutil.rmtree(folder, ignore_errors=True)
            os.replace(tmp, folder)
        except OSError as exc:  # a read-only or full cache only costs speed: say so, keep answering
            say(f"Could not save the prompt state in {folder} ({exc}); the next start recomputes it.")
            return
        self._prune(keep=folder)

    def _prune(self, keep: Path) -> None:
        """Delete the least recently used saved states until they fit in `state_disk_bytes` (never `keep`)."""
        saved = []
        try:
            folders = [f for f in self.folder.iterdir() if ".tmp" not in f.name]  # not another's half-write
        except OSError:
            return
        for folder in folders:
            try:
                used = (folder / "meta.json").stat().st_mtime
                size = sum(f.stat().st_size for f in folder.iterdir())
            except OSError:  # not a saved state, or one being replaced: left alone
                continue
            saved.append((used, size, folder))
        total = sum(size for _, size, _ in saved)
        for _, size, folder in sorted(saved, key=lambda s: s[0]):
            if total <= self.max_bytes:
                break
            if folder == keep:
                continue
            shutil.rmtree(folder, ignore_errors=True)
            total -= size

