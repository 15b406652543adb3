"""The answer path stays small enough to read: its size is part of the design, checked like any other property."""

from __future__ import annotations

import ast

import pytest

from tests.conftest import ROOT

RAG = ROOT / "rag"
# what happens to a question: read into a plan, shown a look, asked, verified, checked, answered or refused
ANSWER_PATH = ("pipeline", "plan", "when", "forms", "evidence", "finish", "citations", "words", "checks")
MODULES = sorted(RAG.rglob("*.py"))


def lines(path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_the_answer_path_is_at_most_1800_lines():
    total = sum(lines(RAG / f"{name}.py") for name in ANSWER_PATH)
    assert total <= 1800, f"the answer path is {total} lines"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_is_over_300_lines_and_no_function_over_60(path):
    assert lines(path) <= 300
    long = [(node.name, node.end_lineno - node.lineno + 1) for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno + 1 > 60]
    assert long == []
