"""Cooperative operations of phase 4: interest, withdrawals, repayments, loans, surplus, winding down.

The rules themselves (instalments, interest on the outstanding balance, rationing) are pure functions in
:mod:`desmig_sim.rules.cooperative`; this module applies them to the world's arrays.
"""

from __future__ import annotations

import numpy as np

from desmig_sim.core.streams import Stream
from desmig_sim.model.ledger import Flow
from desmig_sim.model.world import World
from desmig_sim.rules import cooperative as coop_rules


def operate(world: World) -> None:
    """Interest, repayments, defaults and new loans of the active cooperatives' members."""
    hh, cp, coops = world.households, world.params.cooperative, world.cooperatives
    members = np.flatnonzero(world.active_members())
    hh.coop_interest[members] = hh.coop_deposit[members] * cp.savings_rate_per_month
    hh.coop_deposit[members] += hh.coop_interest[members]
    nv = len(world.villages)
    credited = np.bincount(hh.village[members], weights=hh.coop_interest[members], minlength=nv)
    coops.surplus -= credited
    world.ledger.book_villages(Flow.DEPOSIT_INTEREST, credited)
    withdraw_deposits(world, members, cp.withdrawal_share_per_month)
    borrowers = np.flatnonzero(hh.coop_loan > 0)
    loan, original = hh.coop_loan[borrowers], hh.coop_loan_principal[borrowers]
    interest = coop_rules.loan_interest(loan, cp.loan_rate_per_month)
    principal = coop_rules.instalment(loan, original, cp.loan_term_months)
    u_default = world.streams.uniform(Stream.COOPERATIVE, world.month, borrowers, key="default")
    defaults = u_default < world.rates.coop_default
    repaid = np.where(defaults, 0.0, interest + principal)
    hh.coop_loan[borrowers] = np.where(defaults, 0.0, loan - principal)
    # The borrower pays interest and instalment out of this month's budget; the cooperative receives them.
    world.pay_from_budget(borrowers, repaid)
    hh.coop_loan_interest[borrowers] = np.where(defaults, 0.0, interest)
    coops.cash += np.bincount(hh.village[borrowers], weights=repaid, minlength=nv)
    coops.surplus += np.bincount(
        hh.village[borrowers], weights=hh.coop_loan_interest[borrowers], minlength=nv
    )
    coops.surplus -= np.bincount(hh.village[borrowers], weights=np.where(defaults, loan, 0.0), minlength=nv)
    coops.defaults += np.bincount(hh.village[borrowers[defaults]], minlength=nv)
    village = hh.village[borrowers]
    world.ledger.book(Flow.COOP_LOAN_REPAYMENT, village, np.where(defaults, 0.0, principal))
    world.ledger.book(Flow.COOP_LOAN_INTEREST, village, hh.coop_loan_interest[borrowers])
    world.ledger.book(Flow.COOP_LOAN_DEFAULT, village, np.where(defaults, loan, 0.0))
    # Members who default are expelled; a loan repaid or defaulted this month is not renewed at once.
    hh.coop_member[borrowers[defaults]] = False
    world.membership_changed()
    had_loan = np.zeros(hh.count, dtype=bool)
    had_loan[borrowers] = True
    free = members[
        (hh.coop_loan[members] <= 0)
        & (hh.coop_deposit[members] > 0)
        & hh.coop_member[members]
        & ~had_loan[members]
    ]
    asks = free[
        world.streams.uniform(Stream.COOPERATIVE, world.month, free, key="demand") < cp.loan_demand_prob
    ]
    request = np.zeros(hh.count)
    request[asks] = coop_rules.loan_size(hh.coop_deposit[asks], cp.max_loan_to_savings)
    granted = coop_rules.ration_by_liquidity(request, hh.village, np.maximum(coops.cash, 0.0))
    got = np.flatnonzero(granted > 0)
    hh.coop_loan[got] = granted[got]
    hh.coop_loan_principal[got] = granted[got]
    lent = np.bincount(hh.village[got], weights=granted[got], minlength=nv)
    coops.cash -= lent
    hh.business_capital[got] += granted[got]
    hh.productive_investment[got] += granted[got]
    world.tally.invested_loans = lent
    world.ledger.book_villages(Flow.COOP_LOAN, lent)


def withdraw_deposits(world: World, members: np.ndarray, share: float) -> None:
    """Members withdraw a share of their deposits for spending, as far as the cash allows."""
    hh, coops = world.households, world.cooperatives
    nv = len(world.villages)
    village = hh.village[members]
    wanted = hh.coop_deposit[members] * share
    asked = np.bincount(village, weights=wanted, minlength=nv)
    paid = np.minimum(np.maximum(coops.cash, 0.0), asked)
    ratio = np.divide(paid, asked, out=np.zeros(nv), where=asked > 0)
    payout = wanted * ratio[village]
    hh.coop_deposit[members] -= payout
    hh.consumption[members] += payout
    coops.cash -= paid
    world.ledger.book(Flow.COOP_WITHDRAWAL, village, payout)


def wind_down_inactive(world: World) -> None:
    """Inactive cooperatives pay members' deposits back as far as their cash allows."""
    hh, coops = world.households, world.cooperatives
    folded = coops.exists & ~coops.active
    if not folded.any():
        return
    nv = len(world.villages)
    in_folded = np.flatnonzero(hh.coop_member & folded[hh.village])
    village = hh.village[in_folded]
    owed = np.bincount(village, weights=hh.coop_deposit[in_folded], minlength=nv)
    paid = np.minimum(np.maximum(coops.cash, 0.0), owed)
    share = np.divide(paid, owed, out=np.zeros(nv), where=owed > 0)
    payout = hh.coop_deposit[in_folded] * share[village]
    hh.coop_deposit[in_folded] -= payout
    hh.savings[in_folded] += payout
    coops.cash -= paid
    world.ledger.book(Flow.COOP_DEPOSIT_REFUND, village, payout)


def share_surplus(world: World) -> None:
    """Close the book year: pay the surplus after reserves to active members, pro rata to deposits.

    Members receive their share (SHU) as income of the month: spent and saved like local income.
    """
    hh, coops, cp = world.households, world.cooperatives, world.params.cooperative
    nv = len(world.villages)
    shared = coop_rules.surplus_to_share(coops.surplus, cp.surplus_reserve_share, coops.cash)
    shared = np.where(coops.active, shared, 0.0)
    members = np.flatnonzero(world.active_members())
    village = hh.village[members]
    capital = np.bincount(village, weights=hh.coop_deposit[members], minlength=nv)
    paid = np.where(capital > 0, shared, 0.0)
    ratio = np.divide(paid, capital, out=np.zeros(nv), where=capital > 0)
    dividend = hh.coop_deposit[members] * ratio[village]
    hh.coop_dividend[members] = dividend
    saving = world.params.income.local_savings_rate
    hh.consumption[members] += dividend * (1.0 - saving)
    hh.savings[members] += dividend * saving
    coops.cash -= paid
    world.ledger.book(Flow.SHU_DIVIDEND, village, dividend)
    # What is not paid out (the reserve share, or a loss) stays with the cooperative's reserves.
    coops.reserves += coops.surplus - paid
    coops.surplus[:] = 0.0
