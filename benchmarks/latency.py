"""Latency and memory of the whole path, printed as a table.

Measures: cold start (a fresh process from start to ready, models and index loaded), index build
(fresh cache, seed sources), retrieval p50/p95, time to first token, decode speed, total per answer,
and peak resident memory. Run with `make bench` or `.venv/bin/python benchmarks/latency.py --help`.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUESTIONS = [
    "What does Gigascale invest in?",
    "Which responsibilities stay at the core of the CTO job?",
    "In what year did he start working on AI at Facebook?",
    "What does the key takeaway about supply chains say?",
    "Why did Meta open-source PyTorch and Llama?",
    "How much money has Gigascale raised?",
    # yes/no: one more short model call for the verdict (its instructions are evaluated by the first only)
    "Did Meta keep buying off-the-shelf servers?",
    "Did Meta open-source Llama?",
    "Does Gigascale invest in climate technology?",
]

LONG_QUESTIONS = [
    "Which two example projects does the presenter point to?",
    "What is a tool augmented chatbot?",
    "Which framework is used for the research agent?",
    "What does the Zapier demonstration show?",
    "How does Gen AI relate to agentic AI?",
    "What is the name of the presenter's company?",
]

COLD_START = """
import json, sys, time
t0 = float(sys.argv[1])
from rag.pipeline import Pipeline
from rag.settings import Settings
p = Pipeline(Settings.from_env(answer_model=sys.argv[2], engine=sys.argv[3], context=sys.argv[4])).load()
ready = time.time()
p.ask("What does Gigascale invest in?")
print(json.dumps({"ready_s": ready - t0, "first_answer_s": time.time() - t0}))
"""


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="qwen2.5-coder-1.5b")
    ap.add_argument("--engine", default="llama-cpp", choices=["llama-cpp", "transformers"])
    ap.add_argument("--context", default="auto", choices=["auto", "whole", "retrieve"])
    ap.add_argument("--hours", type=float, help="instead of the seed, a long caption transcript of this many hours "
                                                "(the YouTube fixture repeated; questions about agentic AI)")
    ap.add_argument("--retrieval-runs", type=int, default=200)
    args = ap.parse_args()

    from rag.corpus import build_index
    from rag.embedder import SentenceTransformerEmbedder
    from rag.pipeline import Pipeline
    from rag.settings import Settings

    rows: list[tuple[str, str]] = []
    if not args.hours:  # the cold start is of the default setup (the seed)
        t0 = time.time()
        out = subprocess.run([sys.executable, "-c", COLD_START, str(t0), args.model, args.engine, args.context],
                             cwd=ROOT, capture_output=True, text=True, check=True)
        cold = json.loads(out.stdout.strip().splitlines()[-1])
        child_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        rows += [("cold start: process start → ready (s)", f"{cold['ready_s']:.1f}"),
                 ("cold start: process start → first answer (s)", f"{cold['first_answer_s']:.1f}"),
                 ("peak RSS of that process (MiB)", f"{child_rss:.0f}")]

    questions = QUESTIONS
    with tempfile.TemporaryDirectory() as tmp:
        paths = None
        if args.hours:
            from benchmarks.indexing import make_long_vtt

            paths = (str(make_long_vtt(args.hours, Path(tmp))),)
            questions = LONG_QUESTIONS
        base = Settings.from_env(answer_model=args.model, engine=args.engine, context=args.context, paths=paths)
        settings = base.with_(cache_dir=Path(tmp), model_cache=base.models_dir)
        embedder = SentenceTransformerEmbedder().load()
        t = time.perf_counter()
        index = build_index(settings, embedder)
        rows.append((f"index build, {len(index.chunks)} chunks, fresh cache (s)", f"{time.perf_counter() - t:.2f}"))
        t = time.perf_counter()
        build_index(settings, embedder)
        rows.append(("index load from cache (s)", f"{time.perf_counter() - t:.3f}"))
        pipeline = Pipeline(settings, embedder=embedder, index=index).load()
        lat = []
        for i in range(args.retrieval_runs):
            t = time.perf_counter()
            pipeline.retrieve(questions[i % len(questions)])
            lat.append((time.perf_counter() - t) * 1000)
        rows += [("retrieval p50 (ms)", f"{statistics.median(lat):.1f}"), ("retrieval p95 (ms)", f"{pct(lat, 0.95):.1f}")]
        ttft, totals, speeds = [], [], []
        for q in questions:
            a = pipeline.ask(q)
            if "first_token" not in a.timings_ms:
                continue  # abstained before generation
            ttft.append(a.timings_ms["first_token"])
            totals.append(a.timings_ms["total"])
            tokens = pipeline.llm.count_tokens(a.raw)
            decode_s = (a.timings_ms["retrieve"] + a.timings_ms["generate"] - a.timings_ms["first_token"]) / 1000
            if tokens > 1 and decode_s > 0:
                speeds.append((tokens - 1) / decode_s)
        rows += [("time to first token p50 (ms)", f"{statistics.median(ttft):.0f}"),
                 ("decode speed median (tokens/s)", f"{statistics.median(speeds):.1f}"),
                 ("total per answer p50 (ms)", f"{statistics.median(totals):.0f}"),
                 ("total per answer max (ms)", f"{max(totals):.0f}")]
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows.append(("peak RSS of this benchmark process (MiB)", f"{rss:.0f}"))
    width = max(len(r[0]) for r in rows)
    print(f"\nLatency benchmark — model {args.model}, engine {args.engine}, context {args.context}, "
          f"{'%g-hour captions' % args.hours if args.hours else 'seed'}, {len(questions)} questions\n")
    print(f"| {'measure'.ljust(width)} | value |\n|{'-' * (width + 2)}|-------|")
    for name, value in rows:
        print(f"| {name.ljust(width)} | {value} |")
    print(f"\nratio first token / total answer: {statistics.median(ttft) / statistics.median(totals):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
