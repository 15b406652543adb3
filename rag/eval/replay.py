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


class RecordingGenerator:
    """Wraps a `Generator` and keeps every reply it gives, in order, until `take()` (what a saved run
    records per question, so that `ReplayGenerator` can give them back call by call)."""

    def __init__(self, llm):
        self.llm = llm
        self._replies: list[str] = []

    def __getattr__(self, name):  # name, load, warm, ... of the wrapped engine
        return getattr(self.llm, name)

    def generate(self, messages: list[dict], cached_prefix: int = 0) -> Iterator[str]:
        pieces: list[str] = []
        try:
            for piece in self.llm.generate(messages, cached_prefix):
                pieces.append(piece)
                yield piece
        finally:
            self._replies.append("".join(pieces))

    def take(self) -> list[str]:
        """The replies since the last call, oldest first."""
        replies, self._replies = self._replies, []
        return replies


class ReplayGenerator:
    """A `Generator` that gives, call by call, the replies recorded for the question selected by `select(id)`
    in the order they were generated (every reply of that question: its answer's, a second look's, a yes/no
    check's, each part's of a two-part question); then nothing."""

    def __init__(self, replies: dict[str, list[str]], name: str):
        self.replies = replies
        self.name = name if name.endswith("(replayed)") else f"{name} (replayed)"
        self._turns: list[str] | None = None

    def select(self, id: str) -> None:
        if id not in self.replies:
            raise EvalError(f"the saved run has no reply for question {id!r}")
        self._turns = list(self.replies[id])

    def generate(self, messages: list[dict], cached_prefix: int = 0) -> Iterator[str]:
        if self._turns is None:
            raise EvalError("no question selected for replay")
        yield self._turns.pop(0) if self._turns else ""


def load_run(path: str | Path) -> tuple[str, str, dict[str, list[str]]]:
    """(model name, configuration name, recorded replies per question id, in the order they were generated)
    of the first run in a report.json."""
    p = Path(path)
    try:
        saved = json.loads(p.read_text("utf-8"))
        name, run = next(iter(saved["results"].items()))
        replies = {r["id"]: r["replies"] if "replies" in r else  # older reports: the replies one question had
                   [*([r["first_reply"]] if r.get("first_reply") else []), r.get("raw") or "",
                    *(r[k] for k in ("second_reply", "verdict_reply") if r.get(k))] for r in run["rows"]}
        return saved["meta"]["model"], name, replies
    except (OSError, ValueError, KeyError, StopIteration, AttributeError) as exc:
        raise EvalError(f"{path}: not a saved evaluation report ({exc})") from None
