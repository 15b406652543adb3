"""HTML rendering of the transcript panel and of answers with citations (escaping included)."""

import pytest

from rag.segments import Segment, Transcript
from ui.render import answer_html, media_link, segment_ids, transcript_html

EVIL = '<script>alert(1)</script><img src=x onerror="alert(2)">'


def transcript(text="Gigascale backs climate tech."):
    return Transcript("Talk", "talk.txt", (Segment("Talk", 31.0, "Intro."), Segment("Talk", 35.0, text)))


def answer(text="Gigascale invests in climate.", quote="Gigascale backs climate tech.", abstained=False):
    return {"question": "q?", "answer": text, "abstained": abstained, "searched": "q?",
            "citations": [{"timestamp": "00:00:35", "seconds": 35.0, "source": "Talk", "text": quote}],
            "sentences": [{"text": text, "citations": [0], "supported": True}]}


def test_chip_links_to_the_cited_sentence():
    t = transcript()
    ids = segment_ids([t])
    out = answer_html(answer(), ids)
    assert 'class="ts-chip" href="#seg-0-1"' in out
    assert 'title="Talk: Gigascale backs climate tech."' in out
    assert '<div class="sources">' in out and out.count("[00:00:35]") == 2  # inline and in Sources
    assert 'id="seg-0-1"' in transcript_html([t], ids)


def test_transcript_and_answer_text_are_escaped():
    t = transcript(EVIL)
    ids = segment_ids([t])
    panel = transcript_html([t], ids)
    out = answer_html(answer(text=EVIL, quote=EVIL), ids)
    for html_out in (panel, out):
        assert "<script>" not in html_out and "<img" not in html_out
        assert "&lt;script&gt;" in html_out


def test_abstention_has_its_own_style_and_no_sources():
    out = answer_html(answer(text="The transcript doesn't say.", abstained=True), {})
    assert 'class="abstain"' in out and "sources" not in out and "ts-chip" not in out


def test_unsupported_sentence_is_left_out_and_listed_collapsed():
    a = answer()
    a["sentences"].append({"text": "Unverified <b>claim</b>.", "citations": [], "supported": False})
    out = answer_html(a, segment_ids([transcript()]))
    main, _, rest = out.partition('<details class="unsupported">')
    assert "Unverified" not in main  # not part of the answer
    assert "Not found in the transcript (1)" in rest and "Unverified &lt;b&gt;claim&lt;/b&gt;." in rest


def test_rewritten_search_is_shown():
    a = answer()
    a["searched"] = "earlier question q?"
    assert "Searched: earlier question q?" in answer_html(a, {})


@pytest.mark.parametrize("url, expected", [
    ("https://v.example/watch?v=abc", "https://v.example/watch?v=abc&t=35"),
    ("https://v.example/a.mp3", "https://v.example/a.mp3?t=35"),
    ("https://v.example/watch?v=abc&t=99", "https://v.example/watch?v=abc&t=35"),
])
def test_play_from_here_links(url, expected):
    assert media_link(url, 35.4) == expected
    out = answer_html(answer(), segment_ids([transcript()]), {"Talk": url})
    assert 'class="play"' in out and expected.replace("&", "&amp;") in out


def test_one_chip_per_moment_in_a_sentence():
    a = answer()
    a["citations"].append({"timestamp": "00:00:35", "seconds": 35.0, "source": "Talk", "text": "Intro."})
    a["sentences"][0]["citations"] = [0, 1]
    out = answer_html(a, segment_ids([transcript()]))
    assert out.split('<div class="sources">')[0].count("ts-chip") == 1
