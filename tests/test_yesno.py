"""The yes/no verdict steps (rag/yesno.py) with a scripted model and a fixed embedder: which sentences get asked."""

from dataclasses import replace

import numpy as np

from rag.answer import ABSTAIN_TEXT, Answer, AnswerSentence, Citation, Trace
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
    said = verdicts.closest_verdict(refused("Is it hard to beat Nvidia?", "It is really hard to beat Nvidia with a chip."), ())
    assert not said.abstained and said.text.startswith("Yes. The transcript says:") and len(llm.prompts) == 1


def test_a_question_of_one_or_two_words_is_not_settled_by_any_sentence_holding_them(settings):
    llm = ScriptedLLM("Answer: No")
    verdicts = Verdicts(llm, at_cosine(0.55), settings)
    said = verdicts.closest_verdict(refused("Is it true?", "It's not true."), ())  # "true" alone: about anything
    assert said.abstained and llm.prompts == []


def _captions():
    from rag.formats import parse_transcript
    from tests.conftest import ROOT

    path = ROOT / "tests" / "data" / "youtube-autocaptions-agentic-ai.vtt"
    return [s for s in parse_transcript(path.read_text("utf-8"), "captions", str(path)).segments if not s.is_heading]


def test_a_question_the_talk_asks_itself_is_answered_with_its_own_answer():
    from rag.yesno import self_answered

    sentences = _captions()  # "Now is this an agentic AI?" / "The answer is no." and later "Do we call this agentic AI?"
    found = self_answered("Is a RAG chatbot agentic AI?", sentences)
    assert found.said == "no" and [s.text for s in found.sentences] == [
        "Now is this an agentic AI?", "The answer is no.", "This rack based chatboard is actually a workflow."]
    found = self_answered("Is the tool-augmented chatbot agentic AI?", sentences)
    assert found.said == "no" and found.sentences[-1].text == "This is tool augmented chatboard."
    window = frozenset(s.key for s in sentences if s.start < 60)  # "… in the first minute?": the talk's question is in it
    assert self_answered("Is a RAG chatbot agentic AI?", sentences, window).said == "no"
    assert self_answered("Is the tool-augmented chatbot agentic AI?", sentences, window) is None  # asked at 00:01:59


def talk(*lines: str, source: str = "t") -> list[Segment]:
    return [Segment(source, i, line) for i, line in enumerate(lines)]


def test_a_question_the_talk_asks_itself_answers_only_what_it_asks():
    from rag.yesno import self_answered

    sentences = _captions()
    assert self_answered("Is the RAG chatbot a workflow?", sentences) is None  # the talk asked about agentic AI
    assert self_answered("Is the travel assistant agentic AI?", sentences) is None  # not named near either question
    assert self_answered("Is this agentic AI?", sentences) is None  # nothing named: a follow-up's "this" is not the talk's
    assert self_answered("Is a RAG chatbot not agentic AI?", sentences) is None  # negated
    rag = "A RAG chatbot answers from documents."
    assert self_answered("Is the RAG chatbot agentic AI?", talk(rag, "Is this agentic AI?", "Let me show you.")) is None
    for reply in ("No idea, honestly.", "No problem, it runs fine.", "Yes and no.", "Yes or no?", "No matter."):
        assert self_answered("Is the RAG chatbot agentic AI?", talk(rag, "Is this agentic AI?", reply)) is None, reply
    assert self_answered("Is the RAG chatbot agentic AI?", talk(rag, "Is this agentic AI?", "Well, no.")).said == "no"
    # "Is that true?" is about anything; the subject named after the answer must refer back to the question's "this"
    assert self_answered("Is it true that a RAG chatbot is popular?", talk(rag, "Is that true?", "No.")) is None
    assert self_answered("Is the travel assistant agentic AI?", talk(
        rag, "Is this agentic AI?", "No.", "Next, the travel assistant, which plans on its own.")) is None
    # the talk's question and its answer belong to one transcript
    split = talk(rag, "So is this agentic AI?") + talk("Yes, welcome to part two.", source="u")
    assert self_answered("Is the RAG chatbot agentic AI?", split) is None
    # of the sentences naming the subject, the nearest is quoted
    found = self_answered("Is the RAG chatbot agentic AI?", talk(
        "A RAG chatbot is old news.", "We built one.", "This RAG chatbot only retrieves.", "Is this agentic AI?", "No."))
    assert [s.text for s in found.sentences][0] == "This RAG chatbot only retrieves."


def test_the_talks_own_answer_overrules_the_model(settings, embedder):
    from rag.pipeline import Pipeline
    from tests.conftest import ROOT

    captions = str(ROOT / "tests" / "data" / "youtube-autocaptions-agentic-ai.vtt")
    for reply in ("NOT IN TRANSCRIPT", "Yes, the tool augmented chatbot is agentic AI."):
        p = Pipeline(settings.with_(paths=(captions,), context="whole"), embedder=embedder, llm=ScriptedLLM(reply))
        a = p.ask("Is the tool-augmented chatbot agentic AI?")
        assert not a.abstained and a.text.startswith("No. The transcript says: “Do we call this agentic AI?”"), reply
        assert [c.timestamp for c in a.citations] == ["00:01:59", "00:02:02", "00:02:02"]


def test_the_closest_sentence_is_read_with_its_neighbour_holding_the_questions_key_term(settings):
    before = Segment("talk", 816, "Folks I hope now it is clear what exactly is agentic AI.")
    jargon = Segment("talk", 818, "It's just a jargon.")
    transcript = [Segment("talk", 800, "Agentic AI plans."), before, jargon, Segment("talk", 821, "Bye.")]
    trace = Trace("whole", hits=(Hit(Chunk(0, "talk", (before,)), 0.5, 0),), passages=((before,),), drafts=())
    refused_ = Answer(text=ABSTAIN_TEXT, abstained=True, question="Is agentic AI just jargon?", trace=trace,
                      reason="the model found no answer in the transcript")
    llm = ScriptedLLM("Answer: Yes")
    said = Verdicts(llm, at_cosine(0.7), settings).closest_verdict(refused_, transcript)
    assert said.text.startswith("Yes.") and [c.seconds for c in said.citations] == [816, 818]
    assert "It's just a jargon." in llm.prompts[0][-1]["content"]


def test_the_closest_sentence_is_read_on_to_the_sentences_after_it_that_say_the_rest(settings):
    # "The other one is travel assistant." is closest to the question; what it is comes four sentences on
    t = talk("AI coding is an example of an agentic AI system.", "The other one is travel assistant.",
             "You can book a trip to London.", "The weather should be sunny.", "You have a budget.",
             "So now if you have built agentic AI system, it will first prepare a plan.", "Bye.")
    trace = Trace("whole", hits=(Hit(Chunk(0, "t", (t[1],)), 0.5, 0),), passages=tuple((s,) for s in t), drafts=())
    refused_ = Answer(text=ABSTAIN_TEXT, abstained=True, question="Is the travel assistant agentic?",
                      trace=trace, reason="the model found no answer in the transcript")
    llm = ScriptedLLM("Answer: Yes")
    said = Verdicts(llm, at_cosine(0.7), settings).closest_verdict(refused_, t)
    assert said.text.startswith("Yes. The transcript says: “The other one is travel assistant.” … “So now if you")
    assert [c.seconds for c in said.citations] == [1, 5] and "prepare a plan" in llm.prompts[0][-1]["content"]
    # what is read on does not count toward the words the closest sentence itself must hold
    few = replace(refused_, question="Is the code of the travel assistant demo available?")
    assert Verdicts(ScriptedLLM("Answer: Yes"), at_cosine(0.7), settings).closest_verdict(few, t).abstained


def test_a_verdict_is_read_on_before_it_overturns_the_models_yes_or_no(settings):
    t = talk("AI coding is an example of an agentic AI system.", "The other one is travel assistant.",
             "You can book a trip to London.", "So now if you have built agentic AI system, it will first prepare a plan.",
             "Bye.")
    cite = Citation("00:00:01", 1.0, "t", t[1].text)
    found = (Hit(Chunk(0, "t", (t[1],)), 0.5, 0),)  # search ranks the cited sentence for the question

    def answered(own: str, hits=found) -> Answer:
        return Answer(question="Is the travel assistant agentic?", text=f"{own}, it is. [00:00:01]", abstained=False,
                      citations=(cite,), sentences=(AnswerSentence(f"{own}, it is.", (0,), True),),
                      trace=Trace("whole", hits=hits, passages=tuple((s,) for s in t)))

    llm = ScriptedLLM(["Answer: No", "Answer: Yes"])  # the named sentence alone says no; read on, yes
    said = Verdicts(llm, at_cosine(0.7), settings).settle(answered("Yes"), None, lambda: t)
    assert said.text.startswith("Yes. The transcript says: “The other one is travel assistant.” … “So now if you")
    assert [c.seconds for c in said.citations] == [1, 3] and len(llm.prompts) == 2
    assert said.trace.verdict_reply == "Answer: No\nAnswer: Yes"
    llm = ScriptedLLM(["Answer: No", "Answer: No"])  # read on, still no: the cited sentence's verdict stands
    said = Verdicts(llm, at_cosine(0.7), settings).settle(answered("Yes"), None, lambda: t)
    assert said.text.startswith("No. The transcript says: “The other one is travel assistant.”")
    assert [c.seconds for c in said.citations] == [1] and len(llm.prompts) == 2
    llm = ScriptedLLM(["Answer: Yes"])  # the verdict agrees with the model: nothing to read on
    said = Verdicts(llm, at_cosine(0.7), settings).settle(answered("Yes"), None, lambda: t)
    assert said.text.startswith("Yes. The transcript says: “The other one is travel assistant.”")
    assert "So now" not in said.text and [c.seconds for c in said.citations] == [1] and len(llm.prompts) == 1
    llm = ScriptedLLM(["Answer: No", "Answer: Yes"])  # cited to what search does not find: refused, as before
    said = Verdicts(llm, at_cosine(0.7), settings).settle(answered("Yes", hits=()), None, lambda: t)
    assert said.abstained and len(llm.prompts) == 1
