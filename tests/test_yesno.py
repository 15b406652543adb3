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
