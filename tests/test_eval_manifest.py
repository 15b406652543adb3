"""The evaluation manifest: validation with clear messages, paths from the project root, fixed halves."""

import json
import zlib

import pytest

from rag.errors import EvalError
from rag.eval.gold import half_of, load_gold
from rag.eval.manifest import load_manifest
from tests.conftest import ROOT

MANIFEST = ROOT / "evalsets" / "manifest.json"
SHARED = ROOT.parent / "shared" / "devsets" / "qmsum-dev"


def test_the_projects_manifest_names_three_sources_from_the_project_root():
    sources = load_manifest(MANIFEST, only=["interview", "captions"])  # the shared devset may be absent
    assert [(s.name, s.kind) for s in sources] == [("interview", "point"), ("captions", "point")]
    assert sources[0].qa == ROOT / "seeds" / "qa.jsonl" and sources[0].source == ROOT / "seeds" / "cto-ai-era.txt"
    if SHARED.is_dir():
        qmsum = load_manifest(MANIFEST, only=["qmsum"])[0]
        assert qmsum.kind == "span" and qmsum.root == SHARED and qmsum.source is None


def write(tmp_path, manifest) -> str:
    """A manifest in tmp/evalsets/ (so relative paths start at tmp), with a gold file and a transcript."""
    (tmp_path / "evalsets").mkdir(exist_ok=True)
    (tmp_path / "qa.jsonl").write_text("{}\n")
    (tmp_path / "talk.txt").write_text("[00:00:01] A: hello.\n")
    (tmp_path / "meetings").mkdir(exist_ok=True)
    path = tmp_path / "evalsets" / "manifest.json"
    path.write_text(manifest if isinstance(manifest, str) else json.dumps(manifest))
    return str(path)


def one(**entry):
    return {"sources": [{"name": "talk", "qa": "qa.jsonl", **entry}]}


@pytest.mark.parametrize("manifest, message", [
    ("not json", "not JSON"),
    ({"sources": []}, "at least one source"),
    ({"sources": ["x"]}, r"sources\[0\]: expected an object"),
    (one(source="talk.txt", extra=1), r"unknown field\(s\) \['extra'\]"),
    (one(), "give either 'source'"),
    (one(source="talk.txt", root="meetings"), "not both or neither"),
    ({"sources": [{"name": "a b", "qa": "qa.jsonl", "source": "talk.txt"}]}, "must be letters, digits"),
    ({"sources": [{"qa": "qa.jsonl", "source": "talk.txt"}]}, "'name' must be a non-empty string"),
    ({"sources": [{"name": "a", "qa": "qa.jsonl", "source": "talk.txt"}] * 2}, "share the name 'a'"),
    (one(qa="missing.jsonl", source="talk.txt"), "gold file .*missing.jsonl not found; fix 'qa'"),
    (one(source="gone.txt"), "transcript .*gone.txt not found; fix 'source'"),
    (one(root="../shared/devsets/x"), "folder .*shared/devsets/x not found. A shared devset lives beside the project"),
])
def test_bad_manifests_say_what_is_wrong(tmp_path, manifest, message):
    with pytest.raises(EvalError, match=message):
        load_manifest(write(tmp_path, manifest))


def test_a_missing_manifest_and_an_unknown_only_name(tmp_path):
    with pytest.raises(EvalError, match="no such manifest"):
        load_manifest(tmp_path / "nope.json")
    path = write(tmp_path, one(source="talk.txt"))
    with pytest.raises(EvalError, match=r"--only other: not in .*\(its sources: talk\)"):
        load_manifest(path, only=["other"])


def test_only_checks_the_files_of_the_sources_it_runs(tmp_path):
    path = write(tmp_path, {"sources": [{"name": "talk", "qa": "qa.jsonl", "source": "talk.txt"},
                                        {"name": "far", "qa": "qa.jsonl", "root": "../nowhere"}]})
    assert [s.name for s in load_manifest(path, only=["talk"])] == ["talk"]
    with pytest.raises(EvalError, match="far: folder"):
        load_manifest(path)


def test_absolute_paths_are_kept(tmp_path):
    path = write(tmp_path, one(qa=str(tmp_path / "qa.jsonl"), source=str(tmp_path / "talk.txt")))
    assert load_manifest(path)[0].source == tmp_path / "talk.txt"


@pytest.mark.parametrize("gold", ["qa.jsonl", "qa-captions.jsonl"])
def test_every_point_gold_question_has_a_fixed_half_and_both_halves_are_sizeable(gold):
    items = load_gold(ROOT / "seeds" / gold)
    assert all(i.half == ("dev" if zlib.crc32(i.id.encode()) % 2 == 0 else "check") for i in items)
    for answerable in (True, False):
        part = [i for i in items if i.answerable == answerable]
        dev = sum(i.half == "dev" for i in part)
        assert 0.35 < dev / len(part) < 0.65, (gold, answerable, dev, len(part))


def test_half_of_is_the_crc32_rule():
    assert [half_of(i) for i in ("q01", "q04", "c01", "c04")] == ["dev", "check", "dev", "check"]
