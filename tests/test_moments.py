"""The quoted moments: what a summary, decision, opinion or reason question gets when every reply is refused."""

from __future__ import annotations

import numpy as np
import pytest

from rag.answer import Answer, Trace
from rag.eval.metrics import own_words
from rag.evidence import Look
from rag.moments import MOST, candidates, moments, quoted_answer, weights
from rag.plan import Plan
from rag.segments import Segment

LINES = [
    ("Marketing", "The fluorescent buttons would glow in the dark so people find the remote at night."),
    ("Project Manager", "The remote control should be cheap to make, under twelve euros."),
    ("Industrial Designer", "A remote control with fewer buttons is easier to hold and to use."),
    ("Marketing", "Users lose the remote control all the time, under the sofa or in the kitchen."),
    ("Industrial Designer", "Fluorescent paint on the buttons adds almost nothing to the cost of the remote."),
    ("Project Manager", "Yes, fluorescent, fine."),
]
SENTENCES = tuple(Segment("m", 10.0 * i, text, speaker=who, char_start=100 * i) for i, (who, text) in enumerate(LINES))


def encode(texts):
    """A deterministic stand-in: bag-of-letters vectors, unit length (closeness is not what is tested here)."""
    out = np.array([[t.lower().count(c) for c in "abcdefghijklmnopqrstuvwxyz"] for t in texts], dtype=np.float32)
    return out / np.linalg.norm(out, axis=1, keepdims=True)


def plan(question: str, form: str = "summary", scope: str = "topic", topic: str | None = None, speakers=()) -> Plan:
    return Plan(question, question, form, scope, topic or question, tuple(speakers))


def test_a_word_every_sentence_says_tells_less_than_a_rare_one():
    w = weights(frozenset({"remot", "fluoresc"}), SENTENCES)
    assert w["fluoresc"] > w["remot"] > 0


def test_candidates_name_the_telling_words_not_only_the_common_ones():
    # "remote" is said all the time; a sentence with it but not "fluorescent" does not speak of the subject
    found = candidates([SENTENCES], frozenset({"fluoresc", "remot"}), [])
    assert [s.start for s in found] == [0.0, 40.0]  # the short "Yes, fluorescent, fine." quotes a word, not a moment


def test_candidates_keep_the_speakers_asked_about():
    found = candidates([SENTENCES], frozenset({"fluoresc"}), ["Industrial Designer"])
    assert [s.speaker for s in found] == ["Industrial Designer"]


def test_moments_are_quoted_in_transcript_order_with_speakers_and_times():
    sentences, citations = moments("What about the remote?", [SENTENCES[::-1]], frozenset({"remot"}), [], encode, -1.0)
    assert 0 < len(sentences) <= MOST
    assert [c.seconds for c in citations] == sorted(c.seconds for c in citations)
    assert all(s.supported and s.text.startswith(f"{c.speaker}: “") for s, c in zip(sentences, citations))
    assert all(c.text in s.text for s, c in zip(sentences, citations))  # the transcript's own words, whole


def test_a_subject_no_sentence_names_gets_no_moments():
    assert moments("What about solar power?", [SENTENCES], frozenset({"solar", "power"}), [], encode, -1.0) == ((), ())
    assert moments("What did they decide?", [SENTENCES], frozenset(), [], encode, -1.0) == ((), ())


def refused(question: str) -> Answer:
    return Answer(question=question, text="The transcript doesn't say.", abstained=True, reason="refused", trace=Trace("spread"))


@pytest.mark.parametrize("form, scope, quoted", [
    ("summary", "topic", True), ("opinion", "speaker", True), ("decision", "topic", True), ("why", "topic", True),
    ("fact", "topic", False), ("list", "topic", False), ("summary", "window", False), ("summary", "whole", False),
])
def test_only_a_summary_decision_opinion_or_why_about_a_topic_or_speaker_is_quoted(form, scope, quoted):
    p = plan("Summarize the discussion about the fluorescent buttons.", form, scope, topic="the fluorescent buttons")
    a = quoted_answer(p, [Look("spread", (SENTENCES,))], refused(p.question), encode, -1.0)
    assert (a is not None) == quoted
    if quoted:
        assert not a.abstained and a.reason == "" and a.trace.context == "moments"
        assert all("luorescent" in c.text for c in a.citations)


def test_the_whole_transcript_look_is_not_quoted_from():
    p = plan("Summarize the discussion about the fluorescent buttons.", topic="the fluorescent buttons")
    assert quoted_answer(p, [Look("whole", tuple((s,) for s in SENTENCES))], refused(p.question), encode, -1.0) is None


def test_a_quote_does_not_count_as_the_answer_stating_a_fact():
    p = plan("Summarize the discussion about the fluorescent buttons.", topic="the fluorescent buttons")
    a = quoted_answer(p, [Look("spread", (SENTENCES,))], refused(p.question), encode, -1.0)
    assert "glow" in a.text and "glow" not in own_words(a.text)


def test_a_pipeline_quotes_the_moments_when_every_reply_is_refused_and_refuses_with_the_switch_off(scripted_pipeline):
    question = "Summarize the discussion about open source."
    a = scripted_pipeline("NOT IN TRANSCRIPT").ask(question)
    assert not a.abstained and a.text.startswith("What the transcript says about it:")
    assert [t.look for t in a.trace.attempts][-1] == "moments" and len(a.trace.attempts) <= 4
    assert a.citations and all("open" in c.text.lower() for c in a.citations)
    assert scripted_pipeline("NOT IN TRANSCRIPT", checks_off=("moments",)).ask(question).abstained


def test_a_summary_of_what_the_transcript_never_names_is_still_refused(scripted_pipeline):
    assert scripted_pipeline("NOT IN TRANSCRIPT").ask("Summarize the discussion about vaping among teenagers.").abstained
