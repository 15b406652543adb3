"""Prompt building: numbered passages or numbered sentences in, `[n]` markers asked for.

Two context strategies share one contract: the model never sees a timestamp, only numbers, and
whatever it writes is verified afterwards. *retrieve* shows the top-k passages; *whole* shows every
sentence of the selected transcripts, numbered, as a stable system message that the engine computes
once and reuses for every question (the question comes last).
"""

from __future__ import annotations

from collections.abc import Sequence

from rag.retriever import Hit
from rag.segments import Segment, Transcript

NO_ANSWER = "NOT IN TRANSCRIPT"

SYSTEM = (
    "Answer the question using only the numbered transcript passages. "
    "Give a direct, short answer in one or two sentences in your own words; do not copy whole passages. "
    "After each sentence, write the number of the passage it comes from in square brackets, like [2]. "
    f"If the passages do not state the answer to this exact question, reply only: {NO_ANSWER}"
)


def format_passages(hits: Sequence[Hit]) -> str:
    """Number the passages from 1; name the source only when there are several.

    >>> from rag.chunker import Chunk
    >>> from rag.segments import Segment
    >>> hit = Hit(Chunk(0, "talk", (Segment("talk", 5.0, "Hello."),)), 0.9, 0)
    >>> format_passages([hit])
    '[1] Hello.'
    """
    several = len({h.chunk.source for h in hits}) > 1
    lines = []
    for n, hit in enumerate(hits, start=1):
        prefix = f"({hit.chunk.source}) " if several else ""
        lines.append(f"[{n}] {prefix}{hit.chunk.text}")
    return "\n".join(lines)


def build_messages(question: str, hits: Sequence[Hit], history: Sequence[tuple[str, str]] = ()) -> list[dict]:
    """Chat messages for the answer model.

    Args:
        question: the user's question as asked.
        hits: retrieved passages, best first; their order gives the numbers.
        history: earlier (question, answer) turns, oldest first, for follow-up questions.
    """
    messages = [{"role": "system", "content": SYSTEM}]
    for q, a in history:
        messages.append({"role": "user", "content": q})
        messages.append({"role": "assistant", "content": a})
    messages.append({"role": "user", "content": f"Passages:\n{format_passages(hits)}\n\nQuestion: {question}"})
    return messages


WHOLE_SYSTEM = (
    "You answer questions about the transcript below; its sentences are numbered. "
    "Answer only from the transcript, briefly and in your own words: one sentence, or two if the question "
    "asks for two things. End each sentence with the number of the transcript sentence it comes from in "
    "square brackets, like [12]. "
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
            who = f"{seg.speaker}: " if seg.speaker else ""
            lines.append(f"[{len(numbered)}] {who}{seg.text}")
    return "\n".join(lines), numbered


def build_whole_messages(question: str, transcripts: Sequence[Transcript],
                         history: Sequence[tuple[str, str]] = ()) -> tuple[list[dict], list[Segment]]:
    """Chat messages with the whole numbered transcript first (a stable, cacheable prefix), the question last.

    Returns:
        The messages, and the sentences in number order (`[n]` in the reply means `numbered[n - 1]`).
    """
    text, numbered = number_sentences(transcripts)
    messages = [{"role": "system", "content": f"{WHOLE_SYSTEM}\n\nTranscript:\n{text}"}]
    for q, a in history:
        messages.append({"role": "user", "content": q})
        messages.append({"role": "assistant", "content": a})
    messages.append({"role": "user", "content": f"Question: {question}"})
    return messages, numbered
