"""The checks that a verified answer answers the question (pure logic; the support check has its own tests)."""

from rag.answer import AnswerSentence, Citation
from rag.checks import refusal, topic_grounded
from rag.segments import Segment

TRIP = [(Segment("talk", 431, "You might have a travel assistant where you can book a 7-day trip to London."),),
        (Segment("talk", 440, "The weather should be sunny for at least 4 days."),),
        (Segment("talk", 443, "This is usually my criteria."),),
        (Segment("talk", 446, "And you have some budget constraints."),)]


def cite(seg: Segment) -> Citation:
    return Citation(seg.timestamp, seg.start, seg.source, seg.text)


def test_the_answers_subject_must_be_in_or_next_to_its_evidence():
    question = "What budget limit is set for the London trip?"
    sunny = [cite(TRIP[1][0])]
    assert not topic_grounded("The budget limit is set to 4 sunny days.", question, sunny, TRIP)
    assert topic_grounded("The budget limit is set to 4 sunny days.", question, [cite(TRIP[2][0])], TRIP)  # beside it
    assert topic_grounded("Four sunny days.", question, sunny, TRIP)  # restates fewer than two of its words


def test_the_first_reason_is_reported():
    unsupported = (AnswerSentence("Something.", (), False),)
    assert refusal("Q?", unsupported, (), TRIP, True, None, 0.2).startswith("no sentence")
    said = (AnswerSentence("Forty people.", (0,), True),)
    why = refusal("How many days is the trip?", said, [cite(TRIP[0][0])], TRIP, False, None, 0.2)
    assert why == "the answer counts something other than what the question asks"
