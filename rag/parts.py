"""Questions that ask two things: "Who is X, and what does his firm back?" is asked as two questions.

A small model told to answer briefly answers the first part of such a question and drops the second. Asked
one part at a time (the second as a follow-up of the first, so "his" and "that" keep their meaning), it
answers both, and each part is verified and cited on its own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from rag.answer import Answer, AnswerSentence, Citation

_WH = r"(?:what|why|how|which|who|whom|whose|when|where)"
_OPENS = re.compile(rf"^\W*(?:{_WH}|is|are|was|were|do|does|did|can|could|should|would|will|has|have|had)\b", re.I)
# "and what does it achieve", "and why", "and who founded it" ask; "and what an agent does", "and how it works"
# (a question word, then a determiner or pronoun) are part of the first question
_AND_WH = re.compile(rf",?\s+and\s+(?={_WH}(?![\w'’-])(?!\s+(?:a|an|the|this|that|these|those|he|she|it|they|we|you|i|"
                     rf"his|her|its|their|our|your|my)\b))", re.I)
# "Which agent framework and which model does the demo use?": the first part is a bare "which/what <noun>"
_BARE = re.compile(r"^(?:which|what)(?:\s+[\w'’-]+){1,3}$", re.I)
_AUX = re.compile(r"\b(?:does|did|do|is|are|was|were|has|have|had|can|could|will|would|should)\b", re.I)
# "... and what fine-tuning does?": a clause that ends on its verb ("between A and what B does")
_ENDS_ON_AUX = re.compile(rf"{_AUX.pattern}\W*$", re.I)


def two_parts(question: str) -> tuple[str, str] | None:
    """The two questions a question joins with "and" and a question word, or None for any other question.

    >>> two_parts("Who is Mike Schreer, and what does his current firm back?")
    ('Who is Mike Schreer?', 'What does his current firm back?')
    >>> two_parts("Should a CTO err toward too much or too little capacity, and why?")
    ('Should a CTO err toward too much or too little capacity?', 'Why?')
    >>> two_parts("Which agent framework and which model does the demo use?")
    ('Which agent framework does the demo use?', 'Which model does the demo use?')
    >>> two_parts("Why did Meta open-source PyTorch and Llama?"), two_parts("Tell me who and why.")
    (None, None)
    >>> two_parts("What is RAG and how it works?"), two_parts("What is the gap between a chatbot and what an agent does?")
    (None, None)
    >>> two_parts("What is the difference between RAG and what fine-tuning does?") is None
    True
    >>> two_parts("What are the risks and what are the benefits?")
    ('What are the risks?', 'What are the benefits?')
    >>> two_parts("What happened, and what did he learn from it?")
    ('What happened?', 'What did he learn from it?')
    >>> two_parts("Which framework and what model are used?")
    ('Which framework are used?', 'What model are used?')
    """
    q = question.strip()
    found = list(_AND_WH.finditer(q))
    if not _OPENS.match(q) or len(found) != 1:
        return None
    first, second = q[:found[0].start()].strip(" ,"), q[found[0].end():].strip().rstrip("?").strip()
    if len(first.split()) < 2 or not second or _ENDS_ON_AUX.search(second) \
            or (re.search(r"\bbetween\b", first, re.I) and not re.search(r"\band\b", first, re.I)):
        return None
    aux = _AUX.search(second)
    if _BARE.match(first) and not _AUX.search(first) and aux and second.split()[0].lower() in ("which", "what") \
            and len(second[:aux.start()].split()) >= 2:  # "which model does …": a noun before the verb
        first = f"{first} {second[aux.start():]}"
    return f"{first.rstrip('?')}?", f"{second[0].upper()}{second[1:]}?"


def joined(parts: Sequence[str], answers: Sequence[Answer]) -> tuple[tuple[AnswerSentence, ...], tuple[Citation, ...]]:
    """The answers to the parts as one answer's (sentences, citations): each part's sentences in order, their
    citations renumbered (a moment both parts cite is listed once); a refused part is said, not left out
    (what the model wrote for it was refused, so none of it stays).

    >>> cite = Citation("00:00:35", 35.0, "Talk", "Gigascale invests in climate technology.")
    >>> said = Answer("q", "x", False, (cite,), (AnswerSentence("It backs climate tech.", (0,), True),))
    >>> sentences, citations = joined(["Who is he?", "What does it back?"], [Answer("q", "-", True), said])
    >>> [s.text for s in sentences], [s.citations for s in sentences], len(citations)
    (["The transcript doesn't answer “Who is he?”", 'It backs climate tech.'], [(), (0,)], 1)
    """
    sentences: list[AnswerSentence] = []
    citations: list[Citation] = []
    at: dict[tuple, int] = {}
    for part, answer in zip(parts, answers):
        if answer.abstained:
            sentences.append(AnswerSentence(f"The transcript doesn't answer “{part}”", (), True))
            continue
        index = []
        for c in answer.citations:
            key = (c.source, c.seconds, c.text)
            if key not in at:
                at[key] = len(citations)
                citations.append(c)
            index.append(at[key])
        sentences += [replace(s, citations=tuple(dict.fromkeys(index[i] for i in s.citations)))
                      for s in answer.sentences]
    return tuple(sentences), tuple(citations)
