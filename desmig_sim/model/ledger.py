"""The money ledger of a run: every flow of money, booked once, per month and village.

Double entry: each flow moves an amount (IDR) from one account to another. The phases book
flows as they happen (:meth:`Ledger.book`: one per-village sum by ``np.bincount`` per call);
:meth:`Ledger.close_month` stores the month's flows and measures the stock of every account
from the world's arrays, so that the identity

    closing - opening == inflows - outflows     (each stock account, month and village)

can be checked: a money change that nobody booked leaves a residual. See the section "Money
ledger" of docs/odd.md for the accounts, the flows and where each is booked.

Booking a new flow: add a member to :class:`Flow` with its ``(from, to)`` accounts in
:data:`FLOW_ACCOUNTS`, and call ``world.ledger.book(Flow.NEW, villages, amounts)`` where the
money moves (the reference engine: ``book_one`` in the agent's verb). Book each flow at most once
per phase in the vectorised engine: the reference engine's per-agent amounts are summed per phase
(:meth:`Ledger.settle`), so both engines add the same partial sums in the same order.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np
import pandas as pd

from desmig_sim.core.calendar import format_year_month, parse_year_month


class Account(IntEnum):
    """Accounts of the ledger. Stock accounts come first (:data:`STOCK_ACCOUNTS`)."""

    HOUSEHOLDS = 0  # households' savings (cash at home)
    INFORMAL_DEBT = 1  # minus households' debt to moneylenders, kin, shops
    BUSINESSES = 2  # households' business capital
    COOP_DEPOSITS = 3  # members' deposits with the cooperative
    COOP_LOANS = 4  # minus members' outstanding cooperative loans
    COOPERATIVE = 5  # the cooperative's own funds: cash + loans - deposits (reserves + surplus)
    MIGRANTS = 6  # migrants' savings abroad (what is left of wages after costs and remittances)
    BROKER_DEBT = 7  # minus migrants' debt to brokers (the brokers' receivables)
    ABROAD = 8  # employers abroad, and what migrants spend or keep abroad
    BROKERS = 9  # brokers (recruiters): their earnings and gifts
    AGENCIES = 10  # placement agencies, banks and remittance carriers: fees, costs, losses
    PROGRAMME = 11  # the Desmigratif programme's budget
    PROGRAMME_SERVICES = 12  # staff, facilitators and offices the programme pays (outside the villages)
    LOCAL_ECONOMY = 13  # the local economy outside the village households: employers, sellers
    WRITTEN_OFF = 14  # value lost: business failures and wear


#: Accounts whose stock is measured from the world's arrays (the others are outside the villages).
STOCK_ACCOUNTS: tuple[Account, ...] = tuple(a for a in Account if a <= Account.BROKER_DEBT)


class Flow(IntEnum):
    """Flows of money, each booked once (its accounts: :data:`FLOW_ACCOUNTS`)."""

    WAGE_ABROAD = 0
    BROKER_DEBT_INTEREST = 1
    BROKER_DEDUCTION = 2
    REMITTANCE_RECEIVED = 3
    TRANSFER_FEE = 4
    TRANSFER_LOSS = 5
    KEPT_ABROAD = 6
    LOCAL_INCOME = 7
    DEBT_REPAYMENT = 8
    BUSINESS_INVESTMENT = 9
    COOP_DEPOSIT = 10
    INFORMAL_CREDIT = 11
    DEPOSIT_INTEREST = 12
    COOP_WITHDRAWAL = 13
    COOP_LOAN_REPAYMENT = 14
    COOP_LOAN_INTEREST = 15
    COOP_LOAN_DEFAULT = 16
    COOP_LOAN = 17
    COOP_DEPOSIT_REFUND = 18
    SHU_DIVIDEND = 19
    BUSINESS_REVENUE = 20
    BUSINESS_RUNNING_COST = 21
    BUSINESS_PROFIT = 22
    BUSINESS_FAILURE = 23
    DEPRECIATION = 24
    CONSUMPTION = 25
    PROCEDURAL_PLACEMENT_COST = 26
    SIRIH_PINANG = 27
    BROKER_PLACEMENT_DEBT = 28
    BROKER_DEBT_CANCELLED = 29
    GRANT = 30
    PROGRAMME_RUNNING_COST = 31
    SAVINGS_BROUGHT_HOME = 32
    SAVINGS_LOST_ABROAD = 33
    RETURNEE_INVESTMENT = 34


A = Account
#: Where each flow comes from and goes to.
FLOW_ACCOUNTS: dict[Flow, tuple[Account, Account]] = {
    Flow.WAGE_ABROAD: (A.ABROAD, A.MIGRANTS),
    Flow.BROKER_DEBT_INTEREST: (A.BROKER_DEBT, A.BROKERS),
    Flow.BROKER_DEDUCTION: (A.MIGRANTS, A.BROKER_DEBT),
    Flow.REMITTANCE_RECEIVED: (A.MIGRANTS, A.HOUSEHOLDS),
    Flow.TRANSFER_FEE: (A.MIGRANTS, A.AGENCIES),
    Flow.TRANSFER_LOSS: (A.MIGRANTS, A.AGENCIES),
    Flow.KEPT_ABROAD: (A.MIGRANTS, A.ABROAD),
    Flow.LOCAL_INCOME: (A.LOCAL_ECONOMY, A.HOUSEHOLDS),
    Flow.DEBT_REPAYMENT: (A.HOUSEHOLDS, A.INFORMAL_DEBT),
    Flow.BUSINESS_INVESTMENT: (A.HOUSEHOLDS, A.BUSINESSES),
    Flow.COOP_DEPOSIT: (A.HOUSEHOLDS, A.COOP_DEPOSITS),
    Flow.INFORMAL_CREDIT: (A.INFORMAL_DEBT, A.HOUSEHOLDS),
    Flow.DEPOSIT_INTEREST: (A.COOPERATIVE, A.COOP_DEPOSITS),
    Flow.COOP_WITHDRAWAL: (A.COOP_DEPOSITS, A.HOUSEHOLDS),
    Flow.COOP_LOAN_REPAYMENT: (A.HOUSEHOLDS, A.COOP_LOANS),
    Flow.COOP_LOAN_INTEREST: (A.HOUSEHOLDS, A.COOPERATIVE),
    Flow.COOP_LOAN_DEFAULT: (A.COOPERATIVE, A.COOP_LOANS),
    Flow.COOP_LOAN: (A.COOP_LOANS, A.BUSINESSES),
    Flow.COOP_DEPOSIT_REFUND: (A.COOP_DEPOSITS, A.HOUSEHOLDS),
    Flow.SHU_DIVIDEND: (A.COOPERATIVE, A.HOUSEHOLDS),
    Flow.BUSINESS_REVENUE: (A.LOCAL_ECONOMY, A.BUSINESSES),
    Flow.BUSINESS_RUNNING_COST: (A.BUSINESSES, A.LOCAL_ECONOMY),
    Flow.BUSINESS_PROFIT: (A.BUSINESSES, A.HOUSEHOLDS),
    Flow.BUSINESS_FAILURE: (A.BUSINESSES, A.WRITTEN_OFF),
    Flow.DEPRECIATION: (A.BUSINESSES, A.WRITTEN_OFF),
    Flow.CONSUMPTION: (A.HOUSEHOLDS, A.LOCAL_ECONOMY),
    Flow.PROCEDURAL_PLACEMENT_COST: (A.HOUSEHOLDS, A.AGENCIES),
    Flow.SIRIH_PINANG: (A.BROKERS, A.HOUSEHOLDS),
    Flow.BROKER_PLACEMENT_DEBT: (A.BROKER_DEBT, A.BROKERS),
    Flow.BROKER_DEBT_CANCELLED: (A.BROKERS, A.BROKER_DEBT),
    Flow.GRANT: (A.PROGRAMME, A.BUSINESSES),
    Flow.PROGRAMME_RUNNING_COST: (A.PROGRAMME, A.PROGRAMME_SERVICES),
    Flow.SAVINGS_BROUGHT_HOME: (A.MIGRANTS, A.HOUSEHOLDS),
    Flow.SAVINGS_LOST_ABROAD: (A.MIGRANTS, A.WRITTEN_OFF),
    Flow.RETURNEE_INVESTMENT: (A.HOUSEHOLDS, A.BUSINESSES),
}
del A

_FROM = np.array([FLOW_ACCOUNTS[f][0] for f in Flow])
_TO = np.array([FLOW_ACCOUNTS[f][1] for f in Flow])


class Ledger:
    """The flows of a run, per month, flow and village, and the stocks of the accounts.

    Args:
        villages: Number of villages.
        opening: Stock of each account (rows: :class:`Account`) and village at month 0.
    """

    def __init__(self, villages: int, opening: np.ndarray) -> None:
        self.villages = villages
        self.month_flows = np.zeros((len(Flow), villages))
        self._partial = np.zeros((len(Flow), villages))
        self.flows: list[np.ndarray] = []
        self.stocks: list[np.ndarray] = [opening]

    def book(self, flow: Flow, villages: np.ndarray, amounts: np.ndarray | float) -> None:
        """Book a flow: ``amounts`` (one per entry, or one for all) of the villages ``villages``."""
        weights = np.broadcast_to(np.asarray(amounts, dtype=np.float64), np.shape(villages))
        self.month_flows[flow] += np.bincount(villages, weights=weights, minlength=self.villages)

    def book_villages(self, flow: Flow, amounts: np.ndarray) -> None:
        """Book a flow already summed per village (one amount per village)."""
        self.month_flows[flow] += amounts

    def book_one(self, flow: Flow, village: int, amount: float) -> None:
        """Book one agent's part of a flow (reference engine): summed until :meth:`settle`."""
        self._partial[flow, village] += amount

    def settle(self) -> None:
        """Add the per-agent parts booked since the last call to the month (after each phase)."""
        self.month_flows += self._partial
        self._partial[:] = 0.0

    def close_month(self, closing: np.ndarray) -> None:
        """Store the month's flows and the accounts' closing stocks; start the next month at zero."""
        self.settle()
        self.flows.append(self.month_flows.copy())
        self.stocks.append(closing)
        self.month_flows[:] = 0.0

    # ------------------------------------------------------------------ views
    def flow_array(self) -> np.ndarray:
        """Flows so far: months x flows x villages, IDR."""
        return np.array(self.flows).reshape(len(self.flows), len(Flow), self.villages)

    def account_flows(self) -> tuple[np.ndarray, np.ndarray]:
        """Inflows and outflows of each account: two arrays months x accounts x villages."""
        flows = self.flow_array()
        months = flows.shape[0]
        inflows = np.zeros((months, len(Account), self.villages))
        outflows = np.zeros((months, len(Account), self.villages))
        np.add.at(inflows, (slice(None), _TO), flows)
        np.add.at(outflows, (slice(None), _FROM), flows)
        return inflows, outflows

    def residuals(self) -> np.ndarray:
        """Stock accounts' residuals: change of stock less net inflow, months x stock accounts x villages."""
        inflows, outflows = self.account_flows()
        stocks = np.array(self.stocks)
        rows = list(STOCK_ACCOUNTS)
        change = stocks[1:, rows] - stocks[:-1, rows]
        return change - (inflows[:, rows] - outflows[:, rows])

    def relative_residuals(self) -> np.ndarray:
        """Residuals relative to the account's gross flows and stocks (months x stock accounts x villages)."""
        inflows, outflows = self.account_flows()
        stocks = np.array(self.stocks)
        rows = list(STOCK_ACCOUNTS)
        scale = np.maximum.reduce(
            [inflows[:, rows] + outflows[:, rows], np.abs(stocks[1:, rows]), np.abs(stocks[:-1, rows])]
        )
        return np.abs(self.residuals()) / np.maximum(scale, 1.0)

    def to_frame(self, start: str, village_names: list[str]) -> pd.DataFrame:
        """The tidy ledger: month, date, village, flow, from_account, to_account, amount_idr.

        Rows with a zero amount are left out.
        """
        flows = self.flow_array()
        months, nf, nv = flows.shape
        m, f, v = np.meshgrid(np.arange(months), np.arange(nf), np.arange(nv), indexing="ij")
        keep = flows.ravel() != 0.0
        m, f, v = m.ravel()[keep], f.ravel()[keep], v.ravel()[keep]
        first = parse_year_month(start)
        names = np.array([x.name.lower() for x in Flow])
        accounts = np.array([x.name.lower() for x in Account])
        return pd.DataFrame(
            {
                "month": m + 1,
                "date": [format_year_month(first + i) for i in m],
                "village": np.array(village_names)[v],
                "flow": names[f],
                "from_account": accounts[_FROM[f]],
                "to_account": accounts[_TO[f]],
                "amount_idr": flows.ravel()[keep],
            }
        )

    def balances_frame(self, start: str, village_names: list[str]) -> pd.DataFrame:
        """Per account, month and village: opening, inflows, outflows, closing, residual.

        Accounts outside the villages (abroad, brokers, agencies, programme, ...) have no measured
        stock: their opening, closing and residual are missing (NaN).
        """
        inflows, outflows = self.account_flows()
        months, na, nv = inflows.shape
        stocks = np.full((months + 1, na, nv), np.nan)
        stocks[:, list(STOCK_ACCOUNTS)] = np.array(self.stocks)
        opening, closing = stocks[:-1], stocks[1:]
        residual = closing - opening - (inflows - outflows)
        m, a, v = np.meshgrid(np.arange(months), np.arange(na), np.arange(nv), indexing="ij")
        first = parse_year_month(start)
        return pd.DataFrame(
            {
                "month": m.ravel() + 1,
                "date": [format_year_month(first + i) for i in m.ravel()],
                "village": np.array(village_names)[v.ravel()],
                "account": np.array([x.name.lower() for x in Account])[a.ravel()],
                "opening": opening.ravel(),
                "inflows": inflows.ravel(),
                "outflows": outflows.ravel(),
                "closing": closing.ravel(),
                "residual": residual.ravel(),
            }
        )
