"""The transformers engine: any causal-LM folder or hub id (a GGUF is dequantised), fp32 on the CPU."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

from rag.errors import ModelError
from rag.models import resolve_llm, say


class LocalLLM:
    """A chat model behind one verb, `generate(messages) -> Iterator[str]`.

    Weights load on `load()` (or first use), never in the constructor. Generation is greedy, so the
    same prompt gives the same answer. The model is not re-entrant: calls are serialised by a lock.

    Args:
        model: a packaged model name, a local folder, a `.gguf` file, or a hub id.
        models_dir: where packaged models are assembled and converted.
        max_new_tokens: the longest answer, in tokens.
        threads: torch CPU threads (0 keeps torch's default).
    """

    def __init__(self, model: str, models_dir: Path, max_new_tokens: int = 160, threads: int = 0):
        self.model = model
        self.models_dir = Path(models_dir)
        self.max_new_tokens = max_new_tokens
        self.threads = threads
        self._lm = None
        self._tok = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return f"{self.model} (transformers)"

    def load(self) -> LocalLLM:
        """Find, assemble if needed, and load the weights (idempotent)."""
        if self._lm is not None:
            return self
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        if self.threads:
            torch.set_num_threads(self.threads)
        path, gguf_file = resolve_llm(self.model, self.models_dir)
        kwargs = {"gguf_file": gguf_file} if gguf_file else {}
        if gguf_file:
            say(f"Loading {gguf_file} (GGUF is dequantised at every load; a converted folder loads faster)...")
        try:
            self._tok = AutoTokenizer.from_pretrained(path, **kwargs)
            self._lm = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32, **kwargs)
        except (OSError, ValueError) as exc:
            raise ModelError(f"could not load answer model {self.model!r}: {exc}") from None
        self._lm.eval()
        return self

    def count_tokens(self, text: str) -> int:
        """How many tokens a piece of generated text is."""
        self.load()
        return len(self._tok(text, add_special_tokens=False)["input_ids"])

    def _format(self, messages: list[dict]) -> str:
        return self._tok.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)

    def generate(self, messages: list[dict], cached_prefix: int = 0) -> Iterator[str]:
        """Stream the model's reply to chat `messages` as text pieces (no prefix reuse in this engine)."""
        self.load()
        import torch
        from transformers import TextIteratorStreamer

        inputs = self._tok(self._format(messages), return_tensors="pt")
        streamer = TextIteratorStreamer(self._tok, skip_prompt=True, skip_special_tokens=True)
        errors: list[BaseException] = []

        def run() -> None:
            try:
                with torch.inference_mode():
                    self._lm.generate(**inputs, max_new_tokens=self.max_new_tokens, do_sample=False,
                                      streamer=streamer, pad_token_id=self._tok.eos_token_id)
            except BaseException as exc:  # re-raised in the caller's thread below
                errors.append(exc)
                streamer.on_finalized_text("", stream_end=True)

        with self._lock:
            worker = threading.Thread(target=run, daemon=True)
            worker.start()
            yield from streamer
            worker.join()
        if errors:
            raise ModelError(f"generation failed: {errors[0]}")
