"""Run a gold set through the pipeline under one or more configurations and score every answer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rag.eval.gold import GoldItem
from rag.eval.metrics import (abstention_scores, chunk_has_gold, matches, mean, percentile, recall_at_k,
                              reciprocal_rank, token_f1, facts_right)
from rag.pipeline import Pipeline, search_query
from rag.segments import segment_key


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
    by_id = {g.id: g for g in gold}
    rows = []
    for item in gold:
        if not item.answerable:
            continue
        history = [(by_id[item.follows].question, by_id[item.follows].answer)] if item.follows else []
        rows.append(retrieval_row(pipeline, item, search_query(item.question, history), retrieval))
    return {key: mean([r[key] for r in rows]) for key in ("recall@1", "recall@3", "recall@5", "mrr")}


def evaluate(pipeline: Pipeline, gold: Sequence[GoldItem], config: EvalConfig, progress: bool = True,
             before=None, recorder=None) -> list[dict]:
    """Answer every gold question under `config` and score it; one row per question.

    `before(item)`, when given, is called ahead of each question (a replayed run selects its reply).
    `recorder` (a `rag.eval.replay.RecordingGenerator`, the pipeline's model): each row keeps the replies
    the model gave for its question, in order ("replies"), for `--replay`.
    """
    from tqdm import tqdm

    answers: dict[str, object] = {}
    rows = []
    for item in tqdm(gold, desc=config.name, unit="q", disable=not progress):
        history = []
        if item.follows and item.follows in answers and not answers[item.follows].abstained:
            prev = answers[item.follows]
            history = [(prev.question, prev.plain)]
        searched = search_query(item.question, history)
        if before is not None:
            before(item)
        answer = pipeline.ask(item.question, history, id=item.id, top_k=config.k, retrieval=config.retrieval,
                              context=config.context)
        answers[item.id] = answer
        gold_s = item.seconds
        cited = [c.seconds for c in answer.citations]
        row = {
            "id": item.id, "question": item.question, "answerable": item.answerable, "follows": item.follows,
            "reference": item.answer, "gold": list(item.timestamps), "answer": answer.text, "raw": answer.raw,
            "abstained": answer.abstained, "reason": answer.reason, "searched": searched,
            "context": answer.trace.context if answer.trace else None,
            "first_reply": answer.trace.first_reply if answer.trace else "",
            "second_reply": answer.trace.second_reply if answer.trace else "",
            "verdict_reply": answer.trace.verdict_reply if answer.trace else "",
            "citations": [c.to_json() for c in answer.citations],
            "ttft_ms": answer.timings_ms.get("first_token"), "total_ms": answer.timings_ms.get("total"),
        }
        if recorder is not None:
            row["replies"] = recorder.take()
        if answer.trace and answer.trace.context == "focus":  # a time, neighbour or speaker question
            window = {seg.key for p in answer.trace.passages for seg in p}
            row["cited_in_window"] = bool(answer.citations) and all(
                segment_key(c.source, c.seconds, c.text) in window for c in answer.citations)
        sentences = answer.sentences if not answer.abstained else ()
        row["supported_sentences"] = sum(s.supported for s in sentences)
        row["sentences"] = len(sentences)
        if item.answerable:
            row.update(retrieval_row(pipeline, item, searched, config.retrieval,
                                     answer.trace.hits if answer.trace else None))
            # what the answer states and cites (not "The transcript doesn't answer …" of a two-part question)
            text = "" if answer.abstained else " ".join(s.text for s in answer.sentences if s.supported and s.citations)
            row["token_f1"] = token_f1(text, item.answer)
            row["facts"] = list(item.facts)
            row["facts_right"] = facts_right(item.facts, text)
            if answer.abstained:
                row["similarity"] = 0.0
            else:
                vectors = pipeline.embedder.encode([text, item.answer])
                row["similarity"] = float(vectors[0] @ vectors[1])
            row["cites_gold"] = any(matches(c, gold_s) for c in cited)
            row["cited_gold_share"] = (sum(matches(c, gold_s) for c in cited) / len(cited)) if cited else None
            # How well the model cited on its own, before verification re-attributed anything.
            own = [s.start for s in answer.trace.model_cited()] if answer.trace else []
            row["model_marks_gold"] = chunk_has_gold(own, gold_s) if not answer.abstained else None
        rows.append(row)
    return rows


def summarize(rows: Sequence[dict]) -> dict:
    """Aggregate metrics over per-question rows (see the README for each definition)."""
    answerable = [r for r in rows if r["answerable"]]
    answered = [r for r in answerable if not r["abstained"]]
    all_cited = [c for r in answerable for c in r["citations"]]
    gold_by_id = {r["id"]: r["gold"] for r in answerable}
    from rag.timecode import parse_time

    cited_gold = sum(matches(c["seconds"], [parse_time(g) for g in gold_by_id[r["id"]]])
                     for r in answerable for c in r["citations"])
    sentences = sum(r["sentences"] for r in rows)
    ttft = [r["ttft_ms"] for r in rows if r["ttft_ms"] is not None]
    totals = [r["total_ms"] for r in rows if r["total_ms"] is not None]
    model_marks = [r["model_marks_gold"] for r in answered if r.get("model_marks_gold") is not None]
    summary = {
        "questions": len(rows), "answerable": len(answerable), "unanswerable": len(rows) - len(answerable),
        "recall@1": mean([r["recall@1"] for r in answerable]), "recall@3": mean([r["recall@3"] for r in answerable]),
        "recall@5": mean([r["recall@5"] for r in answerable]), "mrr": mean([r["mrr"] for r in answerable]),
        "facts_right": mean([float(r["facts_right"]) for r in answerable if r.get("facts_right") is not None]),
        "token_f1": mean([r["token_f1"] for r in answerable]),
        "similarity": mean([r["similarity"] for r in answerable]),
        "token_f1_answered": mean([r["token_f1"] for r in answered]),
        "citation_accuracy": mean([float(r["cites_gold"]) for r in answerable]),
        "citation_accuracy_answered": mean([float(r["cites_gold"]) for r in answered]),
        "citation_precision": cited_gold / len(all_cited) if all_cited else None,
        "model_marker_accuracy": mean([float(x) for x in model_marks]),
        "window_questions": sum("cited_in_window" in r for r in rows),
        "cited_in_window": sum(bool(r.get("cited_in_window")) for r in rows),
        "sentence_support": sum(r["supported_sentences"] for r in rows) / sentences if sentences else None,
        "ttft_p50_ms": percentile(ttft, 0.5), "ttft_p95_ms": percentile(ttft, 0.95),
        "total_p50_ms": percentile(totals, 0.5), "total_p95_ms": percentile(totals, 0.95),
    }
    summary.update(abstention_scores([(r["answerable"], r["abstained"]) for r in rows]))
    return summary
