"""Engines side by side on the same gold questions: speed, memory, cold start and answer quality.

Each configuration runs in its own process (so its peak memory is its own): start → ready, the first
answer, then every gold question through the real pipeline and the evaluation's metrics. Configurations:

    transformers  transformers fp32, top-k retrieval (the previous default)
    retrieve      llama.cpp, top-k retrieval
    whole-cold    llama.cpp, whole transcript as prefix, no saved state (pays the prefill at start)
    whole-warm    llama.cpp, whole transcript, state restored from disk (a restart)
    small         whole-warm with the 0.5B model

Run: `.venv/bin/python benchmarks/engines.py [--configs retrieve,whole-warm] [--limit N] [--qa FILE]`.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CONFIGS = {
    "transformers": {"engine": "transformers", "context": "retrieve"},
    "retrieve": {"engine": "llama-cpp", "context": "retrieve"},
    "whole-cold": {"engine": "llama-cpp", "context": "whole", "fresh_state": True},
    "whole-warm": {"engine": "llama-cpp", "context": "whole"},
    "small": {"engine": "llama-cpp", "context": "whole", "answer_model": "qwen2.5-coder-0.5b"},
}
METRICS = [("token_f1", "F1"), ("citation_accuracy", "CiteAcc"), ("citation_precision", "CitePrec"),
           ("refusal_f1", "RefF1"), ("false_abstention_rate", "FalseAbst")]


def run_one(name: str, qa: str, limit: int | None, state_dir: Path) -> dict:
    """Measure one configuration in this process and return its figures."""
    t0 = time.perf_counter()
    from rag.eval.gold import load_gold
    from rag.eval.runner import EvalConfig, evaluate, summarize
    from rag.pipeline import Pipeline
    from rag.settings import Settings

    spec = dict(CONFIGS[name])
    fresh = spec.pop("fresh_state", False)
    base = Settings.from_env(**spec)
    settings = base.with_(cache_dir=state_dir, model_cache=base.models_dir)
    if fresh:
        shutil.rmtree(state_dir / "prefix-states", ignore_errors=True)
    pipeline = Pipeline(settings).load()
    ready = time.perf_counter() - t0
    first = pipeline.ask("What does Gigascale invest in?")
    first_answer = time.perf_counter() - t0
    gold = load_gold(qa)[:limit]
    rows = evaluate(pipeline, gold, EvalConfig(settings.retrieval, settings.top_k, settings.context), progress=False)
    summary = summarize(rows)
    speeds = []
    for r in rows:
        if r.get("raw") and r.get("ttft_ms") is not None:
            tokens = pipeline.llm.count_tokens(r["raw"])
            decode_s = (r["total_ms"] - r["ttft_ms"]) / 1000
            if tokens > 4 and decode_s > 0:
                speeds.append((tokens - 1) / decode_s)
    return {"config": name, "engine": pipeline.llm.name, "ready_s": ready, "first_answer_s": first_answer,
            "first_answer_cited": [c.timestamp for c in first.citations],
            "decode_tok_s": statistics.median(speeds) if speeds else None,
            "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "questions": len(rows), **summary}


def table(results: list[dict]) -> str:
    head = ["config", "engine", "ready s", "1st answer s", "TTFT p50 ms", "TTFT p95 ms", "total p50 ms",
            "total p95 ms", "decode tok/s", "peak RSS MiB"] + [short for _, short in METRICS]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results:
        cells = [r["config"], r["engine"], f"{r['ready_s']:.1f}", f"{r['first_answer_s']:.1f}",
                 f"{r['ttft_p50_ms']:.0f}", f"{r['ttft_p95_ms']:.0f}", f"{r['total_p50_ms']:.0f}",
                 f"{r['total_p95_ms']:.0f}", f"{r['decode_tok_s']:.1f}" if r["decode_tok_s"] else "-",
                 f"{r['peak_rss_mib']:.0f}"]
        cells += [f"{r[key]:.2f}" if r.get(key) is not None else "-" for key, _ in METRICS]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--configs", default=",".join(CONFIGS), help=f"comma-separated, from: {', '.join(CONFIGS)}")
    ap.add_argument("--qa", default=str(ROOT / "seeds" / "qa.jsonl"))
    ap.add_argument("--limit", type=int, help="only the first N gold questions")
    ap.add_argument("--out", help="also write the figures as JSON here")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    ap.add_argument("--state-dir", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.qa, args.limit, Path(args.state_dir))))
        return 0
    names = [n.strip() for n in args.configs.split(",") if n.strip()]
    unknown = [n for n in names if n not in CONFIGS]
    if unknown:
        ap.error(f"unknown configuration(s): {', '.join(unknown)}")
    results = []
    with tempfile.TemporaryDirectory() as tmp:  # one cache for all, so whole-warm finds whole-cold's state
        for name in names:
            print(f"running {name} ...", file=sys.stderr, flush=True)
            cmd = [sys.executable, __file__, "--one", name, "--qa", args.qa, "--state-dir", tmp]
            if args.limit:
                cmd += ["--limit", str(args.limit)]
            out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
            if out.returncode != 0:
                print(f"{name} failed:\n{out.stderr[-2000:]}", file=sys.stderr)
                continue
            results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(table(results))
    by = {r["config"]: r for r in results}
    if "transformers" in by and "whole-warm" in by:
        print(f"\nspeed-up of whole-warm over transformers: total p50 "
              f"{by['transformers']['total_p50_ms'] / by['whole-warm']['total_p50_ms']:.1f}x, first token "
              f"{by['transformers']['ttft_p50_ms'] / by['whole-warm']['ttft_p50_ms']:.1f}x")
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
