"""The `transcript-rag` command: ask, index, serve (and more), a thin layer over the library."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from rag.errors import QuestionError, RagError
from rag.media import ACCEPTED_MEDIA
from rag.export import FORMATS
from rag.eval.command import add_eval_parser, cmd_eval
from rag.settings import ENGINES, Settings


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
    p.add_argument("--engine", choices=ENGINES,
                   help="answer engine (default llama-cpp; openai when --llm-url is given)")
    p.add_argument("--llm-url", metavar="URL", help="an OpenAI-compatible server, e.g. http://127.0.0.1:8080/v1 "
                                                    "(key from TRANSCRIPT_RAG_LLM_KEY)")
    p.add_argument("--llm-model", metavar="NAME", help="the model name the server expects")


def _asr(p: argparse.ArgumentParser) -> None:
    p.add_argument("--asr-model", metavar="PATH",
                   help="speech recognition for recordings: any faster-whisper (CTranslate2) model folder, e.g. a "
                        "multilingual one (default: the packaged Whisper tiny.en, which is English only)")
    p.add_argument("--asr-compute-type", default="int8", choices=["int8", "int8_float32", "float32"],
                   help="CTranslate2 compute type for speech recognition (default int8: faster, same words)")


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

    add_eval_parser(sub)
    _common(sub.add_parser("prepare", help="read each long transcript whole once, with a progress bar, so that its "
                                           "questions are answered from all of it (an hour-long meeting: 5-10 min)"))

    add = sub.add_parser("add", help="register a transcript or a recording in the library (validated, copied in; "
                                     "a recording is transcribed offline first)")
    add.add_argument("file", help="SRT, WebVTT, Whisper/YouTube JSON or timestamped text; or a recording: "
                                  f"{ACCEPTED_MEDIA} (recognised by content)")
    add.add_argument("--title", help="title shown in citations (default: file name)")
    add.add_argument("--media-url", help="audio/video URL; citations then offer 'play from here'")
    _asr(add)
    exp = sub.add_parser("export", help="write a transcript (e.g. one made from a recording) as SRT, WebVTT, "
                                        "Whisper JSON or timed text")
    exp.add_argument("title", help="its title, as `list` shows it")
    exp.add_argument("--format", choices=FORMATS, default="srt", help="default srt")
    exp.add_argument("--out", metavar="FILE", help="write here instead of to standard output")
    sub.add_parser("list", help="list the transcripts in the library")
    rm = sub.add_parser("remove", help="remove a transcript from the library")
    rm.add_argument("title")

    serve = sub.add_parser("serve", help="serve the web chat")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=7860)
    serve.add_argument("--share", action="store_true", help="ask Gradio for a public share link (off by default)")
    serve.add_argument("--auth", metavar="USER:PASSWORD",
                       help="require this login (or set TRANSCRIPT_RAG_AUTH=user:password)")
    serve.add_argument("--concurrency", type=int, metavar="N",
                       help="questions answered at once (default: 1 with a local engine, 4 with --llm-url)")
    _asr(serve)
    _common(serve)
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    """The one place flags become settings."""
    paths = tuple(str(Path(s)) for s in args.source) if getattr(args, "source", None) else None
    from rag.media import is_recording

    for path in paths or ():
        if Path(path).is_file() and is_recording(path):
            raise RagError(f"{path} is a recording: add it to the library first (transcribed once, offline): "
                           f"transcript-rag add {path}")
    return Settings.from_env(paths=paths, answer_model=args.model, top_k=args.k, retrieval=args.retriever,
                             context=args.context, engine=args.engine, llm_url=args.llm_url,
                             llm_model=args.llm_model,
                             concurrency=getattr(args, "concurrency", None), auth=getattr(args, "auth", None))


def print_answer(answer, as_json: bool) -> None:
    if as_json:
        print(json.dumps(answer.to_json(), ensure_ascii=False), flush=True)
        return
    print(answer.text)
    if answer.citations:
        print("\nSources:")
        for c in answer.citations:
            print(f"  [{c.timestamp}] {c.source}: " + (f"{c.speaker}: " if c.speaker else "") + c.text)
    if answer.unsupported:
        print("\nNot found in the transcript (left out of the answer):")
        for text in answer.unsupported:
            print(f"  - {text}")
    print(flush=True)


def read_questions(path: str) -> list[tuple[str, str]]:
    """`(id, question)` pairs from a JSONL file; other fields are ignored.

    Raises:
        QuestionError: naming the file and line of the first bad row.
    """
    p = Path(path)
    if not p.is_file():
        raise QuestionError(f"{path}: no such file")
    try:
        text = p.read_text("utf-8")
    except UnicodeDecodeError as exc:
        raise QuestionError(f"{path}: not valid UTF-8 text (byte {exc.start}); re-save it as UTF-8") from None
    rows = []
    for n, line in enumerate(text.splitlines(), start=1):
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


def cmd_prepare(args: argparse.Namespace) -> int:
    from rag.prepare import prepare_all

    return prepare_all(settings_from(args))


def cmd_index(args: argparse.Namespace) -> int:
    import time

    from rag.corpus import build_index
    from rag.embedder import SentenceTransformerEmbedder

    settings = settings_from(args)
    t0 = time.perf_counter()
    embedder = SentenceTransformerEmbedder(settings.embed_model).load()
    index = build_index(settings, embedder)
    sources = sorted({c.source for c in index.chunks})
    sentences = len({s.key for c in index.chunks for s in c.sentences})
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
    from ui.app import serve

    settings = settings_from(args)
    serve(settings, host=args.host, port=args.port, share=args.share,
          auth=tuple(settings.auth.split(":", 1)) if settings.auth else None,
          transcriber=transcriber_from(args, settings))
    return 0


def transcriber_from(args: argparse.Namespace, settings: Settings):
    """The speech recogniser the flags ask for (nothing is loaded until a recording needs it)."""
    from rag.asr import Transcriber

    return Transcriber(args.asr_model, args.asr_compute_type, settings.threads, settings.cache_dir)


def cmd_add(args: argparse.Namespace) -> int:
    from rag.asr import ProgressBar
    from rag.library import Library

    settings = Settings.from_env(paths=(args.file,))
    bar = ProgressBar(Path(args.file).name)
    try:
        entry = Library(settings.library_dir).add(args.file, args.title, args.media_url,
                                                  transcriber_from(args, settings), bar)
    finally:
        bar.close()
    print(f"Added {entry.title!r}: {entry.sentences} sentences, {entry.format}, "
          f"{entry.duration / 60:.1f} min ({entry.file}). It is searched with the other transcripts; "
          "the next question re-indexes only this one.")
    if entry.recording:
        done = json.loads(Path(entry.file).read_text("utf-8")).get("transcription", {})
        rtf = done.get("real_time_factor") or 0
        if bar.bar is None:
            how = f"the transcript made before by {done.get('model')} ({done.get('compute_type')}) was reused"
        else:
            how = (f"transcribed by {done.get('model')} ({done.get('compute_type')}) in {done.get('seconds')} s, "
                   f"{1 / max(rtf, 1e-9):.0f}x real time (RTF {rtf:.3f})")
        print(f"Recording: {how}. Export it with: transcript-rag export {json.dumps(entry.title)} --format srt")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from rag.errors import LibraryError
    from rag.export import WRITERS, captions_from_segments, captions_from_whisper
    from rag.formats import load_transcript
    from rag.library import Library, titled_paths

    settings = Settings.from_env()
    entry = next((e for e in Library(settings.library_dir).entries() if e.title == args.title), None)
    if entry and entry.recording:  # its Whisper JSON as stored, word times included
        data = json.loads(Path(entry.file).read_text("utf-8"))
        text = (json.dumps(data, ensure_ascii=False, indent=1) + "\n" if args.format == "json"
                else WRITERS[args.format](captions_from_whisper(data)))
    else:
        known = {title: path for path, title, _ in titled_paths(settings)}
        if args.title not in known:
            raise LibraryError(f"no transcript titled {args.title!r} (known: {', '.join(map(repr, known))})")
        transcript = load_transcript(known[args.title], args.title)
        text = WRITERS[args.format](captions_from_segments(transcript.segments))
    if args.out:
        Path(args.out).write_text(text, "utf-8")
        print(f"Wrote {args.title!r} as {args.format} to {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from rag.library import Library
    from rag.settings import default_library_dir, seed_paths
    from rag.timecode import format_time

    library = Library(default_library_dir())
    for path in seed_paths():
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
    from rag.settings import default_library_dir

    entry = Library(default_library_dir()).remove(args.title)
    print(f"Removed {entry.title!r}.")
    return 0


COMMANDS = {"ask": cmd_ask, "index": cmd_index, "prepare": cmd_prepare, "eval": cmd_eval, "serve": cmd_serve,
            "add": cmd_add, "list": cmd_list, "remove": cmd_remove, "export": cmd_export}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except RagError as exc:
        print(f"transcript-rag: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
