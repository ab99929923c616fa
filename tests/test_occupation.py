"""Sex and occupation of migrants: the rules, the zero-cost placement rule and the model's behaviour."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import desmig_sim
from desmig_sim.config.events import ZeroCostPlacement, conditions_at
from desmig_sim.config.outcomes import POOLED
from desmig_sim.config.parameters import Parameters
from desmig_sim.core.calendar import parse_year_month
from desmig_sim.core.enums import MigrantStatus, Occupation, Route, Sex
from desmig_sim.model.jobs import JobTables
from desmig_sim.model.world import World
from desmig_sim.rules import occupation as rules
from tests.helpers import small_scenario

# ----------------------------------------------------------------------------- rules


def test_occupations_are_drawn_in_the_shares_of_the_mix() -> None:
    mix = rules.occupation_mix(0.6, 0.3)
    u = (np.arange(100_000) + 0.5) / 100_000
    drawn = rules.draw_occupation(u, mix)
    shares = np.bincount(drawn, minlength=4) / u.size
    np.testing.assert_allclose(shares, [0.0, 0.6, 0.3, 0.1], atol=1e-4, err_msg="each occupation its share")
    rows = np.array([rules.occupation_mix(1.0, 0.0), rules.occupation_mix(0.0, 0.0)])
    assert rules.draw_occupation(np.array([0.99, 0.01]), rows).tolist() == [
        Occupation.DOMESTIC,
        Occupation.OTHER,
    ], "one mix per draw: an all-domestic route and an all-other route"


def test_sex_follows_the_womens_share_of_the_occupation() -> None:
    women = np.array([0.0, 1.0, 0.0, 0.5])
    occupation = np.array([Occupation.DOMESTIC, Occupation.PLANTATION, Occupation.OTHER, Occupation.OTHER])
    sex = rules.draw_sex(np.array([0.99, 0.0, 0.49, 0.51]), occupation, women)
    assert sex.tolist() == [Sex.WOMAN, Sex.MAN, Sex.WOMAN, Sex.MAN], "a woman when u < the women's share"


def test_placement_cost_waives_the_complied_share_for_covered_occupations_only() -> None:
    factor = np.array([1.0, 1.0, 2.0, 1.5])
    occupation = np.array([Occupation.DOMESTIC, Occupation.PLANTATION, Occupation.OTHER])
    before = rules.placement_cost(10.0, occupation, factor, 0.0)
    after = rules.placement_cost(10.0, occupation, factor, 0.4)
    np.testing.assert_allclose(before, [10.0, 20.0, 15.0], err_msg="the route's cost times the factor")
    np.testing.assert_allclose(after, [6.0, 12.0, 15.0], err_msg="covered job orders cost (1 - compliance)")


def test_risk_multipliers_keep_each_routes_mean_rate() -> None:
    multiplier = np.array([0.0, 0.5, 1.0, 2.0])
    p_mix, np_mix = rules.occupation_mix(0.9, 0.05), rules.occupation_mix(0.03, 0.8)
    table = rules.yearly_risk_by_job(0.001, 0.004, multiplier, p_mix, np_mix)
    assert table[Route.PROCEDURAL] @ p_mix == pytest.approx(0.001), "procedural mean rate unchanged"
    assert table[Route.NON_PROCEDURAL] @ np_mix == pytest.approx(0.004), "non-procedural mean rate unchanged"
    ratio = table[Route.NON_PROCEDURAL, Occupation.OTHER] / table[Route.NON_PROCEDURAL, Occupation.DOMESTIC]
    assert ratio == pytest.approx(4.0), "the occupations' risks keep the multipliers' ratio"
    assert np.all(table[Route.NONE] == 0.0), "no risk without a route"


def test_default_mixes_give_the_sourced_sex_ratios() -> None:
    jobs = JobTables.of(Parameters())
    procedural = jobs.mix[Route.PROCEDURAL] @ jobs.women_share
    non_procedural = jobs.mix[Route.NON_PROCEDURAL] @ jobs.women_share
    assert 0.88 <= procedural <= 0.97, f"~0.93 women among procedural placements (2023), got {procedural:.3f}"
    assert 0.10 <= non_procedural <= 0.25, f"~0.16 women among deportees (2023), got {non_procedural:.3f}"


# ----------------------------------------------------------------------------- zero-cost rule


def test_zero_cost_rule_is_in_force_from_its_date_only() -> None:
    rule = ZeroCostPlacement(kind="zero_cost_placement", start="2021-08", compliance_share=0.5)
    before = conditions_at([rule], parse_year_month("2021-07"), 1000.0, 3200.0)
    after = conditions_at([rule], parse_year_month("2021-08"), 1000.0, 3200.0)
    assert (before.zero_cost_compliance, after.zero_cost_compliance) == (0.0, 0.5), "waived from 2021-08"
    two = conditions_at([rule, rule], parse_year_month("2022-01"), 1000.0, 3200.0)
    assert two.zero_cost_compliance == pytest.approx(0.75), "two rules waive 1 - (1 - 0.5)^2"


def test_zero_cost_rule_lowers_the_procedural_cost_of_covered_jobs_from_its_date() -> None:
    scenario = small_scenario(villages=["Buraen"], households=20, months=120)
    assert any(e.kind == "zero_cost_placement" for e in scenario.events), "the baseline has the rule"
    world = World.build(scenario, seed=1)
    households = np.zeros(3, dtype=np.int64)
    jobs = np.array([Occupation.DOMESTIC, Occupation.PLANTATION, Occupation.OTHER])
    rule_month = parse_year_month("2021-08") - parse_year_month(scenario.run.start) + 1
    costs = {}
    for month in (rule_month - 1, rule_month):
        world.month = month
        world.conditions = world.conditions_in(month)
        costs[month] = world.procedural_cost(households, jobs) / world.price_index()
    base = scenario.parameters.migration.procedural_cost_idr
    np.testing.assert_allclose(costs[rule_month - 1], base, err_msg="full cost for every job before the rule")
    np.testing.assert_allclose(
        costs[rule_month], [0.5 * base, 0.5 * base, base], err_msg="covered jobs cost half from 2021-08"
    )


def test_bad_compliance_share_is_explained() -> None:
    from desmig_sim.config.scenario import scenario_from_dict
    from desmig_sim.core.errors import ScenarioError
    from tests.helpers import scenario_data

    data = scenario_data("baseline")
    data["events"] = [
        *data["events"],
        {"kind": "zero_cost_placement", "start": "2021-08", "compliance_share": 1.5},
    ]
    with pytest.raises(ScenarioError) as caught:
        scenario_from_dict(data, "bad.toml")
    message = str(caught.value)
    assert "compliance_share" in message and "1.5" in message, f"names the field and value: {message}"


# ----------------------------------------------------------------------------- behaviour


@pytest.fixture(scope="module")
def runs() -> list[tuple[pd.DataFrame, desmig_sim.DesmigratifModel]]:
    scenario = small_scenario(households=150, months=60)
    out = []
    for seed in (11, 12):
        result = desmig_sim.run(scenario, seed, agents=True)
        out.append((result.timeseries, result.model))
    return out


def test_procedural_departures_are_mostly_women_and_non_procedural_mostly_men(runs) -> None:
    table = pd.concat([t[t.village == POOLED] for t, _ in runs])
    procedural = table.departures_procedural_women.sum() / table.departures_procedural.sum()
    non_procedural = table.departures_non_procedural_women.sum() / table.departures_non_procedural.sum()
    assert procedural > 0.8, f"procedural placements are mostly women (domestic/care work): {procedural:.2f}"
    assert non_procedural < 0.3, (
        f"brokers' recruits are mostly men (estates, construction): {non_procedural:.2f}"
    )


def test_sex_split_columns_sum_to_their_totals(runs) -> None:
    for table, _ in runs:
        for total in (
            "departures_procedural",
            "departures_non_procedural",
            "deaths_abroad",
        ):
            parts = table[f"{total}_women"] + table[f"{total}_men"]
            assert (parts == table[total]).all(), f"{total}: women + men = total in every row"
        abroad = table.migrants_abroad_procedural + table.migrants_abroad_non_procedural
        assert (table.migrants_abroad_women + table.migrants_abroad_men == abroad).all(), "abroad by sex"
        share = table.women_share_procedural_departures
        none = table.departures_procedural == 0
        assert share[none].isna().all() and share[~none].between(0, 1).all(), "NaN without departures"


def test_migrant_agents_show_sex_and_occupation(runs) -> None:
    _, model = runs[0]
    migrants = [m for h in model.household_agents for m in h.migrants]
    assert migrants, "some members have migrated"
    for migrant in migrants:
        assert migrant.sex in (Sex.WOMAN, Sex.MAN), "every migrant has a sex"
        assert migrant.occupation in (Occupation.DOMESTIC, Occupation.PLANTATION, Occupation.OTHER)
    abroad = [m for m in migrants if m.status == MigrantStatus.ABROAD]
    domestic = [m for m in abroad if m.occupation == Occupation.DOMESTIC]
    assert domestic and all(m.sex == Sex.WOMAN for m in domestic), "domestic workers are women by default"
