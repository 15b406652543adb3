"""The pipeline's logic with a scripted answer model: citations, abstention, follow-ups, errors."""

import pytest

from rag.answer import ABSTAIN_TEXT, Answer
from rag.errors import QuestionError
from rag.pipeline import check_question, says_dont_know, search_query


def test_supported_answer_is_cited_at_the_right_moment(scripted_pipeline):
    p = scripted_pipeline("Gigascale invests in companies that use technology to fight climate change [1].")
    a = p.ask("What does Gigascale invest in?")
    assert not a.abstained
    assert [c.timestamp for c in a.citations] == ["00:00:35"]
    assert a.text.endswith("[00:00:35]")
    j = a.to_json()
    assert set(j) >= {"id", "question", "answer", "abstained", "citations", "timings_ms"}
    assert j["citations"][0] == {"timestamp": "00:00:35", "seconds": 35.0,
                                 "source": "The role of the CTO in the AI era",
                                 "text": "His current venture, Gigascale, invests in companies utilizing technology to combat climate change."}


def test_out_of_range_and_fabricated_citations_are_dropped(scripted_pipeline):
    p = scripted_pipeline("Gigascale funds climate technology companies [9] [00:44:44].")
    a = p.ask("What does Gigascale invest in?")
    assert [c.timestamp for c in a.citations] == ["00:00:35"]  # re-attributed by verification
    assert "00:44:44" not in a.text


def test_model_refusal_abstains(scripted_pipeline):
    a = scripted_pipeline("NOT IN TRANSCRIPT").ask("How many employees does Gigascale have?")
    assert a.abstained and a.text == ABSTAIN_TEXT and a.citations == ()


def test_unsupported_answer_abstains(scripted_pipeline):
    a = scripted_pipeline("The guest's favourite dish is a spicy ramen from Osaka [1].").ask(
        "Which dish does the former Facebook CTO Mike Schreer like best?")
    assert a.abstained and a.citations == ()
    assert "supported" in a.reason


def test_a_true_sentence_about_something_else_abstains(scripted_pipeline):
    reply = "Meta went from leasing data centers and buying off-the-shelf servers to designing nearly all its equipment."
    related = scripted_pipeline(reply, context="whole").ask("How did Meta change the way it sourced its data centers?")
    assert not related.abstained and [c.timestamp for c in related.citations] == ["00:21:20"]
    unrelated = scripted_pipeline(reply, context="whole").ask("What is the name of Mike Schreer's dog?")
    assert unrelated.abstained and "not about the question" in unrelated.reason


def test_padding_sentences_are_left_out(scripted_pipeline):
    reply = ("Gigascale invests in companies that use technology to fight climate change. "
             "Mike Schreer was CTO at Facebook for nine years. "
             "Meta went from leasing data centers to designing nearly all its data center equipment.")
    a = scripted_pipeline(reply, context="whole").ask("What does Gigascale invest in?")  # one thing asked
    assert len(a.sentences) == 2 and all(s.supported for s in a.sentences)
    assert a.sentences[0].text.startswith("Gigascale") and a.citations[0].timestamp == "00:00:35"
    assert len(a.trace.drafts) == 2 and a.raw == reply  # what the model wrote stays on record
    # two things asked in one request (a question that opens with a question word is asked in two parts)
    two = scripted_pipeline(reply, context="whole").ask("Tell me what Gigascale invests in, and who founded it.")
    assert len(two.sentences) == 3


def test_a_two_part_question_is_asked_one_part_at_a_time(scripted_pipeline):
    p = scripted_pipeline(["Mike Schreer is the former CTO of Facebook and founded the venture capital firm Gigascale.",
                           "His current firm invests in companies using technology to combat climate change."],
                          context="whole")
    a = p.ask("Who is Mike Schreer, and what does his current firm back?")
    first, second = p.llm.prompts
    assert first[-1]["content"] == "Question: Who is Mike Schreer?"
    assert second[-1]["content"] == "Question: What does his current firm back?"
    assert second[-3]["content"] == "Who is Mike Schreer?" and "Gigascale" in second[-2]["content"]  # a follow-up
    assert not a.abstained and [c.timestamp for c in a.citations] == ["00:00:31", "00:00:35"]
    assert [s.citations for s in a.sentences] == [(0,), (1,)] and "climate change. [00:00:35]" in a.text
    same = scripted_pipeline("His current venture, Gigascale, invests in companies fighting climate change.",
                             context="whole").ask("What does Gigascale back, and what does it invest in?")
    assert [c.timestamp for c in same.citations] == ["00:00:35"]  # a moment both parts cite is listed once
    assert [s.citations for s in same.sentences] == [(0,), (0,)]
    # "What is the catch?" is about what the first part asked: its cited sentence is judged against both
    catch = scripted_pipeline(["CTOs consider specialized hardware for better performance or cost advantages.",
                               "The catch is that specializing in hardware requires predicting future algorithm trends."],
                              context="whole").ask("Why do CTOs consider specialized chips, and what is the catch?")
    assert not catch.abstained and [c.timestamp for c in catch.citations] == ["00:22:29", "00:23:09"]


def test_a_two_part_question_keeps_the_part_the_transcript_answers(scripted_pipeline):
    question = "What does Gigascale invest in, and how much money has it raised?"
    a = scripted_pipeline(["Gigascale invests in companies fighting climate change.", "NOT IN TRANSCRIPT"],
                          context="whole").ask(question)
    assert not a.abstained and [c.timestamp for c in a.citations] == ["00:00:35"]
    assert a.text.endswith("[00:00:35] The transcript doesn't answer “How much money has it raised?”")
    assert "How much money has it raised?" in a.reason and a.unsupported == ()
    # a part refused after verification (a true sentence about something else) leaves nothing of its reply
    refused = scripted_pipeline(["Meta went from leasing data centers to designing nearly all its equipment.",
                                 "Gigascale invests in companies fighting climate change."],
                                context="whole").ask("What is the name of Mike Schreer's dog, and what does Gigascale invest in?")
    assert refused.text.startswith("The transcript doesn't answer “What is the name of Mike Schreer's dog?”")
    assert "leasing" not in refused.text and [c.timestamp for c in refused.citations] == ["00:00:35"]
    assert refused.text.endswith("climate change. [00:00:35]")
    # the second part follows the first even when the first is refused: "it" still means Gigascale there
    p = scripted_pipeline(["NOT IN TRANSCRIPT", "Gigascale invests in companies fighting climate change."],
                          context="whole")
    later = p.ask("How much money has Gigascale raised, and what does it invest in?")
    assert p.llm.prompts[1][-3:-1] == [{"role": "user", "content": "How much money has Gigascale raised?"},
                                       {"role": "assistant", "content": ABSTAIN_TEXT}]
    assert later.searched == "How much money has Gigascale raised, and what does it invest in?"
    assert [c.timestamp for c in later.citations] == ["00:00:35"] and later.timings_ms["first_token"] > 0
    neither = scripted_pipeline("NOT IN TRANSCRIPT", context="whole").ask(question)
    assert neither.abstained and neither.text == ABSTAIN_TEXT and neither.citations == ()


def test_a_kind_question_answered_with_a_name_only_is_asked_once_more_for_the_kind(scripted_pipeline):
    from rag.checks import KIND_REFUSAL
    from rag.prompt import KIND_ASK

    question = "What kind of company did the former Facebook CTO go on to found?"
    p = scripted_pipeline(["Gigascale", "A venture capital firm."], context="whole")
    a = p.ask(question)
    assert p.llm.prompts[1][-1]["content"] == f"Question: {question} {KIND_ASK}"
    assert a.text == "A venture capital firm. [00:00:31]" and a.trace.first_reply == "Gigascale"
    names = scripted_pipeline("Gigascale", context="whole").ask(question)
    assert names.abstained and names.reason == KIND_REFUSAL
    plain = scripted_pipeline("Gigascale", context="whole").ask("Which company did the former Facebook CTO found?")
    assert plain.text == "Gigascale [00:00:31]"  # a name is what "which company" asks for


def test_a_relation_answered_about_one_side_only_is_asked_once_more_for_the_relation(scripted_pipeline):
    from rag.prompt import DIFFER_ASK, RELATION_ASK

    question = "How does AI relate to higher-level programming languages?"
    one_side = "Computing power allowed shifts to higher-level programming languages, from assembly to C."
    both = "Today AI systems writing our code are a similar shift to higher-level programming languages."
    p = scripted_pipeline([one_side, both], context="whole")
    a = p.ask(question)
    assert p.llm.prompts[1][-1]["content"] == f"Question: {question} Say how the two are related."
    assert a.text == f"{both} [00:10:03]" and a.trace.first_reply == one_side
    # a verified reply that still names one of the two: the first answer stands, the reply on record
    other = "Higher-level programming languages put programmer productivity first, even if it meant throwing away compute cycles."
    assert not scripted_pipeline(other, context="whole").ask(question).abstained  # verified on its own
    again = scripted_pipeline([one_side, other], context="whole")
    kept = again.ask(question)
    assert kept.text == f"{one_side} [00:09:50]" and kept.trace.second_reply == other and len(again.llm.prompts) == 2
    right = scripted_pipeline(both, context="whole")  # both named: not asked again
    assert right.ask(question).text == f"{both} [00:10:03]" and len(right.llm.prompts) == 1
    # a question about what comes right after such a part, or a yes/no question, is not asked for the relation
    for other_kind in ("Is there a difference between AI and higher-level programming languages?",
                       "What is said right after the difference between AI and higher-level programming languages?"):
        p = scripted_pipeline(one_side, context="whole")
        p.ask(other_kind)
        assert not any(RELATION_ASK in m[-1]["content"] or DIFFER_ASK in m[-1]["content"] for m in p.llm.prompts)


def test_caption_text_gets_a_second_look_when_verification_refuses(settings, embedder):
    from rag.pipeline import Pipeline
    from tests.conftest import ROOT, ScriptedLLM

    captions = str(ROOT / "tests" / "data" / "youtube-autocaptions-agentic-ai.vtt")
    replies = ["The policies are kept on a shared drive in Word documents.", "In PDF files [1]."]
    p = Pipeline(settings.with_(paths=(captions,), context="whole"), embedder=embedder, llm=ScriptedLLM(replies))
    a = p.ask("In what form is the HR policy information available to the first chatbot?")
    assert not a.abstained and a.trace.context == "retrieve" and a.trace.first_reply == replies[0]
    assert len(p.llm.prompts) == 2 and "00:00:27" in [c.timestamp for c in a.citations]
    off = Pipeline(settings.with_(paths=(captions,), context="whole", second_look=False), embedder=embedder,
                   llm=ScriptedLLM(replies))
    assert off.ask("In what form is the HR policy information available to the first chatbot?").abstained


def test_a_name_search_finds_opens_the_second_look_however_far_in_meaning(settings, embedder):
    """"What does the Zapier demonstration show?" is at cosine 0.26 to its best passage (the embedder knows no
    "Zapier"), under the second look's floor; the passages search found hold "Zapier", so it is asked once more
    from them. A name no passage holds, or no name, and the floor stands."""
    from rag.pipeline import Pipeline
    from tests.conftest import ROOT, ScriptedLLM

    captions = str(ROOT / "tests" / "data" / "youtube-autocaptions-agentic-ai.vtt")
    wrong = "The Zapier demonstration shows how to connect multiple tools and create workflows using drag-and-drop."
    right = ("The Zapier demonstration shows a cloud integration with their Zapier MCP server, and it shows the "
             "calendar items. [2]")
    p = Pipeline(settings.with_(paths=(captions,), context="whole"), embedder=embedder, llm=ScriptedLLM([wrong, right]))
    a = p.ask("What does the Zapier demonstration show?")
    assert max(h.score for h in a.trace.hits) < settings.min_retrieval_score
    assert not a.abstained and a.trace.first_reply == wrong and len(p.llm.prompts) == 2, a.reason
    assert "00:09:36" in [c.timestamp for c in a.citations]
    p.llm.replies, p.llm.prompts = [wrong, right], []
    assert p.ask("What does the demonstration show?").abstained and len(p.llm.prompts) == 1


def test_an_answer_whose_subject_is_nowhere_near_its_evidence_abstains(settings, embedder):
    from rag.pipeline import Pipeline
    from tests.conftest import ROOT, ScriptedLLM

    captions = str(ROOT / "tests" / "data" / "youtube-autocaptions-agentic-ai.vtt")
    p = Pipeline(settings.with_(paths=(captions,), context="whole", second_look=False), embedder=embedder,
                 llm=ScriptedLLM("The budget limit is set to 4 days of sunny weather."))
    a = p.ask("What budget limit is set for the London trip?")  # the captions mention no budget limit
    assert a.abstained and "subject" in a.reason
    p = Pipeline(settings.with_(paths=(captions,), context="whole", second_look=False), embedder=embedder,
                 llm=ScriptedLLM("The trip to London is for 7 days, with at least 4 sunny days."))
    assert not p.ask("How long is the London trip in the travel assistant example?").abstained


def test_a_yes_no_answer_gets_the_verdict_of_its_cited_sentence(scripted_pipeline):
    replies = ["Yes, Meta kept buying off-the-shelf servers.", "They moved to their own designs. Answer: No"]
    p = scripted_pipeline(replies, context="whole")
    a = p.ask("Did Meta keep buying off-the-shelf servers?")
    assert not a.abstained and a.text.startswith("No. The transcript says: “At Meta") and a.text.endswith("[00:21:20]")
    assert p.llm.prompts[0][-1]["content"] == ("Question: What does the transcript say about this: "
                                               "Did Meta keep buying off-the-shelf servers?")
    check = p.llm.prompts[1]  # the check sees the cited sentence alone, not the transcript
    assert "Answer: Yes" in check[0]["content"] and "At Meta" in check[1]["content"]
    assert len(check[1]["content"]) < 400 and a.trace.verdict_reply == replies[1]
    agrees = scripted_pipeline(["No, Meta moved to designing nearly all its data center equipment.", "Answer: No"],
                               context="whole").ask("Did Meta keep buying off-the-shelf servers?")
    assert agrees.text == ("No. The transcript says: “At Meta, the company transitioned from leasing data centers and "
                           "buying off-the-shelf servers to designing nearly all its data center equipment.” [00:21:20]")


def test_a_yes_no_answer_cited_away_from_what_the_question_is_about_gets_that_sentences_verdict(scripted_pipeline):
    question = "Did Meta design its own data center equipment?"  # "equipment": in one sentence only
    reply = "Yes, commitments for data centers are made years in advance."  # verified to 00:25:28, no equipment
    p = scripted_pipeline([reply, "They design nearly all of it. Answer: Yes"], context="whole")
    a = p.ask(question)
    assert [c.timestamp for c in a.citations] == ["00:21:20"] and a.text.startswith("Yes. The transcript says: “")
    assert "equipment" in a.citations[0].text and p.llm.prompts[1][-1]["content"].count("\n") == 3  # one sentence
    unsure = scripted_pipeline([reply, "It is unclear."], context="whole").ask(question)
    assert unsure.abstained and "equip" in unsure.reason


def test_a_yes_no_answer_without_a_verdict_that_restates_the_question_abstains(scripted_pipeline):
    a = scripted_pipeline(["Meta did keep buying off-the-shelf servers.", "Unclear."], context="whole").ask(
        "Did Meta keep buying off-the-shelf servers?")
    assert a.abstained and "yes/no" in a.reason


def test_a_contradicted_yes_no_answer_is_quoted_only_when_search_finds_its_sentences():
    from rag.answer import Citation, Trace
    from rag.chunker import Chunk, Hit
    from rag.segments import Segment
    from rag.yesno import found_by_search

    memory, plan = Segment("talk", 313, "It will also have a memory."), Segment("talk", 446, "It will first prepare a plan.")
    cite = lambda s: Citation(s.timestamp, s.start, s.source, s.text)  # noqa: E731
    searched = Trace("whole", hits=(Hit(Chunk(0, "talk", (memory,)), 0.6, 0),), passages=((memory,), (plan,)))
    assert found_by_search([cite(memory)], searched)
    assert not found_by_search([cite(memory), cite(plan)], searched)  # the plan sentence was not found
    window = Trace("focus", hits=(), passages=((plan,),))  # a time question: its window is what was searched
    assert found_by_search([cite(plan)], window)


def test_a_yes_no_question_the_model_finds_no_answer_to_gets_the_verdict_of_a_very_close_sentence(scripted_pipeline):
    p = scripted_pipeline(["NOT IN TRANSCRIPT", "NOT IN TRANSCRIPT", "It says 2013. Answer: No"], context="whole")
    a = p.ask("Did he start working in AI in 2015?")  # the transcript contradicts the premise: 2013
    assert not a.abstained and a.text.startswith("No. The transcript says: “He started working in AI at Facebook in 2013")
    assert [c.timestamp for c in a.citations] == ["00:13:37"] and len(p.llm.prompts) == 3  # whole, second look, check
    far = scripted_pipeline(["NOT IN TRANSCRIPT", "NOT IN TRANSCRIPT", "Answer: No"], context="whole")
    b = far.ask("Did Meta ever use AMD chips in its data centers?")  # no sentence is that close: no verdict is asked
    assert b.abstained and len(far.llm.prompts) == 2
    unclear = scripted_pipeline(["NOT IN TRANSCRIPT", "NOT IN TRANSCRIPT", "Hard to say."], context="whole")
    assert unclear.ask("Did he start working in AI in 2015?").abstained  # no verdict: the refusal stands


def test_a_long_sentence_holding_every_word_of_a_yes_no_question_gives_its_verdict(scripted_pipeline):
    # the quote is long, so its cosine to the question (about 0.53) is below yes_no_min_cosine; it holds every word
    p = scripted_pipeline(["NOT IN TRANSCRIPT", "NOT IN TRANSCRIPT", "Answer: Yes"], context="whole")
    a = p.ask("Is it hard to beat Nvidia?")
    assert not a.abstained and a.text.startswith("Yes. The transcript says: “The bummer about chips")
    assert [c.timestamp for c in a.citations] == ["00:23:08"]
    strict = scripted_pipeline(["NOT IN TRANSCRIPT", "NOT IN TRANSCRIPT", "Answer: Yes"], context="whole",
                               yes_no_every_word_cosine=0.9)
    assert strict.ask("Is it hard to beat Nvidia?").abstained and len(strict.llm.prompts) == 2  # no verdict asked


def test_does_he_mention_x_is_answered_with_the_sentences_that_mention_it(scripted_pipeline):
    p = scripted_pipeline("Yes, he mentions Nvidia around minute 23.", context="whole")  # a claim no sentence states
    a = p.ask("Does he mention Nvidia around minute 23?")
    assert not a.abstained and a.text.startswith("Yes. The transcript says: “While companies like Nvidia")
    assert [c.timestamp for c in a.citations] == ["00:22:29", "00:23:08"]  # both mentions in that window, in order
    first = scripted_pipeline("NOT IN TRANSCRIPT", context="whole").ask("Is Gigascale mentioned in the first minute?")
    assert [c.timestamp for c in first.citations] == ["00:00:31", "00:00:35"]
    assert scripted_pipeline("Yes, he mentions Google.", context="whole").ask("Does he mention Google?").abstained
    # a window without the topic: refused, though the topic is mentioned elsewhere
    assert scripted_pipeline("NOT IN TRANSCRIPT", context="whole").ask("Does he mention Nvidia in the first minute?").abstained


def test_wh_questions_get_no_yes_no_check(scripted_pipeline):
    p = scripted_pipeline("Gigascale invests in companies that use technology to fight climate change.", context="whole")
    assert not p.ask("What does Gigascale invest in?").abstained and len(p.llm.prompts) == 1


def test_a_time_window_gets_a_second_look_at_its_closest_sentences_when_the_model_finds_nothing(settings, embedder):
    from rag.pipeline import WINDOW_LOOK, Pipeline
    from tests.conftest import ROOT, ScriptedLLM

    captions = str(ROOT / "tests" / "data" / "youtube-autocaptions-agentic-ai.vtt")
    question = "What example does he introduce around the 8-minute mark?"
    replies = ["NOT IN TRANSCRIPT", "An agent to assist an equity research analyst."]
    p = Pipeline(settings.with_(paths=(captions,)), embedder=embedder, llm=ScriptedLLM(replies))
    a = p.ask(question)
    assert not a.abstained and [c.timestamp for c in a.citations] == ["00:07:59"]
    second = p.llm.prompts[1][-1]["content"]  # 5 of the window's 20 sentences, the example among them
    assert second.count("\n[") == WINDOW_LOOK and "equity research analyst" in second
    # an answer that restates the question's subject must find it in the sentences it rests on
    wrong = ["NOT IN TRANSCRIPT", "The database he recommends is an inventory management system [1]."]
    p = Pipeline(settings.with_(paths=(captions,)), embedder=embedder, llm=ScriptedLLM(wrong))
    assert p.ask("Which database does he recommend around minute 3?").abstained and len(p.llm.prompts) == 2


def test_what_he_says_about_a_topic_gets_a_second_look_where_he_mentions_it(scripted_pipeline):
    replies = ["Nvidia sells ice cream in Texas.", "He said it is really hard to beat Nvidia with a general purpose chip."]
    p = scripted_pipeline(replies, context="whole")
    a = p.ask("What did he say about beating Nvidia?")
    assert not a.abstained and [c.timestamp for c in a.citations] == ["00:23:08"] and a.trace.first_reply == replies[0]
    look = p.llm.prompts[1][-1]["content"]  # the sentences that mention "beat" and "Nvidia", with their neighbours
    assert "beat Nvidia" in look and look.count("\n[") <= 9
    nothing = scripted_pipeline(replies, context="whole")
    assert nothing.ask("What did he say about beating Google?").abstained and len(nothing.llm.prompts) == 1


def test_what_he_says_about_a_topic_ends_with_his_words(scripted_pipeline):
    """A one-line paraphrase of a long remark is followed by the remark itself, quoted and cited."""
    a = scripted_pipeline("He said it's hard to beat Nvidia with a general purpose chip. [26]",
                          context="whole").ask("What did he say about beating Nvidia?")
    said = a.sentences[-1]
    assert not a.abstained and said.supported and said.text.startswith("The transcript says: “The bummer")
    assert "guess the algorithm right.”" in said.text and "““" not in said.text  # the sentence's own marks dropped
    assert [a.citations[i].timestamp for i in said.citations] == ["00:23:08"] and a.text.endswith("[00:23:08]")


def test_an_answer_that_already_says_it_gets_no_quote(scripted_pipeline):
    whole = ("The bummer about chips is like the best way to make gains like it's really hard to beat Nvidia with a "
             "general purpose chip, the only real joy is to basically specialize and say like all right I know this "
             "specific algorithm I'm going to implement this in Hardware but you got to guess the algorithm right. [26]")
    a = scripted_pipeline(whole, context="whole").ask("What did he say about beating Nvidia?")
    assert not a.abstained and "The transcript says" not in a.text
    other = scripted_pipeline("Gigascale invests in climate tech. [4]", context="whole").ask("What does Gigascale invest in?")
    assert not other.abstained and "The transcript says" not in other.text  # not a "what did he say about" question


def test_a_when_answer_is_refused_when_its_sentence_says_no_to_the_event_at_that_time(scripted_pipeline):
    """"Left Facebook in 2013" cited to "started working in AI at Facebook in 2013": the year of another event."""
    p = scripted_pipeline(["Mike Schreer left Facebook in 2013. [4]", "He started working in AI there. Answer: No"],
                          context="whole")
    a = p.ask("When did Mike leave Facebook?")
    check = p.llm.prompts[1][-1]["content"]  # the cited sentence alone, asked the claim as a yes/no question
    assert check.endswith("Question: Did Mike leave Facebook in 2013?") and "started working in AI" in check
    assert a.abstained and "say no to “Did Mike leave Facebook in 2013?”" in a.reason and not a.citations
    right = scripted_pipeline(["He started working in AI in 2013. [4]", "Answer: Yes"], context="whole")
    b = right.ask("When did Mike start working in AI?")
    assert not b.abstained and b.text.endswith("[00:13:37]") and b.trace.verdict_reply == "Answer: Yes"
    other = scripted_pipeline("Gigascale invests in climate tech. [5]", context="whole")
    assert not other.ask("What does Gigascale invest in?").abstained and len(other.llm.prompts) == 1  # no check


def test_a_month_is_what_a_when_answer_adds_to_its_question(settings, embedder):
    """"The London trip is in May.": "May" inside a sentence is the month, not a stop word, so the answer is more
    than a restatement of "When is the London trip?"."""
    from rag.pipeline import Pipeline
    from tests.conftest import ROOT, ScriptedLLM

    captions = str(ROOT / "tests" / "data" / "youtube-autocaptions-agentic-ai.vtt")
    p = Pipeline(settings.with_(paths=(captions,), context="whole", second_look=False), embedder=embedder,
                 llm=ScriptedLLM(["The London trip is in May.", "Answer: Yes"]))
    a = p.ask("When is the London trip?")
    assert not a.abstained and a.text == "The London trip is in May. [00:07:11]"
    assert p.llm.prompts[1][-1]["content"].endswith("Question: Is the London trip in May?")


def test_the_summary_gets_no_second_look(scripted_pipeline):
    p = scripted_pipeline(["Gigascale invests in oil and gas drilling in Texas.", "Climate tech [1]."], context="whole")
    a = p.ask("What does Gigascale invest in?")
    assert a.abstained and len(p.llm.prompts) == 1  # punctuated text: the refusal stands


def test_a_count_of_something_else_abstains(scripted_pipeline):
    reply = "He was CTO at Facebook for 9 years. [1]"
    right = scripted_pipeline(reply).ask("How many years was Mike Schreer the CTO of Facebook?")
    assert not right.abstained and [c.timestamp for c in right.citations] == ["00:00:31"]
    wrong = scripted_pipeline(reply).ask("How many patents does Mike Schreer hold?")
    assert wrong.abstained and "counts something other" in wrong.reason


@pytest.mark.xfail(strict=True, reason="known gap: a claim that shares words with a sentence but does not "
                   "follow from it ('favourite language is Python' vs 'shifts to Python, Rust or JavaScript')")
def test_claim_with_shared_words_but_no_support_abstains(scripted_pipeline):
    a = scripted_pipeline("The guest's favourite programming language is Python [1].").ask(
        "What is the guest's favourite programming language?")
    assert a.abstained


def test_off_topic_question_abstains_without_calling_the_model(scripted_pipeline):
    p = scripted_pipeline("Argentina won [1].")
    a = p.ask("Who won the football world cup in 2022?")
    assert a.abstained and "similarity" in a.reason
    assert p.llm.prompts == []


def test_stream_yields_text_then_answer(scripted_pipeline):
    events = list(scripted_pipeline("Gigascale backs climate technology companies [1].").stream("What does Gigascale invest in?"))
    assert all(isinstance(e, str) for e in events[:-1]) and isinstance(events[-1], Answer)
    assert "".join(events[:-1]) == "Gigascale backs climate technology companies [1]."
    assert {"retrieve", "first_token", "generate", "total"} <= set(events[-1].timings_ms)


def test_prompt_numbers_passages_and_hides_times(scripted_pipeline):
    p = scripted_pipeline("NOT IN TRANSCRIPT", context="retrieve")
    p.ask("What does Gigascale invest in?")
    user = p.llm.prompts[0][-1]["content"]
    assert "[1] " in user and "[5] " in user and "[6] " not in user
    assert "00:00:35" not in user


def test_per_call_top_k(scripted_pipeline):
    p = scripted_pipeline("NOT IN TRANSCRIPT", context="retrieve")
    p.ask("What does Gigascale invest in?", top_k=2)
    assert "[2] " in p.llm.prompts[0][-1]["content"] and "[3] " not in p.llm.prompts[0][-1]["content"]


def test_follow_up_is_searched_with_the_previous_question(scripted_pipeline):
    p = scripted_pipeline("NOT IN TRANSCRIPT")
    a = p.ask("And what did he release?", history=[("What did Meta's AI lab build?", "PyTorch [00:15:53].")])
    assert a.searched == "What did Meta's AI lab build? And what did he release?"
    assert p.llm.prompts[0][1] == {"role": "user", "content": "What did Meta's AI lab build?"}
    assert p.llm.prompts[0][-1]["content"].endswith("And what did he release?")


@pytest.mark.parametrize("question", ["", "   ", "x" * 1001])
def test_bad_questions(question):
    with pytest.raises(QuestionError):
        check_question(question)


@pytest.mark.parametrize("text, refusal", [
    ("NOT IN TRANSCRIPT", True), ("The passages do not mention the number of employees.", True),
    ("I don't know.", True), ("Gigascale invests in climate tech [1].", False),
])
def test_says_dont_know(text, refusal):
    assert says_dont_know(text) is refusal


def test_search_query_leaves_standalone_questions_alone():
    assert search_query("What does Gigascale invest in?", [("Earlier?", "x")]) == "What does Gigascale invest in?"


def test_render_shows_each_moment_once():
    from rag.answer import AnswerSentence, Citation
    from rag.answer import render

    cites = (Citation("00:15:53", 953.0, "t", "Heading"), Citation("00:15:53", 953.0, "t", "Sentence."))
    assert render([AnswerSentence("Claim.", (0, 1), True)], cites) == "Claim. [00:15:53]"


def test_whole_context_numbers_every_sentence_and_keeps_a_stable_prefix(scripted_pipeline, settings):
    p = scripted_pipeline("NOT IN TRANSCRIPT", context="whole")
    p.ask("What does Gigascale invest in?")
    p.ask("Which responsibilities stay at the core of the CTO job?")
    first, second = p.llm.prompts
    assert first[0] == second[0]  # the cacheable prefix: instructions + whole transcript
    system = first[0]["content"]
    assert "[38] " in system and "[39] " not in system  # 38 sentences; the 8 headings are unnumbered
    assert "## Strategic Hardware Decisions" in system
    assert "00:00:35" not in system and "[00:" not in system  # no timestamps reach the model
    assert first[-1]["content"].endswith("What does Gigascale invest in?")


def test_whole_context_marker_maps_to_the_numbered_sentence(scripted_pipeline):
    from rag.prompt import number_sentences

    p = scripted_pipeline("", context="whole")
    _, numbered = number_sentences(p.transcripts)
    n = next(i for i, s in enumerate(numbered, start=1) if s.text.startswith("Strategic supply chain management"))
    p.llm.reply = f"CTOs should carefully evaluate whether to build or buy key hardware components [{n}]."
    a = p.ask("What does the key takeaway about supply chains say?")
    assert [c.timestamp for c in a.citations] == ["00:21:00"]
    assert a.trace.context == "whole" and a.trace.drafts[0].cited == (n,)
    assert a.trace.model_cited()[0].text.startswith("Strategic supply chain management")


def test_auto_context_follows_the_prompt_budget(scripted_pipeline):
    assert scripted_pipeline("x").context_for(None) == "whole"
    assert scripted_pipeline("x", whole_max_tokens=100).context_for(None) == "retrieve"


def test_caption_text_is_checked_with_its_own_threshold(settings, embedder):
    from rag.answer import Trace
    from rag.pipeline import Pipeline
    from tests.conftest import ROOT, ScriptedLLM

    vtt = str(ROOT / "tests" / "data" / "youtube-autocaptions-agentic-ai.vtt")
    p = Pipeline(settings.with_(paths=settings.paths + (vtt,)), embedder=embedder, llm=ScriptedLLM(""))
    by_title = {t.title: t for t in p.transcripts}
    caption = (by_title["youtube-autocaptions-agentic-ai"].segments[3],)
    seed = (by_title["The role of the CTO in the AI era"].segments[1],)
    assert p._threshold(Trace("whole", passages=(caption,))) == settings.caption_support_threshold
    assert p._threshold(Trace("whole", passages=(seed,))) == settings.support_threshold
    assert p._threshold(Trace("whole", passages=(seed, caption))) == settings.support_threshold


def test_a_sentence_is_read_under_its_section_heading_when_judging_what_it_is_about(scripted_pipeline):
    # "Embrace higher abstraction: …" alone is at cosine 0.08 to the question; under "Key Takeaways for CTOs in
    # the AI Era" it is about what CTOs should embrace
    p = scripted_pipeline("CTOs are advised to embrace higher abstraction and focus on system design.", context="whole")
    a = p.ask("What are CTOs advised to embrace?")
    assert not a.abstained and "00:10:03" in [c.timestamp for c in a.citations], a.reason
    cited = a.citations[0]
    assert p.headings()[cited.source, cited.seconds, cited.text] == "Key Takeaways for CTOs in the AI Era"
    # a sentence that names its own subject is read alone: "Background: Mike Schreer's Journey" would bring any
    # question about Mike close to "His current venture, Gigascale, invests in …"
    from rag.answer import Citation
    from rag.checks import in_sections

    venture = next(s for s in p.transcripts[0].segments if s.text.startswith("His current venture"))
    assert p.headings()[venture.key] == "Background: Mike Schreer’s Journey"
    assert in_sections([Citation(venture.timestamp, venture.start, venture.source, venture.text)], p.headings()) == venture.text


def test_a_name_the_embedder_does_not_know_is_found_by_its_words(settings, embedder):
    """"What is n8n?" is at cosine 0.16 to the sentence naming N8N, under the retrieval floor: search's lexical side
    finds that sentence, which holds every word of the question, so the model is asked and its answer kept."""
    from rag.pipeline import Pipeline
    from tests.conftest import ROOT, ScriptedLLM

    captions = str(ROOT / "tests" / "data" / "youtube-autocaptions-agentic-ai.vtt")
    p = Pipeline(settings.with_(paths=(captions,), context="whole"), embedder=embedder,
                 llm=ScriptedLLM("N8N is a tool where you can do drag and drop."))
    a = p.ask("What is n8n?")
    assert not a.abstained and [c.timestamp for c in a.citations] == ["00:10:23"], a.reason
    off_topic = p.ask("What is LangChain?")  # named nowhere: the floor stands, the model is not asked
    assert off_topic.abstained and "below" in off_topic.reason and len(p.llm.prompts) == 1


def test_a_common_word_of_the_question_does_not_make_a_sentence_about_it(scripted_pipeline):
    # "company" is in "At Meta, the company transitioned …": a true sentence, not about "his company"
    p = scripted_pipeline("At Meta, the company transitioned from leasing data centers to designing its equipment.",
                          context="whole")
    a = p.ask("What is his company?")
    assert a.abstained and "not about the question" in a.reason


def test_an_answer_about_a_name_the_transcript_never_says_is_refused(settings, embedder):
    from rag.pipeline import Pipeline
    from tests.conftest import ROOT, ScriptedLLM

    captions = str(ROOT / "tests" / "data" / "youtube-autocaptions-agentic-ai.vtt")
    p = Pipeline(settings.with_(paths=(captions,), context="whole"), embedder=embedder,
                 llm=ScriptedLLM("Workday is an HR management system with tools like Outlook."))
    a = p.ask("What is Workday?")  # supported by "All these tools okay outlook and HR management system and so on."
    assert a.abstained and "“Workday”" in a.reason
    for question, reply in (("What is Workday?", "It is an HR management system with tools like Outlook."),
                            ("what is workday?", "Workday is an HR management system with tools like Outlook.")):
        p.llm.reply = reply  # the name not repeated, or asked in lower case
        assert "“" in p.ask(question).reason, question
    p.llm.reply = "Zapier is a no code tool."
    assert not p.ask("What is Zapier?").abstained


def test_a_word_of_when_is_no_key_term_of_a_yes_no_question(scripted_pipeline):
    # "now" is the question's rarest word, held only by "… and now founder of the venture capital firm …";
    # read as what the question is about, it sent the verdict to that sentence
    p = scripted_pipeline(["Yes, AI writes code now.", "Answer: Yes"], context="whole")
    a = p.ask("Does AI write code now?")
    assert not a.abstained and a.text.startswith("Yes.") and "00:00:31" not in [c.timestamp for c in a.citations]
    assert "00:10:03" in [c.timestamp for c in a.citations], a.to_json()


def test_an_answer_about_the_part_after_x_may_name_x_but_not_rest_on_it_alone(settings, embedder):
    """"Which tool does he talk about right after he is done with Zapier?": the last sentence naming Zapier names
    the next tool, and the model, told where the part is, describes the part in its terms; neither sentence alone
    supports that, the two together do. An answer about the anchor alone stays refused."""
    from rag.pipeline import Pipeline
    from tests.conftest import ROOT, ScriptedLLM

    captions = str(ROOT / "tests" / "data" / "youtube-autocaptions-agentic-ai.vtt")
    reply = ("This part of the transcript says that N8N is a tool that allows users to create drag-and-drop workflows, "
             "and it can trigger AI agents with anthropic chat models and access various services like Jira, "
             "Microsoft, and others.")
    p = Pipeline(settings.with_(paths=(captions,)), embedder=embedder, llm=ScriptedLLM(reply))
    question = "Which tool does he talk about right after he is done with Zapier?"
    a = p.ask(question)
    assert not a.abstained, a.reason
    assert [c.timestamp for c in a.citations] == ["00:10:23"]  # where N8N is named, the sentence the part follows
    # the trace keeps what the model was shown: the part alone (the anchor was named in its heading)
    assert [s.timestamp for p in a.trace.passages for s in p] == ["00:10:38"] and "anchor" in a.timings_ms
    p.llm.reply = "N8N is a tool similar to Zapier where you can do drag and drop."  # the anchor's own words
    anchored = p.ask(question)
    assert anchored.abstained and "supported" in anchored.reason
    p.llm.reply = "The other tool he wants to mention is a cooking app."  # supported by neither
    assert p.ask(question).abstained


def test_a_short_answer_about_the_part_before_x_is_not_read_with_x(settings, embedder):
    # the question names the anchor ("the Anthropic guide"), which the part before it never holds: read with the
    # question, "The code for both the projects is here." fell under the caption threshold
    from rag.pipeline import Pipeline
    from tests.conftest import ROOT, ScriptedLLM

    captions = str(ROOT / "tests" / "data" / "youtube-autocaptions-agentic-ai.vtt")
    p = Pipeline(settings.with_(paths=(captions,)), embedder=embedder,
                 llm=ScriptedLLM("The code for both the projects is here. [1]"))
    a = p.ask("What does he say just before the Anthropic guide?")
    assert not a.abstained and [c.timestamp for c in a.citations] == ["00:12:28"], a.reason
