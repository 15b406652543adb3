"""The llama.cpp engine on the packaged model: a reply depends on its prompt alone, not on what came before."""

from rag.prompt import build_messages, whole_messages
from rag.segments import Segment

QUESTION = "What kind of company did the former Facebook CTO go on to found?"


def _counting_evals(llm, monkeypatch) -> list[int]:
    """Record how many tokens each llama.cpp evaluation call processes."""
    counts: list[int] = []
    evaluate = llm._llm.eval

    def counted(tokens):
        counts.append(len(tokens))
        return evaluate(tokens)

    monkeypatch.setattr(llm._llm, "eval", counted)
    return counts


def test_a_whole_transcript_answer_does_not_depend_on_the_question_before(llm, pipeline, monkeypatch):
    text, _ = pipeline.numbered(None)
    messages = whole_messages(QUESTION, text)
    tokens, n_prefix = llm.prompt_tokens(messages, cached_prefix=1)
    alone = "".join(llm.generate(messages, cached_prefix=1))
    # the question before shares "Question: What" with it: those tokens are evaluated again, not reused
    "".join(llm.generate(whole_messages("What does he say about hardware?", text), cached_prefix=1))
    counts = _counting_evals(llm, monkeypatch)
    after = "".join(llm.generate(messages, cached_prefix=1))
    assert counts[0] == len(tokens) - n_prefix  # the transcript reused, everything after it evaluated in one go
    assert after == alone


def test_an_uncached_prompt_is_evaluated_whole_after_a_similar_one(llm, monkeypatch):
    first = build_messages("Is the sky blue?", [(Segment("t", 1.0, "The sky is blue today."),)])
    second = build_messages("Is the grass green?", [(Segment("t", 1.0, "The grass is green."),)])
    "".join(llm.generate(first))
    counts = _counting_evals(llm, monkeypatch)
    "".join(llm.generate(second))
    tokens, _ = llm.prompt_tokens(second)
    assert counts[0] == len(tokens)  # not only what follows the instructions both share


def test_a_short_cached_prefix_is_kept_in_memory_and_answers_as_if_evaluated_alone(llm, pipeline, monkeypatch):
    text, _ = pipeline.numbered(None)
    # a passages prompt (the retrieve look's): its short instructions are the cached prefix
    prompt = build_messages("Did Meta open-source Llama?",
                            [(Segment("t", 1.0, "Meta open-sourced PyTorch and Llama."),)])
    tokens, n_prefix = llm.prompt_tokens(prompt, cached_prefix=1)
    assert 0 < n_prefix < len(tokens)
    llm._short_states.clear()  # the instructions evaluated afresh
    fresh = "".join(llm.generate(prompt, cached_prefix=1))
    "".join(llm.generate(whole_messages(QUESTION, text), cached_prefix=1))  # the transcript in the context now
    counts = _counting_evals(llm, monkeypatch)
    restored = "".join(llm.generate(prompt, cached_prefix=1))
    assert counts[0] == len(tokens) - n_prefix  # the instructions came back from memory
    assert restored == fresh


def test_a_prefix_evaluated_in_steps_with_progress_answers_as_if_evaluated_at_once(llm, pipeline, settings, tmp_path,
                                                                                  monkeypatch):
    """`rag.prepare` evaluates a long transcript in steps to report progress: the state it saves is the same."""
    import rag.engines.llamacpp
    from rag.engines.llamacpp import LlamaCppLLM

    monkeypatch.setattr(rag.engines.llamacpp, "PREFILL_STEP", 512)  # n_batch: the seed is three steps of it
    text, _ = pipeline.numbered(None)
    messages = whole_messages(QUESTION, text)
    tokens, n = llm.prompt_tokens(messages, cached_prefix=1)
    assert n > 1024  # more than two steps
    llm.warm(messages, 1)
    at_once = "".join(llm.generate(messages, cached_prefix=1))
    stepped = LlamaCppLLM(settings.answer_model, settings.models_dir, settings.max_new_tokens, llm.threads,
                          n_ctx=llm.n_ctx, state_dir=tmp_path)
    steps = []
    assert not stepped.has_state(messages, 1)
    assert stepped.warm(messages, 1, progress=lambda done, total: steps.append((done, total))) == "evaluated"
    assert steps == [(min(s + 512, n), n) for s in range(0, n, 512)]
    again = LlamaCppLLM(settings.answer_model, settings.models_dir, settings.max_new_tokens, llm.threads,
                        n_ctx=llm.n_ctx, state_dir=tmp_path)
    assert again.has_state(messages, 1)  # saved: another engine (a restart, the answering one) finds it
    assert "".join(again.generate(messages, cached_prefix=1)) == at_once
    assert again.stats["prefix_from_disk"] == 1
