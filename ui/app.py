"""The Gradio web chat: a streaming chat beside the transcript, answers with clickable timestamp chips.

A thin adapter over `rag.pipeline.Pipeline`: it renders, it stores each answer's structured JSON with
its message, and it turns named errors into readable messages. One model instance serves everyone
through Gradio's queue (concurrency 1), so users are answered in turn.
"""

from __future__ import annotations

import html
import logging
import sys

from pathlib import Path

from rag.corpus import load_sources
from rag.errors import LibraryError, RagError
from rag.library import Library, titled_sources
from rag.pipeline import Pipeline
from rag.settings import Settings
from ui.render import CSS, HEAD, answer_html, segment_ids, streaming_html, transcript_html

log = logging.getLogger(__name__)

ALL = "All transcripts"
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
SEED_EXAMPLES = {  # example questions offered when the seed interview is among the sources
    "The role of the CTO in the AI era": [
        "What does Gigascale invest in?",
        "Which responsibilities stay at the core of the CTO job?",
        "Why did Meta open-source PyTorch and Llama?",
    ],
}


def _history(state: list[dict]) -> list[tuple[str, str]]:
    """(question, answer text without timestamps) turns for follow-ups; abstentions are left out."""
    return [(a["question"], " ".join(s["text"] for s in a["sentences"] if s["supported"]))
            for a in state if not a["abstained"]]


def register_upload(pipeline: Pipeline, path: Path, max_bytes: int = MAX_UPLOAD_BYTES):
    """Validate an uploaded file, add it to the library and to the pipeline's sources.

    Raises:
        LibraryError, TranscriptError: with a message for the user; nothing is changed then.
    """
    size = path.stat().st_size
    if size > max_bytes:
        raise LibraryError(f"{path.name} is {size / 2**20:.1f} MB; the limit is {max_bytes / 2**20:.0f} MB")
    entry = Library(pipeline.settings.library_dir).add(path, title=path.stem)
    pipeline.use_sources(pipeline.settings.sources + (entry.file,))
    return entry


def build_demo(pipeline: Pipeline):
    """The Blocks app for a loaded pipeline (module-level work stays out of import time)."""
    import gradio as gr

    settings = pipeline.settings
    view: dict = {}

    def refresh() -> None:
        """Re-read the transcripts shown in the panel (after an upload)."""
        view["transcripts"] = load_sources(pipeline.settings)
        view["ids"] = segment_ids(view["transcripts"])
        view["media"] = {title: url for _, title, url in titled_sources(pipeline.settings)}

    refresh()

    def titles() -> list[str]:
        return [ALL] + [t.title for t in view["transcripts"]]

    def chat_view(state: list[dict], pending: tuple[str, str] | None = None) -> list[dict]:
        messages = []
        for a in state:
            messages.append({"role": "user", "content": html.escape(a["question"])})
            messages.append({"role": "assistant", "content": answer_html(a, view["ids"], view["media"])})
        if pending:
            messages.append({"role": "user", "content": html.escape(pending[0])})
            messages.append({"role": "assistant", "content": streaming_html(pending[1]) if pending[1] else "…"})
        return messages

    def respond(question: str, state: list[dict], top_k: int, retriever: str, source: str):
        state = list(state or [])
        if not (question or "").strip():
            raise gr.Error("Type a question about the transcript first.")
        text = ""
        try:
            yield "", chat_view(state, (question, text)), state
            for event in pipeline.stream(question, _history(state), top_k=int(top_k), retriever=retriever,
                                         source=None if source in (None, ALL) else source):
                if isinstance(event, str):
                    text += event
                    yield "", chat_view(state, (question, text)), state
                else:
                    state.append(event.to_json())
                    yield "", chat_view(state), state
        except RagError as exc:
            raise gr.Error(str(exc)) from None
        except Exception as exc:  # the user sees a readable line; the server log keeps the traceback
            log.exception("answer failed")
            raise gr.Error(f"Something went wrong while answering ({type(exc).__name__}: {exc}).") from None

    def upload(file) -> tuple:
        """Validate and register an uploaded transcript, then index it (only it is embedded)."""
        if file is None:
            return gr.update(), gr.update(), ""
        path = Path(file if isinstance(file, str) else file.name)
        try:
            entry = register_upload(pipeline, path)
        except RagError as exc:
            raise gr.Error(str(exc).replace(str(path.parent) + "/", "")) from None
        refresh()
        note = f"Added **{entry.title}**: {entry.sentences} sentences ({entry.format})."
        return (transcript_html(view["transcripts"], view["ids"]),
                gr.update(choices=titles(), value=entry.title), note)

    def ask(question: str, top_k: int = settings.top_k) -> dict:
        """Answer one question; returns the same JSON as `transcript-rag ask --json`."""
        try:
            return pipeline.ask(question, top_k=int(top_k)).to_json()
        except RagError as exc:
            raise gr.Error(str(exc)) from None

    with gr.Blocks(title="Transcript Q&A") as demo:
        gr.Markdown("## Ask the transcript\nEvery claim links to the moment it comes from. "
                    "Click a timestamp to jump to it in the transcript.")
        state = gr.State([])
        with gr.Row():
            with gr.Column(scale=3):
                chat = gr.Chatbot(label="Chat", height=520, elem_id="chat", sanitize_html=True,
                                  render_markdown=False, feedback_options=None)
                with gr.Row():
                    box = gr.Textbox(placeholder="Ask about the transcript…", show_label=False, scale=5,
                                     elem_id="question", max_length=1000)
                    send = gr.Button("Ask", variant="primary", scale=1, elem_id="ask")
                source = gr.Dropdown(titles(), value=ALL, label="Search in", elem_id="source")
                examples = [q for t in view["transcripts"] for q in SEED_EXAMPLES.get(t.title, [])]
                if examples:
                    gr.Examples(examples, inputs=box)
                clear = gr.Button("New chat", elem_id="new-chat")
                with gr.Accordion("Settings", open=False):
                    top_k = gr.Slider(1, 10, value=settings.top_k, step=1, label="Passages to retrieve (top-k)")
                    retriever = gr.Dropdown(["dense", "hybrid"], value=settings.retriever, label="Retriever")
                    gr.Markdown(f"Answer model: `{pipeline.llm.name}`, context: "
                                f"`{pipeline.context_for(None)}` (set with `--model`, `--engine`, `--context` at start-up)")
                with gr.Accordion("Add a transcript", open=False):
                    gr.Markdown("SRT, WebVTT (YouTube captions too), Whisper or YouTube JSON, or text with "
                                "`[hh:mm:ss]` times; up to 20 MB. It joins the library and is searchable at once.")
                    file = gr.File(file_types=[".srt", ".vtt", ".json", ".txt", ".md"], label="Transcript file",
                                   elem_id="upload")
                    added = gr.Markdown()
            with gr.Column(scale=2):
                panel = gr.HTML(transcript_html(view["transcripts"], view["ids"]), elem_id="transcript",
                                js_on_load=None)
        file.upload(upload, file, [panel, source, added], api_visibility="private")
        inputs = [box, state, top_k, retriever, source]
        outputs = [box, chat, state]
        box.submit(respond, inputs, outputs, api_visibility="private")
        send.click(respond, inputs, outputs, api_visibility="private")
        clear.click(lambda: ([], []), None, [chat, state], api_visibility="private")
        gr.api(ask, api_name="ask")
    return demo


def launch(pipeline: Pipeline, host: str = "127.0.0.1", port: int = 7860, share: bool = False,
           auth: tuple[str, str] | None = None, block: bool = True):
    """Serve the chat for a loaded pipeline; with `block=False` return the running app at once."""
    demo = build_demo(pipeline)
    # One answer model instance: answer one question at a time, queue the rest (position shown to users).
    demo.queue(default_concurrency_limit=pipeline.settings.answers_at_once, max_size=64)
    print(f"Serving on http://{host}:{port}", file=sys.stderr, flush=True)
    demo.launch(server_name=host, server_port=port, share=share, auth=auth, css=CSS, head=HEAD, max_file_size="20mb",
                prevent_thread_lock=not block, quiet=True, footer_links=["api"])
    return demo


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 7860, share: bool = False,
          auth: tuple[str, str] | None = None):
    """Load the models and the index, then serve the chat until interrupted."""
    print("Loading models and index…", file=sys.stderr, flush=True)
    launch(Pipeline(settings).load(), host, port, share, auth, block=True)
