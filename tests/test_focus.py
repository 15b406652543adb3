"""Questions about time, neighbours and speakers: the window, the anchor and the voice they name."""

import pytest

from rag.focus import find_focus, neighbour_request, speaker_request, time_window
from rag.formats import parse_transcript
from rag.segments import Segment, Transcript


@pytest.mark.parametrize("question, window", [
    ("What does he say around minute 22?", (1260.0, 1440.0)),
    ("What is discussed at minute 5?", (240.0, 420.0)),
    ("What comes up at the 10-minute mark?", (540.0, 720.0)),
    ("What is said at 12:30?", (690.0, 870.0)),
    ("What is discussed in the first five minutes?", (0.0, 300.0)),
    ("What does he say in the first minute?", (0.0, 60.0)),
    ("What is said in the last 2 minutes?", (2880.0, 3001.0)),
    ("What happens between minute 10 and 12?", (600.0, 720.0)),
    ("What happens from 01:00:00 to 01:02:00?", (3600.0, 3720.0)),
    ("What does he ask viewers to do at the very end of the video?", (2880.0, 3001.0)),
    ("What is said at the start?", (0.0, 120.0)),
    ("What does he say in the first 90 seconds?", (0.0, 90.0)),
    ("What was said in the opening minutes?", (0.0, 120.0)),
    ("What does he discuss 13 minutes in?", (720.0, 900.0)),
    ("What's discussed in minutes 10 to 12?", (600.0, 720.0)),
])
def test_time_windows(question, window):
    assert time_window(question, 3000.0)[:2] == window


@pytest.mark.parametrize("question, overview", [
    ("What is discussed around minute 13?", True), ("Around 13:00, what is he talking about?", True),
    ("In the first minute, what does he say?", True), ("What topic comes up near minute 13?", True),
    ("Summarize the first five minutes.", True), ("Give me a summary of minute 40.", True),
    ("What happens at 25:00?", True), ("What are they discussing around minute 13?", True),
    ("What does he say about capacity around minute 25?", False), ("What example does he introduce at 8:00?", False),
    ("What real-life example does the presenter open with in the first minute?", False),
    ("What does the presenter say is the simplest definition of agentic AI?", False),  # no time phrase
])
def test_overview_questions_are_told_from_questions_about_one_thing(question, overview):
    from rag.focus import asks_overview

    assert asks_overview(question) is overview


@pytest.mark.parametrize("question", [
    "What does Gigascale invest in?", "How many years was he CTO?", "Why did Meta open-source PyTorch?",
    "What did Meta do after leasing data centers?",
])
def test_ordinary_questions_have_no_focus(question, embedder):
    t = parse_transcript("One [00:00:05]. Two [00:10:00]. Three [00:20:00].", "t", "t.txt")
    assert time_window(question, 3000.0) is None and neighbour_request(question) is None
    assert find_focus(question, [t], embedder.encode) is None


def test_window_keeps_the_sentences_inside_it():
    t = parse_transcript("Early talk [00:00:30]. Middle point [00:22:10]. Late idea [00:40:00].", "t", "t.txt")
    focus = find_focus("What does he say around minute 22?", [t])
    assert focus.kind == "window" and [s.text for s in focus.sentences] == ["Middle point."]
    empty = find_focus("What is said around minute 30?", [t])
    assert empty.sentences == ()  # the pipeline then says the transcript has nothing there


def test_a_crowded_window_keeps_the_sentences_nearest_the_moment_it_is_about():
    from rag.focus import MAX_SENTENCES

    lines = " ".join(f"Point {i} [00:{i // 12:02d}:{i % 12 * 5:02d}]." for i in range(120))  # one every 5 s, 10 minutes
    t = parse_transcript(lines, "t", "t.txt")
    end = find_focus("What does he ask viewers to do at the very end?", [t]).sentences  # 24 in the last 2 minutes
    assert len(end) == MAX_SENTENCES and end[-1].text == "Point 119."  # the last ones are kept, in order
    assert [s.start for s in end] == sorted(s.start for s in end)
    start = find_focus("What is said in the first 5 minutes?", [t]).sentences
    assert start[0].text == "Point 0." and len(start) == MAX_SENTENCES
    around = [s.text for s in find_focus("What does he say around minute 5?", [t]).sentences]  # 4:00 to 7:00
    assert "Point 60." in around and "Point 83." not in around  # 5:00 kept, 6:55 left out


def test_a_talkative_speaker_is_read_where_the_question_is_about(embedder):
    from rag.focus import MAX_SENTENCES

    lines = [f"[00:{i // 2:02d}:{i % 2 * 30:02d}] Alice: We reviewed item number {i} of the agenda." for i in range(40)]
    lines[33] = "[00:16:30] Alice: The budget for the offsite is twelve thousand euros."
    lines += ["[00:20:00] Bob: I agree with that."]
    t = parse_transcript("\n".join(lines), "meeting", "m.txt")
    said = find_focus("What did Alice say about the budget?", [t], embedder.encode).sentences
    assert len(said) == MAX_SENTENCES and all(s.speaker == "Alice" for s in said)
    assert any("budget" in s.text for s in said)  # the 34th of her 40 lines, past the first 20
    assert [s.start for s in said] == sorted(s.start for s in said)


def test_neighbours_in_document_order(embedder):
    t = parse_transcript("Intro words [00:00:10]. The FAIR lab was founded [00:13:37]. Gigascale backs climate tech "
                         "[00:00:35]. Chips are hard to beat [00:23:08].", "t", "t.txt")
    after = find_focus("What is said right after the part about FAIR?", [t], embedder.encode)
    assert [s.timestamp for s in after.sentences] == ["00:00:35"]
    assert after.anchor.timestamp == "00:13:37"  # the sentence it is placed by, told to the model
    before = find_focus("What comes just before the remark about chips?", [t], embedder.encode)
    assert [s.timestamp for s in before.sentences] == ["00:00:35"] and before.anchor.timestamp == "00:23:08"
    told = find_focus("What is said after he mentions the FAIR lab?", [t], embedder.encode)
    assert told.kind == "after" and [s.timestamp for s in told.sentences] == ["00:00:35", "00:23:08"]


def test_speaker_questions_keep_that_speakers_sentences():
    t = parse_transcript("[00:00:05] Alice: The budget is tight.\n[00:00:09] Bob: We should hire.\n"
                         "[00:00:15] Alice: Hiring waits until spring.\n", "meeting", "m.txt")
    focus = find_focus("What did Alice say about hiring?", [t])
    assert focus.kind == "speaker" and [s.timestamp for s in focus.sentences] == ["00:00:05", "00:00:15"]
    assert speaker_request("What did Carol say?", ["Alice", "Bob"]) is None


def test_focus_answers_cite_inside_the_window(scripted_pipeline):
    p = scripted_pipeline("Mike notes that underpredicting capacity has been more regrettable than overpredicting [1].")
    a = p.ask("What is discussed around minute 25?")
    assert a.trace.context == "focus"
    assert a.citations and all(24 * 60 <= c.seconds < 27 * 60 for c in a.citations)
    assert "around 00:25:00" in p.llm.prompts[-1][-1]["content"]


def test_a_window_overview_asks_for_its_main_points_and_a_topic_question_is_asked_as_it_is(scripted_pipeline):
    from rag.prompt import OVERVIEW_ASK

    p = scripted_pipeline("Mike notes that underpredicting capacity has been more regrettable than overpredicting [1].")
    p.ask("What is discussed around minute 25?")
    assert p.llm.prompts[-1][-1]["content"].endswith(f"Question: What is discussed around minute 25? {OVERVIEW_ASK}")
    p.ask("What does he say about capacity around minute 25?")
    assert p.llm.prompts[-1][-1]["content"].endswith("Question: What does he say about capacity around minute 25?")


def test_empty_window_abstains_without_the_model(scripted_pipeline):
    p = scripted_pipeline("anything [1].")
    a = p.ask("What is discussed around minute 55?")
    assert a.abstained and "around 00:55:00" in a.reason and p.llm.prompts == []


def test_a_question_about_the_whole_recording_is_answered_from_all_of_it(scripted_pipeline):
    from rag.prompt import SUMMARY_QUESTION

    p = scripted_pipeline("The role of a Chief Technology Officer is undergoing significant transformation due to "
                          "the rapid advancements in AI.", context="whole")
    a = p.ask("What is this about?")  # no passage is close to it in meaning: no floor, no "about the question" check
    assert not a.abstained and [c.timestamp for c in a.citations] == ["00:01:04"]
    assert p.llm.prompts[-1][-1]["content"].endswith(SUMMARY_QUESTION)
    sample = scripted_pipeline("The role of a Chief Technology Officer is changing.", context="retrieve")
    assert sample.ask("What is this about?").abstained and sample.llm.prompts == []  # top-k passages are no summary
    guest = scripted_pipeline("Mike Schreer is the guest.", context="whole").ask("Who is the guest?")
    assert not guest.abstained and [c.timestamp for c in guest.citations] == ["00:00:31"]
    host = scripted_pipeline("Mike Schreer.", context="whole").ask("Who is the interviewer?")  # never named
    assert host.abstained and "name no interviewer" in host.reason
    off_topic = scripted_pipeline("Sunny.", context="whole")
    assert off_topic.ask("What is the weather in Paris?").abstained and off_topic.llm.prompts == []


def test_a_long_window_overview_reads_the_window_as_three_parts_in_order(settings, embedder):
    from rag.pipeline import Pipeline
    from rag.prompt import OVERVIEW_PARTS_ASK
    from tests.conftest import ROOT, ScriptedLLM

    captions = str(ROOT / "tests" / "data" / "youtube-autocaptions-agentic-ai.vtt")
    reply = ("The speaker says that in a conversation it will have a context and remember things [1]. "
             "The speaker gives a simple definition of agentic AI [2]. "
             "The speaker gives AI coding as an example of agentic AI [3].")
    p = Pipeline(settings.with_(paths=(captions,)), embedder=embedder, llm=ScriptedLLM(reply))
    a = p.ask("What is discussed around minute 6?")  # 20 caption sentences
    asked = p.llm.prompts[0][-1]["content"]
    assert asked.endswith(f"Question: What is discussed around minute 6? {OVERVIEW_PARTS_ASK}")
    assert "[3] " in asked and "[4] " not in asked
    parts = a.trace.passages
    assert len(parts) == 3 and [s.start for p_ in parts for s in p_] == sorted(s.start for p_ in parts for s in p_)
    assert {len(p_) for p_ in parts} <= {6, 7}
    # each answer sentence is cited inside the part it speaks of
    assert len(a.sentences) == 3 and all(s.supported for s in a.sentences)
    for part, sentence in zip(parts, a.sentences):
        assert sentence.citations and {a.citations[i].timestamp for i in sentence.citations} <= {s.timestamp for s in part}


def test_a_question_about_the_main_points_reads_the_transcripts_own_list_of_them(scripted_pipeline):
    from rag.prompt import OVERVIEW_ASK

    p = scripted_pipeline("Embrace higher abstraction: Utilize AI systems writing code [1]. "
                          "The role of a Chief Technology Officer is undergoing significant transformation [2].",
                          context="whole")
    a = p.ask("What are the highlights?")
    asked = p.llm.prompts[-1][-1]["content"]
    assert a.trace.context == "section" and "Key Takeaways for CTOs in the AI Era" in asked
    assert asked.endswith(f"Question: What are the highlights? {OVERVIEW_ASK}")
    assert [s.timestamp for p_ in a.trace.passages for s in p_] == ["00:10:03", "00:20:26", "00:21:00", "00:40:50",
                                                                     "00:22:55"]
    # the opening sentence is not in the list: only the takeaway stays, cited to its own moment
    assert [c.timestamp for c in a.citations] == ["00:10:03"] and a.text.startswith("Embrace higher abstraction")
    sample = scripted_pipeline("Embrace higher abstraction: Utilize AI systems writing code [1].", context="retrieve")
    a = sample.ask("What are the highlights?")  # a transcript too long to read whole: its list is still short
    assert a.trace.context == "section" and [c.timestamp for c in a.citations] == ["00:10:03"]
    summary = scripted_pipeline("The role of a Chief Technology Officer is undergoing significant transformation.",
                                context="whole")
    assert summary.ask("What is this about?").trace.context == "whole"  # a summary is of all of it


def test_no_list_of_main_points_is_guessed_from_none_or_two():
    from rag.focus import own_points

    def transcript(*headings):
        segs = [seg for h in headings for seg in (Segment("t", 0, h, kind="heading"), Segment("t", 1, "A point."))]
        return Transcript("t", "t.txt", tuple(segs))

    assert own_points([transcript("Background", "Hardware")]) is None
    assert own_points([transcript("Summary", "Key takeaways")]) is None
    assert own_points([transcript("Background", "Conclusions")]).description == "in its section “Conclusions”"
    assert own_points([transcript("Background", "Conclusions"), transcript("Intro")]) is None  # whose highlights?
    assert own_points([transcript("Summary of Q3 budget", "Why I quit piano lessons")]) is None  # not the talk's own
    empty = Transcript("t", "t.txt", (Segment("t", 0, "Key Takeaways", kind="heading"),
                                      Segment("t", 1, "Build less", kind="heading"), Segment("t", 2, "A point.")))
    assert own_points([empty]) is None  # a heading with nothing under it (its sub-headings' levels are not known)
