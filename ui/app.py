"""The Gradio web chat: a streaming chat beside the transcript, answers with clickable timestamp chips.

A thin adapter over `rag.pipeline.Pipeline`: it renders, it stores each answer's structured JSON with
its message, and it turns named errors into readable messages. One model instance serves everyone
through Gradio's queue (concurrency 1), so users are answered in turn.
"""

from __future__ import annotations

import html
import logging
import re
import sys
import threading
import time
from pathlib import Path

from rag.errors import LibraryError, RagError
from rag.library import Library
from rag.answer import plain_text
from rag.media import ACCEPTED_MEDIA, MEDIA_SUFFIXES
from rag.pipeline import MAX_QUESTION_CHARS, Pipeline
from rag.settings import TRANSCRIPT_SUFFIXES, Settings
from ui.render import CSS, HEAD, answer_html, streaming_html
from ui.view import ALL, View, players

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_RECORDING_BYTES = 500 * 1024 * 1024  # about 9 hours of 128 kbit/s MP3, or an hour or two of video


def _plain(message: str) -> str:
    """An error message for a Gradio toast, which renders HTML: file names and file text there stay text."""
    return html.escape(message, quote=False)


def _markdown_text(text: str) -> str:
    """Text for a Markdown component, its Markdown and HTML characters escaped.

    >>> _markdown_text("[x](javascript:alert(1)) <b>")
    '\\\\[x\\\\]\\\\(javascript:alert\\\\(1\\\\)\\\\) &lt;b&gt;'
    """
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|~])", r"\\\1", html.escape(text, quote=False))


def _history(state: list[dict]) -> list[tuple[str, str]]:
    """(question, answer text without timestamps) turns for follow-ups; abstentions are left out."""
    return [(a["question"], plain_text(a)) for a in state if not a["abstained"]]


def register_upload(pipeline: Pipeline, path: Path, max_bytes: int | None = None, transcriber=None, progress=None):
    """Validate an uploaded file (a recording is transcribed), add it to the library and to the pipeline's sources.

    Args:
        max_bytes: the size limit (default: MAX_UPLOAD_BYTES for a transcript, MAX_RECORDING_BYTES for a recording).
        transcriber, progress: for a recording, see `Library.add`.

    Raises:
        LibraryError, TranscriptError: with a message for the user; nothing is changed then.
        Cancelled: when `progress` stopped the transcription; nothing is changed then.
    """
    from rag.media import is_recording

    max_bytes = max_bytes or (MAX_RECORDING_BYTES if is_recording(path) else MAX_UPLOAD_BYTES)
    size = path.stat().st_size
    if size > max_bytes:
        raise LibraryError(f"{path.name} is {size / 2**20:.1f} MB; the limit is {max_bytes / 2**20:.0f} MB")
    entry = Library(pipeline.settings.library_dir).add(path, title=path.stem, transcriber=transcriber,
                                                       progress=progress)
    pipeline.use_paths(pipeline.settings.paths + (entry.file,))
    return entry


def build_demo(pipeline: Pipeline, transcriber=None, background=None):
    """The Blocks app for a loaded pipeline (module-level work stays out of import time).

    `transcriber` (a `rag.asr.Transcriber`) transcribes uploaded recordings; default: the packaged tiny.en.
    `background` (a `rag.prepare.Background`) prepares long transcripts; its progress is shown, and an upload
    starts it again.
    """
    import gradio as gr

    from rag.asr import Cancelled, Transcriber

    settings = pipeline.settings
    transcriber = transcriber or Transcriber(threads=settings.threads, cache_dir=settings.cache_dir)
    stop_flags: dict[str, threading.Event] = {}  # per browser session: "cancel the transcription"
    cached: dict = {}

    def current() -> View:
        """The library as it is now (another user may have added to it), built again only when it changed."""
        transcripts = tuple(pipeline.transcripts)
        key = tuple(id(t) for t in transcripts)
        if cached.get("key") != key:
            cached["key"] = key
            cached["view"] = View.of(transcripts, players(pipeline.settings))
        return cached["view"]

    def chat_view(state: list[dict], pending: tuple[str, str] | None = None) -> list[dict]:
        view = current()
        messages = []
        for a in state:
            messages.append({"role": "user", "content": html.escape(a["question"])})
            messages.append({"role": "assistant", "content": answer_html(a, view.ids, view.media)})
        if pending:
            messages.append({"role": "user", "content": html.escape(pending[0])})
            messages.append({"role": "assistant", "content": streaming_html(pending[1]) if pending[1] else "…"})
        return messages

    def answer_error(exc: Exception) -> Exception:
        """What the chat and the API show for a failed answer: the error's own line for a known problem; for
        anything else a readable line, with the traceback kept in the server log (call it inside `except`)."""
        if isinstance(exc, RagError):
            return gr.Error(_plain(str(exc)))
        log.exception("answer failed")
        return gr.Error(_plain(f"Something went wrong while answering ({type(exc).__name__}: {exc})."))

    def respond(question: str, state: list[dict], top_k: int, retrieval: str, source: str):
        state = list(state or [])
        if not (question or "").strip():
            raise gr.Error("Type a question about the transcript first.")
        text = ""
        try:
            yield "", chat_view(state, (question, text)), state
            for event in pipeline.stream(question, _history(state), top_k=int(top_k), retrieval=retrieval,
                                         source=None if source in (None, ALL) else source):
                if isinstance(event, str):
                    text += event
                    yield "", chat_view(state, (question, text)), state
                else:
                    state.append(event.to_json())
                    yield "", chat_view(state), state
        except Exception as exc:
            raise answer_error(exc) from None

    def page_load() -> tuple:
        """A page opened (or reloaded): the panel, the "Search in" choices and the examples of the library now."""
        view = current()
        return view.panel(), gr.update(choices=view.titles, value=ALL), gr.update(samples=view.examples())

    def pick_source(source: str) -> dict:
        """"Search in" changed: examples for that transcript (the panel switches in the browser)."""
        return gr.update(samples=current().examples(source))

    def upload(file, request: gr.Request, progress=gr.Progress()) -> tuple:
        """Validate and register an uploaded transcript or recording, then index it (only it is embedded)."""
        if file is None:
            return gr.update(), gr.update(), "", gr.update()
        path = Path(file if isinstance(file, str) else file.name)
        stop = stop_flags.setdefault(request.session_hash if request else "", threading.Event())
        stop.clear()
        clock: dict[str, float] = {}

        def report(done: float, total: float) -> None:
            if stop.is_set():
                raise Cancelled(f"transcription of {path.name} cancelled")
            speed = done / max(time.perf_counter() - clock.setdefault("start", time.perf_counter()), 1e-6)
            progress((round(done), round(total)), unit="s of audio",
                     desc=f"Transcribing {path.name}" + (f": {speed:.0f}x real time" if done else ""))

        try:
            entry = register_upload(pipeline, path, transcriber=transcriber, progress=report)
        except Cancelled:
            return (gr.update(), gr.update(), f"Transcription of {_markdown_text(path.name)} cancelled; nothing was added.",
                    gr.update())
        except RagError as exc:
            raise gr.Error(_plain(str(exc).replace(str(path.parent) + "/", ""))) from None
        if background is not None:
            background.start()
        view = current()
        note = f"Added **{_markdown_text(entry.title)}**: {entry.sentences} sentences ({entry.format})."
        if entry.recording:
            note += " Click a timestamp to play the recording from there."
        return (view.panel(entry.title), gr.update(choices=view.titles, value=entry.title), note,
                gr.update(samples=view.examples(entry.title)))

    def cancel(request: gr.Request) -> None:
        flag = stop_flags.get(request.session_hash if request else "")
        if flag:
            flag.set()

    # gradio is imported here, not at module level, so it cannot resolve these annotations by itself
    upload.__annotations__["request"] = cancel.__annotations__["request"] = gr.Request

    def ask(question: str, top_k: int = settings.top_k) -> dict:
        """Answer one question; returns the same JSON as `transcript-rag ask --json`."""
        try:
            return pipeline.ask(question, top_k=int(top_k)).to_json()
        except Exception as exc:
            raise answer_error(exc) from None

    with gr.Blocks(title="Transcript Q&A") as demo:
        gr.Markdown("## Ask the transcript\nEvery claim links to the moment it comes from. "
                    "Click a timestamp to jump to it in the transcript; for a recording, it also plays from there.")
        state = gr.State([])
        with gr.Row():
            with gr.Column(scale=3):
                chat = gr.Chatbot(label="Chat", height=520, elem_id="chat", sanitize_html=True,
                                  render_markdown=False, feedback_options=None)
                with gr.Row():
                    box = gr.Textbox(placeholder="Ask about the transcript…", show_label=False, scale=5,
                                     elem_id="question", max_length=MAX_QUESTION_CHARS)
                    send = gr.Button("Ask", variant="primary", scale=1, elem_id="ask")
                view = current()
                source = gr.Dropdown(view.titles, value=ALL, label="Search in", elem_id="source")
                examples = gr.Dataset(components=[box], samples=view.examples(), label="Examples",
                                      elem_id="examples", samples_per_page=6)
                clear = gr.Button("New chat", elem_id="new-chat")
                with gr.Accordion("Settings", open=False):
                    top_k = gr.Slider(1, 10, value=settings.top_k, step=1, label="Passages to retrieve (top-k)")
                    retrieval = gr.Dropdown(["dense", "hybrid"], value=settings.retrieval, label="Retriever")
                    gr.Markdown(f"Answer model: `{pipeline.llm.name}`, context: "
                                f"`{pipeline.context_for(None)}` (set with `--model`, `--engine`, `--context` at start-up)")
                with gr.Accordion("Add a transcript or a recording", open=False):
                    gr.Markdown("**Transcripts**: SRT, WebVTT (YouTube captions too), Whisper or YouTube JSON, or "
                                f"text with `[hh:mm:ss]` times; up to {MAX_UPLOAD_BYTES // 2**20} MB. **Recordings**: "
                                f"{ACCEPTED_MEDIA}; up to {MAX_RECORDING_BYTES // 2**20} MB. A recording is "
                                f"transcribed here, offline, by `{transcriber.name}`"
                                + (" (English only)" if transcriber.spec is None else "")
                                + ", about 15x faster than real time on 2 cores (an hour of audio: about 4 minutes). "
                                "It joins the library and is searchable at once. The library is shared: everyone "
                                "using this server can search what is added (a question being answered meanwhile "
                                "finishes on the transcripts it started with).")
                    file = gr.File(file_types=list(TRANSCRIPT_SUFFIXES + MEDIA_SUFFIXES),
                                   label="Transcript or recording", elem_id="upload")
                    stop_button = gr.Button("Cancel transcription", size="sm", elem_id="cancel-upload")
                    added = gr.Markdown()
            with gr.Column(scale=2):
                panel = gr.HTML('<div class="transcript-panel" id="transcript-panel">Loading the transcripts…</div>',
                                elem_id="transcript", js_on_load=None)
        demo.load(page_load, None, [panel, source, examples], api_visibility="private")
        source.change(pick_source, source, examples, api_visibility="private",
                      js="(s) => { window.txShow && window.txShow(s); return s; }")
        examples.click(lambda sample: sample[0], examples, box, api_visibility="private")
        file.upload(upload, file, [panel, source, added, examples], api_visibility="private")
        stop_button.click(cancel, None, None, queue=False, api_visibility="private")
        inputs = [box, state, top_k, retrieval, source]
        outputs = [box, chat, state]
        box.submit(respond, inputs, outputs, api_visibility="private")
        send.click(respond, inputs, outputs, api_visibility="private")
        clear.click(lambda: ([], []), None, [chat, state], api_visibility="private")
        gr.api(ask, api_name="ask")
        if background is not None:
            preparing = gr.Markdown(elem_id="preparing")
            gr.Timer(3).tick(lambda: _markdown_text(background.status()), None, preparing, api_visibility="private",
                             show_progress="hidden")
    return demo


def launch(pipeline: Pipeline, host: str = "127.0.0.1", port: int = 7860, share: bool = False,
           auth: tuple[str, str] | None = None, block: bool = True, transcriber=None, prepare: bool = False):
    """Serve the chat for a loaded pipeline; with `block=False` return the running app at once. With `prepare`,
    long transcripts are prepared in the background (`rag.prepare.Background`)."""
    from rag.prepare import Background

    background = Background(pipeline).start() if prepare else None
    demo = build_demo(pipeline, transcriber, background)
    # One answer model instance: answer one question at a time, queue the rest (position shown to users).
    demo.queue(default_concurrency_limit=pipeline.settings.answers_at_once, max_size=64)
    print(f"Serving on http://{host}:{port}", file=sys.stderr, flush=True)
    # The players stream the library's recordings (and nothing else of it) from this folder.
    demo.launch(server_name=host, server_port=port, share=share, auth=auth, css=CSS, head=HEAD,
                max_file_size=f"{MAX_RECORDING_BYTES // 2**20}mb",
                allowed_paths=[str(Library(pipeline.settings.library_dir).folder / "recordings")],
                prevent_thread_lock=not block, quiet=True, footer_links=["api"])
    return demo


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 7860, share: bool = False,
          auth: tuple[str, str] | None = None, transcriber=None):
    """Load the models and the index, then serve the chat until interrupted.

    The models load in a thread while gradio is imported (3 seconds of Python on 2 cores): loading the GGUF and
    the index is mostly native code that runs beside it.
    """
    print("Loading models and index…", file=sys.stderr, flush=True)
    pipeline, failed = Pipeline(settings), []

    def load() -> None:
        try:
            pipeline.load()
        except BaseException as exc:  # raised again below, in the serving thread
            failed.append(exc)

    loader = threading.Thread(target=load, name="load-models")
    loader.start()
    import gradio  # noqa: F401

    loader.join()
    if failed:
        raise failed[0]
    launch(pipeline, host, port, share, auth, block=True, transcriber=transcriber, prepare=True)
