"""Known answers for every transcript format, the real YouTube auto-captions included."""

import json
import re
from pathlib import Path

import pytest

from rag.errors import TranscriptError
from rag.formats import load_transcript, parse_transcript
from rag.timecode import parse_time

DATA = Path(__file__).parent / "data"
YOUTUBE = DATA / "youtube-autocaptions-agentic-ai.vtt"

SRT = """1
00:00:01,000 --> 00:00:04,000
Welcome to the show. Today we talk

2
00:00:04,500 --> 00:00:07,250
about <i>batteries</i>.

3
01:02:03,500 --> 01:02:06,000
Late in the episode. Goodbye!
"""

VTT = """WEBVTT
Kind: captions

STYLE
::cue { color: yellow }

NOTE this block is a comment
and spans two lines

intro
00:00:00.500 --> 00:00:03.000 align:start position:10%
<v Alice>Hello and welcome.</v>

00:00:03.000 --> 00:00:06.000
<v Bob>Thanks, <b>Alice</b>. Glad to be here &amp; ready.

00:01:10.000 --> 00:01:12.000
<v Bob>We ship on Friday.
"""

ROLLING = """WEBVTT
Kind: captions
Language: en

00:00:00.000 --> 00:00:02.000 align:start position:0%
we<00:00:00.500><c> build</c><00:00:01.000><c> solar</c>

00:00:02.000 --> 00:00:02.010 align:start position:0%
we build solar

00:00:02.010 --> 00:00:04.000 align:start position:0%
we build solar
farms<00:00:02.500><c> in</c><00:00:03.000><c> Spain.</c><00:00:03.500><c> Next</c>

00:00:04.000 --> 00:00:06.000 align:start position:0%
farms in Spain. Next
we<00:00:04.500><c> go</c><00:00:05.000><c> north.</c>
"""


def parse(text, name="x"):
    return parse_transcript(text, name, f"{name}.file")


def rows(t):
    return [(s.timestamp, s.speaker, s.text) for s in t.segments]


def test_srt():
    t = parse(SRT)
    assert t.format == "srt"
    assert rows(t) == [("00:00:01", None, "Welcome to the show."),
                       ("00:00:01", None, "Today we talk about batteries."),
                       ("01:02:03", None, "Late in the episode."), ("01:02:03", None, "Goodbye!")]
    assert t.segments[2].start == 3723.5  # hh:mm:ss,mmm past one hour


def test_vtt_settings_tags_notes_and_voices():
    t = parse(VTT)
    assert t.format == "vtt"
    assert rows(t) == [("00:00:00", "Alice", "Hello and welcome."),
                       ("00:00:03", "Bob", "Thanks, Alice."), ("00:00:03", "Bob", "Glad to be here & ready."),
                       ("00:01:10", "Bob", "We ship on Friday.")]


def test_youtube_rolling_captions_are_not_doubled():
    t = parse(ROLLING)
    assert rows(t) == [("00:00:00", None, "we build solar farms in Spain."), ("00:00:02", None, "Next we go north.")]


def test_whisper_json():
    data = {"text": "...", "segments": [{"id": 0, "start": 0.0, "end": 2.5, "text": " Hello there."},
                                         {"id": 1, "start": 3661.2, "end": 3663.0, "text": " It is late."}]}
    t = parse(json.dumps(data))
    assert t.format == "json"
    assert rows(t) == [("00:00:00", None, "Hello there."), ("01:01:01", None, "It is late.")]


def test_youtube_transcript_json():
    data = [{"text": "first part of a", "start": 1.0, "duration": 2.0},
            {"text": "sentence. second one.", "start": 3.0, "duration": 2.0}]
    assert rows(parse(json.dumps(data))) == [("00:00:01", None, "first part of a sentence."),
                                             ("00:00:03", None, "second one.")]


def test_format_is_detected_by_content_not_extension(tmp_path):
    f = tmp_path / "captions.txt"
    f.write_text(SRT)
    assert load_transcript(f).format == "srt"


@pytest.mark.parametrize("content, message", [
    ("name,age\nalice,3\n", "accepted formats: SubRip"),
    ("1\n00:00:01,000 --> 00:00:02,000\n", "no text"),
    ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nok\n\n00:00:03.000 -->\ncut", "x.file:6: broken cue timing"),
    ("1\n00:00:01,000 --> 00:61:02,000\nhello\n", "x.file:2: bad timestamp"),
    ('{"segments": [{"start": "zero", "end": 1, "text": "hi"}]}', "item 0: 'start'"),
    ("WEBVTT\n\nhello without timing\n", "x.file:3: expected a cue timing"),
])
def test_bad_files(content, message):
    with pytest.raises(TranscriptError, match=re.escape(message)):
        parse(content)


# --- the real YouTube auto-captions ------------------------------------------------------------

def caption_cues():
    """(start seconds, text) of every cue, read independently of the parser under test."""
    blocks = YOUTUBE.read_text().split("\n\n")[1:]
    cues = []
    for block in blocks:
        lines = block.strip().splitlines()
        if not lines:
            continue
        timing = next(i for i, ln in enumerate(lines) if "-->" in ln)
        cues.append((parse_time(lines[timing].split(" --> ")[0]), " ".join(lines[timing + 1:])))
    return cues


@pytest.fixture(scope="module")
def youtube():
    return load_transcript(YOUTUBE, "Agentic AI explained")


def test_youtube_text_matches_the_captions_words_in_order(youtube):
    caption_words = " ".join(text for _, text in caption_cues()).split()
    parsed_words = " ".join(s.text for s in youtube.segments).split()
    assert parsed_words == caption_words


def test_youtube_sentences_are_not_duplicated(youtube):
    texts = [s.text for s in youtube.segments]
    assert len(texts) > 100
    assert all(a != b for a, b in zip(texts, texts[1:]))  # no rolling repeat
    longer = [t for t in texts if len(t.split()) > 2]  # the speaker really says "Okay." seven times
    assert len(longer) == len(set(longer))


def test_youtube_sentences_start_in_the_cue_that_holds_their_first_words(youtube):
    cues = caption_cues()
    by_start = {}
    for start, text in cues:
        by_start.setdefault(start, []).append(text)
    for seg in youtube.segments:
        first_words = " ".join(seg.text.split()[:2])
        texts = by_start[seg.start]
        assert any(first_words in " ".join(t.split()) or seg.text.split()[0] in t.split() for t in texts), seg


@pytest.mark.parametrize("start_of_sentence, time", [
    ("My goal for today's video", "00:00:00"),
    ("So please stay with me till the end.", "00:00:10"),
    ("This is a cold email generator", "00:12:30"),
])
def test_youtube_known_sentences(youtube, start_of_sentence, time):
    seg = next(s for s in youtube.segments if s.text.startswith(start_of_sentence))
    assert seg.timestamp == time
