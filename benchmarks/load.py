"""Load test: N simulated users keep asking the web app's HTTP API for a while.

It starts `transcript-rag serve` in the default configuration as a separate process on 127.0.0.1 (or uses
`--url`, which must be a loopback address), then every user loops: take the next question of the gold set,
ask `/ask` through gradio_client, wait for the answer while watching the queue position the server reports,
check the answer. Loops are bounded by the duration and by `--max-requests` per user.

Reported: requests, failed requests, answers that are neither cited nor an abstention, p50/p95/max wait,
the highest queue position a waiting user was told, and the peak resident memory of the server process.

    .venv/bin/python benchmarks/load.py                      # 20 users, 300 s: the figures in the README
    .venv/bin/python benchmarks/load.py --users 3 --duration 30
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def memory_kb(pid: int, field: str) -> int:
    """`VmRSS` (now) or `VmHWM` (peak so far) of a process, in kB; 0 when unavailable."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def start_server(port: int, model: str | None, timeout: float) -> subprocess.Popen:
    """`transcript-rag serve` on 127.0.0.1:port, returned once it answers HTTP."""
    import httpx

    cmd = [sys.executable, "-m", "rag", "serve", "--host", "127.0.0.1", "--port", str(port)]
    if model:
        cmd += ["--model", model]
    server = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=sys.stderr)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with code {server.returncode} while starting")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/config", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(1)
    server.kill()
    raise SystemExit(f"the server did not answer within {timeout:.0f} s")


def well_formed(answer: dict) -> bool:
    """Cited (every shown sentence carries a citation) or an abstention without citations."""
    if answer.get("abstained"):
        return not answer.get("citations")
    shown = [s for s in answer.get("sentences", []) if s.get("supported")]
    return bool(answer.get("citations")) and bool(shown) and all(s.get("citations") for s in shown)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


def user(number: int, url: str, questions: list[str], k: int, end: float, max_requests: int,
         results: list[dict], lock: threading.Lock) -> None:
    """One simulated user: ask, wait (watching the queue position), check, repeat until the time is up."""
    from gradio_client import Client
    from gradio_client.utils import Status

    client = Client(url, verbose=False)
    for i in range(max_requests):
        if time.monotonic() >= end:
            break
        question = questions[(number * 7 + i) % len(questions)]
        t0 = time.monotonic()
        row = {"user": number, "question": question, "ok": False, "well_formed": False, "rank": None}
        try:
            job = client.submit(question, k, api_name="/ask")
            while not job.done():
                status = job.status()
                if status.code == Status.IN_QUEUE and status.rank is not None:  # rank 0: next in line
                    row["rank"] = max(row["rank"] or 0, status.rank + 1)
                time.sleep(0.5)
            answer = job.result()
            row.update(ok=True, well_formed=well_formed(answer), abstained=bool(answer.get("abstained")))
        except Exception as exc:  # a load test reports failures, it does not hide them
            row["error"] = f"{type(exc).__name__}: {exc}"[:200]
        row["seconds"] = time.monotonic() - t0
        with lock:
            results.append(row)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--duration", type=float, default=300.0, help="seconds during which users start questions")
    ap.add_argument("--url", help="an already running app on a loopback address (default: start one)")
    ap.add_argument("--model", help="answer model for the started server (default: the default model)")
    ap.add_argument("--questions", default=str(ROOT / "seeds" / "qa.jsonl"), help="JSONL with 'question' fields")
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--max-requests", type=int, default=1000, help="per user, a bound on the loop")
    ap.add_argument("--startup-timeout", type=float, default=900.0)
    ap.add_argument("--json", metavar="FILE", help="also write every request as JSON here")
    args = ap.parse_args()
    if args.users < 1 or args.duration <= 0:
        ap.error("--users must be at least 1 and --duration positive")
    if args.url and urlparse(args.url).hostname not in LOOPBACK:
        ap.error("--url must be a loopback address (127.0.0.1 or localhost): this tool only loads your own machine")

    questions = [json.loads(line)["question"] for line in Path(args.questions).read_text("utf-8").splitlines()
                 if line.strip()]
    server = None
    t_start = time.monotonic()
    if args.url:
        url = args.url
    else:
        port = free_port()
        server = start_server(port, args.model, args.startup_timeout)
        url = f"http://127.0.0.1:{port}/"
        print(f"server ready in {time.monotonic() - t_start:.0f} s (pid {server.pid})", file=sys.stderr)
    rss_peak_during = 0
    results: list[dict] = []
    lock = threading.Lock()
    end = time.monotonic() + args.duration
    threads = [threading.Thread(target=user, args=(i, url, questions, args.k, end, args.max_requests, results, lock),
                                daemon=True) for i in range(args.users)]
    t0 = time.monotonic()
    for th in threads:
        th.start()
    while any(th.is_alive() for th in threads) and time.monotonic() < end + 1800:  # in-flight answers finish
        if server:
            rss_peak_during = max(rss_peak_during, memory_kb(server.pid, "VmRSS"))
        time.sleep(1)
    wall = time.monotonic() - t0
    peak_kb = memory_kb(server.pid, "VmHWM") if server else 0
    if server:
        server.terminate()
        server.wait(timeout=60)

    waits = [r["seconds"] for r in results if r["ok"]]
    failed = [r for r in results if not r["ok"]]
    malformed = [r for r in results if r["ok"] and not r["well_formed"]]
    ranks = [r["rank"] for r in results if r["rank"] is not None]
    print(f"\nLoad test: {args.users} users for {args.duration:.0f} s against {url} "
          f"({'started here' if server else 'given'}), questions from {Path(args.questions).name}, k={args.k}\n")
    print("| figure | value |\n|---|---|")
    print(f"| requests answered / sent | {len(waits)} / {len(results)} |")
    print(f"| failed requests | {len(failed)} |")
    print(f"| answers neither cited nor abstained | {len(malformed)} |")
    print(f"| abstentions | {sum(1 for r in results if r.get('abstained'))} |")
    if waits:
        print(f"| wait p50 / p95 / max (s) | {statistics.median(waits):.1f} / {percentile(waits, 0.95):.1f} / "
              f"{max(waits):.1f} |")
        print(f"| throughput (answers per minute) | {len(waits) / wall * 60:.1f} |")
    print(f"| highest place in the queue shown to a waiting user (1: next) | {max(ranks) if ranks else 'none seen'} |")
    if server:
        print(f"| server peak RSS, whole run / during the load (GB) | {peak_kb / 2**20:.2f} / "
              f"{rss_peak_during / 2**20:.2f} |")
    print(f"| wall time of the load (s) | {wall:.0f} |")
    for r in failed[:5]:
        print(f"failed: user {r['user']}: {r.get('error')}", file=sys.stderr)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return 0 if not failed and not malformed else 1


if __name__ == "__main__":
    raise SystemExit(main())
