"""Run every gold set of a manifest, each over its own transcripts, writing rows as they come.

One answer model and one embedder serve every source; each source (each meeting of a span-gold set) gets
its own `Pipeline` over that transcript alone. The model is wrapped in a `RecordingGenerator`, so each row
keeps the model calls its question took and their replies, and the context strategy its pipeline chose
(`strategy`), which is what a replay of the run (`rag.eval.rerun`) needs to answer it again without the model.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rag.errors import EvalError
from rag.eval.gold import GoldItem, load_gold
from rag.eval.manifest import EvalSource, load_manifest
from rag.eval.replay import LazyModel, RecordingGenerator, ask, refuse_unrecorded
from rag.eval.rerun import Recording, SourceReplay, load_recording
from rag.eval.runner import EvalConfig, citation_json, evaluate, trace_field
from rag.eval.spanmetrics import score_span
from rag.eval.spans import SpanItem, load_spans
from rag.eval.tables import by_half, write_summary
from rag.settings import Settings

MakePipeline = Callable[[tuple[str, ...]], object]  # transcript paths -> a loaded Pipeline over them alone
Write = Callable[[dict], None]
Before = Callable[[object], None]  # called with each question ahead of answering it


@dataclass(frozen=True)
class ManifestRun:
    """What a manifest run gives back: the tables' text, the rows per source, what the run was (`meta`) and,
    for a replay, per source the questions and calls the recording did not have (`live`)."""

    text: str
    rows: dict[str, list[dict]]
    meta: dict
    live: dict[str, dict] = field(default_factory=dict)


def select(items: Sequence, half: str | None = None, limit: int | None = None) -> list:
    """The items of one half (all when `half` is None), the first `limit` of them.

    >>> from types import SimpleNamespace as Q
    >>> [q.id for q in select([Q(id="a", half="dev"), Q(id="b", half="check"), Q(id="c", half="dev")], "dev", 1)]
    ['a']
    """
    chosen = [i for i in items if half is None or i.half == half]
    return chosen[:limit] if limit is not None else chosen


def ablated(settings: Settings, checks: Sequence[str]) -> Settings:
    """The settings with these answer checks turned off (`checks_off`); unchanged for none.

    Raises:
        EvalError: when the settings have no `checks_off` field.
    """
    if not checks:
        return settings
    try:
        return settings.with_(checks_off=tuple(checks))
    except TypeError:  # dataclasses.replace: an unknown field
        raise EvalError("--ablate needs the checks_off setting, which this version's settings do not have") from None


def load_questions(source: EvalSource) -> list[GoldItem] | list[SpanItem]:
    """A source's questions, validated (span gold: each with its transcript)."""
    return load_spans(source.qa, source.root) if source.kind == "span" else load_gold(source.qa)


def run_point(source: EvalSource, items: list[GoldItem], make: MakePipeline, recorder: RecordingGenerator,
              write: Write, progress: bool, before: Before | None = None) -> list[dict]:
    """Answer a point-gold set over its transcript and score it as `rag.eval.runner.evaluate` does."""
    pipeline = make((str(source.source),))
    config = EvalConfig(pipeline.settings.retrieval, pipeline.settings.top_k, pipeline.context_for(None))
    return evaluate(pipeline, items, config, progress=progress, before=before, recorder=recorder, after=write,
                    desc=source.name)


def span_row(item: SpanItem, answer) -> dict:
    """A span question's row: its gold, the answer (public fields only) and its scores."""
    row = item.to_json()
    row.update({"answer": answer.text, "abstained": answer.abstained, "reason": answer.reason,
                "citations": [citation_json(c) for c in answer.citations], "raw": answer.raw,
                "context": trace_field(answer, "context"), "findings": list(trace_field(answer, "findings", ())),
                "ttft_ms": answer.timings_ms.get("first_token"), "total_ms": answer.timings_ms.get("total")})
    return score_span(row)


def run_span(source: EvalSource, items: list[SpanItem], make: MakePipeline, recorder: RecordingGenerator,
             write: Write, progress: bool, before: Before | None = None) -> list[dict]:
    """Answer a span-gold set, each question over its own transcript (one pipeline per transcript)."""
    from tqdm import tqdm

    pipelines: dict[Path, object] = {}
    rows = []
    for item in tqdm(items, desc=source.name, unit="q", disable=not progress):
        if item.source not in pipelines:
            pipelines[item.source] = make((str(item.source),))
        if before is not None:
            before(item)
        calls = recorder.calls
        row = span_row(item, pipelines[item.source].ask(item.question, id=item.id))
        row.update({"replies": recorder.take(), "calls": recorder.calls - calls})
        rows.append(row)
        write(row)
    return rows


def run_source(source: EvalSource, items: list, make: MakePipeline, recorder: RecordingGenerator, out_dir: Path,
               progress: bool = True, before: Before | None = None,
               finish: Callable[[dict], None] | None = None) -> list[dict]:
    """Answer one source's questions, writing `<out_dir>/<name>.jsonl` a row at a time (`finish(row)`, when
    given, completes each row before it is written)."""
    run = run_span if source.kind == "span" else run_point
    with (out_dir / f"{source.name}.jsonl").open("w", encoding="utf-8") as f:
        def write(row: dict) -> None:
            if finish is not None:
                finish(row)
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
            f.flush()  # an interrupted run keeps what it answered

        return run(source, items, make, recorder, write, progress, before)


def run_sources(questions: dict[EvalSource, list], make: MakePipeline, recorder: RecordingGenerator,
                out_dir: Path, progress: bool = True) -> dict[str, list[dict]]:
    """Answer every source's questions, writing `<out_dir>/<name>.jsonl` a row at a time."""
    out_dir.mkdir(parents=True, exist_ok=True)
    return {s.name: run_source(s, items, make, recorder, out_dir, progress) for s, items in questions.items()}


def answer_source(source: EvalSource, items: list, settings: Settings, embedder, llm, out_dir: Path,
                  progress: bool, replay: SourceReplay | None = None) -> list[dict]:
    """Answer one source's questions with `llm`, or from a recording (`replay`: its replies, and the context
    strategy it chose per transcript); each row keeps the strategy its pipeline used."""
    recorder = RecordingGenerator(replay.llm if replay is not None else llm)
    strategies: dict[str, str] = {}

    def make(paths: tuple[str, ...]):
        from rag.pipeline import Pipeline

        name = Path(paths[0]).name
        context = replay.strategy(name) if replay is not None else None  # None: the settings' own
        pipeline = Pipeline(settings.with_(paths=paths, context=context), embedder=embedder, llm=recorder).load()
        strategies[name] = pipeline.context_for(None)
        return pipeline

    def finish(row: dict) -> None:
        row["strategy"] = strategies[row.get("source") or source.source.name]
        if replay is not None:
            replay.finish(row)

    before = replay.before if replay is not None else None
    return run_source(source, items, make, recorder, out_dir, progress, before, finish)


def _models(settings: Settings, llm, embedder, replaying: bool) -> tuple:
    """The answer model and the embedder, built from the settings when not given (a replay's model only when
    a call its recording lacks needs it)."""
    if llm is None:
        from rag.engines import make_generator

        llm = LazyModel(lambda: make_generator(settings)) if replaying else make_generator(settings)
    if embedder is None:
        from rag.embedder import SentenceTransformerEmbedder

        embedder = SentenceTransformerEmbedder(settings.embed_model)
    return llm, embedder


def _recording(replay: str | Path | None, questions: dict[EvalSource, list], out_dir: Path,
               strict: bool) -> Recording | None:
    """The saved run to replay, checked to hold every question asked (None: a live run)."""
    if replay is None:
        if strict:
            raise EvalError("--replay-strict goes with --replay DIR")
        return None
    if out_dir.resolve() == Path(replay).resolve():
        raise EvalError(f"--out {out_dir} is the replayed run's own folder: give the replay another --out")
    recording = load_recording(replay, [s.name for s in questions])
    for source, items in questions.items():
        recording.check(source.name, [i.id for i in items])
    return recording


def run_manifest(manifest: str | Path, settings: Settings, out_dir: str | Path, only: Sequence[str] = (),
                 half: str | None = None, limit: int | None = None, ablate: Sequence[str] = (), llm=None,
                 embedder=None, progress: bool = True, replay: str | Path | None = None,
                 strict: bool = False) -> ManifestRun:
    """Run a manifest's gold sets, or replay a saved run of them, and write their rows and summary.

    Args:
        manifest, settings, out_dir, only, half, limit, ablate, progress: as `evaluate_manifest` takes them.
        llm: the answer model (built from the settings when omitted; a replay builds it only when a call its
            recording lacks needs it).
        embedder: the embedder (built from the settings when omitted).
        replay: the folder of a saved `--manifest` run: its recorded replies answer instead of the model; rows
            are marked `replayed` and keep the recorded replies (`rag.eval.rerun`).
        strict: with `replay`, a question needing a call the recording lacks fails (EvalError naming the
            question and the call) instead of asking `llm`.

    Raises:
        EvalError: for a bad manifest, gold file, recording or flag, before any question is answered; in a
            strict replay, at the first call the recording lacks.
    """
    if limit is not None and limit < 1:
        raise EvalError(f"--limit must be at least 1, got {limit}")
    sources = load_manifest(manifest, only)
    questions = {s: select(load_questions(s), half, limit) for s in sources}  # all checked before the first answer
    settings = ablated(settings, ablate)
    out = Path(out_dir)
    recording = _recording(replay, questions, out, strict)
    llm, embedder = _models(settings, llm, embedder, recording is not None)
    out.mkdir(parents=True, exist_ok=True)
    beyond = refuse_unrecorded if strict else ask(llm)
    t0 = time.perf_counter()
    rows, live = {}, {}
    for source, items in questions.items():
        replayed = recording.replay(source.name, beyond) if recording is not None else None
        rows[source.name] = answer_source(source, items, settings, embedder, llm, out, progress, replayed)
        if replayed is not None:
            live[source.name] = replayed.live()
    model = f"{recording.model} (replayed)" if recording is not None else getattr(llm, "name", "?")
    meta = {"model": model, "manifest": str(manifest), "half": half, "limit": limit, "ablate": list(ablate),
            "questions": sum(map(len, rows.values())), "seconds": time.perf_counter() - t0}
    if recording is not None:
        meta.update(replayed=str(replay), strict=strict, live_calls=live)
    tables = {s.name: {"kind": s.kind, "qa": os.path.relpath(s.qa), "halves": by_half(rows[s.name])} for s in sources}
    return ManifestRun(write_summary(out, tables, meta), rows, meta, live)


def evaluate_manifest(manifest: str | Path, settings: Settings, out_dir: str | Path, only: Sequence[str] = (),
                      half: str | None = None, limit: int | None = None, ablate: Sequence[str] = (),
                      llm=None, embedder=None, progress: bool = True) -> str:
    """Run a manifest's gold sets and write their rows and summary; return the tables.

    Args:
        manifest: the manifest file (`rag.eval.manifest`).
        settings: the answer settings; each source replaces `paths`.
        out_dir: where `<source>.jsonl`, `summary.md` and `summary.json` go.
        only: run only the sources of these names.
        half: "dev" or "check": only that half of each set.
        limit: only the first N questions of each source (after `half`).
        ablate: answer checks to turn off (`Settings.checks_off`).
        llm, embedder: the answer model and the embedder (built from the settings when omitted).
        progress: show a progress bar per source.

    Raises:
        EvalError: for a bad manifest, gold file or flag, before any question is answered.
    """
    return run_manifest(manifest, settings, out_dir, only, half, limit, ablate, llm, embedder, progress).text
