"""Shared fixtures: the real small models load once per session; fakes only for pure logic."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from rag.settings import Settings, default_cache_dir, seed_paths

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "cto-ai-era.txt"
SEED_TITLE = "The role of the CTO in the AI era"


class ScriptedLLM:
    """A deterministic stand-in for the answer model: replies with a fixed text (or, call by call, with the
    texts of a list, the last one repeating), records prompts."""

    name = "scripted"

    def __init__(self, reply: str | list[str]):
        self.replies = [reply] if isinstance(reply, str) else list(reply)
        self.prompts: list[list[dict]] = []

    @property
    def reply(self) -> str:
        return self.replies[0]

    @reply.setter
    def reply(self, text: str) -> None:
        self.replies = [text]

    def generate(self, messages: list[dict], cached_prefix: int = 0) -> Iterator[str]:
        self.prompts.append(messages)
        reply = self.replies[min(len(self.prompts), len(self.replies)) - 1]
        for i in range(0, len(reply), 7):
            yield reply[i : i + 7]


@pytest.fixture(scope="session")
def model_cache() -> Path:
    """Packaged models are assembled once per machine, in the user cache, and shared by tests."""
    return default_cache_dir() / "models"


@pytest.fixture(scope="session")
def settings(tmp_path_factory, model_cache) -> Settings:
    """Seed sources, a fresh index cache, the shared model cache."""
    return Settings(paths=seed_paths(), cache_dir=tmp_path_factory.mktemp("cache"), model_cache=model_cache)


@pytest.fixture(scope="session")
def embedder():
    from rag.embedder import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder().load()


@pytest.fixture(scope="session")
def seed_index(settings, embedder):
    from rag.corpus import build_index

    return build_index(settings, embedder)


@pytest.fixture(scope="session")
def llm(settings):
    """The default engine (llama.cpp) with the default packaged model, loaded once."""
    from rag.engines import make_generator

    return make_generator(settings).load()


@pytest.fixture(scope="session")
def pipeline(settings, embedder, seed_index, llm):
    from rag.pipeline import Pipeline

    return Pipeline(settings, embedder=embedder, llm=llm, index=seed_index).load()


@pytest.fixture
def scripted_pipeline(settings, embedder, seed_index):
    """A pipeline whose answer model is scripted per test: `scripted_pipeline("reply")`."""
    from rag.pipeline import Pipeline

    def make(reply: str | list[str], **changes):
        return Pipeline(settings.with_(**changes), embedder=embedder, llm=ScriptedLLM(reply), index=seed_index)

    return make
