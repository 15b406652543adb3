"""The OpenAI-compatible engine against a real llama.cpp server, and fake servers that misbehave."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from rag.engines.openai import OpenAILLM, sse_data
from rag.errors import ModelError

HOST = "127.0.0.1"
START_TIMEOUT = 60.0  # seconds for the server to answer GET /v1/models
YES = [{"role": "user", "content": "Reply with the word yes."}]
COUNT = [{"role": "user", "content": "Count from 1 to 20, separated by commas."}]


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (right now)."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def packaged_gguf() -> Path:
    from rag.models import PACKAGED, assemble_gguf
    from rag.settings import default_cache_dir

    return assemble_gguf(PACKAGED["qwen2.5-coder-0.5b"], default_cache_dir() / "models")


@contextmanager
def llama_server(log: Path, *extra: str) -> Iterator[str]:
    """Run `python -m llama_cpp.server` on the packaged 0.5B model; yield its base URL, stop it after."""
    import httpx

    port = free_port()
    url = f"http://{HOST}:{port}/v1"
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(packaged_gguf()), "--host", HOST,
               "--port", str(port), "--n_ctx", "2048", "--n_threads", "2", *extra]
    with log.open("wb") as err:  # a file, not a pipe: the server's chatter must never block it
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err)
    try:
        t0 = time.monotonic()
        while True:
            try:
                if httpx.get(f"{url}/models", timeout=1.0).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() - t0 > START_TIMEOUT:
                tail = log.read_text("utf-8", "replace")[-3000:]
                pytest.fail(f"llama_cpp.server did not come up on {url} (exit code {proc.poll()}):\n{tail}")
            time.sleep(0.25)
        print(f"llama_cpp.server answered after {time.monotonic() - t0:.1f} s", file=sys.stderr)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="module")
def server_url(tmp_path_factory) -> Iterator[str]:
    """A real OpenAI-compatible server, started once for this module with its default settings."""
    with llama_server(tmp_path_factory.mktemp("llama-server") / "stderr.log") as url:
        yield url


# --- the real server ----------------------------------------------------------------------------


@pytest.mark.llm
def test_streams_a_reply(server_url):
    llm = OpenAILLM(server_url + "/", "any-name", max_new_tokens=32).load()  # the trailing slash is dropped
    assert llm.name == f"any-name @ {server_url}"
    yes = "".join(llm.generate(YES))
    assert "yes" in yes.lower()
    pieces = list(llm.generate(COUNT))
    assert len(pieces) > 1 and all(isinstance(p, str) and p for p in pieces)
    assert "1" in "".join(pieces)


@pytest.mark.llm
def test_greedy_is_repeatable(server_url):
    llm = OpenAILLM(server_url, "x", max_new_tokens=32)
    first = "".join(llm.generate(COUNT, cached_prefix=1))
    assert first and "".join(llm.generate(COUNT, cached_prefix=1)) == first


@pytest.mark.llm
def test_a_cut_short_stream_is_an_error_not_a_short_answer(server_url):
    """llama_cpp.server ends a stream with [DONE] (and no finish_reason) when another request arrives."""
    llm = OpenAILLM(server_url, "x", max_new_tokens=64)
    whole = "".join(llm.generate(COUNT))
    streaming = threading.Event()
    outcome: dict[str, object] = {}

    def first() -> None:
        try:
            for _ in llm.generate(COUNT):
                streaming.set()
            outcome["first"] = "completed"
        except ModelError as exc:
            outcome["first"] = exc
        finally:
            streaming.set()

    thread = threading.Thread(target=first)
    thread.start()
    assert streaming.wait(60)
    second = "".join(llm.generate(COUNT))
    thread.join(60)
    assert second == whole
    assert isinstance(outcome["first"], ModelError), outcome
    assert "interrupt_requests" in str(outcome["first"]) and server_url in str(outcome["first"])


@pytest.mark.llm
def test_concurrent_answers_are_whole_with_interrupts_off(tmp_path):
    with llama_server(tmp_path / "stderr.log", "--interrupt_requests", "False") as url:
        llm = OpenAILLM(url, "x", max_new_tokens=48)
        whole = "".join(llm.generate(COUNT))
        results: list[object] = [None] * 3

        def ask(i: int) -> None:
            try:
                results[i] = "".join(llm.generate(COUNT))
            except ModelError as exc:
                results[i] = exc

        threads = [threading.Thread(target=ask, args=(i,)) for i in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert results == [whole] * 3


@pytest.mark.llm
def test_pipeline_end_to_end(server_url, tmp_path):
    from rag.pipeline import Pipeline
    from rag.settings import Settings, seed_paths

    settings = Settings(paths=seed_paths(), cache_dir=tmp_path, engine="openai", llm_url=server_url,
                        llm_model="x", context="retrieve")
    pipeline = Pipeline(settings, llm=OpenAILLM(server_url, "x", max_new_tokens=96)).load()
    answer = pipeline.ask("What does Gigascale invest in?")
    out = answer.to_json()
    assert {"answer", "citations"} <= out.keys() and out["answer"]
    times = {s.timestamp for t in pipeline.transcripts for s in t.segments}
    assert "00:00:35" in times
    assert all(c["timestamp"] in times for c in out["citations"])
    assert answer.abstained or out["citations"]


# --- no server, or a misbehaving one --------------------------------------------------------------


def test_server_down_names_the_url():
    url = f"http://{HOST}:{free_port()}/v1"
    llm = OpenAILLM(url, "x", timeout=5)
    t0 = time.monotonic()
    with pytest.raises(ModelError, match="could not connect") as down:
        llm.load()
    assert url in str(down.value)
    with pytest.raises(ModelError, match="could not connect") as down:
        list(llm.generate(YES))
    assert url in str(down.value)
    assert time.monotonic() - t0 < 10


@pytest.mark.parametrize("url", ["", "127.0.0.1:8080/v1", "ftp://127.0.0.1/v1"])
def test_a_url_that_is_not_http_is_refused(url):
    with pytest.raises(ModelError, match="not a server URL"):
        OpenAILLM(url, "x")


Handler = Callable[[BaseHTTPRequestHandler], None]


@contextmanager
def fake_server(on_post: Handler, on_get: Handler | None = None, chunked: bool = False) -> Iterator[tuple[str, list]]:
    """A stdlib HTTP server on 127.0.0.1 in a thread; yields its /v1 URL and the requests it got.

    Each request is recorded as `{"method", "path", "headers", "body"}` (the body parsed as JSON).
    """
    seen: list[dict] = []

    class Handle(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1" if chunked else "HTTP/1.0"

        def log_message(self, *args) -> None:  # keep the test output clean
            pass

        def do_GET(self) -> None:
            seen.append({"method": "GET", "path": self.path, "headers": dict(self.headers), "body": None})
            (on_get or send_models)(self)

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            seen.append({"method": "POST", "path": self.path, "headers": dict(self.headers), "body": body})
            on_post(self)

    server = ThreadingHTTPServer((HOST, 0), Handle)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_address[1]}/v1", seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def send(handler: BaseHTTPRequestHandler, status: int, body: bytes, kind: str = "application/json") -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", kind)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def send_models(handler: BaseHTTPRequestHandler) -> None:
    send(handler, 200, json.dumps({"object": "list", "data": [{"id": "fake"}]}).encode())


def chunk(content: str | None = None, finish: str | None = None) -> str:
    delta = {"content": content} if content is not None else {}
    return "data: " + json.dumps({"choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}) + "\n\n"


def stream(events: list[str], chunked: bool = False, cut: bool = False) -> Handler:
    """A POST handler that sends these SSE events; `cut` drops the connection without ending the body."""

    def handle(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/event-stream")
        if chunked:
            handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        for event in events:
            data = event.encode()
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(data), data) if chunked else data)
            handler.wfile.flush()
        if chunked and not cut:
            handler.wfile.write(b"0\r\n\r\n")
        handler.wfile.flush()
        handler.close_connection = True
        if cut:
            handler.connection.shutdown(socket.SHUT_RDWR)

    return handle


WHOLE = [chunk(""), chunk("Hello"), chunk(" there."), chunk(finish="stop"), "data: [DONE]\n\n"]


@pytest.mark.parametrize("chunked", [False, True])
def test_a_whole_stream_from_a_fake_server(chunked):
    with fake_server(stream([": ping\n\n", *WHOLE], chunked), chunked=chunked) as (url, _):
        assert list(OpenAILLM(url, "x", timeout=10).generate(YES)) == ["Hello", " there."]


@pytest.mark.parametrize(("events", "chunked", "match"), [
    ([chunk("Hello"), chunk(" th")], False, "closed before the answer was complete"),  # clean close, no [DONE]
    ([chunk("Hello"), chunk(" th")], True, "broke mid-answer"),  # a chunked body cut off: httpx's own error
    ([chunk("Hello"), "data: [DONE]\n\n"], False, "interrupt_requests"),  # [DONE] but never a finish_reason
    ([chunk("Hello"), 'data: {"error": {"message": "out of memory"}}\n\n'], False, "out of memory"),
    ([chunk("Hello"), "data: {not json\n\n"], False, "not JSON"),
], ids=["closed", "cut", "no-finish", "error-event", "garbage"])
def test_a_server_that_stops_mid_answer(events, chunked, match):
    with fake_server(stream(events, chunked, cut=True), chunked=chunked) as (url, _):
        pieces = []
        with pytest.raises(ModelError, match=match) as stopped:
            for piece in OpenAILLM(url, "x", timeout=10).generate(YES):
                pieces.append(piece)
    assert pieces[:1] == ["Hello"] and url in str(stopped.value)  # what came before the failure was streamed


def test_http_500_is_reported_with_its_body():
    with fake_server(lambda h: send(h, 500, b"internal kaboom " + b"x" * 500, "text/plain")) as (url, _):
        with pytest.raises(ModelError, match="HTTP 500") as failed:
            list(OpenAILLM(url, "x", timeout=10).generate(YES))
    message = str(failed.value)
    assert url in message and "internal kaboom" in message and len(message) < 400


def test_a_server_that_never_answers_times_out():
    with fake_server(lambda h: time.sleep(2)) as (url, _):
        t0 = time.monotonic()
        with pytest.raises(ModelError, match="did not answer in time") as slow:
            list(OpenAILLM(url, "x", timeout=0.5).generate(YES))
        assert time.monotonic() - t0 < 2
    assert url in str(slow.value)


def test_load_refuses_a_server_that_does_not_speak_json():
    page = lambda h: send(h, 200, b"<html>not an API</html>", "text/html")  # noqa: E731
    with fake_server(stream(WHOLE), on_get=page) as (url, _):
        with pytest.raises(ModelError, match="did not answer with JSON") as wrong:
            OpenAILLM(url, "x", timeout=10).load()
    assert url in str(wrong.value)


def test_the_api_key_is_sent_as_a_bearer_token():
    with fake_server(stream(WHOLE)) as (url, seen):
        OpenAILLM(url, "x", api_key="sekrit", timeout=10).load()
        assert "".join(OpenAILLM(url, "x", api_key="sekrit", timeout=10).generate(YES)) == "Hello there."
        OpenAILLM(url, "x", timeout=10).load()
    assert [(r["method"], r["headers"].get("Authorization")) for r in seen] == [
        ("GET", "Bearer sekrit"), ("POST", "Bearer sekrit"), ("GET", None)]


def test_the_request_asks_for_a_greedy_stream():
    with fake_server(stream(WHOLE)) as (url, seen):
        list(OpenAILLM(url, "m", max_new_tokens=7, timeout=10).generate(YES, cached_prefix=1))
    assert seen[0]["path"] == "/v1/chat/completions"
    assert seen[0]["body"] == {"model": "m", "messages": YES, "max_tokens": 7, "temperature": 0, "stream": True}


@pytest.mark.parametrize(("lines", "expected"), [
    ([], []),
    (["data: [DONE]"], ["[DONE]"]),  # no closing blank line
    (["data: {}", "", "", "data: {}", ""], ["{}", "{}"]),
    (["data:a", "data: b", "", ": ping", "event: x", "id: 3", ""], ["a\nb"]),
    (["data: “ünïcode”", ""], ["“ünïcode”"]),
])
def test_sse_data(lines, expected):
    assert list(sse_data(lines)) == expected
