"""The web chat with a library in a real Chromium: page load and click-to-highlight, printed as a table.

The library is the seed plus one hour-long meeting (default: `../shared/devsets/qmsum-dev/Bmr026.txt`, 59 min,
834 turns). Page load is from navigation to a panel holding every transcript; click-to-highlight is from a
chip's click to its sentence highlighted and in view, for a chip into the meeting while the panel shows the
seed. One question is answered by the real model to get the chip. Run with
`.venv/bin/python benchmarks/web.py [--meeting FILE] [--loads N] [--screenshot FILE.png]`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--meeting", default=str(ROOT.parent / "shared/devsets/qmsum-dev/Bmr026.txt"))
    ap.add_argument("--question", default="What did the Professor say about the disks?")
    ap.add_argument("--loads", type=int, default=5, help="page loads to time")
    ap.add_argument("--screenshot", help="save the page after the click here")
    args = ap.parse_args()
    if not Path(args.meeting).exists():
        sys.exit(f"{args.meeting} not found: pass --meeting FILE (a timed transcript of about an hour)")

    from playwright.sync_api import expect, sync_playwright

    from rag.pipeline import Pipeline
    from rag.settings import Settings, seed_paths
    from tests.test_web import free_port
    from ui.app import launch

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.from_env(paths=seed_paths() + (args.meeting,), cache_dir=Path(tmp) / "cache",
                                     library_dir=Path(tmp) / "lib")
        pipeline = Pipeline(settings).load()
        title = pipeline.transcripts[-1].title
        sentences = sum(len(t.segments) for t in pipeline.transcripts)
        port = free_port()
        demo = launch(pipeline, port=port, block=False)
        url = f"http://127.0.0.1:{port}/"
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            loads = []
            for _ in range(args.loads):
                started = time.perf_counter()
                page.goto(url)
                expect(page.locator("#transcript .tx")).to_have_count(len(pipeline.transcripts), timeout=60_000)
                loads.append(time.perf_counter() - started)
            panel_kb = len(page.locator("#transcript").inner_html()) / 1024
            page.locator("#source input").click()
            page.get_by_role("option", name=title).click()
            page.locator("#question textarea").fill(args.question)
            started = time.perf_counter()
            page.locator("#ask").click()
            chip = page.locator("#chat .answer a.ts-chip").first
            expect(chip).to_be_visible(timeout=300_000)
            answered = time.perf_counter() - started
            page.locator("#transcript .tx-tab").first.click()  # the seed is shown; the chip must switch back
            sid = chip.get_attribute("href").split("#")[1]
            started = time.perf_counter()
            chip.click()
            expect(page.locator(f"#{sid}")).to_have_class("seg hl")
            expect(page.locator(f"#{sid}")).to_be_in_viewport()
            click = time.perf_counter() - started
            if args.screenshot:
                page.screenshot(path=args.screenshot)
            browser.close()
        demo.close()
    print(f"library: {len(pipeline.transcripts)} transcripts, {sentences} sentences; panel {panel_kb:.0f} KB of HTML")
    print("| figure | value |\n|---|---|")
    print(f"| page load to full panel, p50 / max of {len(loads)} | {statistics.median(loads):.2f} s / {max(loads):.2f} s |")
    print(f"| question to first chip (real model, {title}) | {answered:.1f} s |")
    print(f"| chip click to sentence highlighted and in view | {click * 1000:.0f} ms |")


if __name__ == "__main__":
    main()
