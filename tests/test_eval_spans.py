"""Span gold: the loader, and the metrics agreeing with the QMSum development set's own scorer."""

import json
import subprocess
import sys

import pytest

from rag.errors import EvalError
from rag.eval.spanmetrics import (cite_in_window, cite_precision, false_abstention, mean_rouge1_recall, refusals,
                                  rouge1_recall_answered, span_summary)
from rag.eval.spans import load_spans
from tests.conftest import ROOT

SHARED = ROOT.parent / "shared" / "devsets" / "qmsum-dev"
QMSUM = ROOT / "evalsets" / "qmsum-dev.jsonl"
needs_shared = pytest.mark.skipif(not (SHARED / "score.py").is_file(),
                                  reason=f"the shared QMSum devset is not beside the project ({SHARED})")

QUESTIONS = [  # two meetings, answerable and not
    {"id": "A-1", "source": "A.txt", "question": "What colour?", "unanswerable": False, "half": "dev",
     "answer": "The team chose a yellow case with rubber buttons.", "windows": [[100, 200]]},
    {"id": "A-2", "source": "A.txt", "question": "What budget?", "unanswerable": False, "half": "dev",
     "answer": "Twelve euros fifty per remote, a budget the team kept.", "windows": [[300, 350], [500, 520]]},
    {"id": "A-u", "source": "A.txt", "question": "Warranty?", "unanswerable": True, "half": "dev",
     "answer": None, "windows": []},
    {"id": "B-1", "source": "B.txt", "question": "Disks?", "unanswerable": False, "half": "check",
     "answer": "They needed more disk space for the recordings and ordered new disks.", "windows": [[60, 90]]},
    {"id": "B-2", "source": "B.txt", "question": "Schedule?", "unanswerable": False, "half": "check",
     "answer": "The meeting moved to Thursday.", "windows": [[10, 20]]},
    {"id": "B-u", "source": "B.txt", "question": "Solar?", "unanswerable": True, "half": "check",
     "answer": None, "windows": []},
    {"id": "B-3", "source": "B.txt", "question": "Who transcribes?", "unanswerable": False, "half": "check",
     "answer": "Students transcribe the meetings.", "windows": [[0, 5]]},
]
ANSWERS = [  # every shape the scorer reads; B-3 has no answer (missing)
    {"id": "A-1", "answer": "A yellow case [00:01:50] with red buttons.", "abstained": False,
     "citations": [{"timestamp": "00:01:50", "seconds": 110.0}, {"timestamp": "00:05:00", "seconds": 300.0}]},
    {"id": "A-2", "answer": "Twelve euros fifty [00:08:23].", "abstained": False,
     "citations": [{"timestamp": "00:08:23"}]},  # seconds from the timestamp
    {"id": "A-u", "answer": "The transcript does not say.", "citations": []},  # abstained by its text
    {"id": "B-1", "answer": "More disk space [00:00:58] and new disks [00:03:00].", "abstained": False},  # inline
    {"id": "B-2", "answer": "The transcript doesn't say.", "abstained": True, "citations": []},
    {"id": "B-u", "answer": "Solar panels [00:00:12].", "abstained": False,
     "citations": [{"timestamp": "00:00:12", "seconds": 12.0}]},
]


def rows_of(questions, answers):
    """Project rows: each question's gold joined with its answer (by id), or marked missing."""
    by_id = {a["id"]: a for a in answers}
    rows = []
    for q in questions:
        gold = {"id": q["id"], "source": q["source"], "reference": q["answer"], "windows": q["windows"],
                "unanswerable": q["unanswerable"], "half": q["half"]}
        rows.append({**gold, **by_id[q["id"]]} if q["id"] in by_id else {**gold, "missing": True})
    return rows


def scorer(tmp_path, tol):
    qa, answers = tmp_path / "qa.jsonl", tmp_path / "answers.jsonl"
    qa.write_text("".join(json.dumps(q) + "\n" for q in QUESTIONS))
    answers.write_text("".join(json.dumps(a) + "\n" for a in ANSWERS))
    out = subprocess.run([sys.executable, str(SHARED / "score.py"), str(qa), str(answers), "--json", "--tol", str(tol)],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)["metrics"]


@needs_shared
@pytest.mark.parametrize("tol", [0, 5])
def test_span_metrics_give_the_figures_of_the_qmsum_scorer(tmp_path, tol):
    theirs = scorer(tmp_path, tol)
    rows = rows_of(QUESTIONS, ANSWERS)
    ours = {m: span_summary([r for r in rows if r["source"] == f"{m}.txt"], tol) for m in ("A", "B")}
    ours["ALL"] = span_summary(rows, tol)
    assert ours == theirs
    assert theirs["ALL"]["missing"] == 1 and theirs["ALL"]["refusals"] == 0.5  # the file covers what it should


def test_span_metric_known_answers():
    rows = rows_of(QUESTIONS, ANSWERS)
    assert cite_in_window(rows) == pytest.approx(2 / 5)  # A-1, A-2 (08:23 = 503 s); B-1's 58 s and 180 s are out
    assert cite_in_window(rows, tol=2) == pytest.approx(3 / 5)  # B-1's 58 s is in [60 - 2, 90 + 2]
    assert cite_precision(rows) == pytest.approx(2 / 5)  # 110, 503 in; 300, 58, 180 out
    assert false_abstention(rows) == pytest.approx(1 / 5) and refusals(rows) == 0.5
    assert rouge1_recall_answered(rows) > mean_rouge1_recall(rows) > 0  # abstained and missing score 0
    assert refusals(rows[:2]) is None and cite_precision([]) is None


@needs_shared
def test_the_qmsum_dev_set_loads_with_its_transcripts_and_fixed_halves():
    items = load_spans(QMSUM, SHARED)
    assert len(items) == 88 and sum(i.unanswerable for i in items) == 16
    halves = {}
    for i in items:
        halves.setdefault(i.source.name, set()).add(i.half)
        assert i.unanswerable == (i.answer is None) == (not i.windows), i.id
    assert all(len(h) == 1 for h in halves.values())  # split by meeting
    assert {h for hs in halves.values() for h in hs} == {"dev", "check"}


GOOD = {"id": "a", "source": "m.txt", "question": "q?", "answer": "x", "windows": [[1, 2]], "unanswerable": False}


@pytest.mark.parametrize("change, message", [
    ({"windows": [[5, 1]]}, "bad window"),
    ({"windows": [[1, "2"]]}, "bad window"),
    ({"windows": []}, "at least one window"),
    ({"answer": None}, "needs an 'answer' string"),
    ({"unanswerable": True}, "unanswerable question has"),
    ({"half": "test"}, "'half' must be 'dev' or 'check'"),
    ({"source": "nowhere.txt"}, "transcript .*nowhere.txt not found"),
    ({"question": None}, "'question' must be a str"),
])
def test_bad_span_files(tmp_path, change, message):
    (tmp_path / "m.txt").write_text("[00:00:01] A: hello.\n")
    f = tmp_path / "qa.jsonl"
    f.write_text(json.dumps({**GOOD, **change}) + "\n")
    with pytest.raises(EvalError, match=message):
        load_spans(f, tmp_path)


def test_a_span_line_without_a_half_gets_the_fixed_one(tmp_path):
    (tmp_path / "m.txt").write_text("[00:00:01] A: hello.\n")
    f = tmp_path / "qa.jsonl"
    f.write_text(json.dumps(GOOD) + "\n" + json.dumps({**GOOD, "id": "b", "half": "check"}) + "\n")
    assert [i.half for i in load_spans(f, tmp_path)] == ["check", "check"]  # crc32("a") is odd
    f.write_text(json.dumps(GOOD) + "\n" + json.dumps(GOOD) + "\n")
    with pytest.raises(EvalError, match="duplicate id 'a'"):
        load_spans(f, tmp_path)
