"""Sentence-aware chunking: windows of whole sentences with overlap, never across transcripts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rag.segments import Segment


@dataclass(frozen=True)
class Chunk:
    """A retrieval unit: consecutive sentences of one transcript, each keeping its own time."""

    id: int
    source: str
    sentences: tuple[Segment, ...]

    @property
    def text(self) -> str:
        """The sentences joined by spaces (what is embedded and shown to the model); a heading ends in ":"."""
        return " ".join(s.text + ":" if s.is_heading else s.text for s in self.sentences)

    @property
    def start(self) -> float:
        """Seconds at which the chunk's first sentence starts."""
        return self.sentences[0].start


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk; `score` is its cosine similarity to the query whatever the retriever."""

    chunk: Chunk
    score: float
    rank: int


def chunk_segments(
    segments: Iterable[Segment], max_chars: int = 400, max_sentences: int = 6, overlap: int = 1
) -> list[Chunk]:
    """Group sentences into overlapping windows.

    A window closes when adding the next sentence would pass `max_chars` or `max_sentences`; the
    next window starts `overlap` sentences before that point. A single sentence longer than
    `max_chars` forms a chunk of its own. Sources are never mixed in one chunk.

    >>> segs = [Segment("t", float(i), f"Sentence {i}.") for i in range(5)]
    >>> [[s.start for s in c.sentences] for c in chunk_segments(segs, max_chars=30, overlap=1)]
    [[0.0, 1.0], [1.0, 2.0], [2.0, 3.0], [3.0, 4.0]]

    Raises:
        ValueError: on settings that could not make progress.
    """
    if max_chars < 1 or max_sentences < 1:
        raise ValueError("max_chars and max_sentences must be at least 1")
    if overlap < 0 or overlap >= max_sentences:
        raise ValueError(f"overlap must be between 0 and max_sentences - 1, got {overlap}")
    chunks: list[Chunk] = []
    by_source: dict[str, list[Segment]] = {}
    for seg in segments:
        by_source.setdefault(seg.source, []).append(seg)
    for source, segs in by_source.items():
        i = 0
        while i < len(segs):
            j, size = i, 0
            while j < len(segs) and j - i < max_sentences:
                extra = len(segs[j].text) + (1 if j > i else 0)
                if j > i and size + extra > max_chars:
                    break
                size += extra
                j += 1
            chunks.append(Chunk(id=len(chunks), source=source, sentences=tuple(segs[i:j])))
            if j >= len(segs):
                break
            i = max(j - overlap, i + 1)
    return chunks
