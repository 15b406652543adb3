"""Evaluation: gold-set validity, metric known answers, reports, and the regression gate."""

import json

import pytest

from rag.errors import EvalError
from rag.eval.gold import load_gold
from rag.eval.metrics import (abstention_scores, fact_found, facts_right, own_words, percentile, reciprocal_rank,
                              recall_at_k, token_f1)
from rag.eval.report import write_reports
from rag.eval.runner import EvalConfig, evaluate, evaluate_retrieval, summarize
from rag.formats import load_transcript
from tests.conftest import ROOT, SEED

GOLD = ROOT / "seeds" / "qa.jsonl"
CAPTION_GOLD = ROOT / "seeds" / "qa-captions.jsonl"
CAPTIONS = ROOT / "tests" / "data" / "youtube-autocaptions-agentic-ai.vtt"


@pytest.fixture(scope="module")
def gold():
    return load_gold(GOLD)


def test_gold_set_shape(gold):
    assert len(gold) >= 45
    assert sum(not g.answerable for g in gold) >= 12
    assert sum(len(g.timestamps) > 1 for g in gold) >= 3  # questions that need two passages
    assert sum(g.follows is not None for g in gold) >= 3


def test_every_gold_moment_is_a_sentence_of_the_seed(gold):
    starts = {s.timestamp for s in load_transcript(SEED).segments if s.timed}
    for g in gold:
        assert set(g.timestamps) <= starts, g.id


@pytest.mark.parametrize("line, message", [
    ('{"id": "a", "question": "q", "answer": "a", "timestamps": ["00:99:00"], "answerable": true}', "bad timestamp"),
    ('{"id": "a", "question": "q", "answer": "a", "timestamps": [], "answerable": true}', "at least one gold"),
    ('{"id": "a", "question": 3, "answer": "a", "timestamps": [], "answerable": false}', "'question' must be a str"),
    ('{"id": "a", "question": "q", "answer": "", "timestamps": [], "answerable": false, "follows": "z"}', "follows"),
    ("not json", "not JSON"),
    ('{"id": "a", "question": "q", "answer": "a", "timestamps": ["00:00:01"], "answerable": true, "facts": "x"}',
     "'facts' must be a list"),
    ('{"id": "a", "question": "q", "answer": "", "timestamps": [], "answerable": false, "facts": ["x"]}',
     "unanswerable question has no facts"),
])
def test_bad_gold_files(tmp_path, line, message):
    f = tmp_path / "qa.jsonl"
    f.write_text(line + "\n")
    with pytest.raises(EvalError, match=message):
        load_gold(f)


def test_every_answerable_gold_question_names_its_key_facts(gold):
    for g in gold:
        assert bool(g.facts) == g.answerable, g.id
        assert not g.answerable or facts_right(g.facts, g.answer), g.id  # the reference states its facts
        assert not g.answerable or any(not f.startswith("!") for f in g.facts), g.id  # not only what it must not say


def test_caption_gold_set_is_valid_against_the_captions():
    items = load_gold(CAPTION_GOLD)
    assert len(items) >= 25 and sum(not g.answerable for g in items) >= 5
    starts = {s.timestamp for s in load_transcript(CAPTIONS).segments}
    for g in items:
        assert set(g.timestamps) <= starts, g.id
        assert bool(g.facts) == g.answerable and (not g.facts or facts_right(g.facts, g.answer)), g.id


def test_metric_known_answers():
    assert fact_found("7|seven", "a seven-day trip") and not fact_found("7|seven", "a 17-day trip")
    assert fact_found("replit|replet", "Lovable and Replet") and not fact_found("climate", "the climb")
    assert facts_right(["yes", "news"], "Yes, he asks for news.") and facts_right([], "x") is None
    assert token_f1("PyTorch.", "PyTorch") == 1.0
    assert token_f1("", "x") == 0.0
    ranked = [[1.0], [35.0], [36.0, 99.0]]
    assert recall_at_k(ranked, [35.0], 1) == 0.0 and recall_at_k(ranked, [35.0], 2) == 1.0
    assert reciprocal_rank(ranked, [99.0]) == pytest.approx(1 / 3)
    assert reciprocal_rank(ranked, [500.0]) == 0.0
    assert percentile([1, 2, 3, 4, 100], 0.5) == 3 and percentile([], 0.5) is None
    scores = abstention_scores([(False, True), (False, False), (True, True), (True, False), (True, False)])
    assert scores["refusal_precision"] == 0.5 and scores["refusal_recall"] == 0.5
    assert scores["false_abstention_rate"] == pytest.approx(1 / 3) and scores["answered_pct"] == pytest.approx(200 / 3)


@pytest.mark.parametrize("answer, right", [
    ("Facebook. The transcript says: “former CTO at Facebook”", True),
    ("Google. The transcript says: “former CTO at Facebook”", False),  # a wrong pick quoting the right sentence
    ("Google. “He was the former CTO at Facebook.”", False),  # a quoted sentence without the lead
    ('Google. "He was the former CTO at Facebook."', False),  # straight quotes
    ("He was CTO at “Facebook”, for nine years.", True),  # a quoted word inside the answer's own sentence
    ("“He was the former CTO at Facebook.”", True),  # nothing but a quote: it states what it quotes
])
def test_words_in_a_quoted_transcript_sentence_do_not_state_a_fact(answer, right):
    assert facts_right(["facebook"], answer) is right


def test_own_words_drop_the_quote_lead_and_what_follows():
    assert own_words("No. The transcript says: “Meta designs its own servers.” … “It stopped.”") == "No."
    assert own_words("“Open quote runs on") == "“Open quote runs on"  # only a quote: kept
    assert own_words("Yes. “Open quote runs on") == "Yes."


def test_reports_are_written_and_escaped(tmp_path):
    row = {"id": "q1", "question": "<b>q</b>?", "answerable": True, "follows": None, "reference": "r",
           "gold": ["00:00:35"], "answer": "<script>x</script>", "abstained": False, "reason": "", "searched": "q",
           "citations": [{"timestamp": "00:00:35", "seconds": 35.0, "source": "s", "text": "t"}],
           "ttft_ms": 1000.0, "total_ms": 2000.0, "supported_sentences": 1, "sentences": 1,
           "recall@1": 1.0, "recall@3": 1.0, "recall@5": 1.0, "mrr": 1.0, "token_f1": 0.5, "similarity": 0.7,
           "cites_gold": True, "cited_gold_share": 1.0, "model_marks_gold": True}
    results = {"dense-k4": {"summary": summarize([row]), "rows": [row]}}
    paths = write_reports(tmp_path, results, {"model": "m", "qa": "qa.jsonl", "questions": 1, "seconds": 3.0})
    assert [p.name for p in paths] == ["report.json", "report.md", "report.html"]
    assert json.loads(paths[0].read_text())["results"]["dense-k4"]["summary"]["citation_accuracy"] == 1.0
    page = paths[2].read_text()
    assert page.count("data:image/png;base64,") == 2 and "<script>x" not in page
    assert "| dense-k4 |" in paths[1].read_text()


# --- regression gate: thresholds a little below what was measured (see the README, Evaluation) ---

@pytest.mark.parametrize("mode, floors", [
    ("dense", {"recall@1": 0.68, "recall@3": 0.76, "recall@5": 0.86, "mrr": 0.76}),   # measured .72 .80 .90 .80
    ("hybrid", {"recall@1": 0.64, "recall@3": 0.84, "recall@5": 0.88, "mrr": 0.77}),  # measured .69 .88 .92 .81
])
def test_retrieval_gate(settings, embedder, seed_index, gold, mode, floors):
    from rag.pipeline import Pipeline

    scores = evaluate_retrieval(Pipeline(settings, embedder=embedder, llm=None, index=seed_index), gold, mode)
    for key, floor in floors.items():
        assert scores[key] >= floor, (key, scores)


@pytest.mark.llm
def test_end_to_end_gate(pipeline, gold):
    chosen = [g for g in gold if g.id in {"q01", "q28", "q25", "q05", "q38", "u01", "u02", "u04"}]
    config = EvalConfig(pipeline.settings.retrieval, pipeline.settings.top_k, pipeline.context_for(None))
    rows = evaluate(pipeline, chosen, config, progress=False)  # the default: the whole seed as context
    s = summarize(rows)
    assert s["citation_accuracy"] >= 0.75, rows
    assert s["facts_right"] >= 0.8, rows  # 5 of 5 measured
    assert s["refusal_recall"] >= 0.66, rows
    assert s["false_abstention_rate"] <= 0.25, rows
    assert s["sentence_support"] >= 0.8, rows


def test_a_saved_run_is_replayed_through_todays_verification(tmp_path, settings, embedder, seed_index, gold):
    from rag.eval.replay import ReplayGenerator, load_run
    from rag.pipeline import Pipeline

    items = [g for g in gold if g.id in {"q01", "u01", "q43"}]
    replies = {"q01": "Gigascale invests in companies fighting climate change. [1]", "u01": "NOT IN TRANSCRIPT",
               "q43": "He started working on AI at Facebook in 2013, when the FAIR lab was launched."}
    saved = tmp_path / "report.json"
    rows = [{"id": i, "raw": r} for i, r in replies.items()]
    saved.write_text(json.dumps({"meta": {"model": "m"}, "results": {"whole": {"rows": rows}}}))
    model, run, loaded = load_run(saved)
    assert (model, run, loaded) == ("m", "whole", {k: [v] for k, v in replies.items()})
    replay = ReplayGenerator(loaded, model)
    pipeline = Pipeline(settings, embedder=embedder, llm=replay, index=seed_index)
    out = evaluate(pipeline, items, EvalConfig("hybrid", 5, "whole"), progress=False,
                   before=lambda item: replay.select(item.id))
    by_id = {r["id"]: r for r in out}
    assert by_id["q01"]["raw"] == replies["q01"] and not by_id["q01"]["abstained"]
    assert by_id["q01"]["facts_right"] and by_id["q01"]["cites_gold"]  # re-attributed to 00:00:35
    assert by_id["u01"]["abstained"]
    assert by_id["q43"]["cited_in_window"] and "cited_in_window" not in by_id["q01"]  # a time question, cited inside
    assert (summarize(out)["window_questions"], summarize(out)["cited_in_window"]) == (1, 1)
    with pytest.raises(EvalError, match="no reply for question 'q99'"):
        replay.select("q99")
    (tmp_path / "bad.json").write_text("{}")
    with pytest.raises(EvalError, match="not a saved evaluation report"):
        load_run(tmp_path / "bad.json")


def test_facts_count_only_what_the_answer_shows_and_a_yes_no_answer_takes_one_call(tmp_path, settings, embedder,
                                                                                  seed_index, gold):
    from rag.eval.replay import RecordingGenerator, ReplayGenerator
    from rag.pipeline import Pipeline

    items = [g for g in gold if g.id in {"q35", "q46"}]
    replies = {"q35": ["AI is to coding the way JavaScript is to C. "
                       "Its abstraction is like the layers of a lasagna recipe from a Martian cookbook."],
               "q46": ["No, developer tooling is moving up the stack."]}
    replay = ReplayGenerator(replies, "m")
    recorder = RecordingGenerator(replay)
    pipeline = Pipeline(settings, embedder=embedder, llm=recorder, index=seed_index)
    out = {r["id"]: r for r in evaluate(pipeline, items, EvalConfig("hybrid", 5, "whole"), progress=False,
                                         before=lambda item: replay.select(item.id), recorder=recorder)}
    assert out["q35"]["supported_sentences"] == 1 and "abstraction" not in out["q35"]["answer"]
    assert out["q35"]["facts_right"] is False  # "abstraction" is only in the sentence the transcript does not support
    assert out["q46"]["answer"].startswith("No,") and out["q46"]["facts_right"]
    assert out["q46"]["calls"] == 1 and out["q46"]["replies"] == replies["q46"]  # no verdict call after the answer
    assert "00:19:17" in [c["timestamp"] for c in out["q46"]["citations"]]


def test_a_saved_run_replays_every_model_call_in_the_order_it_was_made(tmp_path):
    from rag.eval.replay import load_run

    rows = [{"id": "a", "first_reply": "whole", "raw": "second look, kept", "verdict_reply": "Answer: No"},
            {"id": "b", "raw": "NOT IN TRANSCRIPT", "second_reply": "NOT IN TRANSCRIPT either", "verdict_reply": "Answer: Yes"},
            {"id": "c", "raw": "plain"}]
    (tmp_path / "report.json").write_text(json.dumps({"meta": {"model": "m"}, "results": {"whole": {"rows": rows}}}))
    _, _, replies = load_run(tmp_path / "report.json")
    assert replies == {"a": ["whole", "second look, kept", "Answer: No"],
                       "b": ["NOT IN TRANSCRIPT", "NOT IN TRANSCRIPT either", "Answer: Yes"], "c": ["plain"]}


def test_a_recorded_run_replays_every_call_a_question_took(tmp_path, settings, embedder, seed_index, gold):
    from rag.eval.replay import RecordingGenerator, ReplayGenerator, load_run
    from rag.pipeline import Pipeline
    from tests.conftest import ScriptedLLM

    # the whole transcript is refused, the passages search finds are answered: two calls, both recorded
    replies = ["NOT IN TRANSCRIPT",
               "Mike Schreer is the former CTO of Facebook and founded the venture capital firm Gigascale. "
               "His current firm invests in companies using technology to combat climate change."]
    recorder = RecordingGenerator(ScriptedLLM(replies))
    items = [g for g in gold if g.id == "q29"]
    pipeline = Pipeline(settings, embedder=embedder, llm=recorder, index=seed_index)
    rows = evaluate(pipeline, items, EvalConfig("hybrid", 5, "whole"), progress=False, recorder=recorder)
    assert rows[0]["replies"] == replies and rows[0]["calls"] == 2 and rows[0]["facts_right"], rows[0]
    assert rows[0]["context"] == "retrieve" and rows[0]["first_reply"] == "NOT IN TRANSCRIPT"
    saved = tmp_path / "report.json"
    saved.write_text(json.dumps({"meta": {"model": "m"}, "results": {"whole": {"rows": rows}}}))
    _, _, loaded = load_run(saved)
    assert loaded == {"q29": replies}
    replay = ReplayGenerator(loaded, "m")
    again = evaluate(Pipeline(settings, embedder=embedder, llm=replay, index=seed_index), items,
                     EvalConfig("hybrid", 5, "whole"), progress=False, before=lambda item: replay.select(item.id))
    assert again[0]["answer"] == rows[0]["answer"] and again[0]["facts_right"]
