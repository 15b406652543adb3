"""Evaluation metrics as plain functions (each defined in one sentence in the README)."""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Sequence

from rag.timecode import parse_time

TOLERANCE_S = 3.0  # a cited or retrieved moment within this many seconds of a gold moment counts
# what opens the quote of the sentences an answer rests on ("No. The transcript says: “…”"); the answer
# path's own constant may change, this is the evaluation's reading of it
QUOTE_LEAD = re.compile(r"\bThe transcript says:")
QUOTED = re.compile(r'“[^”]*(?:”|$)|"[^"]*"')  # a curly quote left open runs to the end


def normalize_tokens(text: str) -> list[str]:
    """SQuAD-style normalisation: lower case, no punctuation, no articles, no timestamps."""
    text = re.sub(r"\[\d\d:\d\d:\d\d\]", " ", text.lower())
    text = "".join(ch if ch not in string.punctuation else " " for ch in text)
    return [w for w in text.split() if w not in {"a", "an", "the"}]


def token_f1(prediction: str, reference: str) -> float:
    """Harmonic mean of token precision and recall between prediction and reference.

    >>> round(token_f1("Gigascale backs climate tech", "climate tech companies"), 2)
    0.57
    """
    pred, ref = normalize_tokens(prediction), normalize_tokens(reference)
    common = sum((Counter(pred) & Counter(ref)).values())
    if not pred or not ref or common == 0:
        return 0.0
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def _words(text: str) -> list[str]:
    text = re.sub(r"\[\d\d:\d\d:\d\d\]", " ", text.lower()).replace("'s", "")
    return "".join(ch if ch.isalnum() or ch.isspace() else " " for ch in text).split()


def fact_found(fact: str, answer: str) -> bool:
    """Whether the answer states a key fact: every word of one of its "|"-separated alternatives occurs
    in the answer, whole or (four letters or more) as the start of an answer word.

    >>> fact_found("55|fifty-five", "They are 55-plus people.")
    True
    >>> fact_found("climate", "Gigascale invests in climate tech.")
    True
    >>> fact_found("pdf", "The transcript doesn't say.")
    False
    >>> fact_found("build or buy", "whether to buy it")
    False
    """
    words = _words(answer)

    def has(w: str) -> bool:
        return any(a == w or (len(w) >= 4 and a.startswith(w)) for a in words)

    return any(all(has(w) for w in _words(alt)) for alt in fact.split("|") if _words(alt))


def own_words(answer: str) -> str:
    """The answer without the transcript sentences it quotes: all after its quote lead, and every quote that
    stands as a sentence of its own (at the start, or after ".", "!", "?", ":" or "…"). A quoted phrase inside
    a sentence ("He calls them “smart humans”") is the answer's own wording; an answer that is nothing but a
    quote states what it quotes.

    >>> own_words("Google. The transcript says: “former CTO at Facebook”")
    'Google.'
    >>> own_words('No. "Meta buys servers." It builds its own.')
    'No.  It builds its own.'
    >>> own_words('As "this group of smart humans", he said.'), own_words('"Sitting at my desk."')
    ('As "this group of smart humans", he said.', '"Sitting at my desk."')
    """
    own = QUOTE_LEAD.split(answer, maxsplit=1)[0]
    opens_sentence = lambda m: re.search(r"(^|[.!?:…])\s*$", own[: m.start()]) is not None  # noqa: E731
    kept = QUOTED.sub(lambda m: "" if opens_sentence(m) else m[0], own).strip()
    return kept if _words(kept) else answer.strip()


def facts_right(facts: Sequence[str], answer: str) -> bool | None:
    """Whether an answer states all the key facts of its question (None when the question has none). A fact
    written "!x" must not be stated: the option not taken, for a question that offers two ("Facebook or
    Google?": "facebook", "!google"). Only the answer's own words count (`own_words`): a wrong pick quoting the
    right sentence holds the right word in its quote, and a quote may name the other option.

    >>> facts_right(["facebook", "!google"], "Facebook. The transcript says: “former CTO at Facebook”")
    True
    >>> facts_right(["facebook", "!google"], "Google. The transcript says: “former CTO at Facebook”")
    False
    >>> facts_right(["facebook"], "Google. The transcript says: “former CTO at Facebook”")  # the quote is evidence
    False
    >>> facts_right(["fast", "!slow"], "Fast. The transcript says: “nothing is slow”")
    True
    """
    if not facts:
        return None
    own = own_words(answer)
    return all(not fact_found(f[1:], own) if f.startswith("!") else fact_found(f, own) for f in facts)


def matches(moment: float, gold: Sequence[float], tolerance: float = TOLERANCE_S) -> bool:
    return any(abs(moment - g) <= tolerance for g in gold)


def chunk_has_gold(chunk_times: Sequence[float], gold: Sequence[float]) -> bool:
    return any(matches(t, gold) for t in chunk_times)


def recall_at_k(ranked_chunk_times: Sequence[Sequence[float]], gold: Sequence[float], k: int) -> float:
    """Share of gold moments found in the top-k retrieved chunks.

    >>> recall_at_k([[10.0], [35.0, 40.0]], [35.0, 99.0], 2)
    0.5
    """
    found = {g for g in gold for times in ranked_chunk_times[:k] if matches(g, times, TOLERANCE_S)}
    return len(found) / len(gold) if gold else 0.0


def reciprocal_rank(ranked_chunk_times: Sequence[Sequence[float]], gold: Sequence[float]) -> float:
    """1 / rank of the first chunk holding any gold moment (0 when none does)."""
    for rank, times in enumerate(ranked_chunk_times, start=1):
        if chunk_has_gold(times, gold):
            return 1.0 / rank
    return 0.0


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-quantile (0..1) by nearest rank; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(q * (len(ordered) - 1)))))]


def mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def abstention_scores(rows: Sequence[tuple[bool, bool]]) -> dict:
    """Refusal precision/recall/F1 on unanswerable questions plus false abstention on answerable ones.

    Args:
        rows: `(answerable, abstained)` per question.
    """
    tp = sum(1 for answerable, abstained in rows if abstained and not answerable)
    fp = sum(1 for answerable, abstained in rows if abstained and answerable)
    unanswerable = sum(1 for answerable, _ in rows if not answerable)
    answerable = len(rows) - unanswerable
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / unanswerable if unanswerable else None
    f1 = 2 * precision * recall / (precision + recall) if precision and recall else (0.0 if precision is not None and recall is not None else None)
    return {
        "refusal_precision": precision, "refusal_recall": recall, "refusal_f1": f1,
        "false_abstention_rate": fp / answerable if answerable else None,
        "answered_pct": 100 * (answerable - fp) / answerable if answerable else None,
    }


def score_point(row: dict) -> dict:
    """Fill in the scores of an answerable question's row from what it keeps (its stated text, reference,
    facts, gold moments and citations): the part of a row `rag.eval.tables.rescore` recomputes."""
    if not row["answerable"] or "stated" not in row:
        return row
    gold_s = [parse_time(g) for g in row["gold"]]
    cited = [c["seconds"] for c in row["citations"]]
    row["token_f1"] = token_f1(row["stated"], row["reference"])
    row["facts_right"] = facts_right(row["facts"], row["stated"])
    row["cites_gold"] = any(matches(c, gold_s) for c in cited)
    row["cited_gold_share"] = (sum(matches(c, gold_s) for c in cited) / len(cited)) if cited else None
    return row


def summarize(rows: Sequence[dict]) -> dict:
    """Aggregate metrics over per-question rows of a point-gold set (see the README for each definition)."""
    answerable = [r for r in rows if r["answerable"]]
    answered = [r for r in answerable if not r["abstained"]]
    all_cited = [c for r in answerable for c in r["citations"]]
    gold_by_id = {r["id"]: r["gold"] for r in answerable}
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
