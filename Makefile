# desmig-sim: the two set-up commands are `make demo` (run the main job) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-fast lint format docs docs-site notebooks golden bench bench-crn bench-sweep clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

## Run the default comparison: baseline vs full programme, 10 paired runs; table + plot in results/demo.
demo: $(STAMP)
	$(BIN)/desmig-sim demo --replications 10 --out results/demo

## Lint, check formatting, check the generated docs, run the test suite.
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -q; status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests"; exit 1; fi; exit $$status

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## The fast tests (pytest -m "not slow", under two minutes) for development.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow"

## Regenerate the golden results (tests/data/golden.json): only in a commit that changes results on
## purpose, with a CHANGELOG.md line saying what moved and why.
golden: $(STAMP)
	$(BIN)/python -m tests.golden

## Regenerate docs/parameters.md from the code.
docs: $(STAMP)
	$(BIN)/desmig-sim docs

## Execute the notebooks (docs/notebooks/*.py, Jupytext percent scripts) into docs/notebooks/*.ipynb
## with their outputs; a failing cell fails the target.
NOTEBOOKS := $(wildcard docs/notebooks/*.py)
notebooks: $(STAMP)
	$(BIN)/jupytext --to ipynb --execute $(NOTEBOOKS)

## The documentation site (mkdocs.yml): the executed notebooks, then `mkdocs build --strict` into site/.
docs-site: notebooks
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

## Speed benchmarks (figures in benchmarks/README.md).
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_core.py

## Common random numbers: CI width of policy differences, paired vs independent seeds.
bench-crn: $(STAMP)
	$(BIN)/python benchmarks/bench_crn.py --replications 20 --repeats 3
## Sweep throughput: 200 runs, serial vs 2 processes vs local Dask (figures in benchmarks/README.md).
bench-sweep: $(STAMP)
	$(BIN)/python benchmarks/bench_sweep.py

clean:
	rm -rf $(VENV) results .pytest_cache .ruff_cache site .cache docs/notebooks/*.ipynb
