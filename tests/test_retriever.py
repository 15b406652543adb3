"""Retrieval with the real embedding model over the seed: paraphrased questions find the right moment."""

import pytest

from rag.retriever import Retriever

PARAPHRASES = [
    ("What kind of startups does the guest's fund back?", "00:00:35"),
    ("When did he begin doing AI work at Facebook?", "00:13:37"),
    ("Why did Meta give away foundational AI software for free?", "00:15:56"),
    ("How did Meta change the way it got its data center equipment?", "00:21:20"),
    ("Does he expect the job of a CTO to change much?", "00:39:40"),
    ("How could AI change how big engineering teams are?", "00:41:50"),
]


@pytest.mark.parametrize("mode", ["dense", "hybrid"])
@pytest.mark.parametrize("question, moment", PARAPHRASES)
def test_paraphrased_question_retrieves_the_moment(embedder, seed_index, mode, question, moment):
    hits = Retriever(embedder, seed_index, mode).search(question, 4)
    times = [s.timestamp for h in hits[:3] for s in h.chunk.sentences]
    assert moment in times
    assert [h.rank for h in hits] == list(range(len(hits)))


def test_scores_are_cosines_best_first(embedder, seed_index):
    hits = Retriever(embedder, seed_index).search("What does Gigascale invest in?", 4)
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert 0.4 < scores[0] <= 1.0


def test_off_topic_question_scores_low(embedder, seed_index):
    hits = Retriever(embedder, seed_index).search("Who won the football world cup in 2022?", 4)
    assert hits[0].score < 0.3


def test_bad_mode():
    with pytest.raises(ValueError, match="retriever"):
        Retriever(None, None, "sparse")
