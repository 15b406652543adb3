"""The gold set: questions with reference answers, gold evidence moments and answerability.

One JSON object per line:
`{"id": str, "question": str, "answer": str, "timestamps": ["hh:mm:ss", ...], "answerable": bool}`
and optionally `"follows": "<id>"` for a follow-up asked after that earlier question, and
`"facts": ["55|fifty-five", ...]`: the key facts a right answer states (alternatives split by "|";
see `rag.eval.metrics.fact_found`; "!x": x must not be stated, see `rag.eval.metrics.facts_right`).
Each question belongs to a fixed half, "dev" or "check" (`half_of`), so every gold set reports both.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from pathlib import Path

from rag.errors import EvalError
from rag.timecode import parse_time

HALVES = ("dev", "check")


def half_of(id: str) -> str:
    """The fixed half of a question without one of its own: "dev" when `zlib.crc32(id.encode()) % 2` is 0,
    else "check". The rule depends on the id alone, so a question keeps its half as the set grows.

    >>> half_of("q01"), half_of("q04")
    ('dev', 'check')
    """
    return HALVES[zlib.crc32(id.encode("utf-8")) % 2]


@dataclass(frozen=True)
class GoldItem:
    id: str
    question: str
    answer: str
    timestamps: tuple[str, ...]
    answerable: bool
    follows: str | None = None
    facts: tuple[str, ...] = ()

    @property
    def seconds(self) -> tuple[float, ...]:
        return tuple(parse_time(t) for t in self.timestamps)

    @property
    def half(self) -> str:
        """The question's half, "dev" or "check" (see `half_of`)."""
        return half_of(self.id)


def load_gold(path: str | Path) -> list[GoldItem]:
    """Read and validate a gold file.

    Raises:
        EvalError: naming the file and line of the first problem.
    """
    p = Path(path)
    if not p.is_file():
        raise EvalError(f"{path}: no such file")
    items: list[GoldItem] = []
    seen: set[str] = set()
    for n, line in enumerate(p.read_text("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{n}"
        try:
            row = json.loads(line)
        except ValueError as exc:
            raise EvalError(f"{where}: not JSON ({exc})") from None
        if not isinstance(row, dict):
            raise EvalError(f"{where}: expected a JSON object")
        for key, kind in (("id", str), ("question", str), ("answer", str), ("timestamps", list), ("answerable", bool)):
            if not isinstance(row.get(key), kind):
                raise EvalError(f"{where}: field {key!r} must be a {kind.__name__}")
        for t in row["timestamps"]:
            try:
                parse_time(str(t))
            except ValueError as exc:
                raise EvalError(f"{where}: bad timestamp {t!r}: {exc}") from None
        if row["answerable"] and not row["timestamps"]:
            raise EvalError(f"{where}: an answerable question needs at least one gold timestamp")
        if row["id"] in seen:
            raise EvalError(f"{where}: duplicate id {row['id']!r}")
        follows = row.get("follows")
        if follows is not None and follows not in seen:
            raise EvalError(f"{where}: 'follows' names {follows!r}, which must appear on an earlier line")
        facts = row.get("facts", [])
        if not isinstance(facts, list) or not all(isinstance(f, str) and f.strip("| ") for f in facts):
            raise EvalError(f"{where}: 'facts' must be a list of non-empty strings")
        if facts and not row["answerable"]:
            raise EvalError(f"{where}: an unanswerable question has no facts")
        seen.add(row["id"])
        items.append(GoldItem(row["id"], row["question"], row["answer"], tuple(row["timestamps"]),
                              row["answerable"], follows, tuple(facts)))
    if not items:
        raise EvalError(f"{path}: no questions")
    return items
