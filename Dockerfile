# The image runs the very same install steps as the Makefile (`make prepare` = install + models + index).
FROM python:3.11-slim
# PyPI's Linux torch wheel is a CUDA build; point this at a CPU wheel index for a small image.
ARG PIP_EXTRA_INDEX_URL=
# make runs the install; gcc/g++/cmake compile llama-cpp-python (PyPI ships it as source only).
RUN apt-get update && apt-get install -y --no-install-recommends make build-essential cmake \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV TRANSCRIPT_RAG_CACHE=/app/.cache TRANSCRIPT_RAG_HOME=/app/.library PYTHON=python3.11
COPY . .
RUN make prepare
EXPOSE 7860
CMD [".venv/bin/transcript-rag", "serve", "--host", "0.0.0.0", "--port", "7860"]
