"""A village cooperative's month, as plain per-agent Python (the reference engine).

Phase 4 of the month (:mod:`desmig_sim.model`): members' deposits earn interest and a share is
withdrawn; borrowers repay (or default and are expelled); members ask for productive loans, which
are granted first come, first served (slot order) while the cash lasts; the cooperative may become
inactive, and an inactive cooperative pays deposits back as far as its cash allows. The maths is
:mod:`desmig_sim.rules.cooperative`, called for one loan at a time.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from desmig_sim.core.streams import Stream
from desmig_sim.model import agents
from desmig_sim.model.ledger import Flow
from desmig_sim.reference.face import ReferenceFace
from desmig_sim.reference.household import _one
from desmig_sim.rules import cooperative as coop_rules

if TYPE_CHECKING:
    from desmig_sim.reference.household import Household


class Cooperative(agents.Cooperative):
    """A village savings-and-loan cooperative that keeps its own accounts (reference engine)."""

    model: ReferenceFace  # type: ignore[assignment]

    @property
    def cash_now(self) -> float:
        """Liquid funds, IDR (read and written by the cooperative's operations)."""
        return float(self.model.cooperatives.cash[self.village_index])

    @cash_now.setter
    def cash_now(self, value: float) -> None:
        self.model.cooperatives.cash[self.village_index] = value

    @property
    def surplus_now(self) -> float:
        """This book year's surplus so far, IDR (SHU before reserves)."""
        return float(self.model.cooperatives.surplus[self.village_index])

    @surplus_now.setter
    def surplus_now(self, value: float) -> None:
        self.model.cooperatives.surplus[self.village_index] = value

    def households(self) -> list[Household]:
        """The households of the cooperative's village, in slot order."""
        return self.model.village_households(self.village_index)

    # ------------------------------------------------------------------ phase 4
    def operate(self) -> None:
        """Interest and withdrawals, repayments and defaults, then new loans."""
        members = [h for h in self.households() if h.is_active_member]
        self.pay_interest(members)
        self.pay_withdrawals(members)
        repaid_or_defaulted = self.collect_repayments()
        self.lend([h for h in members if h.slot not in repaid_or_defaulted])

    def pay_interest(self, members: list[Household]) -> None:
        """Deposits earn the monthly savings rate."""
        rate = self.model.params.cooperative.savings_rate_per_month
        credited = 0.0
        for member in members:
            member.coop_interest = member.coop_deposit * rate
            member.coop_deposit += member.coop_interest
            credited += member.coop_interest
        # Interest credited to deposits is an expense of the cooperative's year.
        self.surplus_now -= credited
        self.model.world.ledger.book_one(Flow.DEPOSIT_INTEREST, self.village_index, credited)

    def pay_withdrawals(self, members: list[Household]) -> None:
        """Members withdraw a share of their deposits for spending, as far as the cash allows."""
        share = self.model.params.cooperative.withdrawal_share_per_month
        wanted = [member.coop_deposit * share for member in members]
        asked = 0.0
        for amount in wanted:
            asked += amount
        paid = min(max(self.cash_now, 0.0), asked)
        ratio = paid / asked if asked > 0 else 0.0
        for member, amount in zip(members, wanted, strict=True):
            payout = amount * ratio
            member.coop_deposit -= payout
            member.consumption += payout
            self.model.world.ledger.book_one(Flow.COOP_WITHDRAWAL, self.village_index, payout)
        self.cash_now -= paid

    def collect_repayments(self) -> set[int]:
        """Borrowers pay interest and an instalment, or default (written off, expelled).

        Returns:
            Slots of this month's borrowers (a loan repaid or defaulted is not renewed at once).
        """
        m = self.model
        cp = m.params.cooperative
        default_prob = m.world.rates.coop_default
        borrowers = [h for h in self.households() if h.coop_loan > 0]
        ledger, v = m.world.ledger, self.village_index
        received = interest_received = written_off = 0.0
        for borrower in borrowers:
            loan, original = borrower.coop_loan, borrower.coop_loan_principal
            interest = coop_rules.loan_interest(_one(loan), cp.loan_rate_per_month)[0]
            principal = coop_rules.instalment(loan, original, cp.loan_term_months)
            if m.draw(Stream.COOPERATIVE, borrower.slot, key="default") < default_prob:
                written_off += loan
                repaid = 0.0
                ledger.book_one(Flow.COOP_LOAN_REPAYMENT, v, 0.0)
                ledger.book_one(Flow.COOP_LOAN_INTEREST, v, 0.0)
                ledger.book_one(Flow.COOP_LOAN_DEFAULT, v, loan)
                borrower.coop_loan = 0.0
                borrower.coop_member = False
                m.cooperatives.defaults[self.village_index] += 1
            else:
                repaid = float(interest + principal)
                borrower.coop_loan = float(loan - principal)
                borrower.coop_loan_interest = float(interest)
                interest_received += float(interest)
                ledger.book_one(Flow.COOP_LOAN_REPAYMENT, v, principal)
                ledger.book_one(Flow.COOP_LOAN_INTEREST, v, float(interest))
                ledger.book_one(Flow.COOP_LOAN_DEFAULT, v, 0.0)
            # The borrower pays interest and instalment out of this month's budget.
            borrower.pay(repaid)
            received += repaid
        self.cash_now += received
        self.surplus_now += interest_received
        self.surplus_now -= written_off
        m.world.membership_changed()
        return {b.slot for b in borrowers}

    def lend(self, members: list[Household]) -> None:
        """Members without a loan may ask for one (a multiple of their deposits); served in slot order.

        Loans are made in whole rupiah; once a request does not fit in the cash, later requests
        wait for a later month.
        """
        m = self.model
        cp = m.params.cooperative
        available = math.floor(max(self.cash_now, 0.0))
        queued, granted_total = 0, 0.0
        for member in members:
            if member.coop_loan > 0 or member.coop_deposit <= 0 or not member.coop_member:
                continue
            if m.draw(Stream.COOPERATIVE, member.slot, key="demand") >= cp.loan_demand_prob:
                continue
            request = float(coop_rules.loan_size(member.coop_deposit, cp.max_loan_to_savings))
            if request < 1.0:
                continue
            amount = math.floor(request)
            queued += amount
            if queued > available:
                break
            member.coop_loan = float(amount)
            member.coop_loan_principal = float(amount)
            member.business_capital += amount
            member.productive_investment += amount
            m.world.tally.invested_loans[self.village_index] += amount
            granted_total += amount
        self.cash_now -= granted_total
        m.world.ledger.book_one(Flow.COOP_LOAN, self.village_index, granted_total)

    def maybe_become_inactive(self, u: float) -> None:
        """The cooperative becomes inactive with a small monthly hazard (it never reopens)."""
        hazard = self.model.world.rates.coop_inactivity
        if u < hazard:
            self.model.cooperatives.active[self.village_index] = False

    def wind_down(self) -> None:
        """An inactive cooperative pays members' deposits back, as far as its cash allows."""
        if self.active:
            return
        members = [h for h in self.households() if h.coop_member]
        owed = 0.0
        for member in members:
            owed += member.coop_deposit
        paid = min(max(self.cash_now, 0.0), owed)
        share = paid / owed if owed > 0 else 0.0
        for member in members:
            payout = member.coop_deposit * share
            member.coop_deposit -= payout
            member.savings += payout
            self.model.world.ledger.book_one(Flow.COOP_DEPOSIT_REFUND, self.village_index, payout)
        self.cash_now -= paid

    def share_surplus(self) -> None:
        """Close the book year: the surplus after reserves goes to active members, pro rata to deposits.

        Members receive their share (SHU) as income of the month, spent and saved like local income.
        """
        m = self.model
        cp, saving = m.params.cooperative, m.params.income.local_savings_rate
        shared = float(
            coop_rules.surplus_to_share(
                _one(self.surplus_now), cp.surplus_reserve_share, _one(self.cash_now)
            )[0]
        )
        if not self.active:
            shared = 0.0
        members = [h for h in self.households() if h.is_active_member]
        capital = 0.0
        for member in members:
            capital += member.coop_deposit
        paid = shared if capital > 0 else 0.0
        ratio = paid / capital if capital > 0 else 0.0
        for member in members:
            dividend = member.coop_deposit * ratio
            member.coop_dividend = dividend
            member.consumption += dividend * (1.0 - saving)
            member.savings += dividend * saving
            m.world.ledger.book_one(Flow.SHU_DIVIDEND, self.village_index, dividend)
        self.cash_now -= paid
        self.model.cooperatives.reserves[self.village_index] += self.surplus_now - paid
        self.surplus_now = 0.0
