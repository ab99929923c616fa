"""Array state of households, migrant slots and cooperatives.

The monthly rules operate on these arrays, vectorised over all households of all villages; the
Mesa agents (:mod:`desmig_sim.model.agents`) are views onto them, indexed by a stable slot. Households of
one village occupy a contiguous block of slots; household ``h`` owns migrant slots
``h * K ... h * K + K - 1`` where ``K`` is ``max_migrants_per_household``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from desmig_sim.core.enums import MigrantStatus


@dataclass
class HouseholdArrays:
    """State of all households, one entry per household slot."""

    village: np.ndarray  # int64, village index
    size: np.ndarray  # int64, members including those abroad
    local_income_pc_base: np.ndarray  # IDR/person/month at start prices
    knows_procedure: np.ndarray  # bool
    network: sp.csr_matrix  # ties within the village (symmetric, 0/1)
    degree: np.ndarray  # float64, number of ties
    children: np.ndarray  # int64
    business_capital: np.ndarray
    savings: np.ndarray
    debt: np.ndarray
    working_age_adults: np.ndarray  # int64, members of working age (those abroad included)
    land_ha: np.ndarray  # float64, farm land
    head_educated: np.ndarray  # bool, head has junior secondary education or more
    local_income: np.ndarray = field(init=False)
    business_revenue: np.ndarray = field(init=False)  # sales this month, IDR
    business_income: np.ndarray = field(init=False)  # profit: revenue less running costs, IDR
    remittances_received: np.ndarray = field(init=False)
    coop_interest: np.ndarray = field(init=False)  # deposit interest credited this month, IDR
    coop_loan_interest: np.ndarray = field(init=False)  # loan interest paid this month, IDR
    coop_dividend: np.ndarray = field(init=False)  # share of the cooperative's surplus (SHU) paid this month
    income: np.ndarray = field(init=False)
    income_per_capita: np.ndarray = field(init=False)
    consumption: np.ndarray = field(init=False)  # this month's consumption expenditure, IDR
    consumption_per_capita: np.ndarray = field(init=False)  # per resident member, IDR/person/month
    residents_counted: np.ndarray = field(init=False)  # int64, residents when welfare was measured
    productive_investment: np.ndarray = field(init=False)
    poor: np.ndarray = field(init=False)  # consumption per capita below the poverty line (BPS)
    poor_income: np.ndarray = field(init=False)  # income per capita below the poverty line
    aspiring: np.ndarray = field(init=False)
    wait_months_left: np.ndarray = field(init=False)  # -1: no procedural application pending
    job_offer: np.ndarray = field(init=False)  # int8 Occupation of the pending procedural job order
    coop_member: np.ndarray = field(init=False)
    coop_deposit: np.ndarray = field(init=False)
    coop_loan: np.ndarray = field(init=False)  # outstanding principal
    coop_loan_principal: np.ndarray = field(init=False)  # original principal (sets the instalment)
    children_in_school: np.ndarray = field(init=False)
    abroad_count: np.ndarray = field(init=False)  # members abroad
    dead_count: np.ndarray = field(init=False)  # members who died abroad
    returnee_count: np.ndarray = field(init=False)  # former migrants at home (returned or deported)

    def __post_init__(self) -> None:
        n = self.village.size
        for name in (
            "local_income",
            "business_revenue",
            "business_income",
            "remittances_received",
            "coop_interest",
            "coop_loan_interest",
            "coop_dividend",
            "income",
            "income_per_capita",
            "consumption",
            "consumption_per_capita",
            "productive_investment",
            "coop_deposit",
            "coop_loan",
            "coop_loan_principal",
        ):
            setattr(self, name, np.zeros(n))
        for name in ("poor", "poor_income", "aspiring", "coop_member"):
            setattr(self, name, np.zeros(n, dtype=bool))
        self.wait_months_left = np.full(n, -1, dtype=np.int64)
        self.job_offer = np.zeros(n, dtype=np.int8)
        self.children_in_school = np.zeros(n, dtype=np.int64)
        self.abroad_count = np.zeros(n, dtype=np.int64)
        self.residents_counted = np.ones(n, dtype=np.int64)
        self.dead_count = np.zeros(n, dtype=np.int64)
        self.returnee_count = np.zeros(n, dtype=np.int64)

    @property
    def count(self) -> int:
        """Number of households."""
        return int(self.village.size)


@dataclass
class MigrantArrays:
    """State of all migrant slots (``K`` per household), one entry per slot."""

    household: np.ndarray  # int64, owning household slot
    status: np.ndarray = field(init=False)
    route: np.ndarray = field(init=False)
    destination: np.ndarray = field(init=False)
    channel: np.ndarray = field(init=False)
    sex: np.ndarray = field(init=False)  # int8 Sex of the person of the last departure
    occupation: np.ndarray = field(init=False)  # int8 Occupation abroad of the last departure
    propensity: np.ndarray = field(init=False)  # share of wage remitted
    departure_month: np.ndarray = field(init=False)  # month of the last departure (<= 0: before the start)
    contract_end_month: np.ndarray = field(init=False)  # last month of a procedural contract
    broker_debt: np.ndarray = field(init=False)
    wage: np.ndarray = field(init=False)  # IDR this month
    remitted: np.ndarray = field(init=False)  # IDR sent this month
    trips: np.ndarray = field(init=False)
    stay_type: np.ndarray = field(init=False)  # StayType of the last departure
    savings_abroad: np.ndarray = field(init=False)  # IDR saved abroad during this stay
    savings_brought: np.ndarray = field(init=False)  # IDR brought home at the last return, not yet invested
    return_month: np.ndarray = field(init=False)  # month of the last return home

    def __post_init__(self) -> None:
        n = self.household.size
        for name in ("status", "route", "destination", "channel", "sex", "occupation", "stay_type"):
            setattr(self, name, np.zeros(n, dtype=np.int8))
        for name in ("propensity", "broker_debt", "wage", "remitted", "savings_abroad", "savings_brought"):
            setattr(self, name, np.zeros(n))
        for name in ("departure_month", "contract_end_month", "trips", "return_month"):
            setattr(self, name, np.zeros(n, dtype=np.int64))

    @property
    def abroad(self) -> np.ndarray:
        """Mask of slots whose migrant is abroad."""
        return self.status == MigrantStatus.ABROAD


@dataclass
class CooperativeArrays:
    """State of the village cooperatives, one entry per village."""

    exists: np.ndarray  # bool
    active: np.ndarray  # bool
    cash: np.ndarray  # IDR, liquid funds (deposits + earnings - loans - surplus paid out)
    defaults: np.ndarray  # int64, loans written off so far
    surplus: np.ndarray  # IDR, this book year's surplus so far (SHU before reserves)
    reserves: np.ndarray  # IDR, surpluses kept (and losses borne) at the close of past book years

    @classmethod
    def empty(cls, villages: int) -> CooperativeArrays:
        """No cooperative in any village."""
        return cls(
            exists=np.zeros(villages, dtype=bool),
            active=np.zeros(villages, dtype=bool),
            cash=np.zeros(villages),
            defaults=np.zeros(villages, dtype=np.int64),
            surplus=np.zeros(villages),
            reserves=np.zeros(villages),
        )
