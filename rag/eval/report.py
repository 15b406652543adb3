"""Write the evaluation as `report.json` (everything), `report.md` (summary) and `report.html` (plots)."""

from __future__ import annotations

import base64
import html
import io
import json
from pathlib import Path

COLUMNS = [
    ("recall@1", "R@1"), ("recall@3", "R@3"), ("recall@5", "R@5"), ("mrr", "MRR"),
    ("facts_right", "Facts"), ("token_f1", "F1"), ("similarity", "Sim"), ("citation_accuracy", "CiteAcc"),
    ("citation_precision", "CitePrec"), ("model_marker_accuracy", "ModelMarks"), ("sentence_support", "Support"),
    ("cited_in_window", "InWindow"), ("window_questions", "TimeQ"),
    ("refusal_precision", "RefP"), ("refusal_recall", "RefR"), ("refusal_f1", "RefF1"),
    ("false_abstention_rate", "FalseAbst"), ("answered_pct", "Answered%"),
    ("ttft_p50_ms", "TTFT p50"), ("ttft_p95_ms", "TTFT p95"), ("total_p50_ms", "Total p50"), ("total_p95_ms", "Total p95"),
]
PLOTTED = ["recall@3", "mrr", "facts_right", "token_f1", "similarity", "citation_accuracy", "citation_precision",
           "sentence_support", "refusal_f1", "false_abstention_rate"]


def fmt(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.0f}" if abs(value) >= 100 else f"{value:.2f}"
    return str(value)


def summary_table(summaries: dict[str, dict]) -> str:
    """A Markdown table: one row per configuration."""
    head = "| config | " + " | ".join(short for _, short in COLUMNS) + " |"
    rule = "|---" * (len(COLUMNS) + 1) + "|"
    rows = [f"| {name} | " + " | ".join(fmt(s.get(key)) for key, _ in COLUMNS) + " |" for name, s in summaries.items()]
    return "\n".join([head, rule, *rows])


def what_went_wrong(r: dict) -> str:
    """Why a question counts as wrong ("" when it went right): the first failure of refusal, facts, citation."""
    if not r["answerable"]:
        return "answered an unanswerable question" if not r["abstained"] else ""
    if r["abstained"]:
        return "wrong refusal"
    if r.get("facts_right") is False:
        return "facts missing"
    return "" if r["cites_gold"] else "no gold moment cited"


def worst(rows: list[dict], n: int | None = 8) -> list[dict]:
    """The questions that went wrong (all of them when `n` is None): wrong abstentions and answered
    unanswerables first, then missing facts, lowest F1 and missed citations."""
    def badness(r):
        if not r["answerable"]:
            return 2.0 if not r["abstained"] else 0.0
        return ((1.5 if r["abstained"] else 0.0) + (0.5 if r.get("facts_right") is False else 0.0)
                + (1 - r["token_f1"]) + (0.0 if r["cites_gold"] else 0.5))
    ranked = sorted(rows, key=badness, reverse=True)
    return [r for r in ranked if what_went_wrong(r)][:n] if n is None else ranked[:n]


def _figure_png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def plots(results: dict[str, dict]) -> list[tuple[str, str]]:
    """(title, base64 PNG) for the metric bars and the latency distribution."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    names = list(results)
    fig, ax = plt.subplots(figsize=(11, 4))
    width = 0.8 / len(names)
    x = np.arange(len(PLOTTED))
    for i, name in enumerate(names):
        vals = [results[name]["summary"].get(k) or 0.0 for k in PLOTTED]
        ax.bar(x + i * width, vals, width, label=name)
    ax.set_xticks(x + width * (len(names) - 1) / 2, PLOTTED, rotation=30, ha="right")
    ax.set_ylim(0, 1.05)
    ax.set_title("Metrics per configuration (higher is better, except false_abstention_rate)")
    ax.legend()
    out = [("Metrics per configuration", _figure_png(fig))]
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(11, 3.5))
    for name in names:
        totals = [r["total_ms"] / 1000 for r in results[name]["rows"] if r["total_ms"] is not None]
        ttft = [r["ttft_ms"] / 1000 for r in results[name]["rows"] if r["ttft_ms"] is not None]
        ax.hist(totals, bins=20, alpha=0.5, label=f"{name} total")
        ax.hist(ttft, bins=20, alpha=0.5, label=f"{name} first token")
    ax.set_xlabel("seconds")
    ax.set_ylabel("questions")
    ax.set_title("Latency distribution")
    ax.legend(fontsize=8)
    out.append(("Latency distribution", _figure_png(fig)))
    plt.close(fig)
    return out


def question_table_html(rows: list[dict]) -> str:
    e = html.escape
    out = ["<table><tr><th>id</th><th>question</th><th>answer</th><th>citations</th><th>gold</th><th>verdict</th><th>F1</th></tr>"]
    for r in rows:
        cites = "<br>".join(f"<b>[{e(c['timestamp'])}]</b> {e(c['text'])}" for c in r["citations"])
        cls = "abst" if r["abstained"] else ("miss" if r["answerable"] and not r.get("cites_gold") else "")
        out.append(f'<tr class="{cls}"><td>{e(r["id"])}</td><td>{e(r["question"])}</td><td>{e(r["answer"])}</td>'
                   f'<td>{cites}</td><td>{e(", ".join(r["gold"])) or "unanswerable"}</td>'
                   f'<td>{e(what_went_wrong(r) or "right")}</td><td>{fmt(r.get("token_f1"))}</td></tr>')
    out.append("</table>")
    return "\n".join(out)


def write_reports(out_dir: Path, results: dict[str, dict], meta: dict) -> list[Path]:
    """Write the three report files; `results[config] = {"summary": {...}, "rows": [...]}`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    summaries = {name: r["summary"] for name, r in results.items()}
    paths = [out_dir / "report.json", out_dir / "report.md", out_dir / "report.html"]
    paths[0].write_text(json.dumps({"meta": meta, "results": results}, indent=2, ensure_ascii=False))
    md = [f"# Evaluation — model {meta['model']}, {meta['questions']} questions from {meta['qa']}", "",
          summary_table(summaries), ""]
    for name, r in results.items():
        md += [f"## Questions that went wrong — {name}", "", "| id | what | question | answer | gold | cited |",
               "|---|---|---|---|---|---|"]
        for w in worst(r["rows"], None):
            cited = ", ".join(c["timestamp"] for c in w["citations"]) or "–"
            md.append(f"| {w['id']} | {what_went_wrong(w)} | {w['question']} | {w['answer'].replace('|', '/')} | "
                      f"{', '.join(w['gold']) or 'unanswerable'} | {cited} |")
        md.append("")
    paths[1].write_text("\n".join(md))
    images = "".join(f'<h2>{html.escape(t)}</h2><img alt="{html.escape(t)}" src="data:image/png;base64,{b64}">'
                     for t, b64 in plots(results))
    tables = "".join(f"<h2>Questions — {html.escape(name)}</h2>{question_table_html(r['rows'])}"
                     for name, r in results.items())
    summary_rows = "".join(
        f"<tr><td>{html.escape(name)}</td>" + "".join(f"<td>{fmt(s.get(k))}</td>" for k, _ in COLUMNS) + "</tr>"
        for name, s in summaries.items())
    paths[2].write_text(f"""<!doctype html><html><head><meta charset="utf-8"><title>Evaluation report</title>
<style>body{{font-family:sans-serif;margin:24px}} table{{border-collapse:collapse;font-size:13px}}
td,th{{border:1px solid #ccc;padding:4px;vertical-align:top}} tr.abst{{background:#fff6e0}} tr.miss{{background:#fde8e8}}
img{{max-width:100%}}</style></head><body>
<h1>Evaluation — model {html.escape(meta['model'])}</h1>
<p>{meta['questions']} questions from {html.escape(meta['qa'])}; run took {meta['seconds']:.0f} s.
Definitions of every metric are in the project README.</p>
<table><tr><th>config</th>{''.join(f'<th>{html.escape(s)}</th>' for _, s in COLUMNS)}</tr>{summary_rows}</table>
{images}{tables}</body></html>""")
    return paths
