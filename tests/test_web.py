"""The running web app: a real Chromium drives the chat; gradio_client calls the /ask API."""

import os
import shutil
import socket
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
QUESTION = "What does Gigascale invest in?"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(pipeline):
    from ui.app import launch

    port = free_port()
    demo = launch(pipeline, port=port, block=False)
    yield f"http://127.0.0.1:{port}/"
    demo.close()


@pytest.mark.llm
def test_api_returns_the_cli_json(app_url):
    from gradio_client import Client

    client = Client(app_url, verbose=False)
    assert "/ask" in client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    result = client.predict(QUESTION, 4, api_name="/ask")
    assert set(result) >= {"id", "question", "answer", "abstained", "citations", "timings_ms"}
    assert result["abstained"] is False
    assert {"timestamp": "00:00:35", "seconds": 35.0, "source": "The role of the CTO in the AI era",
            "text": "His current venture, Gigascale, invests in companies utilizing technology to combat climate change.",
            "speaker": None} in result["citations"]


@pytest.mark.llm
@pytest.mark.browser
def test_browser_chip_highlights_the_cited_sentence(app_url, tmp_path: Path):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (apt-get install chromium chromium-driver)")
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(app_url)
        page.locator("#question textarea").fill(QUESTION)
        page.locator("#ask").click()
        # The answer streams in; when it completes, the chips appear.
        streaming = page.locator("#chat .answer.streaming")
        expect(streaming.first).to_be_visible(timeout=120_000)
        chip = page.locator("#chat a.ts-chip", has_text="[00:00:35]").first
        expect(chip).to_be_visible(timeout=180_000)
        assert "Gigascale, invests in companies" in chip.get_attribute("title")
        target = page.locator("#transcript .seg", has_text="Gigascale, invests in companies")
        chip.click()
        expect(target).to_have_class("seg hl")
        expect(target).to_be_in_viewport()
        assert page.locator("#transcript .seg.hl").count() == 1
        assert page.locator("#chat .sources").count() == 1
        page.screenshot(path=str(tmp_path / "chat.png"), full_page=True)
        if os.environ.get("SCREENSHOT_TO"):  # `SCREENSHOT_TO=docs/screenshot.png pytest tests/test_web.py`
            shutil.copy(tmp_path / "chat.png", os.environ["SCREENSHOT_TO"])
        browser.close()
