"""Golden results: every output column of a few small runs, bit for bit (see ``tests/golden.py``).

This test fails on any change of any result. A refactor must pass it unchanged. A deliberate
change of the model's behaviour regenerates the file with ``make golden`` in a commit of its own,
with a line in ``CHANGELOG.md`` saying what moved and why (CONTRIBUTING.md, "Golden results").
"""

from __future__ import annotations

import json
from functools import cache

import pytest

import desmig_sim
from tests import golden


@cache
def committed() -> dict:
    return json.loads(golden.GOLDEN.read_text(encoding="utf-8"))


@cache
def all_cases() -> dict:
    return golden.cases()


def test_the_golden_file_covers_every_case():
    assert sorted(committed()) == sorted(all_cases()), (
        "the golden cases in tests/golden.py differ from those in tests/data/golden.json; "
        "regenerate the file on purpose with `make golden`"
    )


@pytest.mark.parametrize("case", sorted(json.loads(golden.GOLDEN.read_text(encoding="utf-8"))))
def test_results_are_bit_identical_to_the_golden_file(case):
    scenario, seed, engine = all_cases()[case]

    got = golden.fingerprint(desmig_sim.run(scenario, seed, agents=False, keep_model=False, engine=engine))
    expected = committed()[case]
    assert got["scenario_hash"] == expected["scenario_hash"], (
        f"{case}: the resolved scenario changed (content hash {got['scenario_hash'][:12]}, "
        f"golden {expected['scenario_hash'][:12]})"
    )
    assert got["rows"] == expected["rows"], f"{case}: {got['rows']} rows, golden {expected['rows']}"
    changed = sorted(c for c in expected["columns"] if got["columns"].get(c) != expected["columns"][c])
    added = sorted(set(got["columns"]) - set(expected["columns"]))
    assert not changed and not added, (
        f"{case}: output columns changed bit-wise: {changed}; new columns: {added}. If the change is "
        "deliberate, regenerate with `make golden` in a commit of its own with a CHANGELOG line"
    )
