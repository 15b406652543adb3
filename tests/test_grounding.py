"""Answers that answer: numbers from the transcript, terse answers grounded, the kind of answer asked for."""

import pytest

from rag.grounding import expected_kind, has_kind, numbers, numbers_grounded


@pytest.mark.parametrize("text, expected", [
    ("Nine years.", {"9"}), ("3,000 servers", {"3000"}), ("in 2013 and 2050", {"2013", "2050"}), ("no numbers", set()),
])
def test_numbers(text, expected):
    assert numbers(text) == expected


def test_a_number_must_come_from_the_evidence_or_the_question():
    evidence = "Mike Schreer, former CTO at Facebook (for 9 years), founded Gigascale."
    assert numbers_grounded("He was CTO for nine years.", evidence)
    assert not numbers_grounded("He stepped down in 2022.", evidence)
    assert numbers_grounded("Yes, in 2022.", evidence, question="Did he leave in 2022?")


@pytest.mark.parametrize("question, kind", [
    ("How many GPUs does Meta use?", "quantity"), ("How much money has Gigascale raised?", "quantity"),
    ("In what year did he start?", "year"), ("Which year was FAIR founded?", "year"),
    ("How could AI tools affect how big teams are?", None), ("Who led FAIR?", None),
])
def test_expected_kind(question, kind):
    assert expected_kind(question) == kind


def test_unanswered_quantity_question_abstains(scripted_pipeline):
    p = scripted_pipeline("Meta designs nearly all its data center equipment [1].", context="whole")
    a = p.ask("How many data centers does Meta operate?")
    assert a.abstained and "quantity" in a.reason


def test_invented_year_is_not_supported(scripted_pipeline):
    a = scripted_pipeline("2022.", context="whole").ask("In what year did Mike Schreer step down as Facebook's CTO?")
    assert a.abstained and a.citations == ()


def test_terse_answer_needs_its_own_words_in_the_evidence(scripted_pipeline):
    a = scripted_pipeline("Yann LeCun.", context="whole").ask("Who led the FAIR lab when it was created?")
    assert a.abstained  # the question's words match the FAIR sentence; the answer's own words match nothing
    good = scripted_pipeline("2013.", context="whole").ask("In which year did Mike Schreer begin AI work at Facebook?")
    assert not good.abstained and {c.timestamp for c in good.citations} == {"00:13:37"}
    assert has_kind(good.text, "year")


def test_an_answer_that_restates_the_question_abstains(scripted_pipeline):
    a = scripted_pipeline("Mike Schreer worked at Facebook before joining Facebook.", context="whole").ask(
        "Where did Mike Schreer work before joining Facebook?")
    assert a.abstained and "restates" in a.reason
