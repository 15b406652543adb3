"""Long transcripts prepared once: answered from retrieved passages until their whole-transcript state is saved,
then read whole; the preparation runs with its own engine and reports its progress."""

from __future__ import annotations

import pytest

from rag.pipeline import Pipeline
from rag.prepare import Background, Step, prepare, waiting
from tests.conftest import ROOT, ScriptedLLM

MEETING = ROOT / "tests" / "data" / "ami-es2015b-meeting.txt"


class PreparingLLM(ScriptedLLM):
    """A scripted model with prefix states: `warm` saves one (into `saved`, shared between instances)."""

    def __init__(self, saved: set, reply: str = "NOT IN TRANSCRIPT"):
        super().__init__(reply)
        self.saved = saved
        self.warmed: list[int] = []

    def count_tokens(self, text: str) -> int:
        return len(text) // 4

    def has_state(self, messages, cached_prefix) -> bool:
        return hash(messages[0]["content"]) in self.saved

    def warm(self, messages, cached_prefix, progress=None) -> str:
        total = self.count_tokens(messages[0]["content"])
        for done in range(0, total, 4000):
            progress(min(done + 4000, total), total)
        self.saved.add(hash(messages[0]["content"]))
        self.warmed.append(total)
        return "evaluated"


@pytest.fixture
def long_meeting(settings, embedder, tmp_path):
    saved: set = set()
    answering = PreparingLLM(saved)
    pipeline = Pipeline(settings.with_(paths=(str(MEETING),), cache_dir=tmp_path, context_tokens=20000,
                                       whole_max_tokens=6000), embedder=embedder, llm=answering)
    return pipeline, answering, saved


def test_a_long_meeting_is_retrieved_until_prepared_then_read_whole(long_meeting):
    pipeline, answering, saved = long_meeting
    title = pipeline.transcripts[0].title
    assert 6000 < pipeline.whole_tokens(title) < 20000 - 512 - pipeline.settings.max_new_tokens
    assert pipeline.context_for(title) == "retrieve" and waiting(pipeline) == [title]
    steps: list[Step] = []
    worker = PreparingLLM(saved)  # the preparation's own engine: the answering one stays free
    assert prepare(pipeline, title, worker, steps.append) == "evaluated"
    assert answering.warmed == [] and worker.warmed == [pipeline.whole_tokens(title)]
    assert [s.done for s in steps][-1] == steps[-1].total and all(s.title == title for s in steps)
    assert pipeline.context_for(title) == "whole" and waiting(pipeline) == []


def test_the_background_prepares_with_its_own_engine_and_says_how_far_it_is(long_meeting):
    pipeline, answering, saved = long_meeting
    made: list[PreparingLLM] = []

    def engine(settings):
        made.append(PreparingLLM(saved))
        return made[-1]

    background = Background(pipeline, engine)
    seen = []
    background._report = lambda step: (seen.append(str(step)), setattr(background, "step", step))
    background.start().join(30)
    assert len(made) == 1 and made[0].warmed and answering.warmed == []
    assert seen and seen[0].startswith(pipeline.transcripts[0].title + ": ") and "% of" in seen[0]
    assert background.status() == "" and pipeline.context_for(None) == "whole"
    assert background.start()._thread is None or not background._thread.is_alive()  # nothing waits: no work


def test_a_transcript_too_long_for_the_context_is_never_prepared(settings, embedder, tmp_path):
    pipeline = Pipeline(settings.with_(paths=(str(MEETING),), cache_dir=tmp_path, context_tokens=8192,
                                       whole_max_tokens=6000), embedder=embedder, llm=PreparingLLM(set()))
    assert waiting(pipeline) == [] and pipeline.context_for(None) == "retrieve"


def test_a_failed_preparation_is_shown_and_not_retried(long_meeting):
    pipeline, _, saved = long_meeting
    calls = []

    class Broken(PreparingLLM):
        def warm(self, messages, cached_prefix, progress=None):
            calls.append(1)
            raise RuntimeError("out of memory")

    background = Background(pipeline, lambda settings: Broken(saved))
    background.start().join(30)
    assert calls == [1] and background.status() == "Could not prepare a transcript for fast answers: " \
                                                   "RuntimeError: out of memory"
    assert pipeline.context_for(None) == "retrieve"
