"""The local economy's limits: the harvest season, drought years and the village demand for businesses."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from desmig_sim.config.events import Drought, conditions_at
from desmig_sim.config.scenario import scenario_from_dict
from desmig_sim.core import calendar
from desmig_sim.core.errors import ScenarioError
from desmig_sim.model.world import World
from desmig_sim.rules import budget, business
from tests.helpers import run_pooled, scenario_data, small_scenario

MONTHS = np.arange(1, 13)


# ---------------------------------------------------------------------------- harvest season and drought
class TestFarmIncomeFactor:
    def test_a_normal_year_averages_one(self) -> None:
        factors = [budget.farm_income_factor(m, 0.6, 0.3, 4, 0.0) for m in MONTHS]
        assert np.mean(factors) == pytest.approx(1.0, abs=1e-12), (
            "the season moves income, not its yearly mean"
        )
        assert int(MONTHS[np.argmax(factors)]) == 4, "farm income peaks in the harvest month"
        assert int(MONTHS[np.argmin(factors)]) == 10, "and is lowest half a year later"
        assert max(factors) == pytest.approx(1.0 + 0.6 * 0.3), "the peak: farm share times amplitude above 1"

    def test_no_season_and_no_farm_are_flat(self) -> None:
        for m in MONTHS:
            assert budget.farm_income_factor(m, 0.6, 0.0, 4, 0.0) == 1.0, "no season: flat"
            assert budget.farm_income_factor(m, 0.0, 0.3, 4, 0.4) == 1.0, (
                "no farm income: neither season nor drought"
            )

    @pytest.mark.parametrize("loss", [0.0, 0.4, 1.0])
    def test_drought_cuts_only_the_farm_part(self, loss: float) -> None:
        factors = [budget.farm_income_factor(m, 0.6, 0.3, 4, loss) for m in MONTHS]
        assert np.mean(factors) == pytest.approx(1.0 - 0.6 * loss, abs=1e-12), (
            "a drought year loses the farm share times the loss, the wage part stays"
        )


class TestDroughtEvent:
    def test_severity_applies_in_its_calendar_year_only(self) -> None:
        event = Drought(kind="drought", year=2019, severity=0.5)
        for date, expected in [("2018-12", 0.0), ("2019-01", 0.5), ("2019-12", 0.5), ("2020-01", 0.0)]:
            c = conditions_at([event], calendar.parse_year_month(date), 1000.0, 3200.0)
            assert c.drought_severity == expected, f"{date}: drought severity {expected}"

    def test_two_droughts_in_a_year_take_the_larger_loss(self) -> None:
        events = [
            Drought(kind="drought", year=2019, severity=0.3),
            Drought(kind="drought", year=2019, severity=0.6),
        ]
        c = conditions_at(events, calendar.parse_year_month("2019-06"), 1000.0, 3200.0)
        assert c.drought_severity == 0.6, "losses are not added up"

    @pytest.mark.parametrize(
        ("field", "value", "allowed"),
        [("severity", 1.5, "less than or equal to 1"), ("year", 17, "greater than or equal to 1900")],
    )
    def test_bad_values_are_one_line_errors(self, field: str, value: float, allowed: str) -> None:
        data = copy.deepcopy(scenario_data("baseline"))
        event = {"kind": "drought", "year": 2019, "severity": 0.4} | {field: value}
        data["events"].append(event)
        with pytest.raises(ScenarioError) as caught:
            scenario_from_dict(data, "bad_scenario.toml")
        message = str(caught.value)
        index = len(data["events"]) - 1
        assert caught.value.field == f"events[{index}].{field}", "the field is named by the event's position"
        for part in ("bad_scenario.toml", str(value), allowed):
            assert part in message, f"the error names {part!r}: {message}"


def drought_years(scenario_name: str, seed: int, **overrides: float) -> list[int]:
    """Calendar years in which the world of a small scenario has a drought (one month per year)."""
    scenario = small_scenario(scenario_name, households=20, months=120, overrides=overrides)
    world = World.build(scenario, seed)
    years = []
    for month in range(1, 121, 12):
        world.month = month
        world.conditions = world.conditions_in(month)
        if world.drought_loss() > 0:
            years.append(int(world.date()[:4]))
    return years


class TestDroughtYears:
    def test_drawn_years_are_common_random_numbers(self) -> None:
        baseline = drought_years("baseline", 7)
        assert baseline == drought_years("full_program", 7), "the same drought years whatever the programme"
        assert baseline != drought_years("baseline", 8) or baseline != drought_years("baseline", 9), (
            "other seeds draw other years"
        )

    def test_frequency_follows_the_parameter(self) -> None:
        counts = [len(drought_years("baseline", seed)) for seed in range(12)]
        assert 0.1 < np.mean(counts) / 10 < 0.45, f"about a quarter of years are droughts: {counts}"
        assert drought_years("baseline", 3, **{"parameters.income.drought_prob_per_year": 0.0}) == [], (
            "probability zero: no drawn droughts"
        )

    def test_every_month_of_a_drought_year_loses_the_same_share(self) -> None:
        scenario = small_scenario(
            "baseline",
            households=20,
            months=24,
            overrides={"parameters.income.drought_prob_per_year": 0.0},
            extra_events=[{"kind": "drought", "year": 2018, "severity": 0.7}],
        )
        world = World.build(scenario, 1)
        losses = []
        for month in range(1, 25):
            world.month = month
            world.conditions = world.conditions_in(month)
            losses.append(world.drought_loss())
        assert losses == [0.0] * 12 + [0.7] * 12, "the imposed drought covers 2018, January to December"


def test_an_imposed_drought_lowers_local_income_and_raises_aspirations() -> None:
    """Drought acts on migration only through income (attitude, deprivation): more households leave."""
    quiet = {"parameters.income.drought_prob_per_year": 0.0}
    drought = [{"kind": "drought", "year": 2018, "severity": 0.8}]
    normal = run_pooled(small_scenario("baseline", households=150, months=24, overrides=quiet), 3)
    dry = run_pooled(
        small_scenario("baseline", households=150, months=24, overrides=quiet, extra_events=drought), 3
    )
    year_2017, year_2018 = slice(1, 12), slice(13, 24)
    assert dry.loc[year_2017].equals(normal.loc[year_2017]), "nothing changes before the drought"
    assert (
        dry.loc[year_2018, "consumption_per_capita_mean"].mean()
        < 0.9 * normal.loc[year_2018, "consumption_per_capita_mean"].mean()
    ), "the drought cuts local income and so consumption"
    assert dry.loc[year_2018, "poverty_rate"].mean() > normal.loc[year_2018, "poverty_rate"].mean(), (
        "and raises poverty"
    )
    assert (
        dry.loc[year_2018, "departures_non_procedural"].sum()
        > normal.loc[year_2018, "departures_non_procedural"].sum()
    ), "more households leave with brokers in the drought year"


# ---------------------------------------------------------------------------- the village market
class TestDemandLimit:
    def test_no_crowding_up_to_the_capacity(self) -> None:
        multiplier = business.demand_multiplier(np.array([0.0, 5.0, 10.0]), np.array([10.0, 10.0, 10.0]), 1.0)
        np.testing.assert_array_equal(multiplier, [1.0, 1.0, 1.0], err_msg="no crowding within the capacity")

    @pytest.mark.parametrize("elasticity", [0.5, 1.0, 2.0])
    def test_returns_fall_beyond_the_capacity(self, elasticity: float) -> None:
        firms = np.array([10.0, 20.0, 40.0])
        multiplier = business.demand_multiplier(firms, np.full(3, 10.0), elasticity)
        assert np.all(np.diff(multiplier) < 0), "more businesses beyond the capacity: lower returns each"
        np.testing.assert_allclose(multiplier, (10.0 / firms) ** elasticity)
        if elasticity == 1.0:
            np.testing.assert_allclose(
                firms * multiplier, 10.0, err_msg="elasticity 1: a fixed village market"
            )

    def test_elasticity_zero_is_no_constraint(self) -> None:
        multiplier = business.demand_multiplier(np.array([100.0, 1.0]), np.array([1.0, 0.0]), 0.0)
        np.testing.assert_array_equal(multiplier, [1.0, 1.0], err_msg="elasticity 0: no demand limit")

    def test_capacity_follows_real_consumption(self) -> None:
        base = np.array([100.0, 100.0, 0.0])
        capacity = business.market_capacity(np.full(3, 300.0), np.array([110.0, 55.0, 7.0]), base, 1.1, 0.2)
        np.testing.assert_allclose(capacity, [60.0, 30.0, 60.0], err_msg="capacity scales with real demand")


def test_a_crowded_market_lowers_the_enterprise_components_business_income() -> None:
    """The same runs (common random numbers) with and without the demand limit."""

    def business_income(elasticity: float, capacity: float) -> float:
        overrides = {
            "parameters.business.crowding_elasticity": elasticity,
            "parameters.business.market_capacity_share": capacity,
        }
        rows = run_pooled(
            small_scenario("productive_enterprise", households=100, months=36, overrides=overrides), 2
        )
        return float(rows["business_profit"].sum())

    free = business_income(0.0, 0.2)
    assert business_income(1.0, 0.05) < 0.8 * free, "a small market cuts business income"
    assert business_income(0.5, 0.05) < free, "partial crowding cuts it too"
    assert business_income(1.0, 2.0) == free, "a market larger than the village's businesses does not bind"
