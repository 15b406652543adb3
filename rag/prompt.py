"""Prompt building: numbered passages or numbered sentences in, `[n]` markers asked for.

Two context strategies share one contract: the model never sees a timestamp, only numbers, and
whatever it writes is verified afterwards. *retrieve* shows the top-k passages; *whole* shows every
sentence of the selected transcripts, numbered, as a stable system message that the engine computes
once and reuses for every question (the question comes last).
"""

from __future__ import annotations

from collections.abc import Sequence

from rag.segments import Segment, Transcript

NO_ANSWER = "NOT IN TRANSCRIPT"

SYSTEM = (
    "Answer the question using only the numbered transcript passages, briefly and in your own words; do not copy "
    "whole passages. After each sentence, write the number of the passage it comes from in square brackets, like "
    f"[2]. If the passages do not state the answer to this exact question, reply only: {NO_ANSWER}"
)


def passage_text(sentences: Sequence[Segment]) -> str:
    """A passage as the model reads it: sentences joined, a heading ending in ":", a speaker named where a turn
    starts (not before each of its sentences).

    >>> passage_text([Segment("t", 0, "Hi."), Segment("t", 1, "Yes.", speaker="Al"), Segment("t", 2, "No.", speaker="Al")])
    'Hi. Al: Yes. No.'
    """
    parts = []
    speaker = None
    for s in sentences:
        text = s.text + ":" if s.is_heading else s.text
        parts.append(f"{s.speaker}: {text}" if s.speaker and not s.is_heading and s.speaker != speaker else text)
        speaker = s.speaker
    return " ".join(parts)


def _turns(history: Sequence[tuple[str, str]]) -> list[dict]:
    """Earlier (question, answer) turns as chat messages, oldest first."""
    return [m for q, a in history for m in ({"role": "user", "content": q}, {"role": "assistant", "content": a})]


def format_passages(passages: Sequence[Sequence[Segment]]) -> str:
    """Number the passages from 1; name the source only when there are several.

    >>> format_passages([(Segment("talk", 5.0, "Hello."),), (Segment("talk", 9.0, "Bye.", speaker="Al"),)])
    '[1] Hello.\\n[2] Al: Bye.'
    """
    several = len({s.source for p in passages for s in p}) > 1
    lines = []
    for n, sentences in enumerate(passages, start=1):
        prefix = f"({sentences[0].source}) " if several and sentences else ""
        lines.append(f"[{n}] {prefix}{passage_text(sentences)}")
    return "\n".join(lines)


def build_messages(question: str, passages: Sequence[Sequence[Segment]],
                   history: Sequence[tuple[str, str]] = (), scope: str = "") -> list[dict]:
    """Chat messages for the answer model.

    Args:
        question: the user's question as asked.
        passages: the passages to show (each a tuple of sentences), best first; their order gives the numbers.
        history: earlier (question, answer) turns, oldest first, for follow-up questions.
        scope: what part of the transcript the passages are (e.g. "around 00:25:00"), when the question names one.
    """
    messages = [{"role": "system", "content": SYSTEM}, *_turns(history)]
    heading = f"Passages (the transcript {scope}, in order)" if scope else "Passages"
    messages.append({"role": "user", "content": f"{heading}:\n{format_passages(passages)}\n\nQuestion: {question}"})
    return messages


WHOLE_SYSTEM = (
    "You answer questions about the transcript below; its sentences are numbered. Answer only from the "
    "transcript, briefly and in your own words. End each sentence with the number of the transcript sentence it "
    "comes from in square brackets, like [12]. "
    f"If the transcript does not state the answer to this exact question, reply only: {NO_ANSWER}"
)


def number_sentences(transcripts: Sequence[Transcript]) -> tuple[str, list[Segment]]:
    """The transcripts as numbered lines, and the sentences in number order (headings are unnumbered).

    >>> t = Transcript("Talk", "t.txt", (Segment("Talk", 0, "Intro", kind="heading"), Segment("Talk", 5, "Hi.", speaker="Al")))
    >>> text, numbered = number_sentences([t])
    >>> print(text)
    ## Intro
    [1] Al: Hi.
    >>> [s.text for s in numbered]
    ['Hi.']
    """
    lines: list[str] = []
    numbered: list[Segment] = []
    for t in transcripts:
        if len(transcripts) > 1:
            lines.append(f"# Transcript: {t.title}")
        for seg in t.segments:
            if seg.is_heading:
                lines.append(f"## {seg.text}")
                continue
            numbered.append(seg)
            lines.append(f"[{len(numbered)}] {passage_text((seg,))}")
    return "\n".join(lines), numbered


def whole_messages(question: str, numbered_text: str, history: Sequence[tuple[str, str]] = ()) -> list[dict]:
    """Chat messages with the whole numbered transcript first (a stable, cacheable prefix), the question last.

    `numbered_text` comes from `number_sentences`, whose sentence list says what `[n]` in the reply means
    (`numbered[n - 1]`).
    """
    return [{"role": "system", "content": f"{WHOLE_SYSTEM}\n\nTranscript:\n{numbered_text}"}, *_turns(history),
            {"role": "user", "content": f"Question: {question}"}]
