"""Span-gold metrics: citations inside gold time windows, ROUGE-1 recall of the gold answer, abstention.

The definitions are those of the QMSum development set's scorer (`../shared/devsets/qmsum-dev/score.py`),
copied so that a run here reports the figures that scorer gives for the same answers
(`tests/test_eval_spans.py` checks it). A scored answer is a dict with "answer", "abstained" and
"citations" (each with "seconds" or "timestamp"), as `transcript-rag ask --json` writes; a row adds its
question's "windows", "reference" and "unanswerable" (see `rag.eval.suite`), and `"missing": true` for a
question with no answer.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being below between
both but by can could did do does doing down during each either else even ever few for from further get gets got
had has have having he her here hers herself him himself his how however i if in into is it its itself just
let like many may me might more most much must my myself no nor not now of off on once one only or other ought
our ours ourselves out over own per rather really same shall she should since so some such than that the their
theirs them themselves then there these they this those though through thus to too under until up upon us very
was we were what whatever when where whether which while who whom whose why will with within without would yet
you your yours yourself yourselves s t d ll m re ve don didn doesn isn wasn weren aren won wouldn couldn
shouldn hasn haven hadn uh um yeah okay ok oh well also said say says think thought
""".split())
TOKEN = re.compile(r"[a-z0-9]+")
INLINE_TIME = re.compile(r"\[\s*(\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?)\s*\]")
ABSTAINED = re.compile(r"transcript (does not|doesn't|doesn’t) say", re.I)


def seconds_of(ts) -> float | None:
    """Seconds of a number or an "[h:]mm:ss[.f]" time; None when it is neither.

    >>> seconds_of("01:02:03"), seconds_of("2:05.5"), seconds_of(7), seconds_of("soon")
    (3723.0, 125.5, 7.0, None)
    """
    if isinstance(ts, (int, float)) and not isinstance(ts, bool):
        return float(ts)
    m = re.match(r"^\s*(?:(\d+):)?(\d{1,2}):(\d{2})(?:[.,](\d+))?\s*$", str(ts or ""))
    if not m:
        return None
    return int(m[1] or 0) * 3600 + int(m[2]) * 60 + int(m[3]) + float("0." + (m[4] or "0"))


def cited_seconds(answer: dict) -> list[float]:
    """Seconds of every citation; the answer's inline [hh:mm:ss] markers only when it has no "citations" list."""
    if not isinstance(answer.get("citations"), list):
        times = (seconds_of(m[1]) for m in INLINE_TIME.finditer(answer.get("answer") or ""))
        return [s for s in times if s is not None]
    out = []
    for c in answer["citations"]:
        if not isinstance(c, dict):
            continue
        s = c.get("seconds")
        s = float(s) if isinstance(s, (int, float)) and not isinstance(s, bool) else seconds_of(c.get("timestamp"))
        if s is not None:
            out.append(s)
    return out


def abstained(answer: dict) -> bool:
    """The answer's "abstained" flag, else whether its text says the transcript does not say."""
    if isinstance(answer.get("abstained"), bool):
        return answer["abstained"]
    return bool(ABSTAINED.search(answer.get("answer") or ""))


def content_words(text: str | None) -> list[str]:
    """Lower-case words and numbers, stop words (and fillers) left out.

    >>> content_words("The remote, uh, has 3 buttons.")
    ['remote', '3', 'buttons']
    """
    return [w for w in TOKEN.findall((text or "").lower()) if w not in STOPWORDS]


def rouge1_recall(gold: str | None, system: str | None) -> float:
    """Share of the gold answer's content words (counts clipped) found in the system answer, its
    [hh:mm:ss] markers removed.

    >>> rouge1_recall("Red buttons, red case.", "A red case [00:01:02].")  # red (1 of 2), case; no buttons
    0.5
    """
    g = Counter(content_words(gold))
    if not g:
        return 0.0
    s = Counter(content_words(INLINE_TIME.sub(" ", system or "")))
    return sum(min(n, s[w]) for w, n in g.items()) / sum(g.values())


def in_windows(seconds: float, windows: Sequence[Sequence[float]], tol: float = 0.0) -> bool:
    """Whether a moment lies in a gold window widened by `tol` on both sides (closed intervals).

    >>> in_windows(10.0, [[0, 5], [10, 20]]), in_windows(6.0, [[0, 5]]), in_windows(6.0, [[0, 5]], tol=1)
    (True, False, True)
    """
    return any(lo - tol <= seconds <= hi + tol for lo, hi in windows)


def _answerable(rows: Sequence[dict]) -> list[dict]:
    return [r for r in rows if not r.get("unanswerable")]


def _said(r: dict) -> bool:
    """Answered: neither missing nor abstained."""
    return not r.get("missing") and not abstained(r)


def _cites(r: dict) -> list[float]:
    return [] if r.get("missing") else cited_seconds(r)


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def cite_in_window(rows: Sequence[dict], tol: float = 0.0) -> float | None:
    """Share of answerable questions with at least one citation inside a gold window."""
    ans = _answerable(rows)
    return _share(sum(any(in_windows(s, r["windows"], tol) for s in _cites(r)) for r in ans), len(ans))


def cite_precision(rows: Sequence[dict], tol: float = 0.0) -> float | None:
    """Share of the citations given to answerable questions that lie inside a gold window of their question."""
    cites = [(s, r["windows"]) for r in _answerable(rows) for s in _cites(r)]
    return _share(sum(in_windows(s, w, tol) for s, w in cites), len(cites))


def row_rouge1(r: dict) -> float:
    """ROUGE-1 recall of one row's answer; 0 when it is missing or abstained."""
    return rouge1_recall(r.get("reference"), r.get("answer")) if _said(r) else 0.0


def mean_rouge1_recall(rows: Sequence[dict]) -> float | None:
    """Mean ROUGE-1 recall over answerable questions (abstained or missing answers score 0)."""
    ans = _answerable(rows)
    return _share(sum(row_rouge1(r) for r in ans), len(ans))


def rouge1_recall_answered(rows: Sequence[dict]) -> float | None:
    """Mean ROUGE-1 recall over the answerable questions answered (not missing, not abstained)."""
    said = [r for r in _answerable(rows) if _said(r)]
    return _share(sum(row_rouge1(r) for r in said), len(said))


def false_abstention(rows: Sequence[dict]) -> float | None:
    """Share of answerable questions abstained on."""
    ans = _answerable(rows)
    return _share(sum(not r.get("missing") and abstained(r) for r in ans), len(ans))


def refusals(rows: Sequence[dict]) -> float | None:
    """Share of unanswerable questions abstained on (None when there are none)."""
    unans = [r for r in rows if r.get("unanswerable")]
    return _share(sum(not r.get("missing") and abstained(r) for r in unans), len(unans))


def score_span(row: dict) -> dict:
    """Fill in the scores of one span-gold row kept for reading (the tables recompute them): its ROUGE-1
    recall and how many of its citations lie in a gold window."""
    if not row.get("unanswerable"):
        row["rouge1_recall"] = row_rouge1(row)
        row["in_window"] = sum(in_windows(s, row["windows"]) for s in _cites(row))
    return row


def span_summary(rows: Sequence[dict], tol: float = 0.0) -> dict:
    """Every span metric of a set of rows, rounded to 3 places as the scorer prints them."""
    ans = _answerable(rows)
    figures = {
        "answerable": len(ans), "unanswerable": len(rows) - len(ans),
        "missing": sum(bool(r.get("missing")) for r in rows),
        "cite_in_window": cite_in_window(rows, tol), "cite_precision": cite_precision(rows, tol),
        "citations": sum(len(_cites(r)) for r in ans), "rouge1_recall": mean_rouge1_recall(rows),
        "rouge1_recall_answered": rouge1_recall_answered(rows), "false_abstention": false_abstention(rows),
        "refusals": refusals(rows),
    }
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in figures.items()}
