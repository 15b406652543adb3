"""Re-score a saved evaluation run without the answer model: its recorded replies are replayed.

Verification, attribution and the abstention rules run after the model has answered; changing them
needs no new generation. `transcript-rag eval --replay reports/eval/report.json` feeds each
question its recorded reply and scores the result in seconds. Only the model's replies are reused:
a change to the prompt or the model needs a full run.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from rag.errors import EvalError


class ReplayGenerator:
    """A `Generator` that answers with the reply recorded for the question selected by `select(id)`."""

    def __init__(self, replies: dict[str, str], name: str):
        self.replies = replies
        self.name = f"{name} (replayed)"
        self._current: str | None = None

    def select(self, id: str) -> None:
        if id not in self.replies:
            raise EvalError(f"the saved run has no reply for question {id!r}")
        self._current = id

    def generate(self, messages: list[dict], cached_prefix: int = 0) -> Iterator[str]:
        if self._current is None:
            raise EvalError("no question selected for replay")
        yield self.replies[self._current]


def load_run(path: str | Path) -> tuple[str, str, dict[str, str]]:
    """(model name, configuration name, recorded reply per question id) of the first run in a report.json."""
    p = Path(path)
    try:
        saved = json.loads(p.read_text("utf-8"))
        name, run = next(iter(saved["results"].items()))
        return saved["meta"]["model"], name, {r["id"]: r.get("raw") or "" for r in run["rows"]}
    except (OSError, ValueError, KeyError, StopIteration, AttributeError) as exc:
        raise EvalError(f"{path}: not a saved evaluation report ({exc})") from None
