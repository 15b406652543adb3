"""Read a question once into a frozen plan: what form of answer it wants and what part of the transcript it is about.

Later stages branch on the plan's fields, never on the question text again. The form decides how the answer
is asked for and how much of the transcript it draws on (`rag.forms`); the scope decides which sentences
can be shown: all of them, a time window, what comes right after or before something, or one speaker's turns
and what surrounds them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rag.errors import QuestionError
from rag.segments import Transcript, tokenize
from rag.when import TimeRef, find_time, without_time

_LEAD = r"^\W*(?:(?:so|and|but|ok|okay|well|now|then|also)\b[\s,]*)*"
_AUX = r"(?:is|are|was|were|am|do|does|did|can|could|will|would|should|shall|has|have|had|may|might|must)"
_YES_NO = re.compile(_LEAD + _AUX + r"\b(?!\s+(?:not\s+)?(?:you|i)\s+(?:tell|explain|say|summari[sz]e|list|describe))",
                     re.I)
_OPTIONS = re.compile(r"\b(\w[\w\s'’-]{0,60}?)\s*,?\s+or\s+([\w\s'’-]{1,60}?)\s*\??$", re.I)
_SUMMARY = re.compile(
    r"\b(?:summari[sz]e|sum up|summary|overview|recap|main points|key points|highlights|takeaways)\b"
    r"|^\W*(?:what|how)\s+(?:was|were|is|are)\s+(?:the\s+)?(?:discussion|debate|conversation|presentation)s?\b"
    r"|^\W*what\s+(?:was|were|is|are|got|gets)\s+(?:being\s+)?(?:discussed|said|covered|talked\s+about)\b"
    r"|^\W*(?:what|how)\s+did\s+(?:the\s+)?(?:group|team|meeting|committee|they|we|participants|members|panel)\s+"
    r"(?:discuss|talk|say|cover|think|hold|view)", re.I)
_DECISION = re.compile(r"\b(?:decide[ds]?|decision|decisions|agreed?|agreement|finali[sz]e[ds]?|conclu(?:de[ds]?|sion)"
                       r"|settled?\s+on|chose|chosen|opted)\b", re.I)
_WHY = re.compile(r"^\W*why\b|\bwhy\s+(?:did|does|do|is|was|were|are|would|should)\b|\breasons?\s+(?:for|why|behind)\b"
                  r"|\bhow\s+come\b", re.I)
_OPINION = re.compile(
    r"\b(?:think|thinks|thought|feel|feels|felt|believe[sd]?|propose[sd]?|recommend(?:s|ed)?|suggest(?:s|ed)?|mean|meant"
    r"|contribute[sd]?|argue[sd]?|prefer(?:s|red)?|opinions?|views?|perspective|position|stance|comments?|find|found"
    r"|learn(?:ed|t)?|want(?:s|ed)?|say|says|said)\b", re.I)
_LIST = re.compile(r"^\W*(?:list|name|enumerate)\b|^\W*(?:what|which)\s+(?:are|were)\s+(?:the\s+)?(?:\w+\s+){0,3}\w+s\b"
                   r"|^\W*(?:what|which)\s+(?:\w+\s+){0,2}(?:tools|examples|steps|things|ways|features|functions|points"
                   r"|components|options|languages|companies|products|models|ideas|problems|issues|challenges)\b", re.I)
_NEIGHBOUR = re.compile(r"\b(?P<close>right|just|immediately|directly)?\s*(?P<dir>after|before)\s+(?:(?:he|she|they|the\s+"
                        r"(?:speaker|presenter|host|guest))\s+)?(?:(?:talks?|talked|speaks?|spoke)\s+about\s+|mentions?\s+"
                        r"|mentioning\s+|discuss(?:es|ed|ing)?\s+|(?:is|was)\s+done\s+with\s+)?(?:the\s+(?:part|bit|"
                        r"section|remark|quote|mention|point)s?\s+(?:about|on|of|where|that)\s+)?(?P<anchor>[^?]+?)\s*\??$",
                        re.I)
_SPOKEN_BEFORE = re.compile(r"\b(?:say|says|said|talk|talks|talked|discuss|discussed|cover|covers|covered|mention|"
                            r"mentions|mentioned|comes?|came|is\s+said|was\s+said)\b[^?]*\b(?:right|just|immediately|"
                            r"directly|next)?\s*(?:after|before)\b", re.I)
# questions about the recording itself, which every part of it answers (no passage need be close to them)
_RECORDING = re.compile(r"^\W*(?:who\s+(?:is|are|was|were)\s+(?:the\s+)?(?:guests?|speakers?|hosts?|interviewers?|"
                        r"interviewees?|presenters?|participants?|people\s+(?:speaking|talking))\b|what\s+(?:is|was|are|"
                        r"were)\s+(?:this|the|these)\s+(?:video|talk|interview|podcast|episode|recording|meeting|transcript|"
                        r"lecture|conversation|discussion|session)s?\s+about\b|what\s+(?:is|was)\s+(?:it|this)\s+about\b)",
                        re.I)
# the frame of a question about a discussion ("Summarize the discussion about", "What did X think of"): searched
# without it, the subject alone is closer to the passages that discuss it
_FRAME = re.compile(r"^\W*(?:summari[sz]e|what|how|why|who)\b.*?\b(?:about|on|of|towards|regarding|think|say|said|"
                    r"discuss(?:ed)?|propose|recommend|mean|finali[sz]e)\s+(?:the\s+)?", re.I)
_TITLES = frozenset("am mp dr mr mrs ms prof the".split())
_ASKING = re.compile(_LEAD + r"(?:(?:can|could|would)\s+you\s+(?:please\s+)?(?:tell\s+(?:me|us)\s+)?|please\s+"
                     r"|tell\s+(?:me|us)\s+)?", re.I)
MAX_QUESTION_CHARS = 1000
_FOLLOW_UP = re.compile(r"^(and|but|so|what about|how about|also)\b|\b(he|she|they|him|her|them|it|that|this|those|these|his|their)\b", re.I)


def check_question(question: str) -> str:
    """Return the question stripped, or raise QuestionError naming what is wrong."""
    if not isinstance(question, str) or not question.strip():
        raise QuestionError("the question is empty: type a question about the transcript")
    if len(question) > MAX_QUESTION_CHARS:
        raise QuestionError(f"the question is {len(question)} characters long; keep it under {MAX_QUESTION_CHARS}")
    return question.strip()


def search_query(question: str, history: Sequence[tuple[str, str]]) -> str:
    """The text to search with: a short follow-up is searched together with the previous question.

    >>> search_query("And what about chips?", [("What does Gigascale invest in?", "Climate tech.")])
    'What does Gigascale invest in? And what about chips?'
    """
    if history and len(question.split()) <= 12 and _FOLLOW_UP.search(question):
        return f"{history[-1][0]} {question}"
    return question


FORMS = ("fact", "list", "yesno", "choice", "summary", "decision", "opinion", "why")


@dataclass(frozen=True)
class Plan:
    """A question as read once.

    Attributes:
        question: as asked.
        searched: what retrieval searches with (the time phrase left out; a short follow-up joined to the
            question before it).
        form: one of `FORMS`.
        scope: "whole", "window", "after", "before", "speaker" or "topic".
        topic: the question without its time phrase: what the answer must be about.
        speakers: the transcript's speakers the question names, in the transcript's spelling.
        when: the time the question names (scope "window").
        anchor: what a neighbour question places its answer after or before (scope "after"/"before").
        options: the two options a "this or that?" question offers (form "choice").
    """

    question: str
    searched: str
    form: str
    scope: str
    topic: str
    speakers: tuple[str, ...] = ()
    when: TimeRef | None = None
    anchor: str = ""
    options: tuple[str, ...] = ()


def form_of(question: str) -> str:
    """The form of answer a question asks for (see `FORMS`).

    >>> [form_of(q) for q in ("Summarize the discussion about colour.", "Why did they drop the LCD?",
    ...  "What was decided about the logo?", "What did the Professor think about hiring Fey?",
    ...  "Is it made of rubber or plastic?", "Does he invest in chips?", "Which tools does he use?",
    ...  "Who led FAIR?")]
    ['summary', 'why', 'decision', 'opinion', 'choice', 'yesno', 'list', 'fact']
    """
    if _YES_NO.match(question):
        return "choice" if _OPTIONS.search(question) and not re.search(r"\bor\s+not\b", question, re.I) else "yesno"
    question = _ASKING.sub("", question, count=1)  # "So, can you tell me what …" is "what …"
    if _WHY.search(question):
        return "why"
    if _SUMMARY.search(question):
        return "summary"
    if _DECISION.search(question):
        return "decision"
    if re.match(r"^\W*(?:what|how)\b", question, re.I) and _OPINION.search(question) and re.search(
            r"\b(?:did|does|do|was|is|were)\s+(?:the\s+)?[A-Z]\w*|\w+['’]s?\s+(?:opinion|view|perspective|comment)",
            question):
        return "opinion"
    return "list" if _LIST.search(question) else "fact"


def _label_words(speaker: str) -> set[str]:
    return {w for w in tokenize(speaker) if len(w) > 1 and w not in _TITLES}


def speakers_named(question: str, speakers: Sequence[str]) -> tuple[str, ...]:
    """The speakers a question names: the whole label, or a word no other label has that is the label's last
    (its head: "manager", "professor") or that the question capitalises (a name: "Carol").

    >>> speakers_named("What did Grad D and the Professor think?", ["Grad D", "Grad A", "Professor B"])
    ('Grad D', 'Professor B')
    >>> speakers_named("What did the product manager say?", ["Project Manager", "Marketing"])
    ('Project Manager',)
    >>> speakers_named("What did Grad E say?", ["Grad D", "Grad A"])
    ()
    """
    words = set(tokenize(question))
    capitalised = {w.lower() for w in re.findall(r"(?<!^)(?<![.?!] )\b[A-Z][a-z]+", question)}
    labels = {s: _label_words(s) for s in speakers}
    named = []
    for speaker, own in labels.items():
        others = set().union(*(w for s, w in labels.items() if s != speaker))
        heads = [w for w in tokenize(speaker) if w in own][-1:]
        telling = (own - others) & words & (set(heads) | capitalised)
        if own and (re.search(rf"\b{re.escape(speaker)}\b", question, re.I) or telling):
            named.append(speaker)
    return tuple(named)


def _neighbour(question: str) -> tuple[str, str] | None:
    """("after" | "before", what it is placed by) for "what does he say right after X?", else None."""
    if not _SPOKEN_BEFORE.search(question) or not (m := _NEIGHBOUR.search(question)):
        return None
    anchor = re.sub(r"^(?:the|a|an)\s+", "", m["anchor"].strip(), flags=re.I)
    return (m["dir"].lower(), anchor) if anchor and len(anchor.split()) <= 12 else None


def read_question(question: str, transcripts: Sequence[Transcript], searched: str | None = None) -> Plan:
    """The plan of a question about `transcripts` (`searched`: the search text, when a follow-up extends it)."""
    sentences = [s for t in transcripts for s in t.segments if not s.is_heading]
    duration = max((s.start for s in sentences), default=0.0)
    form = form_of(question)
    when = find_time(question, duration or None)
    topic = without_time(question) if when else question
    searched = searched or question
    if when:
        searched = without_time(searched) or searched
    if form in ("summary", "decision", "opinion", "why"):
        searched = _FRAME.sub("", searched, count=1) or searched
    speakers = speakers_named(question, sorted({s.speaker for s in sentences if s.speaker}))
    options = ()
    if form == "choice" and (m := _OPTIONS.search(question)):
        options = (m.group(1).split()[-1] if len(m.group(1).split()) > 3 else m.group(1).strip(), m.group(2).strip())
    if when:
        scope = "window"
    elif neighbour := _neighbour(question):
        return Plan(question, neighbour[1], "fact", neighbour[0], question, speakers, anchor=neighbour[1])
    elif speakers and form in ("opinion", "why", "fact", "list", "decision"):
        scope = "speaker"
    elif _RECORDING.search(question) or (form == "summary" and not _topic_words(topic)):
        scope = "whole"
    else:
        scope = "topic"
    return Plan(question, searched, form, scope, topic, speakers, when, options=options)


_GENERIC = frozenset("""summarize summarise summary overview recap main key points highlights takeaways discussion
meeting talk video interview podcast transcript episode recording whole discussed said covered what was were is are
the a an of about in this that it give me please briefly""".split())


def _topic_words(topic: str) -> set[str]:
    """A summary question's own subject words ("Summarize the meeting." has none).

    >>> sorted(_topic_words("Summarize the discussion about the remote's colour."))
    ['colour', 'remote', 's']
    """
    return {w for w in tokenize(topic) if w not in _GENERIC}
