"""Welfare accounting: poverty by consumption (as BPS measures it), business profit, interest, surplus."""

from __future__ import annotations

import numpy as np
import pytest

import desmig_sim
from desmig_sim.config.outcomes import POOLED
from tests.helpers import small_scenario


@pytest.fixture(scope="module")
def stepped() -> tuple[desmig_sim.DesmigratifModel, list[dict[str, float]]]:
    """A small full-programme run, with each month's poverty recomputed from the households."""
    model = desmig_sim.DesmigratifModel(small_scenario("full_program", months=30, households=60), seed=3)
    by_hand = []
    while model.running:
        model.step()
        world, hh = model.world, model.households
        residents = hh.residents_counted  # people at home in phase 5, when welfare is measured
        line = world.poverty_line()
        by_hand.append(
            {
                "poverty_rate": float(
                    np.sum(residents * (hh.consumption / residents < line)) / residents.sum()
                ),
                "poverty_rate_income": float(
                    np.sum(residents * (hh.income / residents < line)) / residents.sum()
                ),
                "consumption_per_capita_mean": float(hh.consumption.sum() / residents.sum()),
            }
        )
    return model, by_hand


def test_poverty_is_the_share_of_people_with_consumption_below_the_line(stepped) -> None:
    model, by_hand = stepped
    table = model.timeseries()
    pooled = table[table["village"] == POOLED].reset_index(drop=True)
    for column in ("poverty_rate", "poverty_rate_income", "consumption_per_capita_mean"):
        np.testing.assert_allclose(
            pooled[column].to_numpy(), [row[column] for row in by_hand], rtol=1e-12, err_msg=column
        )


def test_poverty_by_consumption_and_by_income_differ() -> None:
    table = desmig_sim.run(small_scenario(months=12, households=60), 1, agents=False).timeseries
    rows = table[table["village"] == POOLED]
    assert (rows["poverty_rate"] != rows["poverty_rate_income"]).any()
    assert rows["consumption_per_capita_mean"].gt(0).all()


def test_borrowers_pay_interest_on_the_outstanding_balance_to_the_cooperative() -> None:
    model = desmig_sim.DesmigratifModel(
        small_scenario(
            "cooperative",
            months=24,
            households=80,
            overrides={"parameters.cooperative.loan_demand_prob": 0.5},
        ),
        seed=4,
    )
    rate = model.params.cooperative.loan_rate_per_month
    paid_any = False
    while model.running:
        loans_before = model.households.coop_loan.copy()
        model.step()
        hh = model.households
        paying = hh.coop_loan_interest > 0
        paid_any |= bool(paying.any())
        np.testing.assert_allclose(hh.coop_loan_interest[paying], loans_before[paying] * rate, rtol=1e-12)
        # Deposit interest is credited to deposits, never counted as income.
        np.testing.assert_allclose(
            hh.income,
            hh.local_income + hh.business_income + hh.remittances_received + hh.coop_dividend,
            rtol=1e-12,
        )
    assert paid_any, "some member borrowed and paid interest"


def test_surplus_is_shared_once_a_year_after_reserves(monkeypatch: pytest.MonkeyPatch) -> None:
    from desmig_sim.model import cooperation

    seen = []
    share = cooperation.share_surplus

    def spy(world) -> None:
        before = (world.cooperatives.surplus.copy(), world.cooperatives.cash.copy())
        share(world)
        seen.append((world.calendar_month(), *before, world.cooperatives.cash.copy(), world.households))

    monkeypatch.setattr(cooperation, "share_surplus", spy)
    overrides = {
        "parameters.cooperative.savings_rate_per_month": 0.002,
        "parameters.cooperative.loan_demand_prob": 0.5,
        "parameters.cooperative.inactivity_prob_per_year": 0.0,
    }
    model = desmig_sim.DesmigratifModel(
        small_scenario("cooperative", months=40, households=80, overrides=overrides), seed=5
    )
    reserve = model.params.cooperative.surplus_reserve_share
    dividends_by_month = []
    while model.running:
        model.step()
        dividends_by_month.append((model.world.calendar_month(), model.households.coop_dividend.sum()))
        if model.world.calendar_month() != model.params.cooperative.surplus_month:
            assert model.households.coop_dividend.sum() == 0.0
    assert [month for month, *_ in seen] == [model.params.cooperative.surplus_month] * len(seen)
    paid_total = 0.0
    for _, surplus, cash_before, cash_after, _hh in seen:
        expected = np.minimum(np.maximum(surplus, 0.0) * (1.0 - reserve), np.maximum(cash_before, 0.0))
        np.testing.assert_allclose(cash_before - cash_after, expected, rtol=1e-12, atol=1e-6)
        paid_total += expected.sum()
    assert paid_total > 0, "a cooperative with a cheap deposit rate makes a surplus and shares it"
    assert sum(d for _, d in dividends_by_month) == pytest.approx(paid_total, rel=1e-9)


@pytest.mark.parametrize("engine", ["vectorised", "reference"])
def test_cooperative_books_balance_every_month(engine: str) -> None:
    """Cash + loans - deposits (the cooperative's own funds) = reserves + this year's surplus."""
    overrides = {"parameters.cooperative.loan_demand_prob": 0.3}
    scenario = small_scenario("full_program", months=40, households=60, overrides=overrides)
    model = desmig_sim.build_model(scenario, seed=7, engine=engine)
    checked = 0
    while model.running:
        model.step()
        coops, hh = model.cooperatives, model.households
        if not coops.exists.any():
            continue
        v = np.arange(len(model.villages))
        loans = np.bincount(hh.village, weights=hh.coop_loan, minlength=v.size)
        deposits = np.bincount(hh.village, weights=hh.coop_deposit, minlength=v.size)
        own_funds = coops.cash + loans - deposits
        np.testing.assert_allclose(
            own_funds, coops.reserves + coops.surplus, rtol=0, atol=1e-9 * max(deposits.max(), 1.0)
        )
        checked += 1
    assert checked > 0
