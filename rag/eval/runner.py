"""Run a gold set through the pipeline under one or more configurations and score every answer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rag.eval.gold import GoldItem
from rag.eval.metrics import chunk_has_gold, mean, recall_at_k, reciprocal_rank, score_point, summarize  # noqa: F401
from rag.segments import segment_key

# what a time, neighbour or speaker question's answer reads: the sentences it is about ("focus" in older traces)
FOCUSED = frozenset({"focus", "window", "speaker", "after", "before"})

if TYPE_CHECKING:  # the answer path is imported when a question is asked, not to read or score rows
    from rag.pipeline import Pipeline


@dataclass(frozen=True)
class EvalConfig:
    """One way of answering: what the model reads, which retriever and how many passages."""

    retrieval: str
    k: int
    context: str = "retrieve"

    @property
    def name(self) -> str:
        return "whole" if self.context == "whole" else f"{self.retrieval}-k{self.k}"


def compare_configs(default: EvalConfig) -> list[EvalConfig]:
    """The configurations `--compare` runs: the default, the whole transcript, dense and hybrid at k=3 and k=5."""
    grid = [EvalConfig(default.retrieval, default.k, "whole")]
    grid += [EvalConfig(r, k) for r in ("dense", "hybrid") for k in (3, 5)]
    return [default] + [c for c in grid if c.name != default.name]


def retrieval_row(pipeline: Pipeline, item: GoldItem, searched: str, retrieval: str, hits=None) -> dict:
    """Retrieval metrics of one answerable question (top 5 chunks; the answer's own hits when it has 5)."""
    hits = list(hits)[:5] if hits is not None and len(hits) >= 5 else pipeline.retrieve(searched, 5, retrieval)
    ranked = [[s.start for s in h.chunk.sentences] for h in hits]
    gold = item.seconds
    return {"recall@1": recall_at_k(ranked, gold, 1), "recall@3": recall_at_k(ranked, gold, 3),
            "recall@5": recall_at_k(ranked, gold, 5), "mrr": reciprocal_rank(ranked, gold)}


def evaluate_retrieval(pipeline: Pipeline, gold: Sequence[GoldItem], retrieval: str = "dense") -> dict:
    """Retrieval metrics alone over every answerable question (no answer model needed)."""
    from rag.pipeline import search_query

    by_id = {g.id: g for g in gold}
    rows = []
    for item in gold:
        if not item.answerable:
            continue
        history = [(by_id[item.follows].question, by_id[item.follows].answer)] if item.follows else []
        rows.append(retrieval_row(pipeline, item, search_query(item.question, history), retrieval))
    return {key: mean([r[key] for r in rows]) for key in ("recall@1", "recall@3", "recall@5", "mrr")}


def trace_field(answer, name: str, default=None):
    """A field of an answer's trace, or `default` (the trace is the answer path's own and may change)."""
    return getattr(getattr(answer, "trace", None), name, default)


def citation_json(c) -> dict:
    """A citation as a row keeps it."""
    return {"timestamp": c.timestamp, "seconds": c.seconds, "source": c.source, "text": c.text}


def evaluate(pipeline: Pipeline, gold: Sequence[GoldItem], config: EvalConfig, progress: bool = True,
             before=None, recorder=None, after=None, desc: str | None = None) -> list[dict]:
    """Answer every gold question under `config` and score it; one row per question.

    `before(item)`, when given, is called ahead of each question (a replayed run selects its reply), and
    `after(row)` with each row as it is made. `recorder` (a `rag.eval.replay.RecordingGenerator`, the
    pipeline's model): each row keeps the replies the model gave for its question, in order ("replies"),
    for `--replay`, and how many times it was called ("calls"). `desc` names the progress bar.
    """
    from tqdm import tqdm

    from rag.pipeline import search_query

    answers: dict[str, object] = {}
    rows = []
    for item in tqdm(gold, desc=desc or config.name, unit="q", disable=not progress):
        history = []
        if item.follows and item.follows in answers and not answers[item.follows].abstained:
            prev = answers[item.follows]
            history = [(prev.question, prev.plain)]
        searched = search_query(item.question, history)
        if before is not None:
            before(item)
        calls = recorder.calls if recorder is not None else 0
        answer = pipeline.ask(item.question, history, id=item.id, top_k=config.k, retrieval=config.retrieval,
                              context=config.context)
        answers[item.id] = answer
        row = answer_row(pipeline, item, answer, searched, config)
        if recorder is not None:
            row["replies"] = recorder.take()
            row["calls"] = recorder.calls - calls
        rows.append(row)
        if after is not None:
            after(row)
    return rows


def answer_row(pipeline: Pipeline, item: GoldItem, answer, searched: str, config: EvalConfig) -> dict:
    """One question's row: the answer as given, what it is scored on, and its scores (`score_point`)."""
    row = {
        "id": item.id, "half": item.half, "question": item.question, "answerable": item.answerable,
        "follows": item.follows, "reference": item.answer, "gold": list(item.timestamps), "answer": answer.text,
        "raw": answer.raw, "abstained": answer.abstained, "reason": answer.reason, "searched": searched,
        "context": trace_field(answer, "context"), "first_reply": trace_field(answer, "first_reply", ""),
        "second_reply": trace_field(answer, "second_reply", ""),
        "verdict_reply": trace_field(answer, "verdict_reply", ""),
        "findings": list(trace_field(answer, "findings", ())),  # what the answer checks found
        "citations": [citation_json(c) for c in answer.citations],
        "ttft_ms": answer.timings_ms.get("first_token"), "total_ms": answer.timings_ms.get("total"),
    }
    if row["context"] in FOCUSED:  # a time, neighbour or speaker question
        window = {seg.key for p in trace_field(answer, "passages", ()) for seg in p}
        row["cited_in_window"] = bool(answer.citations) and all(
            segment_key(c.source, c.seconds, c.text) in window for c in answer.citations)
    sentences = answer.sentences if not answer.abstained else ()
    row["supported_sentences"] = sum(s.supported for s in sentences)
    row["sentences"] = len(sentences)
    if item.answerable:
        row.update(retrieval_row(pipeline, item, searched, config.retrieval, trace_field(answer, "hits")))
        # what the answer states and cites (not "The transcript doesn't answer …" of a two-part question)
        row["stated"] = "" if answer.abstained else " ".join(
            s.text for s in answer.sentences if s.supported and s.citations)
        row["facts"] = list(item.facts)
        if answer.abstained:
            row["similarity"] = 0.0
        else:
            vectors = pipeline.embedder.encode([row["stated"], item.answer])
            row["similarity"] = float(vectors[0] @ vectors[1])
        # How well the model cited on its own, before verification re-attributed anything.
        model_cited = trace_field(answer, "model_cited")
        own = [s.start for s in model_cited()] if callable(model_cited) else []
        row["model_marks_gold"] = chunk_has_gold(own, item.seconds) if not answer.abstained else None
    return score_point(row)
