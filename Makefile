# The two commands of the README: `make demo` (the main job) and `make test` (the whole suite).
# Each creates .venv/ in the repository if absent and installs detente from this folder's files.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_OUT ?= demo-out

.PHONY: demo test lint typecheck pytest bench-env clean

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

test: lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks examples
	$(BIN)/ruff format --check src tests benchmarks examples

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/python -m pytest -q -n auto

# NegMAS, the peer the benchmarks compare against, in its own environment (never a dependency).
bench-env:
	test -x benchmarks/.venv-negmas/bin/python || $(PYTHON) -m venv benchmarks/.venv-negmas
	benchmarks/.venv-negmas/bin/python -m pip install --quiet negmas

clean:
	rm -rf $(VENV) $(DEMO_OUT) .mypy_cache .ruff_cache .pytest_cache
