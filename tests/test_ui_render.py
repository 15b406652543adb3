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
    sid = ids[t.segments[1].key]
    out = answer_html(answer(), ids)
    assert f'class="ts-chip" href="#{sid}"' in out
    assert 'title="Talk — 00:00:35: Gigascale backs climate tech."' in out
    assert '<div class="sources">' in out and out.count("[00:00:35]") == 2  # inline and in Sources
    assert f'id="{sid}"' in transcript_html([t], ids)


def test_sentence_ids_stay_the_same_when_the_library_grows():
    t = transcript()
    other = Transcript("Meeting", "m.txt", (Segment("Meeting", 1.0, "Hello."),))
    assert segment_ids([t]).items() <= segment_ids([other, t]).items()
    assert len(set(segment_ids([other, t]).values())) == 3


def test_source_lines_and_hover_quotes_name_the_speaker():
    a = answer(quote="Actually I forgot to say it.")
    a["citations"][0].update(source="Meeting", seconds=1235.0, timestamp="00:20:35", speaker="PhD D")
    out = answer_html(a, {})
    assert 'title="Meeting — PhD D, 00:20:35: Actually I forgot to say it."' in out
    sources = out.split('<div class="sources">')[1]
    assert '<b class="speaker">PhD D:</b> Actually I forgot to say it.' in sources


def test_the_panel_shows_one_transcript_under_a_header_with_a_tab_for_each():
    talk = transcript()
    meeting = Transcript("Meeting", "/lib/meeting.txt", tuple(
        Segment("Meeting", s, "Hi.", speaker=w) for s, w in [(0.0, "Ann"), (1500.0, "Bob"), (2640.0, "Ann")]))
    panel = transcript_html([talk, meeting], segment_ids([talk, meeting]), shown="Meeting")
    assert panel.count('class="tx-tab"') == 2 and 'data-source="Meeting" aria-pressed="true"' in panel
    assert '<section class="tx" data-source="Talk" hidden>' in panel
    assert '<section class="tx" data-source="Meeting">' in panel
    assert "meeting.txt · 44 min · 2 speakers: Ann, Bob" in panel
    assert 'class="tx-tab"' not in transcript_html([talk], segment_ids([talk]))  # one transcript: no tabs
    assert '<section class="tx" data-source="Talk">' in transcript_html([talk, meeting], segment_ids([talk]).copy()
                                                                        | segment_ids([meeting]))


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
