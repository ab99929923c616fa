"""Programme components: windows, budgets, costs, reach, and the village table."""

from __future__ import annotations

import numpy as np
import pytest

import desmig_sim
from desmig_sim.config.components import ComponentsSettings
from desmig_sim.config.events import conditions_at
from desmig_sim.core.calendar import parse_year_month
from desmig_sim.model.components import COMPONENTS, ProgrammeComponent, build_components
from desmig_sim.model.effects import Boost, ProgrammeEffects
from tests.helpers import COMPONENT_START_MONTH, neighbour_names, small_scenario


def _costs(scenario):
    result = desmig_sim.run(scenario, seed=5)
    pooled = result.pooled()
    return result, pooled["program_cost"].to_numpy()


def test_costs_follow_window_and_one_off():
    scenario = small_scenario(
        villages=("Buraen",),
        months=60,
        overrides={
            "components.community_parenting.enabled": True,
            "components.community_parenting.monthly_cost_idr": 1_000.0,
            "components.community_parenting.one_off_cost_idr": 50_000.0,
        },
    )
    _, cost = _costs(scenario)
    start, end = COMPONENT_START_MONTH, COMPONENT_START_MONTH + 35  # 2017-09 .. 2020-08
    assert np.all(cost[: start - 1] == 0), "nothing is spent before the component starts"
    assert cost[start - 1] == 51_000.0, "the first month pays the one-off and the monthly cost"
    assert np.all(cost[start:end] == 1_000.0), "later months pay the monthly cost only"
    assert np.all(cost[end:] == 0), "nothing is spent after the component ends"


def test_budget_cap_is_never_exceeded():
    budget = 20_500.0
    scenario = small_scenario(
        villages=("Buraen", "Mawar"),
        months=60,
        overrides={
            "components.community_parenting.enabled": True,
            "components.community_parenting.monthly_cost_idr": 1_000.0,
            "components.community_parenting.one_off_cost_idr": 5_000.0,
            "components.community_parenting.budget_idr": budget,
        },
    )
    result, _ = _costs(scenario)
    table = result.timeseries
    for village in ("Buraen", "Mawar"):
        spent = table.loc[table["village"] == village, "program_cost"].sum()
        assert spent <= budget, f"{village}: spending {spent} never exceeds the budget {budget}"
        assert spent == 20_000.0, "the component runs until the next month would overrun the budget"


def test_grants_only_where_budget_covers_a_package():
    scenario = small_scenario(
        villages=("Buraen",),
        months=30,
        overrides={
            "components.productive_enterprise.enabled": True,
            "components.productive_enterprise.budget_idr": 90_000_000.0,
        },
    )
    result, cost = _costs(scenario)
    assert cost.sum() <= 90_000_000.0, "grants and running costs stay within the budget"
    granted = result.model.components[0].granted.sum()
    assert 0 < granted <= 20, "one package (one group of at most 20) fits in the budget, not two"


def test_cooperative_recruits_only_eligible_households():
    scenario = small_scenario(
        months=20,
        overrides={
            "components.cooperative.enabled": True,
            "components.cooperative.eligibility": "migrant_households",
            "components.cooperative.coverage": 1.0,
            "components.cooperative.join_prob_per_month": 0.5,
        },
    )
    model = desmig_sim.DesmigratifModel(scenario, seed=2)
    model.run()
    members = model.households.coop_member
    assert members.any(), "the cooperative recruits members"
    ever_migrant = model.households.abroad_count + model.households.returnee_count > 0
    share = ever_migrant[members].mean()
    assert share > 0.95, (
        f"members are migrant households (allowing a few who lost them since), got {share:.2f}"
    )


def test_component_villages_apply_to_copies_and_table():
    scenario = small_scenario(
        villages=("Buraen", "Mawar"),
        months=12,
        overrides={
            "world.copies": 2,
            "components.cooperative.enabled": True,
            "components.cooperative.villages": ["Mawar"],
        },
    )
    model = desmig_sim.DesmigratifModel(scenario, seed=1)
    model.run()
    table = model.village_table().set_index("village")
    programme = ["Buraen", "Mawar", "Buraen #2", "Mawar #2"]
    assert list(table.index) == [*programme, *neighbour_names(programme)], (
        "copies follow the originals, then the neighbours of each"
    )
    assert table.loc["Neighbour of Mawar #2", "components"] == "", "no component in a neighbour"
    assert table.loc["Mawar #2", "components"] == "cooperative", "component villages apply to copies"
    assert table.loc["Buraen", "components"] == "", "and only to the villages named"
    assert table.loc["Mawar", "cooperative_active"] or table.loc["Mawar #2", "cooperative_active"]
    assert set(table["regency"]) == {"Kupang", "Alor"}, "villages carry their regency"


def test_later_event_of_the_same_date_wins():
    base = small_scenario(months=2)
    events = [*base.events]
    override = small_scenario(
        months=2, extra_events=[{"kind": "destination_min_wage", "date": "2019-01", "value_myr": 1234.0}]
    )
    month = parse_year_month("2019-06")
    assert conditions_at(events, month, 1000.0, 3200.0).min_wage_myr == 1100.0, "baseline step applies"
    assert conditions_at(override.events, month, 1000.0, 3200.0).min_wage_myr == 1234.0, (
        "a child scenario's event on the same date overrides its parent's"
    )


def test_every_component_is_registered_once_and_follows_the_protocol() -> None:
    assert list(COMPONENTS) == list(ComponentsSettings.model_fields), (
        "one registry entry per component setting"
    )
    settings = ComponentsSettings.model_validate({key: {"enabled": True} for key in COMPONENTS})
    built = build_components(settings)
    assert [c.key for c in built] == list(COMPONENTS), "components are built in registry order"
    for component in built:
        assert isinstance(component, ProgrammeComponent), f"{component.key} implements the protocol"


def test_a_boost_is_named_by_the_enum_and_a_typo_fails_loudly() -> None:
    effects = ProgrammeEffects(1, 0.1)
    reached = np.array([True, False])
    effects.add_boost(Boost.PRODUCTIVE_SHARE, reached, 0.2)
    assert effects.boost(Boost.PRODUCTIVE_SHARE, np.array([0, 1])).tolist() == [0.2, 0.0]
    assert effects.boost(Boost.SCHOOL_ATTENDANCE, np.array([0, 1])) == 0.0, "no component gives it"
    with pytest.raises(TypeError, match="Boost"):
        effects.add_boost("productive_share", reached, 0.2)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="Boost"):
        effects.boost("productive_shares", np.array([0]))  # type: ignore[arg-type]
