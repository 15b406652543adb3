"""A model reply made into an answer: parsed, verified against what it was shown, checked, cut to its form's
length, or refused with the reason."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from rag.answer import ABSTAIN_TEXT, Answer, AnswerSentence, Trace, render
from rag.checks import Checked, active, admits_all, judge, subject_words
from rag.citations import parse_answer, verify
from rag.embedder import Encode
from rag.evidence import Look
from rag.forms import form_for
from rag.plan import Plan
from rag.prompt import NO_ANSWER

# Ways a small model says "I don't know" besides the exact phrase it was asked for.
_DONT_KNOW = re.compile(
    r"not in (the )?transcript|(passages?|transcript|text) (do|does)( not|n't) (say|mention|contain|provide|specify)"
    r"|no (mention|information)|(is|are) not (mentioned|specified|provided)|i (do not|don't) know|cannot (be )?(determine|answer)",
    re.I)


def says_dont_know(text: str) -> bool:
    """True when the model's reply is a refusal rather than an answer.

    >>> says_dont_know("NOT IN TRANSCRIPT"), says_dont_know("The passages do not mention it."), says_dont_know("Yes [2].")
    (True, True, False)
    """
    return NO_ANSWER.lower() in text.lower() or bool(_DONT_KNOW.search(text))


def kept(sentences: Sequence[AnswerSentence], citations: Sequence, keep: set[int]) -> tuple[tuple, tuple]:
    """The sentences whose indexes are in `keep` (the others marked unsupported), citations renumbered.

    >>> s, c = kept([AnswerSentence("a", (0,), True), AnswerSentence("b", (1,), True)], ["x", "y"], {1})
    >>> [(x.text, x.citations, x.supported) for x in s], c
    ([('a', (), False), ('b', (0,), True)], ('y',))
    """
    used = sorted({c for i, s in enumerate(sentences) if i in keep for c in s.citations})
    new = {old: n for n, old in enumerate(used)}
    out = tuple(AnswerSentence(s.text, tuple(new[c] for c in s.citations), True) if i in keep
                else AnswerSentence(s.text, (), False) for i, s in enumerate(sentences))
    return out, tuple(citations[c] for c in used)


def finish(raw: str, plan: Plan, look: Look, trace: Trace, base: dict, *, encode: Encode, threshold: float,
           checks_off: Sequence[str] = (), about_subject: bool = False) -> Answer:
    """Verify a reply under the active checks: the answer, or the abstention with the reason.

    Args:
        raw: the model's reply.
        plan: the question as read.
        look: what the model was shown.
        trace: the trace so far (the reply's drafts and the checks' findings are added).
        base: the answer's question, searched text and id.
        encode: the embedder, for the support check.
        threshold: the least support that counts.
        checks_off: the checks switched off.
        about_subject: whether the answer must speak of the question's subject (not for a question whose look it
            names itself, a time window or the whole recording).
    """
    def refuse(reason: str, sentences: tuple = ()) -> Answer:  # what was refused is kept, shown as unsupported
        sentences = tuple(AnswerSentence(s.text) for s in sentences)
        return Answer(text=ABSTAIN_TEXT, abstained=True, raw=raw, sentences=sentences, trace=trace, reason=reason,
                      **base)

    if not raw or says_dont_know(raw):
        return refuse("the model found no answer in the transcript")
    checks = active(checks_off)
    drafts = parse_answer(raw, len(look.passages))
    trace = replace(trace, drafts=tuple(drafts))
    read_with = "" if look.name in ("after", "before") else plan.question
    sentences, citations = verify(drafts, look.passages, encode, threshold, question=read_with,
                                  admits=admits_all(checks))
    supported = [i for i, s in enumerate(sentences) if s.supported]
    most = form_for(plan).sentences
    if len(supported) > most:  # the form's length: what comes after its last sentence is left out
        sentences = sentences[: supported[most]]
    keep = set(supported[:most])
    sentences, citations = kept(sentences, citations, keep)
    # the subject is the question's own (a follow-up's searched text holds the question before it too)
    subject = subject_words(plan.topic, plan.speakers) if about_subject else frozenset()
    findings = judge(checks, Checked(plan.question, sentences, citations, subject, plan.options))
    trace = replace(trace, findings=tuple(str(f) for f in findings))
    if whole := [f for f in findings if f.sentence is None]:
        return refuse(f"{whole[0].check}: {whole[0].why}", sentences)
    sentences, citations = kept(sentences, citations, keep - {f.sentence for f in findings})
    if not any(s.supported for s in sentences):
        return refuse("no sentence of the model's answer is supported by the transcript", sentences)
    return Answer(text=render(sentences, citations), abstained=False, citations=citations, sentences=sentences,
                  raw=raw, trace=trace, **base)
