"""The tables of a manifest run, per source with its dev and check halves apart, computed from saved rows.

A run writes one `<source>.jsonl` of rows per gold set and `summary.md` / `summary.json`. Every figure is
recomputed from the rows alone, so `rescore` can re-score a saved run after a metric is fixed, with no model.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from rag.errors import EvalError
from rag.eval.gold import HALVES
from rag.eval.metrics import percentile, score_point, summarize
from rag.eval.spanmetrics import score_span, span_summary

# (key, header, decimals) of each kind's table; a point set's figures are those of `report.md`, a span set's
# those of the QMSum scorer
POINT_COLUMNS = [("questions", "n", 0), ("answerable", "ans", 0), ("unanswerable", "unans", 0),
                 ("facts_right", "Facts", 2), ("token_f1", "F1", 2), ("citation_accuracy", "CiteAcc", 2),
                 ("citation_precision", "CitePrec", 2), ("false_abstention_rate", "FalseAbst", 2),
                 ("refusal_recall", "Refusals", 2), ("time_questions", "InWindow/TimeQ", 0)]
SPAN_COLUMNS = [("questions", "n", 0), ("answerable", "ans", 0), ("unanswerable", "unans", 0),
                ("cite_in_window", "cite_in_window", 3), ("cite_precision", "cite_precision", 3),
                ("rouge1_recall", "rouge1_recall", 3), ("rouge1_recall_answered", "rouge1_r_ans", 3),
                ("false_abstention", "false_abst", 3), ("refusals", "refusals", 3)]
COST_COLUMNS = [("calls_p50", "calls p50", 0), ("calls_max", "calls max", 0),
                ("time_p50_s", "time p50 s", 1), ("time_max_s", "time max s", 1)]


def kind_of(rows: Sequence[dict]) -> str:
    """The kind of gold a source's rows were scored on: "span" when they have gold windows, else "point"."""
    return "span" if rows and "windows" in rows[0] else "point"


def cost(rows: Sequence[dict]) -> dict:
    """Model calls per question and answer time (seconds): median and maximum.

    >>> cost([{"calls": 1, "total_ms": 900.0}, {"calls": 3, "total_ms": 4000.0}, {"calls": 2, "total_ms": None}])
    {'calls_p50': 2, 'calls_max': 3, 'time_p50_s': 0.9, 'time_max_s': 4.0}
    """
    calls = [r["calls"] for r in rows if r.get("calls") is not None]
    times = [r["total_ms"] / 1000 for r in rows if r.get("total_ms") is not None]
    return {"calls_p50": percentile(calls, 0.5), "calls_max": max(calls, default=None),
            "time_p50_s": percentile(times, 0.5), "time_max_s": max(times, default=None)}


def figures(rows: Sequence[dict]) -> dict:
    """Every figure of one set of rows: its kind's metrics, then model calls and answer time."""
    if kind_of(rows) == "span":
        out = {"questions": len(rows), **span_summary(rows)}
    else:
        out = summarize(rows)
        out["time_questions"] = f"{out['cited_in_window']}/{out['window_questions']}"
    return {**out, **cost(rows)}


def by_half(rows: Sequence[dict]) -> dict[str, dict]:
    """Figures of each half that has rows, then of all of them."""
    out = {h: figures([r for r in rows if r.get("half") == h]) for h in HALVES if any(r.get("half") == h for r in rows)}
    out["all"] = figures(rows)
    return out


def cell(value, decimals: int) -> str:
    """A figure as the tables print it: `decimals` places for a fraction, "–" for none.

    >>> cell(0.5, 3), cell(None, 2), cell(7, 0)
    ('0.500', '–', '7')
    """
    if value is None:
        return "–"
    return f"{value:.{decimals}f}" if isinstance(value, float) else str(value)


def source_table(name: str, info: dict) -> str:
    """One source's Markdown table: a heading, then a row per half and "all"."""
    columns = (SPAN_COLUMNS if info["kind"] == "span" else POINT_COLUMNS) + COST_COLUMNS
    lines = [f"### {name}: {info['kind']} gold, {info['qa']}", "",
             "| half | " + " | ".join(h for _, h, _ in columns) + " |", "|---" * (len(columns) + 1) + "|"]
    for half, f in info["halves"].items():
        lines.append(f"| {half} | " + " | ".join(cell(f.get(k), d) for k, _, d in columns) + " |")
    return "\n".join(lines)


def read_rows(path: Path) -> list[dict]:
    """The rows of one source's `.jsonl`.

    Raises:
        EvalError: naming the file and line of a row that is not JSON.
    """
    rows = []
    for n, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except ValueError as exc:
                raise EvalError(f"{path}:{n}: not a JSON row ({exc})") from None
    return rows


def write_summary(out_dir: Path, sources: dict[str, dict], meta: dict) -> str:
    """Write `summary.json` and `summary.md` and return the tables' text.

    Args:
        out_dir: the run's folder.
        sources: per source name, `{"kind", "qa", "halves"}` (`halves` as `by_half` gives them).
        meta: what the run was (model, flags, time).
    """
    text = "\n\n".join(source_table(name, info) for name, info in sources.items())
    (out_dir / "summary.json").write_text(json.dumps({"meta": meta, "sources": sources}, indent=1,
                                                     ensure_ascii=False))
    head = f"# Evaluation: {meta.get('model', '?')}, {meta.get('manifest', '?')}"
    (out_dir / "summary.md").write_text(f"{head}\n\n{text}\n")
    return text


def rescore(out_dir: Path, only: Sequence[str] = ()) -> str:
    """Re-score a saved manifest run from its rows (no model): every row's scores and every table are
    recomputed with today's metrics, the rows files and the summary rewritten.

    Raises:
        EvalError: when the folder holds no rows, or a name in `only` has none.
    """
    summary = out_dir / "summary.json"
    saved = json.loads(summary.read_text("utf-8")) if summary.is_file() else {"meta": {}, "sources": {}}
    names = list(saved["sources"]) or sorted(p.stem for p in out_dir.glob("*.jsonl"))
    missing = [n for n in (only or names) if not (out_dir / f"{n}.jsonl").is_file()]
    if not names or missing:
        raise EvalError(f"{out_dir}: no rows of {', '.join(missing) or 'any source'} "
                        "(a `transcript-rag eval --manifest ... --out DIR` run writes <source>.jsonl there)")
    sources = dict(saved["sources"])
    for name in only or names:
        path = out_dir / f"{name}.jsonl"
        rows = [score_span(r) if "windows" in r else score_point(r) for r in read_rows(path)]
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
        qa = saved["sources"].get(name, {}).get("qa", "?")
        sources[name] = {"kind": kind_of(rows), "qa": qa, "halves": by_half(rows)}
    return write_summary(out_dir, sources, {**saved["meta"], "rescored": True})
