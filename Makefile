# Two commands for a new user: `make demo` (set up everything, run the main job) and
# `make test` (the whole suite, with a sample of the fixtures validated; CI then runs `make validate`,
# every fixture). Both work offline without an API key.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup venv docker browser images demo test bench validate doctor clean-logs

$(STAMP): pyproject.toml
	@echo "==> creating the virtual environment ($(VENV)) and installing the project"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip >/dev/null
	$(BIN)/pip install -q -e . 
	@touch $(STAMP)

venv: $(STAMP)

docker:
	@echo "==> checking the Docker engine (installs and starts it when missing)"
	bash scripts/docker-up.sh

# Debian's Chromium for the report's browser test (Playwright, pinned in pyproject.toml, drives it)
browser:
	@echo "==> headless Chromium (Debian's package) for the report's browser test"
	bash scripts/browser.sh

images: venv docker
	@echo "==> sandbox images (built once, reused while unchanged)"
	$(BIN)/evals images build

setup: images

demo: setup
	@echo "==> demo: personas x scripted models on db_optimize"
	$(BIN)/evals demo

test: setup browser
	@echo "==> test suite (real Docker engine)"
	$(BIN)/python -m pytest -q

# Not part of `make test`: ratios against the raw Docker floor, written to results/bench.{json,md}
# (BENCH_ARGS="--cold --validation" adds a cold image build and the whole validation suite, timed
# with where its CPU time went).
bench: setup
	@echo "==> benchmark (about 10 min here; see benchmarks/bench.py)"
	$(BIN)/python benchmarks/bench.py $(BENCH_ARGS)

# every fixture's states graded and checked test by test (CI's step after `make test` passes
# VALIDATE_ARGS=--except-sample: the fixtures make test did not validate)
validate: setup
	$(BIN)/evals validate $(VALIDATE_ARGS)

doctor: venv
	$(BIN)/evals doctor

clean-logs:
	rm -rf logs
