# cxeval: `make reports` builds every report from scratch, `make test` runs the tests.
# Each target creates .venv with pip when it is missing.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
WORKERS ?= 2
PYTEST_ARGS ?= -n 2

.PHONY: all venv test reports sample lab bench clean

all: test

venv: $(STAMP)

# Versions come from constraints.txt (a pip freeze of a known-good set) so that
# every machine gets the same stack; pyproject.toml holds the lower bounds.
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

test: $(STAMP)
	./scripts/ensure-browser.sh
	$(BIN)/python -m pytest $(PYTEST_ARGS)

sample: $(STAMP)
	$(BIN)/cxeval sample --out data/sample

reports: $(STAMP) sample
	$(BIN)/cxeval run --plan projects/sample.yaml --out reports --workers $(WORKERS)

# JupyterLab refuses to run as root without --allow-root (containers, CI boxes): pass it
# then, and only then. The file browser starts in notebooks/; each notebook opened by hand
# takes its branch from the data (and 04 its scorecard from the run plan of the data).
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
LAB_ARGS ?=

lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.root_dir=notebooks $(ROOT_FLAG) $(LAB_ARGS)

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_complaints.py
	$(BIN)/python benchmarks/bench_batch.py

clean:
	rm -rf reports .pytest_cache
