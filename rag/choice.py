"""Questions that offer two options: "Was Mike the CTO of Facebook or Google?" is asked as two yes/no questions.

A small model told to answer only what the transcript states refuses most such questions outright (one option is
nowhere in the transcript, so "the answer to this exact question" seems missing), and when it does pick, it picks
by the order of the options as often as by the transcript. Each option asked on its own ("Was Mike the CTO of
Facebook?", "Was Mike the CTO of Google?") goes through the yes/no checks instead (a verdict from the cited
sentences alone, quoted), and the answer is the one option the transcript says yes to.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from rag.answer import Answer, AnswerSentence
from rag.checks import opens_with_auxiliary, quoting
from rag.citations import STOPWORDS, content_words, word_share

_OR = re.compile(r"\bor\b(?!\s+not\b)", re.I)
_DET = r"(?:a|an|the|its|his|her|their|our|my|your|this|that)"
_PREP = r"(?:in|on|at|for|of|from|with|during|by|to|into|about|after|before|since|than)"
# "did he mention Zapier or n8n?" asks whether either is mentioned, not which
_EITHER = re.compile(r"\b(?:mention(?:s|ed)?|talk(?:s|ed)?\s+about|discuss(?:es|ed)?|sa(?:y|ys|id)|either|whether)\b",
                     re.I)
MAX_OPTION_WORDS = 6


@dataclass(frozen=True)
class Choice:
    """A two-option question.

    Attributes:
        options: the two options, as worded in the question.
        asks: the question with each option alone, in the same order (yes/no questions).
    """

    options: tuple[str, str]
    asks: tuple[str, str]


def alternatives(question: str) -> Choice | None:
    """The two options of a yes/no-shaped question that offers two ("Is X A or B?"), or None.

    The second option runs from "or" to the end of its clause; the first is as many words before "or", less
    the function words it starts with ("in climate or crypto companies": "climate"; a determiner stays when
    the second option has one: "a workflow or an agent").

    >>> alternatives("Was Mike the CTO of Facebook or Google?").asks
    ('Was Mike the CTO of Facebook?', 'Was Mike the CTO of Google?')
    >>> alternatives("Is the router pattern a workflow or an agent?").options
    ('a workflow', 'an agent')
    >>> alternatives("Does Gigascale invest in climate or crypto companies?").asks
    ('Does Gigascale invest in climate?', 'Does Gigascale invest in crypto companies?')
    >>> alternatives("Is AI progress fast or slow, according to him?").asks
    ('Is AI progress fast, according to him?', 'Is AI progress slow, according to him?')
    >>> [alternatives(q) for q in ("Did he mention Zapier or n8n?", "Is AI overhyped or not?",
    ...                            "Which tools, Zapier or n8n?", "How much does Zapier or n8n cost?")]
    [None, None, None, None]
    """
    q = question.strip()
    found = list(_OR.finditer(q))
    if len(found) != 1 or _EITHER.search(q):
        return None
    if m := _WHICH.match(q):
        return _which(m)
    if not opens_with_auxiliary(q):
        return None
    head, tail = q[:found[0].start()].rstrip(" ,;"), q[found[0].end():].lstrip()
    m = re.match(r"([^?,;]+?)\s*((?:[?,;].*)?)$", tail, re.S)
    if not m:
        return None
    second, rest = m[1].strip(), m[2]
    # "Facebook or Google in 2013?": "in 2013" belongs to both options
    parts = second.split()
    cut = next((i for i, w in enumerate(parts) if i and re.fullmatch(_PREP, w, re.I)), len(parts))
    second, rest = " ".join(parts[:cut]), (" " + " ".join(parts[cut:]) if cut < len(parts) else "") + rest
    led = re.match(rf"(?:{_DET}|{_PREP})\s+", second, re.I)  # "an agent", "in the cloud"
    size = 1 if led and re.fullmatch(_PREP, led[0].strip(), re.I) else len(second[led.end() if led else 0:].split())
    words = head.split()
    if not second or size > MAX_OPTION_WORDS or len(words) <= size:
        return None
    span = words[-size:]
    while len(span) > 1 and span[0].lower() in STOPWORDS:
        span = span[1:]
    lead = led[0].strip().lower() if led else ""
    prior = words[-len(span) - 1].lower() if len(words) > len(span) else ""
    if lead and (prior == lead or (re.fullmatch(_DET, lead) and re.fullmatch(_DET, prior))):
        span = words[-len(span) - 1:]  # the first option's own word: "a workflow or an agent", "in X or in Y"
    before = words[:len(words) - len(span)]
    if not before or all(w.lower() in STOPWORDS for w in span):
        return None
    first = " ".join(span)
    return Choice((first, second), (f"{head}{rest}", f"{' '.join(before)} {second}{rest}"))


# "Which mistake has Mike regretted more, overpredicting or underpredicting?": the thing asked for, the clause
# about it, and the two options after the comma
_WHICH = re.compile(r"^\W*(?:which|what)\s+(?P<noun>[\w'’-]+(?:\s+[\w'’-]+){0,3}?)\s+"
                    r"(?P<aux>is|are|was|were|do|does|did|has|have|had|will|would|can|could|should)\s+"
                    r"(?P<rest>[^,?]+?),\s*(?P<a>[^,?]+?)\s+or\s+(?P<b>[^,?]+?)\s*\?*\s*$", re.I)
_SUBJECT = re.compile(r"^(?:(?:he|she|they|it|we|you|i)\b|(?:the|a|an|his|her|their|its|our|this|that)\s+[\w'’-]+"
                      r"|[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*)")


def _which(m: re.Match) -> Choice | None:
    """The yes/no questions of "Which N aux S V …, A or B?": "Is A the N that S aux V …?" ("Is overpredicting the
    mistake that Mike has regretted more?", "Is agno the framework that the demo does use?"); a clause with no
    subject keeps its verb first ("Is the RAG one the chatbot that is agentic?").

    >>> alternatives("Which mistake has Mike regretted more, overpredicting or underpredicting?").asks[1]
    'Is underpredicting the mistake that Mike has regretted more?'
    >>> alternatives("What framework does the demo use, agno or LangChain?").asks[0]
    'Is agno the framework that the demo does use?'
    >>> alternatives("Which chatbot is agentic, the RAG one or the tool one?").asks[0]
    'Is the RAG one the chatbot that is agentic?'
    """
    noun, aux, rest = m["noun"], m["aux"].lower(), m["rest"].strip()
    a, b = m["a"].strip(), m["b"].strip()
    if any(len(o.split()) > MAX_OPTION_WORDS for o in (a, b)):
        return None
    subject = _SUBJECT.match(rest)
    if subject and subject.end() < len(rest):
        clause = f"{rest[:subject.end()]} {aux} {rest[subject.end():].strip()}"
    else:
        clause = f"{aux} {rest}"
    return Choice((a, b), tuple(f"Is {o} the {noun} that {clause}?" for o in (a, b)))


_SETTLED_YES = quoting("yes", [])  # "Yes. The transcript says: ": a verdict of the cited sentences, quoted


def says_yes(answer: Answer) -> bool:
    """Whether an answer to a yes/no question opens with a "Yes" that its cited sentences gave (quoted), not the
    model's own "Yes, …" left standing when the check gave no verdict."""
    said = next((s.text for s in answer.sentences if s.supported), "")
    return not answer.abstained and said.startswith(_SETTLED_YES)


def picked(choice: Choice, answers: Sequence[Answer]) -> tuple[int | None, str]:
    """Which option the answers to `choice.asks` settle on: (its index, "") when the transcript says yes to exactly
    one, else (None, why not).

    Options offered as alternatives, both "supported", means one verdict is wrong: the one kept is the one with a
    quoted sentence that says more of what the question is about, the words both asks share besides the options ("Is
    the RAG chatbot a workflow or an agent?": "RAG chatbot"; a yes to "an agent" quoting a sentence about an AI
    agent in another demo says nothing of the chatbot). When they say as much, it is a refusal.
    """
    yes = [i for i, a in enumerate(answers) if says_yes(a)]
    if len(yes) == 1:
        return yes[0], ""
    if yes:
        subject = (content_words(choice.asks[0]) & content_words(choice.asks[1])) - content_words(" ".join(choice.options))
        said = [max((word_share(subject, c.text) for c in answers[i].citations), default=0.0) for i in yes]
        if subject and said[0] != said[1]:
            return yes[int(said[1] > said[0])], ""
        return None, f"the transcript's sentences say yes to both {choice.options[0]!r} and {choice.options[1]!r}"
    return None, f"the transcript says yes to neither {choice.options[0]!r} nor {choice.options[1]!r}"


def as_chosen(option: str, answer: Answer) -> tuple[AnswerSentence, ...]:
    """The chosen option's yes/no answer with its opening "Yes" replaced by the option ("Facebook. The transcript
    says: “…”")."""
    sentences = list(answer.sentences)
    first = next((i for i, s in enumerate(sentences) if s.supported), None)
    if first is None:
        return tuple(sentences)
    named = option[0].upper() + option[1:]
    sentences[first] = replace(sentences[first], text=re.sub(r"^\W*yes\b[,.!]?", f"{named}.", sentences[first].text,
                                                             count=1, flags=re.I))
    return tuple(sentences)
