# The project's commands. A fresh machine needs only Python 3.11: the targets create .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP_FLAGS := -q --disable-pip-version-check

export CGR_REPORTS_DIR ?= seeds
export CGR_DATA_DIR ?= data
export CGR_RELEASES_DIR ?= releases
export CGR_UI_PORT ?= 3000

.PHONY: run test test-faults ui bench install install-dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install $(PIP_FLAGS) --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install $(PIP_FLAGS) -e .
	touch $@

$(VENV)/.installed-dev: $(BIN)/python pyproject.toml
	$(BIN)/pip install $(PIP_FLAGS) -e '.[dev]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## make run: install, materialise every asset on $(CGR_REPORTS_DIR) and publish a release
run: $(VENV)/.installed
	$(BIN)/cgr build

## make test: install with [dev], run the test suite, then the fault trials (marker `faults`)
test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -m "not faults" -q
	$(BIN)/python -m pytest -m faults -q

## make bench: benchmarks into bench/results/<date>.json (BENCH_ARGS=--quick for the small sizes)
bench: $(VENV)/.installed-dev
	$(BIN)/python bench/run.py $(BENCH_ARGS)

test-faults: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -m faults -q

## make ui: the Dagster UI on http://127.0.0.1:$(CGR_UI_PORT) (CGR_UI_PORT, default 3000) against the instance in $(CGR_DATA_DIR); exits if the port is taken
ui: $(VENV)/.installed
	$(BIN)/python -m assets.ui

clean:
	rm -rf $(CGR_DATA_DIR) $(CGR_RELEASES_DIR)
