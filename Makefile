# The two commands the README starts with: `make run` (the main job) and `make test` (the suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: setup run clean-examples test lint benchmark baseline system-deps

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

# The main job: crawl the demo news site, replayed from its cassette (no internet needed), into a
# folder of its own, so a first real crawl (output/articles.jsonl) does not start with the demo's.
DEMO := output/demo
run: setup
	rm -rf $(DEMO) output/warc/demo-*.warc.gz
	$(BIN)/scrapy crawl news -a site=http://demo-news.example/ -a follow=true -a max_depth=1 \
		-s VCR_CASSETTE=cassettes/demo-news.yaml -s VCR_RECORD_MODE=none \
		-O $(DEMO)/articles.jsonl -s OUTCOMES_FILE=$(DEMO)/outcomes.jsonl \
		-s LEARNED_RULES_FILE=$(DEMO)/learned-rules.toml -s REPORT_FILE=$(DEMO)/report.html -s WARC_PREFIX=demo
	@echo "articles: $(DEMO)/articles.jsonl ($$(wc -l < $(DEMO)/articles.jsonl) lines)," \
		"outcomes: $(DEMO)/outcomes.jsonl ($$(wc -l < $(DEMO)/outcomes.jsonl) lines)," \
		"report: $(DEMO)/report.html, archive: $$(ls output/warc/demo-*.warc.gz)"

# Clean the bundled example pages with the command line (no Scrapy involved).
clean-examples: setup
	$(BIN)/python -m cleaners tests/fixtures -o output/examples.jsonl

lint: setup
	$(BIN)/ruff check cleaners crawler benchmarks tests

# Debian packages the tests start, each on a loopback port and stopped after: redis-server (the
# shared frontier) and chromium (the report). Installed with apt-get when missing (CI runs as root).
system-deps:
	@{ command -v redis-server && command -v chromium; } >/dev/null || { \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server chromium >/dev/null; }

test: lint system-deps
	$(BIN)/python -m pytest
	$(BIN)/python -m benchmarks.quality --extractors newsclean --gate benchmarks/baseline.json > /dev/null

# Pin the current figures as the gate's baseline (after a change that improves them).
baseline: setup
	$(BIN)/python -m benchmarks.quality --extractors newsclean --write-baseline benchmarks/baseline.json

benchmark: setup
	$(BIN)/python -m benchmarks.quality
