"""The `transcript-rag eval` command: its flags, and the runs of a gold set or of a manifest of them."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

def add_eval_parser(sub) -> None:
    """The `eval` command's flags."""
    ev = sub.add_parser("eval", help="score answer quality against gold sets and write reports")
    which = ev.add_mutually_exclusive_group()
    which.add_argument("--manifest", metavar="FILE.json",
                       help="run every gold set it names, each over its own transcripts (evalsets/manifest.json)")
    which.add_argument("--qa", metavar="FILE.jsonl", help="one gold set over --source (see README for the schema)")
    ev.add_argument("--rescore", metavar="DIR",
                    help="recompute the rows' scores and the tables of a saved --manifest run (no model)")
    ev.add_argument("--only", nargs="+", action="extend", metavar="NAME", help="--manifest: only these sources")
    ev.add_argument("--half", choices=["dev", "check"], help="--manifest: only this half of each gold set")
    ev.add_argument("--ablate", nargs="+", action="extend", metavar="CHECK",
                    help="--manifest: turn these answer checks off (what each one buys)")
    ev.add_argument("--out", metavar="DIR",
                    help="where the reports go (--manifest: <source>.jsonl and summary.{md,json}; --qa: "
                         "report.{json,md,html}); default reports/eval, with --manifest --replay DIR: DIR-replay "
                         "(DIR-ablation with --ablation-table, a folder per configuration)")
    ev.add_argument("--compare", action="store_true", help="--qa: also run dense and hybrid retrieval at k=3 and k=5")
    ev.add_argument("--limit", type=int, help="only the first N questions (of each source with --manifest)")
    ev.add_argument("--replay", metavar="DIR|REPORT.json",
                    help="answer again from a saved run's recorded model replies with today's answer checks: "
                         "--manifest: the --out DIR of a --manifest run (a model call it did not record, e.g. with "
                         "--ablate floor, is asked of the model and counted); --qa: a report.json")
    ev.add_argument("--replay-strict", action="store_true",
                    help="--manifest --replay: fail at a model call the recording lacks instead of asking the model")
    ev.add_argument("--ablation-table", metavar="FILE.md",
                    help="--manifest --replay: replay with every check, then without each check (or each --ablate "
                         "CHECK) and write the table of figures here")
    from rag.cli import _common  # the flags every command shares

    _common(ev)


def eval_manifest(args: argparse.Namespace) -> int:
    """`eval --manifest`: run every gold set, or replay a saved run of them (with `--ablation-table`, once per
    answer check switched off)."""
    import time

    from rag.errors import EvalError

    if args.source or args.compare:
        raise EvalError("--source and --compare go with --qa; each --manifest source names its own transcripts")
    if (args.replay_strict or args.ablation_table) and not args.replay:
        raise EvalError("--replay-strict and --ablation-table replay a saved run: give --replay DIR")
    replayed = str(args.replay).rstrip("/") if args.replay else ""
    out = args.out or (f"{replayed}-ablation" if args.ablation_table else f"{replayed}-replay" if replayed
                       else "reports/eval")
    from rag.cli import settings_from

    settings, t0 = settings_from(args), time.perf_counter()
    if args.ablation_table:
        from rag.eval.ablation import ablation_table

        text = ablation_table(args.manifest, settings, args.replay, out, args.ablate or None, args.half,
                              args.only or (), args.limit, args.replay_strict, progress=True)
        Path(args.ablation_table).parent.mkdir(parents=True, exist_ok=True)
        Path(args.ablation_table).write_text(text + "\n", "utf-8")
        print(f"{text}\n\n{time.perf_counter() - t0:.0f}s; table in {args.ablation_table}, runs in {out}/")
        return 0
    from rag.eval.rerun import live_line
    from rag.eval.suite import run_manifest

    run = run_manifest(args.manifest, settings, out, args.only or (), args.half, args.limit, args.ablate or (),
                       replay=args.replay, strict=args.replay_strict)
    print(run.text)
    if args.replay:
        print("\n" + "\n".join(live_line(name, live) for name, live in run.live.items()))
    print(f"\n{time.perf_counter() - t0:.0f}s; rows and summary.{{md,json}} in {out}")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from rag.errors import EvalError

    set_only = [f for f, v in (("--only", args.only), ("--half", args.half), ("--ablate", args.ablate),
                               ("--replay-strict", args.replay_strict), ("--ablation-table", args.ablation_table))
                if v]
    if args.rescore:
        if args.qa or (set_only and set_only != ["--only"]):
            raise EvalError("--rescore re-scores a saved --manifest run; it takes --only, nothing else")
        from rag.eval.tables import rescore

        print(rescore(Path(args.rescore), args.only or ()))
        return 0
    if args.manifest:
        return eval_manifest(args)
    if not args.qa:
        raise EvalError("give --manifest FILE.json (every gold set), --qa FILE.jsonl (one) or --rescore DIR")
    if set_only:
        raise EvalError(f"{', '.join(set_only)}: only with --manifest")
    from rag.eval.gold import load_gold
    from rag.eval.replay import RecordingGenerator
    from rag.eval.report import summary_table, write_reports
    from rag.eval.runner import EvalConfig, compare_configs, evaluate, summarize
    from rag.pipeline import Pipeline

    gold = load_gold(args.qa)[: args.limit]
    from rag.cli import settings_from

    settings = settings_from(args)
    before = recorder = None
    if args.replay and args.compare:
        raise EvalError("--replay re-scores one saved run; it cannot be combined with --compare")
    if args.replay:
        from rag.eval.replay import ReplayGenerator, load_run

        model, run, replies = load_run(args.replay)
        replay = ReplayGenerator(replies, model)
        recorder = RecordingGenerator(replay)  # a replayed run's report can be replayed in turn
        pipeline = Pipeline(settings, llm=recorder)
        before = lambda item: replay.select(item.id)  # noqa: E731
        default = EvalConfig(settings.retrieval, settings.top_k, "whole" if run == "whole" else "retrieve")
    else:
        from rag.engines import make_generator

        recorder = RecordingGenerator(make_generator(settings))
        pipeline = Pipeline(settings, llm=recorder).load()
        default = EvalConfig(settings.retrieval, settings.top_k, pipeline.context_for(None))
    configs = compare_configs(default) if args.compare else [default]
    t0 = time.perf_counter()
    results = {}
    for config in configs:
        rows = evaluate(pipeline, gold, config, before=before, recorder=recorder)
        results[config.name] = {"summary": summarize(rows), "rows": rows}
    meta = {"model": pipeline.llm.name, "qa": args.qa, "questions": len(gold), "paths": list(settings.paths),
            "seconds": time.perf_counter() - t0}
    paths = write_reports(Path(args.out or "reports/eval"), results, meta)
    print(summary_table({name: r["summary"] for name, r in results.items()}))
    print(f"\n{len(gold)} questions x {len(configs)} configuration(s) in {meta['seconds']:.0f}s; "
          f"reports: {', '.join(str(p) for p in paths)}")
    return 0
