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

demo: $(STAMP)
	$(BIN)/detente analyze scenarios/theory/worked-example.yaml
	$(BIN)/detente report scenarios/theory/worked-example.yaml -o $(DEMO_OUT)/report.html

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
