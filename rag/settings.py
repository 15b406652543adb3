"""One typed settings object, built at the edges (CLI, UI, benchmarks) and passed down."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from rag.errors import SettingsError

DEFAULT_ANSWER_MODEL = "qwen2.5-coder-1.5b"
ENGINES = ("llama-cpp", "transformers", "openai")  # what rag.engines.make_generator builds
TRANSCRIPT_SUFFIXES = (".md", ".txt", ".srt", ".vtt", ".json")


def default_cache_dir() -> Path:
    """`$TRANSCRIPT_RAG_CACHE`, else `$XDG_CACHE_HOME/transcript-rag`, else `~/.cache/transcript-rag`."""
    if os.environ.get("TRANSCRIPT_RAG_CACHE"):
        return Path(os.environ["TRANSCRIPT_RAG_CACHE"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "transcript-rag"


def default_library_dir() -> Path:
    """`$TRANSCRIPT_RAG_HOME`, else `$XDG_DATA_HOME/transcript-rag`, else `~/.local/share/transcript-rag`."""
    if os.environ.get("TRANSCRIPT_RAG_HOME"):
        return Path(os.environ["TRANSCRIPT_RAG_HOME"]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "transcript-rag"


def library_paths(folder: Path) -> tuple[str, ...]:
    """Files registered in the transcript library in `folder` (`rag.library` is the one reader of it)."""
    from rag.library import Library  # imported here: the library module builds on these settings

    return tuple(e.file for e in Library(folder).entries())


def seed_dir() -> Path:
    """The folder of seed transcripts and gold sets.

    The top-level `seeds/` folder is installed as `rag/seeds` (pyproject.toml maps it there), so an
    installed copy is looked for first; running from a checkout, it is the `seeds/` beside `rag/`.

    Raises:
        SettingsError: when neither exists (an install without its package data).
    """
    here = Path(__file__).resolve().parent
    for folder in (here / "seeds", here.parent / "seeds"):
        if folder.is_dir():
            return folder
    raise SettingsError(f"the seed transcripts are missing from {here / 'seeds'} and {here.parent / 'seeds'}: "
                        "reinstall transcript-rag, or name a transcript with --source")


def seed_paths() -> tuple[str, ...]:
    """The transcripts in `seed_dir()` (the default when no source is named)."""
    return tuple(
        str(p) for p in sorted(seed_dir().iterdir())
        if p.suffix in TRANSCRIPT_SUFFIXES and not p.name.endswith(".meta.json") and not p.name.startswith(".")
    )


@dataclass(frozen=True)
class Settings:
    """Everything that shapes an answer; each field can be set by a flag or an environment variable."""

    paths: tuple[str, ...] = field(default_factory=seed_paths)  # the transcript files to search (--source)
    cache_dir: Path = field(default_factory=default_cache_dir)
    model_cache: Path | None = None  # where packaged models are assembled; default: cache_dir/models
    library_dir: Path = field(default_factory=default_library_dir)
    answer_model: str = DEFAULT_ANSWER_MODEL  # a packaged name, a folder, a .gguf file or a hub id (--model)
    engine: str = "llama-cpp"  # "llama-cpp", "transformers" or "openai" (see rag/engines)
    context: str = "auto"  # "whole" transcript as a cached prefix, "retrieve" top-k passages, or "auto" by size
    context_tokens: int = 8192  # the llama.cpp context window
    whole_max_tokens: int = 6000  # auto: the whole transcript is used up to this many prompt tokens
    llm_url: str | None = None  # an OpenAI-compatible server, e.g. http://127.0.0.1:8080/v1
    llm_model: str | None = None  # the model name that server expects
    llm_api_key: str | None = field(default=None, repr=False)
    llm_timeout: float = 120.0
    concurrency: int = 0  # answers at once in the web app; 0: 1 for a local engine, 4 for a server
    auth: str | None = field(default=None, repr=False)  # "user:password" for the web app
    embed_model: str | None = None  # None: the packaged all-MiniLM-L6-v2
    retrieval: str = "hybrid"  # "dense" or "hybrid" (dense + BM25, fused by reciprocal rank) (--retriever)
    top_k: int = 5
    chunk_max_chars: int = 400
    chunk_max_sentences: int = 6
    chunk_overlap: int = 1
    max_new_tokens: int = 160
    threads: int = 0  # 0: one per core
    # Abstention and citation support (see rag/citations.py and rag/pipeline.py).
    min_retrieval_score: float = 0.30
    min_whole_score: float = 0.20  # with the whole transcript in view the model itself sees what is missing
    support_threshold: float = 0.55
    # caption and speech-recognition text (SRT, WebVTT, caption/Whisper JSON) is noisy and fragmentary:
    # the same check scores a right answer lower there (measured on seeds/qa-captions.jsonl)
    caption_support_threshold: float = 0.48
    # the answer path's budget: at most this many model calls for one question, and no new call once this many
    # seconds have passed (see rag.pipeline)
    max_calls: int = 3
    answer_seconds: float = 60.0
    # a summary, decision, opinion or reason reads this many passages spread across the transcript
    spread_k: int = 8
    # answer checks switched off by name (rag.checks.REGISTRY, or "support", "floor"): for ablations
    checks_off: tuple[str, ...] = ()
    history_turns: int = 2

    def __post_init__(self) -> None:
        for name in ("cache_dir", "library_dir", "model_cache"):  # a folder given as text works as one
            if isinstance(getattr(self, name), str):
                object.__setattr__(self, name, Path(getattr(self, name)).expanduser())
        self.validate()

    def with_(self, **changes) -> Settings:
        """A copy with some fields changed (None values are ignored)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    @property
    def index_dir(self) -> Path:
        return self.cache_dir / "index"

    @property
    def models_dir(self) -> Path:
        return self.model_cache or self.cache_dir / "models"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides) -> Settings:
        """Build settings from `TRANSCRIPT_RAG_*` environment variables, then explicit overrides."""
        env = dict(os.environ if env is None else env)
        values: dict = {}
        if env.get("TRANSCRIPT_RAG_MODEL"):
            values["answer_model"] = env["TRANSCRIPT_RAG_MODEL"]
        for key, name in (("TRANSCRIPT_RAG_TOP_K", "top_k"), ("TRANSCRIPT_RAG_THREADS", "threads"),
                          ("TRANSCRIPT_RAG_CONTEXT_TOKENS", "context_tokens"),
                          ("TRANSCRIPT_RAG_WHOLE_MAX_TOKENS", "whole_max_tokens")):
            if env.get(key):
                try:
                    values[name] = int(env[key])
                except ValueError:
                    raise SettingsError(f"{key} must be a whole number, got {env[key]!r}") from None
        for key, name in (("TRANSCRIPT_RAG_RETRIEVER", "retrieval"), ("TRANSCRIPT_RAG_ENGINE", "engine"),
                          ("TRANSCRIPT_RAG_CONTEXT", "context"), ("TRANSCRIPT_RAG_LLM_URL", "llm_url"),
                          ("TRANSCRIPT_RAG_LLM_MODEL", "llm_model"), ("TRANSCRIPT_RAG_LLM_KEY", "llm_api_key"),
                          ("TRANSCRIPT_RAG_AUTH", "auth")):
            if env.get(key):
                values[name] = env[key]
        values.update({k: v for k, v in overrides.items() if v is not None})
        if values.get("llm_url") and "engine" not in values:  # a server URL alone means the openai engine
            values["engine"] = "openai"
        if "paths" not in values:  # default: the seeds plus every transcript in the library
            library = Path(values.get("library_dir") or default_library_dir())
            values["paths"] = seed_paths() + library_paths(library)
        return cls(**values)

    def validate(self) -> None:
        """Raise SettingsError naming the first setting that cannot work."""
        if self.top_k < 1:
            raise SettingsError(f"top_k must be at least 1, got {self.top_k}")
        if self.retrieval not in ("dense", "hybrid"):
            raise SettingsError(f"retrieval (--retriever) must be 'dense' or 'hybrid', got {self.retrieval!r}")
        if self.chunk_overlap >= self.chunk_max_sentences:
            raise SettingsError("chunk_overlap must be smaller than chunk_max_sentences")
        if not self.paths:
            raise SettingsError("no transcript to search: name one with --source")
        if self.engine not in ENGINES:
            raise SettingsError(f"engine must be 'llama-cpp', 'transformers' or 'openai', got {self.engine!r}")
        if self.context not in ("auto", "whole", "retrieve"):
            raise SettingsError(f"context must be 'auto', 'whole' or 'retrieve', got {self.context!r}")
        if self.engine == "openai" and not self.llm_url:
            raise SettingsError("the openai engine needs --llm-url (e.g. http://127.0.0.1:8080/v1)")
        if self.auth is not None and ":" not in self.auth:
            raise SettingsError("--auth (or TRANSCRIPT_RAG_AUTH) takes USER:PASSWORD")
        if self.concurrency < 0:
            raise SettingsError(f"concurrency must be 0 (automatic) or more, got {self.concurrency}")
        if self.context_tokens < 512 or self.whole_max_tokens < 0:
            raise SettingsError("context_tokens must be at least 512 and whole_max_tokens at least 0")
        if self.max_calls < 1 or self.spread_k < 1 or self.answer_seconds <= 0:
            raise SettingsError("max_calls and spread_k must be at least 1 and answer_seconds more than 0")
        from rag.checks import active

        try:
            active(self.checks_off)
        except ValueError as exc:
            raise SettingsError(str(exc)) from None
        for name in ("min_retrieval_score", "min_whole_score", "support_threshold",
                     "caption_support_threshold"):
            if not -1.0 <= getattr(self, name) <= 1.0:
                raise SettingsError(f"{name} is a similarity between -1 and 1, got {getattr(self, name)}")

    @property
    def answers_at_once(self) -> int:
        """How many questions the web app answers at the same time."""
        return self.concurrency or (4 if self.engine == "openai" else 1)
