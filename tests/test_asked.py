"""Questions the transcript asks itself, answered by what follows them (real embedder; scripted answer model)."""

from rag.asked import ASKED_ANSWER, own_question
from rag.formats import parse_transcript

TALK = parse_transcript(
    "[00:11:14] You may have this question: what is the difference between AI agent and agentic AI?\n"
    "[00:11:18] Well, you see this diagram.\n"
    "[00:11:24] Any agentic AI system will have one or more agents.\n"
    "[00:11:34] But you need at least one AI agent with complex reasoning behavior.\n"
    "[00:11:38] The second question you might have is how Gen AI fits in?\n"
    "[00:11:47] Well, Gen AI is part of agentic AI.\n"
    "[00:12:00] Do we call this agentic AI?\n"
    "[00:12:02] No.\n", "talk", "talk.txt")


def test_a_question_the_transcript_asks_itself_is_answered_by_what_follows_it(embedder):
    focus = own_question("How does he explain the difference between an AI agent and agentic AI?", [TALK],
                         embedder.encode)
    assert focus.kind == "asked" and focus.anchor.timestamp == "00:11:14"
    # the question, then its answer up to the next question the transcript asks
    assert [s.timestamp for s in focus.sentences] == ["00:11:14", "00:11:18", "00:11:24", "00:11:34"]
    gen = own_question("How does Gen AI fit in?", [TALK], embedder.encode)
    assert [s.timestamp for s in gen.sentences] == ["00:11:38", "00:11:47", "00:12:00", "00:12:02"]  # a yes/no one goes on


def test_only_a_question_that_asks_all_the_user_asks_fits(embedder):
    for question in ("What is the difference between Gen AI and agentic AI?",  # "Gen" is not in the first question
                     "What is agentic AI?",  # the talk's question asks more: the difference with an AI agent
                     "Do we call this agentic AI?",  # yes/no: answered by the talk's own yes or no instead
                     "What is the difference between a chatbot and a workflow?"):
        assert own_question(question, [TALK], embedder.encode) is None, question


def test_the_answer_is_at_most_a_few_sentences(embedder):
    long = parse_transcript("[00:00:01] So what is the difference between a router and an orchestrator?\n"
                            + "".join(f"[00:00:{i + 2:02d}] Point {i} about routers and orchestrators.\n"
                                      for i in range(ASKED_ANSWER + 4)), "t", "t.txt")
    focus = own_question("What is the difference between a router and an orchestrator?", [long], embedder.encode)
    assert len(focus.sentences) == 1 + ASKED_ANSWER


def test_the_pipeline_asks_it_of_that_part_and_falls_back_to_the_whole_transcript(settings, embedder):
    from rag.pipeline import Pipeline
    from tests.conftest import ROOT, ScriptedLLM

    captions = str(ROOT / "tests" / "data" / "youtube-autocaptions-agentic-ai.vtt")
    reply = "Any agentic AI system will have one or more agents."
    p = Pipeline(settings.with_(paths=(captions,), context="whole"), embedder=embedder, llm=ScriptedLLM(reply))
    a = p.ask("How does he explain the difference between an AI agent and agentic AI?")
    assert not a.abstained and a.trace.context == "asked", a.reason
    assert [c.timestamp for c in a.citations] == ["00:11:24"]
    shown = p.llm.prompts[0][-1]["content"]
    assert "what is the difference between AI agent and agentic AI?" in shown and "Genai is part" not in shown
    # what follows does not answer it: asked of the whole transcript, as any other question
    p.llm.replies, p.llm.prompts = ["NOT IN TRANSCRIPT", reply], []
    events = list(p.stream("How does he explain the difference between an AI agent and agentic AI?"))
    again = events[-1]
    assert len(p.llm.prompts) == 2 and again.trace.context == "whole" and not again.abstained
    assert "\n" in events[:-1]  # the first attempt's streamed text, then the second's
    # the first reply stays on record, and the times count from the question
    assert again.trace.first_reply == "NOT IN TRANSCRIPT"
    assert again.timings_ms["total"] >= again.timings_ms["asked_total"] > 0


def test_a_statement_with_a_tag_is_no_question_of_the_transcripts(embedder):
    # "This is how it works, okay?" holds "how" and ends with "?", but asks nothing: the answer goes on past it
    talk = parse_transcript("[00:00:01] So what is the difference between a router and an orchestrator?\n"
                            "[00:00:04] Well, a router sends each request to one model.\n"
                            "[00:00:07] This is how it works, okay?\n"
                            "[00:00:09] An orchestrator splits the task among workers.\n", "t", "t.txt")
    focus = own_question("What is the difference between a router and an orchestrator?", [talk], embedder.encode)
    assert [s.timestamp for s in focus.sentences] == ["00:00:01", "00:00:04", "00:00:07", "00:00:09"]
