"""Yes/no answers settled by what their sentences say, asked of the model with those sentences alone.

A small model reading a whole transcript often gets a yes/no answer's polarity backwards, or refuses a
question whose premise the transcript contradicts. `Verdicts` asks it once more, with only the sentences
that matter and a cached instruction prefix, and builds the answer from that verdict: "No. The transcript
says: “…”". The same check refuses a "when did X happen?" answer whose sentences say no to the event at the
time it names.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from rag.answer import ABSTAIN_TEXT, Answer, AnswerSentence, Citation, Trace, render
from rag.checks import (LEAD_IN, around, asked_about, key_terms, mention_topic, mentioned_near, mentioning,
                        opens_with_auxiliary, polarity, quoting, settle_yes_no, verdict)
from rag.citations import content_words, lexical_support, word_share
from rag.embedder import Encode
from rag.engines import Generator
from rag.focus import Focus
from rag.grounding import restates
from rag.prompt import yes_no_messages
from rag.segments import Segment, segment_key
from rag.settings import Settings


def yes_no_verdict(llm: Generator, question: str, evidence: Sequence[str]) -> tuple[str, str | None]:
    """The model's check of a yes/no question against `evidence` alone: its reply, and the verdict in it
    ("yes", "no" or None). The check's instructions are a cached prefix: only the sentences and the question
    are evaluated for each check."""
    reply = "".join(llm.generate(yes_no_messages(question, evidence), cached_prefix=1)).strip()
    return reply, verdict(reply)


def quoted(answer: Answer, said: str, sentences: Sequence[Segment], support: float) -> Answer:
    """The answer "<Yes|No>. The transcript says: “…”", quoting and citing `sentences`."""
    cited = tuple(Citation(s.timestamp, s.start, s.source, s.text, s.line, support) for s in sentences)
    said_it = AnswerSentence(quoting(said, [s.text for s in sentences]), tuple(range(len(cited))), True)
    return replace(answer, text=render((said_it,), cited), abstained=False, citations=cited,
                   sentences=(said_it,), reason="")


def found_by_search(citations: Sequence[Citation], trace: Trace | None) -> bool:
    """Whether every cited sentence is in a passage search ranked for the question (or in the part of the
    transcript a time, neighbour or speaker question is about). A contradiction between the model's yes or
    no and its cited sentences is only settled by quoting them when they are: otherwise the model's answer
    was more likely cited to the wrong sentences ("Yes, the agentic system has a memory" cited to
    sentences about plans and agents, not to "It will also have a memory")."""
    if trace is None:
        return False
    shown = trace.passages if trace.context == "focus" else tuple(h.chunk.sentences for h in trace.hits)
    found = {seg.key for p in shown for seg in p}
    return all(segment_key(c.source, c.seconds, c.text) in found for c in citations)


# a talk that asks itself a question and answers it: "Now is this an agentic AI?" — "The answer is no."
_LEADING = re.compile(LEAD_IN, re.I)
# a bare yes or no ends there ("No.", "No, not at all."), unlike "No idea", "No problem", "Yes and no", "Yes or no?"
_ANSWER_IS = re.compile(LEAD_IN + r"(?:the\s+answer\s+is\s+(?:again\s+|still\s+|simply\s+|clearly\s+)?(yes|no)\b"
                        r"|(yes|no)(?=\s*(?:[.,!;:—–-]|$)))", re.I)
_NEGATED = re.compile(r"\b(?:not|never)\b|n['’]t\b", re.I)
_REFERS_BACK = re.compile(LEAD_IN + r"(?:this|that|it|these|those)\b", re.I)  # "This rack based chatboard is …"
_NAMING = frozenset({"call", "name"})  # stems: "Do we call this X?" asks "Is this X?"
SELF_ASKED_NEAR = 3  # sentences before the talk's question, or after its answer, that may name what "this" is


@dataclass(frozen=True)
class SelfAnswer:
    """The talk's own answer to a question it asks itself.

    Attributes:
        said: "yes" or "no".
        sentences: the talk's question, its answer and the sentence naming what it asks about, in order.
    """

    said: str
    sentences: tuple[Segment, ...]


def self_answered(question: str, sentences: Sequence[Segment],
                  within: frozenset | None = None) -> SelfAnswer | None:
    """The transcript's own answer to a yes/no question it asks itself, or None.

    Speakers pose the question their listeners have and answer it at once ("Now is this an agentic AI? The
    answer is no."), naming what "this" is just before, or just after in a sentence that refers back ("This
    rack based chatboard is actually a workflow."). That answers "Is a RAG chatbot agentic AI?" when:

    * the talk's question has two content words or more ("Is that true?" is about anything), and asks nothing
      the user's does not ("agentic AI"; "call" in "Do we call this …?" set aside);
    * the next sentence, of the same transcript, opens with its yes or no ("No.", "The answer is again no.");
    * the rest of the user's question ("RAG chatbot") is named in the `SELF_ASKED_NEAR` sentences before the
      talk's question, or in those after its answer that open with "this", "that" or "it";
    * the user's question is not negated ("Is it not …?"), and exactly one of the talk's questions fits.

    Args:
        question: the user's yes/no question.
        sentences: the transcript(s) in order.
        within: keys of the sentences the question is about (a time window), or None for all of them.

    >>> talk = [Segment("t", 1, "This rack based chatboard is actually a workflow."),
    ...         Segment("t", 2, "Now is this an agentic AI?"), Segment("t", 3, "The answer is no.")]
    >>> found = self_answered("Is a RAG chatbot agentic AI?", talk)
    >>> found.said, [s.start for s in found.sentences]
    ('no', [1, 2, 3])
    >>> self_answered("Is a RAG chatbot a workflow?", talk), self_answered("Is a travel assistant agentic AI?", talk)
    (None, None)
    >>> self_answered("Is a RAG chatbot agentic AI?", talk[:2] + [Segment("t", 3, "No idea, honestly.")]) is None
    True
    """
    if _NEGATED.search(question):
        return None
    asked = content_words(question)
    found: list[SelfAnswer] = []
    for i in range(len(sentences) - 1):
        s, reply = sentences[i], sentences[i + 1]
        if not s.text.rstrip().endswith("?") or reply.source != s.source or (within is not None and s.key not in within):
            continue
        own_question = _LEADING.sub("", s.text)
        answered = _ANSWER_IS.match(reply.text)
        if not (answered and opens_with_auxiliary(own_question)):
            continue
        own = content_words(own_question) - _NAMING
        if len(own) < 2 or word_share(own, question) < 1.0:
            continue
        rest = {w for w in asked if word_share({w}, own_question) < 1.0}
        before = [j for j in range(max(0, i - SELF_ASKED_NEAR), i) if sentences[j].source == s.source]
        after = [j for j in range(i + 2, min(len(sentences), i + 2 + SELF_ASKED_NEAR))
                 if sentences[j].source == s.source and _REFERS_BACK.match(sentences[j].text)]
        near = before + after
        if not rest or word_share(rest, " ".join(sentences[j].text for j in near)) < 1.0:
            continue
        naming = max(near, key=lambda j: (word_share(rest, sentences[j].text), -abs(j - i)))
        found.append(SelfAnswer((answered[1] or answered[2]).lower(),
                                tuple(sentences[j] for j in sorted({i, i + 1, naming}))))
        if len(found) > 1:
            return None
    return found[0] if found else None


def with_key_term_neighbours(question: str, sentence: Segment, transcript: Sequence[Segment]) -> list[Segment]:
    """The sentence, with the sentences just before and after it (in one transcript) that hold a key term of
    the question (`rag.checks.key_terms`) the sentence itself lacks, in transcript order.

    >>> talk = [Segment("t", 1, "Now it is clear what agentic AI is."), Segment("t", 2, "It's just a jargon."),
    ...         Segment("t", 3, "Bye.")]
    >>> [s.text for s in with_key_term_neighbours("Is agentic AI just jargon?", talk[0], talk)]
    ['Now it is clear what agentic AI is.', "It's just a jargon."]
    >>> [s.text for s in with_key_term_neighbours("Is agentic AI clear?", talk[0], talk)]
    ['Now it is clear what agentic AI is.']
    """
    where = next((i for i, s in enumerate(transcript) if s.key == sentence.key), None)
    if where is None:
        return [sentence]
    lacks = key_terms(question, transcript) - content_words(sentence.text)
    return [transcript[i] for i in around(transcript, [where]) if i == where or lacks & content_words(transcript[i].text)]


FOLLOW_REACH = 6  # sentences after a yes/no check's sentence that may say the rest of what the question asks
FOLLOW_MOST = 2  # ... of which this many are read with it


def read_on(question: str, sentences: Sequence[Segment], transcript: Sequence[Segment]) -> list[Segment]:
    """The sentences, read on: with the first `FOLLOW_MOST` of the `FOLLOW_REACH` sentences after the last of
    them (in one transcript) that hold a word of the question they lack, in transcript order, when those hold
    every word of the question they lack; else the sentences alone.

    A talk names a thing, then says what it does in the sentences after, without naming it again: "Is the
    travel assistant agentic?" — "The other one is travel assistant." is read with "So now if you have built
    agentic AI system, it will first prepare a plan.", four sentences on.

    >>> talk = [Segment("t", 1, "The other one is travel assistant."), Segment("t", 2, "Book a trip to London."),
    ...         Segment("t", 3, "An agentic AI system will first prepare a plan."), Segment("t", 4, "Bye.")]
    >>> [s.text for s in read_on("Is the travel assistant agentic?", talk[:1], talk)]
    ['The other one is travel assistant.', 'An agentic AI system will first prepare a plan.']
    >>> [s.text for s in read_on("Is the travel assistant fast?", talk[:1], talk)]
    ['The other one is travel assistant.']
    >>> [s.text for s in read_on("Is the travel assistant a fast agentic system?", talk[:1], talk)]  # "fast" unsaid
    ['The other one is travel assistant.']
    """
    at = {s.key: i for i, s in enumerate(transcript)}
    where = max((at[s.key] for s in sentences if s.key in at), default=None)
    if where is None:
        return list(sentences)
    lacks = asked_about(question) - content_words(" ".join(s.text for s in sentences))
    after = [transcript[j] for j in range(where + 1, min(where + 1 + FOLLOW_REACH, len(transcript)))
             if transcript[j].source == transcript[where].source and lacks & content_words(transcript[j].text)]
    read = after[:FOLLOW_MOST]
    if not lacks <= content_words(" ".join(s.text for s in read)):
        return list(sentences)  # what is read on must say all that the sentences lack, not one word of it
    return [*sentences, *read]


def read_around(question: str, sentence: Segment, transcript: Sequence[Segment]) -> list[Segment]:
    """One sentence read on (`read_on`), or when no later sentence holds what it lacks, with its neighbours holding
    a key term it lacks (`with_key_term_neighbours`)."""
    evidence = read_on(question, [sentence], transcript)
    return evidence if len(evidence) > 1 else with_key_term_neighbours(question, sentence, transcript)


@dataclass(frozen=True)
class Verdicts:
    """The yes/no checks of answers, with the model and embedder they need.

    Args:
        llm: the answer model (the check is one short generation on a cached prefix).
        encode: unit-vector sentence embedder (to find the sentence closest to a question).
        settings: the one settings object (`yes_no_min_cosine`, `yes_no_min_words`, `yes_no_every_word_cosine`).
    """

    llm: Generator
    encode: Encode
    settings: Settings

    def settle(self, answer: Answer, focus: Focus | None, transcript: Callable[[], Sequence[Segment]]) -> Answer:
        """A yes/no question's answer: an answer gets the verdict of its cited sentences; a refused "does he
        mention X?" the first sentences that hold every word of X (in the part of the transcript the question
        names, `focus`, else in `transcript()`); a refusal of the model itself the verdict of one very close
        sentence. Otherwise the refusal stands. A question the transcript asks itself and answers at once is
        answered with that (`self_answered`), whatever the model said."""
        within = frozenset(s.key for s in focus.sentences) if focus else None
        if answered := self_answered(answer.question, transcript(), within):
            return quoted(answer, answered.said, answered.sentences, 1.0)
        if not answer.abstained:
            return self.settled(answer, transcript)
        if topic := mention_topic(answer.question):
            found = mentioning(topic, focus.sentences if focus else transcript())
            return quoted(answer, "yes", found, 1.0) if found else answer
        if focus is None and answer.trace is not None and answer.trace.drafts == ():
            return self.closest_verdict(answer, transcript())
        return answer

    def settled(self, answer: Answer, transcript: Callable[[], Sequence[Segment]]) -> Answer:
        """Open a yes/no answer with the Yes or No its cited sentences give, asked of the model with those
        sentences alone (a small model reading the whole transcript often gets the polarity backwards). A
        verdict that contradicts the model's own yes or no is read on first (`read_on_verdict`)."""
        shown = list({s.key: s for p in answer.trace.passages for s in p if not s.is_heading}.values()) \
            if answer.trace else []
        terms = key_terms(answer.question, shown)
        if terms and not mentioned_near(terms, answer.citations, shown):
            return self.key_term_verdict(answer, terms, shown)
        answer, said = self.checked(answer, list(dict.fromkeys(c.text for c in answer.citations)))
        own = next((polarity(s.text) for s in answer.sentences if s.supported), None)
        if own is not None and said is not None and own != said and found_by_search(answer.citations, answer.trace):
            answer, agreed = self.read_on_verdict(answer, own, transcript())
            if agreed:
                return agreed
        sentences, citations = settle_yes_no(answer.sentences, answer.citations, said)
        why = ""
        if said is None and restates(" ".join(s.text for s in sentences if s.supported), answer.question,
                                     content_words):
            why = "the answer only restates the yes/no question, and its sentences give no verdict"
        elif own is not None and said is not None and own != said and not found_by_search(citations, answer.trace):
            why = ("the answer's yes or no contradicts its cited sentences, and those are not what search finds "
                   "for the question")
        if why:
            return replace(answer, text=ABSTAIN_TEXT, abstained=True, citations=(), reason=why)
        return replace(answer, text=render(sentences, citations), sentences=sentences, citations=citations)

    def read_on_verdict(self, answer: Answer, own: str, transcript: Sequence[Segment]) -> tuple[Answer, Answer | None]:
        """A yes/no answer whose cited sentences' verdict contradicts the model's own yes or no (`own`), checked
        once more with those sentences read on (`read_on`): (the answer carrying both checks' replies and times,
        the model's yes or no quoting all of them when that check agrees with it, else None).

        "Is the travel assistant agentic?" — "Yes", cited to "The other one is travel assistant.", which alone
        gives *No*: read with "So now if you have built agentic AI system, it will first prepare a plan.", *Yes*.
        """
        keys = {segment_key(c.source, c.seconds, c.text) for c in answer.citations}
        cited = [seg for seg in transcript if seg.key in keys]
        more = read_on(answer.question, cited, transcript)
        if len(cited) < len(keys) or len(more) == len(cited):
            return answer, None
        first_reply, first_ms = answer.trace.verdict_reply if answer.trace else "", answer.timings_ms.get("yes_no", 0.0)
        answer, said = self.checked(answer, [s.text for s in more])
        timings = {**answer.timings_ms, "yes_no": first_ms + answer.timings_ms["yes_no"]}
        replies = "\n".join(r for r in (first_reply, answer.trace.verdict_reply if answer.trace else "") if r)
        trace = replace(answer.trace, verdict_reply=replies) if answer.trace else None
        answer = replace(answer, timings_ms=timings, trace=trace)
        support = max((c.support for c in answer.citations), default=0.0)
        return answer, (quoted(answer, own, more, support) if said == own else None)

    def checked(self, answer: Answer, evidence: Sequence[str], question: str | None = None) -> tuple[Answer, str | None]:
        """The yes/no check of `evidence` (`yes_no_verdict`) on the answer's question, or on `question`: the answer
        carrying the check's reply and time, and the verdict ("yes", "no" or None)."""
        t0 = time.perf_counter()
        reply, said = yes_no_verdict(self.llm, question or answer.question, evidence)
        timings = {**answer.timings_ms, "yes_no": (time.perf_counter() - t0) * 1000}
        trace = replace(answer.trace, verdict_reply=reply) if answer.trace else None
        return replace(answer, timings_ms=timings, trace=trace), said

    def at_that_time(self, answer: Answer, claim: str) -> Answer:
        """A "when did X happen?" answer, refused when its cited sentences say no to the event at the time it
        names (`claim`, from `rag.checks.when_claim`: "Did Mike leave Facebook in 2013?")."""
        answer, said = self.checked(answer, list(dict.fromkeys(c.text for c in answer.citations)), claim)
        if said != "no":
            return answer
        return replace(answer, text=ABSTAIN_TEXT, abstained=True, citations=(),
                       reason=f"the cited sentences say no to “{claim}”")

    def key_term_verdict(self, answer: Answer, terms: frozenset[str], shown: Sequence[Segment]) -> Answer:
        """A yes/no answer cited to sentences that do not mention what the question is about ("Does the agentic
        system need memory?" — "Yes", cited to "any agentic AI system will have one or more agents"): the
        verdict of the sentence closest to the question among those that do, quoted; a refusal when that
        gives no yes or no. The sentence is not read on (`read_on`): its key term is what the question is about,
        and the sentences after "It will also have a memory." only say "agentic" again (measured: c44 kept its
        answer but cited two sentences more)."""
        sentence, closeness = self.closest(answer.question, [s for s in shown if terms & content_words(s.text)])
        answer, said = self.checked(answer, [sentence.text])
        if said is None:
            return replace(answer, text=ABSTAIN_TEXT, abstained=True, citations=(),
                           reason=f"the answer's sentences do not mention {'/'.join(sorted(terms))}, what the "
                                  "question is about, and the closest sentence that does gives no yes or no")
        return quoted(answer, said, [sentence], closeness)

    def closest_verdict(self, answer: Answer, transcript: Sequence[Segment]) -> Answer:
        """A yes/no question the model found no answer to: when one sentence of the passages search found is
        very close to it, in meaning and in words, that sentence's verdict, quoted.

        The model, told to answer only what the transcript states, refuses a question whose premise the
        transcript contradicts ("Did he start working in AI in 2015?" — "… in 2013 …"). The closest sentence
        must reach `yes_no_min_cosine` and hold `yes_no_min_words` of the question's content words, or hold every
        one of them (three or more) and reach `yes_no_every_word_cosine` (a long sentence that says it among other things: "Is it
        hard to beat Nvidia?" — "… it's really hard to beat Nvidia with a general purpose chip … but you got to
        guess the algorithm right"); otherwise, and when the check gives no verdict, the refusal stands.
        The sentence is read on (`read_around`): with the sentences after it that hold the question's words it lacks,
        or else its neighbour holding a key term it lacks: "Is agentic AI just jargon?" — "Folks I hope now it is
        clear what exactly is agentic AI." is answered by the next, "It's just a jargon.". (Counting the words of
        what is read on toward `yes_no_min_words` answered c36, "Is the code of the Nvidia report demo available?",
        but also "Will the CTO role change completely?" with a wrong "Yes", from a sentence on its
        "transformation".)
        """
        found = list({seg.key: seg for h in answer.trace.hits for seg in h.chunk.sentences
                      if not seg.is_heading}.values()) if answer.trace else []
        if not found:
            return answer
        sentence, closeness = self.closest(answer.question, found)
        words = lexical_support(answer.question, sentence.text)
        close = closeness >= self.settings.yes_no_min_cosine and words >= self.settings.yes_no_min_words
        every_word = words == 1.0 and len(content_words(answer.question)) >= 3  # "Is it true?": any "true" would do
        if not close and not (every_word and closeness >= self.settings.yes_no_every_word_cosine):
            return answer
        evidence = read_around(answer.question, sentence, transcript)
        answer, said = self.checked(answer, [s.text for s in evidence])
        return answer if said is None else quoted(answer, said, evidence, closeness)

    def closest(self, question: str, sentences: Sequence[Segment]) -> tuple[Segment, float]:
        """The sentence closest in meaning to the question, and its cosine."""
        vectors = self.encode([question] + [s.text for s in sentences])
        closeness = vectors[1:] @ vectors[0]
        best = int(np.argmax(closeness))
        return sentences[best], float(closeness[best])
