"""Does a verified answer answer the question? The checks after verification, in the order they run.

Verification (rag/citations.py) ties each answer sentence to the transcript sentences that support it.
A supported answer can still miss the question: restate it, count something else, rest on sentences about
another topic, or pad a one-part question with three sentences. These checks are pure: the embedder's
`encode` is passed in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from itertools import islice

from rag.answer import AnswerSentence, Citation
from rag.citations import DraftSentence, content_words, is_terse, stem, word_share, words_in_order
from rag.embedder import Encode
from rag.grounding import (counts_what_was_asked, expected_kind, gives_name, has_kind, kind_asked, name_asked, name_given,
                            names_in, noun_asked, only_names, restates, role_asked)
from rag.segments import Segment, SegmentKey, segment_key

_SECOND_PART = re.compile(r"(?:,|\band)\s+(?:and\s+)?(?:what|why|how|which|who|when|where|whose|is|are|does|did|do|"
                          r"can|could|should|would)\b", re.I)


# words a spoken sentence may open with before what it says ("So, is …", "Well, the answer is …")
LEAD_IN = r"^\W*(?:(?:so|and|but|ok|okay|well|now|then|also|alright|right)\b[\s,]*)*"
_YES_NO = re.compile(LEAD_IN + r"(?:is|are|was|were|am|do|does|did|can|could|will|would|should|shall|has|have|had|may|"
                     r"might|must|isn't|aren't|wasn't|weren't|doesn't|don't|didn't|can't|won't)\b", re.I)
_POLARITY = re.compile(r"^\W*(yes|no)\b[\s,.;:!—–-]*", re.I)
_VERDICT = re.compile(r"\banswer\W{0,3}\s*(yes|no)\b", re.I)


def opens_with_auxiliary(question: str) -> bool:
    """Whether a question opens with an auxiliary verb ("Does …", "So, is …"), as yes/no questions do.

    >>> opens_with_auxiliary("So, is it fast or slow?"), opens_with_auxiliary("What is it?")
    (True, False)
    """
    return bool(_YES_NO.match(question))


def is_yes_no(question: str) -> bool:
    """A question answered by yes or no: it opens with an auxiliary verb and offers no alternatives.

    >>> is_yes_no("Does he expect the CTO job to change drastically?"), is_yes_no("Is it A or B?")
    (True, False)
    >>> is_yes_no("What does he say?"), is_yes_no("So, did he mention FAIR?"), is_yes_no("Is AI overhyped or not?")
    (False, True, True)
    """
    return opens_with_auxiliary(question) and not re.search(r"\bor\b(?!\s+not\b)", question, re.I)


def polarity(text: str) -> str | None:
    """"yes" or "no" when the text opens with it, else None.

    >>> polarity("No, it moved up the stack."), polarity("Nothing."), polarity("Yes.")
    ('no', None, 'yes')
    """
    m = _POLARITY.match(text)
    return m.group(1).lower() if m else None


def verdict(reply: str) -> str | None:
    """The yes/no verdict of a check reply: its last "Answer: Yes/No", else its opening Yes or No.

    >>> verdict("They say it will stay similar. Answer: No"), verdict("Yes"), verdict("Unclear")
    ('no', 'yes', None)
    """
    found = _VERDICT.findall(reply)
    return found[-1].lower() if found else polarity(reply)


# words that ask for an opinion or a report, not what the question is about ("Does he *think* X is risky?"), and
# words of when or how surely ("Does AI write code *now*?": "now" is rare in a talk, but no topic)
ASKING = ("think thinks say says said mention mentions believe expect consider feel talk agree claim suggest know according "
          "now nowadays today still ever already yet anymore")


def asked_about(question: str) -> set[str]:
    """The question's content words, less those that ask for an opinion or a report or say when (`ASKING`).

    >>> sorted(asked_about("Does he think AI is risky now?"))
    ['ai', 'riski']
    """
    return content_words(question) - content_words(ASKING)


def key_terms(question: str, sentences: Sequence[Segment]) -> frozenset[str]:
    """What a question is most specifically about: its content words that the fewest of `sentences` hold
    (at least one does), as stems. "Does the agentic system need memory?" over a talk on agentic systems:
    {"memori"}. Empty when no word of the question occurs in them.

    >>> talk = [Segment("t", 0, "An agentic system has agents."), Segment("t", 5, "It will also have a memory."),
    ...         Segment("t", 9, "Agentic systems plan.")]
    >>> sorted(key_terms("Does the agentic system need memory?", talk))
    ['memori']
    >>> sorted(key_terms("Does it need memory now?", talk + [Segment("t", 12, "And now, the demo.")]))
    ['memori']
    """
    held = [content_words(s.text) for s in sentences]
    counts = {w: sum(w in h for h in held) for w in asked_about(question)}
    counts = {w: n for w, n in counts.items() if n}
    fewest = min(counts.values(), default=0)
    return frozenset(w for w, n in counts.items() if n == fewest)


def around(sentences: Sequence[Segment], positions: Sequence[int]) -> list[int]:
    """The positions given and those next to them, within the same transcript, in order.

    >>> talk = [Segment("a", 0, "x"), Segment("a", 5, "y"), Segment("b", 0, "z")]
    >>> around(talk, [1]), around(talk, [2])
    ([0, 1], [2])
    """
    return sorted({j for i in positions for j in (i - 1, i, i + 1)
                   if 0 <= j < len(sentences) and sentences[j].source == sentences[i].source})


def shown_sentences(passages: Sequence[Sequence[Segment]]) -> list[Segment]:
    """The sentences of the passages the model was shown, in order, headings left out."""
    return [seg for p in passages for seg in p if not seg.is_heading]


def near_cited(citations: Sequence[Citation], sentences: Sequence[Segment]) -> list[Segment]:
    """The cited sentences and the sentences next to them (within one transcript), in order.

    >>> talk = [Segment("a", 0, "x"), Segment("a", 5, "y"), Segment("a", 9, "z"), Segment("b", 0, "w")]
    >>> [s.text for s in near_cited([Citation("00:00:09", 9.0, "a", "z")], talk)]
    ['y', 'z']
    """
    where = {s.key: i for i, s in enumerate(sentences)}
    cited = [where[k] for c in citations if (k := segment_key(c.source, c.seconds, c.text)) in where]
    return [sentences[j] for j in around(sentences, cited)]


def mentioned_near(terms: frozenset[str], citations: Sequence[Citation], sentences: Sequence[Segment]) -> bool:
    """Whether a cited sentence, or a sentence next to one, holds one of `terms` (stems)."""
    return any(terms & content_words(s.text) for s in near_cited(citations, sentences))


# what opens the quote of the sentences an answer rests on ("No. The transcript says: “…”")
QUOTE_LEAD = "The transcript says:"


def in_quotes(text: str) -> str:
    """A sentence in quotation marks, its own outer marks dropped (a sentence that is itself a quote).

    >>> in_quotes("“Chips are hard”."), in_quotes("It is a “delicate balance”."), in_quotes("… the end”.")
    ('“Chips are hard.”', '“It is a “delicate balance”.”', '“… the end.”')
    >>> in_quotes("“A” is better than “B”."), in_quotes("“The start of it …")
    ('““A” is better than “B”.”', '“The start of it …”')
    """
    core = text.strip()
    m = re.fullmatch(r'([“"])([^“”"]*)([”"])([.!?]?)', core, re.S)
    if m and (m[1] == "“") == (m[3] == "”"):  # the whole sentence is one quote
        core = m[2] + m[4]
    elif core.count("”") > core.count("“"):  # a quote's end, its opening in an earlier sentence
        core = re.sub(r"”(?=[.!?]?$)", "", core)
    elif core.count("“") > core.count("”") and core.startswith("“"):  # a quote's start, its end further on
        core = core[1:]
    return f"“{core}”"


def quoting(said: str, texts: Sequence[str]) -> str:
    """A yes/no answer's first sentence: the verdict, then the sentences it rests on, each in quotes.

    >>> quoting("no", ["Meta designs its own servers.", "It stopped buying them."])
    'No. The transcript says: “Meta designs its own servers.” … “It stopped buying them.”'
    """
    quoted = " … ".join(in_quotes(t) for t in dict.fromkeys(texts))
    return f"{said.capitalize()}. {QUOTE_LEAD} {quoted}"


def settle_yes_no(sentences: Sequence[AnswerSentence], citations: Sequence[Citation],
                  said: str | None) -> tuple[tuple[AnswerSentence, ...], tuple[Citation, ...]]:
    """A yes/no answer that opens with the verdict its cited sentences give (`said`: "yes", "no" or None),
    quoting them, as (sentences, citations): the reader sees the evidence for the Yes or No itself.

    The answer's first claim becomes the verdict and the sentences that claim was cited to, quoted. When the
    model's own yes or no agrees with the verdict, or it gives none, its further sentences stay; when it
    contradicts the verdict, they go (the unsupported ones stay listed apart). Without a verdict the answer
    is left as it is.
    """
    first = next((i for i, s in enumerate(sentences) if s.supported), None)
    if said is None or first is None:
        return tuple(sentences), tuple(citations)
    claim = sentences[first]
    said_it = AnswerSentence(quoting(said, [citations[i].text for i in claim.citations]), claim.citations, True)
    if polarity(claim.text) in (said, None):
        return (*sentences[:first], said_it, *sentences[first + 1:]), tuple(citations)
    kept = tuple(citations[i] for i in claim.citations)
    unsupported = tuple(s for s in sentences if not s.supported)
    return (replace(said_it, citations=tuple(range(len(kept)))), *unsupported), kept


_MENTION = re.compile(r"\b(?:mention(?:s|ed)?|talk(?:s|ed)? about|discuss(?:es|ed)?|br(?:ing|ings|ought) up|"
                      r"refer(?:s|red)? to|say anything about|c(?:o|a)mes? up(?! with))\b", re.I)
_NOT_TOPIC = ("mention mentions mentioned talk talks talked discuss discusses discussed bring brings brought refer refers "
              "referred say anything come comes came around minute minutes mark first last end start beginning video "
              "episode recording part anywhere ever")


def mention_topic(question: str) -> frozenset[str]:
    """What a "does he mention X?" question asks about, as stemmed content words (empty for other questions).

    >>> sorted(mention_topic("Does he mention Nvidia around minute 23?")), sorted(mention_topic("Did they talk about pricing?"))
    (['nvidia'], ['price'])
    >>> mention_topic("Does Gigascale invest in crypto?"), mention_topic("Does the agent come up with a plan?")
    (frozenset(), frozenset())
    """
    if not (is_yes_no(question) and _MENTION.search(question)):
        return frozenset()
    return frozenset(w for w in content_words(question) - content_words(_NOT_TOPIC) if not w.isdigit())


_SAID_ABOUT = re.compile(r"^\W*(?:so,?\s+)?what\s+(?:does|did|do)\s+(?:he|she|they|the\s+\w+|[A-Z][\w'’-]*)\s+"
                         r"(?:say|think|tell\s+us|have\s+to\s+say)\s+about\s+(.+?)\W*$", re.I)


def said_about(question: str) -> frozenset[str]:
    """What a "what does he say about X?" question is about, as stemmed content words (empty for others).

    >>> sorted(said_about("What did he say about beating Nvidia?")), said_about("What does Gigascale invest in?")
    (['beat', 'nvidia'], frozenset())
    """
    m = _SAID_ABOUT.match(question)
    return frozenset(content_words(m.group(1))) if m else frozenset()


_WHEN = re.compile(r"^\W*when\s+(did|does|do|was|were|is|are|has|have|had|will|would)\s+([^,;?]+?)"
                   r"(?:\s+and\s+\w+\b.*|\s*[,;?].*)?$", re.I)
_MONTH = r"(?-i:January|February|March|April|May|June|July|August|September|October|November|December)"
_DAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_PREP = r"(?:in|on|by|since|around|during|until|before|after)"
# a time an answer names: a month (with its day and year), a year after a preposition, a weekday or "next week"
_AT_A_TIME = re.compile(
    rf"\b(?:{_PREP}\s+)?(?:(?:early|late|mid)[\s-]+)?{_MONTH}(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?(?:,?\s+(?:19|20)\d\d)?\b"
    rf"|\b{_PREP}\s+(?:(?:early|late|mid)[\s-]+)?(?:the\s+)?(?:19|20)\d\d\b"
    rf"|\b(?:next|last|this|coming)\s+(?:{_DAY}|week|weekend|month|year)\b|\b(?:on\s+)?{_DAY}\b", re.I)


def when_claim(question: str, answer: str) -> str | None:
    """A "when did X happen?" answer as the yes/no question it claims ("When did Mike leave Facebook?" — "He left
    in 2013": "Did Mike leave Facebook in 2013?"), or None: for other questions, and for answers that name no
    time or more than one (which of them is the event's is not known: "joined in 2004 and left in 2013").

    The year of one event is easily attached to another ("left Facebook in 2013", cited to "started working in
    AI at Facebook in 2013"): the cited sentences must say yes to the event at that time. A bare year counts
    after a preposition ("in 2013") or as the whole answer ("2013."), not as a count ("2048 GPUs").

    >>> when_claim("When did Mike leave Facebook?", "Mike left Facebook in 2013.")
    'Did Mike leave Facebook in 2013?'
    >>> when_claim("When is the new intern joining?", "The intern joins next Monday.")
    'Is the new intern joining next Monday?'
    >>> when_claim("When was the lab started?", "2013"), when_claim("When did he leave?", "He may leave after the IPO.")
    ('Was the lab started in 2013?', None)
    >>> when_claim("When is the trip, according to him?", "The trip is to London in May.")
    'Is the trip in May?'
    >>> when_claim("When did he leave?", "He joined in 2004 and left in 2013."), when_claim("When?", "In 2013.")
    (None, None)
    """
    asked = _WHEN.match(question)
    bare = re.fullmatch(r"\W*((?:19|20)\d\d)\W*", answer)
    times = [bare[1]] if bare else [t.group(0) for t in _AT_A_TIME.finditer(answer)]
    if not asked or len(times) != 1:
        return None
    phrase = re.sub(rf"^(?:{_PREP}|next|last|this|coming|early|late|mid)\b", lambda m: m[0].lower(), times[0],
                    flags=re.I)
    if not re.match(rf"{_PREP}\b|next|last|this|coming", phrase):  # "May 5": on; "2013", "late March": in
        on = re.match(_DAY, phrase) or (not bare and re.search(r"\d", phrase) and not re.search(r"\d{4}$", phrase))
        phrase = f"{'on' if on else 'in'} {phrase}"
    return f"{asked[1].capitalize()} {asked[2].strip()} {phrase}?"


# a sentence longer than this is not quoted in a "what did he say about X?" answer (its link shows it)
QUOTE_MAX_WORDS = 80


def in_their_words(answer: str, topic: frozenset[str], cited: Sequence[str], most: int = 2) -> str | None:
    """The sentence a "what did he say about X?" answer ends with: the cited sentences that hold every word
    of X, in quotes, or None when none does, when one is too long to quote, or when the answer already says
    what they say (at least 80% of their content words).

    The question asks for what was said: a one-line paraphrase of a long remark leaves out most of it ("it's
    hard to beat Nvidia with a general purpose chip" without "… the only real joy is to specialize … you got
    to guess the algorithm right").

    >>> in_their_words("It is hard to beat Nvidia.", frozenset({"nvidia"}), ["Beating Nvidia is hard, so specialize."])
    'The transcript says: “Beating Nvidia is hard, so specialize.”'
    >>> in_their_words("Beating Nvidia is hard.", frozenset({"nvidia"}), ["Beating Nvidia is hard."]) is None
    True
    """
    quoted = [t for t in dict.fromkeys(cited) if topic and word_share(set(topic), t) == 1.0][:most]
    if not quoted or any(len(t.split()) > QUOTE_MAX_WORDS for t in quoted):
        return None
    if word_share(content_words(" ".join(quoted)), answer) >= 0.8:
        return None
    return f"{QUOTE_LEAD} " + " … ".join(in_quotes(t) for t in quoted)


def mentioning(topic: frozenset[str], sentences: Sequence[Segment], most: int = 2) -> list[Segment]:
    """The first `most` sentences that hold every word of the topic (stemmed; five-letter prefixes match, as
    speech recognition mishears endings).

    >>> [s.text for s in mentioning(frozenset({"nvidia"}), [Segment("t", 1, "Chips."), Segment("t", 2, "Beating Nvidia is hard.")])]
    ['Beating Nvidia is hard.']
    """
    if not topic:
        return []
    return list(islice((seg for seg in sentences if word_share(set(topic), seg.text) == 1.0), most))


def question_parts(question: str) -> int:
    """How many things a question asks: one, plus one per coordinated question ("…, and why?").

    >>> question_parts("What did he say?"), question_parts("Who is he, and what does his firm back?")
    (1, 2)
    >>> question_parts("Should a CTO err toward too much or too little, and why?")
    2
    """
    return 1 + len(_SECOND_PART.findall(question))


def needed(drafts: Sequence[DraftSentence], sentences: Sequence[AnswerSentence], question: str,
           encode: Encode, most: int | None = None) -> list[DraftSentence]:
    """The drafts an answer needs: all of them, unless more supported sentences were written than `most`
    (default: the question's parts plus one); then those closest to the question, in the answer's order (and
    the unsupported ones, which are listed apart anyway)."""
    most = most or question_parts(question) + 1
    supported = [i for i, s in enumerate(sentences) if s.supported]
    if len(supported) <= most:
        return list(drafts)
    vectors = encode([question] + [drafts[i].text for i in supported])
    closeness = {i: float(vectors[1 + n] @ vectors[0]) for n, i in enumerate(supported)}
    closest = sorted(supported, key=lambda i: -closeness[i])[:most]
    return [d for i, d in enumerate(drafts) if i in closest or not sentences[i].supported]


def topic_grounded(said: str, question: str, citations: Sequence[Citation],
                   passages: Sequence[Sequence[Segment]]) -> bool:
    """When the answer restates two or more of the question's words, at least one of them must occur in the
    cited sentences or their neighbours ("The budget limit is set to 4 days of sunny weather" cited to a
    sentence about sunny days, with no budget near it, does not answer "What budget limit is set?")."""
    restated = content_words(said) & content_words(question)
    if len(restated) < 2:
        return True
    near = near_cited(citations, shown_sentences(passages))
    return bool(restated & content_words(" ".join(s.text for s in near)))


_ACRONYM = re.compile(r"[A-Z]{2,4}s?")


def unnamed(question: str, citations: Sequence[Citation], passages: Sequence[Sequence[Segment]]) -> str | None:
    """The name a question asks about alone, when neither the sentences its answer is cited to nor their
    neighbours hold it, whatever the answer says of it (misheard forms count, see `rag.citations.word_share`), or None: "What is Workday?" —
    "Workday is a cloud-based HR management system." cited to "… outlook and HR management system and so on."
    is about a name the transcript never says. Only a question that asks about names alone ("What is X?", "Who
    is X?"): in "What pattern comes after the router in Anthropic's guide?" the name is the setting of what
    is asked, which the sentences that answer it need not repeat.

    >>> cited = [Citation("00:05:05", 305.0, "talk", "All these tools okay outlook and HR management system and so on.")]
    >>> shown = [[Segment("talk", 305.0, cited[0].text)]]
    >>> unnamed("What is Workday?", cited, shown)
    'Workday'
    >>> unnamed("What is Outlook?", cited, shown), unnamed("What is Workday?", cited, shown)
    (None, 'Workday')
    >>> unnamed("what is workday?", cited, shown), unnamed("What is an HR?", cited, shown)
    ('workday', None)
    >>> unnamed("What tools does Workday's HR system have?", cited, shown) is None
    True
    """
    names = [n for n in names_in(question) if not _ACRONYM.fullmatch(n)]  # "CTO" may be spelled out
    if not names or content_words(question) - content_words(" ".join(names)):
        return None
    near = " ".join(s.text for s in near_cited(citations, shown_sentences(passages)))
    for name in names:
        words = content_words(name)
        joined = re.sub(r"\W", "", name.lower())  # "CrewAI" heard as "crew AI"
        if words and word_share(words, near) < 1.0 and joined not in re.sub(r"\W", "", near.lower()):
            return name
    return None


def says_what_was_asked(nouns: Sequence[str], said: str, citations: Sequence[Citation],
                        passages: Sequence[Sequence[Segment]]) -> bool:
    """Whether an answer to "which X?" is about an X: the answer, a cited sentence or a neighbour of one says X
    (one of `nouns`: "What rating did analysts give?" — "The report had key statistics" says no rating). A bare
    fact ("Nvidia" for "Which company …?") names the thing without its kind, so X need only occur in what the
    model read. A misheard ending still counts, but not a shorter word the noun begins with ("started" is no
    "startup")."""
    wanted = content_words(" ".join(nouns))
    if not wanted:
        return True
    shown = shown_sentences(passages)
    scope = shown if is_terse(said) else near_cited(citations, shown)
    return any(word_share(wanted, text, prefix=6) > 0 for text in [said] + [s.text for s in scope])


_A_YEAR = re.compile(r"(?<![\w.-])(?:1[5-9]|20)\d\d(?!\w|[.-]\w)")


def states_its_numbers(question: str, citations: Sequence[Citation]) -> bool:
    """Whether the question names a year ("2013") that the cited sentences state: then they are about it, however
    little else the question says ("What happened in 2013?" is close in meaning to no sentence). Only a year: a
    small number ("the 2 biggest risks") is found in unrelated sentences, and one in a name ("GPT-4") is no topic.

    >>> said = [Citation("00:13:37", 817.0, "talk", "He started working in AI at Facebook in 2013, with two people.")]
    >>> states_its_numbers("What happened in 2013?", said), states_its_numbers("What happened in 2015?", said)
    (True, False)
    >>> states_its_numbers("What are the 2 biggest risks?", said), states_its_numbers("What is GPT-2013?", said)
    (False, False)
    """
    asked = set(_A_YEAR.findall(question))
    return bool(asked) and asked <= set(_A_YEAR.findall(" ".join(c.text for c in citations)))


def _written_as_name(name: str, text: str) -> bool:
    """Whether a name is written as one, capitalised or with a digit, in the question or where the text has it."""
    if re.search(r"[A-Z0-9]", name):
        return True
    found = re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.I)
    return bool(found and re.search(r"[A-Z0-9]", found.group()))


NAMED_BESIDE = 3  # words between the thing a "which X?" question asks for and the name the answer gives it


def named_beside(question: str, said: str, citations: Sequence[Citation]) -> bool:
    """Whether a cited sentence names what a "which X?" question asks for, as the answer does: the answer's own
    word (one the question lacks) within `NAMED_BESIDE` words of X in one cited sentence. Then the sentence is
    about the question, however far in meaning: "Which model does the research-report demo use?" is at cosine
    0.14 to "Now when I run this, see here I'm using gemini as a model here." (the embedder knows no "gemini").
    Only for an answer that restates two or more of the question's other words: what it says of its subject is
    then checked near the sentence (`topic_grounded`); a bare "Anthropic chat model." could be anyone's.

    >>> named_beside("Which model does the demo use?", "The demo uses gemini.",
    ...              [Citation("00:08:33", 513.0, "t", "See here I'm using gemini as a model here.")])
    True
    >>> named_beside("Which model does the demo use?", "It uses a big model.",
    ...              [Citation("00:08:33", 513.0, "t", "See here I'm using gemini as a model here.")])
    False
    >>> named_beside("Which model does the demo use?", "Gemini.",  # the subject the answer rests on is checked
    ...              [Citation("00:08:33", 513.0, "t", "See here I'm using gemini as a model here.")])
    False
    """
    nouns = content_words(" ".join(noun_asked(question)))
    asked = content_words(question)
    own = content_words(said) - asked
    # a terse "Anthropic chat model." restates no subject for `topic_grounded` to look for near its sentence
    if not (nouns and own) or len((content_words(said) & asked) - nouns) < 2:
        return False
    for c in citations:
        words = words_in_order(c.text)
        at = [i for i, w in enumerate(words) if w in nouns]
        if any(w in own for i in at for w in words[max(0, i - NAMED_BESIDE):i + NAMED_BESIDE + 1]):
            return True
    return False


def names_found(question: str, texts: Iterable[str]) -> bool:
    """Whether the question names something, written as a name (capitalised or with a digit), and each name is
    in one of the texts (misheard endings count, see `rag.citations.word_share`). Search's lexical side finds a
    name the embedder does not know: "What does the Zapier demonstration show?" is at cosine 0.26 to the
    passages holding "Zapier".

    >>> names_found("What does the Zapier demo show?", ["You can use tools such as Zapier."])
    True
    >>> names_found("What is Workday?", ["All these tools, outlook and HR management system."])
    False
    >>> names_found("What does the demo show?", ["The demo shows a calendar."])  # no name
    False
    >>> names_found("Tell me about AI safety.", ["AI is everywhere."])  # an acronym the embedder knows
    False
    """
    texts = list(texts)
    # an acronym ("AI", "LLM") is in most passages of a talk about it, and the embedder knows it
    names = [n for n in names_in(question) if _written_as_name(n, " ".join(texts)) and not _ACRONYM.fullmatch(n)]
    return bool(names) and all(any(word_share(content_words(n), t) == 1.0 for t in texts) for n in names)


def spelled_out(question: str, texts: Iterable[str]) -> bool:
    """Whether one of the texts holds every content word of a question about a name, the name written as one
    (`_written_as_name`): then it is about the question, however far in meaning. The embedder knows no rare
    name: "What is n8n?" is at cosine 0.17 to "The other tool … similar to Zapier is N8N where you can do
    drag and drop …" (0.16 to the passage holding it). Common words are no such sign: "What is his company?" is not about any sentence that
    says "company".

    >>> spelled_out("What is n8n?", ["The other tool is N8N."]), spelled_out("what is zapier?", ["Tools such as Zapier."])
    (True, True)
    >>> spelled_out("What is his company?", ["At Meta, the company transitioned."]), spelled_out("What is code?", ["We write code."])
    (False, False)
    >>> spelled_out("What is the weather in Paris?", ["The weather is sunny."]), spelled_out("What is it?", ["It is."])
    (False, False)
    """
    words, names = content_words(question), names_in(question)
    return bool(words and names) and any(words <= content_words(text) and all(_written_as_name(n, text) for n in names)
                                         for text in texts)


UNSUPPORTED = "no sentence of the model's answer is supported by the transcript"
# "What kind of company did he found?" — "Gigascale." (the pipeline asks once more for the kind)
KIND_REFUSAL = "the question asks what kind of thing it is; the answer only names one"


# a list item that opens with its label ("Embrace higher abstraction: …", "Problem Identification: …"): a
# fragment of the list its heading introduces
_LABELLED = re.compile(r"^[\w“\"'’-]+(?:\s+[\w“”\"'’-]+){0,5}:\s")


def in_sections(citations: Sequence[Citation], headings: Mapping[SegmentKey, str]) -> str:
    """The cited sentences, each list item ("Label: …") under its section heading (once per run of items
    under the same one). A heading says what a list item is about ("Key Takeaways for CTOs: Embrace higher
    abstraction: …"); any other sentence names its own subject, and the heading's words would only make it
    seem close to any question sharing them ("Background: Mike Schreer's Journey" to "Which university did
    Mike Schreer attend?").

    >>> cited = [Citation("00:00:03", 3, "t", "Build less: it pays."), Citation("00:00:04", 4, "t", "Buy more: it's cheap."),
    ...          Citation("00:00:05", 5, "t", "Mike built servers.")]
    >>> in_sections(cited, {(c.source, c.seconds, c.text): "Takeaways" for c in cited})
    "Takeaways: Build less: it pays. Buy more: it's cheap. Mike built servers."
    """
    parts, last = [], ""
    for c in citations:
        heading = headings.get(segment_key(c.source, c.seconds, c.text), "") if _LABELLED.match(c.text) else ""
        parts.append(f"{heading}: {c.text}" if heading and heading != last else c.text)
        last = heading
    return " ".join(parts)


def refusal(question: str, sentences: Sequence[AnswerSentence], citations: Sequence[Citation],
            passages: Sequence[Sequence[Segment]], by_topic: bool, encode: Encode, min_evidence_score: float,
            yes_no: bool = False, subject: bool = False, searched: str = "",
            headings: Mapping[SegmentKey, str] | None = None) -> str:
    """Why a verified answer does not answer the question ("" when it does), the first reason found.

    Args:
        by_topic: the question is about a topic (not a time, neighbour or speaker window): its answer must
            rest on sentences about that topic.
        min_evidence_score: the least cosine between the question and the cited sentences.
        yes_no: the answer's yes or no is checked afterwards (`settle_yes_no`), so "Yes, <the question's
            words>" may stand.
        subject: check the answer's restated subject (`topic_grounded`) even when not `by_topic`.
        searched: what the question was searched with, when not the question alone (a follow-up such as
            "What is the catch?" with the question before it): the topic the cited sentences must be about.
        headings: the section heading each sentence falls under (`rag.segments.section_headings`): a cited
            list item is also read under its heading when judging what it is about ("Key Takeaways for CTOs:
            Embrace higher abstraction: …" is about what CTOs should embrace; the item alone is not), the
            closer of the two readings counting (see `in_sections`).
    """
    if not any(s.supported for s in sentences):
        return UNSUPPORTED
    said = " ".join(s.text for s in sentences if s.supported)
    if restates(said, question, content_words) and not yes_no:
        return "the answer only restates the question"
    if not counts_what_was_asked(said, question, stem):
        return "the answer counts something other than what the question asks"
    if by_topic and not states_its_numbers(question, citations) and not spelled_out(question, (c.text for c in citations)) \
            and not named_beside(question, said, citations):
        cited = " ".join(c.text for c in citations)
        under = in_sections(citations, headings or {})
        vectors = encode([searched or question, cited] + ([under] if under != cited else []))
        related = float(max(vectors[1:] @ vectors[0]))
        if related < min_evidence_score:
            return (f"the sentences the answer rests on are not about the question "
                    f"(similarity {related:.2f} < {min_evidence_score})")
    if (by_topic or subject) and not topic_grounded(said, question, citations, passages):
        return "the answer's subject, taken from the question, is not in the sentences it rests on"
    if not yes_no and (name := unnamed(question, citations, passages)):
        return f"the question asks about “{name}”, which neither the sentences the answer rests on nor their neighbours mention"
    kind = expected_kind(question)
    if not has_kind(said, kind):
        return f"the question asks for a {kind}; the supported answer gives none"
    if kind_asked(question) and only_names(said, question, content_words):
        return KIND_REFUSAL
    nouns = noun_asked(question)
    if nouns and not says_what_was_asked(nouns, said, citations, passages):
        return (f"the question asks which {' / '.join(nouns)}; neither the answer nor the sentences it rests on "
                "speak of one")
    role = role_asked(question)
    named = content_words(role) if role else set()
    if named and not named <= content_words(" ".join(c.text for c in citations)):  # whole words: "internet" is no interviewer
        # "Who is the interviewer?" answered with the one name the transcript gives, cited to a sentence that
        # never calls anyone the interviewer
        return f"the question asks who the {role} is; the sentences the answer rests on name no {role}"
    if name_asked(question):
        name = name_given(said, question)
        if name is None:
            return "the question asks for a name; the answer gives none"
        if not any(gives_name(name, c.text, words_in_order) for c in citations):
            return f"the question asks for a name; the sentences the answer rests on do not give “{name}”"
    return ""
