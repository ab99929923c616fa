"""The reference engine computes exactly the model the vectorised engine computes.

Both engines run the same small worlds (several villages of 20-60 households, every programme
component on, a border closure, 36+ months, several seeds) and must give the same outcome table:

* every column **identical**, bit for bit, except
* ``gini``, equal within 1e-9 relative: the vectorised engine sums the rank-weighted incomes of
  all villages at once (``einsum`` over one sorted matrix), the reference engine village by
  village (``numpy.dot`` in :func:`desmig_sim.rules.inequality.gini`), so the last bits may differ.

Relative deprivation (an input of the migration intention, not an outcome column) is also summed
in another order by the reference engine (a running sum from the richest household down); it
agrees to about 1e-15, and the end-of-run state of every household and migrant is compared
exactly, so a decision flipped by rounding would fail the test.

A hypothesis property test draws random valid scenarios for the same check, and unit tests show
that a household's verbs do what the ODD (docs/odd.md) says on hand-built cases.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import desmig_sim
from desmig_sim import DesmigratifModel, ReferenceModel, build_model
from desmig_sim.cli.main import main as cli_main
from desmig_sim.config.outcomes import OUTCOMES
from desmig_sim.config.scenario import Scenario
from desmig_sim.core.enums import MigrantStatus, Occupation, Route, Sex
from desmig_sim.model.desmigratif_model import MONTH_PLAN
from desmig_sim.reference.engines import ENGINE_MODELS
from tests.helpers import COMPONENT_KEYS, draw_overrides, small_scenario

#: Columns compared within a relative tolerance, and why (see the module docstring).
ROUNDING_TOLERANT = {"gini": 1e-9}
#: Villages of the equivalence worlds: five potentials (pottery, weaving, farming, fishing, livestock).
VILLAGES = ("Buraen", "Bokong", "Tubuhue", "Helanianguwuyo", "Walandimu")
CLOSURE = {
    "kind": "border_closure",
    "start": "2018-06",
    "end": "2019-03",
    "departure_factor": 0.2,
    "return_multiplier": 3.0,
    "wage_factor": 0.7,
}


def differences(vectorised: pd.DataFrame, reference: pd.DataFrame) -> list[str]:
    """Columns where the two outcome tables disagree beyond what the module docstring allows."""
    assert list(vectorised.columns) == list(reference.columns), "both engines write the same columns"
    assert len(vectorised) == len(reference), "both engines write the same rows"
    found = []
    for column in vectorised.columns:
        a, b = vectorised[column].to_numpy(), reference[column].to_numpy()
        if column in ROUNDING_TOLERANT:
            close = np.allclose(a, b, rtol=ROUNDING_TOLERANT[column], atol=0.0, equal_nan=True)
            if not close:
                worst = float(np.max(np.abs(a - b) / np.maximum(np.abs(a), 1e-300)))
                found.append(f"{column}: worst relative difference {worst:.3g}")
        elif not np.array_equal(a, b, equal_nan=a.dtype.kind == "f"):
            first = int(np.flatnonzero((a != b) & ~(pd.isna(a) & pd.isna(b)))[0])
            row = vectorised.iloc[first]
            found.append(f"{column}: month {row['month']}, {row['village']}: {a[first]!r} vs {b[first]!r}")
    return found


def state_differences(vectorised: DesmigratifModel, reference: DesmigratifModel) -> list[str]:
    """Household, migrant and cooperative arrays that differ at the end of the run."""
    found = []
    for store in ("households", "migrants", "cooperatives"):
        for name, value in vars(getattr(vectorised, store)).items():
            if isinstance(value, np.ndarray) and not np.array_equal(
                value, getattr(getattr(reference, store), name)
            ):
                found.append(f"{store}.{name}")
    return found


def assert_same_model(scenario: Scenario, seed: int) -> None:
    """Run both engines on the scenario and seed; the tables and the final state must agree."""
    vectorised = DesmigratifModel(scenario, seed=seed, agents=False)
    reference = build_model(scenario, seed=seed, engine="reference")
    assert isinstance(reference, ReferenceModel), "engine='reference' builds the reference engine"
    table_v, table_r = vectorised.run(), reference.run()
    assert not differences(table_v, table_r), (
        f"seed {seed}: outcome tables differ: {differences(table_v, table_r)}"
    )
    assert not state_differences(vectorised, reference), (
        f"seed {seed}: final state differs in {state_differences(vectorised, reference)}"
    )


def programme_world(households: int, months: int = 48, **overrides: Any) -> Scenario:
    """Five villages, every component on, a border closure in the middle of the programme."""
    switches = {f"components.{key}.enabled": True for key in COMPONENT_KEYS}
    return small_scenario(
        "baseline",
        villages=VILLAGES,
        households=households,
        months=months,
        overrides={**switches, **overrides},
        extra_events=[CLOSURE],
    )


@pytest.mark.parametrize(("households", "seed"), [(20, 1), (37, 2), (60, 3), (45, 20170911)])
def test_engines_give_the_same_table(households: int, seed: int) -> None:
    assert_same_model(programme_world(households), seed)


def test_engines_agree_when_cooperatives_fold_and_loans_default() -> None:
    # Frequent defaults, folding cooperatives and loan rationing exercise every cooperative branch.
    scenario = programme_world(
        40,
        months=40,
        **{
            "parameters.cooperative.default_prob_per_year": 0.6,
            "parameters.cooperative.inactivity_prob_per_year": 0.5,
            "parameters.cooperative.loan_demand_prob": 0.9,
            "parameters.cooperative.max_loan_to_savings": 15.0,
            "parameters.remittance.decay_per_year": 0.2,
        },
    )
    assert_same_model(scenario, 7)


PROPERTY = settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
PARAMETER_DRAWS: dict[str, st.SearchStrategy[Any]] = {
    "parameters.income.income_shock_sd": st.floats(0.0, 0.5),
    "parameters.remittance.decay_per_year": st.floats(0.0, 0.5),
    "parameters.remittance.informal_loss_prob": st.floats(0.0, 1.0),
    "parameters.migration.intention_intercept": st.floats(-20.0, 5.0),
    "parameters.migration.broker_contact_prob": st.floats(0.0, 1.0),
    "parameters.abroad.contract_renewal_prob": st.floats(0.0, 1.0),
    "parameters.business.failure_prob_per_year": st.floats(0.0, 1.0),
    "parameters.cooperative.loan_demand_prob": st.floats(0.0, 1.0),
    "parameters.cooperative.default_prob_per_year": st.floats(0.0, 1.0),
    "parameters.cooperative.inactivity_prob_per_year": st.floats(0.0, 1.0),
}


@st.composite
def random_worlds(draw: st.DrawFn) -> tuple[Scenario, int]:
    """A valid small scenario (components with random coverage and start, a few parameters) and a seed."""
    overrides = draw_overrides(draw, PARAMETER_DRAWS, max_parameters=4, random_start=True)
    events = [CLOSURE] if draw(st.booleans()) else []
    villages = draw(st.lists(st.sampled_from(VILLAGES), min_size=2, max_size=4, unique=True))
    scenario = small_scenario(
        villages=villages,
        households=draw(st.integers(20, 60)),
        months=draw(st.integers(24, 40)),
        overrides=overrides,
        extra_events=events,
    )
    return scenario, draw(st.integers(0, 2**63 - 1))


@pytest.mark.slow
@PROPERTY
@given(random_worlds())
def test_engines_agree_on_random_scenarios(world: tuple[Scenario, int]) -> None:
    scenario, seed = world
    assert_same_model(scenario, seed)


# ---------------------------------------------------------------------- engine selection
def test_engine_is_chosen_by_scenario_argument_and_registry() -> None:
    scenario = small_scenario(households=20, months=2)
    assert type(build_model(scenario)) is DesmigratifModel, "the default engine is the vectorised one"
    chosen = build_model(scenario.with_engine("reference"))
    assert isinstance(chosen, ReferenceModel), "run.engine = 'reference' selects the reference engine"
    forced = build_model(scenario.with_engine("reference"), engine="vectorised")
    assert type(forced) is DesmigratifModel, "the engine argument overrides the scenario"
    assert ReferenceModel(scenario).engine == "reference", "ReferenceModel ignores the scenario's default"
    assert {"vectorised": DesmigratifModel, "reference": ReferenceModel} == ENGINE_MODELS
    with pytest.raises(ValueError, match="allowed: 'vectorised', 'reference'"):
        build_model(scenario, engine="turbo")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="use desmig_sim"):
        DesmigratifModel(scenario, engine="reference")
    with pytest.raises(ValueError, match="allowed: 'vectorised', 'reference'"):
        DesmigratifModel(scenario, engine="turbo")  # type: ignore[arg-type]
    result = desmig_sim.run(scenario, 3, engine="reference")
    assert result.manifest["engine"] == "reference", "the manifest records the engine"


def test_unknown_engine_in_a_scenario_file_is_a_kind_error(tmp_path: Any, capsys: Any) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('name = "bad"\n[run]\nengine = "fast"\n')
    assert cli_main(["validate", str(path)]) == 2, "a bad engine is bad input (exit 2)"
    message = capsys.readouterr().err
    assert "run.engine" in message and "'vectorised' or 'reference'" in message, message


def test_cli_engine_option_overrides_the_file(tmp_path: Any) -> None:
    scenario_file = tmp_path / "tiny.toml"
    baseline = (desmig_sim.config.scenario.SCENARIO_DIR / "baseline.toml").as_posix()
    scenario_file.write_text(
        f'name = "tiny"\nextends = "{baseline}"\n[run]\nmonths = 2\n'
        '[world]\nvillages = ["Buraen"]\n[parameters.village]\nhouseholds_per_village = 20\n'
    )
    out = tmp_path / "out"
    assert cli_main(["run", str(scenario_file), "--engine", "reference", "--out", str(out), "--no-plot"]) == 0
    manifest = (out / "manifest.json").read_text()
    assert '"engine": "reference"' in manifest, "the run's manifest records the engine used"


# ---------------------------------------------------------------------- a household's verbs
@pytest.fixture
def model() -> ReferenceModel:
    """One village of 20 households, before its first month."""
    return ReferenceModel(small_scenario(villages=["Buraen"], households=20, months=12), seed=5)


def test_budget_splits_remittances_by_the_use_shares(model: ReferenceModel) -> None:
    household = model.household_agents[0]
    b, inc = model.params.budget, model.params.income
    household.size, household.abroad_count = 5, 1
    household.local_income_pc_base = 300_000.0
    household.remittances_received = 2_000_000.0
    household.debt, household.savings, household.business_capital = 100_000.0, 50_000.0, 0.0
    household.budget(0.5, 1.0, 1.0, cooperatives_open=False)  # u = 0.5: a shock of zero
    local = 300_000.0 * 4
    assert household.local_income == pytest.approx(local), "local income: base per resident x 4 residents"
    assert household.debt == pytest.approx(0.0), "the debt share repays the debt while there is any"
    invested = 2_000_000.0 * b.productive
    assert household.productive_investment == pytest.approx(invested), "the productive share is invested"
    assert household.business_capital == pytest.approx(invested), "investment goes into the business"
    saved = local * inc.local_savings_rate + 2_000_000.0 * b.savings
    assert household.savings == pytest.approx(50_000.0 + saved), "savings: saved local income and remittances"
    consumed = local * (1 - inc.local_savings_rate) + 2_000_000.0 * (1 - b.productive - b.savings) - 100_000.0
    assert household.consumption == pytest.approx(consumed), (
        "the rest (and the unused debt share) is consumed"
    )


def test_payments_come_from_consumption_then_savings_then_debt(model: ReferenceModel) -> None:
    household = model.household_agents[1]
    household.consumption, household.savings, household.debt = 100.0, 50.0, 0.0
    household.pay(180.0)
    assert (household.consumption, household.savings, household.debt) == (0.0, 0.0, 30.0), (
        "a payment empties this month's consumption, then savings; the rest becomes debt"
    )


def test_subjective_norm_is_the_share_of_ties_with_a_member_abroad(model: ReferenceModel) -> None:
    household = next(h for h in model.household_agents if len(h.tie_slots) >= 2)
    for slot in household.tie_slots:
        model.household_agents[slot].abroad_count = 0
    model.household_agents[household.tie_slots[0]].abroad_count = 1
    household.observe_ties()
    assert household.abroad_ties == 1, "one tie has a member abroad"
    assert household.norm == pytest.approx(1 / len(household.tie_slots)), "norm = ties abroad / ties"


def test_departure_takes_a_former_migrant_first_and_counts_them_abroad(model: ReferenceModel) -> None:
    model.world.month = 1
    model.world.conditions = model.world.conditions_in(1)
    household = next(h for h in model.household_agents if h.size >= 3 and h.abroad_count == 0)
    k = model.migrant_slots_per_household
    returned = household.slot * k + 1
    model.migrants.status[household.slot * k : (household.slot + 1) * k] = MigrantStatus.NEVER_LEFT
    model.migrants.status[returned] = MigrantStatus.RETURNED
    household.returnee_count, household.dead_count = 1, 0
    assert model.conditions.departure_factor == 1.0, "no border closure in the first month"
    migrant = household.depart(by_broker=True)
    assert migrant is not None and migrant.route == Route.NON_PROCEDURAL, (
        "a household that accepted a broker leaves non-procedurally"
    )
    assert migrant.sex != Sex.NONE and migrant.occupation != Occupation.NONE, (
        "the migrant has a sex and a job"
    )
    assert model.migrants.status[returned] == MigrantStatus.ABROAD, "the former migrant leaves again first"
    assert (household.abroad_count, household.returnee_count) == (1, 0), "they are counted abroad, not home"
    assert model.migrants.broker_debt[returned] == model.params.remittance.broker_debt_idr, (
        "they owe the broker"
    )


def test_cooperative_lends_first_come_first_served_while_cash_lasts(model: ReferenceModel) -> None:
    model.world.month = 1
    model.cooperatives.exists[0] = model.cooperatives.active[0] = True
    model.cooperatives.cash[0] = 250.0
    members = model.household_agents[:4]
    model.world.params = model.params.model_copy(
        update={
            "cooperative": model.params.cooperative.model_copy(
                update={"loan_demand_prob": 1.0, "max_loan_to_savings": 3.0}
            )
        }
    )
    for member in members:
        member.coop_member, member.coop_deposit, member.coop_loan = True, 100.0 / 3.0, 0.0
    cooperative = model.cooperative_type(model, 0)
    cooperative.lend(members)  # each asks for 3 x 33.33 = 100 rupiah
    loans = [m.coop_loan for m in members]
    assert loans == [100.0, 100.0, 0.0, 0.0], "two loans fit in the cash; the queue stops at the third"
    assert model.cooperatives.cash[0] == pytest.approx(50.0), "the loans come out of the cash"


def test_every_outcome_column_is_checked() -> None:
    assert set(ROUNDING_TOLERANT) <= set(OUTCOMES), "tolerances name real outcome columns"


def test_engines_agree_on_copied_villages() -> None:
    # Copies of a village are distinct villages with their own slots, cooperatives and statistics.
    switches = {f"components.{key}.enabled": True for key in COMPONENT_KEYS}
    scenario = small_scenario(
        villages=["Buraen", "Mawar"],
        households=20,
        months=36,
        overrides={**switches, "world.copies": 3},
        extra_events=[CLOSURE],
    )
    assert_same_model(scenario, 11)


def test_schooling_enrols_every_child_when_attendance_is_certain(model: ReferenceModel) -> None:
    model.world.params = model.params.model_copy(
        update={
            "schooling": model.params.schooling.model_copy(
                update={"attendance_prob": 1.0, "left_behind_penalty": 0.0}
            )
        }
    )
    household = next(h for h in model.household_agents if h.children >= 2)
    household.decide_schooling(1)
    expected = min(household.children, model.params.schooling.max_children)
    assert household.children_in_school == expected, "every child (up to the modelled number) attends"


def test_a_failing_business_loses_its_capital_but_keeps_the_months_income(model: ReferenceModel) -> None:
    model.world.month = 1
    model.effects.base_failure = 1.0  # every business fails this month
    household = model.household_agents[2]
    bp, inc = model.params.business, model.params.income
    household.business_capital = 10 * bp.min_capital_idr
    household.consumption = household.savings = 0.0
    household.run_business(cooperatives_exist=False, demand=1.0)
    assert household.business_capital == 0.0, "a failed business loses its capital"
    earned = household.business_income
    assert earned >= 0.0, "business income is never negative"
    assert household.savings == pytest.approx(earned * inc.local_savings_rate), (
        "income is saved like local income"
    )


@pytest.mark.parametrize("engine", [DesmigratifModel, ReferenceModel])
def test_both_engines_follow_the_month_plan(
    engine: type[DesmigratifModel], monkeypatch: pytest.MonkeyPatch
) -> None:
    model = engine(small_scenario(households=20, months=2), seed=1)
    seen: list[str] = []
    for phase in MONTH_PLAN:
        method = getattr(model, phase.method)

        def spy(*args: Any, _method: Any = method, _name: str = phase.name) -> Any:
            seen.append(_name)
            return _method(*args)

        monkeypatch.setattr(model, phase.method, spy)
    model.step()
    assert seen == [phase.name for phase in MONTH_PLAN], "a month runs the plan's phases in order"
