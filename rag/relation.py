"""Questions about how two things relate: "How does generative AI relate to agentic AI?", "What is the difference
between RAG and agents?". An answer that speaks of one of the two only ("Generative AI is related to generating
new data, text, video, images and so on.") restates the sentence nearest the question, not the relation asked
for; the model is asked once more to say how the two relate (`rag.prompt.RELATION_ASK`, `DIFFER_ASK`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.citations import content_words, word_share
from rag.prompt import DIFFER_ASK, RELATION_ASK

_AUX = r"(?:does|do|did|is|are|was|were|can|could|would|will)"
_RELATE = r"(?:relate|related|connect|connected|compare|compared|differ|different|fit|fits)"
_PAIRS = (
    # "How does X relate to Y?", "How is X different from Y?", "How does X compare with Y?", "How does X fit into Y?"
    re.compile(rf"^\W*how\s+{_AUX}\s+(?P<x>.+?)\s+{_RELATE}\s+(?:to|with|from|into|in)\s+(?P<y>[^?,;]+)", re.I),
    # "What is the difference / relationship between X and Y?", "How does he explain the difference between X and Y?"
    re.compile(r"\b(?:difference|differences|relationship|relation|connection|link|distinction)\s+between\s+"
               r"(?P<x>.+?)\s+and\s+(?P<y>[^?,;]+)", re.I),
    # "How do X and Y differ?", "How are X and Y related?"
    re.compile(rf"^\W*how\s+{_AUX}\s+(?P<x>[^?,;]+?)\s+and\s+(?P<y>[^?,;]+?)\s+{_RELATE}\b", re.I),
)
_DET = re.compile(r"^(?:an?|the|this|that|these|those|its|his|her|their|our)\s+", re.I)
# where the second thing ends: another question ("… and what does it do?"), a measure ("… in terms of cost"), or
# the passive's verb ("How was the difference between X and Y explained?")
_SIDE_END = re.compile(r"\s+(?:(?:and\s+|or\s+)?(?:what|when|how|why|where|which|who)\b|in\s+terms\s+of\b|"
                       r"(?:explained|described|discussed|defined|presented|shown|made|drawn|according)\b).*$", re.I)
_DIFFER = re.compile(r"\b(?:differ\w*|distinction|distinguish\w*|compar\w*|versus|vs)\b", re.I)


@dataclass(frozen=True)
class Relation:
    """The two things a question asks the relation of, as worded in the question ("generative AI", "agentic AI").

    Attributes:
        ask: what the model is asked once more when its answer speaks of one of them only.
    """

    first: str
    second: str
    ask: str = RELATION_ASK


def relation_asked(question: str) -> Relation | None:
    """The two things a question asks how they relate or differ, or None (also when their words are the same:
    "AI agent" and "agentic AI" share their stems, so no answer could be told to name one of them only).

    >>> relation_asked("How does generative AI relate to agentic AI?")
    Relation(first='generative AI', second='agentic AI', ask='Say how the two are related.')
    >>> relation_asked("What is the difference between a RAG chatbot and an AI agent?")
    Relation(first='RAG chatbot', second='AI agent', ask='Say how the two differ.')
    >>> relation_asked("How do workflows and agents differ?").first
    'workflows'
    >>> [relation_asked(q) for q in ("How does the router work?", "What is related to AI?",
    ...                              "What is the difference between an AI agent and agentic AI?")]
    [None, None, None]
    """
    for pattern in _PAIRS:
        if m := pattern.search(question):
            first, second = (_DET.sub("", _SIDE_END.sub("", m[k]).strip(" .!")) for k in ("x", "y"))
            if content_words(first) and content_words(second) and content_words(first) != content_words(second):
                return Relation(first, second, DIFFER_ASK if _DIFFER.search(question) else RELATION_ASK)
    return None


def _named(relation: Relation, said: str) -> tuple[bool, bool]:
    """Whether the answer names each of the two things (every content word of it; misheard endings count)."""
    first, second = (word_share(content_words(side), said) == 1.0 for side in (relation.first, relation.second))
    return first, second


def names_both(relation: Relation, said: str) -> bool:
    """Whether an answer names both things.

    >>> names_both(Relation("generative AI", "agentic AI"), "Generative AI is a subcomponent of agentic AI systems.")
    True
    """
    return all(_named(relation, said))


def one_side(relation: Relation, said: str) -> str | None:
    """The one of the two things an answer leaves unsaid when it speaks of the other only, or None (it names both,
    or neither: an answer in other words is not judged here). Misheard endings count, as in the support check.

    >>> r = Relation("generative AI", "agentic AI")
    >>> one_side(r, "Generative AI is related to generating new data.")
    'agentic AI'
    >>> one_side(r, "Generative AI is a subcomponent of agentic AI systems."), one_side(r, "It is part of it.")
    (None, None)
    """
    first, second = _named(relation, said)
    if first != second:
        return relation.second if first else relation.first
    return None
