"""Writing files all or nothing, and hashing them: one definition for the index, the library, the caches."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from pathlib import Path


def file_sha256(path: str | Path) -> str:
    """The sha256 of a file's bytes, read in blocks (recordings can be large)."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 22):
            digest.update(block)
    return digest.hexdigest()


def _atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Let `write` fill a temporary file (unique per process), then rename it into place.

    Raises:
        OSError: when the write fails (a full disk, a read-only folder); the temporary file is removed.
    """
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:  # a full disk or an interrupt: leave no half-written file behind
        tmp.unlink(missing_ok=True)
        raise


def atomic_write(path: Path, data: bytes, sync: bool = True) -> None:
    """Write `data` to `path` all or nothing; `sync`: flushed to disk before the rename (a cache that is
    rebuilt when lost can skip it)."""
    def write(tmp: Path) -> None:
        with open(tmp, "wb") as f:
            f.write(data)
            if sync:
                f.flush()
                os.fsync(f.fileno())

    _atomically(path, write)


def atomic_copy(src: Path, path: Path) -> None:
    """Copy `src` to `path` all or nothing (for files too large to hold in memory)."""
    _atomically(path, lambda tmp: shutil.copyfile(src, tmp))
