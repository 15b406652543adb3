"""The `transcript-rag` command: ask, index, serve (and more), a thin layer over the library."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from rag.errors import QuestionError, RagError
from rag.settings import Settings


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--source", action="append", metavar="PATH",
                   help="transcript file to search (repeatable; default: the transcripts in seeds/)")
    p.add_argument("--model", help="answer model: a packaged name (qwen2.5-coder-1.5b, qwen2.5-coder-0.5b), "
                                   "a local folder, a .gguf file or a hub id")
    p.add_argument("--k", type=int, help="passages to retrieve (default 5)")
    p.add_argument("--retriever", choices=["dense", "hybrid"], help="retrieval method (default hybrid)")
    p.add_argument("--context", choices=["auto", "whole", "retrieve"],
                   help="what the model reads: the whole transcript (a cached prefix), the top-k passages, "
                        "or auto: whole when it fits (default)")
    p.add_argument("--engine", choices=["llama-cpp", "transformers", "openai"],
                   help="answer engine (default llama-cpp; openai when --llm-url is given)")
    p.add_argument("--llm-url", metavar="URL", help="an OpenAI-compatible server, e.g. http://127.0.0.1:8080/v1 "
                                                    "(key from TRANSCRIPT_RAG_LLM_KEY)")
    p.add_argument("--llm-model", metavar="NAME", help="the model name the server expects")
    p.add_argument("--prompt-lookup", action="store_true", default=None,
                   help="llama.cpp prompt-lookup decoding (draft tokens copied from the prompt)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="transcript-rag", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    ask = sub.add_parser("ask", help="answer a question (or a JSONL file of questions) with cited timestamps")
    ask.add_argument("question", nargs="?", help="the question")
    ask.add_argument("--questions", metavar="FILE.jsonl", help="batch: JSONL objects with 'id' and 'question'")
    ask.add_argument("--json", action="store_true", help="print JSON (one object per line in batch mode)")
    _common(ask)

    idx = sub.add_parser("index", help="build (or check) the index over the sources")
    idx.add_argument("--with-model", action="store_true",
                     help="also assemble and convert the answer model now (first use does it otherwise)")
    _common(idx)

    ev = sub.add_parser("eval", help="score answer quality against a gold set and write reports")
    ev.add_argument("--qa", required=True, metavar="FILE.jsonl", help="gold set (see README for the schema)")
    ev.add_argument("--out", default="reports/eval", metavar="DIR", help="where report.{json,md,html} go")
    ev.add_argument("--compare", action="store_true", help="also run dense and hybrid retrieval at k=3 and k=5")
    ev.add_argument("--limit", type=int, help="only the first N questions (quick checks)")
    _common(ev)

    add = sub.add_parser("add", help="register a transcript in the library (it is validated and copied in)")
    add.add_argument("file", help="SRT, WebVTT, Whisper/YouTube JSON or timestamped text")
    add.add_argument("--title", help="title shown in citations (default: file name)")
    add.add_argument("--media-url", help="audio/video URL; citations then offer 'play from here'")
    sub.add_parser("list", help="list the transcripts in the library")
    rm = sub.add_parser("remove", help="remove a transcript from the library")
    rm.add_argument("title")

    serve = sub.add_parser("serve", help="serve the web chat")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=7860)
    serve.add_argument("--share", action="store_true", help="ask Gradio for a public share link (off by default)")
    serve.add_argument("--auth", metavar="USER:PASSWORD",
                       help="require this login (or set TRANSCRIPT_RAG_AUTH=user:password)")
    _common(serve)
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    """The one place flags become settings."""
    sources = tuple(str(Path(s)) for s in args.source) if getattr(args, "source", None) else None
    return Settings.from_env(sources=sources, llm=args.model, top_k=args.k, retriever=args.retriever,
                             context=args.context, engine=args.engine, llm_url=args.llm_url,
                             llm_model=args.llm_model, prompt_lookup=args.prompt_lookup)


def print_answer(answer, as_json: bool) -> None:
    if as_json:
        print(json.dumps(answer.to_json(), ensure_ascii=False), flush=True)
        return
    print(answer.text)
    if answer.citations:
        print("\nSources:")
        for c in answer.citations:
            print(f"  [{c.timestamp}] {c.source}: {c.text}")
    print(flush=True)


def read_questions(path: str) -> list[tuple[str, str]]:
    """`(id, question)` pairs from a JSONL file; other fields are ignored.

    Raises:
        QuestionError: naming the file and line of the first bad row.
    """
    p = Path(path)
    if not p.is_file():
        raise QuestionError(f"{path}: no such file")
    rows = []
    for n, line in enumerate(p.read_text("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError as exc:
            raise QuestionError(f"{path}:{n}: not JSON ({exc})") from None
        if not isinstance(obj, dict) or not isinstance(obj.get("question"), str):
            raise QuestionError(f"{path}:{n}: expected an object with a 'question' string")
        rows.append((str(obj.get("id", n)), obj["question"]))
    return rows


def cmd_ask(args: argparse.Namespace) -> int:
    from rag.pipeline import Pipeline, check_question

    if (args.question is None) == (args.questions is None):
        raise QuestionError("give either a QUESTION or --questions FILE.jsonl")
    batch = read_questions(args.questions) if args.questions else [(None, check_question(args.question))]
    pipeline = Pipeline(settings_from(args))
    for qid, question in batch:
        print_answer(pipeline.ask(question, id=qid), args.json or bool(args.questions))
    return 0


def cmd_index(args: argparse.Namespace) -> int:
    import time

    from rag.corpus import build_index
    from rag.embedder import Embedder

    settings = settings_from(args)
    t0 = time.perf_counter()
    embedder = Embedder(settings.embed_model).load()
    index = build_index(settings, embedder)
    sources = sorted({c.source for c in index.chunks})
    sentences = len({(s.source, s.start, s.text) for c in index.chunks for s in c.sentences})
    print(f"Index ready: {len(index.chunks)} chunks, {sentences} sentences from {len(sources)} transcript(s) "
          f"in {time.perf_counter() - t0:.1f}s ({settings.index_dir})")
    if args.with_model:
        from rag.pipeline import Pipeline

        t0 = time.perf_counter()
        pipeline = Pipeline(settings, embedder=embedder, index=index).load()
        print(f"Answer model {pipeline.llm.name} ready in {time.perf_counter() - t0:.1f}s "
              f"(context: {pipeline.context_for(None)}; {settings.models_dir})")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import os

    from ui.app import serve

    auth = args.auth or os.environ.get("TRANSCRIPT_RAG_AUTH")
    if auth and ":" not in auth:
        raise RagError("--auth takes USER:PASSWORD")
    serve(settings_from(args), host=args.host, port=args.port, share=args.share,
          auth=tuple(auth.split(":", 1)) if auth else None)
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    from rag.library import Library

    library = Library()
    entry = library.add(args.file, args.title, args.media_url)
    print(f"Added {entry.title!r}: {entry.sentences} sentences, {entry.format}, "
          f"{entry.duration / 60:.1f} min ({entry.file}). It is searched with the other transcripts; "
          "the next question re-indexes only this one.")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from rag.library import Library
    from rag.settings import seed_sources
    from rag.timecode import format_time

    library = Library()
    for path in seed_sources():
        print(f"[seed]    {Path(path).name}")
    entries = library.entries()
    for e in entries:
        media = f"  media: {e.media_url}" if e.media_url else ""
        print(f"[library] {e.title}  ({e.format}, {e.sentences} sentences, {format_time(e.duration)}){media}")
    if not entries:
        print(f"(the library at {library.folder} is empty; add one with: transcript-rag add FILE)")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    from rag.library import Library

    entry = Library().remove(args.title)
    print(f"Removed {entry.title!r}.")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    import time

    from rag.eval.gold import load_gold
    from rag.eval.report import summary_table, write_reports
    from rag.eval.runner import EvalConfig, compare_configs, evaluate, summarize
    from rag.pipeline import Pipeline

    gold = load_gold(args.qa)[: args.limit]
    settings = settings_from(args)
    default = EvalConfig(settings.retriever, settings.top_k)
    configs = compare_configs(default) if args.compare else [default]
    pipeline = Pipeline(settings).load()
    t0 = time.perf_counter()
    results = {}
    for config in configs:
        rows = evaluate(pipeline, gold, config)
        results[config.name] = {"summary": summarize(rows), "rows": rows}
    meta = {"model": settings.llm, "qa": args.qa, "questions": len(gold), "sources": list(settings.sources),
            "seconds": time.perf_counter() - t0}
    paths = write_reports(Path(args.out), results, meta)
    print(summary_table({name: r["summary"] for name, r in results.items()}))
    print(f"\n{len(gold)} questions x {len(configs)} configuration(s) in {meta['seconds']:.0f}s; "
          f"reports: {', '.join(str(p) for p in paths)}")
    return 0


COMMANDS = {"ask": cmd_ask, "index": cmd_index, "eval": cmd_eval, "serve": cmd_serve,
            "add": cmd_add, "list": cmd_list, "remove": cmd_remove}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except RagError as exc:
        print(f"transcript-rag: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
