"""Properties that hold in every valid scenario: conservation of money and people, bounded shares.

Scenarios are drawn at random (components on/off with their coverage, a border closure, a few
parameters within the ledger's ranges) on a small world, and run month by month.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import desmig_sim
from desmig_sim.config.outcomes import COLUMNS, GROUPS
from desmig_sim.config.scenario import Scenario
from desmig_sim.core.enums import MigrantStatus
from tests.helpers import SMALL_VILLAGES, draw_overrides, pooled, small_scenario, village_rows

PROPERTY = settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)

SHARES = [
    "poverty_rate",
    "non_procedural_share",
    "non_procedural_share_12m",
    "children_in_school_share",
    "gini",
    "women_share_procedural_departures",
]
COUNTS = [
    "departures_procedural",
    "departures_non_procedural",
    "migrants_abroad_procedural",
    "migrants_abroad_non_procedural",
    "coop_members",
    "coop_active",
    "businesses_active",
    "local_jobs",
    "deaths_abroad",
    "deportations",
    "returns",
    *(
        f"{total}_{sex}"
        for total in (
            "departures_procedural",
            "departures_non_procedural",
            "deaths_abroad",
            "migrants_abroad",
        )
        for sex in ("women", "men")
    ),
]
NON_NEGATIVE_MONEY = [
    "remittances_received",
    "remittance_fees_and_losses",
    "productive_investment",
    "productive_investment_remittances",
    "productive_investment_loans",
    "productive_investment_grants",
    "coop_savings",
    "coop_loans_outstanding",
    "program_cost",
]
STOCKS = [
    "savings",
    "debt",
    "coop_deposit",
    "coop_loan",
    "coop_loan_principal",
    "business_capital",
    "consumption",
]

#: Parameters drawn within (part of) their ledger range. income_shock_sd stops at 0.5: above
#: 1/sqrt(3) local income can turn negative (see test_negative_local_income_is_a_known_bug).
PARAMETER_DRAWS: dict[str, st.SearchStrategy[Any]] = {
    "parameters.income.income_shock_sd": st.floats(0.0, 0.5),
    "parameters.income.local_savings_rate": st.floats(0.0, 0.5),
    "parameters.remittance.formal_fee_share": st.floats(0.0, 0.5),
    "parameters.remittance.informal_loss_prob": st.floats(0.0, 1.0),
    "parameters.remittance.decay_per_year": st.floats(0.0, 0.5),
    "parameters.remittance.broker_debt_repayment_share": st.floats(0.01, 1.0),
    "parameters.migration.intention_intercept": st.floats(-20.0, 5.0),
    "parameters.migration.broker_contact_prob": st.floats(0.0, 1.0),
    "parameters.migration.procedural_application_prob": st.floats(0.0, 1.0),
    "parameters.abroad.death_prob_non_procedural_per_year": st.floats(0.0, 0.2),
    "parameters.abroad.deportation_prob_per_year": st.floats(0.0, 0.5),
    "parameters.abroad.contract_renewal_prob": st.floats(0.0, 1.0),
    "parameters.business.failure_prob_per_year": st.floats(0.0, 1.0),
    "parameters.cooperative.loan_demand_prob": st.floats(0.0, 1.0),
    "parameters.cooperative.max_loan_to_savings": st.floats(0.0, 20.0),
    "parameters.cooperative.default_prob_per_year": st.floats(0.0, 1.0),
    "parameters.cooperative.inactivity_prob_per_year": st.floats(0.0, 1.0),
    "parameters.schooling.attendance_prob": st.floats(0.0, 1.0),
}


@st.composite
def small_worlds(draw: st.DrawFn) -> tuple[Scenario, int]:
    """A valid small scenario and a seed."""
    overrides = draw_overrides(draw, PARAMETER_DRAWS, max_parameters=5)
    events = []
    if draw(st.booleans()):
        start = draw(st.integers(2, 30))
        end = start + draw(st.integers(0, 18))
        events.append(
            {
                "kind": "border_closure",
                "start": f"{2017 + (start - 1) // 12}-{(start - 1) % 12 + 1:02d}",
                "end": f"{2017 + (end - 1) // 12}-{(end - 1) % 12 + 1:02d}",
                "departure_factor": draw(st.floats(0.0, 1.0)),
                "return_multiplier": draw(st.floats(0.0, 50.0)),
                "wage_factor": draw(st.floats(0.0, 1.0)),
            }
        )
    villages = draw(st.lists(st.sampled_from(SMALL_VILLAGES), min_size=1, max_size=3, unique=True))
    scenario = small_scenario(
        villages=villages,
        households=draw(st.integers(60, 120)),
        months=draw(st.integers(24, 40)),
        overrides=overrides,
        extra_events=events,
    )
    return scenario, draw(st.integers(0, 2**63 - 1))


@dataclass
class Trace:
    """A run stepped month by month, with what the invariants need."""

    model: desmig_sim.DesmigratifModel
    table: pd.DataFrame
    size_at_start: int
    negative_stocks: dict[str, list[int]] = field(default_factory=dict)
    bookkeeping: list[str] = field(default_factory=list)


def simulate(scenario: Scenario, seed: int) -> Trace:
    model = desmig_sim.DesmigratifModel(scenario, seed=seed, agents=False)
    size_at_start = int(model.households.size.sum())
    negative: dict[str, list[int]] = {}
    bookkeeping: list[str] = []
    k = model.params.migration.max_migrants_per_household
    while model.running:
        model.step()
        hh, status = model.households, model.migrants.status.reshape(-1, k)
        for name in STOCKS:
            if np.any(getattr(hh, name) < 0):
                negative.setdefault(name, []).append(model.month)
        if np.any(model.cooperatives.cash < 0):
            negative.setdefault("cooperative cash", []).append(model.month)
        for label, counter, states in (
            ("abroad_count", hh.abroad_count, [MigrantStatus.ABROAD]),
            ("dead_count", hh.dead_count, [MigrantStatus.DEAD]),
            ("returnee_count", hh.returnee_count, [MigrantStatus.RETURNED, MigrantStatus.DEPORTED]),
        ):
            if not np.array_equal(counter, np.isin(status, states).sum(axis=1)):
                bookkeeping.append(f"month {model.month}: {label}")
    return Trace(model, model.timeseries(), size_at_start, negative, bookkeeping)


@PROPERTY
@given(world=small_worlds())
def test_money_is_conserved_every_month(world: tuple[Scenario, int]) -> None:
    trace = simulate(*world)
    rows = pooled(trace.table)
    sent = trace.model.recorder.remittances_sent[: len(rows)]
    arrived_or_lost = (rows["remittances_received"] + rows["remittance_fees_and_losses"]).to_numpy()
    np.testing.assert_allclose(
        sent,
        arrived_or_lost,
        rtol=1e-9,
        atol=0.0,
        err_msg="each month, remittances sent = received + fees and losses (pooled)",
    )
    villages = village_rows(trace.table)
    summed = villages.groupby("month")[["remittances_received", "remittance_fees_and_losses"]].sum()
    np.testing.assert_allclose(
        summed.to_numpy(),
        rows[["remittances_received", "remittance_fees_and_losses"]].to_numpy(),
        rtol=1e-9,
        err_msg="pooled money flows are the sum over villages",
    )


@PROPERTY
@given(world=small_worlds())
def test_people_are_conserved_apart_from_deaths_abroad(world: tuple[Scenario, int]) -> None:
    trace = simulate(*world)
    deaths = int(pooled(trace.table)["deaths_abroad"].sum())
    end_size = int(trace.model.households.size.sum())
    assert trace.size_at_start - deaths == end_size, (
        f"household members at start ({trace.size_at_start}) minus deaths abroad ({deaths}) "
        f"equal members at the end ({end_size})"
    )
    assert int(trace.model.households.dead_count.sum()) == deaths, (
        "deaths recorded per household = deaths counted"
    )
    assert not trace.bookkeeping, (
        "per-household counts of members abroad, dead and back home match the migrant slots: "
        f"{trace.bookkeeping}"
    )


@PROPERTY
@given(world=small_worlds())
def test_outcome_table_is_well_formed(world: tuple[Scenario, int]) -> None:
    scenario, _ = world
    table = simulate(*world).table
    assert list(table.columns) == COLUMNS, "the table has exactly the contracted columns"
    simulated = scenario.world.simulated_villages()
    groups = len(GROUPS) if not all(v.programme for v in simulated) else 0
    assert len(table) == scenario.run.months * (len(simulated) + 1 + groups), (
        "one row per month and village plus one pooled row (and the group rows) per month"
    )
    missing = table.isna()
    assert not missing.drop(columns=list(SHARES)).any().any(), (
        f"only shares may be missing (columns {table.columns[missing.any()].tolist()})"
    )
    departures = table["departures_procedural"] + table["departures_non_procedural"]
    assert (missing["non_procedural_share"] == (departures == 0)).all(), (
        "the non-procedural share is missing exactly in the months without departures"
    )
    assert (missing["women_share_procedural_departures"] == (table["departures_procedural"] == 0)).all(), (
        "the women's share is missing exactly in the months without procedural departures"
    )
    for column in SHARES:
        values = table[column].dropna()
        assert values.between(0.0, 1.0).all(), (
            f"{column} stays in [0, 1] (min {values.min()}, max {values.max()})"
        )
    for column in COUNTS + NON_NEGATIVE_MONEY:
        assert (table[column] >= 0).all(), f"{column} is never negative (min {table[column].min()})"
    rows = pooled(table)
    households = scenario.parameters.village.households_per_village * len(simulated)
    abroad = rows["migrants_abroad_procedural"] + rows["migrants_abroad_non_procedural"]
    most = scenario.parameters.migration.max_migrants_per_household * households
    assert (abroad <= most).all(), f"never more migrants abroad than migrant slots ({most})"
    villages = village_rows(table).groupby("month")[COUNTS].sum()
    pd.testing.assert_frame_equal(
        villages, rows[COUNTS], check_names=False, obj="pooled counts = sum of village counts"
    )


@PROPERTY
@given(world=small_worlds())
def test_household_stocks_never_negative(world: tuple[Scenario, int]) -> None:
    trace = simulate(*world)
    assert not trace.negative_stocks, (
        "savings, debt, deposits, loans, business capital, consumption and cooperative cash never go"
        f" negative; violations (stock: months): {trace.negative_stocks}"
    )


def test_largest_allowed_income_shock_keeps_stocks_non_negative() -> None:
    scenario = small_scenario(
        households=100,
        months=24,
        overrides={"parameters.income.income_shock_sd": 0.5, "components.cooperative.enabled": True},
    )
    trace = simulate(scenario, 3)
    assert not trace.negative_stocks, (
        f"with the largest allowed income shock, stocks still never go negative: {trace.negative_stocks}"
    )
