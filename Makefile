# desmig-sim: the two set-up commands are `make demo` (run the main job) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint format docs bench bench-crn clean

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

## Regenerate docs/parameters.md from the code.
docs: $(STAMP)
	$(BIN)/desmig-sim docs

## Speed benchmarks (figures in benchmarks/README.md).
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_core.py

## Common random numbers: CI width of policy differences, paired vs independent seeds.
bench-crn: $(STAMP)
	$(BIN)/python benchmarks/bench_crn.py --replications 20 --repeats 3

clean:
	rm -rf $(VENV) results .pytest_cache .ruff_cache
