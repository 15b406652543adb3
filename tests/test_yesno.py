"""The yes/no verdict steps (rag/yesno.py) with a scripted model and a fixed embedder: which sentences get asked."""

import numpy as np

from rag.answer import ABSTAIN_TEXT, Answer, Trace
from rag.chunker import Chunk, Hit
from rag.segments import Segment
from rag.yesno import Verdicts

from conftest import ScriptedLLM


def at_cosine(c: float):
    """An embedder that puts the question (first text) at cosine `c` from every other text."""
    def encode(texts):
        first = np.array([1.0, 0.0], dtype=np.float32)
        other = np.array([c, (1 - c * c) ** 0.5], dtype=np.float32)
        return np.stack([first] + [other] * (len(texts) - 1))
    return encode


def refused(question: str, sentence: str) -> Answer:
    seg = Segment("talk", 60, sentence)
    trace = Trace("whole", hits=(Hit(Chunk(0, "talk", (seg,)), 0.5, 0),), passages=((seg,),), drafts=())
    return Answer(text=ABSTAIN_TEXT, abstained=True, question=question, trace=trace,
                  reason="the model found no answer in the transcript")


def test_a_sentence_with_every_word_of_a_question_of_three_words_or_more_gets_asked(settings):
    llm = ScriptedLLM("Answer: Yes")
    verdicts = Verdicts(llm, at_cosine(0.55), settings)  # under yes_no_min_cosine, over yes_no_every_word_cosine
    said = verdicts.closest_verdict(refused("Is it hard to beat Nvidia?", "It is really hard to beat Nvidia with a chip."))
    assert not said.abstained and said.text.startswith("Yes. The transcript says:") and len(llm.prompts) == 1


def test_a_question_of_one_or_two_words_is_not_settled_by_any_sentence_holding_them(settings):
    llm = ScriptedLLM("Answer: No")
    verdicts = Verdicts(llm, at_cosine(0.55), settings)
    said = verdicts.closest_verdict(refused("Is it true?", "It's not true."))  # "true" alone: about anything
    assert said.abstained and llm.prompts == []


def _captions():
    from rag.formats import parse_transcript
    from tests.conftest import ROOT

    path = ROOT / "tests" / "data" / "youtube-autocaptions-agentic-ai.vtt"
    return [s for s in parse_transcript(path.read_text("utf-8"), "captions", str(path)).segments if not s.is_heading]


def test_a_question_the_talk_asks_itself_is_answered_with_its_own_answer():
    from rag.yesno import self_answered

    sentences = _captions()  # "Now is this an agentic AI?" / "The answer is no." and later "Do we call this agentic AI?"
    said, quoted = self_answered("Is a RAG chatbot agentic AI?", sentences)
    assert said == "no" and [s.text for s in quoted] == [
        "Now is this an agentic AI?", "The answer is no.", "This rack based chatboard is actually a workflow."]
    said, quoted = self_answered("Is the tool-augmented chatbot agentic AI?", sentences)
    assert said == "no" and quoted[-1].text == "This is tool augmented chatboard."


def test_a_question_the_talk_asks_itself_answers_only_what_it_asks():
    from rag.yesno import self_answered

    sentences = _captions()
    assert self_answered("Is the RAG chatbot a workflow?", sentences) is None  # the talk asked about agentic AI
    assert self_answered("Is the travel assistant agentic AI?", sentences) is None  # not named near either question
    assert self_answered("Is this agentic AI?", sentences) is None  # both of the talk's questions fit: no guess
    answer = [Segment("t", 1, "The tool is a workflow."), Segment("t", 2, "Is this agentic AI?"),
              Segment("t", 3, "Let me show you.")]
    assert self_answered("Is the tool agentic AI?", answer) is None  # asked, never answered yes or no


def test_the_talks_own_answer_overrules_the_model(settings, embedder):
    from rag.pipeline import Pipeline
    from tests.conftest import ROOT

    captions = str(ROOT / "tests" / "data" / "youtube-autocaptions-agentic-ai.vtt")
    p = Pipeline(settings.with_(paths=(captions,), context="whole"), embedder=embedder, llm=ScriptedLLM("NOT IN TRANSCRIPT"))
    a = p.ask("Is the tool-augmented chatbot agentic AI?")
    assert not a.abstained and a.text.startswith("No. The transcript says: “Do we call this agentic AI?”")
    assert [c.timestamp for c in a.citations] == ["00:01:59", "00:02:02", "00:02:02"]
