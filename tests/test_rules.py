"""Unit tests of the pure rule functions, one section per submodel (plus calendar, events)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from desmig_sim.config.events import (
    BorderClosure,
    ExchangeRateChange,
    MinimumWageStep,
    Moratorium,
    conditions_at,
)
from desmig_sim.config.parameters import IncomeParams, Parameters, monthly_probability
from desmig_sim.core import calendar
from desmig_sim.core.enums import Channel, Destination, Route
from desmig_sim.rules import abroad, budget, business, cooperative, inequality, migration, remittance
from desmig_sim.rules.abroad import Fate

PARAMS = Parameters()
RULES = settings(max_examples=60, deadline=None)

rupiah = st.floats(min_value=0.0, max_value=1e9, allow_nan=False, allow_infinity=False)
share = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
unit_draw = st.floats(min_value=0.0, max_value=1.0, exclude_max=True, allow_nan=False)


def allowed_max(model: type, name: str) -> float:
    """The largest value the parameter ledger allows for a field."""
    bounds = [m.le for m in model.model_fields[name].metadata if getattr(m, "le", None) is not None]
    assert bounds, f"{model.__name__}.{name} has an upper bound in the ledger"
    return float(bounds[0])


def grid(n: int) -> np.ndarray:
    """``n`` evenly spread uniform draws in (0, 1): exact frequencies without randomness."""
    return (np.arange(n) + 0.5) / n


def arrays_of(elements: st.SearchStrategy[float], min_size: int = 1, max_size: int = 40) -> st.SearchStrategy:
    return st.lists(elements, min_size=min_size, max_size=max_size).map(np.array)


@st.composite
def budget_shares(draw: st.DrawFn) -> tuple[float, ...]:
    """Six non-negative remittance-use shares that sum to 1."""
    weights = draw(st.lists(st.floats(0.0, 1.0), min_size=6, max_size=6).filter(lambda w: sum(w) > 0.01))
    total = sum(weights)
    return tuple(w / total for w in weights)


# ---------------------------------------------------------------------------- remittance
class TestRemittance:
    def test_broker_debt_accrues_interest_then_is_deducted(self) -> None:
        debt = remittance.broker_debt_with_interest(np.array([6e6, 0.0]), 0.02)
        np.testing.assert_allclose(
            debt, [6.12e6, 0.0], err_msg="2% a month on what is owed; nothing on no debt"
        )
        np.testing.assert_array_equal(
            remittance.broker_debt_with_interest(np.array([6e6]), 0.0), [6e6], err_msg="rate 0: a fixed sum"
        )

    def test_wage_by_route_destination_and_closure(self) -> None:
        r = PARAMS.remittance
        route = np.array(
            [Route.NONE, Route.PROCEDURAL, Route.NON_PROCEDURAL, Route.PROCEDURAL, Route.NON_PROCEDURAL]
        )
        dest = np.array(
            [
                Destination.NONE,
                Destination.MALAYSIA,
                Destination.MALAYSIA,
                Destination.OTHER,
                Destination.OTHER,
            ]
        )
        args = (r.min_wage_myr_per_month, r.exchange_rate_idr_per_myr)
        factors = (r.non_procedural_wage_factor, r.other_destination_wage_factor)
        wage = remittance.wage_idr(route, dest, *args, *factors)
        base = r.min_wage_myr_per_month * r.exchange_rate_idr_per_myr
        npf, other = factors
        expected = [0.0, base, base * npf, base * other, base * npf * other]
        np.testing.assert_allclose(
            wage,
            expected,
            rtol=1e-12,
            err_msg="wage: 0 without a route, the minimum wage for procedural work in Malaysia, "
            "times the non-procedural factor and/or the other-destination premium",
        )
        closed = remittance.wage_idr(route, dest, *args, *factors, closure_factor=0.7)
        np.testing.assert_allclose(
            closed, 0.7 * wage, rtol=1e-12, err_msg="a border closure scales every wage by its factor"
        )

    @RULES
    @given(
        wage=arrays_of(rupiah),
        debt_scale=st.floats(0.0, 3.0),
        share_=st.floats(0.01, 1.0),
    )
    def test_broker_deduction_bounded_by_debt_and_share(
        self, wage: np.ndarray, debt_scale: float, share_: float
    ) -> None:
        debt = wage[::-1] * debt_scale
        deducted = remittance.broker_deduction(wage, debt, share_)
        assert np.all(deducted >= 0), "the broker never deducts a negative amount"
        assert np.all(deducted <= debt), "the broker never deducts more than the debt left"
        assert np.all(deducted <= share_ * wage), "the broker deducts at most the agreed share of the wage"
        assert np.all(wage - deducted >= 0), "what is left of the wage after deduction is never negative"
        assert np.all((deducted == debt) | (deducted == share_ * wage)), (
            "the deduction is either the whole remaining debt or the full share of the wage"
        )

    @RULES
    @given(
        wage=arrays_of(rupiah, 5, 5),
        propensity=arrays_of(st.floats(0.0, 0.95), 5, 5),
        months=arrays_of(st.integers(0, 240), 5, 5),
        decay=st.floats(0.0, 0.5),
        sends=arrays_of(st.booleans(), 5, 5),
    )
    def test_amount_sent(
        self, wage: np.ndarray, propensity: np.ndarray, months: np.ndarray, decay: float, sends: np.ndarray
    ) -> None:
        sent = remittance.amount_sent(wage, propensity, months, decay, sends)
        assert np.all(sent[~sends] == 0), "migrants who do not send this month send nothing"
        assert np.all(sent >= 0), "amounts sent are never negative"
        assert np.all(sent <= wage * propensity * (1 + 1e-12)), (
            "a migrant sends at most the propensity share of the wage (decay only lowers it)"
        )
        no_decay = remittance.amount_sent(wage, propensity, months, 0.0, sends)
        np.testing.assert_allclose(
            no_decay[sends],
            (wage * propensity)[sends],
            rtol=1e-12,
            err_msg="without decay a sender sends exactly propensity x wage",
        )

    def test_amount_sent_decays_with_time_abroad(self) -> None:
        months = np.array([0, 12, 24, 60])
        sent = remittance.amount_sent(np.full(4, 1e6), np.full(4, 0.5), months, 0.2, np.ones(4, dtype=bool))
        assert np.all(np.diff(sent) < 0), (
            "with a positive decay, longer stays abroad mean smaller remittances"
        )
        assert sent[1] == pytest.approx(sent[0] * 0.8, rel=1e-12), (
            "one year abroad lowers the share by the decay"
        )

    @RULES
    @given(
        sent=arrays_of(rupiah, 1, 40),
        data=st.data(),
        fee=st.floats(0.0, 0.5),
    )
    def test_channel_costs_conserve_money(self, sent: np.ndarray, data: st.DataObject, fee: float) -> None:
        n = sent.size
        channel = np.array(
            data.draw(st.lists(st.sampled_from([Channel.FORMAL, Channel.INFORMAL]), min_size=n, max_size=n))
        )
        lost = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
        fees, losses = remittance.channel_costs(sent, channel, fee, lost)
        received = sent - fees - losses
        np.testing.assert_allclose(
            received + fees + losses, sent, rtol=1e-12, err_msg="sent = received + fees + losses"
        )
        assert np.all(fees >= 0) and np.all(losses >= 0), "fees and losses are never negative"
        assert np.all(received >= 0), "households never receive a negative amount"
        formal = channel == Channel.FORMAL
        assert np.all(losses[formal] == 0), "formal transfers are never lost"
        assert np.all(fees[~formal] == 0), "informal transfers pay no fee"
        np.testing.assert_allclose(
            fees[formal], fee * sent[formal], rtol=1e-12, err_msg="formal fee is the fee share of the amount"
        )
        assert np.all(losses[~formal & lost] == sent[~formal & lost]), (
            "a lost informal transfer is lost whole"
        )
        assert np.all(losses[~formal & ~lost] == 0), "informal transfers that arrive lose nothing"


# ---------------------------------------------------------------------------- budget
class TestBudget:
    @RULES
    @given(
        received=arrays_of(rupiah, 1, 30),
        debt_scale=st.floats(0.0, 2.0),
        shares=budget_shares(),
        boost=st.floats(0.0, 1.0),
    )
    def test_uses_add_up_and_debt_repayment_is_capped(
        self, received: np.ndarray, debt_scale: float, shares: tuple[float, ...], boost: float
    ) -> None:
        debt = received[::-1] * debt_scale
        use = budget.allocate_remittances(received, debt, *shares, productive_boost=boost)
        total = use.consumption + use.debt_repaid + use.education + use.housing + use.savings + use.productive
        np.testing.assert_allclose(
            total,
            received,
            rtol=1e-12,
            atol=1e-6,
            err_msg="the uses of remittances add up to what was received",
        )
        assert np.all(use.debt_repaid <= debt), "a household never repays more debt than it has"
        assert np.all(use.debt_repaid <= received * shares[1] * (1 + 1e-12)), (
            "debt repayment is at most the debt share of remittances"
        )
        for name in ("consumption", "debt_repaid", "education", "housing", "savings", "productive"):
            assert np.all(getattr(use, name) >= -1e-9 * np.maximum(received, 1.0)), (
                f"{name} is never negative"
            )

    def test_debt_share_is_consumed_when_there_is_no_debt(self) -> None:
        b = PARAMS.budget
        shares = (b.consumption, b.debt, b.education, b.housing, b.savings, b.productive)
        received = np.array([1e6, 1e6, 1e6])
        debt = np.array([0.0, 0.1 * b.debt * 1e6, 10e6])
        use = budget.allocate_remittances(received, debt, *shares)
        np.testing.assert_allclose(
            use.debt_repaid,
            [0.0, 0.1 * b.debt * 1e6, b.debt * 1e6],
            err_msg="repayment is min(debt, debt share x received)",
        )
        np.testing.assert_allclose(
            use.consumption,
            received * b.consumption + (received * b.debt - use.debt_repaid),
            err_msg="whatever the debt share does not repay is consumed",
        )

    @pytest.mark.parametrize("boost", [0.0, 0.05, 0.2])
    def test_productive_boost_moves_share_from_consumption(self, boost: float) -> None:
        b = PARAMS.budget
        shares = (b.consumption, b.debt, b.education, b.housing, b.savings, b.productive)
        received = np.array([2e6, 5e5])
        debt = np.array([1e7, 0.0])
        plain = budget.allocate_remittances(received, debt, *shares)
        boosted = budget.allocate_remittances(received, debt, *shares, productive_boost=boost)
        np.testing.assert_allclose(
            boosted.productive - plain.productive,
            boost * received,
            atol=1e-6,
            err_msg="the boost adds its share of remittances to productive investment",
        )
        np.testing.assert_allclose(
            plain.consumption - boosted.consumption,
            boost * received,
            atol=1e-6,
            err_msg="the boost takes its share of remittances from consumption",
        )
        for name in ("debt_repaid", "education", "housing", "savings"):
            np.testing.assert_array_equal(
                getattr(boosted, name), getattr(plain, name), err_msg=f"the boost leaves {name} unchanged"
            )

    def test_boost_is_capped_at_the_consumption_share(self) -> None:
        b = PARAMS.budget
        shares = (b.consumption, b.debt, b.education, b.housing, b.savings, b.productive)
        received = np.array([1e6])
        use = budget.allocate_remittances(received, np.array([1e9]), *shares, productive_boost=0.9)
        assert use.productive[0] == pytest.approx(1e6 * (b.productive + b.consumption)), (
            "a boost above the consumption share moves at most the consumption share"
        )
        assert use.consumption[0] == pytest.approx(0.0, abs=1e-6), (
            "with the boost capped, nothing of the consumption share is left (debt share fully repaid)"
        )

    def test_needs_come_first_and_poorer_households_invest_less(self) -> None:
        b = PARAMS.budget
        shares = (b.consumption, b.debt, b.education, b.housing, b.savings, b.productive)
        received = np.full(4, 1e6)
        debt = np.zeros(4)
        gap = np.array([0.0, 2e5, 8e5, 5e6])
        plain = budget.allocate_remittances(received, debt, *shares)
        use = budget.allocate_remittances(received, debt, *shares, consumption_gap=gap)
        consumed_anyway = received * (b.consumption + b.debt)
        (
            np.testing.assert_array_equal(use.productive[:2], plain.productive[:2]),
            ("a gap the consumed share covers changes nothing"),
        )
        assert gap[1] < consumed_anyway[1] < gap[2], "the test's middle gaps straddle the consumed share"
        np.testing.assert_allclose(use.consumption[2], gap[2], rtol=1e-12, err_msg="the need is met first")
        assert 0 < use.productive[2] < plain.productive[2], "a poorer household invests less, not nothing"
        assert use.productive[3] == 0 and use.consumption[3] == pytest.approx(1e6), (
            "a household far below its need consumes all its remittances"
        )
        ratio = use.education[2] / plain.education[2]
        for name in ("housing", "savings", "productive"):
            assert getattr(use, name)[2] / getattr(plain, name)[2] == pytest.approx(ratio), (
                f"{name} gives way in proportion with the other uses"
            )
        total = use.consumption + use.debt_repaid + use.education + use.housing + use.savings + use.productive
        np.testing.assert_allclose(total, received, rtol=1e-12, err_msg="the uses still add up")

    def test_consumption_gap(self) -> None:
        gap = budget.consumption_gap(np.array([100.0, 500.0]), np.array([2, 1]), 300.0)
        np.testing.assert_array_equal(gap, [500.0, 0.0])

    def test_uniform_shock_has_mean_zero_and_the_given_sd(self) -> None:
        shock = budget.uniform_shock(grid(100_000), 0.1)
        assert abs(shock.mean()) < 1e-9, "the income shock has mean zero"
        assert shock.std() == pytest.approx(0.1, rel=1e-3), (
            "the income shock has the given standard deviation"
        )

    def test_local_income_scales_with_residents_and_prices(self) -> None:
        base = np.array([300_000.0, 500_000.0])
        residents = np.array([2, 5])
        income = budget.local_income(base * residents, 1.04, np.array([0.5, 0.5]), 0.1)
        np.testing.assert_allclose(
            income, base * residents * 1.04, err_msg="a median draw gives base x residents x price index"
        )

    @pytest.mark.parametrize(
        "shock_sd",
        [
            0.1,
            0.5,
            allowed_max(IncomeParams, "income_shock_sd"),
        ],
    )
    def test_local_income_never_negative_within_the_allowed_shock_range(self, shock_sd: float) -> None:
        income = budget.local_income(
            np.full(3, 300_000.0) * np.array([1, 3, 6]), 1.0, np.array([0.0, 1e-6, 0.5]), shock_sd
        )
        assert np.all(income >= 0), f"local income is never negative (shock sd {shock_sd})"


# ---------------------------------------------------------------------------- business
class TestBusiness:
    @RULES
    @given(
        capital=arrays_of(rupiah, 1, 30),
        mean_return=st.floats(0.0, 0.7),
        sd=st.floats(0.0, 0.5),
        u=st.data(),
        multiplier=st.floats(0.0, 3.0),
    )
    def test_business_income_never_negative(
        self, capital: np.ndarray, mean_return: float, sd: float, u: st.DataObject, multiplier: float
    ) -> None:
        draws = np.array(u.draw(st.lists(unit_draw, min_size=capital.size, max_size=capital.size)))
        income = business.business_income(capital, mean_return, sd, draws, multiplier)
        assert np.all(income >= 0), "a business never earns a negative income"

    def test_business_income_mean_is_the_mean_return(self) -> None:
        capital = np.full(10_000, 5e6)
        income = business.business_income(capital, 0.02, 0.01, grid(10_000), 1.1)
        assert income.mean() == pytest.approx(5e6 * 0.02 * 1.1, rel=1e-6), (
            "without truncation at zero, mean income is capital x mean return x multiplier"
        )

    def test_profit_is_revenue_less_running_costs(self) -> None:
        revenue = np.array([0.0, 1e5, 2.5e6])
        np.testing.assert_allclose(business.profit(revenue, 0.4), revenue * 0.6)
        np.testing.assert_array_equal(
            business.profit(revenue, 0.0), revenue, err_msg="no costs: profit = revenue"
        )

    def test_failures(self) -> None:
        u = grid(1000)
        assert not business.failures(u, 0.0).any(), "with failure probability 0 no business fails"
        assert business.failures(u, 1.0).all(), "with failure probability 1 every business fails"
        assert business.failures(u, 0.25).mean() == pytest.approx(0.25, abs=1e-3), (
            "the share of failures equals the failure probability"
        )
        per_household = np.where(np.arange(1000) % 2 == 0, 0.0, 1.0)
        np.testing.assert_array_equal(
            business.failures(u, per_household),
            per_household == 1.0,
            err_msg="failure probabilities per business",
        )

    def test_local_jobs(self) -> None:
        jobs = business.local_jobs(np.array([1e6, 19.9e6, 20e6, 65e6]), 20e6)
        np.testing.assert_array_equal(
            jobs, [1, 1, 2, 4], err_msg="one job for the owner plus one per 20 m capital"
        )


# ---------------------------------------------------------------------------- cooperative
class TestCooperative:
    def test_instalment_and_interest_on_the_outstanding_balance(self) -> None:
        original = np.array([1.2e6, 1.2e6, 1.2e6, 0.0])
        outstanding = np.array([1.2e6, 50_000.0, 0.0, 0.0])
        principal = cooperative.instalment(outstanding, original, 12)
        np.testing.assert_allclose(
            principal,
            [100_000.0, 50_000.0, 0.0, 0.0],
            err_msg="an equal share of the loan, at most what is left",
        )
        interest = cooperative.loan_interest(outstanding, 0.02)
        np.testing.assert_allclose(
            interest,
            [24_000.0, 1_000.0, 0.0, 0.0],
            err_msg="interest on the outstanding balance (declining balance)",
        )

    @RULES
    @given(original=st.floats(1e5, 1e9), term=st.integers(1, 120), months_paid=st.integers(0, 130))
    def test_instalments_never_overpay(self, original: float, term: int, months_paid: int) -> None:
        outstanding = np.array([original])
        repaid = 0.0
        for _ in range(months_paid):
            principal = cooperative.instalment(outstanding, np.array([original]), term)
            assert np.all(principal <= outstanding), "an instalment never exceeds what is outstanding"
            repaid += float(principal[0])
            outstanding = outstanding - principal
        assert outstanding[0] >= 0, "outstanding principal never goes negative"
        assert repaid <= original * (1 + 1e-12), "a borrower never repays more principal than was lent"

    def test_loan_is_cleared_after_exactly_term_instalments(self) -> None:
        term = 12
        original = np.linspace(1e5, 1e8, 1001)
        outstanding = original.copy()
        interest_months = np.zeros(original.size, dtype=int)
        for _ in range(term + 1):
            interest_months += cooperative.loan_interest(outstanding, 0.02) > 0
            outstanding = outstanding - cooperative.instalment(outstanding, original, term)
        assert np.all(outstanding == 0), "after `term` equal instalments nothing is outstanding"
        assert np.all(interest_months == term), "interest is charged for exactly `term` months"

    def test_loan_size(self) -> None:
        np.testing.assert_allclose(
            cooperative.loan_size(np.array([0.0, 1e6]), 3.0), [0.0, 3e6], err_msg="loans are 3x deposits"
        )

    @RULES
    @given(
        requests=arrays_of(st.one_of(st.just(0.0), st.floats(1e3, 1e8)), 1, 60),
        data=st.data(),
    )
    def test_ration_by_liquidity(self, requests: np.ndarray, data: st.DataObject) -> None:
        n_villages = data.draw(st.integers(1, 4))
        village = np.array(
            data.draw(
                st.lists(st.integers(0, n_villages - 1), min_size=requests.size, max_size=requests.size)
            )
        )
        cash = np.array(data.draw(st.lists(st.floats(0.0, 5e8), min_size=n_villages, max_size=n_villages)))
        granted = cooperative.ration_by_liquidity(requests, village, cash)
        requests = np.floor(requests)  # loans are made in whole rupiah
        # Running totals are exact integers per village: no tolerance needed.
        tol = 0.0
        for v in range(n_villages):
            mine = np.flatnonzero(village == v)
            assert granted[mine].sum() <= cash[v] + tol, (
                f"village {v}: loans granted never exceed the cooperative's cash"
            )
            refused = mine[(requests[mine] > 0) & (granted[mine] == 0)]
            if refused.size:
                first = refused[0]
                before = mine[mine < first]
                assert granted[before].sum() + requests[first] > cash[v] - tol, (
                    "a request is refused only when it no longer fits in the cash left"
                )
                later = mine[mine > first]
                assert np.all(granted[later] == 0), (
                    "requests are served in slot order until the cash runs out"
                )
        assert np.all((granted == 0) | (granted == requests)), "each request is granted all or nothing"
        assert np.all(granted[requests < 1] == 0), "households that ask for nothing get nothing"

    def test_ration_is_exact_at_the_boundary(self) -> None:
        big, loan = 829_425_567.0, 4_092_582.0
        just_short = np.nextafter(loan, 0.0)
        over = cooperative.ration_by_liquidity(
            np.array([big, loan]), np.array([0, 1]), np.array([0.0, just_short])
        )
        assert over[1] == 0, "a loan larger than the village's cash (by one ulp) is refused"
        fits = cooperative.ration_by_liquidity(np.array([big, loan]), np.array([0, 1]), np.array([0.0, loan]))
        assert fits[1] == loan, "a loan exactly equal to the village's cash is granted"
        whole = cooperative.ration_by_liquidity(np.array([1000.75]), np.array([0]), np.array([5000.0]))
        assert whole[0] == 1000.0, "loans are made in whole rupiah (the request rounded down)"

    def test_ration_grants_everything_when_cash_suffices(self) -> None:
        requests = np.array([1e6, 0.0, 2e6, 3e6, 5e5])
        village = np.array([0, 0, 1, 0, 1])
        granted = cooperative.ration_by_liquidity(requests, village, np.array([4e6, 2.5e6]))
        np.testing.assert_array_equal(granted, requests, err_msg="with enough cash every request is granted")
        tight = cooperative.ration_by_liquidity(requests, village, np.array([3.5e6, 2e6]))
        np.testing.assert_array_equal(
            tight,
            [1e6, 0.0, 2e6, 0.0, 0.0],
            err_msg="slot order: later requests go without once cash is short",
        )


# ---------------------------------------------------------------------------- migration
class TestMigration:
    @RULES
    @given(expected=rupiah, income=arrays_of(st.floats(-1e6, 1e9), 1, 30))
    def test_attitude_in_unit_interval(self, expected: float, income: np.ndarray) -> None:
        a = migration.attitude(expected, income)
        assert np.all((a >= 0) & (a < 1)), "attitude lies in [0, 1)"

    def test_attitude_rises_with_the_gain(self) -> None:
        income = np.array([1e6, 2e6, 4e6])
        assert np.all(np.diff(migration.attitude(1e6, income)) < 0), (
            "a richer household gains less, so likes it less"
        )
        low, high = migration.attitude(5e5, income), migration.attitude(2e6, income)
        assert np.all(high > low), "a larger expected remittance makes migrating more attractive"
        assert migration.attitude(1e6, np.array([1e6]))[0] == pytest.approx(0.5), "g/(1+g) with g = 1 is 1/2"

    def test_subjective_norm(self) -> None:
        # 0-1, 0-2, 0-3, 1-2; household 4 has no ties.
        rows, cols = [0, 0, 0, 1], [1, 2, 3, 2]
        net = sp.coo_matrix((np.ones(8), (rows + cols, cols + rows)), shape=(5, 5)).tocsr()
        degree = np.asarray(net.sum(axis=1)).ravel()
        has_migrant = np.array([False, True, True, False, True])
        inverse = np.divide(1.0, degree, out=np.zeros_like(degree), where=degree > 0)
        counts = migration.count_ties(net, has_migrant)
        norm = migration.subjective_norm(counts, inverse)
        np.testing.assert_allclose(
            norm,
            [2 / 3, 1 / 2, 1 / 2, 0.0, 0.0],
            err_msg="share of ties with a member abroad; 0 without ties",
        )
        u = np.array([0.1, 0.1, 0.9, 0.0, 0.0])
        learns = migration.learns_from_ties(u, degree, counts, 0.5)
        np.testing.assert_array_equal(
            learns, u < 0.5 * norm, err_msg="learning happens with probability rate x share of knowing ties"
        )

    def test_incremental_tie_counts_equal_a_full_count(self) -> None:
        rng = np.random.default_rng(4)
        n = 200
        edges = rng.integers(0, n, size=(600, 2))
        edges = edges[edges[:, 0] != edges[:, 1]]
        net = sp.coo_matrix(
            (np.ones(2 * len(edges)), (np.r_[edges[:, 0], edges[:, 1]], np.r_[edges[:, 1], edges[:, 0]])),
            shape=(n, n),
        ).tocsr()
        net.data[:] = 1.0
        trait = rng.random(n) < 0.3
        counts = migration.count_ties(net, trait)
        before = trait.copy()
        for _ in range(5):
            trait = trait ^ (rng.random(n) < 0.05)
            migration.update_tie_counts(net, counts, before, trait)
            np.testing.assert_array_equal(
                counts, migration.count_ties(net, trait), err_msg="incremental counts equal a full recount"
            )
            np.testing.assert_array_equal(before, trait, err_msg="the snapshot follows the trait")

    def test_perceived_risk_and_intention_index(self) -> None:
        risk = migration.perceived_risk(np.array([0, 1, 5, 20]), 0.1)
        np.testing.assert_allclose(risk, [0.0, 0.1, 0.5, 1.0], err_msg="risk per event, capped at 1")
        index = migration.intention_index(
            np.array([0.5]), np.array([0.2]), np.array([0.1]), np.array([0.3]), 0.5, 0.3, 0.2, 0.2
        )
        assert index[0] == pytest.approx(0.5 * 0.5 + 0.3 * 0.2 + 0.2 * 0.1 - 0.2 * 0.3), (
            "the index is the weighted sum, with risk counting against migrating"
        )

    @RULES
    @given(
        index=arrays_of(st.floats(-5.0, 5.0), 2, 40),
        intercept=st.floats(-20.0, 5.0),
        slope=st.floats(0.0, 30.0),
    )
    def test_aspiration_probability_monotone_in_index(
        self, index: np.ndarray, intercept: float, slope: float
    ) -> None:
        ordered = np.sort(index)
        p = migration.aspiration_probability(ordered, intercept, slope)
        assert np.all((p >= 0) & (p <= 1)), "the aspiration probability is a probability"
        assert np.all(np.diff(p) >= 0), "a higher intention index never lowers the chance of aspiring"

    def test_aspiration_probability_strictly_increasing(self) -> None:
        p = migration.aspiration_probability(np.linspace(0, 1, 11), PARAMS.migration.intention_intercept, 6.0)
        assert np.all(np.diff(p) > 0), (
            "with a positive slope the chance of aspiring rises strictly with intention"
        )
        assert migration.aspiration_probability(np.array([0.0]), 0.0, 6.0)[0] == pytest.approx(0.5), (
            "logistic(0) is 1/2"
        )

    @RULES
    @given(
        savings=arrays_of(st.floats(-1e7, 1e9), 1, 30),
        credit=st.floats(0.0, 1e8),
        # Costs below one rupiah are treated as one rupiah (no division by ~0); real costs are millions.
        cost=st.one_of(st.floats(-1e6, 0.0), st.floats(1.0, 1e9)),
    )
    def test_affordability_in_unit_interval(self, savings: np.ndarray, credit: float, cost: float) -> None:
        a = migration.affordability(savings, credit, cost)
        assert np.all((a >= 0) & (a <= 1)), "affordability lies in [0, 1]"
        covered = np.maximum(savings, 0) + credit >= cost
        assert np.all(a[covered] == 1), (
            "households whose savings and credit cover the cost can fully afford it"
        )

    def test_affordability_values(self) -> None:
        a = migration.affordability(np.array([-5e6, 0.0, 2.5e6, 9e6]), 5e6, 10e6)
        np.testing.assert_allclose(
            a, [0.5, 0.5, 0.75, 1.0], err_msg="(max(savings, 0) + credit) / cost, capped at 1"
        )
        assert migration.affordability(np.array([0.0]), 0.0, 0.0)[0] == 1, "a free route is always affordable"

    @RULES
    @given(
        knows=arrays_of(st.booleans(), 1, 30),
        base=share,
        factor=share,
        risk_weight=st.floats(0.0, 10.0),
        data=st.data(),
    )
    def test_application_probability(
        self, knows: np.ndarray, base: float, factor: float, risk_weight: float, data: st.DataObject
    ) -> None:
        n = knows.size
        afford = np.array(data.draw(st.lists(share, min_size=n, max_size=n)))
        risk = np.array(data.draw(st.lists(share, min_size=n, max_size=n)))
        p = migration.application_probability(knows, base, afford, risk, risk_weight, factor)
        assert np.all(p[~knows] == 0), "households that do not know the procedure never apply for it"
        assert np.all((p >= 0) & (p <= 1)), "the application probability is a probability"

    def test_application_probability_rises_with_risk_and_falls_with_moratorium(self) -> None:
        knows = np.ones(3, dtype=bool)
        afford = np.ones(3)
        p = migration.application_probability(knows, 0.08, afford, np.array([0.0, 0.5, 1.0]), 1.0, 1.0)
        assert np.all(np.diff(p) > 0), "perceived risk pushes aspiring households toward the procedural route"
        half = migration.application_probability(knows, 0.08, afford, np.zeros(3), 1.0, 0.5)
        np.testing.assert_allclose(half, 0.04, err_msg="a moratorium factor of 0.5 halves applications")

    def test_informed_risk_adds_information_and_stays_a_risk(self) -> None:
        risk = np.array([0.0, 0.4, 0.9])
        np.testing.assert_array_equal(
            migration.informed_risk(risk, 0.0), risk, err_msg="no information leaves the risk as it is"
        )
        np.testing.assert_allclose(
            migration.informed_risk(risk, 0.3), [0.3, 0.7, 1.0], err_msg="information adds, capped at 1"
        )


# ---------------------------------------------------------------------------- abroad
class TestAbroadFates:
    n = 2000

    def _fates(
        self, route, left, *, death_np=0.0, death_p=0.0, deport=0.0, ret=0.0, renew=0.0, mult=1.0, u=None
    ):
        u = grid(self.n) if u is None else u
        u_renew = grid(self.n)[::-1]
        return abroad.fates(
            np.full(self.n, route),
            np.full(self.n, left),
            u,
            u_renew,
            death_np,
            death_p,
            deport,
            ret,
            renew,
            mult,
        )

    @pytest.mark.parametrize(("route", "left"), [(Route.PROCEDURAL, 5), (Route.NON_PROCEDURAL, 0)])
    def test_without_risks_everyone_stays(self, route: Route, left: int) -> None:
        fate = self._fates(route, left)
        assert np.all(fate == Fate.STAYS), f"{route.name}: with every probability 0 (mid-contract) all stay"

    @pytest.mark.parametrize("renew", [0.0, 0.3, 1.0])
    def test_procedural_migrants_at_contract_end_return_or_renew(self, renew: float) -> None:
        for left in (0, -1):
            fate = self._fates(Route.PROCEDURAL, left, renew=renew)
            assert np.all(np.isin(fate, [Fate.RETURNS, Fate.RENEWS])), (
                "at contract end, return or renew, never stay"
            )
            assert np.mean(fate == Fate.RENEWS) == pytest.approx(renew, abs=1e-3), (
                "the share who renew is the renewal probability"
            )

    def test_route_specific_fates(self) -> None:
        procedural = self._fates(Route.PROCEDURAL, 0, death_p=0.01, deport=0.5, ret=0.1, renew=0.5)
        assert not np.any(procedural == Fate.DEPORTED), "procedural migrants are never deported"
        non_proc = self._fates(Route.NON_PROCEDURAL, 0, death_np=0.01, deport=0.1, ret=0.1, renew=1.0)
        assert not np.any(non_proc == Fate.RENEWS), "non-procedural migrants have no contract to renew"

    def test_competing_risk_frequencies(self) -> None:
        pd_, pdep, pret = 0.02, 0.05, 0.1
        fate = self._fates(Route.NON_PROCEDURAL, 0, death_np=pd_, deport=pdep, ret=pret)
        assert np.mean(fate == Fate.DIES) == pytest.approx(pd_, abs=1e-3), (
            "death share is the death probability"
        )
        assert np.mean(fate == Fate.DEPORTED) == pytest.approx(pdep, abs=1e-3), (
            "deportation share is its probability"
        )
        assert np.mean(fate == Fate.RETURNS) == pytest.approx(pret * (1 - pd_ - pdep), abs=1e-3), (
            "returns happen among those who neither die nor are deported"
        )
        assert np.all(self._fates(Route.NON_PROCEDURAL, 0, death_np=1.0, deport=0.5, ret=1.0) == Fate.DIES), (
            "a certain death pre-empts every other fate"
        )

    def test_raising_one_risk_does_not_reshuffle_the_others(self) -> None:
        u = np.random.default_rng(7).random(self.n)
        low = self._fates(Route.NON_PROCEDURAL, 0, death_np=0.01, deport=0.01, ret=0.05, u=u)
        high = self._fates(Route.NON_PROCEDURAL, 0, death_np=0.01, deport=0.2, ret=0.05, u=u)
        np.testing.assert_array_equal(
            low == Fate.DIES, high == Fate.DIES, err_msg="more deportations change nobody's death"
        )
        assert np.all(high[low == Fate.DEPORTED] == Fate.DEPORTED), "whoever was deported still is"

    def test_border_closure_multiplies_returns(self) -> None:
        ret = 1.0 / 60.0
        normal = self._fates(Route.NON_PROCEDURAL, 0, ret=ret)
        closure = self._fates(Route.NON_PROCEDURAL, 0, ret=ret, mult=3.0)
        assert np.mean(closure == Fate.RETURNS) == pytest.approx(
            3 * np.mean(normal == Fate.RETURNS), abs=2e-3
        ), "a closure multiplies the non-procedural return hazard"
        mid_contract = self._fates(Route.PROCEDURAL, 10, ret=ret, mult=3.0)
        assert np.mean(mid_contract == Fate.RETURNS) == pytest.approx(2 * ret, abs=2e-3), (
            "during a closure procedural migrants also come home early, with hazard (multiplier - 1) x base"
        )
        assert np.all(self._fates(Route.PROCEDURAL, 10, ret=ret) == Fate.STAYS), (
            "without a closure procedural migrants do not leave mid-contract"
        )


# ---------------------------------------------------------------------------- inequality
def naive_gini(x: np.ndarray) -> float:
    x = np.asarray(x, dtype=float)
    if x.sum() <= 0:
        return 0.0
    return float(np.abs(x[:, None] - x[None, :]).sum() / (2 * x.size * x.sum()))


def naive_deprivation(x: np.ndarray) -> np.ndarray:
    """Yitzhaki: for each i, sum over richer j of (x_j - x_i), divided by the village total."""
    total = x.sum()
    out = np.array([sum(xj - xi for xj in x if xj > xi) for xi in x], dtype=float)
    return out / total if total > 0 else np.zeros_like(out)


@st.composite
def villages_and_values(draw: st.DrawFn, equal: bool) -> tuple[np.ndarray, np.ndarray]:
    if equal:
        n_villages, size = draw(st.integers(1, 4)), draw(st.integers(1, 12))
        sizes = [size] * n_villages
    else:
        sizes = draw(st.lists(st.integers(1, 12), min_size=2, max_size=5).filter(lambda s: len(set(s)) > 1))
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    # Integers make ties likely; scaled to rupiah.
    values = draw(st.lists(st.integers(0, 50), min_size=int(offsets[-1]), max_size=int(offsets[-1])))
    return offsets, np.array(values, dtype=float) * 10_000.0 + 1.0


class TestInequality:
    @RULES
    @given(value=st.floats(0.0, 1e9), n=st.integers(1, 200))
    def test_gini_of_equal_values_is_zero(self, value: float, n: int) -> None:
        assert inequality.gini(np.full(n, value)) == pytest.approx(0.0, abs=1e-12), "equal incomes: Gini 0"

    @RULES
    @given(values=arrays_of(st.floats(0.0, 1e8), 1, 60))
    def test_gini_matches_naive(self, values: np.ndarray) -> None:
        g = inequality.gini(values)
        assert g == pytest.approx(naive_gini(values), rel=1e-9, abs=1e-12), (
            "Gini = mean absolute difference / 2 mean"
        )
        # Rounding can leave -1e-16 for (nearly) equal values.
        assert -1e-12 <= g <= 1, "the Gini of non-negative values lies in [0, 1]"

    def test_gini_extremes(self) -> None:
        n = 10
        assert inequality.gini(np.r_[np.zeros(n - 1), 5.0]) == pytest.approx((n - 1) / n), (
            "one holds all: (n-1)/n"
        )
        assert inequality.gini(np.zeros(5)) == 0.0, "no income at all counts as equality"

    @pytest.mark.parametrize("equal", [True, False], ids=["equal sizes", "unequal sizes"])
    @RULES
    @given(data=st.data())
    def test_village_stats_match_naive(self, equal: bool, data: st.DataObject) -> None:
        offsets, values = data.draw(villages_and_values(equal))
        stats = inequality.VillageGroups(offsets).stats(values)
        for v in range(offsets.size - 1):
            block = values[offsets[v] : offsets[v + 1]]
            assert stats.median[v] == pytest.approx(np.median(block)), f"village {v}: median as numpy's"
            assert stats.gini[v] == pytest.approx(naive_gini(block), rel=1e-9, abs=1e-12), (
                f"village {v}: Gini"
            )
            np.testing.assert_allclose(
                stats.deprivation[offsets[v] : offsets[v + 1]],
                naive_deprivation(block),
                rtol=1e-9,
                atol=1e-12,
                err_msg=f"village {v}: Yitzhaki deprivation / village total, per household in slot order",
            )
        assert stats.pooled_median == pytest.approx(np.median(values)), "pooled median as numpy's"
        assert stats.pooled_gini == pytest.approx(naive_gini(values), rel=1e-9, abs=1e-12), "pooled Gini"

    @pytest.mark.parametrize("villages, size", [(20, 5_000), (3, 30_000), (64, 100)])
    def test_village_stats_the_same_by_pooled_keys(self, villages: int, size: int) -> None:
        values = np.random.default_rng(villages).lognormal(13.0, 1.0, villages * size)
        ties = np.arange(7, values.size, 7)
        values[ties] = values[ties - 6]  # exact ties, within and across villages
        groups = inequality.VillageGroups(np.arange(villages + 1) * size)
        assert groups._sort_pooled_keys, "few equal villages: one sort of all households' keys"
        fast = groups.stats(values)
        groups._sort_pooled_keys = False
        slow = groups.stats(values)
        for name in ("median", "gini", "deprivation", "pooled_median", "pooled_gini"):
            assert np.array_equal(getattr(fast, name), getattr(slow, name)), f"{name}: bit for bit"

    @pytest.mark.parametrize(
        "values",
        [
            np.random.default_rng(1).lognormal(13.0, 1.0, 200_000),
            np.r_[np.zeros(50_000), np.random.default_rng(2).random(50_000), [np.inf, 1e300, 5e-324]],
            np.random.default_rng(3).integers(0, 100, 100_000).astype(float),
            np.r_[np.full(90_000, 3.0), np.random.default_rng(4).random(10_000)],
            np.zeros(70_000),
            np.r_[np.random.default_rng(5).random(70_000), -0.0],
            np.r_[np.random.default_rng(6).random(70_000), np.nan],
            -np.random.default_rng(7).random(70_000),
            np.random.default_rng(8).random(1_000),
        ],
        ids=[
            "lognormal",
            "zeros, extremes",
            "ties",
            "mostly one value",
            "all zero",
            "-0.0",
            "NaN",
            "negative",
            "small",
        ],
    )
    def test_sort_nonnegative_is_numpy_sort_bit_for_bit(self, values: np.ndarray) -> None:
        got = inequality.sort_nonnegative(values)
        assert got.view(np.uint64).tolist() == np.sort(values).view(np.uint64).tolist(), (
            "the pooled sort gives np.sort's array, bit for bit (the pooled Gini sums it in order)"
        )


# ---------------------------------------------------------------------------- parameters, calendar, events
class TestMonthlyProbability:
    @RULES
    @given(per_year=share)
    def test_twelve_months_compound_to_the_yearly_probability(self, per_year: float) -> None:
        m = monthly_probability(per_year)
        assert 0 <= m <= per_year + 1e-15, (
            "a monthly probability is a probability no larger than the yearly one"
        )
        assert 1 - (1 - m) ** 12 == pytest.approx(per_year, abs=1e-12), (
            "12 months compound to the yearly value"
        )

    def test_edges_and_monotone(self) -> None:
        assert monthly_probability(0.0) == 0.0, "never per year means never per month"
        assert monthly_probability(1.0) == 1.0, "certain per year means certain per month"
        values = [monthly_probability(p) for p in np.linspace(0, 1, 21)]
        assert all(a < b for a, b in itertools.pairwise(values)), "monotone in the yearly probability"


class TestCalendar:
    @RULES
    @given(year=st.integers(1900, 2199), month=st.integers(1, 12))
    def test_round_trip(self, year: int, month: int) -> None:
        text = f"{year:04d}-{month:02d}"
        absolute = calendar.parse_year_month(text)
        assert absolute == year * 12 + month - 1, "absolute month is year * 12 + month - 1"
        assert calendar.format_year_month(absolute) == text, "format inverts parse"

    def test_month_number(self) -> None:
        assert calendar.month_number("2017-01", "2017-01") == 1, "the start month is month 1"
        assert calendar.month_number("2017-01", "2017-09") == 9, (
            "September 2017 is month 9 of a run from January"
        )
        assert calendar.month_number("2017-01", "2020-08") == 44, "August 2020 is month 44"

    @pytest.mark.parametrize("bad", ["2017-13", "2017-00", "17-01", "2017-1", "2017/01", "", "1800-01"])
    def test_rejects_malformed_months(self, bad: str) -> None:
        with pytest.raises(ValueError, match="YYYY-MM"):
            calendar.parse_year_month(bad)


class TestConditions:
    base_wage, base_fx = 1000.0, 3200.0

    def at(self, events, date: str):
        return conditions_at(events, calendar.parse_year_month(date), self.base_wage, self.base_fx)

    def test_no_events_is_neutral(self) -> None:
        c = self.at([], "2020-01")
        assert (c.min_wage_myr, c.idr_per_myr) == (self.base_wage, self.base_fx), (
            "base wage and rate without events"
        )
        factors = (c.procedural_application_factor, c.departure_factor, c.return_multiplier, c.wage_factor)
        assert factors == (1.0, 1.0, 1.0, 1.0), "all factors are neutral without events"

    def test_latest_step_applies_whatever_the_order(self) -> None:
        steps = [
            MinimumWageStep(kind="destination_min_wage", date="2022-05", value_myr=1500),
            MinimumWageStep(kind="destination_min_wage", date="2019-01", value_myr=1100),
            ExchangeRateChange(kind="exchange_rate", date="2019-01", idr_per_myr=3400),
            MinimumWageStep(kind="destination_min_wage", date="2025-02", value_myr=1700),
        ]
        for events in (steps, steps[::-1]):
            assert self.at(events, "2018-12").min_wage_myr == self.base_wage, (
                "before the first step: the base wage"
            )
            assert self.at(events, "2019-01").min_wage_myr == 1100, "a step applies from its own month"
            assert self.at(events, "2022-04").min_wage_myr == 1100, "the latest step so far applies"
            assert self.at(events, "2023-01").min_wage_myr == 1500, "a later step replaces an earlier one"
            assert self.at(events, "2030-01").min_wage_myr == 1700, "the last step stays in force"
            assert self.at(events, "2018-12").idr_per_myr == self.base_fx, (
                "base exchange rate before its event"
            )
            assert self.at(events, "2019-02").idr_per_myr == 3400, (
                "the exchange-rate event applies afterwards"
            )

    def test_window_factors_only_inside_the_window(self) -> None:
        closure = BorderClosure(
            kind="border_closure",
            start="2020-04",
            end="2021-12",
            departure_factor=0.1,
            return_multiplier=3.0,
            wage_factor=0.7,
        )
        for date, inside in [("2020-03", False), ("2020-04", True), ("2021-12", True), ("2022-01", False)]:
            c = self.at([closure], date)
            expected = (0.1, 3.0, 0.7) if inside else (1.0, 1.0, 1.0)
            assert (c.departure_factor, c.return_multiplier, c.wage_factor) == expected, (
                f"{date}: closure factors apply {'inside' if inside else 'only inside'} the window"
            )
            assert c.procedural_application_factor == 1.0, "a closure does not touch procedural applications"

    def test_open_ended_and_overlapping_windows_multiply(self) -> None:
        moratorium = Moratorium(kind="moratorium", start="2018-01", procedural_application_factor=0.5)
        second = Moratorium(
            kind="moratorium", start="2019-01", end="2019-06", procedural_application_factor=0.4
        )
        assert self.at([moratorium, second], "2017-12").procedural_application_factor == 1.0, (
            "before any window"
        )
        assert self.at([moratorium, second], "2030-01").procedural_application_factor == 0.5, (
            "an open-ended window stays in force"
        )
        assert self.at([moratorium, second], "2019-03").procedural_application_factor == pytest.approx(0.2), (
            "overlapping windows multiply their factors"
        )
        c = self.at([moratorium], "2019-03")
        assert (c.departure_factor, c.return_multiplier, c.wage_factor) == (1.0, 1.0, 1.0), (
            "a moratorium touches only procedural applications"
        )


# ---------------------------------------------------------------------------- the harvest store
class TestHarvestStore:
    def test_no_season_consumes_the_usual_share(self) -> None:
        income = np.array([1e6, 2e6])
        from_income, from_store = budget.consumption_from_local_income(income, np.zeros(2), 0.03, 1.0)
        np.testing.assert_array_equal(from_income, income * (1.0 - 0.03))
        np.testing.assert_array_equal(from_store, 0.0)

    def test_harvest_months_store_the_surplus(self) -> None:
        from_income, from_store = budget.consumption_from_local_income(
            np.array([1e6]), np.array([0.0]), 0.0, 0.8
        )
        assert from_income[0] == pytest.approx(0.8e6), (
            "in a harvest month consumption follows the even income"
        )
        assert from_store[0] == 0

    def test_lean_months_eat_from_the_store_as_far_as_it_holds(self) -> None:
        savings = np.array([1e6, 5e4, -1e5])
        from_income, from_store = budget.consumption_from_local_income(np.full(3, 1e6), savings, 0.0, 1.2)
        np.testing.assert_allclose(
            from_income + from_store,
            [1.2e6, 1.05e6, 1e6],
            err_msg="the shortfall comes from savings, never beyond what is there",
        )
        after = savings + (1e6 - from_income) - from_store
        assert after[1] == 0 and after[0] > 0, "the store is emptied exactly, never overdrawn"

    def test_a_year_of_harvests_is_smoothed(self) -> None:
        """Over a year from January, the store never runs dry and consumption is flat."""
        consumption, savings = [], 0.0
        for month in range(1, 13):
            even = budget.farm_income_factor(month, 0.6, 0.0, 4, 0.0)
            seasonal = budget.farm_income_factor(month, 0.6, 0.3, 4, 0.0)
            income = 1e6 * seasonal
            from_income, from_store = budget.consumption_from_local_income(
                income, savings, 0.03, even / seasonal
            )
            savings += income - float(from_income)
            savings -= float(from_store)
            consumption.append(float(from_income + from_store))
            assert savings >= -1e-6, f"the store is never overdrawn (month {month})"
        np.testing.assert_allclose(consumption, 0.97e6, rtol=1e-12)
