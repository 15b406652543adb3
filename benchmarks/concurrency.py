"""Several users at once: N clients ask the running app's /ask API at the same moment.

The answer model is not re-entrant, so the app queues requests (concurrency 1). This measures what each
user waits and checks every one gets a cited answer rather than an error.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
QUESTIONS = ["What does Gigascale invest in?", "Which responsibilities stay at the core of the CTO job?",
             "In what year did he start working on AI at Facebook?", "Why did Meta open-source PyTorch and Llama?",
             "What does the key takeaway about supply chains say?"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=5)
    ap.add_argument("--model", default="qwen2.5-coder-1.5b")
    args = ap.parse_args()

    from gradio_client import Client

    from rag.pipeline import Pipeline
    from rag.settings import Settings
    from ui.app import launch

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    demo = launch(Pipeline(Settings.from_env(answer_model=args.model)).load(), port=port, block=False)
    url = f"http://127.0.0.1:{port}/"
    results: list[dict] = []
    lock = threading.Lock()

    def user(i: int) -> None:
        q = QUESTIONS[i % len(QUESTIONS)]
        t = time.perf_counter()
        try:
            answer = Client(url, verbose=False).predict(q, 4, api_name="/ask")
            ok, cited = True, bool(answer["citations"])
        except Exception as exc:  # a benchmark reports failures, it does not hide them
            ok, cited, answer = False, False, {"error": str(exc)}
        with lock:
            results.append({"user": i, "question": q, "seconds": time.perf_counter() - t, "ok": ok, "cited": cited})

    threads = [threading.Thread(target=user, args=(i,)) for i in range(args.users)]
    t0 = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - t0
    demo.close()
    results.sort(key=lambda r: r["seconds"])
    print(f"\nConcurrency benchmark — {args.users} users at once, model {args.model}\n")
    print("| user | question | waited (s) | ok | cited |\n|---|---|---|---|---|")
    for r in results:
        print(f"| {r['user']} | {r['question']} | {r['seconds']:.1f} | {r['ok']} | {r['cited']} |")
    waits = [r["seconds"] for r in results]
    print(f"\nall done in {wall:.1f}s; median wait {statistics.median(waits):.1f}s, longest {max(waits):.1f}s; "
          f"longest/shortest = {max(waits) / min(waits):.1f}; errors: {sum(not r['ok'] for r in results)}")
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
