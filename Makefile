# One entry point: every target builds the virtual environment it needs from PyPI, and the
# browser assets it needs from npm (pinned versions, into git-ignored folders).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# Browser assets, fetched once at build time so that no page or deck loads anything from a CDN.
MERMAID_VERSION       := 11.17.2
IFRAME_WORKER_VERSION := 1.0.4
REVEAL_VERSION        := 4.6.1
REQUIREJS_VERSION     := 2.3.7
DOCS_VENDOR   := docs/vendor
SLIDES_VENDOR := build/slides-vendor
NPM_EXTRACT   := sh tools/npm_extract.sh
VENDORED := $(DOCS_VENDOR)/mermaid.min.js $(DOCS_VENDOR)/iframe-worker-shim/index.js \
            $(SLIDES_VENDOR)/reveal.js/dist/reveal.js $(SLIDES_VENDOR)/require.js

# mkdocs 1.x prints a banner about 2.0 on every build; it says nothing about this site.
export NO_MKDOCS_2_WARNING := 1

.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
.PHONY: help docs docs-fast slides vendor test lint typecheck unit bench serve clean

help:
	@echo "make docs    build the executed documentation site into site/ (works offline, also from file://)"
	@echo "make docs-fast  the same, reusing notebook outputs while no code changed (for prose edits)"
	@echo "make slides  build an executed reveal.js deck per notebook into build/slides/"
	@echo "make test    lint, type-check and run every test"
	@echo "make serve   serve the site with live reload on http://127.0.0.1:8000/ (reusing outputs, as docs-fast)"
	@echo "make vendor  fetch the pinned browser assets (mermaid, reveal.js, ...) from npm"
	@echo "make bench   run the benchmarks under bench/"
	@echo "make clean   remove the virtual environment and build output"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "medcomkit needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,docs]'
	@touch $@

vendor: $(VENDORED)

$(DOCS_VENDOR)/mermaid.min.js:
	$(NPM_EXTRACT) mermaid@$(MERMAID_VERSION) $(@D) dist/mermaid.min.js

# The offline plugin adds a CDN copy of the shim unless a polyfill URL names "iframe-worker".
$(DOCS_VENDOR)/iframe-worker-shim/index.js:
	$(NPM_EXTRACT) iframe-worker@$(IFRAME_WORKER_VERSION) $(@D) shim/index.js

$(SLIDES_VENDOR)/reveal.js/dist/reveal.js:
	$(NPM_EXTRACT) reveal.js@$(REVEAL_VERSION) $(SLIDES_VENDOR)/reveal.js dist plugin

$(SLIDES_VENDOR)/require.js:
	$(NPM_EXTRACT) requirejs@$(REQUIREJS_VERSION) $(@D) require.js

docs: $(STAMP) $(VENDORED)
	$(BIN)/mkdocs build --strict

# Outputs come from the last run of a notebook whose code cells and medcomkit are unchanged
# (tools/executed.py); a notebook with changed code still runs. `make docs` and the tests run all.
docs-fast: $(STAMP) $(VENDORED)
	MEDCOMKIT_DOCS_FAST=1 $(BIN)/mkdocs build --strict

serve: $(STAMP) $(VENDORED)
	MEDCOMKIT_DOCS_FAST=1 $(BIN)/mkdocs serve

slides: $(STAMP) $(VENDORED)
	$(BIN)/python -m tools.slides --out build/slides notebooks/*.ipynb

lint: $(STAMP)
	$(BIN)/ruff check medcomkit tests bench tools
	$(BIN)/ruff format --check medcomkit tests bench tools
	$(BIN)/lint-imports
	$(BIN)/python -m tools.check_imports

typecheck: $(STAMP)
	$(BIN)/mypy

# The browser tests need the vendored assets; they skip, saying so, when run without them.
unit: $(STAMP) $(VENDORED)
	$(BIN)/pytest

test: lint typecheck unit

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) site build .cache $(DOCS_VENDOR) test-artifacts *.egg-info .mypy_cache .ruff_cache .hypothesis
