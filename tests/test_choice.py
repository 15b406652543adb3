"""Two-option questions ("Was Mike the CTO of Facebook or Google?"): the parse, the pick, and the pipeline."""

import pytest

from rag.answer import Answer, AnswerSentence, Citation
from rag.choice import alternatives, as_chosen, picked

CITE = Citation("00:00:31", 31.0, "Talk", "Mike Schreer, former CTO at Facebook.")


def said(text: str, abstained: bool = False) -> Answer:
    return Answer("q", text, abstained, (CITE,) if not abstained else (),
                  (AnswerSentence(text, (0,), True),) if not abstained else ())


@pytest.mark.parametrize("question, options, asks", [
    ("Was Mike the CTO of Facebook or Google?", ("Facebook", "Google"),
     ("Was Mike the CTO of Facebook?", "Was Mike the CTO of Google?")),
    ("Is the RAG chatbot a workflow or an agent?", ("a workflow", "an agent"),
     ("Is the RAG chatbot a workflow?", "Is the RAG chatbot an agent?")),
    ("Will AI tools make teams bigger or smaller?", ("bigger", "smaller"),
     ("Will AI tools make teams bigger?", "Will AI tools make teams smaller?")),
    ("So, is AI progress fast or slow, according to him?", ("fast", "slow"),
     ("So, is AI progress fast, according to him?", "So, is AI progress slow, according to him?")),
    ("Which capacity-planning mistake has Mike regretted more, overpredicting or underpredicting?",
     ("overpredicting", "underpredicting"),
     ("Is overpredicting the capacity-planning mistake that Mike has regretted more?",
      "Is underpredicting the capacity-planning mistake that Mike has regretted more?")),
    ("What framework does the demo use, agno or LangChain?", ("agno", "LangChain"),
     ("Is agno the framework that the demo does use?", "Is LangChain the framework that the demo does use?")),
    ("Did Mike work at Facebook or Google in 2013?", ("Facebook", "Google"),  # a qualifier both options share
     ("Did Mike work at Facebook in 2013?", "Did Mike work at Google in 2013?")),
    ("Is Mike the CEO or CTO of Gigascale?", ("CEO", "CTO"), ("Is Mike the CEO of Gigascale?", "Is Mike the CTO of Gigascale?")),
    ("Is the data stored locally or in the cloud?", ("locally", "in the cloud"),
     ("Is the data stored locally?", "Is the data stored in the cloud?")),
    ("Was the demo in Python or in JavaScript?", ("in Python", "in JavaScript"),
     ("Was the demo in Python?", "Was the demo in JavaScript?")),
    ("Was Mike the CTO of Facebook, or Google?", ("Facebook", "Google"),
     ("Was Mike the CTO of Facebook?", "Was Mike the CTO of Google?")),
])
def test_a_two_option_question_is_asked_one_option_at_a_time(question, options, asks):
    choice = alternatives(question)
    assert choice is not None and choice.options == options and choice.asks == asks


@pytest.mark.parametrize("question", [
    "Did he mention Zapier or n8n?",            # whether either is mentioned, not which
    "Is AI overhyped or not?",                  # a yes/no question
    "Which low-code or no-code tools does he mention?",
    "Which tools, Zapier or n8n?",              # no clause to ask the options in
    "How much does Zapier or n8n cost?",
    "Is it A or B or C?",                       # more than two
    "Does it use " + " ".join(["x"] * 8) + " or " + " ".join(["y"] * 8) + "?",  # options too long to split
    "Or what?",
])
def test_other_questions_with_or_are_not_two_option_questions(question):
    assert alternatives(question) is None


def test_the_option_the_transcript_says_yes_to_is_picked():
    choice = alternatives("Was Mike the CTO of Facebook or Google?")
    yes, no, refused = said("Yes. The transcript says: “…”"), said("No. The transcript says: “…”"), said("-", True)
    assert picked(choice, [yes, refused]) == (0, "") and picked(choice, [no, yes]) == (1, "")
    assert picked(choice, [refused, refused])[0] is None and "neither" in picked(choice, [no, refused])[1]
    assert picked(choice, [yes, yes])[0] is None and "both" in picked(choice, [yes, yes])[1]
    unsettled = said("Yes, he was the CTO of Google.")  # the model's own "Yes", no verdict of its sentences
    assert picked(choice, [refused, unsettled])[0] is None


def test_of_two_yeses_the_one_whose_sentences_speak_of_the_question_is_picked():
    choice = alternatives("Is the RAG chatbot a workflow or an agent?")

    def yes_from(text: str) -> Answer:
        return Answer("q", "Yes. The transcript says: “…”", False, (Citation("00:01:00", 60.0, "Talk", text),),
                      (AnswerSentence("Yes. The transcript says: “…”", (0,), True),))

    chatbot = yes_from("This rack based chatboard is actually a workflow.")  # misheard, still the RAG chatbot
    elsewhere = yes_from("And then it will trigger this AI agent which has a chat model.")
    assert picked(choice, [chatbot, elsewhere]) == (0, "") and picked(choice, [elsewhere, chatbot]) == (1, "")
    assert picked(choice, [elsewhere, elsewhere])[0] is None  # as much said of the chatbot: a refusal
    options_only = alternatives("Is it a workflow or an agent?")  # nothing but the options: no subject to weigh
    assert picked(options_only, [chatbot, elsewhere])[0] is None


def test_the_chosen_option_replaces_the_yes():
    sentences = as_chosen("a workflow", said("Yes. The transcript says: “This is actually a workflow.”"))
    assert sentences[0].text == "A workflow. The transcript says: “This is actually a workflow.”"
    assert sentences[0].citations == (0,) and sentences[0].supported


class RoutingLLM:
    """A deterministic stand-in that answers by what the last message asks: the first rule whose text it holds."""

    name = "routing"

    def __init__(self, rules: list[tuple[str, str]], default: str = "NOT IN TRANSCRIPT"):
        self.rules, self.default, self.prompts = rules, default, []

    def generate(self, messages, cached_prefix=0):
        self.prompts.append(messages)
        asked = messages[-1]["content"]
        yield next((reply for key, reply in self.rules if key in asked), self.default)


@pytest.fixture
def routed(settings, embedder, seed_index):
    from rag.pipeline import Pipeline

    def make(rules):
        return Pipeline(settings.with_(context="whole"), embedder=embedder, llm=RoutingLLM(rules), index=seed_index)

    return make


def test_the_pipeline_answers_the_option_its_sentence_says_yes_to(routed):
    p = routed([("Question: Was Mike the CTO of Facebook?", "Yes, Mike Schreer was the former CTO at Facebook for 9 years. [2]"),
                ("Sentences:", "It says he was CTO at Facebook. Answer: Yes")])
    a = p.ask("Was Mike the CTO of Facebook or Google?")
    assert not a.abstained and a.question == "Was Mike the CTO of Facebook or Google?"
    assert a.text.startswith("Facebook. The transcript says: “Mike Schreer, former CTO at Facebook")
    assert [c.timestamp for c in a.citations] == ["00:00:31"] and a.text.endswith("[00:00:31]")
    asked = [m[-1]["content"] for m in p.llm.prompts]
    assert any(q.endswith("Was Mike the CTO of Facebook?") for q in asked)
    assert any(q.endswith("Was Mike the CTO of Google?") for q in asked)


def test_the_pipeline_refuses_when_neither_or_both_options_hold(routed):
    neither = routed([]).ask("Was Mike the CTO of Amazon or Google?")
    assert neither.abstained and "neither" in neither.reason
    both = routed([("Question: ", "Yes, he was. [2]"), ("Sentences:", "Answer: Yes")])
    a = both.ask("Was Mike a CTO or a founder?")  # both quote the sentence that names him both
    assert a.abstained and "both" in a.reason
    # both yes, one of them quoting sentences that say less of Mike as CTO: the other is kept
    b = routed([("Question: ", "Yes, he was. [2]"), ("Sentences:", "Answer: Yes")]).ask("Was Mike the CTO of Facebook or Meta?")
    assert b.text.startswith("Facebook. The transcript says: “Mike Schreer, former CTO at Facebook")
