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
    "Answer the question using only the numbered transcript passages. "
    "Give a direct, short answer in one or two sentences in your own words; do not copy whole passages. "
    "After each sentence, write the number of the passage it comes from in square brackets, like [2]. "
    f"If the passages do not state the answer to this exact question, reply only: {NO_ANSWER}"
)


# an overview is asked for at most this many main points (and the answer keeps at most this many sentences)
OVERVIEW_POINTS = 3
_POINTS = "one two three four five".split()[OVERVIEW_POINTS - 1]
# a time question that asks what a part of the transcript says (see `rag.focus.asks_overview`) gets this added
OVERVIEW_ASK = f"Give the main points, one short sentence each, at most {_POINTS}."
# ... when the part is long enough to be shown as that many numbered passages, in order
OVERVIEW_PARTS_ASK = "For each numbered passage, in order, say in one short sentence what the speaker says there, beginning with \"The speaker\"."
# "What kind of company did he found?" answered with a name only is asked once more with this added
KIND_ASK = "Answer with the kind, not a name."
# "How does X relate to Y?" answered about X alone is asked once more with this added ("… differ?": DIFFER_ASK)
RELATION_ASK = "Say how the two are related."
DIFFER_ASK = "Say how the two differ."
# "what is this about?", "summarize the talk": asked of the whole transcript as
SUMMARY_QUESTION = f"What are the main points of the transcript? Give at most {_POINTS}, one short sentence each."
# a question about what comes right before or after something is asked this of the sentences next to it
NEIGHBOUR_QUESTION = "What does this part of the transcript say? Answer briefly."


def passage_text(sentences: Sequence[Segment]) -> str:
    """A passage as the model reads it: sentences joined, a heading ending in ":", speakers named."""
    parts = []
    for s in sentences:
        text = s.text + ":" if s.is_heading else s.text
        parts.append(f"{s.speaker}: {text}" if s.speaker and not s.is_heading else text)
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
            lines.append(f"[{len(numbered)}] {passage_text((seg,))}")
    return "\n".join(lines), numbered


def as_asked(question: str, yes_no: bool) -> str:
    """The question as the model reading the whole transcript is asked it: a yes/no question as "what does
    the transcript say about this", since a small model told to answer only what the transcript states
    refuses a yes/no question whose sentence never says "yes" or "no" (its Yes or No is settled afterwards
    from the cited sentences).

    >>> as_asked("Did Meta keep buying servers?", True)
    'What does the transcript say about this: Did Meta keep buying servers?'
    """
    return f"What does the transcript say about this: {question}" if yes_no else question


def whole_messages(question: str, numbered_text: str, history: Sequence[tuple[str, str]] = ()) -> list[dict]:
    """Chat messages with the whole numbered transcript first (a stable, cacheable prefix), the question last.

    `numbered_text` comes from `number_sentences`, whose sentence list says what `[n]` in the reply means
    (`numbered[n - 1]`).
    """
    return [{"role": "system", "content": f"{WHOLE_SYSTEM}\n\nTranscript:\n{numbered_text}"}, *_turns(history),
            {"role": "user", "content": f"Question: {question}"}]


YES_NO_SYSTEM = (
    "You check yes/no questions against sentences. First restate in a few words what the sentences say on the "
    "question's point. Then end with exactly 'Answer: Yes' or 'Answer: No' (No when the sentences say something "
    "different from the question)."
)


def yes_no_messages(question: str, evidence: Sequence[str]) -> list[dict]:
    """Chat messages asking whether the sentences an answer cites say yes or no to the question.

    The model sees those sentences alone, not the transcript, so its verdict is theirs.
    """
    sentences = "\n".join(evidence)
    return [{"role": "system", "content": YES_NO_SYSTEM},
            {"role": "user", "content": f"Sentences:\n{sentences}\n\nQuestion: {question}"}]
