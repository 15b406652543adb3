"""Evaluation metrics as plain functions (each defined in one sentence in the README)."""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Sequence

from rag.checks import QUOTE_LEAD

TOLERANCE_S = 3.0  # a cited or retrieved moment within this many seconds of a gold moment counts


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


def facts_right(facts: Sequence[str], answer: str) -> bool | None:
    """Whether an answer states all the key facts of its question (None when the question has none). A fact
    written "!x" must not be stated: the option not taken, for a question that offers two ("Facebook or
    Google?": "facebook", "!google"), since a wrong pick quoting the right sentence still holds the right word.

    >>> facts_right(["facebook", "!google"], "Facebook. The transcript says: “former CTO at Facebook”")
    True
    >>> facts_right(["facebook", "!google"], "Google. The transcript says: “former CTO at Facebook”")
    False
    >>> facts_right(["fast", "!slow"], "Fast. The transcript says: “nothing is slow”")  # the quote is the evidence
    True
    """
    if not facts:
        return None
    own = answer.split(QUOTE_LEAD)[0]  # a quote may name the other option ("… nothing is slow")
    return all(not fact_found(f[1:], own) if f.startswith("!") else fact_found(f, answer) for f in facts)


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
