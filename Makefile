# Two commands on a fresh machine with Python 3.11+:  make demo  |  make test
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DB ?= capi_audit.duckdb

.PHONY: venv install demo test lint clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip uv

install: $(BIN)/python
	$(BIN)/uv pip install --python $(BIN)/python -q -e ".[dev]"

## make demo: install, generate the sample, audit it and open the dashboard
demo: install
	$(BIN)/capi-audit demo --db $(DB)

## make test: install and run the whole test suite (the browser test needs Debian's chromium)
test: install
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) $(DB) build *.egg-info
