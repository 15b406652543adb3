"""Words as the support check compares them: stop words, Snowball stems, misheard endings, numbers."""

from __future__ import annotations

import re
from functools import lru_cache

from rag.segments import tokenize

STOPWORDS = frozenset("""
a an the and or but if then than so of to in on at by for with from into onto about as is are was were be been
being am us do does did doing have has had having it its it's this that these those there here he him his she her
they them their we our you your i me my what which who whom whose when where why how not no yes also just very
can could would should will shall may might must more most some any all each such only own same too s t
says said say mentions mentioned according talks talked discusses discussed explains explained states stated
notes noted believes thinks thought guest speaker interview transcript passage passages podcast host
presenter video wraps saying describes described explain shows show
""".split())

@lru_cache(maxsize=1)
def _stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("english")


# irregular verb forms, which no stemmer joins to their verb ("kept" / "keep")
_IRREGULAR = dict(pair.split(":") for pair in """
kept:keep went:go gone:go made:make took:take taken:take gave:give given:give began:begin begun:begin
wrote:write written:write built:build bought:buy brought:bring thought:think told:tell ran:run
seen:see knew:know known:know grew:grow grown:grow held:hold paid:pay sold:sell sent:send spent:spend
met:meet lost:lose chose:choose chosen:choose showed:show shown:show drove:drive driven:drive
risen:rise fell:fall fallen:fall became:become came:come got:get gotten:get ate:eat taught:teach
caught:catch fought:fight sought:seek understood:understand stood:stand spoke:speak spoken:speak broke:break
broken:break meant:mean heard:hear
""".split())


_VOWEL = re.compile(r"[aeiouy]")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Snowball (Porter2) English stem: making/make → make, companies/company → compani; an irregular verb
    form is stemmed as its verb (kept → keep).

    >>> [stem(w) for w in ("making", "make", "buying", "buy", "companies", "company", "carefully", "careful")]
    ['make', 'make', 'buy', 'buy', 'compani', 'compani', 'care', 'care']
    >>> stem("kept") == stem("keep"), stem("wrote") == stem("writing"), stem("llms") == stem("llm")
    (True, True, True)
    """
    if len(word) >= 4 and word.endswith("s") and not _VOWEL.search(word[:-1]):
        word = word[:-1]  # an acronym's plural in lower case, as captions write it: "llms", "mcps"
    return _stemmer().stemWord(_IRREGULAR.get(word, word))


# "May" inside a sentence is the month, not the modal verb of the stop words ("a trip to London in May")
_THE_MONTH_MAY = re.compile(r"(?<=[a-z0-9,;:] )May\b")
# an acronym's plural ("CTOs", "LLMs", "GPUs"), which the stemmer leaves whole: its "s" is dropped before stemming
# (in lower case only a plural with no vowel can be told from a word: "llms", see `stem`)
_ACRONYM_PLURAL = re.compile(r"\b([A-Z]{2,})s\b")


def _tokens(text: str) -> list[str]:
    """The text's lower-case word tokens, an acronym's plural read as the acronym."""
    return tokenize(_ACRONYM_PLURAL.sub(r"\1", text))


def words_in_order(text: str) -> list[str]:
    """The stemmed words of a text, in order, stop words too (an acronym's plural read as the acronym).

    >>> words_in_order("The CTOs' LLMs")
    ['the', 'cto', 'llm']
    """
    return [stem(w) for w in _tokens(text)]


def content_words(text: str) -> set[str]:
    """Stemmed content words of a text.

    >>> sorted(content_words("He says the companies are investing in climate tech"))
    ['climat', 'compani', 'invest', 'tech']
    >>> sorted(content_words("The trip is in May.")), sorted(content_words("May I go? You may."))
    (['may', 'trip'], ['go'])
    >>> content_words("CTOs, LLMs and GPUs") == content_words("a CTO, an LLM and a GPU")
    True
    """
    words = {stem(w) for w in _tokens(text) if w not in STOPWORDS}
    return words | {"may"} if _THE_MONTH_MAY.search(text) else words


_VOICED = str.maketrans("gcqdbvz", "kkktpfs")


@lru_cache(maxsize=65536)
def sound(word: str) -> str:
    """A short word's key with its final consonant's voicing set aside: speech recognition mishears a final
    consonant ("rack" for "RAG"). Only the last letter is merged; words with digits keep their own key.

    >>> sound("rag") == sound("rack"), sound("rag") == sound("rich"), sound("need") == sound("net")
    (True, False, False)
    >>> sound("node") == sound("note"), sound("100") == sound("1000")
    (False, False)
    """
    if any(c.isdigit() for c in word):
        return word
    word = word[:-2] + "k" if word.endswith("ck") else word
    return word[:-1] + word[-1:].translate(_VOICED)


@lru_cache(maxsize=4096)
def _evidence_words(evidence: str, prefix: int) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """The evidence's stemmed content words, their first `prefix` letters, and the keys of its short words."""
    found = content_words(evidence)
    return (frozenset(found), frozenset(w[:prefix] for w in found if len(w) >= prefix),
            frozenset(sound(w) for w in found if 3 <= len(w) <= 4))


def word_share(words: set[str], evidence: str, prefix: int = 5) -> float:
    """Share of (stemmed content) `words` found in the evidence (0 when there are none).

    Speech recognition mishears endings, so a word also counts when an evidence word of `prefix` letters or
    more shares its first `prefix` ("chatboard" for "chatbot"), and a word of three or four letters when an
    evidence word of that size sounds alike (see `sound`: "rack" for "RAG").

    >>> word_share({"startup"}, "He started there."), word_share({"startup"}, "He started there.", prefix=6)
    (1.0, 0.0)
    >>> word_share(content_words("a RAG system"), "a rack system")
    1.0
    """
    if not words:
        return 0.0
    found, prefixes, sounds = _evidence_words(evidence, prefix)
    hits = [w in found or (len(w) >= prefix and w[:prefix] in prefixes) or (3 <= len(w) <= 4 and sound(w) in sounds)
            for w in words]
    return sum(hits) / len(words)


def lexical_support(claim: str, evidence: str) -> float:
    """Share of the claim's content words that occur in the evidence (see `word_share`).

    >>> lexical_support("a tool augmented chatbot", "this is a tool augmented chatboard")
    1.0
    """
    return word_share(content_words(claim), evidence)


NUMBER_WORDS = {
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "twenty": "20", "thirty": "30",
    "forty": "40", "fifty": "50", "hundred": "100", "thousand": "1000", "million": "1000000",
    "billion": "1000000000", "once": "1", "twice": "2", "half": "0.5", "dozen": "12",
}
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*|\b(?:" + "|".join(NUMBER_WORDS) + r")\b", re.I)


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
