"""Exporting transcripts: every format reads back to the same sentences, times and speakers."""

import json

import pytest

from rag.export import WRITERS, Caption, captions_from_segments, captions_from_whisper, clock, to_srt, to_vtt
from rag.formats import load_transcript
from rag.segments import Segment
from tests.conftest import ROOT

YOUTUBE = ROOT / "tests" / "data" / "youtube-autocaptions-agentic-ai.vtt"


def test_clock():
    assert clock(0) == "00:00:00.000" and clock(3723.4567) == "01:02:03.457" and clock(59.9996, ",") == "00:01:00,000"


def test_end_is_the_next_start_or_a_guess_from_the_words():
    segs = [Segment("T", 1.0, "Intro", kind="heading"), Segment("T", 1.0, "One two three."),
            Segment("T", 2.0, "Four."), Segment("T", 30.0, "A much longer last sentence here.")]
    caps = captions_from_segments(segs)
    assert [(c.start, c.end) for c in caps] == [(1.0, 2.0), (2.0, 3.0), (30.0, 32.4)]  # heading left out


@pytest.mark.parametrize("fmt", ["srt", "vtt", "json", "txt"])
@pytest.mark.parametrize("source", ["youtube", "speakers"])
def test_round_trip(tmp_path, fmt, source):
    if source == "youtube":
        original = load_transcript(YOUTUBE, "Agentic AI")
    else:
        path = tmp_path / "sync.txt"
        path.write_text("[00:00:01] Alice: Welcome back, everyone.\n[00:00:04.250] Bob: Thanks & <hello> to all.\n"
                        "[01:02:03] Alice: See you next week.\n")
        original = load_transcript(path, "Sync")
    out = tmp_path / f"export.{fmt}"
    out.write_text(WRITERS[fmt](captions_from_segments(original.segments)))
    back = load_transcript(out, original.title)
    # SubRip has no speaker field: there the name is written in front of the text
    expect = [(s.start, f"{s.speaker}: {s.text}" if s.speaker and fmt == "srt" else s.text)
              for s in original.segments if not s.is_heading]
    assert [(round(s.start, 3), s.text) for s in back.segments] == [(round(a, 3), t) for a, t in expect]
    if source == "speakers" and fmt != "srt":
        assert [s.speaker for s in back.segments] == ["Alice", "Bob", "Alice"]


def test_vtt_escapes_markup_and_srt_numbers_cues():
    caps = [Caption(0.0, 1.5, "a <b> & c"), Caption(1.5, 3.0, "Next.", "Ann")]
    assert "a &lt;b&gt; &amp; c" in to_vtt(caps) and "<v Ann>Next." in to_vtt(caps)
    assert to_srt(caps).startswith("1\n00:00:00,000 --> 00:00:01,500\na &lt;b&gt; &amp; c\n\n2\n")


def test_whisper_captions_keep_their_own_ends():
    data = {"segments": [{"start": 0.11, "end": 3.27, "text": " Hello there."}, {"start": 4, "end": 5, "text": " "}]}
    assert captions_from_whisper(data) == [Caption(0.11, 3.27, "Hello there.")]
    assert json.loads(WRITERS["json"](captions_from_whisper(data)))["segments"] == [
        {"id": 0, "start": 0.11, "end": 3.27, "text": "Hello there."}]
