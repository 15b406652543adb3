"""Answer a manifest's questions again from the model replies a saved run recorded (`eval --manifest --replay DIR`).

A `--manifest` run keeps, in each row of `DIR/<source>.jsonl`, every reply the model gave for that question
(`replies`, in call order). A replay feeds them back call by call, so the answer path (verification, the
answer checks, the retry policy) runs again in seconds with no model. Switching a check off can only make an
answer be accepted at an earlier call, so an ablation reads a prefix of the recorded replies; a call the
recording does not have (the "floor" check off, or a recorded question cut short by `answer_seconds`) is asked
of the real model and counted, or, strictly, fails (`rag.eval.replay.refuse_unrecorded`).

A replay decides "whole transcript or passages" as the recorded run did (each row's `strategy`); rows from
before it was recorded fall back to the settings' own choice, which without the model's tokenizer is a
character estimate: give `--context` when a transcript is near `whole_max_tokens`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rag.errors import EvalError
from rag.eval.replay import Beyond, ReplayGenerator
from rag.eval.tables import read_rows


@dataclass(frozen=True)
class Recording:
    """A saved manifest run's rows, per source name and question id, and the model that answered them."""

    folder: Path
    model: str
    rows: dict[str, dict[str, dict]]

    def check(self, name: str, ids: Sequence[str]) -> None:
        """Fail before any question is answered when the recording lacks one of these questions.

        Raises:
            EvalError: naming the source, its rows file and the missing question ids.
        """
        missing = [i for i in ids if i not in self.rows[name]]
        if missing:
            raise EvalError(f"{self.folder / (name + '.jsonl')}: no recorded row for {len(missing)} question(s) "
                            f"({', '.join(missing[:5])}{', ...' if len(missing) > 5 else ''}); replay a run that "
                            "answered them (the same or a wider --half, --limit and --only)")

    def replay(self, name: str, beyond: Beyond | None) -> SourceReplay:
        """The replay of one source's questions; `beyond` answers the calls the recording does not have."""
        replies = {i: list(r["replies"]) for i, r in self.rows[name].items()}
        return SourceReplay(self.rows[name], ReplayGenerator(replies, self.model, beyond))


def load_recording(folder: str | Path, names: Sequence[str]) -> Recording:
    """The rows of these sources of a saved `--manifest` run (and its model, from `summary.json`).

    Raises:
        EvalError: when the folder has no rows for a source, or a row has no recorded replies.
    """
    folder = Path(folder)
    rows: dict[str, dict[str, dict]] = {}
    for name in names:
        path = folder / f"{name}.jsonl"
        if not path.is_file():
            raise EvalError(f"{folder}: no rows of source {name!r} ({path.name}); --replay takes the --out folder "
                            "of a `transcript-rag eval --manifest` run")
        rows[name] = {}
        for row in read_rows(path):
            if not isinstance(row.get("replies"), list):
                raise EvalError(f"{path}: the row of question {row.get('id')!r} has no recorded replies (a run "
                                "from before replies were kept cannot be replayed; run it again)")
            rows[name][row["id"]] = row
    summary = folder / "summary.json"
    meta = json.loads(summary.read_text("utf-8")).get("meta", {}) if summary.is_file() else {}
    return Recording(folder, str(meta.get("model", "?")), rows)


class SourceReplay:
    """One source's replay: `llm` gives the recorded replies of the question `before(item)` selects, and
    `finish(row)` marks each new row as replayed, with every reply known for its question."""

    def __init__(self, rows: dict[str, dict], llm: ReplayGenerator):
        self.rows = rows
        self.llm = llm

    def before(self, item) -> None:
        self.llm.select(item.id)

    def strategy(self, transcript: str) -> str | None:
        """ "whole" or "retrieve", as the recorded run decided for this transcript (file name); None when
        its rows do not say."""
        return next((r["strategy"] for r in self.rows.values()
                     if r.get("strategy") and r.get("source", transcript) == transcript), None)

    def finish(self, row: dict) -> None:
        # the recorded replies stay with the row (an ablation reads a prefix of them), then any asked live:
        # a replayed run can be replayed in turn
        recorded = self.rows[row["id"]]["replies"]
        row["replies"] = recorded + row.get("replies", [])[len(recorded):]
        row["replayed"] = True
        row["live_calls"] = self.llm.unrecorded.get(row["id"], 0)

    def live(self) -> dict:
        """The questions that needed calls the recording did not have, and how many calls."""
        return {"questions": len(self.llm.unrecorded), "calls": sum(self.llm.unrecorded.values())}


def live_line(name: str, live: dict) -> str:
    """The line a replay prints per source.

    >>> live_line("qmsum", {"questions": 2, "calls": 3})
    'qmsum: 2 questions needed 3 live calls'
    """
    return f"{name}: {live['questions']} questions needed {live['calls']} live calls"
