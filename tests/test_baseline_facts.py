"""The baseline scenario, at full size, reproduces the stylised facts it was calibrated to."""

from __future__ import annotations

import numpy as np
import pytest

import desmig_sim
from desmig_sim.core.streams import replication_seeds
from desmig_sim.experiments.runner import RunResult
from tests.helpers import SCENARIOS, non_procedural_share

REPLICATIONS = 10
#: Ten full-size runs of ten years: a few seconds.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def runs() -> list[RunResult]:
    scenario = desmig_sim.load_scenario(SCENARIOS / "baseline.toml")
    seeds = replication_seeds(scenario.run.seed, REPLICATIONS)
    return [desmig_sim.run(scenario, seed, agents=False, keep_model=True) for seed in seeds]


def test_full_default_size(runs: list[RunResult]) -> None:
    model = runs[0].model
    assert len(model.villages) == 20, "the baseline simulates the 20 villages of the NTT 2017 cohort"
    assert model.households.count == 20 * 300, "300 households per village"
    assert runs[0].pooled().index.max() == 120, "120 months (2017-2026)"


def test_non_procedural_share_of_departures(runs: list[RunResult]) -> None:
    share = np.mean([non_procedural_share(r.pooled()) for r in runs])
    assert 0.85 <= share <= 0.95, (
        f"85-95% of new departures are non-procedural (ref:antara-ntt-2018-undocumented); got {share:.3f}"
    )


def test_poverty_rate(runs: list[RunResult]) -> None:
    rate = np.mean([r.pooled()["poverty_rate"].mean() for r in runs])
    assert 0.20 <= rate <= 0.30, (
        f"mean poverty rate is 20-30% (rural NTT ~24.7%, ref:bps-ntt-poverty-2018); got {rate:.3f}"
    )


def test_productive_share_of_remittances(runs: list[RunResult]) -> None:
    shares = [
        r.model.recorder.productive_from_remittances.sum() / r.pooled()["remittances_received"].sum()
        for r in runs
    ]
    share = float(np.mean(shares))
    assert share <= 0.06, (
        "at most 6% of remittances go to productive investment (ref:jpnn-2015-ilo-remittance-use);"
        f" got {share:.4f}"
    )
    assert share > 0, "some remittances are invested (the budget's productive share is positive)"


def test_remittances_per_migrant_household(runs: list[RunResult]) -> None:
    per_household = []
    for r in runs:
        received = r.pooled()["remittances_received"].to_numpy()
        households = r.model.recorder.households_with_migrant[: received.size]
        assert np.all(households > 0), "every month some household has a member abroad"
        per_household.append(np.mean(received / households))
    mean = float(np.mean(per_household))
    assert 1e6 <= mean <= 2e6, f"remittances per migrant household are Rp 1-2 m a month; got Rp {mean:,.0f}"
