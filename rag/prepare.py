"""Long transcripts prepared once for fast answers: their whole-transcript prompt state, computed ahead of time.

A transcript whose numbered text fits the prompt budget (`Settings.whole_max_tokens`) is read whole from the
first question: its prefix state takes seconds. A longer one (an hour-long meeting is 12,000-20,000 tokens)
takes minutes to read at the 2-core compute limit, so it is read once, here: by `transcript-rag prepare` with
a progress bar, or by the web app in the background, with its own engine, while questions are answered from
retrieved passages. The state is saved (`rag.engines.states`), and from then on every question about that
transcript is read whole, its first token in about a second (`Pipeline.context_for`).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

QUESTION_ROOM = 512  # tokens kept free in the context for a question and its instructions


@dataclass(frozen=True)
class Step:
    """How far the preparation of one transcript has come."""

    title: str
    done: int
    total: int
    seconds: float

    @property
    def left(self) -> float | None:
        """Seconds left at the pace so far (None before the first step)."""
        return self.seconds * (self.total - self.done) / self.done if self.done else None

    def __str__(self) -> str:
        """
        >>> str(Step("Bmr026", 4096, 20166, 66.0))
        'Bmr026: 20% of 20166 tokens, about 4 min left'
        """
        left = self.left
        eta = "" if left is None else f", about {max(1, round(left / 60))} min left"
        return f"{self.title}: {100 * self.done // max(self.total, 1)}% of {self.total} tokens{eta}"


def waiting(pipeline) -> list[str]:
    """The titles of the transcripts that are long enough to need preparing, fit the context, and are not ready."""
    return [t.title for t in pipeline.transcripts if pipeline.fits_whole(t.title) and not pipeline.prepared(t.title)]


def prepare(pipeline, title: str, engine, report=None) -> str:
    """Compute and save the whole-transcript state of one transcript with `engine` (`report(Step)` as it goes)."""
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        if report:
            report(Step(title, done, total, time.perf_counter() - started))

    return engine.warm(pipeline.whole_prompt(title), 1, progress=progress)


class Background:
    """Prepares the waiting transcripts one at a time in a thread, with an engine of its own (the answering
    engine stays free for questions), loaded for the work and let go after it."""

    def __init__(self, pipeline, make_engine=None):
        self.pipeline = pipeline
        self.make_engine = make_engine
        self.step: Step | None = None
        self.failed: str = ""
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def start(self) -> Background:
        """Start preparing whatever waits (nothing: no thread); call again after the library changed."""
        with self._lock:
            if (self._thread is None or not self._thread.is_alive()) and waiting(self.pipeline):
                self._thread = threading.Thread(target=self._run, name="prepare-transcripts", daemon=True)
                self._thread.start()
        return self

    def join(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def status(self) -> str:
        """One line for the user: what is being prepared and how long it will take, else ""."""
        if self.failed:
            return f"Could not prepare a transcript for fast answers: {self.failed}"
        step = self.step
        if step is None or self._thread is None or not self._thread.is_alive():
            return ""
        return f"Preparing {step} (answers come from retrieved passages until then)."

    def _run(self) -> None:
        from rag.engines import make_generator

        engine, tried, self.failed = None, set(), ""
        try:
            while titles := [t for t in waiting(self.pipeline) if t not in tried]:  # each once: a state that
                tried.add(titles[0])  # cannot be saved is not computed again and again
                engine = engine or (self.make_engine or make_generator)(self.pipeline.settings)
                self.step = Step(titles[0], 0, 1, 0.0)
                prepare(self.pipeline, titles[0], engine, self._report)
        except Exception as exc:  # shown in the app's status line; questions go on from retrieved passages
            self.failed = f"{type(exc).__name__}: {exc}"
        finally:
            self.step = None
            del engine

    def _report(self, step: Step) -> None:
        self.step = step


def prepare_all(settings) -> int:
    """`transcript-rag prepare`: prepare every waiting transcript now, a progress bar each; says what it did."""
    from tqdm import tqdm

    from rag.pipeline import Pipeline

    pipeline = Pipeline(settings)
    titles = waiting(pipeline)
    for t in pipeline.transcripts:
        if t.title not in titles:
            tokens = pipeline.whole_tokens(t.title)
            why = ("short: read whole from the first question" if tokens <= settings.whole_max_tokens
                   else "prepared" if pipeline.prepared(t.title)
                   else f"longer than the {settings.context_tokens}-token context: answered from retrieved passages")
            print(f"{t.title}: {tokens} tokens, {why}")
    for title in titles:
        with tqdm(total=pipeline.whole_tokens(title), unit="tok", desc=title, dynamic_ncols=True) as bar:
            def report(step: Step) -> None:
                bar.update(step.done - bar.n)
            started = time.perf_counter()
            prepare(pipeline, title, pipeline.llm, report)
        print(f"{title}: prepared in {time.perf_counter() - started:.0f} s; its questions are now read whole")
    return 0
