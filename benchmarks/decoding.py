"""Prompt-lookup decoding against plain greedy decoding, on the same prompts, in one process.

For each question of a gold set, the first look's prompt (the whole transcript, or the passages search finds)
is answered twice by the packaged model: one token at a time, then guessing up to `--draft` tokens ahead from
the context (`rag.engines.lookup`). Printed: the time to the end of each reply, the tokens per second, the
ratio, and how many replies came out word for word the same. Run with
`.venv/bin/python benchmarks/decoding.py [--qa seeds/qa.jsonl] [--source seeds/cto-ai-era.txt] [--limit 12]`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--qa", default=str(ROOT / "seeds" / "qa.jsonl"))
    parser.add_argument("--source", default=str(ROOT / "seeds" / "cto-ai-era.txt"))
    parser.add_argument("--limit", type=int, default=12)
    parser.add_argument("--draft", type=int, default=8)
    args = parser.parse_args()

    from rag.forms import asked
    from rag.pipeline import Pipeline
    from rag.plan import read_question
    from rag.settings import Settings

    pipeline = Pipeline(Settings.from_env(paths=(args.source,))).load()
    llm = pipeline.llm
    questions = [json.loads(line)["question"] for line in open(args.qa, encoding="utf-8") if line.strip()][: args.limit]
    rows, same = [], 0
    for q in questions:
        plan = read_question(q, pipeline.transcripts, q)
        hits = pipeline.retrieve(plan.searched, 2 * pipeline.settings.top_k)
        look = pipeline.looks(plan, hits, pipeline.context_for(None), None, pipeline.settings.top_k)[0]
        messages = pipeline._messages(plan, look, None, [])
        timed = {}
        for draft in (0, args.draft):
            llm.draft_max = draft
            t0 = time.perf_counter()
            reply = "".join(llm.generate(messages, cached_prefix=1))
            timed[draft] = (reply, time.perf_counter() - t0, llm.count_tokens(reply) if reply else 0)
        (plain, t_plain, n), (guessed, t_guessed, _) = timed[0], timed[args.draft]
        same += plain == guessed
        rows.append((t_plain, t_guessed, n))
        print(f"{t_plain:6.2f} s -> {t_guessed:6.2f} s  {n:3d} tokens  {'same' if plain == guessed else 'differs'}  {q[:60]}")
    plain_s, guessed_s = sum(r[0] for r in rows), sum(r[1] for r in rows)
    tokens = sum(r[2] for r in rows)
    print(f"\n{len(rows)} prompts ({pipeline.context_for(None)}), {tokens} reply tokens: plain {plain_s:.1f} s, "
          f"lookup {guessed_s:.1f} s, ratio {plain_s / guessed_s:.2f}x; per reply p50 "
          f"{statistics.median(r[0] for r in rows):.2f} s -> {statistics.median(r[1] for r in rows):.2f} s; "
          f"the same reply word for word: {same} of {len(rows)}")


if __name__ == "__main__":
    main()
