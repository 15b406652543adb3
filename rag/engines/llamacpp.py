"""The llama.cpp engine: the packaged 4-bit GGUF as it is, with a reusable prompt prefix.

Prompt processing on a small CPU is the slow part (about 100 tokens/s on 2 cores), so the engine never
processes the same tokens twice. The leading messages that stay the same from question to question
(`cached_prefix`: the instructions, or the instructions plus a whole transcript) are evaluated once;
their KV state is kept in memory and on disk (`state_dir`, keyed by the model and the prefix tokens),
so a restart restores it in well under a second instead of paying the prefill again. The saved states
are capped in size (`state_disk_bytes`): the least recently used go first. Each question
then only processes its own tokens.

A reply depends on its prompt alone, not on what was asked before: the tokens after the prefix are always
evaluated in one go from the prefix's end. (llama-cpp-python's own prefix match would reuse whatever the
context already holds, say "Question: What" of the previous question, and a different split of the same
prompt gives slightly different numbers: with greedy decoding, sometimes a different answer.)
"""

from __future__ import annotations

import ctypes
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from rag.errors import ModelError
from rag.engines.states import StateStore
from rag.models import PACKAGED, assemble_gguf

SENTINEL = "\u2063QUESTION\u2063"  # an invisible separator: never in a transcript, marks where the suffix starts
PREFILL_STEP = 2048  # a long prefix is evaluated in steps of this many tokens to report progress (n_batch x 4)
MIN_STATE_TOKENS = 256  # shorter prefixes are kept in memory only: cheaper to recompute than to store
STATE_DISK_BYTES = 8 << 30  # a state is about 28 KB a token: 80 MB for the seed, 570 MB for an hour-long meeting


def gguf_file(spec: str, models_dir: Path) -> Path:
    """The GGUF to load: a packaged model (assembled and checked once) or a local `.gguf` file.

    Raises:
        ModelError: for anything llama.cpp cannot load, with what to do instead.
    """
    if spec in PACKAGED:
        return assemble_gguf(PACKAGED[spec], models_dir)
    path = Path(spec).expanduser()
    if path.is_file() and path.suffix == ".gguf":
        return path
    if path.is_dir():
        raise ModelError(f"{spec}: the llama-cpp engine needs a .gguf file; for a transformers folder use --engine transformers")
    raise ModelError(f"{spec}: no such .gguf file; name a .gguf file or one of: {', '.join(PACKAGED)}")


class LlamaCppLLM:
    """A GGUF chat model run by llama.cpp, streaming, greedy, with prefix-state reuse.

    Args:
        model: a packaged model name or a `.gguf` path.
        models_dir: where packaged models are assembled.
        max_new_tokens: the longest answer, in tokens.
        threads: CPU threads for prompt processing and generation.
        n_ctx: context window in tokens (prefix + question + answer must fit).
        state_dir: where prefix states are saved (None: memory only).
        memory_states: how many prefix states to keep in memory.
        state_disk_bytes: the most the saved states may take on disk; the least recently used go first.
    """

    def __init__(self, model: str, models_dir: Path, max_new_tokens: int = 160, threads: int = 2,
                 n_ctx: int = 8192, state_dir: Path | None = None, memory_states: int = 4,
                 state_disk_bytes: int = STATE_DISK_BYTES):
        self.model = model
        self.models_dir = Path(models_dir)
        self.max_new_tokens = max_new_tokens
        self.threads = threads
        self.n_ctx = n_ctx
        self.state_dir = Path(state_dir) if state_dir else None
        self.memory_states = memory_states
        self.state_disk_bytes = state_disk_bytes
        self._store = StateStore(self.state_dir, state_disk_bytes)
        self._llm = None
        self._formatter = None
        self._model_id = ""
        self._states: OrderedDict[str, tuple[np.ndarray, bytes]] = OrderedDict()
        self._short_states: OrderedDict[str, tuple[np.ndarray, bytes]] = OrderedDict()  # kept apart: they must
        # not push a transcript's state out of memory
        self._exact = 0  # the context's first this many tokens were evaluated (or restored) as a prefix alone
        self._lock = threading.Lock()
        self.stats = {"prefix_evaluated": 0, "prefix_from_memory": 0, "prefix_from_disk": 0, "prefix_in_context": 0}

    @property
    def name(self) -> str:
        return f"{self.model} (llama.cpp)"

    def load(self) -> LlamaCppLLM:
        """Assemble (first run only) and load the GGUF (idempotent)."""
        if self._llm is not None:
            return self
        try:
            from llama_cpp import Llama
            from llama_cpp.llama_chat_format import Jinja2ChatFormatter
        except ImportError as exc:
            raise ModelError("the llama-cpp engine needs llama-cpp-python (make install builds it)") from exc
        path = gguf_file(self.model, self.models_dir)
        try:
            llm = Llama(model_path=str(path), n_ctx=self.n_ctx, n_threads=self.threads,
                        n_threads_batch=self.threads, n_batch=512, verbose=False)
        except (ValueError, RuntimeError) as exc:
            raise ModelError(f"could not load {path} with llama.cpp: {exc}") from None
        template = llm.metadata.get("tokenizer.chat_template")
        if not template:
            raise ModelError(f"{path}: the GGUF has no chat template")
        eos = llm._model.token_get_text(llm.token_eos()) if llm.token_eos() != -1 else ""
        bos = llm._model.token_get_text(llm.token_bos()) if llm.token_bos() != -1 else ""
        self._formatter = Jinja2ChatFormatter(template=template, eos_token=eos, bos_token=bos)
        stat = path.stat()
        self._model_id = f"{path.resolve()}:{stat.st_size}:{int(stat.st_mtime)}:{self.n_ctx}"
        self._llm = llm
        return self

    # --- prompt tokens -------------------------------------------------------------------------

    def _format(self, messages: list[dict]) -> str:
        return self._formatter(messages=messages).prompt

    def _tokenize(self, text: str, bos: bool) -> list[int]:
        return self._llm.tokenize(text.encode("utf-8"), add_bos=bos, special=True)

    def prompt_tokens(self, messages: list[dict], cached_prefix: int = 0) -> tuple[list[int], int]:
        """The prompt's tokens and how many of them form the stable prefix.

        The prefix is the formatted text of the first `cached_prefix` messages up to where the next
        message's content begins, found by formatting with a sentinel in that place.
        """
        self.load()
        text = self._format(messages)
        if not 0 < cached_prefix < len(messages):
            return self._tokenize(text, bos=True), 0
        probe = [*messages[:cached_prefix], {**messages[cached_prefix], "content": SENTINEL}]
        head = self._format(probe)
        cut = head.find(SENTINEL)
        if cut <= 0 or not text.startswith(head[:cut]):
            return self._tokenize(text, bos=True), 0
        prefix = self._tokenize(text[:cut], bos=True)
        return prefix + self._tokenize(text[cut:], bos=False), len(prefix)

    def count_tokens(self, text: str) -> int:
        """How many tokens a piece of text is."""
        self.load()
        return len(self._tokenize(text, bos=False))

    # --- prefix states -------------------------------------------------------------------------

    def _key(self, prefix: list[int]) -> str:
        digest = hashlib.sha256(self._model_id.encode())
        digest.update(np.asarray(prefix, dtype=np.int32).tobytes())
        return digest.hexdigest()[:32]

    def _in_context(self, prefix: list[int]) -> bool:
        """Whether the context holds `prefix` as it would be computed alone (not as the start of a longer
        prompt evaluated in one batch, whose numbers may differ slightly)."""
        n = len(prefix)
        return self._exact == n and self._llm.n_tokens >= n and list(self._llm.input_ids[:n]) == prefix

    def _restore(self, tokens: np.ndarray, state: bytes) -> None:
        llm = self._llm
        llm.reset()
        self._exact = 0
        buf = (ctypes.c_uint8 * len(state)).from_buffer_copy(state)
        import llama_cpp

        if llama_cpp.llama_state_set_data(llm._ctx.ctx, buf, len(state)) != len(state):
            raise ModelError("could not restore a saved prompt state")
        n = len(tokens)
        llm.input_ids[:n] = tokens
        llm.n_tokens = n
        llm._requires_eval = True  # logits are refreshed by evaluating the question's tokens

    def _snapshot(self) -> bytes:
        import llama_cpp

        llm = self._llm
        size = llama_cpp.llama_state_get_size(llm._ctx.ctx)
        buf = (ctypes.c_uint8 * int(size))()
        n = llama_cpp.llama_state_get_data(llm._ctx.ctx, buf, size)
        return bytes(buf[: int(n)])

    def _memory(self, n_tokens: int) -> OrderedDict:
        """Where a prefix state of `n_tokens` is kept in memory: a short one apart from the transcripts'."""
        return self._states if n_tokens >= MIN_STATE_TOKENS else self._short_states

    def _remember(self, key: str, tokens: np.ndarray, state: bytes) -> None:
        states = self._memory(len(tokens))
        states[key] = (tokens, state)
        states.move_to_end(key)
        while len(states) > self.memory_states:
            states.popitem(last=False)

    def has_state(self, messages: list[dict], cached_prefix: int) -> bool:
        """Whether the prefix state of `messages` is ready (in memory or saved): asking with it costs no prefill."""
        with self._lock:
            tokens, n = self.prompt_tokens(messages, cached_prefix)
            key = self._key(tokens[:n])
            return n > 0 and (key in self._memory(n) or self._store.has(key, self._model_id))

    def prepare(self, prefix: list[int], save: bool = True, progress=None) -> str:
        """Make the context hold `prefix`: already there, from memory, from disk, or evaluated once.

        A prefix state is kept in memory; `save` also writes it to disk (worth it for a long prefix, such
        as a whole transcript; a short one, such as a check's instructions, is cheaper to evaluate again
        after a restart than to store). `progress(done, total)` is called as the tokens are evaluated. Returns
        where the prefix came from ("context", "memory", "disk" or "evaluated").
        """
        if self._in_context(prefix):
            self.stats["prefix_in_context"] += 1
            return "context"
        key = self._key(prefix)
        found = self._memory(len(prefix)).get(key)
        where = "memory"
        if found is None and save:
            found = self._store.load(key, self._model_id)
            where = "disk"
        if found is not None:
            self._restore(*found)
            self._exact = len(prefix)
            self._remember(key, *found)
            self.stats[f"prefix_from_{where}"] += 1
            return where
        tokens = np.asarray(prefix, dtype=np.int32)
        self._evaluate_alone(prefix, progress)
        state = self._snapshot()
        self._remember(key, tokens, state)
        if save:
            self._store.save(key, tokens, state, self._model_id)
        self.stats["prefix_evaluated"] += 1
        return "evaluated"

    def _evaluate_alone(self, prefix: list[int], progress=None) -> None:
        """Empty the context and evaluate `prefix` on its own (in `PREFILL_STEP`s when `progress` is told)."""
        self._llm.reset()
        self._exact = 0
        step = PREFILL_STEP if progress else len(prefix) or 1
        for start in range(0, len(prefix), step):
            self._llm.eval(prefix[start:start + step])
            if progress:
                progress(min(start + step, len(prefix)), len(prefix))
        self._exact = len(prefix)

    def warm(self, messages: list[dict], cached_prefix: int, progress=None) -> str:
        """Compute (or restore) the prefix state of `messages` now, before the first question (`progress`: see
        `prepare`)."""
        with self._lock:
            tokens, n = self.prompt_tokens(messages, cached_prefix)
            return self.prepare(tokens[:n], progress=progress) if n >= MIN_STATE_TOKENS else "too short to cache"

    # --- generation ----------------------------------------------------------------------------

    def generate(self, messages: list[dict], cached_prefix: int = 0) -> Iterator[str]:
        """Stream the reply to chat `messages` (greedy); only tokens after the cached prefix are processed.

        Raises:
            ModelError: when the prompt does not fit the context window, or llama.cpp fails.
        """
        with self._lock:
            tokens, n_prefix = self.prompt_tokens(messages, cached_prefix)
            if len(tokens) + self.max_new_tokens > self.n_ctx:
                raise ModelError(f"the prompt is {len(tokens)} tokens; with a {self.max_new_tokens}-token answer it "
                                 f"does not fit the {self.n_ctx}-token context (use --context retrieve)")
            try:
                if n_prefix:
                    self.prepare(tokens[:n_prefix], save=n_prefix >= MIN_STATE_TOKENS)
                else:
                    self._exact = 0
                # reuse the prefix and nothing after it: the rest of the prompt is evaluated in one go
                self._llm.n_tokens = n_prefix
                for chunk in self._llm.create_completion(tokens, max_tokens=self.max_new_tokens, temperature=0.0,
                                                         top_k=1, repeat_penalty=1.0, stream=True):
                    text = chunk["choices"][0]["text"]
                    if text:
                        yield text
            except (RuntimeError, ValueError) as exc:
                raise ModelError(f"generation failed: {exc}") from None
