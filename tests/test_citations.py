"""Citation parsing and verification on fixed model outputs (real embedder for the support check)."""

import pytest

from rag.checks import active, admits_all
from rag.chunker import Chunk, Hit
from rag.citations import DraftSentence, parse_answer, verify
from rag.segments import Segment
from rag.words import content_words, lexical_support


@pytest.mark.parametrize("raw, n, expected", [
    ("Gigascale backs climate tech [2].", 3, [("Gigascale backs climate tech.", (2,), ())]),
    ("A claim. [1] Another claim [2][3].", 3, [("A claim.", (1,), ()), ("Another claim.", (2, 3), ())]),
    ("Out of range [7] and zero [0].", 3, [("Out of range and zero.", (), (7, 0))]),
    ("Listed [1, 3].", 3, [("Listed.", (1, 3), ())]),
    ("He said so at [00:13:37] in passage 2.", 3, [("He said so at.", (), ())]),
    ("No markers at all.", 3, [("No markers at all.", (), ())]),
    ("", 3, []),
])
def test_parse_answer(raw, n, expected):
    assert [(d.text, d.cited, d.dropped) for d in parse_answer(raw, n)] == expected


def test_model_written_times_are_never_kept():
    drafts = parse_answer("It started in 2013 [00:13:37]. (12:30) Then more [1].", 2)
    assert all(":" not in d.text.replace("2013", "") for d in drafts)


def test_content_words_and_lexical_support():
    assert content_words("The guest says Python") == {"python"}
    assert lexical_support("Gigascale invests in climate", "Gigascale backs climate startups") == pytest.approx(2 / 3)
    assert lexical_support("the of and", "anything") == 0.0
    # an acronym's plural is its word: "CTOs" is found in "the CTO" (the stemmer keeps "ctos" whole)
    assert lexical_support("What do CTOs need?", "The CTO needs judgment.") == 1.0


def passages():
    a = Chunk(0, "talk", (Segment("talk", 31, "He was the CTO of Facebook for nine years."),
                          Segment("talk", 35, "Gigascale puts its money into companies that fight climate change.")))
    b = Chunk(1, "talk", (Segment("talk", 950, "The lab released Faiss, a library for nearest-neighbour search."),))
    return [a.sentences, b.sentences]


def test_correct_citation_points_at_the_sentence_not_the_chunk(embedder):
    drafts = [DraftSentence("Gigascale invests in companies fighting climate change.", (1,))]
    sentences, cites = verify(drafts, passages(), embedder.encode, 0.55)
    assert sentences[0].supported and [cites[i].timestamp for i in sentences[0].citations] == ["00:00:35"]


def test_wrong_citation_is_replaced_by_the_supporting_sentence(embedder):
    drafts = [DraftSentence("Meta released Faiss for nearest-neighbour search.", (1,))]  # model cited the wrong passage
    sentences, cites = verify(drafts, passages(), embedder.encode, 0.55)
    assert [cites[i].timestamp for i in sentences[0].citations] == ["00:15:50"]


def test_unsupported_sentence_is_flagged_and_uncited(embedder):
    drafts = [DraftSentence("His favourite programming language is Python.", (1,)),
              DraftSentence("He was CTO of Facebook for nine years.", ())]
    sentences, cites = verify(drafts, passages(), embedder.encode, 0.55)
    assert (sentences[0].supported, sentences[0].citations) == (False, ())
    assert sentences[1].supported and cites[sentences[1].citations[0]].seconds == 31  # found without a marker


def test_terse_answer_is_checked_with_its_question(embedder):
    drafts = [DraftSentence("Python.", (2,))]
    sentences, _ = verify(drafts, passages(), embedder.encode, 0.55, question="What is his favourite programming language?")
    assert not sentences[0].supported


def test_a_terse_answer_is_cited_to_one_sentence_not_to_every_sentence_naming_it(embedder):
    named = [(Segment("talk", 31, "Mike Schreer, former CTO at Facebook, shared his insights on AI."),),
             (Segment("talk", 817, "Mike Schreer started working in AI at Facebook in 2013."),),
             (Segment("talk", 2380, "Mike Schreer believes the CTO role will stay similar."),)]
    sentences, cites = verify([DraftSentence("Mike Schreer is the guest.", ())], named, embedder.encode, 0.55,
                              question="Who is the guest?")
    assert sentences[0].supported and len(sentences[0].citations) == 1


def test_a_heading_is_never_cited(embedder):
    heading = Segment("talk", 20, "Strategic Hardware Decisions", kind="heading")
    claim = Segment("talk", 21, "Understanding the supply chain and owning critical parts is crucial.")
    hit = Hit(Chunk(0, "talk", (heading, claim)), 0.9, 0)  # as retrieved, a heading and its first sentence
    sentences, citations = verify([DraftSentence("Strategic hardware decisions.", (1,))], [hit.chunk.sentences], embedder.encode, 0.55)
    assert all(c.text != heading.text for c in citations)


def test_neighbour_pairs_only_within_a_passage_or_between_single_sentence_passages():
    from rag.citations import evidence_units

    s = [Segment("t", float(i), f"Sentence {i}.") for i in range(4)]
    chunked = evidence_units([(s[0], s[1]), (s[2], s[3])])
    assert [tuple(x.start for x in g) for _, g in chunked] == [(0,), (1,), (2,), (3,), (0, 1), (2, 3)]
    numbered = evidence_units([(x,) for x in s])
    assert [(n, tuple(x.start for x in g)) for n, g in numbered if len(g) == 2] == [(1, (0, 1)), (2, (1, 2)), (3, (2, 3))]


CUES = ("per year or what is the policy on seek leave and for this all this policy data you have it available in "
        "PDF files you can build a retrieval augmented",
        "generation chatboard which can simply pull the information from this PDF and answer these questions")


def test_terse_answer_reads_a_caption_sentence_cut_into_two_cues(embedder):
    question = "In what form is the HR policy information available to the first chatbot?"
    cues = [(Segment("captions", 27, CUES[0]),), (Segment("captions", 39, CUES[1] + "."),)]
    sentences, cites = verify([DraftSentence("PDF files", ())], cues, embedder.encode, 0.48, question=question)
    assert sentences[0].supported and cites[0].timestamp == "00:00:27"  # the cue that says it first
    assert {c.timestamp for c in cites} <= {"00:00:27", "00:00:39"}  # nothing but the sentence the cues cut
    joined = [(Segment("captions", 27, "The HR policy information is available to the first chatbot"),),
              (Segment("captions", 39, "in PDF files."),)]
    sentences, _ = verify([DraftSentence("PDF files", ())], joined, embedder.encode, 0.48, question=question)
    assert sentences[0].supported  # the same words as one sentence cut into two cues


def test_a_terse_answer_to_a_question_in_other_words_is_supported(embedder):
    # the question shares few words with the caption; the answer's own words are all there
    question = "Roughly how many people work at the presenter's company?"
    said = [(Segment("captions", 15, "We have 55 plus people and for these people we want to build an HR assistant which "
                     "can answer simple questions on policies such as how many vacation days do they have"),),
            (Segment("captions", 27, "per year or what is the policy on seek leave"),)]
    sentences, cites = verify([DraftSentence("55 plus people.", ())], said, embedder.encode, 0.48, question=question)
    assert sentences[0].supported and [c.timestamp for c in cites] == ["00:00:15"]
    sentences, _ = verify([DraftSentence("70 plus people.", ())], said, embedder.encode, 0.48, question=question)
    assert not sentences[0].supported  # a number the captions do not hold
    sentences, _ = verify([DraftSentence("Mostly engineers.", ())], said, embedder.encode, 0.48, question=question)
    assert not sentences[0].supported  # words the captions do not hold




def test_evidence_rules_rule_out_evidence_that_would_otherwise_support(embedder):
    drafts = [DraftSentence("He was the CTO of Facebook for twelve years.", (1,))]
    loose = verify(drafts, passages(), embedder.encode, 0.55)[0][0]
    strict = verify(drafts, passages(), embedder.encode, 0.55, admits=admits_all(active(())))[0][0]
    assert loose.supported and not strict.supported  # twelve is not the nine the sentence says


def test_a_speakers_own_turn_backs_what_the_answer_says_they_said(embedder):
    turns = [(Segment("m", 12.0, "Rubber feels better in the hand.", speaker="Carol"),)]
    drafts = [DraftSentence("Carol said rubber feels better in the hand.", ())]
    sentences, cites = verify(drafts, turns, embedder.encode, 0.55, admits=admits_all(active(())))
    assert sentences[0].supported and cites[0].speaker == "Carol"  # the name is the turn's label


@pytest.mark.parametrize("drafts", [[], [DraftSentence("Anything at all.", ())]])
def test_nothing_shown_supports_nothing(embedder, drafts):
    sentences, cites = verify(drafts, [], embedder.encode, 0.55)
    assert cites == () and not any(s.supported for s in sentences) and len(sentences) == len(drafts)


def test_a_short_word_misheard_by_speech_recognition_still_counts():
    assert lexical_support("a RAG based chatbot", "this rack based chatboard") == 1.0
    assert lexical_support("a RAG based chatbot", "this rich based chatboard") == pytest.approx(2 / 3)


HR_QUESTION = "Under that classification, where does the RAG-based HR chatbot fall?"
HR_CAPTIONS = [(Segment("captions", 50, "Anthropic has this document on building effective agents and they categorize "
                        "these AI applications into two categories workflows and agents."),),
               (Segment("captions", 60, "This rack based chatboard is actually a workflow."),),
               (Segment("captions", 63, "It is not agentic."),)]


def test_a_pronoun_led_answer_is_read_with_its_question_on_misheard_captions(embedder):
    draft = [DraftSentence("It falls under the category of a workflow.", ())]
    sentences, cites = verify(draft, HR_CAPTIONS, embedder.encode, 0.48, question=HR_QUESTION)
    assert sentences[0].supported and "00:01:00" in [c.timestamp for c in cites]


def test_a_pronoun_led_answer_read_without_its_question_is_unsupported(embedder):
    draft = [DraftSentence("It falls under the category of a workflow.", ())]
    sentences, _ = verify(draft, HR_CAPTIONS, embedder.encode, 0.48)  # without the question "it" is anything
    assert not sentences[0].supported


def test_a_pronoun_led_answer_of_several_facts_may_rest_on_two_cues(embedder):
    # read with its question, but not held to one sentence as a bare fact ("Python.") is
    said = [(Segment("captions", 10, "So for the project we used Python."),),
            (Segment("captions", 13, "And Pinecone with LangChain."),),
            (Segment("captions", 16, "The weather was nice that day."),)]
    draft = [DraftSentence("They used Python, LangChain and Pinecone.", ())]
    sentences, cites = verify(draft, said, embedder.encode, 0.48, question="Which tools did they use for the project?")
    assert sentences[0].supported and [c.timestamp for c in cites] == ["00:00:10", "00:00:13"]


def test_a_bare_fact_may_rest_on_a_misheard_word(embedder):
    said = [(Segment("captions", 60, "So we built a rack chatboard for HR."),)]
    sentences, _ = verify([DraftSentence("A RAG chatbot.", ())], said, embedder.encode, 0.48,
                          question="What did they build for HR first?")
    assert sentences[0].supported


def test_a_sentence_that_supports_a_claim_less_well_is_not_cited_beside_the_best(settings, embedder):
    from rag.pipeline import Pipeline
    from tests.conftest import ROOT, ScriptedLLM

    captions = str(ROOT / "tests" / "data" / "youtube-autocaptions-agentic-ai.vtt")
    reply = "The AI agent in the N8N workflow has attached to it the anthropic chat model."
    p = Pipeline(settings.with_(paths=(captions,), context="whole"), embedder=embedder, llm=ScriptedLLM(reply))
    a = p.ask("What does the AI agent in the n8n workflow have attached to it?")
    # the two cues that say it, not also "Anthropic has this document on building effective agents" (00:00:50),
    # which shares two of its words and scores 0.09 below them
    assert [c.timestamp for c in a.citations] == ["00:10:38", "00:10:49"], [c.timestamp for c in a.citations]


def test_the_prompts_words_for_what_the_model_read_are_not_shown():
    drafts = parse_answer("This part of the transcript says that N8N is a drag-and-drop tool [1]. "
                          "The passage discusses data centers. The passage of time matters.", 2)
    assert [d.text for d in drafts][::2] == ["N8N is a drag-and-drop tool.", "The passage of time matters."]
    assert drafts[0].cited == (1,)


@pytest.mark.parametrize("raw, text", [
    ("The passage says that it is green [2].", "It is green."),
    ("These passages say that Gigascale backs climate tech.", "Gigascale backs climate tech."),
    ("It grows fast (passage 2).", "It grows fast."),
    ("It grows fast, see passage 2.", "It grows fast."),
    ("The passage says nothing about it.", "The passage says nothing about it."),  # no "that": a claim of its own
])
def test_the_prompts_own_words_are_taken_out(raw, text):
    assert [d.text for d in parse_answer(raw, 3)] == [text]
