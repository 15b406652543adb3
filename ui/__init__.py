"""The web chat: a thin Gradio adapter over the `rag` pipeline."""
