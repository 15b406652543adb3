"""Plain-text transcripts: the seed's prose-with-markers layout and timed lines."""

from pathlib import Path

import pytest

from rag.errors import TranscriptError
from rag.formats import load_transcript, parse_transcript
from tests.conftest import SEED, SEED_TITLE


@pytest.fixture(scope="module")
def seed():
    return load_transcript(SEED, SEED_TITLE)


def test_seed_counts(seed):
    assert seed.format == "markers"
    assert len(seed.segments) == 38
    assert sum(s.timed for s in seed.segments) == 28  # one sentence per marker in the file
    assert SEED.read_text().count("[00:") == 28


@pytest.mark.parametrize("start_of_sentence, time", [
    ("Gigascale puts its money into companies", "00:00:35"),
    ("The guest, Mike Schroepfer, was the CTO of Facebook", "00:00:31"),
    ("The lab also released other models and algorithms, among them Faiss", "00:16:04"),
    ("Even without AI, the United States would have to grow its grid", "00:02:19"),
    ("Meta going all in on open weights", "00:43:27"),
])
def test_seed_sentence_times(seed, start_of_sentence, time):
    matches = [s for s in seed.segments if s.text.startswith(start_of_sentence)]
    assert len(matches) == 1
    assert matches[0].timestamp == time
    assert "[" not in matches[0].text  # the marker is removed from the text


def test_unmarked_text_takes_the_next_marker_time(seed):
    heading = next(s for s in seed.segments if s.text == "A career across platform shifts")
    plain = next(s for s in seed.segments if s.text.startswith("His career spans"))
    assert (heading.timestamp, plain.timestamp) == ("00:13:37", "00:13:37")
    assert not heading.timed and not plain.timed


def test_spans_point_back_into_the_file(seed):
    text = SEED.read_text()
    for seg in seed.segments:
        original = text[seg.char_start:seg.char_end]
        assert seg.text.split()[0].strip("#*") in original
        assert text.count("\n", 0, seg.char_start) + 1 == seg.line


def test_no_text_is_lost(seed):
    """Every word of the file (markers and markup aside) survives parsing, in order."""
    import re

    text = re.sub(r"\[\d\d:\d\d:\d\d\]|#+", " ", SEED.read_text())
    words = re.findall(r"[A-Za-z0-9']+", text)
    parsed = re.findall(r"[A-Za-z0-9']+", " ".join(s.text for s in seed.segments))
    assert parsed == words


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
