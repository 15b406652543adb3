"""The OpenAI-compatible engine: answers streamed from a server (vLLM, llama.cpp's server, ...) over HTTP.

The server does the heavy work, so many questions can be answered at once and the model can be far larger
than this machine could run. `cached_prefix` is not sent: servers such as vLLM and llama.cpp's server
reuse a shared prompt prefix on their own (automatic prefix caching). An answer only counts when the stream
ends properly (a `finish_reason`, then `[DONE]`): llama_cpp.server, by default, cuts a stream short with a
clean `[DONE]` when another request arrives, and that must be an error, not a silently shorter answer.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from rag.errors import ModelError

LOAD_TIMEOUT = 10.0  # seconds `load()` waits for `GET /models`: a running server answers at once
CONNECT_TIMEOUT = 10.0
INTERRUPTED_HINT = ("llama_cpp.server does this to a stream when another request arrives; "
                    "start it with --interrupt_requests False")


def sse_data(lines: Iterable[str]) -> Iterator[str]:
    """The `data` of each server-sent event, its `data:` lines joined; comments and other fields skipped.

    >>> list(sse_data(["data: {}", "", ": ping", "", "data: [DONE]", ""]))
    ['{}', '[DONE]']
    """
    data: list[str] = []
    for line in lines:
        if not line:
            if data:
                yield "\n".join(data)
                data = []
        elif line.startswith("data:"):
            value = line[5:]
            data.append(value[1:] if value.startswith(" ") else value)
        # ":" comments (keep-alive pings), "event:", "id:" and "retry:" lines carry no text
    if data:  # a last event without its blank line: still whole, and [DONE] must not be missed
        yield "\n".join(data)


def describe(exc: Exception) -> str:
    """A short reason for a failed request: the exception's message, or its type when it has none."""
    return str(exc) or type(exc).__name__


class OpenAILLM:
    """A chat model behind an OpenAI-compatible `/v1/chat/completions` endpoint, greedy and streaming.

    Safe to use from several threads at once: each call opens its own HTTP client.

    Args:
        url: the server's base URL, ending in `/v1` (e.g. `http://127.0.0.1:8080/v1`).
        model: the model name the server expects (llama.cpp's server accepts any name).
        max_new_tokens: the longest answer, in tokens.
        api_key: sent as `Authorization: Bearer <key>` when set.
        timeout: seconds to wait for the server's next piece of the answer.

    Raises:
        ModelError: for a URL that is not http(s).
    """

    def __init__(self, url: str, model: str, max_new_tokens: int = 160, api_key: str | None = None,
                 timeout: float = 120.0):
        if not url or not url.startswith(("http://", "https://")):
            raise ModelError(f"{url!r} is not a server URL: give one like http://127.0.0.1:8080/v1")
        self.url = url.rstrip("/")
        self.model = model
        self.max_new_tokens = max_new_tokens
        self.api_key = api_key
        self.timeout = timeout

    @property
    def name(self) -> str:
        return f"{self.model} @ {self.url}"

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}

    def _failure(self, exc: Exception) -> ModelError:
        """One clear line for an HTTP failure, naming the server."""
        import httpx

        if isinstance(exc, httpx.ConnectError):
            return ModelError(f"could not connect to the model server at {self.url} ({describe(exc)}); is it running?")
        if isinstance(exc, httpx.TimeoutException):
            return ModelError(f"the model server at {self.url} did not answer in time ({describe(exc)}); "
                              f"is it overloaded? (the timeout is {self.timeout:g} s)")
        if isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError)):
            return ModelError(f"the connection to the model server at {self.url} broke mid-answer "
                              f"({describe(exc)}); did the server stop?")
        return ModelError(f"the request to the model server at {self.url} failed: {describe(exc)}")

    def _status_error(self, status: int, body: str) -> ModelError:
        hint = " (check the API key)" if status in (401, 403) else ""
        body = " ".join(body.split())[:200]
        return ModelError(f"the model server at {self.url} answered HTTP {status}{hint}: {body}")

    def load(self) -> OpenAILLM:
        """Check that the server answers `GET /models` (nothing is loaded here).

        Raises:
            ModelError: when the server is down, unreachable, refuses the request or does not speak JSON.
        """
        import httpx

        try:
            response = httpx.get(f"{self.url}/models", headers=self._headers(), timeout=LOAD_TIMEOUT)
        except httpx.HTTPError as exc:
            raise self._failure(exc) from None
        if response.status_code >= 400:
            raise self._status_error(response.status_code, response.text)
        try:
            response.json()
        except ValueError:
            raise ModelError(f"{self.url}/models did not answer with JSON: is {self.url} the base URL of an "
                             "OpenAI-compatible server (usually ending in /v1)?") from None
        return self

    def generate(self, messages: list[dict], cached_prefix: int = 0) -> Iterator[str]:
        """Stream the reply to chat `messages` (greedy).

        Args:
            messages: the chat, as `{"role", "content"}` dicts.
            cached_prefix: ignored; the server caches shared prompt prefixes itself.

        Raises:
            ModelError: when the server is unreachable, answers an HTTP error, sends something that is not
                an answer, or stops before the answer is complete.
        """
        import httpx

        payload = {"model": self.model, "messages": messages, "max_tokens": self.max_new_tokens,
                   "temperature": 0, "stream": True}
        timeout = httpx.Timeout(self.timeout, connect=min(CONNECT_TIMEOUT, self.timeout))
        try:
            with httpx.Client(timeout=timeout) as client, client.stream(
                    "POST", f"{self.url}/chat/completions", json=payload, headers=self._headers()) as response:
                if response.status_code >= 400:
                    raise self._status_error(response.status_code, response.read().decode("utf-8", "replace"))
                yield from self._pieces(sse_data(response.iter_lines()))
        except httpx.HTTPError as exc:
            raise self._failure(exc) from None

    def _pieces(self, events: Iterable[str]) -> Iterator[str]:
        """The text pieces of a chat-completion event stream, checked to have ended properly."""
        finished = False
        for data in events:
            if data.strip() == "[DONE]":
                if not finished:  # e.g. a stream cut short by the server, which still says [DONE]
                    raise ModelError(f"the model server at {self.url} ended the answer before it was complete "
                                     f"(no finish_reason); {INTERRUPTED_HINT}")
                return
            try:
                event = json.loads(data)
            except ValueError:
                raise ModelError(f"the model server at {self.url} sent something that is not JSON: "
                                 f"{data[:200]!r}") from None
            if not isinstance(event, dict):
                raise ModelError(f"the model server at {self.url} sent an unexpected event: {data[:200]!r}")
            if event.get("error"):
                error = event["error"]
                message = error.get("message", error) if isinstance(error, dict) else error
                raise ModelError(f"the model server at {self.url} failed mid-answer: {str(message)[:200]}")
            for choice in event.get("choices") or ():  # a usage-only event has no choices
                if choice.get("index", 0) != 0:
                    continue
                content = (choice.get("delta") or {}).get("content")
                if content:
                    yield content
                finished = finished or bool(choice.get("finish_reason"))
        if not finished:  # an answer whose last event came is whole even if [DONE] did not
            raise ModelError(f"the connection to the model server at {self.url} closed before the answer was "
                             "complete (no [DONE]); did the server stop?")
