"""Plain-text transcripts: the seed's prose-with-markers layout and timed lines."""

import re
from pathlib import Path

import pytest

from rag.errors import TranscriptError
from rag.formats import load_transcript, parse_transcript
from tests.conftest import SEED, SEED_TITLE


@pytest.fixture(scope="module")
def seed():
    return load_transcript(SEED, SEED_TITLE)


def test_seed_is_the_users_file_byte_for_byte():
    shared = SEED.parent.parent.parent / "shared" / "seeds" / SEED.name
    if not shared.exists():
        pytest.skip("../shared/seeds is not beside this checkout")
    assert SEED.read_bytes() == shared.read_bytes()


def test_seed_counts(seed):
    assert seed.format == "markers"
    assert len(seed.segments) == 46
    assert sum(s.is_heading for s in seed.segments) == 8
    assert sum(s.timed for s in seed.segments) == 33


def test_every_marker_lands_on_exactly_one_sentence_in_order(seed):
    markers = re.findall(r"\[(\d\d:\d\d:\d\d)\]", SEED.read_text("utf-8"))
    assert len(markers) == 33
    assert [s.timestamp for s in seed.segments if s.timed] == markers
    assert all(not s.is_heading for s in seed.segments if s.timed)


@pytest.mark.parametrize("start_of_sentence, time", [
    # the marker stands before the closing full stop
    ("His current venture, Gigascale, invests in companies utilizing technology", "00:00:35"),
    # the marker follows a closing quote
    ("It’s like, okay, cool, like I’m expressing my thoughts", "00:40:20"),
    ("Mike Schreer, former CTO at Facebook (for 9 years)", "00:00:31"),
    ("He started working in AI at Facebook in 2013", "00:13:37"),
    # an unmarked sentence takes the next marker's time
    ("AI is to coding the way like JavaScript is to C is to Assembly Language.", "00:40:20"),
    ("Mike Schreer’s career spans significant technological shifts", "00:13:37"),
    # bullet items are sentences of their own
    ("Problem Identification: Determining “what problems are we trying to solve", "00:40:50"),
    ("Team Organization: Organizing “this group of smart humans", "00:40:53"),
    ("Embrace higher abstraction:", "00:10:03"),
    ("Focus on system design:", "00:20:26"),
    ("Strategic supply chain management:", "00:21:00"),
    ("Prioritize problem-solving:", "00:40:50"),
    ("Adapt to rapid change:", "00:22:55"),
    # the body of the callout, after its title
    ("Meta’s strategy of open-sourcing foundational AI technologies", "00:15:56"),
    ("For a CTO, this means leveraging community contributions", "00:18:25"),
])
def test_seed_sentence_times(seed, start_of_sentence, time):
    matches = [s for s in seed.segments if s.text.startswith(start_of_sentence)]
    assert len(matches) == 1, [s.text for s in matches]
    assert matches[0].timestamp == time
    assert not matches[0].is_heading
    assert "[" not in matches[0].text and "•" not in matches[0].text  # marker and bullet removed


def test_headings_are_headings(seed):
    assert [s.text for s in seed.segments if s.is_heading] == [
        "Background: Mike Schreer’s Journey", "The Evolving Developer Landscape", "The Future CTO’s Focus",
        "Strategic Hardware Decisions", "The Challenge of Foresight", "Impact on Organization Size",
        "Key Takeaways for CTOs in the AI Era", "Role of Open Source",
    ]


def test_from_line_is_metadata_not_a_sentence(seed):
    assert seed.channel == "redpointai"
    assert not any("redpointai" in s.text for s in seed.segments)


def test_callout_title_is_a_heading_without_its_syntax(seed):
    title = next(s for s in seed.segments if s.text == "Role of Open Source")
    assert title.is_heading
    assert not any("[!info]" in s.text for s in seed.segments)


def test_unmarked_text_takes_the_next_marker_time(seed):
    heading = next(s for s in seed.segments if s.text == "Background: Mike Schreer’s Journey")
    plain = next(s for s in seed.segments if s.text.startswith("Mike Schreer’s career spans"))
    assert (heading.timestamp, plain.timestamp) == ("00:13:37", "00:13:37")
    assert not heading.timed and not plain.timed


def test_spans_point_back_into_the_file(seed):
    text = SEED.read_text("utf-8")
    for seg in seed.segments:
        original = text[seg.char_start:seg.char_end]
        assert seg.text.split()[0].strip("“") in original
        assert text.count("\n", 0, seg.char_start) + 1 == seg.line


def test_no_text_is_lost(seed):
    """Every word of the file (markers, callout syntax and the From: line aside) survives parsing, in order."""
    text = re.sub(r"\[\d\d:\d\d:\d\d\]|\[!info\]\+|^From: redpointai", " ", SEED.read_text("utf-8"))
    words = re.findall(r"[A-Za-z0-9'’]+", text)
    parsed = re.findall(r"[A-Za-z0-9'’]+", " ".join(s.text for s in seed.segments))
    assert parsed == words


@pytest.mark.parametrize("content, expected", [
    ("# Intro\nIt starts here [00:00:05].", [("heading", "Intro", "00:00:05"), ("sentence", "It starts here.", "00:00:05")]),
    ("> [!note] Aside\nA remark [00:00:07].", [("heading", "Aside", "00:00:07"), ("sentence", "A remark.", "00:00:07")]),
    ("[!info]+ Open Source Meta’s plan worked [00:00:09].",
     [("heading", "Open Source", "00:00:09"), ("sentence", "Meta’s plan worked.", "00:00:09")]),
    ("Items:\n  • one thing [00:00:01].\n  • another thing [00:00:02].",
     [("sentence", "Items:", "00:00:01"), ("sentence", "one thing.", "00:00:01"), ("sentence", "another thing.", "00:00:02")]),
    ("From: some channel\nBy: Alice\n\nIt starts [00:00:03].", [("sentence", "It starts.", "00:00:03")]),
])
def test_layout_rules(content, expected):
    t = parse_transcript(content, "x", "x.txt")
    assert [(s.kind, s.text, s.timestamp) for s in t.segments] == expected


def test_marker_after_the_full_stop_closes_the_sentence_before():
    t = parse_transcript("First claim. [00:00:10] Second claim. [00:00:20]", "x", "x.txt")
    assert [(s.text, s.timestamp) for s in t.segments] == [("First claim.", "00:00:10"), ("Second claim.", "00:00:20")]


def test_timed_lines_with_speakers():
    text = "[00:00:05] Alice: Hello there. How are you?\n[00:01:10] Bob: Fine, thanks.\ncontinued line.\n"
    t = parse_transcript(text, "chat", "chat.txt")
    assert t.format == "timed-lines"
    assert [(s.timestamp, s.speaker, s.text) for s in t.segments] == [
        ("00:00:05", "Alice", "Hello there."), ("00:00:05", "Alice", "How are you?"),
        ("00:01:10", "Bob", "Fine, thanks."), ("00:01:10", "Bob", "continued line."),
    ]


def test_bare_timed_lines_and_hours():
    t = parse_transcript("0:05 intro words\n1:02:03 later words\n", "x", "x.txt")
    assert [s.start for s in t.segments] == [5.0, 3723.0]


@pytest.mark.parametrize("content, message", [
    ("Fine [00:00:10]. Broken [00:99:10].", "x.txt:1: bad timestamp [00:99:10]"),
    ("Line one [00:00:10].\nLine two [00:10:75].", "x.txt:2: bad timestamp [00:10:75]"),
    ("00:00:01 ok\n00:61:00 bad\n", "x.txt:2: bad timestamp"),
    ("Just prose without any time at all.", "no timestamps found"),
])
def test_malformed_input_names_file_and_line(content, message):
    with pytest.raises(TranscriptError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_transcript(content, "x", "x.txt")


def test_file_errors(tmp_path: Path):
    with pytest.raises(TranscriptError, match="no such file"):
        load_transcript(tmp_path / "missing.txt")
    (tmp_path / "empty.txt").write_text("  \n")
    with pytest.raises(TranscriptError, match="empty"):
        load_transcript(tmp_path / "empty.txt")
    (tmp_path / "latin1.txt").write_bytes("[00:00:01] caf\xe9 ol\xe9".encode("latin-1"))
    with pytest.raises(TranscriptError, match=r"latin1.txt:1: not valid UTF-8"):
        load_transcript(tmp_path / "latin1.txt")
    (tmp_path / "blob.bin").write_bytes(b"\x00\x01\x02[00:00:01]")
    with pytest.raises(TranscriptError, match="binary"):
        load_transcript(tmp_path / "blob.bin")
