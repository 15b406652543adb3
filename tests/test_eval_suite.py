"""A manifest evaluation end to end with a scripted model and a hashing embedder; re-scoring; the CLI."""

import json
import re
import zlib
from dataclasses import dataclass, replace
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from rag.cli import main
from rag.errors import EvalError
from rag.eval.manifest import EvalSource
from rag.eval.replay import RecordingGenerator
from rag.eval.spans import load_spans
from rag.eval.suite import ablated, evaluate_manifest, run_sources
from rag.eval.tables import by_half, read_rows, rescore, write_summary
from rag.settings import Settings
from tests.conftest import ScriptedLLM


class HashEmbedder:
    """A deterministic stand-in for the sentence embedder: hashed word counts, L2-normalised."""

    name, dim = "hash-words-64", 64

    def load(self):
        return self

    def encode(self, texts, progress=False):
        out = np.zeros((len(texts), self.dim), np.float32)
        for i, text in enumerate(texts):
            for w in re.findall(r"[a-z0-9]+", text.lower()):
                out[i, zlib.crc32(w.encode()) % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1.0, norms)

    def encode_cached(self, texts):
        return self.encode(texts)


TALK = """[00:00:01] Host: Welcome to the show about remote controls.
[00:00:10] Guest: We chose a yellow case with rubber buttons.
[00:00:20] Guest: The budget is twelve euros fifty per remote.
[00:00:30] Host: Thanks for coming.
"""
MEETING = """[00:00:00] Project Manager: Let us talk about the {topic}.
[00:00:30] Industrial Designer: The {topic} should be {colour}, and it should be cheap.
[00:01:00] Marketing: Users want a {colour} {topic} that is easy to find.
[00:01:30] Project Manager: Then we agree on a {colour} {topic}.
"""


def point(id, question, answer, timestamps, facts=()):
    return {"id": id, "question": question, "answer": answer, "timestamps": timestamps,
            "answerable": bool(timestamps), "facts": list(facts)}


def span(id, source, question, answer, windows, half):
    return {"id": id, "source": source, "question": question, "answer": answer, "windows": windows,
            "unanswerable": answer is None, "half": half}


@pytest.fixture
def project(tmp_path) -> Path:
    """A project folder: a manifest in evalsets/, a point-gold talk and a span-gold pair of meetings."""
    (tmp_path / "evalsets").mkdir()
    (tmp_path / "talk.txt").write_text(TALK)
    (tmp_path / "meetings").mkdir()
    (tmp_path / "meetings" / "M1.txt").write_text(MEETING.format(topic="case", colour="yellow"))
    (tmp_path / "meetings" / "M2.txt").write_text(MEETING.format(topic="button", colour="red"))
    rows = [point("q01", "What colour is the case?", "Yellow.", ["00:00:10"], ["yellow"]),  # dev
            point("q04", "What is the budget?", "Twelve euros fifty.", ["00:00:20"], ["twelve|12"]),  # check
            point("u01", "Who won the football match?", "", [])]  # dev
    (tmp_path / "talk.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    spans = [span("M1-1", "M1.txt", "What colour should the case be?", "The case should be yellow.", [[30, 60]], "dev"),
             span("M1-u", "M1.txt", "What warranty did they offer?", None, [], "dev"),
             span("M2-1", "M2.txt", "What colour should the button be?", "A red button, easy to find.", [[60, 90]],
                  "check")]
    (tmp_path / "spans.jsonl").write_text("".join(json.dumps(r) + "\n" for r in spans))
    manifest = {"sources": [{"name": "talk", "qa": "talk.jsonl", "source": "talk.txt"},
                            {"name": "meetings", "qa": "spans.jsonl", "root": "meetings"}]}
    (tmp_path / "evalsets" / "manifest.json").write_text(json.dumps(manifest))
    return tmp_path


def settings_in(folder: Path) -> Settings:
    return Settings(paths=(str(folder / "talk.txt"),), cache_dir=folder / "cache", model_cache=folder / "models",
                    library_dir=folder / "library")


def test_a_manifest_run_writes_rows_and_tables_per_source_and_half(project):
    llm, out = ScriptedLLM("The case is yellow. [1]"), project / "reports"
    text = evaluate_manifest(project / "evalsets" / "manifest.json", settings_in(project), out, llm=llm,
                             embedder=HashEmbedder(), progress=False)
    assert "### talk: point gold" in text and "### meetings: span gold" in text
    for table in text.split("###")[1:]:
        rows = [line.split("|")[1].strip() for line in table.splitlines() if line.startswith("| ")]
        assert rows == ["half", "dev", "check", "all"]
    talk, meetings = read_rows(out / "talk.jsonl"), read_rows(out / "meetings.jsonl")
    assert [r["id"] for r in talk] == ["q01", "q04", "u01"] and [r["half"] for r in talk] == ["dev", "check", "dev"]
    assert [r["id"] for r in meetings] == ["M1-1", "M1-u", "M2-1"] and all("windows" in r for r in meetings)
    assert sum(r["calls"] for r in talk + meetings) == len(llm.prompts)  # every model call, counted per question
    assert all(len(r["replies"]) == r["calls"] for r in talk + meetings)
    saved = json.loads((out / "summary.json").read_text())
    assert saved["meta"]["model"] == "scripted" and saved["meta"]["questions"] == 6
    assert saved["sources"]["meetings"]["halves"]["all"]["answerable"] == 2
    assert (out / "summary.md").read_text().count("| all |") == 2
    assert rescore(out) == text  # the saved rows give the same tables


def test_half_limit_and_only_select_questions(project):
    text = evaluate_manifest(project / "evalsets" / "manifest.json", settings_in(project), project / "r",
                             only=["meetings"], half="check", limit=1, llm=ScriptedLLM("NOT IN TRANSCRIPT"),
                             embedder=HashEmbedder(), progress=False)
    assert [r["id"] for r in read_rows(project / "r" / "meetings.jsonl")] == ["M2-1"]
    assert "### talk" not in text and "| dev |" not in text and "| check |" in text
    with pytest.raises(EvalError, match="--limit must be at least 1"):
        evaluate_manifest(project / "evalsets" / "manifest.json", settings_in(project), project / "r", limit=0)


class StubPipeline:
    """Answers from a table, calling the model as often as each answer says (no retrieval, no checks)."""

    def __init__(self, answers, llm):
        self.answers, self.llm = answers, llm

    def ask(self, question, id=None):
        text, abstained, seconds, calls = self.answers[id]
        for _ in range(calls):
            "".join(self.llm.generate([{"role": "user", "content": question}]))
        cites = tuple(SimpleNamespace(seconds=s, timestamp=f"00:00:{s:02d}", source="m", text="t") for s in seconds)
        return SimpleNamespace(text=text, abstained=abstained, citations=cites, reason="", raw=text, trace=None,
                               timings_ms={"first_token": 100.0, "total": 1000.0 * calls})


def test_span_tables_known_figures(project, capsys):
    answers = {"M1-1": ("The case should be yellow [00:00:40].", False, [40], 1),
               "M1-u": ("The transcript doesn't say.", True, [], 2),
               "M2-1": ("Blue [00:00:05].", False, [5], 3)}
    recorder = RecordingGenerator(ScriptedLLM("x"))
    source = EvalSource("meetings", project / "spans.jsonl", root=project / "meetings")
    items = load_spans(source.qa, source.root)
    rows = run_sources({source: items}, lambda paths: StubPipeline(answers, recorder), recorder, project / "o",
                       progress=False)["meetings"]
    assert [r["calls"] for r in rows] == [1, 2, 3]
    text = write_summary(project / "o", {"meetings": {"kind": "span", "qa": "spans.jsonl", "halves": by_half(rows)}},
                         {"model": "scripted"})
    print(text)
    assert text.splitlines()[4:] == [
        "| dev | 2 | 1 | 1 | 1.000 | 1.000 | 1.000 | 1.000 | 0.000 | 1.000 | 1 | 2 | 1.0 | 2.0 |",
        "| check | 1 | 1 | 0 | 0.000 | 0.000 | 0.000 | 0.000 | 0.000 | – | 3 | 3 | 3.0 | 3.0 |",
        "| all | 3 | 2 | 1 | 0.500 | 0.500 | 0.500 | 0.500 | 0.000 | 1.000 | 2 | 3 | 2.0 | 3.0 |"]


def test_rescore_recomputes_what_a_metric_fix_changes(project):
    out = project / "reports"
    evaluate_manifest(project / "evalsets" / "manifest.json", settings_in(project), out,
                      llm=ScriptedLLM("The case is yellow. [1]"), embedder=HashEmbedder(), progress=False)
    rows = read_rows(out / "talk.jsonl")
    rows[0].update({"stated": "Yellow. The transcript says: “a yellow case”", "facts_right": True})
    rows[1].update({"stated": "Twelve euros fifty.", "facts_right": False, "token_f1": 0.0})
    (out / "talk.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    text = rescore(out, only=["talk"])
    again = {r["id"]: r for r in read_rows(out / "talk.jsonl")}
    assert again["q01"]["facts_right"] is True and again["q04"]["facts_right"] is True
    assert again["q04"]["token_f1"] == 1.0
    assert "### talk" in text and "### meetings" in text  # the other source's table is kept
    with pytest.raises(EvalError, match="no rows of nowhere"):
        rescore(out, only=["nowhere"])


@dataclass(frozen=True)
class OlderSettings:
    """Settings from before `checks_off` (an ablation cannot be run on them)."""

    top_k: int = 5

    def with_(self, **changes):
        return replace(self, **changes)


@dataclass(frozen=True)
class NewerSettings(OlderSettings):
    checks_off: tuple[str, ...] = ()


def test_ablate_passes_the_checks_off_setting():
    assert ablated(NewerSettings(), ["numbers", "support"]).checks_off == ("numbers", "support")
    assert ablated(OlderSettings(), []) == OlderSettings()
    with pytest.raises(EvalError, match="--ablate needs the checks_off setting"):
        ablated(OlderSettings(), ["numbers"])


def test_the_eval_command_checks_its_flags_and_rescoring(project, capsys):
    manifest = str(project / "evalsets" / "manifest.json")
    for argv, message in [(["eval"], "give --manifest"),
                          (["eval", "--manifest", str(project / "none.json")], "no such manifest"),
                          (["eval", "--manifest", manifest, "--source", "x.txt"], "--source and --compare go with --qa"),
                          (["eval", "--qa", "seeds/qa.jsonl", "--half", "dev"], "--half: only with --manifest"),
                          (["eval", "--rescore", str(project / "empty")], "no rows of any source")]:
        (project / "empty").mkdir(exist_ok=True)
        assert main(argv) == 2, argv
        assert message in capsys.readouterr().err, argv
    evaluate_manifest(manifest, settings_in(project), project / "out", llm=ScriptedLLM("NOT IN TRANSCRIPT"),
                      embedder=HashEmbedder(), progress=False)
    assert main(["eval", "--manifest", manifest, "--rescore", str(project / "out")]) == 0
    assert "### meetings: span gold" in capsys.readouterr().out
