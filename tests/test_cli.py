"""The command line: clear one-line errors, JSON output, batch mode with the real models."""

import json
import subprocess
import sys

import pytest

from rag.cli import main, read_questions
from rag.errors import QuestionError
from tests.conftest import ROOT


def run_cli(*args, env_cache=None):
    import os

    env = dict(os.environ)
    if env_cache:
        env["TRANSCRIPT_RAG_CACHE"] = str(env_cache)
    return subprocess.run([sys.executable, "-m", "rag", *args], capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=900)


@pytest.mark.parametrize("args, message", [
    (["ask", ""], "the question is empty"),
    (["ask", "hi", "--source", "/nonexistent/talk.txt"], "no such file"),
    (["ask"], "give either a QUESTION or --questions"),
    (["ask", "--questions", "/nonexistent.jsonl"], "no such file"),
    (["ask", "hi", "--k", "0"], "top_k must be at least 1"),
])
def test_errors_are_one_clean_line(capsys, args, message):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and err.count("\n") == 1


@pytest.mark.parametrize("content, message", [
    (b"[00:00:01] caf\xe9", "not valid UTF-8"),
    (b"Plain prose, no times.", "no timestamps found"),
    (b"Fine [00:00:10]. Broken [00:99:10].", "bad timestamp [00:99:10]"),
])
def test_bad_transcripts(tmp_path, capsys, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    assert main(["index", "--source", str(path)]) == 2
    assert message in capsys.readouterr().err


def test_read_questions(tmp_path):
    f = tmp_path / "q.jsonl"
    f.write_text('{"id": "a", "question": "Q1?", "answer": "ignored"}\n\n{"question": "Q2?"}\n')
    assert read_questions(str(f)) == [("a", "Q1?"), ("3", "Q2?")]
    f.write_text('{"id": "a"}\n')
    with pytest.raises(QuestionError, match="q.jsonl:1"):
        read_questions(str(f))


@pytest.mark.llm
def test_batch_json_with_the_real_models(tmp_path):
    q = tmp_path / "q.jsonl"
    q.write_text('{"id": "g", "question": "What does Gigascale invest in?"}\n'
                 '{"id": "w", "question": "Who won the 2022 football world cup?"}\n')
    done = run_cli("ask", "--questions", str(q), "--json", env_cache=None)
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["id"] for r in rows] == ["g", "w"]
    assert "00:00:35" in [c["timestamp"] for c in rows[0]["citations"]]
    assert rows[1]["abstained"] is True


def test_a_replayed_run_can_be_replayed_again(tmp_path, capsys):
    """`eval --replay` writes every reply it fed into its own report: replaying that report gives the same
    answers, a question that took two calls included (the first look refused, the second answered)."""
    qa = tmp_path / "qa.jsonl"
    qa.write_text(json.dumps({"id": "q29", "question": "Who is Mike Schreer, and what does his current firm back?",
                              "answer": "A former Facebook CTO; Gigascale backs climate technology.",
                              "timestamps": ["00:00:31", "00:00:35"], "answerable": True,
                              "facts": ["facebook", "climate"]}) + "\n")
    replies = ["NOT IN TRANSCRIPT",
               "Mike Schreer is the former CTO of Facebook. "
               "His current firm invests in companies using technology to combat climate change."]
    saved = tmp_path / "saved.json"
    saved.write_text(json.dumps({"meta": {"model": "m"}, "results": {"whole": {"rows": [{"id": "q29",
                                                                                        "replies": replies}]}}}))
    first, second = tmp_path / "first", tmp_path / "second"
    assert main(["eval", "--qa", str(qa), "--replay", str(saved), "--out", str(first)]) == 0
    assert main(["eval", "--qa", str(qa), "--replay", str(first / "report.json"), "--out", str(second)]) == 0
    capsys.readouterr()
    a, b = (json.loads((d / "report.json").read_text()) for d in (first, second))
    row_a, row_b = (next(iter(r["results"].values()))["rows"][0] for r in (a, b))
    assert row_a["replies"] == replies and row_b["replies"] == replies
    assert row_a["answer"] == row_b["answer"] and row_b["facts_right"] and "[00:00:35]" in row_b["answer"]
    assert b["meta"]["model"] == "m (replayed)"


def test_the_source_list_names_the_speaker(capsys):
    from rag.answer import Answer, AnswerSentence, Citation
    from rag.cli import print_answer

    quote = "Basically, we can easily get one to four disks."
    answer = Answer("q?", "They can get disks. [00:25:47]", False,
                    (Citation("00:25:47", 1547.0, "Bmr026", quote, speaker="Professor B"),
                     Citation("00:00:35", 35.0, "Talk", "Gigascale backs climate tech.")),
                    (AnswerSentence("They can get disks.", (0, 1), True),))
    print_answer(answer, as_json=False)
    out = capsys.readouterr().out
    assert f"  [00:25:47] Bmr026: Professor B: {quote}" in out
    assert "  [00:00:35] Talk: Gigascale backs climate tech." in out  # no speaker known: none shown
