"""The web chat over a library of transcripts, in a real Chromium: what one user adds, every page sees; the panel
follows the conversation; the speaker shows wherever a cited sentence does; the examples fit the transcript."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from rag.pipeline import Pipeline
from rag.settings import library_paths, seed_paths
from tests.conftest import ROOT

MEETING = ROOT / "tests" / "data" / "ami-es2015b-meeting.txt"
TITLE = "Remote design meeting"
QUESTION = "Which button is the most important, according to Marketing?"


def _launch(pipeline):
    from tests.test_web import free_port
    from ui.app import launch

    port = free_port()
    return launch(pipeline, port=port, block=False), f"http://127.0.0.1:{port}/"


@pytest.mark.llm
@pytest.mark.browser
def test_a_meeting_added_in_one_page_is_asked_and_cited_in_another_after_reload_and_restart(
        tmp_path, settings, embedder, llm):
    from playwright.sync_api import expect

    from tests.test_asr import _browser

    home = settings.with_(library_dir=tmp_path / "lib")  # the session's cache: the seed is embedded once
    upload = tmp_path / f"{TITLE}.txt"  # its first half hour: 300 turns of four speakers
    upload.write_text("".join(MEETING.read_text(encoding="utf-8").splitlines(keepends=True)[:300]), encoding="utf-8")
    demo, url = _launch(Pipeline(home.with_(paths=seed_paths()), embedder=embedder, llm=llm).load())
    try:
        with _browser() as first:
            first.goto(url)
            expect(first.locator("#transcript .tx")).to_have_count(1)  # the seed alone
            first.get_by_text("Add a transcript or a recording").click()
            first.locator("#upload input[type=file]").set_input_files(str(upload))
            expect(first.get_by_text(f"Added {TITLE}")).to_be_visible(timeout=120_000)
            # the uploader's panel switches to the meeting, under a header that names it and its speakers
            head = first.locator("#transcript .tx:not([hidden]) .tx-head")
            expect(head).to_contain_text(TITLE)
            expect(head).to_contain_text("4 speakers: ")
            expect(head).to_contain_text("Marketing")
            second = first.context.browser.new_context(viewport={"width": 1400, "height": 900}).new_page()  # another user
            second.goto(url)
            tabs = second.locator("#transcript .tx-tab")
            expect(tabs).to_have_count(2)
            expect(second.locator("#examples")).to_contain_text("What does it say about")  # the first: the seed's
            second.locator("#source input").click()
            second.get_by_role("option", name=TITLE).click()
            expect(second.locator("#transcript .tx:not([hidden])")).to_have_attribute("data-source", TITLE)
            expect(second.locator("#examples")).to_contain_text("Summarize the discussion about ")
            second.locator("#question textarea").fill(QUESTION)
            second.locator("#ask").click()
            chip = second.locator("#chat .answer a.ts-chip").first
            expect(chip).to_be_visible(timeout=240_000)
            assert "Marketing" in second.locator("#chat .sources").inner_text()  # the speaker of the source line
            assert ", 00:" in chip.get_attribute("title") and " — " in chip.get_attribute("title")
            second.locator("#transcript .tx-tab", has_text="The role of the CTO").click()  # one click to switch
            expect(second.locator("#transcript .tx:not([hidden])")).to_have_attribute(
                "data-source", "The role of the CTO in the AI era")
            sid = chip.get_attribute("href").split("#")[1]
            started = time.perf_counter()
            chip.click()  # the chip shows the meeting again and highlights its sentence
            target = second.locator(f"#{sid}")
            expect(target).to_have_class("seg hl")
            click_ms = (time.perf_counter() - started) * 1000
            expect(target).to_be_in_viewport()
            expect(target.locator(".speaker")).to_be_visible()
            expect(second.locator("#transcript .tx:not([hidden])")).to_have_attribute("data-source", TITLE)
            print(f"click to highlight: {click_ms:.0f} ms")
            second.reload()
            expect(second.locator(f"#transcript #{sid}")).to_have_count(1)  # after a reload too
        demo.close()
        assert Path(library_paths(home.library_dir)[0]).read_bytes() == upload.read_bytes()
        # a restart: the library is read again, the panel holds the meeting from the first page load
        demo, url = _launch(Pipeline(home.with_(paths=seed_paths() + library_paths(home.library_dir)),
                                     embedder=embedder, llm=llm).load())
        with _browser() as page:
            page.goto(url)
            expect(page.locator("#transcript .tx-tab")).to_have_count(2)
            expect(page.locator(f"#transcript #{sid}")).to_have_count(1)
    finally:
        demo.close()
