"""The one settings object: environment and flags in, validated on construction."""

import pytest

from rag.errors import SettingsError
from rag.settings import Settings, seed_paths


def test_environment_and_overrides(tmp_path):
    env = {"TRANSCRIPT_RAG_MODEL": "qwen2.5-coder-0.5b", "TRANSCRIPT_RAG_TOP_K": "3", "TRANSCRIPT_RAG_CONTEXT": "retrieve",
           "TRANSCRIPT_RAG_AUTH": "ann:secret", "TRANSCRIPT_RAG_HOME": str(tmp_path)}
    s = Settings.from_env(env, top_k=7, library_dir=tmp_path)
    assert (s.answer_model, s.top_k, s.context, s.auth, s.engine) == ("qwen2.5-coder-0.5b", 7, "retrieve", "ann:secret", "llama-cpp")
    assert "secret" not in repr(s)  # secrets stay out of logs


def test_a_server_url_means_the_openai_engine(tmp_path):
    s = Settings.from_env({"TRANSCRIPT_RAG_LLM_URL": "http://127.0.0.1:8080/v1"}, library_dir=tmp_path)
    assert s.engine == "openai" and s.answers_at_once == 4
    assert Settings(paths=seed_paths()).answers_at_once == 1


@pytest.mark.parametrize("changes, message", [
    ({"top_k": 0}, "top_k"), ({"retrieval": "sparse"}, "retrieval"), ({"engine": "gpu"}, "engine"),
    ({"context": "all"}, "context"), ({"engine": "openai"}, "llm-url"), ({"auth": "nocolon"}, "USER:PASSWORD"),
    ({"concurrency": -1}, "concurrency"), ({"paths": ()}, "no transcript"),
    ({"min_whole_score": 2.0}, "min_whole_score"), ({"support_threshold": -3}, "support_threshold"),
])
def test_bad_settings_are_refused_on_construction(changes, message):
    with pytest.raises(SettingsError, match=message):
        Settings(**{"paths": seed_paths(), **changes})
    with pytest.raises(SettingsError, match=message):  # copies are validated too
        Settings(paths=seed_paths()).with_(**changes) if changes != {"paths": ()} else Settings(paths=())


def test_bad_number_in_the_environment(tmp_path):
    with pytest.raises(SettingsError, match="TRANSCRIPT_RAG_TOP_K must be a whole number"):
        Settings.from_env({"TRANSCRIPT_RAG_TOP_K": "five"}, library_dir=tmp_path)


def test_the_context_window_and_the_whole_budget_come_from_the_environment(tmp_path):
    s = Settings.from_env({"TRANSCRIPT_RAG_CONTEXT_TOKENS": "22528", "TRANSCRIPT_RAG_WHOLE_MAX_TOKENS": "4000"},
                          library_dir=tmp_path)
    assert (s.context_tokens, s.whole_max_tokens) == (22528, 4000)
    with pytest.raises(SettingsError, match="TRANSCRIPT_RAG_CONTEXT_TOKENS must be a whole number"):
        Settings.from_env({"TRANSCRIPT_RAG_CONTEXT_TOKENS": "20k"}, library_dir=tmp_path)


def test_folders_given_as_text_are_paths(tmp_path):
    s = Settings.from_env({}, paths=("a.txt",), cache_dir=str(tmp_path / "c"), library_dir=str(tmp_path / "l"),
                          model_cache=str(tmp_path / "m"))
    assert s.index_dir == tmp_path / "c" / "index" and s.models_dir == tmp_path / "m"
    assert s.library_dir == tmp_path / "l"
