"""The checks that a verified answer answers the question (pure logic; the support check has its own tests)."""

from rag.answer import AnswerSentence, Citation
from rag.checks import (QUOTE_MAX_WORDS, in_their_words, is_yes_no, named_beside, refusal, when_claim, says_what_was_asked,
                        settle_yes_no, topic_grounded, verdict)
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


SERVERS = Citation("00:21:20", 1280.0, "talk", "At Meta, the company moved from leasing data centers and buying "
                   "off-the-shelf servers to designing nearly all its data center equipment.")


def test_yes_no_questions_are_told_from_choices_and_wh_questions():
    assert is_yes_no("Did Meta keep buying off-the-shelf servers?")
    assert is_yes_no("Isn't the router pattern a workflow?")
    assert not is_yes_no("Should a CTO err toward too much or too little compute capacity, and why?")
    assert not is_yes_no("Which tool does he mention after Zapier?")
    assert verdict("Rephrased: Did Meta keep buying servers? Answer: No") == "no"
    assert verdict("They designed their own.\nAnswer: Yes.") == "yes"
    assert verdict("I cannot tell.") is None


def test_a_yes_no_answer_opens_with_the_verdict_of_its_cited_sentences_quoted():
    quoted = f"No. The transcript says: “{SERVERS.text}”"
    plain = (AnswerSentence("Meta moved to designing nearly all its data center equipment.", (0,), True),)
    settled, cited = settle_yes_no(plain, [SERVERS], "no")
    assert cited == (SERVERS,) and settled[0].text == quoted and settled[0].citations == (0,)
    other = Citation("00:22:29", 1349.0, "talk", "Companies like Nvidia produce excellent general-purpose chips.")
    agreeing = (AnswerSentence("No, Meta designs its own equipment now.", (1,), True),
                AnswerSentence("Nvidia makes excellent chips.", (0,), True))
    settled, cited = settle_yes_no(agreeing, [other, SERVERS], "no")
    assert [s.text for s in settled] == [quoted, "Nvidia makes excellent chips."]  # an agreeing answer keeps the rest
    assert [s.citations for s in settled] == [(1,), (0,)] and cited == (other, SERVERS)
    assert settle_yes_no(plain, [SERVERS], None) == (plain, (SERVERS,))  # no verdict: left as it is


def test_a_yes_no_answer_that_contradicts_its_sentences_becomes_the_verdict_and_the_quote():
    other = Citation("00:22:29", 1349.0, "talk", "Companies like Nvidia produce excellent general-purpose chips.")
    wrong = (AnswerSentence("Yes, Meta kept buying off-the-shelf servers.", (1,), True),
             AnswerSentence("Nvidia makes excellent chips.", (0,), True),
             AnswerSentence("It also bought a moon base.", (), False))
    settled, cited = settle_yes_no(wrong, [other, SERVERS], "no")
    assert settled[0].text == f"No. The transcript says: “{SERVERS.text}”"
    assert settled[0].citations == (0,) and settled[0].supported and cited == (SERVERS,)
    assert settled[1:] == wrong[2:]  # the contradicted reply's other claims go; the unsupported one stays listed


def test_who_is_the_role_needs_a_sentence_naming_that_role():
    mike = Citation("00:13:37", 817.0, "talk", "His career spans the internet, mobile and the rise of AI.")
    cto = Citation("00:00:31", 31.0, "talk", "Mike Schreer, former CTO at Facebook, shared his insights.")
    answer = (AnswerSentence("Mike Schreer", (0,), True),)
    reason = refusal("Who is the interviewer?", answer, [mike], [], False, None, 0.2)
    assert reason == "the question asks who the interviewer is; the sentences the answer rests on name no interviewer"
    assert refusal("Who was the CTO?", answer, [cto], [], False, None, 0.2) == ""


def test_a_question_about_a_number_is_about_the_sentences_that_state_it():
    import numpy as np

    started = Citation("00:13:37", 817.0, "talk", "He started working in AI at Facebook in 2013.")
    answer = (AnswerSentence("Mike Schreer started working in AI at Facebook in 2013.", (0,), True),)
    far = lambda texts: np.eye(len(texts), dtype=np.float32)  # noqa: E731  every text unrelated to the others
    assert refusal("What happened in 2013?", answer, [started], [], True, far, 0.2) == ""
    assert refusal("What happened in 2015?", answer, [started], [], True, far, 0.2).startswith(
        "the sentences the answer rests on are not about the question")


def test_a_name_asked_for_must_be_given_word_for_word_by_the_cited_sentences():
    gpus = Citation("00:22:29", 1349.0, "talk", "The high cost of GPUs for AI compute leads CTOs to consider "
                    "specialized hardware.")
    question = "What is the name of Meta's custom AI chip?"
    invented = (AnswerSentence("Meta's custom AI chip is called the Meta GPU.", (0, 1), True),)
    assert refusal(question, invented, [SERVERS, gpus], [], False, None, 0.2) == \
        "the question asks for a name; the sentences the answer rests on do not give “Meta GPU”"
    nameless = (AnswerSentence("Meta designs nearly all its data center equipment.", (0,), True),)
    assert refusal(question, nameless, [SERVERS], [], False, None, 0.2) == \
        "the question asks for a name; the answer gives none"
    firm = Citation("00:00:31", 31.0, "talk", "He is the founder of the venture capital firm Gigascale.")
    for said in ("Gigascale.", "The firm is called Gigascale.", "He founded the firm Gigascale in his own name."):
        answer = (AnswerSentence(said, (0,), True),)
        assert refusal("What is the name of the firm he founded?", answer, [firm], [], False, None, 0.2) == ""
    # "GPUs" in the sentence gives the name "GPU" (an acronym's plural is the acronym)
    assert refusal("What are the chips called?", (AnswerSentence("GPU.", (0,), True),), [gpus], [], False, None,
                   0.2) == ""
    # the name is the capitalised words after "called" or in the sentence, not the clause that follows it
    lab = Citation("00:13:37", 817.0, "talk", "In 2013 the Facebook AI Research (FAIR) lab was initiated.")
    for said in ("The lab is called FAIR because of its research.", "The lab was FAIR.", "In 2013 it was FAIR."):
        answer = (AnswerSentence(said, (0,), True),)
        assert refusal("What is Facebook's AI lab called?", answer, [lab], [], False, None, 0.2) == "", said
    wrong_version = (AnswerSentence("It is called Llama 3.2.", (0,), True),)
    llama = Citation("00:01:00", 60.0, "talk", "We run Llama 3.1 on the laptop.")
    assert "“Llama 3.2”" in refusal("What is the model called?", wrong_version, [llama], [], False, None, 0.2)


def test_an_answer_to_which_x_must_speak_of_an_x():
    question = "Which database does the travel assistant use?"
    api = (Segment("talk", 470, "In this system, I might have integrated an AccuWeather API for weather."),)
    shown = TRIP + [api]
    said = "The travel assistant uses the AccuWeather API for weather."
    assert not says_what_was_asked(["database"], said, [cite(api[0])], shown)
    reason = refusal(question, (AnswerSentence(said, (0,), True),), [cite(api[0])], shown, False, None, 0.2)
    assert reason == "the question asks which database; neither the answer nor the sentences it rests on speak of one"
    # the kind said by the answer, by a cited sentence or by its neighbour
    assert says_what_was_asked(["API"], said, [cite(api[0])], shown)
    money = "The trip has some limits on the money spent."
    assert says_what_was_asked(["constraints"], money, [cite(TRIP[2][0])], TRIP)  # beside the cited sentence
    assert not says_what_was_asked(["constraints"], money, [cite(TRIP[1][0])], TRIP)
    # a terse name needs its kind only somewhere in what the model read
    assert says_what_was_asked(["trip"], "London.", [cite(TRIP[1][0])], TRIP)
    assert not says_what_was_asked(["vendor"], "London.", [cite(TRIP[0][0])], TRIP)
    started = [(Segment("talk", 35, "Gigascale started investing in climate tech."),)]
    said = "Gigascale invests in companies that fight climate change."
    assert not says_what_was_asked(["startups"], said, [cite(started[0][0])], started)  # not a misheard "startup"


def test_a_name_given_beside_the_thing_asked_for_is_about_the_question():
    """The embedder knows no "gemini": "Which model does the research-report demo use?" is at cosine 0.14 to the
    sentence that answers it. A cited sentence holding the answer's own word within three words of the asked
    "model" is about the question whatever the cosine; the name elsewhere in the sentence, or no name, is not."""
    import numpy as np

    far = lambda texts: np.eye(len(texts), dtype=np.float32)  # noqa: E731  every text unrelated to the others
    gemini = Citation("00:08:33", 513.0, "talk", "Now when I run this, see here I'm using gemini as a model here.")
    question = "Which model does the research-report demo use?"
    said = (AnswerSentence("The research-report demo uses the gemini model.", (0,), True),)
    assert named_beside(question, said[0].text, [gemini])
    assert refusal(question, said, [gemini], [[Segment("talk", 513.0, gemini.text)]], True, far, 0.2) == ""
    far_apart = Citation("00:08:33", 513.0, "talk", "Gemini is what I run today, and it is a very good model.")
    assert not named_beside(question, "The demo uses gemini.", [far_apart])
    assert not named_beside(question, "The demo uses a model.", [gemini])  # no word of its own
    assert not named_beside("What does the demo use?", "The demo uses gemini.", [gemini])  # no "which X"
    assert refusal(question, said, [far_apart], [[Segment("talk", 513.0, far_apart.text)]], True, far, 0.2).startswith(
        "the sentences the answer rests on are not about the question")


def test_in_their_words_quotes_only_the_cited_sentences_on_the_topic():
    cited = ["Chips are costly.", "Beating Nvidia is hard; specialize and guess the algorithm.", "Beating Nvidia pays."]
    said = in_their_words("It is hard to beat Nvidia.", frozenset({"beat", "nvidia"}), cited, most=1)
    assert said == "The transcript says: “Beating Nvidia is hard; specialize and guess the algorithm.”"
    assert in_their_words("It is hard.", frozenset({"beat", "googl"}), cited) is None  # no cited sentence on it
    long = "Beating Nvidia " + "is very hard " * QUOTE_MAX_WORDS
    assert in_their_words("It is hard to beat Nvidia.", frozenset({"nvidia"}), [long]) is None  # the link shows it


def test_a_when_answer_becomes_the_yes_no_question_it_claims():
    assert when_claim("When did Mike leave Facebook?", "He left it in 2013.") == "Did Mike leave Facebook in 2013?"
    assert when_claim("When does the trip start?", "It starts on Monday.") == "Does the trip start on Monday?"
    assert when_claim("When was FAIR started?", "In late March 2013.") == "Was FAIR started in late March 2013?"
    assert when_claim("What did Mike do in 2013?", "He started working in AI in 2013.") is None  # not a when-question
    assert when_claim("When did he leave?", "He may leave after the IPO.") is None  # "may" is no month
    assert when_claim("When did he leave?", "He joined in 2004 and left in 2013.") is None  # which time is whose?
    assert when_claim("When did they buy GPUs?", "They bought 2048 GPUs in 2019.") == "Did they buy GPUs in 2019?"
    assert when_claim("When did Mike leave Facebook, according to him?", "In 2013.") == "Did Mike leave Facebook in 2013?"
    assert when_claim("When does it start?", "It starts May 5.") == "Does it start on May 5?"


def test_a_quoted_sentence_keeps_the_quotes_inside_it():
    from rag.checks import in_quotes

    assert in_quotes("“Chips are hard”.") == "“Chips are hard.”"  # the sentence is one quote: its marks go
    assert in_quotes("“A” is better than “B”.") == "““A” is better than “B”.”"  # two quotes inside: kept
    assert in_quotes("It’s the ultimate abstraction”.") == "“It’s the ultimate abstraction.”"  # a quote's end
