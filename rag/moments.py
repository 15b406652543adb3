"""The moments that speak of a subject, quoted: what a summary, decision, opinion or reason question gets when no
reply of the model survives verification.

A small model often cannot state what a long, disfluent discussion concluded, and its paraphrase is then
refused. The discussion still happened, and the question asked for it: the answer is the few transcript
sentences that name most of the question's subject (its telling words), closest to the question first, shown
in transcript order as quotes with their speakers and times. Nothing is paraphrased, so every word is the
transcript's own; a subject the transcript never names still gets "The transcript doesn't say."
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from rag.answer import Answer, AnswerSentence, Citation, render
from rag.checks import subject_words
from rag.embedder import Encode
from rag.evidence import Look
from rag.forms import form_for
from rag.plan import Plan
from rag.segments import Segment
from rag.words import word_share

MOST = 3  # quotes in a moments answer
MIN_WORDS = 8  # a shorter sentence ("Yeah, the disks.") quotes a word, not a moment
MIN_SUBJECT_SHARE = 0.6  # of the question's subject, its words weighed (`weights`), that a quoted sentence names


def weights(subject: frozenset[str], sentences: Sequence[Segment]) -> dict[str, float]:
    """How much each subject word tells, among the sentences shown: a word most of them say ("remote control" in a
    meeting about one) little, a word none of them says the most (inverse document frequency).

    >>> s = [Segment("t", i, t) for i, t in enumerate(["The remote is grey.", "A remote.", "A glowing remote."])]
    >>> w = weights(frozenset({"remot", "glow"}), s); w["glow"] > w["remot"]
    True
    """
    n = len(sentences)
    return {w: math.log((n + 1) / (sum(word_share({w}, s.text) > 0 for s in sentences) + 0.5)) for w in subject}


def candidates(passages: Sequence[Sequence[Segment]], subject: frozenset[str], speakers: Sequence[str]) -> list[Segment]:
    """The shown sentences that could be quoted: long enough, by the speakers asked about, and naming most of the
    subject (`MIN_SUBJECT_SHARE` of its words, weighed by how much each tells).

    >>> s = [Segment("t", 1, "We could hire Fey for the wizard study next month, she knows it.", speaker="B"),
    ...      Segment("t", 2, "Yes, hire her.", speaker="A"), Segment("t", 3, "The study runs for a month or so.")]
    >>> [x.start for x in candidates([s], frozenset({"hire"}), [])], candidates([s], frozenset({"hire"}), ["A"])
    ([1], [])
    """
    shown = list({s.key: s for p in passages for s in p if not s.is_heading}.values())
    weight = weights(subject, shown)
    total = sum(weight.values())
    found = []
    for s in shown:
        if len(s.text.split()) < MIN_WORDS or (speakers and s.speaker not in speakers):
            continue
        if sum(weight[w] for w in subject if word_share({w}, s.text) > 0) >= MIN_SUBJECT_SHARE * total:
            found.append(s)
    return found


def quote(s: Segment) -> str:
    """A sentence as quoted in an answer, its speaker named.

    >>> quote(Segment("t", 1, "We keep the disks.", speaker="Grad E")), quote(Segment("t", 1, "It grew."))
    ('Grad E: “We keep the disks.”', '“It grew.”')
    """
    return f"{s.speaker}: “{s.text}”" if s.speaker else f"“{s.text}”"


def moments(question: str, passages: Sequence[Sequence[Segment]], subject: frozenset[str], speakers: Sequence[str],
            encode: Encode, min_closeness: float) -> tuple[tuple[AnswerSentence, ...], tuple[Citation, ...]]:
    """The quoted sentences and their citations (both empty when no shown sentence names the subject closely
    enough: cosine to the question at least `min_closeness`)."""
    if not subject:
        return (), ()
    found = candidates(passages, subject, speakers)
    if not found:
        return (), ()
    vectors = encode([question] + [s.text for s in found])
    close = vectors[1:] @ vectors[0]
    best = [i for i in np.argsort(-close, kind="stable")[:MOST] if close[i] >= min_closeness]
    chosen = sorted((found[i] for i in best), key=lambda s: (s.source, s.char_start, s.start))
    citations = tuple(Citation(s.timestamp, s.start, s.source, s.text, s.line, float(close[found.index(s)]), s.speaker)
                      for s in chosen)
    return tuple(AnswerSentence(quote(s), (n,), True) for n, s in enumerate(chosen)), citations


def moments_text(sentences: Sequence[AnswerSentence], citations: Sequence[Citation]) -> str:
    """The answer's text: a lead, then each quote with its time."""
    return "What the transcript says about it: " + render(sentences, citations)


def quoted_answer(plan: Plan, looks: Sequence[Look], refused: Answer, encode: Encode, min_closeness: float) -> Answer | None:
    """For a summary, decision, opinion or reason about a topic or a speaker whose replies were all refused: the
    moments shown (by any look but the whole transcript) that name its subject, quoted; None when there are none."""
    if not form_for(plan).spread or plan.scope not in ("topic", "speaker"):
        return None
    shown = tuple(p for look in looks if look.name != "whole" for p in look.passages)
    sentences, citations = moments(plan.question, shown, subject_words(plan.topic, plan.speakers), plan.speakers,
                                   encode, min_closeness)
    if not sentences:
        return None
    return replace(refused, text=moments_text(sentences, citations), abstained=False, citations=citations,
                   sentences=sentences, reason="", trace=replace(refused.trace, context="moments", passages=shown))
