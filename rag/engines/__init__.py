"""Answer-model engines behind one small interface, and the factory that builds one from settings.

Every engine streams text for chat messages. `cached_prefix` says how many leading messages stay the
same from question to question (the instructions, or the instructions plus a whole transcript):
an engine that can keep their computed state (llama.cpp) processes them once, not per question.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol, runtime_checkable

from rag.settings import Settings



@runtime_checkable
class Generator(Protocol):
    """The answer model: `generate(messages) -> Iterator[str]`, greedy, streaming."""

    name: str

    def generate(self, messages: list[dict], cached_prefix: int = 0) -> Iterator[str]:
        """Stream the reply to chat `messages`; the first `cached_prefix` messages are a stable prefix."""
        ...


def physical_cores() -> int:
    """Cores this process may run on (the machines here have no SMT siblings to leave out)."""
    import os

    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def make_generator(settings: Settings) -> Generator:
    """The engine the settings name; nothing is loaded until `load()` or the first question."""
    threads = settings.threads or physical_cores()
    if settings.engine == "llama-cpp":
        from rag.engines.llamacpp import LlamaCppLLM

        return LlamaCppLLM(settings.answer_model, settings.models_dir, settings.max_new_tokens, threads,
                           n_ctx=settings.context_tokens, state_dir=settings.cache_dir / "prefix-states")
    if settings.engine == "transformers":
        from rag.engines.hf import LocalLLM

        return LocalLLM(settings.answer_model, settings.models_dir, settings.max_new_tokens, threads)
    from rag.engines.openai import OpenAILLM

    return OpenAILLM(settings.llm_url, settings.llm_model or settings.answer_model, settings.max_new_tokens,
                     api_key=settings.llm_api_key, timeout=settings.llm_timeout)
