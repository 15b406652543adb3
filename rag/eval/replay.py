"""Re-score a saved evaluation run without the answer model: its recorded replies are replayed.

Verification, attribution and the abstention rules run after the model has answered; changing them
needs no new generation. `transcript-rag eval --replay reports/eval/report.json` feeds each
question its recorded reply and scores the result in seconds (`--manifest --replay DIR`: see
`rag.eval.rerun`). Only the model's replies are reused: a change to the prompt or the model needs a full run.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

from rag.errors import EvalError


class RecordingGenerator:
    """Wraps a `Generator` and keeps every reply it gives, in order, until `take()` (what a saved run
    records per question, so that `ReplayGenerator` can give them back call by call), and counts the
    calls to its `generate` (`calls`, a running total: the model calls a question took)."""

    def __init__(self, llm):
        self.llm = llm
        self.calls = 0
        self._replies: list[str] = []

    def __getattr__(self, name):  # name, load, warm, ... of the wrapped engine
        return getattr(self.llm, name)

    def generate(self, messages: list[dict], cached_prefix: int = 0) -> Iterator[str]:
        self.calls += 1  # counted when asked for, even if the reply is never read
        return self._record(messages, cached_prefix)

    def _record(self, messages: list[dict], cached_prefix: int) -> Iterator[str]:
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


# what gives a reply the recording does not have: (question id, call number from 1, messages, cached prefix)
Beyond = Callable[[str, int, list[dict], int], Iterator[str]]


class ReplayGenerator:
    """A `Generator` that gives, call by call, the replies recorded for the question selected by `select(id)`
    in the order they were generated (every reply of that question: its answer's, a second look's, ...).

    A call past the recorded ones is counted per question (`unrecorded`) and answered by `beyond` (the real
    model, or a refusal: `refuse_unrecorded`); without `beyond` it gets an empty reply, what `--qa --replay`
    has always given reports older than recorded replies.
    """

    def __init__(self, replies: dict[str, list[str]], name: str, beyond: Beyond | None = None):
        self.replies = replies
        self.name = name if name.endswith("(replayed)") else f"{name} (replayed)"
        self.beyond = beyond
        self.unrecorded: dict[str, int] = {}  # question id -> calls the recording did not have
        self._id: str | None = None
        self._turns: list[str] | None = None
        self._call = 0

    def select(self, id: str) -> None:
        if id not in self.replies:
            raise EvalError(f"the saved run has no reply for question {id!r}")
        self._id, self._turns, self._call = id, list(self.replies[id]), 0

    def generate(self, messages: list[dict], cached_prefix: int = 0) -> Iterator[str]:
        if self._turns is None:
            raise EvalError("no question selected for replay")
        self._call += 1
        if self._turns:
            yield self._turns.pop(0)
            return
        if self.beyond is None:
            yield ""
            return
        self.unrecorded[self._id] = self.unrecorded.get(self._id, 0) + 1
        yield from self.beyond(self._id, self._call, messages, cached_prefix)


def refuse_unrecorded(id: str, call: int, messages: list[dict], cached_prefix: int = 0) -> Iterator[str]:
    """A strict replay's answer to a call the recording does not have: none.

    Raises:
        EvalError: naming the question and the call, always.
    """
    raise EvalError(f"question {id!r} needs model call {call}, but the replayed run recorded only {call - 1} "
                    "for it (a check switched off, or the recorded run stopped early: answer_seconds); "
                    "replay without --replay-strict to ask the model for the missing replies")


class LazyModel:
    """A `Generator` built and loaded on its first call: the answer model of a replay, which most replays
    never need (`make` builds it, e.g. `lambda: rag.engines.make_generator(settings)`)."""

    def __init__(self, make: Callable[[], object]):
        self._make = make
        self.llm = None

    def generate(self, messages: list[dict], cached_prefix: int = 0) -> Iterator[str]:
        if self.llm is None:
            llm = self._make()
            if hasattr(llm, "load"):
                llm.load()
            self.llm = llm
        return self.llm.generate(messages, cached_prefix)


def ask(llm) -> Beyond:
    """What a replay does for a reply the recording lacks: asks `llm` (a `Generator`) for it."""
    return lambda id, call, messages, cached_prefix: llm.generate(messages, cached_prefix)


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
