"""The answer path with a scripted answer model: plan, look, budget of calls, verification, checks, abstention."""

from __future__ import annotations

import re

import pytest

from rag.answer import ABSTAIN_TEXT, Answer
from rag.errors import QuestionError, SettingsError
from rag.forms import FORM_TABLE, form_for
from rag.finish import says_dont_know
from rag.pipeline import Pipeline, check_question, search_query
from rag.timecode import format_time
from tests.conftest import ROOT, ScriptedLLM

CAPTIONS = str(ROOT / "tests" / "data" / "youtube-autocaptions-agentic-ai.vtt")
REFUSED = "the model found no answer in the transcript"
GIGASCALE = "What does Gigascale invest in?"
META = "Meta went from leasing data centers and buying off-the-shelf servers to designing nearly all its equipment."
# a small planning meeting: the Professor speaks at the start and at the end, only the students in between
MEETING = """\
[00:00:05] Grad A: Today we should settle how the recogniser handles noisy speech from the far microphone.
[00:00:14] Professor: I think the far microphone data is the real test, because close talking hides the noise problem.
[00:00:26] Professor: Spectral subtraction helped a little last year, but it never closed the gap for us.
[00:00:40] Grad B: The new features from the neural network front end lowered the error rate by four points.
[00:00:52] Grad A: We trained them on the digits corpus, so they may not carry over to meeting speech.
[00:01:05] Grad B: The training took three days on the cluster, and the disks were almost full again.
[00:01:17] Grad A: We also need to order new disks before the next batch of recordings arrives.
[00:01:29] Grad B: The budget for disks comes from the equipment grant, which runs out in June.
[00:01:41] Grad A: I will ask the department office about the equipment grant this week.
[00:01:55] Grad B: The transcribers finished the second set of meetings, with speaker labels checked twice.
[00:02:08] Grad A: Some transcripts still mark overlapping speech in the wrong place, which confuses alignment.
[00:02:21] Grad B: The alignment tool can be told to skip overlapping regions for now.
[00:02:35] Professor: I would rather keep the noisy far microphone results in the paper, even if they look worse.
[00:02:47] Professor: Reviewers trust numbers on hard data more than clean numbers on easy data.
[00:03:00] Grad A: Then we will report both the close and the far microphone error rates.
"""
PROFESSOR = "What did the Professor think about the far microphone?"


def shown(prompt: list[dict]) -> list[int]:
    """The passage (or sentence) numbers a prompt shows, in order."""
    return [int(n) for m in prompt for n in re.findall(r"^\[(\d+)\] ", m["content"], re.M)]


def transcript_order(passages) -> list[tuple]:
    return [(p[0].source, p[0].char_start, p[0].start) for p in passages]


@pytest.fixture
def captions_pipeline(settings, embedder):
    def make(reply, **changes):
        return Pipeline(settings.with_(paths=(CAPTIONS,), **changes), embedder=embedder, llm=ScriptedLLM(reply))

    return make


@pytest.fixture
def meeting_pipeline(settings, embedder, tmp_path):
    path = tmp_path / "meeting.txt"
    path.write_text(MEETING, encoding="utf-8")

    def make(reply, **changes):
        return Pipeline(settings.with_(paths=(str(path),), **changes), embedder=embedder, llm=ScriptedLLM(reply))

    return make


# --- a supported answer is cited; what is not supported is never shown ---

def test_supported_answer_is_cited_at_the_right_moment(scripted_pipeline):
    p = scripted_pipeline("Gigascale invests in companies that use technology to fight climate change [1].")
    a = p.ask(GIGASCALE)
    assert not a.abstained
    assert [c.timestamp for c in a.citations] == ["00:00:35"]
    assert a.text.endswith("[00:00:35]")
    j = a.to_json()
    assert set(j) >= {"id", "question", "answer", "abstained", "citations", "timings_ms", "context"}
    assert j["citations"][0] == {"timestamp": "00:00:35", "seconds": 35.0,
                                 "source": "The role of the CTO in the AI era",
                                 "text": "His current venture, Gigascale, invests in companies utilizing technology "
                                         "to combat climate change.", "speaker": None}


def test_out_of_range_and_model_written_times_are_dropped(scripted_pipeline):
    p = scripted_pipeline("Gigascale funds climate technology companies [9] [00:44:44].", context="retrieve")
    a = p.ask(GIGASCALE)
    assert [c.timestamp for c in a.citations] == ["00:00:35"]  # re-attributed by verification
    assert "00:44:44" not in a.text and "[9]" not in a.text
    assert a.trace.drafts[0].dropped == (9,) and a.trace.drafts[0].cited == ()


def test_model_refusal_abstains(scripted_pipeline):
    a = scripted_pipeline("NOT IN TRANSCRIPT").ask("How many employees does Gigascale have?")
    assert a.abstained and a.text == ABSTAIN_TEXT and a.citations == ()
    assert a.reason == REFUSED


def test_unsupported_answer_abstains(scripted_pipeline):
    a = scripted_pipeline("The guest's favourite dish is a spicy ramen from Osaka [1].").ask(
        "Which dish does the former Facebook CTO Mike Schreer like best?")
    assert a.abstained and a.citations == () and a.text == ABSTAIN_TEXT
    assert "supported" in a.reason and "ramen" not in a.text


def test_a_true_sentence_about_something_else_abstains(scripted_pipeline):
    reply = META
    related = scripted_pipeline(reply, context="whole").ask("How did Meta change the way it sourced its data centers?")
    assert not related.abstained and [c.timestamp for c in related.citations] == ["00:21:20"]
    unrelated = scripted_pipeline(reply, context="whole").ask("What is the name of Mike Schreer's dog?")
    assert unrelated.abstained and unrelated.reason.startswith("subject:"), unrelated.reason
    assert any(f.startswith("subject:") for f in unrelated.trace.findings)


def test_a_refused_answer_keeps_no_supported_sentence(scripted_pipeline):
    reply = META
    a = scripted_pipeline(reply, context="whole").ask("What is the name of Mike Schreer's dog?")
    assert a.abstained
    assert not any(s["supported"] for s in a.to_json()["sentences"]) and a.plain == ABSTAIN_TEXT


def test_the_forms_sentence_limit_cuts_extra_sentences(scripted_pipeline):
    reply = ("Gigascale invests in companies that use technology to fight climate change. "
             "Mike Schreer was CTO at Facebook for nine years. "
             "Meta went from leasing data centers to designing nearly all its data center equipment.")
    a = scripted_pipeline(reply, context="whole").ask(GIGASCALE)  # a fact: at most two sentences
    assert FORM_TABLE["fact"].sentences == 2
    assert len(a.sentences) == 2 and all(s.supported for s in a.sentences)
    assert a.sentences[0].text.startswith("Gigascale") and a.citations[0].timestamp == "00:00:35"
    assert "Meta" not in a.text and "00:21:20" not in a.text
    assert len(a.trace.drafts) == 3 and a.raw == reply  # what the model wrote stays on record


@pytest.mark.xfail(strict=True, reason="known gap: a claim that shares words with a sentence but does not "
                   "follow from it ('favourite language is Python' vs 'shifts to Python, Rust or JavaScript')")
def test_claim_with_shared_words_but_no_support_abstains(scripted_pipeline):
    a = scripted_pipeline("The guest's favourite programming language is Python [1].").ask(
        "What is the guest's favourite programming language?")
    assert a.abstained


# --- the call budget: looks tried in order, at most max_calls of them, none after answer_seconds ---

@pytest.mark.parametrize("max_calls", [1, 2, 3])
def test_a_model_that_always_refuses_is_called_at_most_max_calls_times(scripted_pipeline, max_calls):
    p = scripted_pipeline("NOT IN TRANSCRIPT", context="whole", max_calls=max_calls)
    a = p.ask(GIGASCALE)
    assert a.abstained and a.reason == REFUSED
    assert len(p.llm.prompts) == max_calls
    assert [t.look for t in a.trace.attempts] == ["whole", "retrieve", "spread"][:max_calls]
    assert all(t.reply == "NOT IN TRANSCRIPT" and t.outcome == REFUSED for t in a.trace.attempts)


def test_a_generous_budget_tries_each_look_once(scripted_pipeline):
    p = scripted_pipeline("NOT IN TRANSCRIPT", context="whole", max_calls=10)
    a = p.ask(GIGASCALE)
    assert [t.look for t in a.trace.attempts] == ["whole", "retrieve", "spread"] and len(p.llm.prompts) == 3


@pytest.mark.parametrize("first", ["NOT IN TRANSCRIPT", "Gigascale invests in oil and gas drilling in Texas."])
def test_a_second_look_is_tried_after_a_refusal_and_its_answer_kept(scripted_pipeline, first):
    right = "Gigascale invests in companies fighting climate change [1]."
    p = scripted_pipeline([first, right], context="whole")
    a = p.ask(GIGASCALE)
    assert not a.abstained and [c.timestamp for c in a.citations] == ["00:00:35"], a.reason
    assert len(p.llm.prompts) == 2 and a.trace.context == "retrieve" and a.raw == right
    assert [(t.look, t.reply) for t in a.trace.attempts] == [("whole", first), ("retrieve", right)]
    assert a.trace.attempts[0].outcome != "answered" and a.trace.attempts[1].outcome == "answered"
    assert a.trace.first_reply == first
    assert "Texas" not in a.text


def test_an_answer_on_the_first_look_makes_one_call(scripted_pipeline):
    p = scripted_pipeline("Gigascale invests in companies fighting climate change [1].", context="whole")
    a = p.ask(GIGASCALE)
    assert len(p.llm.prompts) == 1 and [(t.look, t.outcome) for t in a.trace.attempts] == [("whole", "answered")]
    assert a.trace.first_reply == ""  # no earlier reply


def test_answer_seconds_stops_further_calls(scripted_pipeline):
    # a budget of a nanosecond is spent by the first call, whatever the machine: no second call is made
    p = scripted_pipeline("NOT IN TRANSCRIPT", context="whole", answer_seconds=1e-9)
    a = p.ask(GIGASCALE)
    assert a.abstained and len(p.llm.prompts) == 1 and len(a.trace.attempts) == 1


def test_checks_switched_off_change_the_outcome(scripted_pipeline):
    reply = META
    question = "What is the name of Mike Schreer's dog?"
    assert scripted_pipeline(reply, context="whole").ask(question).abstained  # the subject check
    ablated = scripted_pipeline(reply, context="whole", checks_off=("subject",)).ask(question)
    assert not ablated.abstained and [c.timestamp for c in ablated.citations] == ["00:21:20"]
    assert ablated.trace.findings == ()


@pytest.mark.parametrize("off", [("nope",), ("subject", "Subject"), ("relevance",)])
def test_an_unknown_check_name_is_a_settings_error(settings, off):
    with pytest.raises(SettingsError, match="no check named"):
        settings.with_(checks_off=off)


# --- the plan decides what the model reads ---

@pytest.mark.parametrize("question, form", [
    ("Summarize the discussion about hardware.", "summary"),
    ("What was decided about data centers?", "decision"),
    ("What did Mike Schreer think about chips?", "opinion"),
    ("Why did Meta open-source PyTorch?", "why"),
])
def test_a_summary_decision_opinion_or_why_question_reads_spread_passages_in_order(scripted_pipeline, settings,
                                                                                      question, form):
    p = scripted_pipeline("NOT IN TRANSCRIPT", context="retrieve")
    a = p.ask(question)
    assert a.trace.plan.form == form and form_for(a.trace.plan).spread
    assert a.trace.attempts[0].look == "spread"
    passages = a.trace.passages  # the look of the answer kept: the first, every look refused
    best = p.retrieve(a.trace.plan.searched, 2 * max(settings.top_k, settings.spread_k))[: settings.spread_k]
    keys = [s.key for p_ in passages for s in p_]
    assert sorted(keys) == sorted({s.key for h in best for s in h.chunk.sentences})  # overlaps read once
    assert shown(p.llm.prompts[0]) == list(range(1, len(passages) + 1))  # numbered from 1, one number each
    assert transcript_order(passages) == sorted(transcript_order(passages))
    assert form_for(a.trace.plan).instruction(a.trace.plan) in p.llm.prompts[0][-1]["content"]


def test_a_summary_of_a_transcript_too_long_for_the_prompt_reads_passages_from_all_of_it(scripted_pipeline, settings):
    p = scripted_pipeline("NOT IN TRANSCRIPT", whole_max_tokens=100, max_calls=1)
    a = p.ask("Summarize the meeting.")
    assert a.trace.plan.scope == "whole" and a.trace.attempts[0].look == "spread"
    chunks = p.index.chunks
    assert len(a.trace.passages) == settings.spread_k < len(chunks)
    assert a.trace.passages[0] == chunks[0].sentences and a.trace.passages[-1] == chunks[-1].sentences  # first to last
    assert transcript_order(a.trace.passages) == sorted(transcript_order(a.trace.passages))


def test_a_fact_question_reads_the_best_passages_best_first(scripted_pipeline):
    p = scripted_pipeline("NOT IN TRANSCRIPT", context="retrieve")
    a = p.ask(GIGASCALE)
    hits = p.retrieve(GIGASCALE, 5)
    assert a.trace.attempts[0].look == "retrieve"
    assert [p[0].key for p in a.trace.passages] == [h.chunk.sentences[0].key for h in hits]


def test_a_summary_keeps_up_to_its_forms_sentence_count(scripted_pipeline):
    six = ("Meta went from leasing data centers and buying off-the-shelf servers to designing its own equipment [1]. "
           "Nvidia makes excellent general-purpose chips, but GPUs are expensive [2]. "
           "Specializing in hardware requires predicting future algorithm trends [3]. "
           "It is really hard to beat Nvidia with a general purpose chip [4]. "
           "CTOs must decide whether to build proprietary hardware or outsource [5]. "
           "Owning critical parts of the supply chain is crucial [6].")
    a = scripted_pipeline(six, context="retrieve").ask("Summarize the discussion about hardware.")
    most = FORM_TABLE["summary"].sentences
    assert not a.abstained and len(a.trace.drafts) == 6 > most
    assert sum(s.supported for s in a.sentences) == most and len(a.sentences) == most
    assert "supply chain" not in a.text  # the sixth sentence is past the limit
    why = scripted_pipeline(six, context="retrieve").ask("Why do CTOs consider specialized hardware?")
    assert not why.abstained and sum(s.supported for s in why.sentences) == FORM_TABLE["why"].sentences


def test_a_speaker_question_reads_the_passages_where_that_speaker_speaks(meeting_pipeline):
    reply = ("The Professor thought the far microphone data is the real test, because close talking hides the noise "
             "problem [1]. He wanted to keep the noisy far microphone results in the paper [2].")
    p = meeting_pipeline(reply, context="retrieve")
    a = p.ask(PROFESSOR)
    plan = a.trace.plan
    assert (plan.form, plan.scope, plan.speakers) == ("opinion", "speaker", ("Professor",))
    assert [t.look for t in a.trace.attempts] == ["speaker"]
    passages = a.trace.passages
    assert passages and all(any(s.speaker == "Professor" for s in p_) for p_ in passages)
    assert transcript_order(passages) == sorted(transcript_order(passages))
    students_only = [c for c in p.index.chunks if all(s.speaker != "Professor" for s in c.sentences)]
    assert students_only  # the look left these out
    assert not {c.sentences for c in students_only} & set(passages)
    assert "Professor said or thought" in p.llm.prompts[0][-1]["content"]  # the form names who
    assert not a.abstained and [c.timestamp for c in a.citations] == ["00:00:14", "00:02:35"]
    assert {c.speaker for c in a.citations} == {"Professor"}


def test_a_speaker_look_follows_the_whole_transcript_when_it_fits(meeting_pipeline):
    p = meeting_pipeline("NOT IN TRANSCRIPT")
    a = p.ask(PROFESSOR)
    assert [t.look for t in a.trace.attempts] == ["whole", "speaker", "spread"]


def test_a_time_question_reads_the_sentences_of_its_window(scripted_pipeline):
    p = scripted_pipeline("CTOs must decide whether to build proprietary hardware or outsource [2].")
    a = p.ask("What is discussed at minute 21?")
    when = a.trace.plan.when
    assert a.trace.plan.scope == "window" and (when.start, when.end) == (1200.0, 1380.0)
    assert [t.look for t in a.trace.attempts] == ["window"]
    shown_starts = [s.start for p_ in a.trace.passages for s in p_]
    inside = [s.start for s in p.numbered(None)[1] if when.start <= s.start <= when.end]
    assert sorted(shown_starts) == sorted(inside) and len(inside) > 3
    assert "from 00:20:00 to 00:23:00" in p.llm.prompts[0][-1]["content"]
    assert "00:" not in p.llm.prompts[0][-1]["content"].split("in order):", 1)[1]  # no times among the passages
    assert not a.abstained and [c.timestamp for c in a.citations] == ["00:20:55"]


def test_a_time_past_the_end_of_the_recording_is_refused_with_its_length(scripted_pipeline):
    p = scripted_pipeline("Something [1].")
    a = p.ask("What is said at minute 70?")
    duration = max(s.start for s in p.numbered(None)[1])
    assert a.abstained and p.llm.prompts == [] and a.trace.attempts == ()
    assert format_time(duration) in a.reason and "long" in a.reason, a.reason


@pytest.mark.parametrize("question, look, moments", [
    ("What is said right after the part about leasing data centers?", "after", ["00:22:29", "00:23:09"]),
    ("What is said just before the part about leasing data centers?", "before", ["00:20:55", "00:21:00"]),
])
def test_a_neighbour_question_reads_the_sentences_next_to_what_it_names(scripted_pipeline, question, look, moments):
    p = scripted_pipeline("NOT IN TRANSCRIPT")
    a = p.ask(question)
    assert a.trace.plan.scope == look and [t.look for t in a.trace.attempts] == [look]
    assert [s.timestamp for p_ in a.trace.passages for s in p_] == moments
    assert "At Meta, the company transitioned" in p.llm.prompts[0][-1]["content"].split("\n")[0]  # named in the heading
    assert "At Meta" not in "".join(p.llm.prompts[0][-1]["content"].split("\n")[1:])  # but not shown to be cited


def test_an_answer_about_the_sentences_after_x_is_cited_to_them(scripted_pipeline):
    p = scripted_pipeline("CTOs consider specialized hardware for better performance or cost advantages [1].")
    a = p.ask("What is said right after the part about leasing data centers?")
    assert not a.abstained and [c.timestamp for c in a.citations] == ["00:22:29"], a.reason


def test_a_short_answer_about_the_part_before_x_is_not_read_with_x(captions_pipeline):
    # the question names the anchor ("the Anthropic guide"), which the part before it never holds: read with the
    # question, "The code for both the projects is here." would fall under the caption threshold
    p = captions_pipeline("The code for both the projects is here. [1]")
    a = p.ask("What does he say just before the Anthropic guide?")
    assert a.trace.plan.scope == "before" and not a.abstained, a.reason
    shown_keys = {s.key for p_ in a.trace.passages for s in p_}
    assert "00:12:28" in [c.timestamp for c in a.citations]
    assert all((c.source, c.seconds, c.text) in shown_keys for c in a.citations)


# --- the floor: nothing close to the question, and the model is not asked ---

def test_off_topic_question_abstains_without_calling_the_model(scripted_pipeline):
    p = scripted_pipeline("Argentina won [1].")
    a = p.ask("Who won the football world cup in 2022?")
    assert a.abstained and "similarity" in a.reason and "below" in a.reason
    assert p.llm.prompts == [] and a.trace.context == "none" and a.trace.attempts == ()


def test_the_floor_switched_off_asks_the_model_anyway(scripted_pipeline):
    p = scripted_pipeline("NOT IN TRANSCRIPT", checks_off=("floor",))
    assert p.ask("Who won the football world cup in 2022?").abstained and len(p.llm.prompts) >= 1


def test_a_name_the_embedder_does_not_know_is_found_by_its_words(captions_pipeline, settings):
    """"What is n8n?" is at cosine 0.17 to its best passage, under the floor: a passage holding every word of the
    question lets the model be asked. A name no passage holds ("LangChain") and the floor stands."""
    p = captions_pipeline("N8N is a tool where you can do drag and drop.", context="whole")
    a = p.ask("What is n8n?")
    assert max(h.score for h in a.trace.hits) < settings.min_whole_score
    assert len(p.llm.prompts) >= 1 and a.trace.attempts
    asked = len(p.llm.prompts)
    off_topic = p.ask("What is LangChain?")
    # refused before the model is asked: nothing close to it, or a name the transcript never says
    assert off_topic.abstained and len(p.llm.prompts) == asked
    assert "below" in off_topic.reason or "never says" in off_topic.reason


def test_a_name_the_embedder_does_not_know_is_answered_from_the_sentence_naming_it(captions_pipeline):
    p = captions_pipeline("N8N is a tool where you can do drag and drop.", context="whole")
    a = p.ask("What is n8n?")
    assert not a.abstained and [c.timestamp for c in a.citations] == ["00:10:23"], a.reason


def test_a_look_with_nothing_to_show_is_never_sent_to_the_model(meeting_pipeline):
    # with two hits, the Professor's passages (the first and the last) are not among the ones about disks
    p = meeting_pipeline("NOT IN TRANSCRIPT", top_k=1, spread_k=1)
    a = p.ask("What did the Professor think about the disks?")
    assert not any(any(s.speaker == "Professor" for s in h.chunk.sentences) for h in a.trace.hits)
    assert all(shown(prompt) for prompt in p.llm.prompts), [t.look for t in a.trace.attempts]


# --- streaming, prompts and per-call arguments ---

def test_stream_yields_text_then_answer(scripted_pipeline):
    events = list(scripted_pipeline("Gigascale backs climate technology companies [1].").stream(GIGASCALE))
    assert len(events) > 2 and all(isinstance(e, str) for e in events[:-1]) and isinstance(events[-1], Answer)
    assert "".join(events[:-1]) == "Gigascale backs climate technology companies [1]."
    assert events[-1].raw == "".join(events[:-1])
    assert {"retrieve", "first_token", "total"} <= set(events[-1].timings_ms)


def test_a_second_call_is_streamed_after_a_line_break(scripted_pipeline):
    events = list(scripted_pipeline(["NOT IN TRANSCRIPT", "Gigascale backs climate technology companies [1]."],
                                    context="whole").stream(GIGASCALE))
    text = "".join(e for e in events if isinstance(e, str))
    assert text == "NOT IN TRANSCRIPT\nGigascale backs climate technology companies [1]."
    assert not events[-1].abstained


def test_timings_record_how_long_generation_took(scripted_pipeline):
    a = scripted_pipeline("Gigascale backs climate technology companies [1].").ask(GIGASCALE)
    assert a.timings_ms["generate"] > 0


def test_prompt_numbers_passages_and_hides_times(scripted_pipeline):
    p = scripted_pipeline("NOT IN TRANSCRIPT", context="retrieve")
    p.ask(GIGASCALE)
    first = p.llm.prompts[0]
    assert shown(first) == [1, 2, 3, 4, 5]
    assert not any(re.search(r"\d\d:\d\d:\d\d", m["content"]) for prompt in p.llm.prompts for m in prompt)
    assert first[-1]["content"].split("Question: ", 1)[1].startswith(GIGASCALE)


def test_per_call_top_k(scripted_pipeline):
    p = scripted_pipeline("NOT IN TRANSCRIPT", context="retrieve")
    p.ask(GIGASCALE, top_k=2)
    assert shown(p.llm.prompts[0]) == [1, 2]
    p.llm.prompts.clear()
    p.ask(GIGASCALE, top_k=3)
    assert shown(p.llm.prompts[0]) == [1, 2, 3]


def test_follow_up_is_searched_with_the_previous_question(scripted_pipeline):
    p = scripted_pipeline("NOT IN TRANSCRIPT")
    a = p.ask("And what did he release?", history=[("What did Meta's AI lab build?", "PyTorch [00:15:53].")])
    assert a.searched == "What did Meta's AI lab build? And what did he release?"
    assert a.trace.plan.searched == a.searched and a.trace.plan.question == "And what did he release?"
    assert p.llm.prompts[0][1] == {"role": "user", "content": "What did Meta's AI lab build?"}
    assert p.llm.prompts[0][2] == {"role": "assistant", "content": "PyTorch [00:15:53]."}
    assert p.llm.prompts[0][-1]["content"].startswith("Question: And what did he release?")


@pytest.mark.parametrize("question", ["", "   ", "x" * 1001])
def test_bad_questions(question):
    with pytest.raises(QuestionError):
        check_question(question)


def test_bad_questions_reach_no_model(scripted_pipeline):
    p = scripted_pipeline("x")
    with pytest.raises(QuestionError, match="empty"):
        p.ask("  ")
    assert p.llm.prompts == []


@pytest.mark.parametrize("text, refusal", [
    ("NOT IN TRANSCRIPT", True), ("The passages do not mention the number of employees.", True),
    ("I don't know.", True), ("Gigascale invests in climate tech [1].", False),
])
def test_says_dont_know(text, refusal):
    assert says_dont_know(text) is refusal


def test_search_query_leaves_standalone_questions_alone():
    assert search_query(GIGASCALE, [("Earlier?", "x")]) == GIGASCALE
    assert search_query("And chips?", []) == "And chips?"


def test_render_shows_each_moment_once():
    from rag.answer import AnswerSentence, Citation, render

    cites = (Citation("00:15:53", 953.0, "t", "Heading"), Citation("00:15:53", 953.0, "t", "Sentence."))
    assert render([AnswerSentence("Claim.", (0, 1), True)], cites) == "Claim. [00:15:53]"
    assert render([AnswerSentence("Unsupported.", (), False)], cites) == ""


# --- the whole transcript as context ---

def test_whole_context_numbers_every_sentence_and_keeps_a_stable_prefix(scripted_pipeline):
    p = scripted_pipeline("NOT IN TRANSCRIPT", context="whole", max_calls=1)
    p.ask(GIGASCALE)
    p.ask("Which responsibilities stay at the core of the CTO job?")
    first, second = p.llm.prompts
    assert first[0] == second[0]  # the cacheable prefix: instructions + whole transcript
    system = first[0]["content"]
    assert "[38] " in system and "[39] " not in system  # 38 sentences; the 8 headings are unnumbered
    assert "## Strategic Hardware Decisions" in system
    assert "00:00:35" not in system and "[00:" not in system  # no timestamps reach the model
    assert first[-1]["content"].startswith(f"Question: {GIGASCALE}")


def test_whole_context_marker_maps_to_the_numbered_sentence(scripted_pipeline):
    from rag.prompt import number_sentences

    p = scripted_pipeline("", context="whole")
    _, numbered = number_sentences(p.transcripts)
    n = next(i for i, s in enumerate(numbered, start=1) if s.text.startswith("Strategic supply chain management"))
    p.llm.reply = f"CTOs should carefully evaluate whether to build or buy key hardware components [{n}]."
    a = p.ask("What does the key takeaway about supply chains say?")
    assert a.citations[0].timestamp == "00:21:00" and a.citations[0].text == numbered[n - 1].text
    assert a.trace.context == "whole" and a.trace.drafts[0].cited == (n,)
    assert a.trace.model_cited()[0].text.startswith("Strategic supply chain management")


def test_a_neighbour_that_supports_nothing_of_the_claim_is_not_cited(scripted_pipeline):
    from rag.prompt import number_sentences

    p = scripted_pipeline("", context="whole")
    _, numbered = number_sentences(p.transcripts)
    n = next(i for i, s in enumerate(numbered, start=1) if s.text.startswith("Strategic supply chain management"))
    p.llm.reply = f"CTOs should carefully evaluate whether to build or buy key hardware components [{n}]."
    a = p.ask("What does the key takeaway about supply chains say?")
    assert [c.timestamp for c in a.citations] == ["00:21:00"]


def test_auto_context_follows_the_prompt_budget(scripted_pipeline):
    assert scripted_pipeline("x").context_for(None) == "whole"
    assert scripted_pipeline("x", whole_max_tokens=100).context_for(None) == "retrieve"
    p = scripted_pipeline("NOT IN TRANSCRIPT", whole_max_tokens=100, max_calls=1)
    assert p.ask(GIGASCALE).trace.attempts[0].look == "retrieve"


def test_caption_text_is_checked_with_its_own_threshold(settings, embedder):
    vtt = CAPTIONS
    p = Pipeline(settings.with_(paths=settings.paths + (vtt,)), embedder=embedder, llm=ScriptedLLM(""))
    by_title = {t.title: t for t in p.transcripts}
    caption = (by_title["youtube-autocaptions-agentic-ai"].segments[3],)
    seed = (by_title["The role of the CTO in the AI era"].segments[1],)
    assert p._threshold((caption,)) == settings.caption_support_threshold
    assert p._threshold((seed,)) == settings.support_threshold
    assert p._threshold((seed, caption)) == settings.support_threshold
    assert settings.caption_support_threshold < settings.support_threshold


def test_caption_text_gets_a_second_look_when_verification_refuses(captions_pipeline):
    replies = ["The policies are kept on a shared drive in Word documents.", "In PDF files [1]."]
    p = captions_pipeline(replies, context="whole")
    a = p.ask("In what form is the HR policy information available to the first chatbot?")
    assert not a.abstained and a.trace.context == "retrieve" and a.trace.first_reply == replies[0]
    assert len(p.llm.prompts) == 2 and "00:00:27" in [c.timestamp for c in a.citations]
    assert "Word" not in a.text


def test_an_option_the_transcript_never_says_does_not_refuse_a_choice_before_asking(scripted_pipeline):
    p = scripted_pipeline("Facebook: he was CTO at Facebook for nine years.", context="whole")
    a = p.ask("Was Mike the CTO of Facebook or Google?")  # "Google" is never said; it is one of the options
    assert p.llm.prompts and "never says" not in a.reason
    assert scripted_pipeline("x", context="whole").ask("Was Mike the CTO of Google?").abstained  # a name asked about


def test_a_follow_up_is_judged_by_its_own_subject(scripted_pipeline):
    from rag.checks import subject_words

    assert subject_words("How long was Mike CTO at Facebook?", ()) == frozenset()  # "how long" frames it
    assert "befor" not in subject_words("Why is that?", ())

