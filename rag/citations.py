"""Citations as a checked contract: parse the model's `[n]` markers, then verify every sentence.

The model only ever sees numbered passages. Its markers are parsed and mapped back to passages;
out-of-range numbers are dropped; any time it writes itself is removed, never trusted. Then every
answer sentence is matched against the retrieved sentences it could rest on, whether or not the
model cited anything. The support check is named honestly: there is no entailment model here, so a
sentence counts as supported when

    support = 0.5 * cosine(answer sentence, evidence sentence)   (all-MiniLM-L6-v2)
            + 0.5 * share of the answer sentence's content words found in the evidence sentence

reaches a threshold. A cited passage is tried first; if none of its sentences supports the claim,
the best supporting retrieved sentence is cited instead; a sentence with no support is flagged.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from rag.answer import AnswerSentence, Citation
from rag.embedder import Encode
from rag.grounding import name_asked, name_given, numbers, numbers_grounded, wrong_expansion
from rag.segments import Segment, split_sentences, tidy_spacing, tokenize

# The model's references to numbered passages: "[2]", "[1, 3]" (times in brackets are rag.formats.text.TIMESTAMP_RE).
REFERENCE_RE = re.compile(r"\[\s*(\d{1,3}(?:\s*[,;]\s*\d{1,3})*)\s*\]")
# Times the model writes on its own (e.g. "[00:01:04]" or "at 12:30") are removed, never trusted.
MODEL_TIME_RE = re.compile(r"\s*[\[(]?\b\d{1,2}:\d{2}(?::\d{2})?\b[\])]?")
PASSAGE_WORD_RE = re.compile(r"\s*\(?\b(?:in |see |according to )?(?:passage|source)s?\s+\d+(?:\s*(?:,|and)\s*\d+)*\)?", re.I)
PAIR_PENALTY = 0.05
NEAR_TIE = 0.05  # another sentence within this much of the best support is cited as well
LEADING_MARKERS_RE = re.compile(r"^(\s*\[\s*\d{1,3}(?:\s*[,;]\s*\d{1,3})*\s*\])+")

STOPWORDS = frozenset("""
a an the and or but if then than so of to in on at by for with from into onto about as is are was were be been
being am us do does did doing have has had having it its it's this that these those there here he him his she her
they them their we our you your i me my what which who whom whose when where why how not no yes also just very
can could would should will shall may might must more most some any all each such only own same too s t
says said say mentions mentioned according talks talked discusses discussed explains explained states stated
notes noted believes thinks thought guest speaker interview transcript passage passages podcast host
presenter video wraps saying describes described explain shows show
""".split())
# "The presenter says that ...", "This part of the transcript says ..." carry no claim of their own.
ATTRIBUTION_RE = re.compile(
    r"^(?:according to [^,]{1,60},\s*|(?:the |this |in this )?(?:presenter|speaker|guest|host|transcript|video|"
    r"part of the transcript|he|she|they|mike|[A-Z]\w+)\b[^.,;]{0,40}?\b(?:says?|said|mentions?|notes?|"
    r"explains?|states?|wraps up by saying|points out|describes?)\s+(?:that\s+)?)", re.I)
# A claim that opens with a pronoun and has fewer content words than this is read with its question (`claim_text`).
SHORT_CLAIM_WORDS = 7
PRONOUN_SUBJECT_RE = re.compile(r"^(?:it|they|this|these)\b(?!-)", re.I)
WINDOW_CHARS = 240  # short caption sentences are checked three at a time, up to this length


@dataclass(frozen=True)
class DraftSentence:
    """An answer sentence as the model wrote it: clean text, valid passage numbers, dropped ones."""

    text: str
    cited: tuple[int, ...]
    dropped: tuple[int, ...] = ()


def _numbers(marker_body: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", marker_body)]


# the prompt's own words, which mean nothing to the reader: "This part of the transcript says that X", "The
# passage discusses X" (the model is shown "passages" and asked what "this part of the transcript" says)
_SAYS_THAT = re.compile(r"^(?:the|this)\s+(?:part\s+of\s+the\s+transcript|passages?|excerpt)\s+(?:above\s+)?"
                        r"(?:says|states|mentions|notes|explains|shows)\s+that\s+(?=\S)", re.I)  # not "suggests that": a hedge
_THE_PASSAGE = re.compile(r"^(?:the|this)\s+passage(?=\s+(?:discusse|describe|talk|explain|mention|say|state|note|highlight|"
                         r"emphasi[sz]e|suggest|indicate|show|focuse)s\b)", re.I)


def plainly(text: str) -> str:
    """An answer sentence without the prompt's words for what the model read.

    >>> plainly("This part of the transcript says that N8N is a drag-and-drop tool.")
    'N8N is a drag-and-drop tool.'
    >>> plainly("The passage says that iPhone sales grew."), plainly("The passage suggests that it may grow.")
    ('iPhone sales grew.', 'The transcript suggests that it may grow.')
    >>> plainly("The passage discusses data centers."), plainly("The passage of time matters.")
    ('The transcript discusses data centers.', 'The passage of time matters.')
    """
    stripped = _SAYS_THAT.sub("", text)
    if stripped != text:
        first = stripped.split(maxsplit=1)[0]
        return stripped[:1].upper() + stripped[1:] if first.islower() else stripped  # not "IPhone"
    return _THE_PASSAGE.sub("The transcript", text)


def _tidy(text: str) -> str:
    """Remove passage markers, model-written times and "passage 2" mentions, and the prompt's own words."""
    return plainly(tidy_spacing(PASSAGE_WORD_RE.sub("", MODEL_TIME_RE.sub("", REFERENCE_RE.sub("", text)))))


def parse_answer(raw: str, n_passages: int) -> list[DraftSentence]:
    """Split a model answer into sentences with the passage numbers each one cites.

    >>> parse_answer("It is green [1]. It grows fast. [2][9]", 3)
    [DraftSentence(text='It is green.', cited=(1,), dropped=()), DraftSentence(text='It grows fast.', cited=(2,), dropped=(9,))]
    """
    drafts: list[dict] = []
    for a, b in split_sentences(raw.strip()):
        frag = raw.strip()[a:b]
        lead = LEADING_MARKERS_RE.match(frag)
        if lead and drafts:  # "Claim. [2] Next claim" — the marker closes the claim before it
            drafts[-1]["numbers"] += _numbers(lead.group(0))
            frag = frag[lead.end():]
        numbers = [n for m in REFERENCE_RE.finditer(frag) for n in _numbers(m.group(1))]
        text = _tidy(frag)
        if not text or not re.search(r"\w", text):
            if drafts:
                drafts[-1]["numbers"] += numbers
            continue
        drafts.append({"text": text, "numbers": numbers})
    out = []
    for d in drafts:
        valid = tuple(dict.fromkeys(n for n in d["numbers"] if 1 <= n <= n_passages))
        dropped = tuple(dict.fromkeys(n for n in d["numbers"] if not 1 <= n <= n_passages))
        out.append(DraftSentence(d["text"], valid, dropped))
    return out


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


JOINED_MOST = 3  # evidence words read as one word: speech recognition splits a name ("duck duck go")
_CLAUSE_END = re.compile(r"[.?!,;:]")


@dataclass(frozen=True)
class EvidenceWords:
    """What a claim word is looked for in: the evidence's stemmed content words, their first letters (`prefix`
    of them), and the keys of its short words (see `sound`)."""

    found: frozenset[str]
    prefixes: frozenset[str]
    sounds: frozenset[str]


@lru_cache(maxsize=4096)
def _evidence_words(evidence: str, prefix: int) -> EvidenceWords:
    found = content_words(evidence)
    return EvidenceWords(frozenset(found), frozenset(w[:prefix] for w in found if len(w) >= prefix),
                         frozenset(sound(w) for w in found if 3 <= len(w) <= 4))


@lru_cache(maxsize=1024)
def _joined(evidence: str) -> frozenset[str]:
    """The evidence's runs of two or three words written as one, stemmed ("duck duck go" as "duckduckgo"): runs
    within one clause, of words none of which is a stop word ("this is sue" spells no "issue")."""
    runs = set()
    for clause in _CLAUSE_END.split(evidence):
        tokens = _tokens(clause)
        for n in range(2, JOINED_MOST + 1):
            for i in range(len(tokens) - n + 1):
                if not STOPWORDS.intersection(tokens[i:i + n]):
                    runs.add(_stemmer().stemWord("".join(tokens[i:i + n])))
    return frozenset(runs)


def word_share(words: set[str], evidence: str, prefix: int = 5) -> float:
    """Share of (stemmed content) `words` found in the evidence (0 when there are none).

    Speech recognition mishears endings, so a word also counts when an evidence word of `prefix` letters or
    more shares its first `prefix` ("chatboard" for "chatbot"), and a word of three or four letters when an
    evidence word of that size sounds alike (see `sound`: "rack" for "RAG"). It splits names too: a word also
    counts when two or three evidence words in a row spell it ("DuckDuckGo" in "duck duck go search").

    >>> word_share({"startup"}, "He started there."), word_share({"startup"}, "He started there.", prefix=6)
    (1.0, 0.0)
    >>> word_share(content_words("DuckDuckGo search"), "You can provide duck duck go search and so on.")
    1.0
    >>> word_share(content_words("CrewAI"), "frameworks such as crew AI"), word_share({"duck"}, "DuckDuckGo")
    (1.0, 0.0)
    >>> word_share(content_words("issue"), "This is Sue."), word_share(content_words("input"), "Put. In.")
    (0.0, 0.0)
    """
    if not words:
        return 0.0
    words, heard = list(words), _evidence_words(evidence, prefix)
    found = [w in heard.found or (len(w) >= prefix and w[:prefix] in heard.prefixes)
             or (3 <= len(w) <= 4 and sound(w) in heard.sounds) for w in words]
    if not all(found):  # names split into words are looked for only when a word is still missing
        joined = _joined(evidence)
        found = [f or w in joined for f, w in zip(found, words)]
    return sum(found) / len(words)


def lexical_support(claim: str, evidence: str) -> float:
    """Share of the claim's content words that occur in the evidence (see `word_share`).

    >>> lexical_support("a tool augmented chatbot", "this is a tool augmented chatboard")
    1.0
    """
    return word_share(content_words(claim), evidence)


def strip_attribution(sentence: str) -> str:
    """The claim without a leading "The presenter says that" (which no transcript sentence states).

    >>> strip_attribution("The presenter wraps up by saying that agentic AI is just jargon.")
    'agentic AI is just jargon.'
    """
    stripped = ATTRIBUTION_RE.sub("", sentence, count=1)
    return stripped if len(stripped.split()) >= 3 else sentence


def evidence_units(passages: Sequence[Sequence[Segment]]) -> list[tuple[int, tuple[Segment, ...]]]:
    """`(passage number, sentences)` for every sentence shown to the model and every pair of neighbours.

    A claim that merges two adjacent sentences is checked against both together (ALCE-style: the
    claim must follow from the concatenation of what it cites). Neighbours are adjacent sentences of
    one passage, or consecutive one-sentence passages of one transcript (a numbered whole transcript).
    """
    seen: set[tuple] = set()
    out = []
    flat = [(n, s) for n, sents in enumerate(passages, start=1) for s in sents if not s.is_heading]
    for size in (1, 2, 3):
        for i in range(len(flat) - size + 1):
            window = flat[i:i + size]
            n = window[0][0]
            group = tuple(s for _, s in window)
            if size == 3 and sum(len(s.text) for s in group) > WINDOW_CHARS:
                continue  # three only when they are short (caption fragments)
            if size > 1 and not all(_neighbours(passages, a, b) for a, b in zip(window, window[1:])):
                continue  # only neighbours: one passage, or consecutive single-sentence passages
            key = tuple(s.key for s in group)
            if key not in seen:
                seen.add(key)
                out.append((n, group))
    return out


def _neighbours(passages, a: tuple[int, Segment], b: tuple[int, Segment]) -> bool:
    (na, sa), (nb, sb) = a, b
    if sa.source != sb.source:
        return False
    return na == nb or (nb == na + 1 and len(passages[na - 1]) == 1 and len(passages[nb - 1]) == 1)


# words that ask for a name ("What is the name of …?", "What is it called?"), which no sentence giving the name holds
_NAMING = frozenset({stem("call"), stem("name")})


def terse_support(answer: str, question: str, evidence: str) -> float:
    """The word share of a terse answer read with its question: the answer's own words and the question's
    count half each, so a question put in other words than the transcript's does not drown the answer's
    few words ("Roughly how many people work at his company? 55 plus people." — "We have 55 plus people").

    >>> round(terse_support("55 plus people.", "Roughly how many people work at his company?", "We have 55 plus people"), 2)
    0.6
    >>> terse_support("Mike Schreer.", "What's the name of the guest?", "Mike Schreer, former CTO at Facebook")
    1.0
    """
    asked = content_words(question) - _NAMING
    own = content_words(answer) - asked
    if not own:
        return lexical_support(question, evidence)
    if not asked:  # "Who is the guest?" has no word of its own to look for: the answer's words are all there is
        # (nor has "What's the name of the guest?": "name" asks for the answer's words)
        return word_share(own, evidence)
    return 0.5 * word_share(own, evidence) + 0.5 * lexical_support(question, evidence)


def support_matrix(claims: Sequence[str], evidence: Sequence[str], encode: Encode,
                   terse: Sequence[tuple[str, str] | None] = ()) -> np.ndarray:
    """`support[i, j]` of claim i by evidence sentence j (see the module docstring); `terse[i]`, when given,
    is claim i's (answer, question) and its word share is `terse_support`'s."""
    if not claims or not evidence:
        return np.zeros((len(claims), len(evidence)), dtype=np.float32)
    vectors = encode(list(claims) + list(evidence))
    cosine = vectors[: len(claims)] @ vectors[len(claims):].T
    terse = list(terse) or [None] * len(claims)
    lexical = np.array([[terse_support(*t, e) if t else lexical_support(c, e) for e in evidence]
                        for c, t in zip(claims, terse)], dtype=np.float32)
    return 0.5 * np.clip(cosine, 0.0, 1.0) + 0.5 * lexical


def claim_text(sentence: str, question: str) -> str:
    """What is checked against the evidence: a terse answer ("Python.") is read with its question, and so is a
    short one whose subject is a pronoun ("It falls under the category of a workflow.": "it" is what was asked).

    >>> claim_text("Python.", "What is his favourite language?")
    'What is his favourite language? Python.'
    >>> claim_text("It falls under the category of a workflow.", "Where does the chatbot fall?")
    'Where does the chatbot fall? It falls under the category of a workflow.'
    """
    sentence = strip_attribution(sentence)
    words = len(content_words(sentence))
    if question and (words < 4 or (words < SHORT_CLAIM_WORDS and PRONOUN_SUBJECT_RE.match(sentence))):
        return f"{question} {sentence}"
    return sentence


_NEGATION = re.compile(r"\b(?:not|never|no)\b|n['’]t\b", re.I)


def checked_as(sentence: str, question: str) -> str:
    """What of an answer sentence is checked: the sentence, or, for an answer to "what is X called?" that restates
    its question around the name, the name alone, a terse answer ("The framework in the demo is called Agno." is
    checked as "Agno.", read with its question: the rest is the question's own words).

    >>> checked_as("The framework in the demo is called Agno.", "What is the framework in the demo called?")
    'Agno.'
    >>> checked_as("The demo uses Agno to run agents step by step.", "What is the framework in the demo called?")
    'The demo uses Agno to run agents step by step.'
    >>> checked_as("The framework in the demo is not called Agno.", "What is the framework in the demo called?")
    'The framework in the demo is not called Agno.'
    """
    if not question or not name_asked(question) or is_terse(sentence) or _NEGATION.search(sentence):
        return sentence
    name = name_given(sentence, question)
    asked = content_words(question) | _NAMING
    if name is None or content_words(sentence) - asked != content_words(name) - asked:
        return sentence
    return f"{name}."


def is_terse(sentence: str) -> bool:
    """Whether an answer sentence is one bare fact ("Python.", "55 plus people."): fewer than four content words.

    >>> is_terse("Python."), is_terse("It falls under the category of a workflow.")
    (True, False)
    """
    return len(content_words(strip_attribution(sentence))) < 4


def grounded(sentence: str, terse: bool, evidence: str, question: str) -> bool:
    """Evidence can back a sentence only if it holds the sentence's numbers, spells out no acronym wrongly
    (`rag.grounding.wrong_expansion`, unless the evidence itself does) and, for a terse answer read with its
    question, holds at least half of the answer's own words (see rag/grounding.py).

    >>> grounded("Mike Schreer.", True, "He started working in AI at Facebook in 2013.", "Who led FAIR?")
    False
    >>> grounded("2013.", True, "He started working in AI at Facebook in 2013.", "When did he start?")
    True
    """
    if not numbers_grounded(sentence, evidence, question):
        return False
    if (acronym := wrong_expansion(sentence)) and wrong_expansion(evidence, any_case=True) != acronym:
        return False  # "MCP stands for Multi-Step Reasoning Process": letters it does not have, unless the transcript says so
    if terse:
        own = content_words(sentence) - content_words(question)
        rest = own - numbers(evidence)  # what a number of the evidence does not already hold
        found = len(own) - len(rest) + word_share(rest, evidence) * len(rest)
        return not own or found >= len(own) / 2
    return True


def _one_sentence(group: tuple[Segment, ...]) -> bool:
    """Whether a window is one sentence cut into cues: no part but the last ends a sentence.

    >>> _one_sentence((Segment("t", 0, "you have it available in PDF files you can build a"), Segment("t", 9, "chatbot.")))
    True
    >>> _one_sentence((Segment("t", 0, "He led it."), Segment("t", 9, "It grew.")))
    False
    """
    return not any(re.search(r"[.!?][\"')\]]*$", seg.text.strip()) for seg in group[:-1])


def _cited_part(group: tuple[Segment, ...], row: np.ndarray, single: dict, most: int) -> list[Segment]:
    """The sentences of a supporting window worth citing, in transcript order.

    The window beat each of its sentences alone (after the pair penalty), so each contributes; at most
    `most` are cited, those that carry the claim best on their own, and one that shares next to nothing
    with it (own support under 0.25: a filler fragment) is left out.
    """
    if len(group) == 1:
        return list(group)
    own = {s.key: float(row[single[s.key]]) if s.key in single else 0.0 for s in group}
    keep = sorted(group, key=lambda s: -own[s.key])[:most]
    keep = [s for s in keep if own[s.key] >= 0.25] or keep[:1]
    return [s for s in group if s in keep]


def verify(drafts: Sequence[DraftSentence], passages: Sequence[Sequence[Segment]], encode: Encode, threshold: float,
           max_per_sentence: int = 2, question: str = "") -> tuple[tuple[AnswerSentence, ...], tuple[Citation, ...]]:
    """Attribute each answer sentence to the transcript sentence(s) that support it.

    Args:
        drafts: parsed answer sentences.
        passages: the numbered passages the model was shown (each a tuple of sentences), in order.
        encode: `encode(texts) -> unit vectors` (the embedder).
        threshold: the least support that counts.
        max_per_sentence: at most this many citations per answer sentence.
        question: the question, to read terse answers in context.

    Returns:
        The checked sentences and the distinct citations they point at, in answer order.
    """
    units = evidence_units(passages)
    texts = [" ".join(s.text for s in group) for _, group in units]
    checked = [checked_as(d.text, question) for d in drafts]
    claims = [claim_text(c, question) for c in checked]
    # read with the question (`claim_text`): scored as a terse answer is; a bare fact also keeps to one sentence
    read_with = [bool(question) and c.startswith(question) for c in claims]
    tersely = [r and is_terse(c) for c, r in zip(checked, read_with)]
    terse_of = [(c, question) if r else None for c, r in zip(checked, read_with)]
    scores = support_matrix(claims, texts, encode, terse_of)
    # A pair must do clearly better than a single sentence to be cited as a pair.
    scores = scores - np.array([PAIR_PENALTY * (len(group) - 1) for _, group in units], dtype=np.float32)
    anchors: dict[tuple[int, int], list[Segment]] = {}
    for i, (claim, terse) in enumerate(zip(checked, tersely)):
        for j, text in enumerate(texts):
            if not grounded(claim, terse, text, question):
                scores[i, j] = -1.0
            elif terse and len(units[j][1]) > 1:
                # a terse answer is one fact: one sentence must hold it. A window counts only where a caption
                # cue broke one sentence (no full stop between): the answer's own words in one part, the
                # question's context in the other.
                held = [seg for seg in units[j][1] if grounded(claim, True, seg.text, question)]
                if held and _one_sentence(units[j][1]):
                    anchors[i, j] = held[:1]
                else:
                    scores[i, j] = -1.0
    single = {group[0].key: j for j, (_, group) in enumerate(units) if len(group) == 1}
    citations: list[Citation] = []
    index_of: dict[tuple[str, float, str], int] = {}
    sentences = []
    for i, draft in enumerate(drafts):
        row = scores[i] if units else np.zeros(0)
        cited_cols = [j for j, (n, _) in enumerate(units) if n in draft.cited]
        pool = cited_cols if cited_cols and max(row[cited_cols]) >= threshold else range(len(units))
        ranked = sorted(pool, key=lambda j: -row[j])
        chosen = [j for j in ranked[:1] if row[j] >= threshold]
        parts = [(seg, j) for j in chosen
                 for seg in anchors.get((i, j)) or _cited_part(units[j][1], row, single, max_per_sentence)]
        # a sentence listing several facts: another sentence that supports it about as well is cited too (not for
        # a terse answer: one fact, one sentence — "Mike Schreer." is not cited to every sentence naming him)
        if chosen and not tersely[i]:
            near = [j for j in ranked[1:] if len(units[j][1]) == 1 and row[j] >= max(threshold, row[chosen[0]] - NEAR_TIE)]
            for j in near:
                if len(parts) < max_per_sentence + 1 and units[j][1][0] not in [s for s, _ in parts]:
                    parts.append((units[j][1][0], j))
        refs: list[int] = []
        for seg, j in sorted(parts, key=lambda p: (p[0].source, p[0].char_start, p[0].start)):  # transcript order
            if seg.key not in index_of:
                index_of[seg.key] = len(citations)
                citations.append(Citation(seg.timestamp, seg.start, seg.source, seg.text, seg.line, float(row[j])))
            refs.append(index_of[seg.key])
        sentences.append(AnswerSentence(draft.text, tuple(dict.fromkeys(refs)), bool(refs)))
    return tuple(sentences), tuple(citations)
