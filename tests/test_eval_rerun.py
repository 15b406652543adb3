"""Replaying a recorded manifest run: the same answers with no model, ablations on a prefix of the replies,
calls the recording lacks (strict: an error; otherwise the model, counted), and the ablation table."""

import json

import pytest

from rag.checks import CORE, REGISTRY

from rag.cli import main
from rag.errors import EvalError
from rag.eval.ablation import ablation_table, check_names
from rag.eval.replay import LazyModel, ReplayGenerator, refuse_unrecorded
from rag.eval.suite import run_manifest
from rag.eval.tables import read_rows
from tests.conftest import ScriptedLLM
from tests.test_eval_suite import HashEmbedder, project, settings_in  # noqa: F401 (project: a fixture)

# per question, the replies of its calls in order: a first reply no transcript sentence supports, then a good one
SCRIPT = {"What colour is the case?": ["Bananas are purple. [1]", "The case is yellow. [1]"],
          "What is the budget?": ["The budget is twelve euros fifty per remote. [1]"],
          "What colour should the case be?": ["The case should be yellow. [1]"],
          "What colour should the button be?": ["NOT IN TRANSCRIPT", "The button should be red. [1]"]}
SAME = ("answer", "abstained", "reason", "citations", "raw", "findings", "calls", "replies", "strategy")


class ByQuestion:
    """A scripted model that answers each question, call by call, from its own list (the last reply repeating;
    an unscripted question is refused); it counts its calls."""

    name = "by-question"

    def __init__(self, script: dict[str, list[str]], default: str = "NOT IN TRANSCRIPT"):
        self.script, self.default, self.asked = script, default, {}

    @property
    def calls(self) -> int:
        return sum(self.asked.values())

    def generate(self, messages, cached_prefix=0):
        question = next((q for q in self.script if q in messages[-1]["content"]), None)
        n = self.asked[question] = self.asked.get(question, 0) + 1
        replies = self.script.get(question, [self.default])
        yield replies[min(n, len(replies)) - 1]


def never_built():
    pytest.fail("the answer model was built, but the recording had every reply")


@pytest.fixture
def recorded(project):  # noqa: F811
    """A live run of the project's manifest with the scripted model: its folder and its rows per source."""
    run = run_manifest(project / "evalsets" / "manifest.json", settings_in(project), project / "recorded",
                       llm=ByQuestion(SCRIPT), embedder=HashEmbedder(), progress=False)
    return project / "recorded", run.rows


def replay(project, recorded_dir, out, **options):  # noqa: F811
    options.setdefault("llm", LazyModel(never_built))
    return run_manifest(project / "evalsets" / "manifest.json", settings_in(project), project / out,
                        embedder=HashEmbedder(), progress=False, replay=recorded_dir, **options)


def test_a_replay_gives_the_recorded_answers_with_no_model(project, recorded):  # noqa: F811
    folder, live_rows = recorded
    assert max(r["calls"] for r in live_rows["talk"]) == 2  # a question took a second look
    run = replay(project, folder, "again")
    for name, rows in live_rows.items():
        again = read_rows(project / "again" / f"{name}.jsonl")
        assert [{k: r[k] for k in SAME} for r in again] == [{k: r[k] for k in SAME} for r in rows]
        assert all(r["replayed"] and r["live_calls"] == 0 for r in again)
    assert run.live == {"talk": {"questions": 0, "calls": 0}, "meetings": {"questions": 0, "calls": 0}}
    meta = json.loads((project / "again" / "summary.json").read_text())["meta"]
    assert meta["model"] == "by-question (replayed)" and meta["replayed"] == str(folder)
    figures = [json.loads((d / "summary.json").read_text())["sources"] for d in (folder, project / "again")]
    timeless = [{n: {h: {k: v for k, v in f.items() if not k.startswith(("time_", "ttft_", "total_"))}
                     for h, f in s["halves"].items()}
                 for n, s in saved.items()} for saved in figures]
    assert timeless[0] == timeless[1]  # every figure but the answer times


def test_an_ablation_reads_a_prefix_of_the_replies_and_keeps_them_all(project, recorded):  # noqa: F811
    folder, live_rows = recorded
    run = replay(project, folder, "no-support", ablate=["support", "subject"])  # "Bananas are purple." is off the subject too
    before = {r["id"]: r for rows in live_rows.values() for r in rows}
    after = {r["id"]: r for rows in run.rows.values() for r in rows}
    assert after["q01"]["calls"] == 1 and not after["q01"]["abstained"]  # accepted at the first call now
    assert after["q01"]["raw"] == SCRIPT["What colour is the case?"][0]
    for id, row in after.items():
        assert row["calls"] <= before[id]["calls"], id
        assert row["replies"] == before[id]["replies"], id  # all recorded replies carried over
        if row["calls"]:
            assert row["raw"] == before[id]["replies"][row["calls"] - 1].strip(), id
    # the ablated run's rows can be replayed in turn: with every check on, the recorded answers again
    again = replay(project, project / "no-support", "all-again")
    assert [r["answer"] for r in again.rows["talk"]] == [r["answer"] for r in live_rows["talk"]]


def test_a_call_the_recording_lacks_fails_strictly_or_asks_the_model(project, recorded):  # noqa: F811
    folder, live_rows = recorded
    assert next(r for r in live_rows["meetings"] if r["id"] == "M1-u")["calls"] == 0  # refused before asking
    with pytest.raises(EvalError, match=r"question 'M1-u' needs model call 1, but the replayed run recorded only 0"):
        replay(project, folder, "strict", ablate=["floor"], strict=True)
    live = ByQuestion({}, default="NOT IN TRANSCRIPT")
    run = replay(project, folder, "live", ablate=["floor"], llm=live)
    assert run.live == {"talk": {"questions": 0, "calls": 0}, "meetings": {"questions": 1, "calls": live.calls}}
    assert live.calls >= 1 and run.meta["live_calls"] == run.live
    row = next(r for r in run.rows["meetings"] if r["id"] == "M1-u")
    assert row["live_calls"] == row["calls"] == live.calls and row["replies"] == ["NOT IN TRANSCRIPT"] * live.calls
    # the model is built on the first call that needs it, once
    built = []
    lazy = LazyModel(lambda: built.append(1) or ScriptedLLM("NOT IN TRANSCRIPT"))
    replay(project, folder, "lazy", ablate=["floor"], llm=lazy)
    assert built == [1]


def test_a_replay_generator_counts_and_refuses_unrecorded_calls():
    strict = ReplayGenerator({"a": ["one"]}, "m", refuse_unrecorded)
    strict.select("a")
    assert "".join(strict.generate([])) == "one"
    with pytest.raises(EvalError, match="question 'a' needs model call 2"):
        "".join(strict.generate([]))
    assert strict.unrecorded == {"a": 1}
    legacy = ReplayGenerator({"a": []}, "m")  # `--qa --replay` of an old report: an empty reply, as before
    legacy.select("a")
    assert "".join(legacy.generate([])) == "" and legacy.unrecorded == {}


@pytest.mark.parametrize("change, message", [
    (lambda d: (d / "talk.jsonl").unlink(), "no rows of source 'talk'"),
    (lambda d: (d / "talk.jsonl").write_text('{"id": "q01"}\n'), "question 'q01' has no recorded replies"),
    (lambda d: (d / "talk.jsonl").write_text((d / "talk.jsonl").read_text().split("\n", 1)[1]),
     "no recorded row for 1 question"),
])
def test_a_recording_that_cannot_be_replayed_is_refused_before_any_answer(project, recorded, change, message):  # noqa: F811
    folder, _ = recorded
    change(folder)
    with pytest.raises(EvalError, match=message):
        replay(project, folder, "x")
    assert not (project / "x").exists()
    with pytest.raises(EvalError, match="is the replayed run's own folder"):
        replay(project, folder, "recorded")


def test_the_ablation_table_has_the_baseline_and_a_row_per_check(project, recorded):  # noqa: F811
    folder, _ = recorded
    text = ablation_table(project / "evalsets" / "manifest.json", settings_in(project), folder, project / "abl",
                          llm=ByQuestion({}), embedder=HashEmbedder(), half="dev")
    print(text)
    lines = text.splitlines()
    assert lines[0].startswith("### Answer checks ablation: dev half, replayed from")
    assert lines[2] == ("| configuration | talk Facts | talk CiteAcc | talk FalseAbst | talk Refusals | "
                        "meetings cite_in_window | meetings cite_precision | meetings rouge1_recall | "
                        "meetings false_abst | meetings refusals | live q | live calls |")
    rows = [line.split(" | ")[0][2:] for line in lines[4:] if line.startswith("| ")]
    assert rows == ["all checks"] + [f"without {c}" for c in check_names()] and len(rows) == 1 + len(REGISTRY) + len(CORE)
    live = {line.split(" | ")[0][2:]: line.split(" | ")[-2:] for line in lines[4:] if line.startswith("| ")}
    assert live["all checks"] == ["0", "0 |"] and live["without floor"][0] == "1"
    assert (project / "abl" / "without-floor" / "summary.md").is_file()
    with pytest.raises(EvalError, match="no check named spelling"):
        ablation_table(project / "evalsets" / "manifest.json", settings_in(project), folder, project / "abl",
                       checks=["spelling"], embedder=HashEmbedder())


def test_the_eval_command_replays_and_writes_the_ablation_table(project, recorded, monkeypatch, capsys):  # noqa: F811
    folder, _ = recorded
    manifest = str(project / "evalsets" / "manifest.json")
    monkeypatch.setattr("rag.cli.settings_from", lambda args: settings_in(project))
    monkeypatch.setattr("rag.embedder.SentenceTransformerEmbedder", lambda name: HashEmbedder())
    monkeypatch.setattr("rag.engines.make_generator", lambda settings: ScriptedLLM("NOT IN TRANSCRIPT"))
    assert main(["eval", "--manifest", manifest, "--replay", str(folder), "--ablate", "floor"]) == 0
    out = capsys.readouterr().out
    assert "talk: 0 questions needed 0 live calls" in out and "meetings: 1 questions needed 2 live calls" in out
    assert all(r["replayed"] for r in read_rows(project / "recorded-replay" / "meetings.jsonl"))
    table = project / "docs" / "ablation.md"
    assert main(["eval", "--manifest", manifest, "--replay", str(folder), "--ablation-table", str(table),
                 "--ablate", "numbers", "restates", "--half", "check"]) == 0
    assert table.read_text().startswith("### Answer checks ablation: check half")
    assert [line.split(" | ")[0] for line in table.read_text().splitlines() if line.startswith("| ")][1:] == [
        "| all checks", "| without numbers", "| without restates"]
    assert (project / "recorded-ablation" / "without-numbers" / "talk.jsonl").is_file()
    for argv, message in [(["--replay-strict"], "give --replay DIR"), (["--ablation-table", "t.md"], "give --replay DIR"),
                          (["--replay", str(folder), "--ablate", "floor", "--replay-strict"], "needs model call 1")]:
        assert main(["eval", "--manifest", manifest, *argv]) == 2, argv
        assert message in capsys.readouterr().err, argv
    assert main(["eval", "--qa", "seeds/qa.jsonl", "--replay-strict"]) == 2
    assert "--replay-strict: only with --manifest" in capsys.readouterr().err
