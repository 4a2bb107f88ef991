# The two commands of the README: `make demo` (the main job) and `make test` (the whole suite).
# Each creates .venv/ in the repository if absent and installs detente from this folder's files.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_OUT ?= demo-out

.PHONY: demo test lint typecheck pytest chromium docs fuzz bench-env clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "detente needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev,fast]"
	touch $(STAMP)

# The main job: the Hanoi 2019 case end to end: the analysis, a small robustness sweep and its
# summary, and the HTML report (the report command prints where it wrote the file).
DEMO_SCENARIO := scenarios/hanoi-2019.yaml
DEMO_DRAWS ?= 100

demo: $(STAMP)
	mkdir -p $(DEMO_OUT)
	$(BIN)/detente analyze $(DEMO_SCENARIO)
	$(BIN)/detente sweep $(DEMO_SCENARIO) --draws $(DEMO_DRAWS) --seed 1 --workers 2 --out $(DEMO_OUT)/hanoi-sweep --force
	$(BIN)/detente summarize $(DEMO_OUT)/hanoi-sweep
	$(BIN)/detente report $(DEMO_SCENARIO) --sweep $(DEMO_OUT)/hanoi-sweep -o $(DEMO_OUT)/hanoi-2019.html

test: lint typecheck pytest docs

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks examples docs/hooks
	$(BIN)/ruff format --check src tests benchmarks examples docs/hooks

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP) chromium
	$(BIN)/python -m pytest -q -n auto

# The browser tests (tests/test_explorer_browser.py) drive Debian's Chromium through Playwright;
# nothing downloads a browser. Installed here when missing and we are root; otherwise one line
# says so, and the browser tests fail with the same reason (they are never skipped).
CHROMIUM := /usr/bin/chromium

chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else \
	    echo "$(CHROMIUM) is missing and installing it needs root: run 'sudo apt-get install chromium' (the browser tests fail without it)"; \
	  fi; \
	fi

# The documentation site (mkdocs.yml), built --strict into site/: a broken link or anchor, a page
# no index links, or a docstring the API pages cannot render fails the build.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet --site-dir site

# Fuzzing past what `make test` does (not part of it): the hypothesis fuzz tests with fresh
# randomness and FUZZ_EXAMPLES examples each, then the atheris harness (coverage-guided) for
# FUZZ_SECONDS per target. Findings are kept in FUZZ_OUT; see docs/reference/limits.md.
FUZZ_EXAMPLES ?= 5000
FUZZ_SECONDS ?= 60
FUZZ_OUT ?= out/fuzz
FUZZ_TARGETS := yaml formula claim genius geniusweb negolog

fuzz: $(STAMP)
	DETENTE_FUZZ_RANDOM=1 DETENTE_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest -q -rxX tests/test_fuzz.py
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[fuzz]"
	mkdir -p $(FUZZ_OUT)
	status=0; for target in $(FUZZ_TARGETS); do \
	  $(BIN)/python tests/fuzz/atheris_fuzz.py $$target -max_total_time=$(FUZZ_SECONDS) \
	    -rss_limit_mb=2048 -artifact_prefix=$(FUZZ_OUT)/$$target- || status=1; \
	done; exit $$status

# NegMAS, the peer the benchmarks compare against, in its own environment (never a dependency).
bench-env:
	test -x benchmarks/.venv-negmas/bin/python || $(PYTHON) -m venv benchmarks/.venv-negmas
	benchmarks/.venv-negmas/bin/python -m pip install --quiet negmas

clean:
	rm -rf $(VENV) $(DEMO_OUT) site .mypy_cache .ruff_cache .pytest_cache
