# ccanalysis: `make help` lists the targets. `make demo` and `make test` work on a fresh machine
# with only Python >= 3.11 and make: they create .venv and install what they need.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-test
MONTHS ?= 2026-08..2026-10

.DEFAULT_GOAL := help
.PHONY: help setup demo test lint lab bench clean

help: ## List the targets and what they do
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-8s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
	touch $(STAMP)

setup: $(STAMP) ## Create .venv and install ccanalysis (editable) with its test tools

demo: setup ## Build the demo engagements (demo, demo_collections, demo_cargos) and write its reports (with the care_models simulation)
	$(BIN)/ccanalysis demo
	$(BIN)/ccanalysis validate demo
	$(BIN)/ccanalysis validate demo_collections
	$(BIN)/ccanalysis validate demo_cargos
	$(BIN)/ccanalysis report demo --month $(MONTHS)
	$(BIN)/ccanalysis report demo --flash 2026-10-20
	$(BIN)/ccanalysis report demo --scenario care_models

test: setup ## Run the whole test suite
	$(BIN)/python -m pytest -q

lint: setup ## ruff on the package, tests and benchmarks
	$(BIN)/ruff check ccanalysis tests bench tools

lab: setup ## Install JupyterLab and open notebooks/explore.ipynb (the common questions on the demo)
	$(BIN)/python -m pip install --quiet -e ".[test,lab]"
	$(BIN)/jupyter lab notebooks/explore.ipynb

bench: setup ## Run every benchmark in bench/ (installs the peers they compare against)
	$(BIN)/python -m pip install --quiet -e ".[test,bench]"
	$(BIN)/python bench/run_all.py

clean: ## Remove the virtual environment, build outputs, generated demo data and reports
	rm -rf $(VENV) build dist data/demo parameters/demo reports/demo data/demo_collections parameters/demo_collections \
	       data/demo_cargos parameters/demo_cargos
