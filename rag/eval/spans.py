"""The span-gold format: questions with a written answer and the time windows it rests on.

One JSON object per line (as `../shared/devsets/qmsum-dev/qa.jsonl` and `evalsets/qmsum-dev.jsonl`):
`{"id": str, "source": "<file>", "question": str, "answer": str | null, "windows": [[start_s, end_s], ...],
"unanswerable": bool, "half": "dev" | "check"}`. `source` names the transcript the question is about,
relative to the set's root folder; an unanswerable question has no answer and no windows. A line without
"half" gets one by `rag.eval.gold.half_of`. Other fields ("split", "facts", "qmsum") are ignored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from rag.errors import EvalError
from rag.eval.gold import HALVES, half_of


@dataclass(frozen=True)
class SpanItem:
    """One question of a span-gold set."""

    id: str
    question: str
    answer: str | None  # the reference answer; None for an unanswerable question
    windows: tuple[tuple[float, float], ...]  # closed intervals, in seconds
    unanswerable: bool
    half: str  # "dev" or "check"
    source: Path  # the transcript file it is asked of

    def to_json(self) -> dict:
        """The gold fields a row keeps (`source` by file name)."""
        return {"id": self.id, "question": self.question, "reference": self.answer,
                "windows": [list(w) for w in self.windows], "unanswerable": self.unanswerable,
                "half": self.half, "source": self.source.name}


def _windows(value, where: str) -> tuple[tuple[float, float], ...]:
    """Validated windows: a list of [start_s, end_s] number pairs, start <= end."""
    number = lambda x: isinstance(x, (int, float)) and not isinstance(x, bool)  # noqa: E731
    if not isinstance(value, list):
        raise EvalError(f"{where}: 'windows' must be a list of [start_s, end_s] pairs")
    out = []
    for w in value:
        if not (isinstance(w, list) and len(w) == 2 and all(number(x) for x in w) and 0 <= w[0] <= w[1]):
            raise EvalError(f"{where}: bad window {w!r}: expected [start_s, end_s] with 0 <= start <= end")
        out.append((float(w[0]), float(w[1])))
    return tuple(out)


def _item(row, where: str, root: Path) -> SpanItem:
    """One validated line."""
    if not isinstance(row, dict):
        raise EvalError(f"{where}: expected a JSON object")
    for key, kind in (("id", str), ("question", str), ("source", str), ("unanswerable", bool)):
        if not isinstance(row.get(key), kind):
            raise EvalError(f"{where}: field {key!r} must be a {kind.__name__}")
    unanswerable, answer = row["unanswerable"], row.get("answer")
    windows = _windows(row.get("windows", []), where)
    if unanswerable and (answer is not None or windows):
        raise EvalError(f"{where}: an unanswerable question has \"answer\": null and \"windows\": []")
    if not unanswerable and not (isinstance(answer, str) and answer.strip() and windows):
        raise EvalError(f"{where}: an answerable question needs an 'answer' string and at least one window")
    half = row.get("half", half_of(row["id"]))
    if half not in HALVES:
        raise EvalError(f"{where}: 'half' must be 'dev' or 'check', got {half!r}")
    source = root / row["source"]
    if not source.is_file():
        raise EvalError(f"{where}: transcript {source} not found (the 'source' is relative to {root})")
    return SpanItem(row["id"], row["question"], answer, windows, unanswerable, half, source)


def load_spans(path: str | Path, root: str | Path) -> list[SpanItem]:
    """Read and validate a span-gold file whose transcripts lie in `root`.

    Raises:
        EvalError: naming the file and line of the first problem.
    """
    p = Path(path)
    if not p.is_file():
        raise EvalError(f"{path}: no such file")
    items: list[SpanItem] = []
    seen: set[str] = set()
    for n, line in enumerate(p.read_text("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as exc:
            raise EvalError(f"{path}:{n}: not JSON ({exc})") from None
        item = _item(row, f"{path}:{n}", Path(root))
        if item.id in seen:
            raise EvalError(f"{path}:{n}: duplicate id {item.id!r}")
        seen.add(item.id)
        items.append(item)
    if not items:
        raise EvalError(f"{path}: no questions")
    return items
