"""What the model is shown for a plan: a *look* at the transcript, numbered passages in a fixed order.

A time, neighbour or speaker question reads the sentences it names; a fact reads the best few passages
search finds; a summary, a decision, an opinion or a reason reads the relevant passages spread across the
meeting, in transcript order, so its answer can cite each moment it draws on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from rag.chunker import Hit
from rag.embedder import Encode
from rag.plan import Plan
from rag.segments import Segment
from rag.timecode import format_time
from rag.words import lexical_support

MOST_SENTENCES = 20  # a window or a speaker's turns are shown as at most this many sentences
NEIGHBOURS = 2  # "what comes right after X?" reads this many sentences after (or before) X


@dataclass(frozen=True)
class Look:
    """Numbered passages to show the model.

    Attributes:
        name: "whole", "retrieve", "spread", "window", "speaker", "after" or "before".
        passages: `passages[n - 1]` is what `[n]` in the reply refers to.
        scope: the part of the transcript they are, in words, for the prompt ("" when none).
        refusal: when not empty, nothing can be shown and this says why.
    """

    name: str
    passages: tuple[tuple[Segment, ...], ...]
    scope: str = ""
    refusal: str = ""


def in_order(hits: Sequence[Hit]) -> tuple[tuple[Segment, ...], ...]:
    """The hits' passages in transcript order (by source, then place); passages that overlap are read as one.

    >>> from rag.chunker import Chunk
    >>> a, b, c = Segment("t", 9.0, "Late.", char_start=9), Segment("t", 1.0, "Early."), Segment("t", 5.0, "Mid.", char_start=5)
    >>> [[s.text for s in p] for p in in_order([Hit(Chunk(0, "t", (c, a)), 0.9, 0), Hit(Chunk(1, "t", (b, c)), 0.5, 1)])]
    [['Early.', 'Mid.', 'Late.']]
    """
    ordered = sorted(hits, key=lambda h: (h.chunk.source, h.chunk.sentences[0].char_start, h.chunk.sentences[0].start))
    merged: list[list[Segment]] = []
    for h in ordered:
        if merged and merged[-1][-1].source == h.chunk.source and merged[-1][-1] in h.chunk.sentences:
            merged[-1] += [s for s in h.chunk.sentences if s not in merged[-1]]
        else:
            merged.append(list(h.chunk.sentences))
    return tuple(tuple(p) for p in merged)


def closeness(text: str, sentences: Sequence[Segment], encode: Encode) -> np.ndarray:
    """How close each sentence is to a text: cosine plus the share of the text's words it holds (a short text
    such as "FAIR" embeds poorly, so its words found in the sentence count as much as the cosine)."""
    vectors = encode([text] + [s.text for s in sentences])
    lexical = np.array([lexical_support(text, s.text) for s in sentences], dtype=np.float32)
    return vectors[1:] @ vectors[0] + lexical


def keep_best(sentences: Sequence[Segment], scores: Sequence[float], most: int) -> tuple[Segment, ...]:
    """The `most` sentences with the highest scores, in their own (transcript) order.

    >>> [s.text for s in keep_best([Segment("t", 1, "a"), Segment("t", 2, "b"), Segment("t", 3, "c")], [0.1, 0.9, 0.5], 2)]
    ['b', 'c']
    """
    best = set(np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable")[:most].tolist())
    return tuple(s for i, s in enumerate(sentences) if i in best)


def window_look(plan: Plan, sentences: Sequence[Segment], encode: Encode) -> Look:
    """The sentences of the time window a question names (the closest to its words when there are many)."""
    when = plan.when
    duration = max((s.start for s in sentences), default=0.0)
    words = f"from {format_time(when.start)} to {format_time(when.end)}"
    if sentences and when.start > duration:
        return Look("window", (), words, f"the recording is only {format_time(duration)} long")
    inside = [s for s in sentences if when.start <= s.start <= when.end]
    if not inside:
        return Look("window", (), words, f"no sentence of the transcript is {words}")
    if len(inside) > MOST_SENTENCES:
        bare = plan.topic if plan.topic.strip() else plan.question
        inside = list(keep_best(inside, closeness(bare, inside, encode), MOST_SENTENCES))
    return Look("window", tuple((s,) for s in inside), words)


def neighbour_look(plan: Plan, sentences: Sequence[Segment], encode: Encode) -> Look:
    """The sentences right after (or before) the one closest to what the question places them by."""
    if not sentences:
        return Look(plan.scope, (), "", "the transcript is empty")
    best = int(np.argmax(closeness(plan.anchor, sentences, encode)))
    span = range(best + 1, best + 1 + NEIGHBOURS) if plan.scope == "after" else range(best - NEIGHBOURS, best)
    chosen = [sentences[i] for i in span if 0 <= i < len(sentences) and sentences[i].source == sentences[best].source]
    if not chosen:
        return Look(plan.scope, (), "", f"nothing comes {plan.scope} “{sentences[best].text}”")
    return Look(plan.scope, tuple((s,) for s in chosen), f"{plan.scope} “{sentences[best].text}”")


def speaker_look(plan: Plan, hits: Sequence[Hit], most: int) -> Look:
    """The best passages in which a speaker the question names speaks, in transcript order (others' words kept
    around them: what a speaker answers or is answered is part of what they said)."""
    theirs = [h for h in hits if any(s.speaker in plan.speakers for s in h.chunk.sentences)]
    if not theirs:
        return Look("speaker", (), "", f"{' and '.join(plan.speakers)} say nothing close to the question")
    who = " and ".join(plan.speakers)
    return Look("speaker", in_order(theirs[:most]), f"where {who} {'speak' if len(plan.speakers) > 1 else 'speaks'}")


def search_look(hits: Sequence[Hit], most: int, spread: bool) -> Look:
    """The best `most` passages: best first, or in transcript order when the answer draws on all of them."""
    if spread:
        return Look("spread", in_order(hits[:most]))
    return Look("retrieve", tuple(h.chunk.sentences for h in hits[:most]))


def overview_look(chunks: Sequence, most: int) -> Look:
    """`most` passages evenly spaced across the transcript, in order: what a question about all of it reads when
    the whole transcript does not fit the prompt.

    >>> from rag.chunker import Chunk
    >>> [c[0].start for c in overview_look([Chunk(i, "t", (Segment("t", i, "x"),)) for i in range(10)], 3).passages]
    [0, 4, 9]
    """
    if len(chunks) <= most:
        return Look("spread", tuple(c.sentences for c in chunks))
    picks = sorted({round(i * (len(chunks) - 1) / (most - 1)) for i in range(most)}) if most > 1 else [0]
    return Look("spread", tuple(chunks[i].sentences for i in picks))
