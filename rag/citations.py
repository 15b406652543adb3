"""Citations as a checked contract: parse the model's `[n]` markers, then verify every sentence.

The model only ever sees numbered passages. Its markers are parsed and mapped back to passages;
out-of-range numbers are dropped; any time it writes itself is removed, never trusted. Then every
answer sentence is matched against the sentences it was shown, whether or not the model cited
anything. There is no entailment model here, so a sentence counts as supported when

    support = 0.5 * cosine(answer sentence, evidence sentence)   (all-MiniLM-L6-v2)
            + 0.5 * share of the answer sentence's content words found in the evidence sentence

reaches a threshold, and every evidence rule (`rag.checks`: its numbers, its names) admits the pair.
A cited passage is tried first; if none of its sentences supports the claim, the best supporting
shown sentence is cited instead; a sentence with no support is flagged and left out of the answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from rag.answer import AnswerSentence, Citation
from rag.embedder import Encode
from rag.segments import Segment, split_sentences, tidy_spacing
from rag.words import content_words, lexical_support, word_share

# The model's references to numbered passages: "[2]", "[1, 3]".
REFERENCE_RE = re.compile(r"\[\s*(\d{1,3}(?:\s*[,;]\s*\d{1,3})*)\s*\]")
# Times the model writes on its own (e.g. "[00:01:04]" or "at 12:30") are removed, never trusted.
MODEL_TIME_RE = re.compile(r"\s*[\[(]?\b\d{1,2}:\d{2}(?::\d{2})?\b[\])]?")
PASSAGE_WORD_RE = re.compile(r"\s*\(?\b(?:in |see |according to )?(?:passage|source|line)s?\s+\d+"
                             r"(?:\s*(?:,|and)\s*\d+)*\)?", re.I)
LEADING_MARKERS_RE = re.compile(r"^(\s*\[\s*\d{1,3}(?:\s*[,;]\s*\d{1,3})*\s*\])+")
# the prompt's own words, which mean nothing to the reader: "The passage says that X" is "X"
_SAYS_THAT = re.compile(r"^(?:the|this|these)\s+(?:part\s+of\s+the\s+transcript|transcript|passages?|excerpts?)\s+"
                        r"(?:says|say|states|mentions|notes|explains|shows|supports)\s+that\s+(?=\S)", re.I)
PAIR_PENALTY = 0.05  # a window of sentences must beat a single sentence by this much to be cited whole
NEAR_TIE = 0.05  # another sentence within this much of the best support is cited as well
WINDOW_CHARS = 240  # short caption sentences are checked three at a time, up to this length
TERSE_WORDS = 4  # an answer sentence with fewer content words is a bare fact, read with its question
PRONOUN_WORDS = 7  # ... and so is one that opens with a pronoun and has fewer content words than this
PRONOUN_RE = re.compile(r"^(?:it|they|this|these|he|she)\b(?!-)", re.I)
OWN_SUPPORT = 0.25  # a sentence of a cited window that supports less than this on its own is not cited
Admits = Callable[[str, str, str], bool]  # (claim, evidence, question) -> may this evidence back this claim?


@dataclass(frozen=True)
class DraftSentence:
    """An answer sentence as the model wrote it: clean text, valid passage numbers, dropped ones."""

    text: str
    cited: tuple[int, ...]
    dropped: tuple[int, ...] = ()


def _tidy(text: str) -> str:
    """Remove passage markers, model-written times, "passage 2" mentions and the prompt's own words.

    >>> _tidy("The passage says that it is green [2] [00:01:04].")
    'It is green.'
    """
    text = tidy_spacing(PASSAGE_WORD_RE.sub("", MODEL_TIME_RE.sub("", REFERENCE_RE.sub("", text))))
    text = re.sub(r"\s*[,;:]+\s*(?=[.!?]|$)", "", text)  # "It grows fast, see passage 2." left "fast,."
    stripped = _SAYS_THAT.sub("", text)
    return stripped[:1].upper() + stripped[1:] if stripped != text else text


def parse_answer(raw: str, n_passages: int) -> list[DraftSentence]:
    """Split a model answer into sentences with the passage numbers each one cites.

    >>> parse_answer("It is green [1]. It grows fast. [2][9]", 3)
    [DraftSentence(text='It is green.', cited=(1,), dropped=()), DraftSentence(text='It grows fast.', cited=(2,), dropped=(9,))]
    """
    drafts: list[tuple[str, list[int]]] = []
    raw = raw.strip()
    for a, b in split_sentences(raw):
        frag = raw[a:b]
        if (lead := LEADING_MARKERS_RE.match(frag)) and drafts:  # "Claim. [2] Next" — the marker closes the claim
            drafts[-1][1].extend(int(n) for n in re.findall(r"\d+", lead.group(0)))
            frag = frag[lead.end():]
        found = [int(n) for m in REFERENCE_RE.finditer(frag) for n in re.findall(r"\d+", m.group(1))]
        text = _tidy(frag.lstrip("-*• "))
        if not re.search(r"\w", text):
            if drafts:
                drafts[-1][1].extend(found)
            continue
        drafts.append((text, found))
    return [DraftSentence(text, tuple(dict.fromkeys(n for n in found if 1 <= n <= n_passages)),
                          tuple(dict.fromkeys(n for n in found if not 1 <= n <= n_passages)))
            for text, found in drafts]


def is_terse(sentence: str) -> bool:
    """Whether an answer sentence is one bare fact ("Python.", "55 plus people."): few content words.

    >>> is_terse("Python."), is_terse("It falls under the category of a workflow.")
    (True, False)
    """
    return len(content_words(sentence)) < TERSE_WORDS


def read_with_question(claim: str) -> bool:
    """Whether a claim is read with its question: a bare fact, or a short one whose subject is a pronoun.

    >>> read_with_question("Python."), read_with_question("It falls under the category of a workflow.")
    (True, True)
    >>> read_with_question("Gigascale invests in companies that fight climate change.")
    False
    """
    words = len(content_words(claim))
    return words < TERSE_WORDS or (words < PRONOUN_WORDS and bool(PRONOUN_RE.match(claim)))


def terse_support(answer: str, question: str, evidence: str) -> float:
    """The word share of a terse answer read with its question: the answer's own words and the question's count
    half each, so a question put in other words does not drown the answer's few words.

    >>> round(terse_support("55 plus people.", "Roughly how many people work at his company?", "We have 55 plus people"), 2)
    0.6
    """
    asked = content_words(question)
    own = content_words(answer) - asked
    if not own:
        return lexical_support(question, evidence)
    if not asked:
        return word_share(own, evidence)
    return 0.5 * word_share(own, evidence) + 0.5 * lexical_support(question, evidence)


def evidence_units(passages: Sequence[Sequence[Segment]]) -> list[tuple[int, tuple[Segment, ...]]]:
    """`(passage number, sentences)` for every sentence shown, every pair of neighbours and every three short ones.

    A claim that merges adjacent sentences is checked against them together (ALCE-style: the claim must follow
    from what it cites). Neighbours are adjacent sentences of one passage, or consecutive one-sentence passages
    of one transcript (a numbered whole transcript).
    """
    flat = [(n, s) for n, sents in enumerate(passages, start=1) for s in sents if not s.is_heading]
    seen: set[tuple] = set()
    out = []
    for size in (1, 2, 3):
        for i in range(len(flat) - size + 1):
            window = flat[i:i + size]
            group = tuple(s for _, s in window)
            if size == 3 and sum(len(s.text) for s in group) > WINDOW_CHARS:
                continue
            if size > 1 and not all(_neighbours(passages, a, b) for a, b in zip(window, window[1:])):
                continue
            key = tuple(s.key for s in group)
            if key not in seen:
                seen.add(key)
                out.append((window[0][0], group))
    return out


def _neighbours(passages, a: tuple[int, Segment], b: tuple[int, Segment]) -> bool:
    (na, sa), (nb, sb) = a, b
    if sa.source != sb.source:
        return False
    return na == nb or (nb == na + 1 and len(passages[na - 1]) == 1 and len(passages[nb - 1]) == 1)


def support_matrix(claims: Sequence[str], evidence: Sequence[str], encode: Encode, question: str = "") -> np.ndarray:
    """`support[i, j]` of claim i by evidence text j (see the module docstring); a terse claim's word share is
    `terse_support`'s, read with the question."""
    if not claims or not evidence:
        return np.zeros((len(claims), len(evidence)), dtype=np.float32)
    read = [f"{question} {c}" if question and read_with_question(c) else c for c in claims]
    vectors = encode(read + list(evidence))
    cosine = vectors[: len(claims)] @ vectors[len(claims):].T
    lexical = np.array([[terse_support(c, question, e) if question and read_with_question(c) else lexical_support(r, e)
                         for e in evidence] for c, r in zip(claims, read)], dtype=np.float32)
    return 0.5 * np.clip(cosine, 0.0, 1.0) + 0.5 * lexical


def _ranked(row: np.ndarray, units: list, cited: tuple[int, ...], threshold: float) -> list[int]:
    """Evidence columns to choose from, best first: the cited passages' when one of them supports the claim."""
    cols = [j for j, (n, _) in enumerate(units) if n in cited]
    pool = cols if cols and max(row[cols]) >= threshold else range(len(units))
    return sorted(pool, key=lambda j: -row[j])


def _carrying(group: tuple[Segment, ...], row: np.ndarray, single: dict, most: int) -> list[Segment]:
    """The sentences of a supporting window worth citing: at most `most`, those that support the claim best on
    their own, leaving out one that supports it under `OWN_SUPPORT` (a filler fragment, a word in common)."""
    if len(group) == 1:
        return list(group)
    own = {s.key: float(row[single[s.key]]) if s.key in single else 0.0 for s in group}
    best = sorted(group, key=lambda s: -own[s.key])[:most]
    return [s for s in group if s in best and own[s.key] >= OWN_SUPPORT] or best[:1]


def verify(drafts: Sequence[DraftSentence], passages: Sequence[Sequence[Segment]], encode: Encode, threshold: float,
           question: str = "", admits: Admits | None = None,
           most: int = 2) -> tuple[tuple[AnswerSentence, ...], tuple[Citation, ...]]:
    """Attribute each answer sentence to the transcript sentence(s) that support it.

    Args:
        drafts: parsed answer sentences.
        passages: the numbered passages the model was shown (each a tuple of sentences), in order.
        encode: `encode(texts) -> unit vectors` (the embedder).
        threshold: the least support that counts.
        question: the question, to read terse answers in context.
        admits: `admits(claim, evidence, question)`: False rules that evidence out for that claim.
        most: at most this many citations per answer sentence (a third for a near tie).

    Returns:
        The checked sentences and the distinct citations they point at, in answer order.
    """
    units = evidence_units(passages)
    texts = [" ".join(s.text for s in group) for _, group in units]
    scores = support_matrix([d.text for d in drafts], texts, encode, question)
    scores -= np.array([PAIR_PENALTY * (len(g) - 1) for _, g in units], dtype=np.float32)
    if admits is not None:  # the rules read who said it too: "Carol said …" is backed by Carol's own turn
        said = [" ".join(f"{s.speaker}: {s.text}" if s.speaker else s.text for s in group) for _, group in units]
        for i, d in enumerate(drafts):
            for j, text in enumerate(said):
                if scores[i, j] >= threshold and not admits(d.text, text, question):
                    scores[i, j] = -1.0
    for i, d in enumerate(drafts):  # a bare fact's own words ("HACKED.", "Python.") are in what backs it, half at least
        own = content_words(d.text) - content_words(question) if is_terse(d.text) else set()
        scores[i, [j for j, text in enumerate(texts) if own and word_share(own, text) < 0.5]] = -1.0
    single = {group[0].key: j for j, (_, group) in enumerate(units) if len(group) == 1}
    citations: list[Citation] = []
    index_of: dict = {}
    sentences = []
    for i, draft in enumerate(drafts):
        ranked = _ranked(scores[i], units, draft.cited, threshold) if units else []
        chosen = [j for j in ranked[:1] if scores[i, j] >= threshold]
        if chosen and not is_terse(draft.text):  # a sentence of several facts: a near tie is cited too
            top = scores[i, chosen[0]]
            chosen += [j for j in ranked[1:] if len(units[j][1]) == 1 and scores[i, j] >= max(threshold, top - NEAR_TIE)
                       and units[j][1][0] not in units[chosen[0]][1]][:1]
        # of a window, the sentences that carry the claim on their own are cited (the best one at least)
        segs = dict.fromkeys(s for j in chosen for s in _carrying(units[j][1], scores[i], single, most))
        refs = []
        for seg in sorted(segs, key=lambda s: (s.source, s.char_start, s.start)):  # transcript order
            if seg.key not in index_of:
                index_of[seg.key] = len(citations)
                support = float(max(scores[i, j] for j in chosen if seg in units[j][1]))
                citations.append(Citation(seg.timestamp, seg.start, seg.source, seg.text, seg.line, support,
                                          seg.speaker))
            refs.append(index_of[seg.key])
        sentences.append(AnswerSentence(draft.text, tuple(refs), bool(refs)))
    return tuple(sentences), tuple(citations)
