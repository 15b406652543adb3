"""What a question gets back: the answer, its verified citations, and how long each step took."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

ABSTAIN_TEXT = "The transcript doesn't say."


@dataclass(frozen=True)
class Citation:
    """One moment of a transcript that supports part of an answer."""

    timestamp: str
    seconds: float
    source: str
    text: str
    line: int = 0
    support: float = 0.0
    speaker: str | None = None

    def to_json(self) -> dict:
        return {"timestamp": self.timestamp, "seconds": self.seconds, "source": self.source, "text": self.text,
                "speaker": self.speaker}


@dataclass(frozen=True)
class AnswerSentence:
    """A sentence of the answer, the citations (indexes into `Answer.citations`) that support it."""

    text: str
    citations: tuple[int, ...] = ()
    supported: bool = False


def plain_text(answer: dict) -> str:
    """An answer's supported sentences without timestamps, from its JSON (`Answer.to_json`).

    >>> plain_text({"answer": "x", "sentences": [{"text": "Yes.", "supported": True}, {"text": "No.", "supported": False}]})
    'Yes.'
    """
    return " ".join(s["text"] for s in answer["sentences"] if s["supported"]) or answer["answer"]


@dataclass(frozen=True)
class Attempt:
    """One model call made for a question, as the trace records it.

    Attributes:
        look: what was read: "whole" (every sentence numbered), "retrieve" (the top passages), "spread" (the
            passages of every relevant moment, in order), "window", "speaker", "after" or "before" (the sentences
            a time, speaker or neighbour question is about).
        reply: the model's reply as it came.
        outcome: "answered", or why this reply was not the answer.
        ms: how long the call and its checks took.
    """

    look: str
    reply: str
    outcome: str
    ms: float = 0.0


@dataclass(frozen=True)
class Trace:
    """What the pipeline computed on the way to an answer, for the evaluation and the UI to read.

    Attributes:
        context: what the kept attempt read (see `Attempt.look`), or "none" when the model was not asked.
        plan: the question as read (`rag.plan.Plan`).
        hits: the retrieved passages, best first.
        passages: what the kept attempt showed the model, by number: `passages[n - 1]` is what `[n]` refers to.
        drafts: the kept reply's sentences as parsed, with the numbers the model cited itself.
        attempts: every model call, in order (at most the plan's budget).
        findings: what the answer checks (`rag.checks`) found, as "check: what" lines.
    """

    context: str
    plan: object = None
    hits: tuple = ()
    passages: tuple = ()
    drafts: tuple = ()
    attempts: tuple[Attempt, ...] = ()
    findings: tuple[str, ...] = ()

    @property
    def first_reply(self) -> str:
        """The first model reply, when a later one was kept."""
        return self.attempts[0].reply if len(self.attempts) > 1 else ""

    def model_cited(self) -> tuple:
        """The sentences the model's own markers pointed at, before verification."""
        return tuple(s for d in self.drafts for n in d.cited for s in self.passages[n - 1])


@dataclass(frozen=True)
class Answer:
    """A cited answer; `abstained` means the transcript does not answer the question."""

    question: str
    text: str
    abstained: bool
    citations: tuple[Citation, ...] = ()
    sentences: tuple[AnswerSentence, ...] = ()
    searched: str = ""
    raw: str = ""
    reason: str = ""
    timings_ms: dict = field(default_factory=dict)
    id: str | None = None
    trace: Trace | None = field(default=None, compare=False, repr=False)

    @property
    def unsupported(self) -> tuple[str, ...]:
        """Sentences the model wrote that the transcript does not support (left out of `text`)."""
        return tuple(s.text for s in self.sentences if not s.supported) if not self.abstained else ()

    @property
    def plain(self) -> str:
        """The answer's supported sentences without timestamps (what follow-up prompts are given)."""
        return plain_text(self.to_json())

    def to_json(self) -> dict:
        """The JSON shape shared by the CLI (`--json`), the web API and the evaluation."""
        return {
            "id": self.id,
            "question": self.question,
            "answer": self.text,
            "abstained": self.abstained,
            "citations": [c.to_json() for c in self.citations],
            "sentences": [{"text": s.text, "citations": list(s.citations), "supported": s.supported}
                          for s in self.sentences],
            "unsupported": list(self.unsupported),
            "searched": self.searched,
            "context": self.trace.context if self.trace else None,
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
        }


def render(sentences: Sequence[AnswerSentence], citations) -> str:
    """The answer as text: its supported sentences, each followed by its verified `[hh:mm:ss]` times.

    Sentences the transcript does not support are left out of the answer; they stay listed in
    `Answer.unsupported` (shown collapsed as "not found in the transcript").
    """
    parts = []
    for s in sentences:
        if not s.supported:
            continue
        times = dict.fromkeys(citations[i].timestamp for i in s.citations)  # two sentences can share a time
        parts.append(s.text + "".join(f" [{t}]" for t in times))
    return " ".join(parts)
