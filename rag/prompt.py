"""Prompt building: numbered passages in, `[n]` markers asked for; the model never sees timestamps."""

from __future__ import annotations

from collections.abc import Sequence

from rag.retriever import Hit

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
