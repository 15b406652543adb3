"""The whole question-answering path in one readable place: retrieve, prompt, generate, verify, abstain."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace

from rag.answer import ABSTAIN_TEXT, Answer, AnswerSentence, Trace, render
from rag.asked import own_question
from rag.checks import (KIND_REFUSAL, UNSUPPORTED, around, in_quotes, in_their_words, is_yes_no, mentioning, names_found,
                        needed, refusal, said_about, spelled_out, when_claim)
from rag.choice import Choice, alternatives, as_chosen, picked
from rag.citations import evidence_units, parse_answer, verify
from rag.embedder import Embedder, SentenceTransformerEmbedder
from rag.engines import Generator
from rag.errors import QuestionError
from rag.focus import Focus, about_whole, asks_overview, find_focus, keep_best, own_points, without_time
from rag.parts import joined, two_parts
from rag.prompt import (KIND_ASK, NEIGHBOUR_QUESTION, NO_ANSWER, OVERVIEW_ASK, OVERVIEW_PARTS_ASK, OVERVIEW_POINTS,
                        SUMMARY_QUESTION, as_asked, build_messages, number_sentences, whole_messages)
from rag.relation import names_both, one_side, relation_asked
from rag.chunker import Hit
from rag.retriever import Retriever
from rag.segments import SegmentKey, section_headings
from rag.settings import Settings
from rag.yesno import Verdicts

MAX_QUESTION_CHARS = 1000
WINDOW_LOOK = 5  # a time question's second look reads this many of the window's sentences
TOPIC_LOOK = 3  # a "what does he say about X?" question's second look reads this many mentions of X, with neighbours
CAPTION_FORMATS = ("vtt", "srt", "json")  # speech-recognition and subtitle text (recordings are Whisper JSON)
# Ways a small model says "I don't know" besides the exact phrase it was asked for.
_DONT_KNOW = re.compile(
    r"not in (the )?transcript|(passages?|transcript|text) (do|does)( not|n't) (say|mention|contain|provide|specify)"
    r"|no (mention|information)|(is|are) not (mentioned|specified|provided)|i (do not|don't) know|cannot (be )?(determine|answer)",
    re.I)
_FOLLOW_UP = re.compile(r"^(and|but|so|what about|how about|also)\b|\b(he|she|they|him|her|them|it|that|this|those|these|his|their)\b", re.I)


def check_question(question: str) -> str:
    """Return the question stripped, or raise QuestionError naming what is wrong."""
    if not isinstance(question, str) or not question.strip():
        raise QuestionError("the question is empty: type a question about the transcript")
    if len(question) > MAX_QUESTION_CHARS:
        raise QuestionError(f"the question is {len(question)} characters long; keep it under {MAX_QUESTION_CHARS}")
    return question.strip()


def search_query(question: str, history: Sequence[tuple[str, str]]) -> str:
    """The text to search with: a short follow-up is searched together with the previous question.

    >>> search_query("And what about chips?", [("What does Gigascale invest in?", "Climate tech.")])
    'What does Gigascale invest in? And what about chips?'
    """
    if history and len(question.split()) <= 12 and _FOLLOW_UP.search(question):
        return f"{history[-1][0]} {question}"
    return question


def says_dont_know(text: str) -> bool:
    """True when the model's reply is a refusal rather than an answer."""
    return NO_ANSWER.lower() in text.lower() or bool(_DONT_KNOW.search(text))


def in_order_parts(sentences: Sequence, n: int) -> tuple:
    """`sentences` cut into `n` consecutive parts of (nearly) equal length, as passages.

    >>> in_order_parts(list("abcdefg"), 3)
    (('a', 'b', 'c'), ('d', 'e'), ('f', 'g'))
    """
    size, extra = divmod(len(sentences), n)
    cuts = [0]
    for i in range(n):
        cuts.append(cuts[-1] + size + (i < extra))
    return tuple(tuple(sentences[a:b]) for a, b in zip(cuts, cuts[1:]))


class Pipeline:
    """Answers questions about the configured transcripts.

    Args:
        settings: the one settings object.
        embedder: sentence embedder (built from settings when omitted).
        llm: answer model with `generate(messages, cached_prefix) -> Iterator[str]` (built from settings
            when omitted).
        index: a prepared `VectorIndex` (built or loaded from the cache when omitted).
        transcripts: the parsed sources (read from settings when omitted).
    """

    def __init__(self, settings: Settings, embedder: Embedder | None = None, llm: Generator | None = None,
                 index=None, transcripts=None):
        self.settings = settings
        self.embedder = embedder or SentenceTransformerEmbedder(settings.embed_model)
        self._llm = llm
        self._index = index
        self._transcripts = list(transcripts) if transcripts is not None else None
        self._retrievers: dict[str, Retriever] = {}
        self._whole_tokens: dict[str | None, int] = {}
        self._numbered: dict[str | None, tuple[str, list]] = {}
        self._headings: tuple[list, dict[SegmentKey, str]] | None = None  # (the transcripts, their headings)
        self._swap = threading.Lock()

    @property
    def llm(self) -> Generator:
        if self._llm is None:
            from rag.engines import make_generator

            self._llm = make_generator(self.settings)
        return self._llm

    @property
    def verdicts(self) -> Verdicts:
        """The yes/no checks (`rag.yesno`), with this pipeline's model and embedder."""
        return Verdicts(self.llm, self.embedder.encode_cached, self.settings)

    @property
    def transcripts(self) -> list:
        """The parsed transcripts, in source order (read once)."""
        if self._transcripts is None:
            from rag.corpus import load_sources

            self._transcripts = load_sources(self.settings)
        return self._transcripts

    @property
    def index(self):
        if self._index is None:
            from rag.corpus import build_index

            self._index = build_index(self.settings, self.embedder, self.transcripts)
        return self._index

    @property
    def retriever(self) -> Retriever:
        return self.retriever_for(self.settings.retrieval)

    def retriever_for(self, mode: str) -> Retriever:
        """The retriever of a given mode over the same index (built once each)."""
        if mode not in self._retrievers:
            self._retrievers[mode] = Retriever(self.embedder, self.index, mode)
        return self._retrievers[mode]

    def load(self) -> Pipeline:
        """Load every model and the index now, and compute the whole-transcript prefix if it will be used."""
        self.embedder.load()
        _ = self.retriever
        if hasattr(self.llm, "load"):
            self.llm.load()
        if self.context_for(None) == "whole":
            text, numbered = self.numbered(None)
            if hasattr(self.llm, "warm"):
                self.llm.warm(whole_messages("?", text), 1)
            # the verifier compares answers with these sentences: embed them once, now
            self.embedder.encode_cached([" ".join(s.text for s in group)
                                         for _, group in evidence_units([(s,) for s in numbered])])
        return self

    def retrieve(self, question: str, k: int | None = None, retrieval: str | None = None,
                 source: str | None = None) -> list[Hit]:
        """The top-k passages for a question, optionally from one transcript (by title)."""
        mode = retrieval or self.settings.retrieval
        return self.retriever_for(mode).search(check_question(question), k or self.settings.top_k, source)

    def transcripts_for(self, source: str | None) -> list:
        """The transcripts a question searches: one by title, or all."""
        return [t for t in self.transcripts if source is None or t.title == source]

    def numbered(self, source: str | None) -> tuple[str, list]:
        """The selected transcripts as numbered lines and their sentences in number order (built once)."""
        if source not in self._numbered:
            self._numbered[source] = number_sentences(self.transcripts_for(source))
        return self._numbered[source]

    def headings(self) -> dict[SegmentKey, str]:
        """The section heading each sentence falls under, by sentence key (built once for each set of
        transcripts: a set swapped in by `use_paths` meanwhile is noticed on the next call)."""
        transcripts = self.transcripts
        cached = self._headings
        if cached is None or cached[0] is not transcripts:
            cached = self._headings = (transcripts, section_headings(transcripts))
        return cached[1]

    def context_for(self, source: str | None, context: str | None = None) -> str:
        """"whole" when the selected transcripts fit the prompt budget (or it is asked for), else "retrieve"."""
        context = context or self.settings.context
        if context != "auto":
            return context
        if source not in self._whole_tokens:
            text = whole_messages("?", self.numbered(source)[0])[0]["content"]
            count = getattr(self.llm, "count_tokens", None)
            self._whole_tokens[source] = count(text) if count else len(text) // 3
        return "whole" if self._whole_tokens[source] <= self.settings.whole_max_tokens else "retrieve"

    def use_paths(self, paths: tuple[str, ...]) -> None:
        """Switch to another set of transcripts (only new ones are embedded).

        The new transcripts and index are built first and swapped in at once, so a question being
        answered meanwhile finishes on the sources it started with.
        """
        from rag.corpus import build_index, load_sources

        settings = self.settings.with_(paths=paths)
        transcripts = load_sources(settings)
        index = build_index(settings, self.embedder, transcripts)
        with self._swap:
            self.settings, self._transcripts, self._index = settings, transcripts, index
            self._retrievers, self._whole_tokens, self._numbered = {}, {}, {}

    def ask(self, question: str, history: Sequence[tuple[str, str]] = (), id: str | None = None,
            top_k: int | None = None, retrieval: str | None = None, source: str | None = None,
            context: str | None = None) -> Answer:
        """Answer a question and return the structured, verified answer (per-call overrides optional)."""
        answer = None
        for event in self.stream(question, history, id=id, top_k=top_k, retrieval=retrieval, source=source,
                                 context=context):
            if isinstance(event, Answer):
                answer = event
        assert answer is not None  # stream always ends with an Answer
        return answer

    def stream(self, question: str, history: Sequence[tuple[str, str]] = (), id: str | None = None,
               top_k: int | None = None, retrieval: str | None = None,
               source: str | None = None, context: str | None = None) -> Iterator[str | Answer]:
        """Yield the model's text pieces as they come, then the final `Answer`.

        Args:
            question: what the user asked.
            history: earlier (question, answer text) turns, oldest first.
            id: an identifier carried into the answer (batch and evaluation runs).
            top_k: passages to retrieve for this call (default: settings).
            retrieval: "dense" or "hybrid" for this call (default: settings).
            source: search only the transcript with this title (default: all).
            context: "whole", "retrieve" or "auto" for this call (default: settings).

        Raises:
            QuestionError: for an empty or overlong question.
        """
        yield from self._stream(question, history, id, top_k, retrieval, source, context)

    def _stream(self, question: str, history: Sequence[tuple[str, str]], id: str | None, top_k: int | None,
                retrieval: str | None, source: str | None, context: str | None,
                follows: str = "", its_own: bool = True, t0: float | None = None) -> Iterator[str | Answer]:
        """`stream`; `follows`: the first part of a two-part question whose second part this is (the last turn
        of `history`): searched together with it ("Why?" alone finds nothing); `its_own`: look for the question
        among those the transcript asks itself (`rag.asked.own_question`); `t0`: when the question was asked,
        when this is a second attempt at it."""
        t0 = time.perf_counter() if t0 is None else t0
        question = check_question(question)
        keep = max(self.settings.history_turns, 1 if follows else 0)
        history = list(history)[-keep:] if keep else []
        searched = f"{follows} {question}" if follows else search_query(question, history)
        base = dict(question=question, searched=searched, id=id)
        focus = find_focus(question, self.transcripts_for(source), self.embedder.encode_cached)
        strategy = "focus" if focus else self.context_for(source, context)
        asked_whole = about_whole(question) if focus is None else None
        # "what is this about?" is about all of it: no floor, when the model reads all of it (not a top-k sample)
        whole_question = asked_whole if strategy == "whole" else None
        # "what are the highlights?" of a transcript that lists its own ("Key Takeaways"): that list, however
        # long the transcript (the list is short)
        if asked_whole == "points" and (section := own_points(self.transcripts_for(source))):
            focus, strategy, whole_question = section, "section", "points"
        # each option is searched and asked on its own, with its own floor: "… have 55 or 100 people?" as a whole
        # is far from "We have 55 plus people", "… have 55?" is not
        if focus is None and not whole_question and self.settings.yes_no_check and (choice := alternatives(question)):
            yield from self._either(choice, history, {}, t0, base, (id, top_k, retrieval, source, context))
            return
        # "How does he explain the difference between an AI agent and agentic AI?" — "You may have this question
        # what is the difference between AI agent and agentic AI?": asked of what follows that question
        if focus is None and not asked_whole and its_own and self.settings.own_questions and not is_yes_no(question) \
                and (asked := own_question(question, self.transcripts_for(source), self.embedder.encode_cached)):
            focus, strategy = asked, "asked"
        t_search = time.perf_counter()
        hits = self.retrieve(searched, top_k, retrieval, source)
        t_retrieved = time.perf_counter()
        timings = {"retrieve": (t_retrieved - t_search) * 1000}
        best = max((h.score for h in hits), default=0.0)  # fused (hybrid) order need not put it first
        if focus is not None and not focus.sentences:
            timings["total"] = (time.perf_counter() - t0) * 1000
            yield Answer(text=ABSTAIN_TEXT, abstained=True, timings_ms=timings, trace=Trace("focus", tuple(hits)),
                         reason=f"no sentence of the transcript is {focus.description}", **base)
            return
        floor = self.settings.min_whole_score if strategy == "whole" else self.settings.min_retrieval_score
        # a name the embedder does not know ("What is n8n?"): search's lexical side found a sentence holding it
        if focus is None and not whole_question and best < floor \
                and not spelled_out(question, (s.text for h in hits for s in h.chunk.sentences if not s.is_heading)):
            timings["total"] = (time.perf_counter() - t0) * 1000
            yield Answer(text=ABSTAIN_TEXT, abstained=True, timings_ms=timings,
                         trace=Trace("none", tuple(hits), (), ()),
                         reason=f"best passage similarity {best:.2f} is below {floor}", **base)
            return
        if focus is None and not whole_question and (parts := two_parts(question)):
            yield from self._in_parts(parts, history, hits, timings, t0, base, (id, top_k, retrieval, source, context))
            return
        if focus:  # a time, neighbour or speaker question, a list of main points, or a question the transcript asks
            # itself: only the sentences it is about
            # the transcript's own question and its answer read as the one passage of speech they are
            passages = (focus.sentences,) if focus.kind == "asked" else tuple((seg,) for seg in focus.sentences)
            # "what comes right before X?" is about place, not topic: ask what that place says; "what is discussed
            # around minute 13?" asks for all of the window, not its first sentence (a long window in three parts)
            overview = (focus.kind == "window" and asks_overview(question)) or focus.kind == "section"
            if focus.kind in ("after", "before"):
                asked = NEIGHBOUR_QUESTION
            elif overview and len(focus.sentences) >= 2 * OVERVIEW_POINTS:
                passages = in_order_parts(focus.sentences, OVERVIEW_POINTS)
                asked = f"{question} {OVERVIEW_PARTS_ASK}"
            else:
                asked = f"{question} {OVERVIEW_ASK}" if overview else question

            def prompt(asked: str) -> list[dict]:
                return build_messages(asked, passages, history, scope=focus.description)
        elif strategy == "whole":
            text, numbered = self.numbered(source)
            asked = {"summary": SUMMARY_QUESTION, "points": f"{question} {OVERVIEW_ASK}"}.get(whole_question, question)
            passages = tuple((seg,) for seg in numbered)

            def prompt(asked: str) -> list[dict]:
                return whole_messages(as_asked(asked, self._yes_no(question)), text, history)
        else:
            asked, passages = question, tuple(h.chunk.sentences for h in hits)

            def prompt(asked: str) -> list[dict]:
                return build_messages(asked, passages, history)
        messages = prompt(asked)
        pieces: list[str] = []
        first = None
        for piece in self.llm.generate(messages, cached_prefix=1):
            if first is None and piece:
                first = time.perf_counter()
            pieces.append(piece)
            yield piece
        t_generated = time.perf_counter()
        raw = "".join(pieces).strip()
        timings["first_token"] = ((first or t_generated) - t0) * 1000
        timings["generate"] = (t_generated - t_retrieved) * 1000
        neighbour = focus is not None and focus.kind in ("after", "before")
        answer = self._finish(raw, Trace(strategy, tuple(hits), passages, ()), timings, base,
                              whole_question=whole_question, read_alone=neighbour)
        answer.timings_ms["verify"] = (time.perf_counter() - t_generated) * 1000

        def ask_again(added: str, timed_as: str) -> tuple[str, Answer]:
            """The question asked once more of the same passages with `added` after it: the reply, verified."""
            t_again = time.perf_counter()
            again = "".join(self.llm.generate(prompt(f"{asked} {added}"), cached_prefix=1)).strip()
            retry = self._finish(again, Trace(strategy, tuple(hits), passages, (), first_reply=raw), timings, base,
                                 whole_question=whole_question, read_alone=neighbour)
            retry.timings_ms[timed_as] = (time.perf_counter() - t_again) * 1000
            return again, retry

        if answer.reason == KIND_REFUSAL:  # "What kind of company?" — "Gigascale.": asked once more, for the kind
            _, retry = ask_again(KIND_ASK, "kind_ask")
            answer = retry if not retry.abstained else answer
        if not answer.abstained and asked == question and not self._yes_no(question) \
                and (relation := relation_asked(question)) and one_side(relation, answer.plain):
            # "How does generative AI relate to agentic AI?" — "Generative AI is related to generating new data …":
            # asked once more for the relation; the answer that names both is kept, else the reply stays on record
            again, retry = ask_again(relation.ask, "relation_ask")
            answer = retry if not retry.abstained and names_both(relation, retry.plain) \
                else replace(answer, trace=replace(answer.trace, second_reply=again))
        if answer.reason == UNSUPPORTED and neighbour and focus.anchor is not None:
            answer = self._by_its_anchor(answer, focus, timings, base)
        if look := self._second_look(answer, best, focus):
            t_look = time.perf_counter()
            passages = look
            scope = focus.description if focus else ""
            again = "".join(self.llm.generate(build_messages(question, passages, history, scope=scope),
                                              cached_prefix=1)).strip()
            # a time question's second look reads the sentences closest to its words: an answer that restates
            # its subject must find it there ("the database he recommends is …" cited to no database)
            looked = self._finish(again, Trace("focus" if focus else "retrieve", tuple(hits), passages, (), first_reply=raw),
                                  timings, base, subject=focus is not None)
            looked.timings_ms["second_look"] = (time.perf_counter() - t_look) * 1000
            answer = looked if not looked.abstained else replace(answer, trace=replace(answer.trace, second_reply=again))
        if not answer.abstained and (claim := when_claim(question, " ".join(s.text for s in answer.sentences
                                                                          if s.supported))):
            answer = self.verdicts.at_that_time(answer, claim)
        if self._yes_no(question):
            answer = self.verdicts.settle(answer, focus, lambda: self.numbered(source)[1])
        elif not answer.abstained and (topic := said_about(question)):
            answer = self._in_their_words(answer, topic)
        if answer.abstained and focus is not None and focus.kind == "asked":
            # what follows the transcript's own question does not answer it: asked as any other question
            yield "\n"
            answer.timings_ms["total"] = (time.perf_counter() - t0) * 1000
            again = self._stream(question, history, id, top_k, retrieval, source, context, follows, its_own=False, t0=t0)
            yield from self._asked_again(answer, again)
            return
        answer.timings_ms["total"] = (time.perf_counter() - t0) * 1000
        yield answer

    @staticmethod
    def _asked_again(first: Answer, events: Iterator[str | Answer]) -> Iterator[str | Answer]:
        """The events of a second attempt at a question, its answer carrying the first attempt's reply (as its
        trace's `first_reply`), time to first token (what the reader saw first) and total (`asked_total`)."""
        for event in events:
            if not isinstance(event, Answer):
                yield event
                continue
            timings = {**event.timings_ms, "asked_total": first.timings_ms.get("total", 0.0)}
            if "first_token" in first.timings_ms:
                timings["first_token"] = first.timings_ms["first_token"]
            trace = replace(event.trace, first_reply=event.trace.first_reply or first.raw) if event.trace else None
            yield replace(event, timings_ms=timings, trace=trace)

    def _in_parts(self, parts: tuple[str, str], history: list, hits, timings: dict, t0: float, base: dict,
                  options: tuple) -> Iterator[str | Answer]:
        """A question that asks two things (`rag.parts.two_parts`), answered one part at a time, the second
        as a follow-up of the first; the answer joins the parts' answers, each cited on its own, and says
        which part the transcript does not answer, if one."""
        answers: list[Answer] = []
        turns = list(history)
        started = []
        for part in parts:
            if answers:
                yield "\n"
            started.append(time.perf_counter())
            for event in self._stream(part, turns, *options, follows=parts[0] if answers else ""):
                if isinstance(event, Answer):
                    answers.append(event)
                else:
                    yield event
            turns.append((part, answers[-1].plain))  # refused too: "his" in the second part still means who it asked
        timings.update({f"{k}_part{i}": v for i, a in enumerate(answers, 1) for k, v in a.timings_ms.items()})
        if "first_token" in answers[0].timings_ms:
            timings["first_token"] = (started[0] - t0) * 1000 + answers[0].timings_ms["first_token"]
        timings["total"] = (time.perf_counter() - t0) * 1000
        answered = [a for a in answers if not a.abstained]
        traces = [a.trace for a in answers if a.trace is not None]
        same = traces and all(t.passages == traces[0].passages for t in traces)
        trace = Trace(traces[0].context if traces else "none", tuple(hits), traces[0].passages if same else (),
                      tuple(d for t in traces for d in t.drafts) if same else (),
                      verdict_reply="\n".join(t.verdict_reply for t in traces if t.verdict_reply))
        raw = "\n".join(a.raw for a in answers)
        if not answered:
            why = "; ".join(f"{p!r}: {a.reason}" for p, a in zip(parts, answers))
            yield Answer(text=ABSTAIN_TEXT, abstained=True, raw=raw, timings_ms=timings, trace=trace,
                         reason=why, **base)
            return
        sentences, citations = joined(parts, answers)
        missing = [p for p, a in zip(parts, answers) if a.abstained]
        yield Answer(text=render(sentences, citations), abstained=False, citations=citations,
                     sentences=sentences, raw=raw, timings_ms=timings, trace=trace,
                     reason=f"the transcript does not answer: {missing[0]}" if missing else "", **base)

    def _either(self, choice: Choice, history: list, timings: dict, t0: float, base: dict,
                per_call: tuple) -> Iterator[str | Answer]:
        """A question that offers two options (`rag.choice.alternatives`): each option asked as a yes/no question
        of its own; the answer is the option the transcript says yes to, with its quoted sentence, or a refusal
        when it says yes to neither or to both."""
        answers: list[Answer] = []
        for ask in choice.asks:
            if answers:
                yield "\n"
            for event in self._stream(ask, history, *per_call):
                if isinstance(event, Answer):
                    answers.append(event)
                else:
                    yield event
        timings.update({f"{k}_option{i}": v for i, a in enumerate(answers, 1) for k, v in a.timings_ms.items()})
        timings["total"] = (time.perf_counter() - t0) * 1000
        chosen, why = picked(choice, answers)
        raw = "\n".join(a.raw for a in answers)
        trace = answers[chosen if chosen is not None else 0].trace
        if trace is not None:
            trace = replace(trace, verdict_reply="\n".join(a.trace.verdict_reply for a in answers
                                                           if a.trace and a.trace.verdict_reply))
        if chosen is None:
            yield Answer(text=ABSTAIN_TEXT, abstained=True, raw=raw, timings_ms=timings, trace=trace, reason=why,
                         **base)
            return
        answer = answers[chosen]
        sentences = as_chosen(choice.options[chosen], answer)
        yield Answer(text=render(sentences, answer.citations), abstained=False, citations=answer.citations,
                     sentences=sentences, raw=raw, timings_ms=timings, trace=trace, **base)

    def _by_its_anchor(self, answer: Answer, focus: Focus, timings: dict, base: dict) -> Answer:
        """A refused answer to "what comes right after/before X?" verified once more against the part read with
        the sentence it follows or precedes, `focus.anchor` (which the model was told of); kept when no sentence
        of it is supported by the anchor alone (the part is what makes it supported), else the refusal stands.
        Its trace keeps the passages the model was shown, so a citation of the anchor counts as outside them.

        "Which tool does he talk about right after he is done with Zapier?": the sentence found for Zapier
        goes on to name the next tool ("… similar to Zapier is N8N where you can do drag and drop …"), and the
        model describes the part after it in those terms ("N8N is a tool … it can trigger AI agents with
        anthropic chat models …"): neither sentence alone supports that, the two together do. An answer about
        the anchor alone is about what comes before the part, not the part.
        """
        t0 = time.perf_counter()
        joined = (focus.anchor, *focus.sentences) if focus.kind == "after" else (*focus.sentences, focus.anchor)
        again = self._finish(answer.raw, replace(answer.trace, passages=(joined,), drafts=()), timings, base,
                             read_alone=True)
        alone = self._finish(answer.raw, replace(answer.trace, passages=((focus.anchor,),), drafts=()), timings,
                             base, read_alone=True)
        timings["anchor"] = (time.perf_counter() - t0) * 1000
        if again.abstained or any(s.supported for s in alone.sentences):
            return answer
        return replace(again, trace=replace(again.trace, passages=answer.trace.passages))

    def _second_look(self, answer: Answer, best: float, focus) -> tuple:
        """The passages to ask once more from, after an answer was refused (empty: no second look).

        After a whole-transcript answer, when search found a close passage (or passages holding each name the
        question names, which the embedder may not know: `rag.checks.names_found`): the top-k passages alone, on
        caption text when verification (not the model) refused it, and on any text when the model found no
        answer to a yes/no question (a small model reading the whole transcript often misses the answer a
        sentence implies without the words "yes" or "no"). Measured on seeds/qa-captions.jsonl: a smaller
        context turns some wrong whole-transcript answers into right ones; on the punctuated summary it
        answered an unanswerable question, so verification's refusals stand there.

        After the model found nothing in a time window ("What example does he introduce around the 8-minute
        mark?" over 20 caption sentences): the window's 5 sentences closest to the question with its time
        phrase set aside, in transcript order. An overview of the window is not asked again.
        """
        trace = answer.trace
        if not (self.settings.second_look and answer.abstained and trace is not None):
            return ()
        if focus is not None:
            bare = without_time(answer.question)
            if trace.context != "focus" or trace.drafts != () or focus.kind != "window" or not bare \
                    or asks_overview(answer.question) or len(focus.sentences) <= WINDOW_LOOK:
                return ()
            vectors = self.embedder.encode_cached([bare] + [s.text for s in focus.sentences])
            return tuple((s,) for s in keep_best(focus.sentences, vectors[1:] @ vectors[0], WINDOW_LOOK))
        if trace.context != "whole":
            return ()
        if topic := said_about(answer.question):  # "what did he say about beating Nvidia?": where he does
            order = [p[0] for p in trace.passages]  # the whole transcript(s) the model read, in order
            at = {s.key: i for i, s in enumerate(order)}
            if near := around(order, [at[s.key] for s in mentioning(topic, order, TOPIC_LOOK)]):
                return tuple((order[j],) for j in near)
        # a name the embedder does not know ("Zapier") is close to no passage, but search's lexical side finds it
        if best < self.settings.min_retrieval_score and not names_found(
                answer.question, (s.text for h in trace.hits for s in h.chunk.sentences)):
            return ()
        if trace.drafts == ():  # the model itself found nothing
            return tuple(h.chunk.sentences for h in trace.hits) if self._yes_no(answer.question) else ()
        return tuple(h.chunk.sentences for h in trace.hits) if self._captions_only(trace) else ()

    def _yes_no(self, question: str) -> bool:
        """Whether the question gets the yes/no handling (`rag.checks.is_yes_no`, when the setting is on)."""
        return self.settings.yes_no_check and is_yes_no(question)

    @staticmethod
    def _in_their_words(answer: Answer, topic: frozenset[str]) -> Answer:
        """A "what did he say about X?" answer, then its cited sentences that speak of X, quoted (see
        `rag.checks.in_their_words`); the answer as it is when there is nothing to add."""
        said = in_their_words(" ".join(s.text for s in answer.sentences if s.supported), topic,
                              [c.text for c in answer.citations])
        if said is None:
            return answer
        quoted = tuple(i for i, c in enumerate(answer.citations) if in_quotes(c.text) in said)
        sentences = (*answer.sentences, AnswerSentence(said, quoted, True))
        return replace(answer, text=render(sentences, answer.citations), sentences=sentences)

    def _captions_only(self, trace: Trace) -> bool:
        """Whether every sentence shown comes from captions or speech recognition (noisy, fragmentary text)."""
        formats = {t.title: t.format for t in self.transcripts}
        shown = {s.source for p in trace.passages for s in p}
        return bool(shown) and all(formats.get(title) in CAPTION_FORMATS for title in shown)

    def _threshold(self, trace: Trace) -> float:
        """The support threshold: lower when every sentence shown comes from captions or speech recognition."""
        return self.settings.caption_support_threshold if self._captions_only(trace) else self.settings.support_threshold

    def _finish(self, raw: str, trace: Trace, timings: dict, base: dict, subject: bool = False,
                whole_question: str | None = None, read_alone: bool = False) -> Answer:
        """Verify the raw reply and decide whether to answer or abstain (`subject`: see `rag.checks.refusal`;
        `whole_question`: what `rag.focus.about_whole` made of a question read against the whole transcript;
        `read_alone`: a short answer sentence is verified as it is, not read with the question — a question
        about what comes right after or before X names X, which the part it is about does not hold)."""
        if not raw or says_dont_know(raw):
            return Answer(text=ABSTAIN_TEXT, abstained=True, raw=raw, timings_ms=timings, trace=trace,
                          reason="the model found no answer in the transcript", **base)
        question = base["question"]
        read_with = "" if read_alone else question
        drafts = parse_answer(raw, len(trace.passages))
        trace = replace(trace, drafts=tuple(drafts))
        threshold = self._threshold(trace)
        sentences, citations = verify(drafts, trace.passages, self.embedder.encode_cached, threshold,
                                      question=read_with)
        # an overview ("what is discussed around minute 13?", "summarize the talk") is asked for its main points
        overview = whole_question in ("summary", "points") or (trace.context == "focus" and asks_overview(question))
        most = OVERVIEW_POINTS if overview else None
        if any(s.supported for s in sentences):
            kept = needed(drafts, sentences, question, self.embedder.encode_cached, most)
            if len(kept) < len(drafts):  # padding left out: verify what stays, so the citations are its own
                trace = replace(trace, drafts=tuple(kept))
                sentences, citations = verify(kept, trace.passages, self.embedder.encode_cached, threshold,
                                              question=read_with)
        # a question about the whole recording is answered by any of it, like a time window's by the window
        reason = refusal(question, sentences, citations, trace.passages,
                         trace.context in ("whole", "retrieve") and not whole_question,
                         self.embedder.encode_cached, self.settings.min_evidence_score,
                         yes_no=self._yes_no(question), subject=subject, searched=base["searched"],
                         headings=self.headings())
        if reason:
            return Answer(text=ABSTAIN_TEXT, abstained=True, raw=raw, sentences=sentences, timings_ms=timings,
                          trace=trace, reason=reason, **base)
        return Answer(text=render(sentences, citations), abstained=False, citations=citations,
                      sentences=sentences, raw=raw, timings_ms=timings, trace=trace, **base)
