# The two commands the README starts with: `make run` (the main job) and `make test` (the suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: setup run test lint benchmark

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

run: setup
	$(BIN)/python -m cleaners tests/fixtures -o output/articles.jsonl

lint: setup
	$(BIN)/ruff check cleaners crawler benchmarks tests

test: lint
	$(BIN)/python -m pytest

benchmark: setup
	$(BIN)/python -m benchmarks.quality
