"""Latency and memory, per source, in one run: printed as one table.

Sources: the seed interview, the YouTube caption file, and an hour-long meeting (default
`../shared/devsets/qmsum-dev/Bmr026.txt`, 59 minutes). Each source is measured in a fresh process with a
fresh cache (the models' cache is shared): preparation (index, sentence vectors, the whole-transcript
state: for a long transcript this is `transcript-rag prepare`), then warm first token and answer, p50 and
p95, and the process's peak RSS. Then, on the seed: the one-shot `transcript-rag ask` wall time and peak RSS
(index already built), and `transcript-rag serve` from start to answering HTTP. Run with `make bench` or
`.venv/bin/python benchmarks/latency.py [--meeting FILE] [--skip-meeting]`.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent

SEED_QUESTIONS = ["What does Gigascale invest in?", "Which responsibilities stay at the core of the CTO job?",
                  "In what year did he start working on AI at Facebook?", "Why did Meta open-source PyTorch and Llama?",
                  "Did Meta keep buying off-the-shelf servers?", "How much money has Gigascale raised?"]
CAPTION_QUESTIONS = ["Which two example projects does the presenter point to?", "What is a tool augmented chatbot?",
                     "Which framework is used for the research agent?", "What does the Zapier demonstration show?",
                     "How does Gen AI relate to agentic AI?", "What is the name of the presenter's company?"]
MEETING_QUESTIONS = ["What did Grad E contribute to the discussion on storage disks?",
                     "Summarize the discussion about scheduling meetings going forward.",
                     "What did the professor think about scheduling meetings going forward?",
                     "What did the Professor say about the disks?", "What is discussed in the first five minutes?",
                     "What did the group decide about their holiday schedule?"]


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def one_source(path: str, questions: list[str], cache: str) -> dict:
    """In this process: prepare one source from a fresh cache, then ask its questions (warm)."""
    from rag.pipeline import Pipeline
    from rag.prepare import prepare, waiting
    from rag.settings import Settings

    settings = Settings.from_env(paths=(path,), cache_dir=Path(cache))
    started = time.perf_counter()
    pipeline = Pipeline(settings).load()
    for title in waiting(pipeline):
        prepare(pipeline, title, pipeline.llm)
    prepared = time.perf_counter() - started
    firsts, totals = [], []
    for q in questions:
        a = pipeline.ask(q)
        totals.append(a.timings_ms["total"] / 1000)
        if "first_token" in a.timings_ms:
            firsts.append(a.timings_ms["first_token"] / 1000)
    title = pipeline.transcripts[0].title
    return {"title": title, "tokens": pipeline.whole_tokens(title), "context": pipeline.context_for(None),
            "prepare_s": prepared, "first_p50": statistics.median(firsts), "first_p95": pct(firsts, 0.95),
            "answer_p50": statistics.median(totals), "answer_p95": pct(totals, 0.95), "asked": len(questions),
            "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def in_child(path: str, questions: list[str], cache: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--one", path, "--cache", cache, "--questions", json.dumps(questions)],
                         cwd=ROOT, capture_output=True, text=True)
    if out.returncode:
        sys.exit(f"measuring {path} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def one_shot(cache: str) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of `transcript-rag ask` on the seed, its index built (second of two runs)."""
    env = {**os.environ, "TRANSCRIPT_RAG_CACHE": cache}
    for _ in range(2):
        started = time.perf_counter()
        out = subprocess.run([str(BIN / "python"), "-c", "import resource, sys; from rag.cli import main; "
                              "code = main(sys.argv[1:]); "
                              "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr); sys.exit(code)",
                              "ask", "--source", "seeds/cto-ai-era.txt", SEED_QUESTIONS[0]],
                             cwd=ROOT, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - started
        if out.returncode:
            sys.exit(f"transcript-rag ask failed:\n{out.stderr[-3000:]}")
    return wall, int(out.stderr.strip().splitlines()[-1]) / 1024


def restart_to_ready(cache: str) -> float:
    """Seconds from `transcript-rag serve` to the app answering HTTP (seed, caches warm)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "TRANSCRIPT_RAG_CACHE": cache}
    started = time.perf_counter()
    server = subprocess.Popen([str(BIN / "transcript-rag"), "serve", "--source", "seeds/cto-ai-era.txt", "--port",
                               str(port)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.perf_counter() - started < 120:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/config", timeout=1)
                return time.perf_counter() - started
            except OSError:
                time.sleep(0.05)
        sys.exit("the web app did not answer within 120 s")
    finally:
        server.terminate()
        server.wait(30)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--meeting", default=str(ROOT.parent / "shared/devsets/qmsum-dev/Bmr026.txt"))
    ap.add_argument("--skip-meeting", action="store_true", help="leave out the hour-long meeting (its preparation "
                                                                 "takes 5-10 minutes)")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    ap.add_argument("--cache", help=argparse.SUPPRESS)
    ap.add_argument("--questions", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one_source(args.one, json.loads(args.questions), args.cache)))
        return 0
    sources = [("seed", "seeds/cto-ai-era.txt", SEED_QUESTIONS),
               ("captions", "tests/data/youtube-autocaptions-agentic-ai.vtt", CAPTION_QUESTIONS)]
    if not args.skip_meeting:
        if not Path(args.meeting).exists():
            sys.exit(f"{args.meeting} not found: pass --meeting FILE (a timed meeting of about an hour) or --skip-meeting")
        sources.append(("hour-long meeting", args.meeting, MEETING_QUESTIONS))
    print("| source | tokens | read as | preparation | first token p50 / p95 | answer p50 / p95 | peak RSS |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for name, path, questions in sources:
            r = in_child(path, questions, str(Path(tmp) / name))
            print(f"| {name} ({r['title']}, {r['asked']} questions) | {r['tokens']:,} | {r['context']} | "
                  f"{r['prepare_s']:.1f} s | {r['first_p50']:.2f} / {r['first_p95']:.2f} s | "
                  f"{r['answer_p50']:.2f} / {r['answer_p95']:.2f} s | {r['rss_mib'] / 1024:.2f} GB |", flush=True)
        wall, rss = one_shot(str(Path(tmp) / "seed"))
        ready = restart_to_ready(str(Path(tmp) / "seed"))
    print(f"\none-shot `transcript-rag ask` on the seed: {wall:.1f} s wall, peak RSS {rss / 1024:.2f} GB")
    print(f"`transcript-rag serve` to ready (seed): {ready:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
