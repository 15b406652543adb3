"""One small strategy per form of answer: how it is asked for, how much of the transcript it reads, how long it is.

A fact wants the one moment that states it; a summary, a decision, a speaker's opinion or a reason wants
every moment of the meeting that speaks to it, so those forms read the relevant passages *spread* across
the transcript, in order, and answer in several cited sentences.
"""

from __future__ import annotations

from dataclasses import dataclass

from rag.plan import Plan

CITE = "End each sentence with the number of the passage or sentence it comes from in square brackets, like [2]."


@dataclass(frozen=True)
class Form:
    """How one form of question is answered.

    Attributes:
        name: the plan's form.
        ask: what is added after the question (`{who}` is the speakers it names, else "they").
        spread: read every relevant moment, in transcript order, rather than the best few.
        sentences: at most this many answer sentences are kept.
    """

    name: str
    ask: str
    spread: bool = False
    sentences: int = 2

    def instruction(self, plan: Plan) -> str:
        """The words added after the question for this form."""
        who = " and ".join(plan.speakers) if plan.speakers else "they"
        return self.ask.format(who=who)


FORM_TABLE = {
    "fact": Form("fact", "Answer in one short sentence, or two if the question asks two things."),
    "list": Form("list", "Name each item the transcript gives, one short sentence each, at most five.", sentences=5),
    "yesno": Form("yesno", "Begin with Yes or No, then say in one short sentence what the transcript says."),
    "choice": Form("choice", "Say which of the two the transcript supports, in one short sentence."),
    "summary": Form("summary", "Summarize what is said about it in three to five short sentences, each on its own "
                               "point, in the order they come up.", spread=True, sentences=5),
    "decision": Form("decision", "Say what was decided and, where stated, who proposed it and why, in one to three "
                                 "short sentences.", spread=True, sentences=3),
    "opinion": Form("opinion", "Say what {who} said or thought about it, in two or three short sentences.",
                    spread=True, sentences=3),
    "why": Form("why", "Give the reasons the transcript states, in one to three short sentences.", spread=True,
                sentences=3),
}
OVERVIEW = Form("summary", "Give the main points, one short sentence each, at most three.", sentences=3)


def form_for(plan: Plan) -> Form:
    """The strategy of a plan: its form's, or the overview of a time window or the whole recording.

    >>> from rag.plan import Plan
    >>> form_for(Plan("Why?", "Why?", "why", "topic", "Why?")).spread
    True
    """
    if plan.scope == "whole" and plan.form == "summary":
        return OVERVIEW
    return FORM_TABLE[plan.form]


def asked(plan: Plan) -> str:
    """The question as the model is asked it: the question, then the form's instruction and the citation rule.

    >>> from rag.plan import Plan
    >>> asked(Plan("Who led FAIR?", "Who led FAIR?", "fact", "topic", "Who led FAIR?"))
    'Who led FAIR? Answer in one short sentence, or two if the question asks two things. End each sentence with the number of the passage or sentence it comes from in square brackets, like [2].'
    """
    return f"{plan.question} {form_for(plan).instruction(plan)} {CITE}"
