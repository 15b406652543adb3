"""Questions the transcript asks itself: a host's question, or a speaker's "You may have this question: what is
the difference between AI agent and agentic AI?", is answered by what follows it. A user's question that asks
the same thing is asked of those sentences (`own_question`), as a time or neighbour question is asked of its
window: a small model reading the whole transcript answers such a question from what it knew before, not
from the answer the talk gives right after asking it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.checks import LEAD_IN, opens_with_auxiliary
from rag.citations import content_words, word_share
from rag.embedder import Encode
from rag.focus import Focus
from rag.segments import Segment, Transcript

ASKED_ANSWER = 8  # sentences after the transcript's question that may answer it (fewer when it asks another)
MIN_WORDS = 1.0  # the share of the user's content words the transcript's question must hold (misheard endings count)
MIN_SHARED = 0.75  # the least share of the transcript's question's own words (framing aside) the user's holds
MIN_COSINE = 0.6  # ... and the least closeness in meaning of the two questions
_WH_WORD = r"(?:what|how|why|which|who|whom|whose|when|where)\b"
# the wh-word opens the question: at the start, after a comma or colon, or after "question", "wonder" or "ask"
# ("You may have this question what is …?", "The second question you might have is what is …?"), not inside a
# statement with a tag ("This is how it works, okay?")
_WH = re.compile(LEAD_IN + _WH_WORD + r"|[,:;—–]\s*(?:so\s+|and\s+|but\s+)?" + _WH_WORD
                 + r"|\b(?:question|questions|wonder|wondering|ask|asking)\b.*?\b" + _WH_WORD, re.I)
_TAG = re.compile(r",\s*(?:right|okay|ok|yeah|yes|no|huh|correct|you know|isn't it|don't you|see)\s*\?\s*$", re.I)
# words that frame a question the transcript asks itself ("The second question you might have is …")
_FRAMING = frozenset("question first second third next anoth last wonder ask peopl".split())  # Snowball stems


def _asks(sentence: Segment) -> bool:
    """Whether a sentence is a question that asks for more than yes or no ("… what is the difference …?")."""
    text = sentence.text.rstrip()
    return text.endswith("?") and bool(_WH.search(text)) and not _TAG.search(text) and not opens_with_auxiliary(text)


def _asks_no_more(text: str, words: set[str]) -> bool:
    """Whether the transcript's question asks little the user's does not: `MIN_SHARED` of its content words,
    framing set aside, are the user's ("What is agentic AI?" is not "what is the difference between AI agent
    and agentic AI?")."""
    own = content_words(text) - _FRAMING
    return bool(own) and len(own & words) >= MIN_SHARED * len(own)


def own_question(question: str, transcripts: Sequence[Transcript], encode: Encode) -> Focus | None:
    """The transcript's own question that asks what `question` asks, with the sentences that answer it, as a
    focus (kind "asked", its `anchor` the transcript's question), or None.

    The transcript's question must ask for more than yes or no, hold `MIN_WORDS` of the user's content words
    (two at least), have `MIN_SHARED` of its own (framing words such as "question" set aside) in the user's,
    and be `MIN_COSINE` close in meaning; of several, the closest. Its answer is the sentences
    after it, in the same transcript, up to the next question or `ASKED_ANSWER` of them.

    Args:
        question: the user's question (not a yes/no one: `rag.yesno.self_answered` answers those).
        transcripts: the transcripts it may be about.
        encode: unit-vector sentence embedder.
    """
    words = content_words(question)
    if len(words) < 2 or opens_with_auxiliary(question):
        return None
    candidates = [(t, i) for t in transcripts for i, s in enumerate(t.segments)
                  if not s.is_heading and _asks(s) and word_share(words, s.text) >= MIN_WORDS
                  and _asks_no_more(s.text, words)]
    if not candidates:
        return None
    vectors = encode([question] + [t.segments[i].text for t, i in candidates])
    cosines = vectors[1:] @ vectors[0]
    best = int(cosines.argmax())
    if cosines[best] < MIN_COSINE:
        return None
    transcript, at = candidates[best]
    asked = transcript.segments[at]
    answer: list[Segment] = []
    for s in transcript.segments[at + 1:]:
        if s.is_heading or _asks(s) or len(answer) == ASKED_ANSWER:
            break
        answer.append(s)
    if not answer:
        return None
    return Focus("asked", f"where it asks “{asked.text}” and answers it", (asked, *answer), asked)
