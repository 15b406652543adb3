"""The moment or span a question names: known windows, questions that name none, and the question without it."""

import pytest

from rag.when import TimeRef, find_time, without_time

D = 9000.0  # a 2.5-hour recording, long enough for every time below

WINDOWS = [
    # points: a minute before to two minutes after
    ("What is discussed around 1 hour 10 minutes in?", (4140, 4320)),
    ("What is said roughly 2 hours and 6 minutes in?", (7500, 7680)),
    ("What is said at 1:10:00?", (4140, 4320)),
    ("What is said at 01:10:00?", (4140, 4320)),
    ("What is said at 12:30?", (690, 870)),  # two parts: mm:ss
    ("What is said at 75:00?", (4440, 4620)),
    ("What happens an hour and ten minutes in?", (4140, 4320)),
    ("What is said at 70 minutes?", (4140, 4320)),
    ("What is said at minute 13?", (720, 900)),
    ("What example does he introduce around the 8-minute mark?", (420, 600)),
    ("What is said at the 8 minute mark?", (420, 600)),
    ("What is said at 45 seconds?", (0, 165)),
    ("What is said 90 seconds in?", (30, 210)),
    ("What is said at 1h10m?", (4140, 4320)),
    ("What is said 1h 10m in?", (4140, 4320)),
    ("What is said an hour in?", (3540, 3720)),
    ("What is said half an hour in?", (1740, 1920)),
    ("What is said a quarter of an hour in?", (840, 1020)),
    ("What is said twenty-five minutes in?", (1440, 1620)),
    ("What is said an hour and a half in?", (5340, 5520)),
    ("What's said 1 hour 5 minutes into the talk?", (3840, 4020)),
    ("What is said at the hour mark?", (3540, 3720)),
    ("What is said at two and a half minutes?", (90, 270)),
    ("What is said at minute twenty five?", (1440, 1620)),
    ("What is said at 1:02:03.5?", (3663.5, 3843.5)),
    ("What is said 5:00 in?", (240, 420)),
    ("What's said at the 45-minute mark of the lecture?", (2640, 2820)),
    ("What does he say about capacity around minute 25?", (1440, 1620)),
    ("Around 13:00, what is he talking about?", (720, 900)),
    ("What is said at 00:12:30 about chips?", (690, 870)),
    ("What is said 00:12:30?", (690, 870)),  # a bare hh:mm:ss is a time
    ("What does he discuss 13 minutes in?", (720, 900)),
    ("Give me a summary of minute 40.", (2340, 2520)),
    ("What happens halfway through?", (4440, 4620)),
    ("What happens at the halfway point?", (4440, 4620)),
    ("What happens in the middle of the recording?", (4440, 4620)),
    # spans
    ("What is said in the last ten minutes?", (8400, 9000)),
    ("What is said in the final 5 minutes?", (8700, 9000)),
    ("What is said in the first five minutes?", (0, 300)),
    ("What does he say in the first minute?", (0, 60)),
    ("What does he say in the first 90 seconds?", (0, 90)),
    ("What was said in the opening minutes?", (0, 120)),
    ("What is said in the last few minutes?", (8820, 9000)),
    ("What is said in the first half hour?", (0, 1800)),
    ("What is said during the last hour?", (5400, 9000)),
    ("What is said at the start?", (0, 120)),
    ("What is said at the beginning of the meeting?", (0, 120)),
    ("What does he ask viewers to do at the very end of the video?", (8880, 9000)),
    ("What is said towards the end?", (8880, 9000)),
    ("What happens between minute 10 and 15?", (600, 900)),
    ("What happens between 10 and 15 minutes?", (600, 900)),
    ("What's discussed in minutes 10 to 12?", (600, 720)),
    ("What happens from 20:00 to 25:00?", (1200, 1500)),
    ("What happens from 01:00:00 to 01:02:00?", (3600, 3720)),
    ("What is said 10 to 15 minutes in?", (600, 900)),
    ("What is discussed around 20:00-25:00?", (1200, 1500)),
    ("What happens from the 5 minute mark to the 8 minute mark?", (300, 480)),
    ("What is said in the beginning?", (0, 120)),
    ("What happens after 20 minutes?", (1200, 9000)),
    ("What happens after the 30-minute mark?", (1800, 9000)),
    ("What is said from minute 20 onwards?", (1200, 9000)),
    ("What is said before the 10-minute mark?", (0, 600)),
    ("What is said right after the 10-minute mark?", (600, 720)),
    ("What is said just before 20:00?", (1080, 1200)),
    ("What happens in the second half?", (4500, 9000)),
    ("What is said in the first half of the talk?", (0, 4500)),
]


@pytest.mark.parametrize("question, window", WINDOWS)
def test_known_windows(question, window):
    ref = find_time(question, D)
    assert (ref.start, ref.end) == window
    assert ref.phrase in question


@pytest.mark.parametrize("question", [q for q, _ in WINDOWS])
def test_without_its_time_phrase_a_question_names_no_time(question):
    rest = without_time(question)
    assert find_time(rest, D) is None and len(rest) < len(question)


@pytest.mark.parametrize("question", [
    "What are the 3 main points?", "What did they say about the 2013 budget?", "Is it 55 or 100 people?",
    "What changed in version 2.0?", "What did he say about his 5 minutes of fame?", "What happened in 2015?",
    "Does it cost $10?", "Did sales grow 10% in the first quarter?", "What are the 3 steps?", "Who led FAIR?",
    "What did they decide at the end of the day?", "What did Meta do after leasing data centers?",
    "Why did the first half of the 20th century matter?", "What did he say about meeting halfway?",
    "Which minute details matter?", "What happened around the 90s?", "Is the talk about 90 minutes long?",
    "Does he speak for about 10 minutes?", "What did they do between 2013 and 2015?", "What was the last-minute change?",
    "What changed at the last minute?", "Why is 16:9 the ratio?", "Did they meet at 3:30 pm?",
    "What did they say about 5m users?", "What happened at a second meeting?", "Was the delay about 10 minutes?",
    "How did he feel after 5 years at Google?", "What is the first step after the 3 minute rule?",
    "What happened 10 years in?", "What did he do halfway through his career?", "Is the 1:1 meeting weekly?",
    "What is said at the end of the part about chips?", "What did they do in the 1990s?", "", "?",
    "What did he say in John 3:16?", "What did he say at 14:00 hours?", "Why did it take 2 hours in the end?",
    "What did she say at 3 minutes to midnight?", "Was it a 30-minute call?", "What are the 5 minute tips?",
])
def test_questions_that_name_no_time(question):
    assert find_time(question, D) is None and find_time(question) is None
    assert without_time(question) == question.strip()


@pytest.mark.parametrize("question, exact", [
    ("What is said at minute 13?", True), ("What happens halfway through?", True),
    ("What is said in the last ten minutes?", False), ("What happens between 10 and 15 minutes?", False),
    ("What is said at the start?", False), ("What happens after 20 minutes?", False),
])
def test_a_point_is_exact_and_a_span_is_not(question, exact):
    assert find_time(question, D).exact is exact


@pytest.mark.parametrize("question", [
    "What is said in the last ten minutes?", "What is said at the end?", "What happens halfway through?",
    "What happens in the second half?", "What happens after 20 minutes?",
])
def test_phrases_about_the_end_need_the_duration(question):
    assert find_time(question, D) is not None and find_time(question) is None
    assert without_time(question) != question  # still a time phrase, to take out of what is searched for


def test_without_a_duration_a_named_time_is_not_clipped():
    assert find_time("What is said at 2:10:00?") == TimeRef(7740.0, 7920.0, "at 2:10:00", True, 7800.0)
    assert find_time("In the first 5 minutes?") == TimeRef(0.0, 300.0, "In the first 5 minutes", False, 0.0)


def test_a_window_is_clipped_to_the_recording_and_a_time_past_its_end_keeps_its_start():
    near_start = find_time("What is said at 30 seconds?", 600.0)
    assert (near_start.start, near_start.end, near_start.anchor) == (0.0, 150.0, 30.0)
    near_end = find_time("What is said at 9:30?", 600.0)
    assert (near_end.start, near_end.end) == (510.0, 600.0) and not near_end.beyond(600.0)
    past = find_time("What is said at minute 70?", 600.0)
    assert (past.start, past.end, past.anchor) == (4140.0, 4140.0, 4200.0) and past.beyond(600.0)
    longer = find_time("What is said in the last 90 minutes?", 600.0)
    assert (longer.start, longer.end) == (0.0, 600.0)


@pytest.mark.parametrize("question, rest", [
    ("What example does he introduce around the 8-minute mark?", "What example does he introduce?"),
    ("Around 13:00, what is he talking about?", "What is he talking about?"),
    ("In the first minute, what does he say?", "What does he say?"),
    ("Summarize the first five minutes.", "Summarize."),
    ("Give me a summary of minute 40.", "Give me a summary."),
    ("What is he talking about at minute 5?", "What is he talking about?"),
    ("What does he say about capacity around minute 25?", "What does he say about capacity?"),
    ("what is said at the end of the talk about chips?", "what is said about chips?"),
    ("At 1:10:00", ""),
])
def test_without_time_leaves_what_to_search_for(question, rest):
    assert without_time(question) == rest


@pytest.mark.parametrize("question, anchor", [
    ("What is said at minute 13?", 780.0), ("What is said in the last ten minutes?", D),
    ("What is said in the first five minutes?", 0.0), ("What happens between minute 10 and 15?", 600.0),
    ("What happens halfway through?", D / 2),
])
def test_the_anchor_is_the_moment_a_window_is_about(question, anchor):
    assert find_time(question, D).anchor == anchor


def test_the_first_time_phrase_rule_wins_over_the_points_inside_a_span():
    ref = find_time("Between minute 10 and 15, and not at minute 30, what is said?", D)
    assert (ref.start, ref.end, ref.phrase) == (600.0, 900.0, "Between minute 10 and 15")
