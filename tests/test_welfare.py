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
            hh.income, hh.local_income + hh.business_income + hh.remittances_received, rtol=1e-12
        )
    assert paid_any, "some member borrowed and paid interest"
