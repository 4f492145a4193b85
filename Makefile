# The project's commands. A fresh machine needs only Python 3.11: the targets create .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP_FLAGS := -q --disable-pip-version-check

export CGR_REPORTS_DIR ?= seeds
export CGR_DATA_DIR ?= data
export CGR_RELEASES_DIR ?= releases
export CGR_UI_PORT ?= 3000
# Celery workers `make cluster-up` starts
CGR_WORKERS ?= 2

.PHONY: run test test-faults ui bench install install-dev clean cluster-up cluster-down test-cluster

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install $(PIP_FLAGS) --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install $(PIP_FLAGS) -e .
	touch $@

$(VENV)/.installed-dev: $(BIN)/python pyproject.toml
	$(BIN)/pip install $(PIP_FLAGS) -e '.[dev]'
	touch $(VENV)/.installed $@

$(VENV)/.installed-cluster: $(BIN)/python pyproject.toml
	$(BIN)/pip install $(PIP_FLAGS) -e '.[dev,cluster]'
	touch $(VENV)/.installed $(VENV)/.installed-dev $@

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

## make cluster-up: PostgreSQL, Redis, the Dagster daemon and CGR_WORKERS Celery workers on 127.0.0.1 (Debian's packages, installed when missing); then CGR_PROFILE=cluster cgr build
cluster-up: $(VENV)/.installed-cluster
	BIN=$(BIN) deploy/cluster/cluster.sh up $(CGR_WORKERS)

## make cluster-down: stop what cluster-up started and remove its state
cluster-down:
	BIN=$(BIN) deploy/cluster/cluster.sh down

## make test-cluster: local and cluster builds of the seeds give the same release; published to a local S3 server and downloaded back (not part of make test)
test-cluster: $(VENV)/.installed-cluster
	BIN=$(BIN) deploy/cluster/test_cluster.sh

clean:
	rm -rf $(CGR_DATA_DIR) $(CGR_RELEASES_DIR)
