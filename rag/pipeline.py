"""The question-answering path in one readable place: plan, look, generate, verify, check, answer or abstain.

A question is read once into a plan (`rag.plan`). The plan gives a list of looks at the transcript
(`rag.evidence`): the first is the whole transcript when it fits the prompt (a cached prefix) or the passages
the plan calls for; the next ones are other passages, tried only when an answer is refused. At most
`Settings.max_calls` looks are asked, and none after `Settings.answer_seconds`; every call is recorded in the
trace as an `Attempt`. Each reply is verified sentence by sentence (`rag.citations`) under the answer checks
(`rag.checks`); what no transcript sentence supports is never shown.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace

from rag.answer import ABSTAIN_TEXT, Answer, Attempt, Trace
from rag.chunker import Hit
from rag.embedder import Embedder, SentenceTransformerEmbedder
from rag.engines import Generator
from rag.evidence import Look, neighbour_look, overview_look, search_look, speaker_look, window_look
from rag.finish import finish
from rag.forms import asked, form_for
from rag.plan import MAX_QUESTION_CHARS, Plan, check_question, read_question, search_query  # noqa: F401
from rag.prepare import QUESTION_ROOM
from rag.prompt import build_messages, number_sentences, whole_messages
from rag.retriever import Retriever
from rag.settings import Settings
from rag.checks import found_by_name, heard, unknown_name

CAPTION_FORMATS = ("vtt", "srt", "json")  # speech-recognition and subtitle text (recordings are Whisper JSON)
SCOPED = ("window", "after", "before")  # looks whose sentences the question itself names


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
        self._words: dict[str | None, tuple[str, str]] = {}
        self._swap, self._units_for, self._prepared = threading.Lock(), None, set()

    @property
    def llm(self) -> Generator:
        if self._llm is None:
            from rag.engines import make_generator

            self._llm = make_generator(self.settings)
        return self._llm

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

    def retriever_for(self, mode: str) -> Retriever:
        """The retriever of a given mode over the same index (built once each)."""
        if mode not in self._retrievers:
            self._retrievers[mode] = Retriever(self.embedder, self.index, mode)
        return self._retrievers[mode]

    def load(self) -> Pipeline:
        """Load every model and the index now, and compute the whole-transcript prefix if it will be used."""
        self.embedder.load()
        self.retriever_for(self.settings.retrieval)
        if hasattr(self.llm, "load"):
            self.llm.load()
        if self.context_for(None) == "whole" and hasattr(self.llm, "warm"):
            self.llm.warm(self.whole_prompt(None), 1)
        self._recall_units()
        return self

    def _recall_units(self) -> None:
        """The verifier's cached vectors to the embedder, once per set of transcripts (`rag.corpus.recall_units`)."""
        if self._units_for is not self.transcripts:
            from rag.corpus import recall_units

            self._units_for = recall_units(self.embedder, self.transcripts, self.settings)

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

    def whole_prompt(self, source: str | None) -> list[dict]:
        """The messages of a whole-transcript question; their first, the numbered transcript, is the cached prefix."""
        return whole_messages("?", self.numbered(source)[0])

    def context_for(self, source: str | None, context: str | None = None) -> str:
        """"whole" when the selected transcripts fit the prompt budget, or fit the context and were prepared
        (`rag.prepare`), or it is asked for; else "retrieve"."""
        context = context or self.settings.context
        if context != "auto":
            return context
        short = self.whole_tokens(source) <= self.settings.whole_max_tokens
        return "whole" if short or (self.fits_whole(source) and self.prepared(source)) else "retrieve"

    def whole_tokens(self, source: str | None) -> int:
        """How many tokens the selected transcripts are, numbered as the model reads them whole."""
        if source not in self._whole_tokens:
            text = self.whole_prompt(source)[0]["content"]
            count = getattr(self.llm, "count_tokens", None)
            self._whole_tokens[source] = count(text) if count else len(text) // 3
        return self._whole_tokens[source]

    def fits_whole(self, source: str | None) -> bool:
        """Over the prompt budget but within the context window: worth preparing (`rag.prepare`)."""
        room = self.settings.context_tokens - QUESTION_ROOM - self.settings.max_new_tokens
        return self.settings.whole_max_tokens < self.whole_tokens(source) <= room

    def prepared(self, source: str | None) -> bool:
        """Whether the whole-transcript state of the selected transcripts is saved (remembered once true)."""
        ready = getattr(self.llm, "has_state", lambda *_: False)
        if source not in self._prepared and ready(self.whole_prompt(source), 1):
            self._prepared.add(source)
        return source in self._prepared

    def use_paths(self, paths: tuple[str, ...]) -> None:
        """Switch to another set of transcripts (only new ones are embedded), swapped in at once."""
        from rag.corpus import build_index, load_sources

        settings = self.settings.with_(paths=paths)
        transcripts = load_sources(settings)
        index = build_index(settings, self.embedder, transcripts)
        with self._swap:
            self.settings, self._transcripts, self._index = settings, transcripts, index
            self._retrievers, self._whole_tokens, self._numbered, self._words, self._prepared = {}, {}, {}, {}, set()

    def ask(self, question: str, history: Sequence[tuple[str, str]] = (), id: str | None = None,
            top_k: int | None = None, retrieval: str | None = None, source: str | None = None,
            context: str | None = None) -> Answer:
        """Answer a question and return the structured, verified answer (per-call overrides optional)."""
        events = self.stream(question, history, id=id, top_k=top_k, retrieval=retrieval, source=source, context=context)
        return [e for e in events if isinstance(e, Answer)][-1]  # the stream always ends with its Answer

    def looks(self, plan: Plan, hits: list[Hit], strategy: str, source: str | None, top_k: int) -> list[Look]:
        """What the model is shown, in the order it is tried: the plan's own look first, then other passages."""
        sentences = self.numbered(source)[1]
        self._recall_units()
        encode = self.embedder.encode_cached
        if plan.scope == "window":
            return [window_look(plan, sentences, encode)]
        if plan.scope in ("after", "before"):
            return [neighbour_look(plan, sentences, encode)]
        spread = form_for(plan).spread
        most = self.settings.spread_k if spread else top_k
        found = [search_look(hits, most, spread), search_look(hits[most:], most, True)]
        if plan.scope == "speaker":
            found.insert(0, speaker_look(plan, hits, most))
        if plan.scope == "whole":
            titles = {t.title for t in self.transcripts_for(source)}
            found.insert(0, overview_look([c for c in self.index.chunks if c.source in titles], self.settings.spread_k))
        if strategy == "whole":
            found.insert(0, Look("whole", tuple((s,) for s in sentences)))
        shown = [look for look in found if look.passages]
        return shown or found[:1]  # nothing to show: the first look's refusal says why

    def stream(self, question: str, history: Sequence[tuple[str, str]] = (), id: str | None = None,
               top_k: int | None = None, retrieval: str | None = None,
               source: str | None = None, context: str | None = None) -> Iterator[str | Answer]:
        """Yield the model's text pieces as they come, then the final `Answer`.

        Args:
            question: what the user asked; history: earlier (question, answer text) turns, oldest first.
            id: an identifier carried into the answer (batch and evaluation runs).
            top_k, retrieval, context: per-call overrides of the settings; source: one transcript's title.

        Raises:
            QuestionError: for an empty or overlong question.
        """
        t0 = time.perf_counter()
        question = check_question(question)
        history = list(history)[-self.settings.history_turns:] if self.settings.history_turns else []
        plan = read_question(question, self.transcripts_for(source), search_query(question, history))
        top_k = top_k or self.settings.top_k
        hits = self.retrieve(plan.searched, 2 * max(top_k, self.settings.spread_k), retrieval, source)
        timings = {"retrieve": (time.perf_counter() - t0) * 1000}
        strategy = self.context_for(source, context)
        base = dict(question=question, searched=plan.searched, id=id)
        looks = self.looks(plan, hits, strategy, source, top_k)
        trace = Trace("none", plan, tuple(hits))
        refusal = self._before_asking(plan, hits, strategy, looks, source)
        if refusal:
            timings["total"] = (time.perf_counter() - t0) * 1000
            yield Answer(text=ABSTAIN_TEXT, abstained=True, timings_ms=timings, trace=trace, reason=refusal, **base)
            return
        attempts: list[Attempt] = []
        answers: list[Answer] = []
        for look in looks[: self.settings.max_calls]:
            if attempts and (time.perf_counter() - t0 > self.settings.answer_seconds):
                break
            if attempts:
                yield "\n"
            t_call = time.perf_counter()
            pieces: list[str] = []
            for piece in self.llm.generate(self._messages(plan, look, source, history), cached_prefix=1):
                if "first_token" not in timings and piece:
                    timings["first_token"] = (time.perf_counter() - t0) * 1000
                pieces.append(piece)
                yield piece
            raw = "".join(pieces).strip()
            timings["generate"] = timings.get("generate", 0.0) + (time.perf_counter() - t_call) * 1000
            answer = self._finish(raw, plan, look, replace(trace, context=look.name, passages=look.passages), base)
            attempts.append(Attempt(look.name, raw, answer.reason or "answered", (time.perf_counter() - t_call) * 1000))
            answers.append(answer)
            if not answer.abstained:
                break
        final = answers[-1] if not answers[-1].abstained else answers[0]
        timings["total"] = (time.perf_counter() - t0) * 1000
        yield replace(final, timings_ms=timings, trace=replace(final.trace, attempts=tuple(attempts)))

    def _before_asking(self, plan: Plan, hits: list[Hit], strategy: str, looks: list[Look], source: str | None) -> str:
        """Why the model is not asked at all ("" when it is): nothing to show, or nothing close to the question."""
        if not looks:
            return "the transcript has nothing to show for this question"
        if looks[0].refusal:
            return looks[0].refusal
        # the options of a "this or that?" question are offered, not claimed: one of them may never be said
        if "names" not in self.settings.checks_off and plan.form != "choice" \
                and (unknown := self._unknown_names(plan, source)):
            return f"the transcript never says {unknown}"
        if plan.scope in SCOPED or plan.scope == "whole" or "floor" in self.settings.checks_off:
            return ""
        floor = self.settings.min_whole_score if strategy == "whole" else self.settings.min_retrieval_score
        best = max((h.score for h in hits), default=0.0)
        if best >= floor or found_by_name(plan.topic, (h.chunk.text for h in hits)):
            return ""
        return f"best passage similarity {best:.2f} is below {floor}"

    def _finish(self, raw: str, plan: Plan, look: Look, trace: Trace, base: dict) -> Answer:
        """The reply verified under the active checks (`rag.finish.finish`)."""
        off = self.settings.checks_off
        return finish(raw, plan, look, trace, base, encode=self.embedder.encode_cached, checks_off=off,
                      threshold=-1.0 if "support" in off else self._threshold(look.passages),
                      about_subject=look.name not in SCOPED and plan.scope != "whole")

    def _unknown_names(self, plan: Plan, source: str | None) -> str:
        """The first name the question gives that the transcript never says (`rag.checks.unknown_name`)."""
        if source not in self._words:
            self._words[source] = heard(" ".join(f"{s.speaker or ''} {s.text}" for s in self.numbered(source)[1]))
        return unknown_name(plan.topic, *self._words[source])

    def _messages(self, plan: Plan, look: Look, source: str | None, history: list) -> list[dict]:
        if look.name == "whole":
            return whole_messages(asked(plan), self.numbered(source)[0], history)
        return build_messages(asked(plan), look.passages, history, scope=look.scope)

    def _threshold(self, passages: tuple) -> float:
        """The support threshold: lower when every sentence shown comes from captions or speech recognition."""
        formats = {t.title: t.format for t in self.transcripts}
        shown = {s.source for p in passages for s in p}
        captions = bool(shown) and all(formats.get(title) in CAPTION_FORMATS for title in shown)
        return self.settings.caption_support_threshold if captions else self.settings.support_threshold
