import pytest

from rag.chunker import chunk_segments
from rag.formats import load_transcript
from rag.segments import Segment
from tests.conftest import SEED


def segs(n, source="t", length=20):
    return [Segment(source, float(i), f"S{i} " + "x" * (length - 4) + ".") for i in range(n)]


@pytest.mark.parametrize("n", [1, 2, 7, 50])
@pytest.mark.parametrize("max_chars, max_sentences, overlap", [(60, 6, 1), (400, 6, 1), (1000, 3, 2), (10, 4, 0)])
def test_invariants(n, max_chars, max_sentences, overlap):
    items = segs(n)
    chunks = chunk_segments(items, max_chars, max_sentences, overlap)
    covered = [s for c in chunks for s in c.sentences]
    assert set(covered) == set(items)  # nothing lost
    assert [c.id for c in chunks] == list(range(len(chunks)))
    for c in chunks:
        assert 1 <= len(c.sentences) <= max_sentences
        assert len(c.text) <= max_chars or len(c.sentences) == 1
        assert [s.start for s in c.sentences] == sorted(s.start for s in c.sentences)  # consecutive, in order
    for a, b in zip(chunks, chunks[1:]):
        shared = set(a.sentences) & set(b.sentences)
        assert len(shared) <= overlap
        assert b.sentences[0].start > a.sentences[0].start  # always progresses


def test_overlap_is_exact_when_windows_are_full():
    chunks = chunk_segments(segs(10), max_chars=10_000, max_sentences=4, overlap=2)
    assert [[int(s.start) for s in c.sentences] for c in chunks] == [[0, 1, 2, 3], [2, 3, 4, 5], [4, 5, 6, 7], [6, 7, 8, 9]]


def test_sources_are_never_mixed():
    chunks = chunk_segments(segs(5, "a") + segs(5, "b"), 10_000, 4, 1)
    assert all(len({s.source for s in c.sentences}) == 1 for c in chunks)
    assert {c.source for c in chunks} == {"a", "b"}


def test_long_sentence_stands_alone():
    long = Segment("t", 0.0, "y" * 900)
    chunks = chunk_segments([long] + segs(2), max_chars=100, max_sentences=5, overlap=1)
    assert chunks[0].sentences == (long,)


@pytest.mark.parametrize("kwargs", [{"max_chars": 0}, {"max_sentences": 0}, {"overlap": 6}, {"overlap": -1}])
def test_bad_settings(kwargs):
    with pytest.raises(ValueError):
        chunk_segments(segs(3), **{"max_chars": 100, "max_sentences": 6, "overlap": 1, **kwargs})


def test_seed_chunks_keep_sentence_times():
    t = load_transcript(SEED)
    chunks = chunk_segments(t.segments)
    gigascale = [c for c in chunks if "Gigascale, invests in companies" in c.text]
    assert gigascale
    sentence = next(s for s in gigascale[0].sentences if "Gigascale, invests" in s.text)
    assert sentence.timestamp == "00:00:35"
