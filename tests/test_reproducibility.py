"""Reproducibility and common random numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import desmig_sim
from desmig_sim.core.streams import Stream
from tests.helpers import COMPONENT_KEYS, COMPONENT_START_MONTH, small_scenario

SEED = 11
MONTHS = 30


@pytest.fixture(scope="module")
def scenario() -> desmig_sim.Scenario:
    # Every component on, so that reproducibility covers the programme's own draws too.
    overrides = {f"components.{key}.enabled": True for key in COMPONENT_KEYS}
    return small_scenario(households=80, months=MONTHS, overrides=overrides)


def test_same_scenario_and_seed_is_bit_identical(scenario: desmig_sim.Scenario) -> None:
    first = desmig_sim.run(scenario, seed=SEED).timeseries
    second = desmig_sim.run(scenario, seed=SEED).timeseries
    pd.testing.assert_frame_equal(first, second, check_exact=True, obj="two runs on the same seed")


def test_seed_defaults_to_the_scenarios_run_seed(scenario: desmig_sim.Scenario) -> None:
    implicit = desmig_sim.run(scenario)
    explicit = desmig_sim.run(scenario, seed=scenario.run.seed)
    assert implicit.seed == scenario.run.seed, "without a seed the run uses the scenario's run.seed"
    assert implicit.manifest["seed"] == scenario.run.seed, "the manifest records the seed used"
    pd.testing.assert_frame_equal(
        implicit.timeseries, explicit.timeseries, check_exact=True, obj="run.seed vs the same explicit seed"
    )


def test_different_seeds_differ(scenario: desmig_sim.Scenario) -> None:
    a = desmig_sim.run(scenario, seed=SEED, agents=False).timeseries
    b = desmig_sim.run(scenario, seed=SEED + 1, agents=False).timeseries
    assert list(a.columns) == list(b.columns) and len(a) == len(b), "same shape of table whatever the seed"
    differing = [
        c for c in ("remittances_received", "income_per_capita_mean", "gini") if not a[c].equals(b[c])
    ]
    assert len(differing) == 3, f"another seed gives another history (columns that differ: {differing})"


def test_agents_off_gives_the_same_table(scenario: desmig_sim.Scenario) -> None:
    with_agents = desmig_sim.run(scenario, seed=SEED, agents=True)
    without = desmig_sim.run(scenario, seed=SEED, agents=False)
    assert len(with_agents.model.agents) > 0, "agents=True creates Mesa agents"
    assert len(without.model.agents) == 0, "agents=False creates none"
    pd.testing.assert_frame_equal(
        with_agents.timeseries, without.timeseries, check_exact=True, obj="agents=True vs agents=False"
    )


# ---------------------------------------------------------------------------- common random numbers
def _pair(component: str) -> tuple[desmig_sim.DesmigratifModel, desmig_sim.DesmigratifModel]:
    base = small_scenario(households=80, months=MONTHS)
    treated = small_scenario(
        households=80, months=MONTHS, overrides={f"components.{component}.enabled": True}
    )
    return (
        desmig_sim.DesmigratifModel(base, seed=SEED, agents=False),
        desmig_sim.DesmigratifModel(treated, seed=SEED, agents=False),
    )


def _assert_same_arrays(a: object, b: object, what: str) -> None:
    for name, value in vars(a).items():
        other = getattr(b, name)
        if hasattr(value, "toarray"):
            assert (value != other).nnz == 0, f"{what}.{name} is identical with and without the component"
        else:
            np.testing.assert_array_equal(
                value, other, err_msg=f"{what}.{name} is identical with and without the component"
            )


@pytest.mark.parametrize("component", COMPONENT_KEYS)
def test_switching_a_component_on_leaves_unrelated_draws_unchanged(component: str) -> None:
    base, treated = _pair(component)
    for stream, month, key in [
        (Stream.INTENTION, 5, ""),
        (Stream.FATE, 20, "renewal"),
        (Stream.BROKER, 12, ""),
    ]:
        slots = np.arange(0, base.households.count, 3)
        np.testing.assert_array_equal(
            base.streams.uniform(stream, month, slots, key=key),
            treated.streams.uniform(stream, month, slots, key=key),
            err_msg=f"{stream}/{key} draws in month {month} do not depend on whether {component} runs",
        )
        np.testing.assert_array_equal(
            base.streams.uniform(stream, month, base.households.count, key=key),
            treated.streams.uniform(stream, month, treated.households.count, key=key),
            err_msg=f"whole-population {stream} draws do not depend on whether {component} runs",
        )
    _assert_same_arrays(base.households, treated.households, "households")
    _assert_same_arrays(base.migrants, treated.migrants, "migrants")
    for month in range(1, COMPONENT_START_MONTH):
        base.step()
        treated.step()
        assert treated.recorder.remittances_sent[month - 1] == base.recorder.remittances_sent[month - 1], (
            f"month {month}: remittances sent before {component} starts are identical"
        )
    pd.testing.assert_frame_equal(
        base.timeseries(),
        treated.timeseries(),
        check_exact=True,
        obj=f"outcomes before {component} starts (month {COMPONENT_START_MONTH})",
    )
    _assert_same_arrays(base.households, treated.households, "households before the start")


def test_community_parenting_changes_only_schooling_and_costs() -> None:
    # Community parenting acts on school attendance alone; with common random numbers every other
    # outcome must be identical over the whole run, not just before the start.
    base, treated = _pair("community_parenting")
    a, b = base.run(), treated.run()
    only = {"children_in_school_share", "program_cost"}
    same = [c for c in a.columns if c not in only]
    pd.testing.assert_frame_equal(
        a[same], b[same], check_exact=True, obj="all outcomes but schooling and programme cost"
    )
    assert (b["program_cost"] > a["program_cost"]).any(), "the component costs something once it runs"
    assert not a["children_in_school_share"].equals(b["children_in_school_share"]), (
        "the component does change school attendance (else the check above proves nothing)"
    )
