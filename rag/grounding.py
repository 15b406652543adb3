"""Checks that an answer answers: its numbers come from the transcript, and it has what the question asks for.

The support score (rag/citations.py) asks whether a claim is close to a transcript sentence. A small
model's wrong answers are often close too: "He stepped down in 2022" sits near "former CTO at
Facebook (for 9 years)". These pure checks catch the commonest such cases without an entailment model:

* every number in a claim (digits or number words) must occur in its evidence or in the question;
* a terse answer ("Mike Schreer.") must find its own words in the evidence, not only the question's;
* an answer that only restates the question's own words says nothing;
* a question asking for a quantity ("how many", "how much", "what percentage"), a year ("what year",
  "which year") or a version ("which model version") must get an answer that holds one;
* "how many X" answered with a count of something else ("How many vacation days?" — "55 plus people")
  does not answer;
* a question asking for a name ("What is the name of X?", "What is X called?") must get a name that its
  evidence gives, word for word ("the Meta GPU" is no name where "Meta" and "GPUs" are only words apart).
"""

from __future__ import annotations

import re
from functools import lru_cache

NUMBER_WORDS = {
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "twenty": "20", "thirty": "30",
    "forty": "40", "fifty": "50", "hundred": "100", "thousand": "1000", "million": "1000000",
    "billion": "1000000000", "once": "1", "twice": "2", "half": "0.5", "dozen": "12",
}
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*|\b(?:" + "|".join(NUMBER_WORDS) + r")\b", re.I)
_QUANTITY_Q = re.compile(r"\bhow (?:many|much|long|often)\b|\bwhat (?:percentage|share|fraction|number|amount)\b"
                         r"|\bby how\b", re.I)
_YEAR_Q = re.compile(r"\b(?:what|which|in what|in which) year\b", re.I)
_YEAR = re.compile(r"\b(?:1[5-9]|20)\d\d\b")
_VERSION_Q = re.compile(r"\b(?:which|what)\s+(?:[\w-]+\s+){0,2}version\b", re.I)


def numbers(text: str) -> set[str]:
    """The numbers a text states, digits and number words alike, normalised.

    >>> sorted(numbers("Nine years, 3,000 servers and 2013."))
    ['2013', '3000', '9']
    """
    out = set()
    for m in _NUMBER.finditer(text):
        token = m.group(0).lower()
        out.add(NUMBER_WORDS.get(token, token.replace(",", "")))
    return out


def numbers_grounded(claim: str, evidence: str, question: str = "") -> bool:
    """True when every number of the claim occurs in the evidence or the question.

    >>> numbers_grounded("He left in 2022.", "He was CTO at Facebook (for 9 years).")
    False
    >>> numbers_grounded("For nine years.", "He was CTO at Facebook (for 9 years).")
    True
    """
    return numbers(claim) <= numbers(evidence) | numbers(question)


_SPELLING = (r"\b([A-Z][A-Z0-9&]{1,7})s?\b\W{0,3}\s*(?:which\s+|that\s+)?(?:stands?\s+for|is\s+short\s+for|"
             r"(?:is|are)\s+an?\s+(?:acronym|abbreviation)\s+(?:for|of))\s+(?:the\s+|an?\s+)?[\"“']?"
             r"([A-Za-z][\w'’-]*(?:\s+[A-Za-z][\w'’-]*){0,7})")
_SPELLED = re.compile(_SPELLING)
_SPELLED_ANY_CASE = re.compile(_SPELLING, re.I)  # captions write "mcp stands for …"
_SMALL = frozenset("of and the for to a an in on with by at or".split())


def _initials(words: list[str], keep_small: bool) -> str:
    """The first letters of the words (and of each capitalised part of a "HyperText" or "multi-step" word)."""
    out = []
    for w in words:
        if w.lower() in _SMALL and not keep_small:
            continue
        for part in re.split(r"-", w):
            caps = re.findall(r"[A-Z]", part[1:]) if part[:1].isupper() else []
            out.append(part[:1].upper() + "".join(caps))
    return "".join(out)


def _makes(initials: str, acronym: str) -> bool:
    """Whether initials spell the acronym, a digit in it standing for any word ("B2B": business to business)."""
    return bool(re.fullmatch("".join("." if c.isdigit() else re.escape(c) for c in acronym), initials))


@lru_cache(maxsize=4096)  # verification asks it of each claim once per evidence sentence
def wrong_expansion(claim: str, any_case: bool = False) -> str | None:
    """The acronym a claim spells out as words whose initials do not make it ("MCP stands for Multi-Step
    Reasoning Process"), or None. A small model fills in an expansion the transcript never gives; a right one
    has the acronym's letters as its initials, however the words are written. Words that do not open with the
    acronym's first letter are what it stands for in another sense, not an expansion. `any_case`: read the
    acronym in any case too (a transcript's captions).

    >>> wrong_expansion("MCP stands for Multi-Step Reasoning Process."), wrong_expansion("MCP stands for Model Context Protocol.")
    ('MCP', None)
    >>> [wrong_expansion(c) for c in ("RAG is short for retrieval-augmented generation.", "CTO stands for Chief Technology Officer",
    ...                               "HTTP stands for HyperText Transfer Protocol.", "The CEO stands for the team.",
    ...                               "B2B stands for business to business.")]
    [None, None, None, None, None]
    >>> wrong_expansion("LLMs stand for Long Lists."), wrong_expansion("MCP, which stands for My Cool Phrase.")
    ('LLM', None)
    >>> wrong_expansion("so mcp stands for multi-step reasoning process"), wrong_expansion("so mcp stands for multi-step reasoning process", True)
    (None, 'MCP')
    """
    m = (_SPELLED_ANY_CASE if any_case else _SPELLED).search(claim)
    if not m:
        return None
    acronym = re.sub(r"[^A-Z0-9]", "", m[1].upper())
    words = m[2].split()
    if not _initials(words[:1], False).startswith(acronym[:1]):
        return None  # "The CEO stands for the team": what it represents, not what its letters mean
    for n in range(len(words), 0, -1):  # the expansion may go on with other words: "… Protocol, which lets …"
        if any(_makes(_initials(words[:n], keep), acronym) for keep in (False, True)):
            return None
    return acronym


def restates(answer: str, question: str, words) -> bool:
    """True when the answer adds no content word to the question ("He worked at Facebook before joining Facebook").

    `words` is the content-word function (rag.citations.content_words), passed in to keep this module pure.
    """
    return not (words(answer) - words(question))


_HOW_MANY = re.compile(r"\bhow many ([a-z][a-z-]*)(?: ([a-z][a-z-]*))?", re.I)
# words that count people: "how many employees?" is answered by "55 plus people"
PEOPLE = frozenset("people person persons employee employees staff worker workers member members folks humans "
                   "individuals engineers developers".split())
_COUNTED = re.compile(r"(?:\d+(?:[.,]\d+)*|\b(?:" + "|".join(NUMBER_WORDS) + r"))\s*(?:\+|plus|or more|or so|more)?\s+"
                      r"([a-z][a-z-]*)", re.I)


def counts_what_was_asked(answer: str, question: str, stem) -> bool:
    """False when "how many X" gets a number of something else: the answer counts a thing, and neither of
    the question's words after "how many" is in the answer.

    `stem` maps a word to its stem (rag.citations uses the Snowball stemmer), passed in to keep this pure.

    >>> same = lambda w: w.lower().rstrip("s")
    >>> counts_what_was_asked("55 plus people.", "How many vacation days do they get?", same)
    False
    >>> counts_what_was_asked("55 plus people.", "How many people work there?", same)
    True
    >>> counts_what_was_asked("Nine.", "How many years was he CTO?", same)
    True
    >>> counts_what_was_asked("55 plus people.", "How many employees does the company have?", same)
    True
    """
    asked = _HOW_MANY.search(question)
    counted = [m.group(1) for m in _COUNTED.finditer(answer)]
    if not asked or not counted:
        return True
    wanted = {stem(w) for w in asked.groups() if w}
    said = {stem(w) for w in re.findall(r"[a-z][a-z-]*", answer.lower())}
    people = {stem(w) for w in PEOPLE}
    return bool(wanted & said) or bool(wanted & people and said & people)


def expected_kind(question: str) -> str | None:
    """"quantity", "year" or "version" when the question asks for one, else None.

    >>> expected_kind("How many GPUs does Meta use?"), expected_kind("In what year did he start?")
    ('quantity', 'year')
    >>> expected_kind("Which Gemini model version is used?"), expected_kind("What does he call the chatbot version?")
    ('version', None)
    >>> expected_kind("Why did Meta open-source PyTorch?") is None
    True
    """
    if _YEAR_Q.search(question):
        return "year"
    if _VERSION_Q.search(question):
        return "version"
    if _QUANTITY_Q.search(question):
        return "quantity"
    return None


def has_kind(answer: str, kind: str | None) -> bool:
    """Whether the answer text holds what the question asks for.

    >>> has_kind("Meta uses nearly all its equipment.", "quantity"), has_kind("About five times.", "quantity")
    (False, True)
    >>> has_kind("In 2013.", "year"), has_kind("Recently.", "year")
    (True, False)
    """
    if kind == "year":
        return bool(_YEAR.search(answer))
    if kind == "version":  # "2.5", "v3", "GPT-4o": a version names itself with a digit
        return bool(re.search(r"\d", answer))
    if kind == "quantity":
        return bool(numbers(answer)) or bool(re.search(r"\b(?:few|several|dozens|hundreds|thousands|millions|billions)\b",
                                                      answer, re.I))
    return True


_WHO_ROLE = re.compile(r"^\W*who(?:'s|\s+is|\s+was|\s+are|\s+were)\s+(?:the|his|her|their|its|our)\s+"
                       r"([a-z][\w-]*(?:\s+[a-z][\w-]*){0,2})\W*$", re.I)


def role_asked(question: str) -> str | None:
    """The role a "who is the X?" question asks to be named ("interviewer", "head of research"), else None.

    >>> role_asked("Who is the interviewer?"), role_asked("Who was his co-founder?"), role_asked("Who led FAIR?")
    ('interviewer', 'co-founder', None)
    """
    m = _WHO_ROLE.match(question)
    return m.group(1) if m else None


_KIND_OF = re.compile(r"\bwhat\s+(?:kind|type|sort)s?\s+of\s+([a-z][\w-]*)", re.I)


def kind_asked(question: str) -> str | None:
    """What a "what kind of X?" question asks the kind of ("company"), else None.

    >>> kind_asked("What kind of company did he found?"), kind_asked("What types of chips does Meta buy?")
    ('company', 'chips')
    >>> kind_asked("Which company did he found?") is None
    True
    """
    m = _KIND_OF.search(question)
    return m.group(1) if m else None


_AUX = r"(?:does|did|do|is|are|was|were|has|have|had|can|could|will|would|should|might|may|must)"
_WHICH_NOUN = re.compile(rf"^\W*(?:which|what)\s+(?!{_AUX}\b)((?:[\w'’-]+\s+){{0,5}}?[\w'’-]+)\s+{_AUX}\b", re.I)
# words a noun group may hold besides nouns and adjectives ("which of the two tools"), and words that make it a clause
_DETERMINERS = frozenset("of the a an his her their its our your my these those this".split())
_CLAUSE = frozenset("""when if that where while because since until unless than it you i we they he she him them me us
there here what which who whom how why not no but to for with from into about as""".split())
_NUMBER_WORDS = frozenset("one two three four five six seven eight nine ten".split())
# nouns that ask for a wording, a part or a value, not for a thing the transcript would call by that noun, and
# words that are no noun at all ("what else", "what exactly")
_NOT_A_THING = frozenset("""
part parts kind kinds type types sort sorts aspect aspects one ones thing things phrase phrases word words term terms
expression expressions name names quote quotes year years time times date dates day days month months age number
numbers amount amounts percent percentage share size price cost else exactly specifically precisely really actually
then earth all both other others
""".split())
_NOT_A_HEAD = _NOT_A_THING | _DETERMINERS | _NUMBER_WORDS


def noun_asked(question: str) -> tuple[str, ...]:
    """The thing a "which X …?" or "what X did …?" question asks to be named ("vendor"); empty when it asks for
    no such thing. "Which brand of GPUs …?" gives both nouns: a transcript says either.

    The answer must be about an X: the answer, or the sentences it rests on, must say X (see `rag.checks.refusal`).

    >>> noun_asked("Which HR management system vendor does his company use?"), noun_asked("What rating did analysts give?")
    (('vendor',), ('rating',))
    >>> noun_asked("Which two example projects does he point to?"), noun_asked("Which brand of GPUs does Meta buy?")
    (('projects',), ('brand', 'GPUs'))
    >>> noun_asked("Which of the two tools does he prefer?"), noun_asked("Which kinds of tasks does it handle?")
    (('tools',), ())
    >>> noun_asked("What does he say?"), noun_asked("What year did he start?"), noun_asked("What else does he mention?")
    ((), (), ())
    >>> noun_asked("What happens when it is overloaded?"), noun_asked("Which of these does he recommend?")
    ((), ())
    """
    m = _WHICH_NOUN.match(question)
    if not m:
        return ()
    words = [w for w in m.group(1).split() if not w.isdigit()]
    if any(w.lower() in _CLAUSE for w in words):
        return ()  # "what happens when it …": a clause, not a noun group
    lowered = [w.lower() for w in words]
    heads = words[-1:]
    if "of" in lowered[1:]:  # "brand of GPUs": the measure word and the thing
        of = lowered.index("of", 1)
        if _NOT_A_THING.intersection(lowered[:of]):
            return ()  # "which kinds of tasks": asks for a kind, not a named thing
        heads = [words[of - 1], words[-1]]
    return tuple(dict.fromkeys(h for h in heads if h.lower() not in _NOT_A_HEAD and h.isalpha()))


def only_names(answer: str, question: str, words) -> bool:
    """Whether an answer adds nothing to its question's words but capitalised names ("Gigascale"): no kind.

    `words` is the content-word function (rag.citations.content_words), passed in to keep this module pure.

    >>> words = lambda t: {w.lower() for w in re.findall(r"[A-Za-z]+", t) if w.lower() not in {"the", "a", "of"}}
    >>> only_names("Gigascale.", "What kind of company did he found?", words)
    True
    >>> only_names("He founded the venture capital firm Gigascale.", "What kind of company did he found?", words)
    False
    """
    added = [w for w in re.findall(r"[A-Za-z][\w'’-]*", answer) if words(w) and not words(w) & words(question)]
    return bool(added) and all(w[0].isupper() for w in added)


_NAME_Q = re.compile(r"\bwhat(?:['’]?s|\s+(?:is|was|are|were))\s+(?:[\w'’-]+\s+){0,5}?names?(?=\s+of\b|\s*[?,;]|\s*$)"
                     r"|\bwhat(?:['’]?s|\s+(?:is|was|are|were))\s+.+?\s+(?:called|named)(?=\s*[?,;]|\s*$)", re.I)
# a name: capitalised or digit-led words ("Meta GPU", "GPT-4o", "Llama 3.2", "Node.js")
_NAME_WORD = r"(?:[A-Z][\w'’+-]*|\d[\w+-]*)(?:\.\w+)*"
_NAME_RUN = re.compile(rf"\b{_NAME_WORD}(?:\s+{_NAME_WORD})*")
_CALLED = re.compile(r"(?<![\w-])(?i:called|named|names?\s+(?:is|was|are|were))\s+(?:(?i:the|a|an)\s+)?[\"“‘']?"
                     rf"(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD})*|[a-z][\w+-]*(?:\.\w+)*)")
# capitalised words that name nothing: a sentence's first word, pronouns, "I"
_NOT_A_NAME = frozenset("""the a an it its this that these those he she they his her their our we i in on at for to
of and but so yes no there here what which who when then also both each some one him them you your my me us
it's he's she's they're that's there's""".split())


def name_asked(question: str) -> bool:
    """Whether a question asks for a name: "What is the name of X?", "What is her name?", "What is X called?".

    >>> name_asked("What is the name of Meta's custom AI chip?"), name_asked("What's the presenter's name?")
    (True, True)
    >>> name_asked("What is the framework in the demo called?"), name_asked("What's his company called?")
    (True, True)
    >>> name_asked("What does he call agentic AI?"), name_asked("What is the lab about?")
    (False, False)
    >>> name_asked("What is meant by the name agentic AI?"), name_asked("What is the difference between what is called RAG and RL?")
    (False, False)
    """
    return bool(_NAME_Q.search(question))


def _bare(word: str) -> str:
    """A word in lower case without its possessive "'s" ("Meta's" → "meta")."""
    return re.sub(r"['’]s$", "", word.lower())


def _name_words(run: str, asked: set[str]) -> str | None:
    """A run of capitalised words without the words at its ends that name nothing ("In", "I"); None when no word
    of two or more characters with a letter is left ("2015"), or when the question holds all of it."""
    words = run.split()
    while words and words[0].lower().replace("’", "'") in _NOT_A_NAME:
        words = words[1:]
    while words and words[-1].lower().replace("’", "'") in _NOT_A_NAME:
        words = words[:-1]
    if not any(re.search(r"[A-Za-z]", w) and len(w) >= 2 for w in words) or all(_bare(w) in asked for w in words):
        return None
    return " ".join(words)


def name_given(answer: str, question: str) -> str | None:
    """The name an answer gives: the capitalised words (or one lower-case word) after "called", "named" or "the
    name is"; else its first run of capitalised words that the question does not hold, one inside a sentence
    before one that opens it; else, for an answer of four words or fewer, its words that the question does not
    hold ("agno."). None: it gives no name.

    >>> name_given("Meta's custom AI chip is called the Meta GPU.", "What is the name of Meta's chip?")
    'Meta GPU'
    >>> name_given("Gigascale.", "What is the name of his firm?"), name_given("The lab is FAIR, at Facebook.", "What is the lab called?")
    ('Gigascale', 'FAIR')
    >>> name_given("The framework is called Agno and it runs agents.", "What is it called?"), name_given("It is called Llama 3.2.", "What is the model called?")
    ('Agno', 'Llama 3.2')
    >>> name_given("The company is Anthropic.", "What is the company called?"), name_given("In 2015 I founded Gigascale.", "What is his firm called?")
    ('Anthropic', 'Gigascale')
    >>> name_given("It is agno.", "What is the framework called?"), name_given("It's GPT-4o, from OpenAI.", "What is the model called?")
    ('agno', 'GPT-4o')
    >>> name_given("Gigascale manages the venture capital firm Gigascale.", "What is the name of the fund Gigascale manages?") is None
    True
    """
    asked = {_bare(w) for w in re.findall(r"[\w'’-]+", question)}
    if m := _CALLED.search(answer):
        if name := _name_words(m["name"], asked) or (m["name"] if m["name"].lower() not in _NOT_A_NAME else None):
            return name
    runs = [(m.start() + m.group().index(name), name) for m in _NAME_RUN.finditer(answer)
            if (name := _name_words(m.group(), asked))]
    inside = [name for at, name in runs if at > 0 and not re.search(r"[.!?]\s*$", answer[:at])]
    if inside or runs:
        return (inside or [name for _, name in runs])[0]
    words = re.findall(r"[\w'’+-]+(?:\.\w+)*", answer)
    own = [w for w in words if _bare(w) not in asked and w.lower() not in _NOT_A_NAME and w.lower() not in ("is", "was")]
    return " ".join(own) if len(words) <= 4 and own else None


# words a question opens with that are no name ("What", "Does", "Tell"), and "what is x?" in any case
_ASKS = frozenset("""what who whom whose which where when why how is are was were do does did can could will would
should shall has have had may might must tell explain describe define give list name ok okay so and but""".split())
_WHAT_IS = re.compile(r"^\W*(?:what|who)(?:['’]s|\s+is|\s+are|\s+was|\s+were)\s+([\w.+-]+)\s*[?.!]*\s*$", re.I)


def names_in(question: str) -> list[str]:
    """The names a question speaks of: its runs of capitalised or digit-led words (an opening word that asks
    set aside), or the one word of "what is x?" / "who is x?" in any case.

    >>> names_in("What is Workday?"), names_in("Does Gigascale invest in crypto?"), names_in("What is the gist?")
    (['Workday'], ['Gigascale'], [])
    >>> names_in("Did Mike Schreer study at MIT?"), names_in("What does Anthropic's guide say about GPT-4o?")
    (['Mike Schreer', 'MIT'], ["Anthropic's", 'GPT-4o'])
    >>> names_in("what is workday?"), names_in("Zapier: what is it?"), names_in("Workday?")
    (['workday'], ['Zapier'], ['Workday'])
    """
    if (m := _WHAT_IS.match(question)) and m[1].lower() not in _NOT_A_NAME:
        return [m[1]]
    found = []
    for m in _NAME_RUN.finditer(question):
        words = m.group().split()
        if m.start() == 0 and words[0].lower() in _ASKS:
            words = words[1:]
        if words and (name := _name_words(" ".join(words), set())):
            found.append(name)
    return found


def gives_name(name: str, evidence: str, words) -> bool:
    """Whether the evidence holds the name word for word: its words in a row, as `words` (the stemming word
    list, `rag.citations.words_in_order`) reads them.

    >>> words = lambda t: re.findall(r"[a-z0-9]+", t.lower())
    >>> gives_name("Meta GPU", "At Meta ... the cost of GPU compute", words), gives_name("FAIR", "the FAIR lab", words)
    (False, True)
    """
    wanted, found = words(name), words(evidence)
    return bool(wanted) and any(found[i:i + len(wanted)] == wanted for i in range(len(found) - len(wanted) + 1))
