"""Stays, savings abroad, returns and reintegration (issue 12, item 5) and selection (item 8).

Rules on hand-made arrays; then small worlds: savings abroad are conserved month by month,
returnees bring savings home and invest some of them, both engines agree when the returnee
branch is exercised hard, and migrant households are a selected group (more working-age adults,
less land) only while the selection weights are not zero.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from desmig_sim import DesmigratifModel
from desmig_sim.core.enums import MigrantStatus, Route, StayType
from desmig_sim.rules import abroad as abroad_rules
from desmig_sim.rules import returns as returns_rules
from desmig_sim.rules import selection as selection_rules
from tests.helpers import small_scenario
from tests.test_reference_engine import assert_same_model, programme_world


# ---------------------------------------------------------------------- rules
def test_stay_types_follow_the_route_unless_settled() -> None:
    route = np.array([Route.PROCEDURAL, Route.NON_PROCEDURAL, Route.PROCEDURAL, Route.NON_PROCEDURAL])
    u = np.array([0.9, 0.9, 0.1, 0.1])
    types = returns_rules.stay_types(route, u, settled_share=0.2)
    assert types.tolist() == [StayType.CONTRACT, StayType.TEMPORARY, StayType.SETTLED, StayType.SETTLED]
    assert (returns_rules.stay_types(route, u, 0.0) != StayType.SETTLED).all(), "share 0: nobody settles"


def test_settled_stayers_return_and_stop_renewing_less_often() -> None:
    types = np.array([StayType.TEMPORARY, StayType.SETTLED, StayType.CONTRACT])
    hazard, renewal = returns_rules.stay_hazards(types, 0.02, 0.3, settled_return_factor=0.25)
    assert hazard.tolist() == pytest.approx([0.02, 0.005, 0.02])
    assert renewal.tolist() == pytest.approx([0.3, 1.0 - 0.25 * 0.7, 0.3])
    # A settled procedural migrant at the contract's end renews where the others return.
    fate = abroad_rules.fates(
        np.array([Route.PROCEDURAL, Route.PROCEDURAL]),
        np.array([0, 0]),
        np.array([0.5, 0.5]),
        np.array([0.6, 0.6]),
        0.0,
        0.0,
        0.0,
        hazard[[0, 1]],
        renewal[[0, 1]],
    )
    assert fate.tolist() == [abroad_rules.Fate.RETURNS, abroad_rules.Fate.RENEWS]


def test_savings_abroad_are_the_wage_left_after_living_costs_and_remittances() -> None:
    saved = returns_rules.saved_abroad(np.array([1000.0, 1000.0, 0.0]), np.array([300.0, 700.0, 0.0]), 0.5)
    assert saved.tolist() == [200.0, 0.0, 0.0], "never negative"
    reaching = returns_rules.savings_reaching_home(np.array([100.0, 100.0]), np.array([True, False]), 0.8)
    assert reaching.tolist() == pytest.approx([100.0, 20.0])


def test_returnee_investment_chance_grows_with_savings_and_is_zero_without() -> None:
    p = returns_rules.returnee_investment_probability(np.array([0.0, 500.0, 1000.0, 5000.0]), 1000.0, 0.1)
    assert p.tolist() == pytest.approx([0.0, 0.05, 0.1, 0.1])


def test_selection_favours_spare_labour_little_land_and_returnees() -> None:
    weights = {"labour_weight": 0.2, "land_weight": 0.2, "education_weight": 0.0, "remigration_weight": 0.1}
    term = selection_rules.selection_term(
        np.array([3, 5, 3, 3, 1]),
        np.array([1.0, 1.0, 0.1, 1.0, 3.0]),
        np.zeros(5, dtype=bool),
        np.array([False, False, False, True, False]),
        land_mean_ha=1.0,
        **weights,
    )
    assert term[0] == 0.0, "the reference household (three adults, mean land, no returnee) adds nothing"
    assert term[1] > 0 and term[2] > 0 and term[3] == pytest.approx(0.1)
    assert term[4] < 0, "one adult at home and much land: less likely to migrate"
    zero = selection_rules.selection_term(
        np.array([1, 5]),
        np.array([0.0, 9.0]),
        np.array([True, False]),
        np.array([True, False]),
        1.0,
        0.0,
        0.0,
        0.0,
        0.0,
    )
    assert (zero == 0).all(), "all weights 0: no selection"


# ---------------------------------------------------------------------- worlds
def run_tracking_savings(model: DesmigratifModel) -> list[tuple[float, float]]:
    """Each month: the change of the savings-abroad stock, and saved - brought home - lost."""
    rows = []
    for _ in range(model.world.horizon):
        before = model.world.migrants.savings_abroad.sum()
        model.step()
        t = model.world.tally
        flows = t.saved_abroad.sum() - t.savings_brought_home.sum() - t.savings_lost_abroad.sum()
        rows.append((model.world.migrants.savings_abroad.sum() - before, flows))
    return rows


def test_savings_abroad_are_conserved_and_come_home() -> None:
    model = DesmigratifModel(small_scenario(households=80, months=48), seed=4, agents=False)
    rows = np.array(run_tracking_savings(model))
    assert np.allclose(rows[:, 0], rows[:, 1], rtol=1e-9, atol=1e-3), (
        "savings abroad change by what is saved less what comes home or is lost"
    )
    table = model.recorder.to_frame()
    pooled = table[table["village"] == "ALL"]
    assert pooled["savings_brought_home"].sum() > 0, "returnees bring savings home"
    assert pooled["returnees_at_home"].iloc[-1] > 0
    assert pooled["returnees_at_home"].iloc[-1] == model.world.households.returnee_count.sum()


def test_returnees_invest_and_both_engines_agree_on_it() -> None:
    scenario = programme_world(30, months=48, **{"parameters.stays.returnee_business_prob": 0.5})
    assert_same_model(scenario, 8)
    table = DesmigratifModel(scenario, seed=8, agents=False).run()
    pooled = table[table["village"] == "ALL"]
    assert pooled["productive_investment_returnee_savings"].sum() > 0
    assert pooled["returnee_businesses_started"].sum() > 0


def test_no_returnee_investment_when_the_chance_is_zero() -> None:
    scenario = small_scenario(
        households=60, months=36, overrides={"parameters.stays.returnee_business_prob": 0.0}
    )
    table = DesmigratifModel(scenario, seed=2, agents=False).run()
    assert (table["productive_investment_returnee_savings"] == 0).all()
    assert (table["returnee_businesses_started"] == 0).all()


def sent_a_migrant_by_group(overrides: dict[str, Any]) -> tuple[float, float]:
    """Share of households that sent a migrant during the run: spare labour and little land vs the rest."""
    scenario = small_scenario(villages=("Buraen", "Bokong"), households=400, months=60, overrides=overrides)
    model = DesmigratifModel(scenario, seed=12, agents=False)
    hh, m, k = model.world.households, model.world.migrants, model.world.k
    trips_before = m.trips.reshape(-1, k).sum(axis=1).copy()
    model.run()
    sent = m.trips.reshape(-1, k).sum(axis=1) > trips_before
    selected = (hh.working_age_adults >= 3) & (hh.land_ha < np.median(hh.land_ha))
    other = (hh.working_age_adults <= 2) & (hh.land_ha >= np.median(hh.land_ha))
    return float(sent[selected].mean()), float(sent[other].mean())


def test_households_with_spare_labour_and_little_land_migrate_more_only_with_selection() -> None:
    strong = {
        "parameters.selection.labour_weight": 1.0,
        "parameters.selection.land_weight": 1.0,
        "parameters.selection.land_income_elasticity": 0.0,
    }
    off = {
        "parameters.selection.labour_weight": 0.0,
        "parameters.selection.land_weight": 0.0,
        "parameters.selection.land_income_elasticity": 0.0,
    }
    selected, other = sent_a_migrant_by_group(strong)
    selected_off, other_off = sent_a_migrant_by_group(off)
    assert selected > 1.5 * other, f"with selection: {selected:.3f} vs {other:.3f}"
    assert selected - other > 2 * abs(selected_off - other_off), (
        f"without selection the gap ({selected_off:.3f} vs {other_off:.3f}) is much smaller"
    )


def test_agents_show_characteristics_stays_and_savings() -> None:
    model = DesmigratifModel(small_scenario(households=30, months=24), seed=3)
    model.run()
    household = model.household_agents[0]
    assert household.land_ha > 0 and household.working_age_adults >= 1
    assert isinstance(household.head_educated, bool)
    migrants = [a for h in model.household_agents for a in h.migrants]
    assert migrants, "someone has migrated"
    assert all(a.stay_type != StayType.NONE for a in migrants)
    abroad = [a for a in migrants if a.status == MigrantStatus.ABROAD]
    assert any(a.savings_abroad > 0 for a in abroad), "migrants abroad have saved"
