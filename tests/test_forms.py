"""One strategy per form of answer: what is asked for, how much is read, how many sentences are kept."""

from __future__ import annotations

import dataclasses

import pytest

from rag.forms import CITE, FORM_TABLE, OVERVIEW, Form, asked, form_for
from rag.plan import FORMS, Plan


def plan(form: str, scope: str = "topic", speakers: tuple[str, ...] = (), question: str = "Q?") -> Plan:
    return Plan(question, question, form, scope, question, speakers)


def test_every_form_of_the_plan_has_a_strategy():
    assert set(FORM_TABLE) == set(FORMS)
    assert all(f.name == name and f.ask and f.sentences >= 1 for name, f in FORM_TABLE.items())


@pytest.mark.parametrize("form, spread", [
    ("summary", True), ("decision", True), ("opinion", True), ("why", True),  # every moment that speaks to it
    ("fact", False), ("list", False), ("yesno", False), ("choice", False),  # the one moment that states it
])
def test_the_forms_that_read_every_relevant_moment_spread(form, spread):
    assert form_for(plan(form)).spread is spread


def test_a_spread_answer_may_be_longer_than_a_fact():
    fact = FORM_TABLE["fact"].sentences
    assert all(FORM_TABLE[f].sentences > fact for f in ("summary", "decision", "opinion", "why", "list"))
    assert FORM_TABLE["summary"].sentences >= FORM_TABLE["decision"].sentences


def test_a_summary_of_the_whole_recording_gets_the_overview():
    assert form_for(plan("summary", scope="whole")) is OVERVIEW
    assert OVERVIEW.name == "summary" and not OVERVIEW.spread  # the whole transcript is shown, nothing to spread
    assert form_for(plan("summary", scope="topic")) is FORM_TABLE["summary"]
    assert form_for(plan("fact", scope="whole")) is FORM_TABLE["fact"]  # only a summary becomes the overview


@pytest.mark.parametrize("speakers, who", [((), "they"), (("Professor",), "Professor"),
                                           (("Grad A", "Professor"), "Grad A and Professor")])
def test_the_opinion_instruction_names_who_the_question_names(speakers, who):
    instruction = FORM_TABLE["opinion"].instruction(plan("opinion", "speaker", speakers))
    assert f"what {who} said" in instruction and "{" not in instruction


@pytest.mark.parametrize("form", FORMS)
def test_the_model_is_asked_the_question_then_the_forms_instruction_then_the_citation_rule(form):
    p = plan(form, question="What was decided about the logo?")
    text = asked(p)
    instruction = form_for(p).instruction(p)
    assert text == f"What was decided about the logo? {instruction} {CITE}"
    assert "[2]" in CITE  # the marker the citation parser reads


def test_a_yes_no_answer_is_asked_to_open_with_its_verdict():
    assert "Yes or No" in FORM_TABLE["yesno"].instruction(plan("yesno"))


def test_a_form_is_a_frozen_value():
    with pytest.raises(dataclasses.FrozenInstanceError):
        FORM_TABLE["fact"].sentences = 9
    assert Form("x", "Say {who}.").instruction(plan("x", speakers=("Al",))) == "Say Al."
