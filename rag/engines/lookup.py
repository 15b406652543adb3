"""Greedy decoding that reads its next tokens ahead from the prompt (prompt-lookup decoding).

On a small CPU, generating a token means reading every weight of the model once (about 1.1 GB for the packaged
4-bit 1.5B model): about 10 tokens a second on 2 cores, whatever the batch. A batch of a few tokens costs
little more than one. An answer about a transcript copies much of it ("Gigascale invests in companies utilizing
technology to combat climate change" is the transcript's own wording), so after each token the engine looks up
where the last few tokens occurred before in the context, and evaluates the tokens that followed there as a
guess, all in one batch. The model's own greedy choice at every position says how much of the guess to keep:
the reply is the one plain greedy decoding gives (up to the rounding of batched arithmetic), only sooner.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

NGRAM_MAX = 3  # the longest run of last tokens looked up in the context
NGRAM_MIN = 2  # a single token recurs too often to guess from
DRAFT_MAX = 8  # tokens guessed at once


def draft(context: Sequence[int], most: int = DRAFT_MAX, longest: int = NGRAM_MAX, shortest: int = NGRAM_MIN) -> list[int]:
    """The tokens that followed the latest earlier occurrence of the context's last few tokens (longest run first).

    >>> draft([5, 6, 7, 8, 9, 1, 5, 6, 7], most=3)
    [8, 9, 1]
    >>> draft([1, 2, 3, 4], most=3), draft([7, 7], most=2)
    ([], [])
    """
    tokens = np.asarray(context, dtype=np.int64)
    n = len(tokens)
    for size in range(min(longest, n - 1), shortest - 1, -1):
        tail = tokens[n - size:]
        starts = np.nonzero(tokens[: n - size] == tail[0])[0]  # candidates end before the tail itself
        for start in starts[::-1]:
            if np.array_equal(tokens[start:start + size], tail):
                follow = tokens[start + size:start + size + most]
                return follow.tolist()
    return []


def accepted(guess: Sequence[int], choices: Sequence[int]) -> tuple[list[int], int]:
    """The guessed tokens the model agrees with, and its own next token.

    `choices[j]` is the model's greedy token after the batch's first j + 1 tokens (the token decided before the
    guess, then `guess[:j]`): guess[j] is kept while it equals choices[j]; the first choice that differs, or the
    one after the whole guess, is the next token.

    >>> accepted([4, 5, 6], [4, 5, 9, 2]), accepted([4, 5], [4, 5, 3]), accepted([], [8])
    (([4, 5], 9), ([4, 5], 3), ([], 8))
    """
    kept = []
    for g, c in zip(guess, choices):
        if g != c:
            break
        kept.append(g)
    return kept, int(choices[len(kept)])


def greedy(llm, suffix: Sequence[int], max_new: int, draft_max: int = DRAFT_MAX) -> Iterator[int]:
    """Evaluate `suffix` after what the context holds (`llm.n_tokens` tokens) and yield the greedy reply's tokens,
    guessing up to `draft_max` at a time (0: one token at a time), until an end-of-generation token (not yielded)
    or `max_new` tokens. `llm` is a `llama_cpp.Llama` created without `logits_all`."""
    import llama_cpp

    ctx, vocab, n_vocab = llm._ctx.ctx, llm._model.vocab, llm.n_vocab()
    llm.eval(list(suffix))
    pending = int(np.argmax(np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(ctx, -1), shape=(n_vocab,))))
    made = 0
    batch = llama_cpp.llama_batch_init(draft_max + 1, 0, 1)
    try:
        while made < max_new and not llama_cpp.llama_vocab_is_eog(vocab, pending):
            yield pending
            made += 1
            context = llm.input_ids[: llm.n_tokens].tolist() + [pending]
            guess = draft(context, min(draft_max, max_new - made)) if draft_max else []
            choices = _decode(llm, batch, [pending, *guess], n_vocab)
            kept, nxt = accepted(guess, choices)
            for token in kept:
                if llama_cpp.llama_vocab_is_eog(vocab, token):
                    return
                yield token
                made += 1
            keep = llm.n_tokens + 1 + len(kept)  # the pending token and the guess kept; the rest is forgotten
            llama_cpp.llama_memory_seq_rm(llama_cpp.llama_get_memory(ctx), 0, keep, -1)
            llm.input_ids[llm.n_tokens:keep] = [pending, *kept]
            llm.n_tokens = keep
            pending = nxt
    finally:
        llama_cpp.llama_batch_free(batch)


def _decode(llm, batch, tokens: list[int], n_vocab: int) -> list[int]:
    """Evaluate `tokens` after the context in one batch, with the model's greedy choice after each."""
    import llama_cpp

    n_past = llm.n_tokens
    batch.n_tokens = len(tokens)
    for i, token in enumerate(tokens):
        batch.token[i], batch.pos[i], batch.n_seq_id[i], batch.logits[i] = token, n_past + i, 1, True
        batch.seq_id[i][0] = 0
    if llama_cpp.llama_decode(llm._ctx.ctx, batch) != 0:
        raise RuntimeError("llama_decode failed")
    return [int(np.argmax(np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(llm._ctx.ctx, i), shape=(n_vocab,))))
            for i in range(len(tokens))]
