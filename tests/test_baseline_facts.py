"""The baseline, at full size, reproduces the stylised facts of NTT (desmig_sim.experiments.facts)."""

from __future__ import annotations

import pandas as pd
import pytest

import desmig_sim
from desmig_sim.experiments.facts import FACTS, StylisedFact, baseline_facts, check_facts
from desmig_sim.experiments.runner import RunResult
from tests.helpers import SCENARIOS

REPLICATIONS = 10


@pytest.fixture(scope="module")
def facts() -> tuple[pd.DataFrame, list[RunResult]]:
    return baseline_facts(REPLICATIONS)


@pytest.mark.slow
def test_full_default_size(facts) -> None:
    _, runs = facts
    pooled = runs[0].pooled()
    assert runs[0].timeseries["village"].nunique() == 20 + 1, "the 20 villages of the 2017 cohort, and ALL"
    assert pooled.index.max() == 120, "120 months (2017-2026)"
    assert len(runs) == REPLICATIONS


@pytest.mark.slow
@pytest.mark.parametrize("fact", [f.key for f in FACTS])
def test_baseline_meets_the_fact(facts, fact: str) -> None:
    table, _ = facts
    row = table.set_index("fact").loc[fact]
    assert row["runs"] == REPLICATIONS, f"{fact}: measured on every run"
    assert row["met"], (
        f"{row['description']}: target {row['low']}..{row['high']} ({row['sources']}); got {row['mean']:.4g}"
    )


def test_a_miss_is_reported_with_its_size_and_sign() -> None:
    scenario = desmig_sim.load_scenario(SCENARIOS / "baseline.toml")
    tiny = scenario.model_copy(update={"run": scenario.run.model_copy(update={"months": 3})})
    run = desmig_sim.run(tiny, 1, agents=False)
    months = lambda r: float(r.pooled().index.max())  # noqa: E731
    facts = [
        StylisedFact("over", "three months", 1.0, 2.0, "months", ("x",), months),
        StylisedFact("under", "three months", 4.0, 6.0, "months", ("x",), months),
        StylisedFact("inside", "three months", 2.0, 4.0, "months", ("x",), months),
    ]
    table = check_facts([run, run], facts).set_index("fact")
    assert table.loc["over", "miss"] == 1.0 and table.loc["over", "miss_relative"] == 0.5
    assert table.loc["under", "miss"] == -1.0 and table.loc["under", "miss_relative"] == -0.25
    assert table.loc["inside", "miss"] == 0.0 and table.loc["inside", "met"]
    assert not table.loc["over", "met"] and not table.loc["under", "met"]
