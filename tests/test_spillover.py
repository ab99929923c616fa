"""Non-programme neighbour villages, broker displacement and the spill-over rows.

* the broker contact rule (:func:`desmig_sim.rules.migration.broker_contact_probability`);
* the world: neighbours per programme village, same regency, never reached by a component;
* the outcome table's group rows ``PROGRAMME`` and ``NEIGHBOURS``, pooled like ``ALL``;
* displacement acts: with it, the programme raises broker departures in the neighbours; without
  it, the neighbours' results do not depend on the programme at all;
* the comparison reports the groups.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desmig_sim import DesmigratifModel
from desmig_sim.config.outcomes import NEIGHBOURS_GROUP, POOLED, PROGRAMME_GROUP
from desmig_sim.core.errors import ScenarioError
from desmig_sim.experiments.paired import Comparison
from desmig_sim.reporting.comparison_report import group_table
from desmig_sim.rules import migration
from tests.helpers import SMALL_VILLAGES, small_scenario

FULL = {f"components.{k}.enabled": True for k in ("information_centre", "cooperative")}


def run_table(
    name: str = "baseline", months: int = 36, seed: int = 3, households: int = 60, **overrides: object
) -> pd.DataFrame:
    """The outcome table of a small world (three programme villages and their neighbours)."""
    scenario = small_scenario(name, households=households, months=months, overrides=overrides)
    scenario = scenario.with_seed(seed)
    model = DesmigratifModel(scenario)
    for _ in range(months):
        model.step()
    return model.timeseries()


# ---------------------------------------------------------------------------- the rule
def test_contact_probability_is_the_base_without_displacement_or_losses() -> None:
    lost, reachable = np.array([0, 5, 3]), np.array([10, 10, 0])
    assert np.array_equal(migration.broker_contact_probability(0.05, 0.0, lost, reachable), np.full(3, 0.05))
    got = migration.broker_contact_probability(0.05, 1.0, np.zeros(3), reachable)
    assert np.array_equal(got, np.full(3, 0.05))


def test_contact_probability_redirects_the_lost_effort_to_the_reachable() -> None:
    # 5 households lost, 10 still reachable: half of 5 x 0.05 contacts spread over 10 households.
    got = migration.broker_contact_probability(0.05, 0.5, np.array([5]), np.array([10]))
    assert got[0] == pytest.approx(0.05 + 0.5 * 5 * 0.05 / 10)
    # A regency where everybody applied has nobody to reach: the base probability, no division.
    assert migration.broker_contact_probability(0.05, 0.5, np.array([4]), np.array([0]))[0] == 0.05


@settings(max_examples=60, deadline=None)
@given(
    st.floats(0.0, 1.0),
    st.floats(0.0, 1.0),
    st.integers(0, 200),
    st.integers(0, 200),
)
def test_contact_probability_is_a_probability_that_grows_with_losses(
    base: float, displacement: float, lost: int, reachable: int
) -> None:
    p = migration.broker_contact_probability(
        base, displacement, np.array([lost, lost + 1]), np.array([reachable] * 2)
    )
    assert np.all((p >= base - 1e-15) & (p <= 1.0))
    assert p[1] >= p[0]
    # The extra contacts never exceed the redirected effort.
    if reachable:
        assert (p[0] - base) * reachable <= displacement * base * lost + 1e-9


# ---------------------------------------------------------------------------- the world
def test_each_programme_village_has_a_neighbour_in_its_regency() -> None:
    scenario = small_scenario(households=20, months=1)
    villages = scenario.world.simulated_villages()
    programme = [v for v in villages if v.programme]
    neighbours = [v for v in villages if not v.programme]
    assert [v.name for v in programme] == list(SMALL_VILLAGES)
    assert [v.name for v in neighbours] == [f"Neighbour of {n}" for n in SMALL_VILLAGES]
    for p, n in zip(programme, neighbours, strict=True):
        assert (n.regency, n.potential) == (p.regency, p.potential)
    two = small_scenario(households=20, months=1, overrides={"world.neighbours": 2})
    assert len(two.world.simulated_villages()) == 3 * len(SMALL_VILLAGES)
    none = small_scenario(households=20, months=1, overrides={"world.neighbours": 0})
    assert all(v.programme for v in none.world.simulated_villages())


def test_neighbours_out_of_range_are_a_one_line_error() -> None:
    with pytest.raises(ScenarioError, match="neighbours"):
        small_scenario(households=20, months=1, overrides={"world.neighbours": -1})


def test_no_component_reaches_a_neighbour() -> None:
    table = run_table("full_program", months=24)
    last = table[table["month"] == 24].set_index("village")
    for name in SMALL_VILLAGES:
        assert last.loc[f"Neighbour of {name}", "program_cost"] == 0
        assert last.loc[f"Neighbour of {name}", "coop_members"] == 0
    assert last.loc[list(SMALL_VILLAGES), "program_cost"].sum() > 0


# ---------------------------------------------------------------------------- the group rows
def test_group_rows_pool_their_villages_like_all() -> None:
    table = run_table("full_program", months=24)
    month = table[table["month"] == 24].set_index("village")
    programme, neighbours = list(SMALL_VILLAGES), [f"Neighbour of {n}" for n in SMALL_VILLAGES]
    for column in ("departures_non_procedural", "migrants_abroad_procedural", "remittances_received"):
        assert month.loc[PROGRAMME_GROUP, column] == pytest.approx(month.loc[programme, column].sum())
        assert month.loc[NEIGHBOURS_GROUP, column] == pytest.approx(month.loc[neighbours, column].sum())
        assert month.loc[POOLED, column] == pytest.approx(
            month.loc[PROGRAMME_GROUP, column] + month.loc[NEIGHBOURS_GROUP, column]
        )
    # Equal-sized villages: the group mean of income per capita is the mean of its villages.
    income = "income_per_capita_mean"
    assert month.loc[NEIGHBOURS_GROUP, income] == pytest.approx(month.loc[neighbours, income].mean())


def test_without_neighbours_the_table_has_no_group_rows() -> None:
    table = run_table(months=3, **{"world.neighbours": 0})
    assert set(table["village"]) == {*SMALL_VILLAGES, POOLED}


# ---------------------------------------------------------------------------- displacement
def neighbours_only(table: pd.DataFrame) -> pd.DataFrame:
    return table[table["village"].str.startswith("Neighbour")].reset_index(drop=True)


def test_without_displacement_the_programme_leaves_the_neighbours_alone() -> None:
    off = {"parameters.migration.broker_displacement": 0.0}
    base = neighbours_only(run_table(**off))
    policy = neighbours_only(run_table("full_program", **off))
    pd.testing.assert_frame_equal(base, policy)


def test_with_displacement_the_programme_sends_more_neighbours_with_brokers() -> None:
    on = {"parameters.migration.broker_displacement": 1.0}
    base, policy = [], []
    for seed in (1, 2):
        for name, into in (("baseline", base), ("full_program", policy)):
            table = run_table(name, months=60, seed=seed, households=400, **on)
            into.append(table.loc[table["village"] == NEIGHBOURS_GROUP, "departures_non_procedural"].sum())
    assert sum(policy) > sum(base)


def test_the_comparison_reports_programme_and_neighbours() -> None:
    tables = {
        name: [run_table(name, months=12, seed=s) for s in (1, 2)] for name in ("baseline", "full_program")
    }
    comparison = Comparison(tables, seeds=[1, 2])
    assert comparison.groups == [PROGRAMME_GROUP, NEIGHBOURS_GROUP]
    groups = comparison.by_group
    assert set(groups["group"]) == {POOLED, PROGRAMME_GROUP, NEIGHBOURS_GROUP}
    all_rows = groups[groups["group"] == POOLED].drop(columns="group").reset_index(drop=True)
    pd.testing.assert_frame_equal(all_rows, comparison.horizons)
    cost = groups[(groups["outcome"] == "program_cost") & (groups["scenario"] == "full_program")]
    assert cost.set_index("group").loc[NEIGHBOURS_GROUP, "diff_mean"] == 0
    assert cost.set_index("group").loc[PROGRAMME_GROUP, "diff_mean"] > 0
    text = group_table(comparison, "full_program", "end_of_run")
    assert "NEIGHBOURS: difference" in text and "PROGRAMME: difference" in text
