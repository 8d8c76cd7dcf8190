# Two commands on a fresh machine: `make serve` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: serve test test-slow install install-test build lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

build: install
	$(BIN)/scokg build

serve: build
	$(BIN)/scokg serve --host $(HOST) --port $(PORT)

lint: install-test
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

# The suites marked slow (load, reload, the installed wheel) run in CI too: .ci/run calls test-slow after test.
# one pytest process per core (CI has two); the slow suites run alone, their timings must not compete
test: lint
	$(BIN)/pytest -q -m "not slow" -n auto

test-slow: install-test
	$(BIN)/pytest -q -m slow

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	touch $@

# Needs wrk (apt-get install wrk): it drives the load.
bench: $(VENV)/.installed-bench
	$(BIN)/python bench/run.py --quick

clean:
	rm -rf $(VENV) dist instance .pytest_cache
