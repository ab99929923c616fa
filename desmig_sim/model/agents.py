"""Households, migrant workers and cooperatives as Mesa agents.

The agents are the public face of the model: they appear in ``model.agents_by_type``, work with
``AgentSet.select``/``agg`` and with agent reporters, and read (and write) the array state through
properties indexed by a stable slot. The monthly rules run vectorised over the arrays
(:mod:`desmig_sim.model`), so an agent always shows the current state.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
from mesa import Agent, Model

from desmig_sim.config.parameters import Parameters
from desmig_sim.core.enums import Channel, Destination, MigrantStatus, Occupation, Route, Sex, StayType
from desmig_sim.model.state import CooperativeArrays, HouseholdArrays, MigrantArrays
from desmig_sim.model.world import World


class ModelFace(Protocol):
    """What the agents read of their model (:class:`~desmig_sim.model.DesmigratifModel` has it)."""

    world: World

    @property
    def params(self) -> Parameters:
        """The run's parameters."""

    @property
    def month(self) -> int:
        """The month just simulated."""

    @property
    def villages(self) -> list:
        """The simulated villages."""

    @property
    def households(self) -> HouseholdArrays:
        """Array state of all households."""

    @property
    def migrants(self) -> MigrantArrays:
        """Array state of all migrant slots."""

    @property
    def cooperatives(self) -> CooperativeArrays:
        """Array state of the cooperatives."""

    @property
    def household_agents(self) -> list[Household]:
        """Household agents in slot order."""

    def migrant_agent(self, slot: int) -> Migrant | None:
        """The Migrant agent of a migrant slot, if that person has ever left."""


def _view(store: str, name: str, cast: type, doc: str) -> property:
    """A property reading (and writing) ``model.<store>.<name>[slot]``."""

    def get(self: Any) -> Any:
        return cast(getattr(getattr(self.model, store), name)[self.slot])

    def set_(self: Any, value: Any) -> None:
        getattr(getattr(self.model, store), name)[self.slot] = value

    return property(get, set_, doc=doc)


class Household(Agent):
    """A village household: the unit that earns, budgets, saves and decides on migration.

    Args:
        model: The model.
        slot: The household's index into the household arrays.
    """

    model: ModelFace  # type: ignore[assignment]

    def __init__(self, model: Model, slot: int) -> None:
        super().__init__(model)
        self.slot = slot

    size = _view("households", "size", int, "Members, including those abroad.")
    local_income = _view("households", "local_income", float, "Farm and local wage income this month, IDR.")
    business_capital = _view("households", "business_capital", float, "Business capital, IDR.")
    business_income = _view("households", "business_income", float, "Business profit this month, IDR.")
    remittances_received = _view("households", "remittances_received", float, "Remittances this month, IDR.")
    income = _view("households", "income", float, "Total income this month, IDR.")
    income_per_capita = _view("households", "income_per_capita", float, "Income per resident member, IDR.")
    savings = _view("households", "savings", float, "Cash savings, IDR.")
    debt = _view("households", "debt", float, "Household debt (migration costs), IDR.")
    consumption = _view("households", "consumption", float, "Consumption this month, IDR.")
    knows_procedure = _view(
        "households", "knows_procedure", bool, "Knows the procedural route's requirements."
    )
    aspiring = _view("households", "aspiring", bool, "Wants to send a member abroad.")
    coop_member = _view("households", "coop_member", bool, "Member of the village cooperative.")
    coop_deposit = _view("households", "coop_deposit", float, "Deposits with the cooperative, IDR.")
    coop_loan = _view("households", "coop_loan", float, "Cooperative loan outstanding, IDR.")
    consumption_per_capita = _view(
        "households", "consumption_per_capita", float, "Consumption per resident member, IDR/person/month."
    )
    poor = _view("households", "poor", bool, "Consumption per capita below the poverty line (BPS).")
    poor_income = _view("households", "poor_income", bool, "Income per capita below the poverty line.")
    children = _view("households", "children", int, "Children in the household.")
    children_in_school = _view("households", "children_in_school", int, "Children attending school.")
    working_age_adults = _view(
        "households", "working_age_adults", int, "Members of working age, those abroad included."
    )
    land_ha = _view("households", "land_ha", float, "Farm land, ha.")
    head_educated = _view(
        "households", "head_educated", bool, "The head has junior secondary education or more."
    )

    @property
    def village(self) -> str:
        """Name of the household's village."""
        return self.model.villages[int(self.model.households.village[self.slot])].name

    @property
    def regency(self) -> str:
        """Regency (kabupaten) of the household's village."""
        return self.model.villages[int(self.model.households.village[self.slot])].regency

    @property
    def members_abroad(self) -> int:
        """Members currently abroad."""
        return int(self.model.households.abroad_count[self.slot])

    @property
    def has_business(self) -> bool:
        """Whether the household runs an active business."""
        return self.business_capital >= self.model.params.business.min_capital_idr

    @property
    def migrants(self) -> list[Migrant]:
        """The household's members who have ever migrated."""
        k = self.model.world.k
        found = (self.model.migrant_agent(s) for s in range(self.slot * k, (self.slot + 1) * k))
        return [m for m in found if m is not None]

    @property
    def ties(self) -> list[Household]:
        """The households this one is tied to in the village network."""
        net = self.model.households.network
        neighbours = net.indices[net.indptr[self.slot] : net.indptr[self.slot + 1]]
        return [self.model.household_agents[i] for i in neighbours]


class Migrant(Agent):
    """A household member who has worked abroad, by either route.

    Args:
        model: The model.
        slot: The person's migrant slot (household slot x slots per household + k).
    """

    model: ModelFace  # type: ignore[assignment]

    def __init__(self, model: Model, slot: int) -> None:
        super().__init__(model)
        self.slot = slot

    wage = _view("migrants", "wage", float, "Wage this month after broker deductions, IDR.")
    departure_month = _view(
        "migrants", "departure_month", int, "Month of the last departure (<= 0: before the start)."
    )

    @property
    def months_abroad(self) -> int:
        """Months since the last departure while abroad; 0 at home."""
        if self.status != MigrantStatus.ABROAD:
            return 0
        return int(self.model.month - self.model.migrants.departure_month[self.slot])

    @property
    def contract_months_left(self) -> int:
        """Months left on a procedural contract while abroad; 0 otherwise."""
        if self.status != MigrantStatus.ABROAD or self.route != Route.PROCEDURAL:
            return 0
        return max(0, int(self.model.migrants.contract_end_month[self.slot] - self.model.month))

    broker_debt = _view("migrants", "broker_debt", float, "Debt still owed to the broker, IDR.")
    remittance_propensity = _view("migrants", "propensity", float, "Share of the wage sent home.")
    remitted = _view("migrants", "remitted", float, "Amount sent home this month, IDR.")
    trips = _view("migrants", "trips", int, "Departures so far.")
    savings_abroad = _view("migrants", "savings_abroad", float, "Saved abroad during this stay, IDR.")
    savings_brought = _view(
        "migrants",
        "savings_brought",
        float,
        "Savings brought home at the last return, not yet invested, IDR.",
    )
    return_month = _view("migrants", "return_month", int, "Month of the last return home (0: none).")

    @property
    def stay_type(self) -> StayType:
        """Contract, temporary or settled stay (of the last departure)."""
        return StayType(int(self.model.migrants.stay_type[self.slot]))

    @property
    def status(self) -> MigrantStatus:
        """Abroad, returned, deported or dead."""
        return MigrantStatus(int(self.model.migrants.status[self.slot]))

    @property
    def route(self) -> Route:
        """Route of the last departure."""
        return Route(int(self.model.migrants.route[self.slot]))

    @property
    def destination(self) -> Destination:
        """Destination of the last departure."""
        return Destination(int(self.model.migrants.destination[self.slot]))

    @property
    def channel(self) -> Channel:
        """Remittance channel of the last departure."""
        return Channel(int(self.model.migrants.channel[self.slot]))

    @property
    def sex(self) -> Sex:
        """Sex of the member who left on the last departure."""
        return Sex(int(self.model.migrants.sex[self.slot]))

    @property
    def occupation(self) -> Occupation:
        """Work abroad on the last departure (domestic/care, plantation, construction/other)."""
        return Occupation(int(self.model.migrants.occupation[self.slot]))

    @property
    def household(self) -> Household | None:
        """The migrant's household agent."""
        agents = self.model.household_agents
        return agents[int(self.model.migrants.household[self.slot])] if agents else None


class Cooperative(Agent):
    """A village savings-and-loan cooperative founded by the programme.

    Args:
        model: The model.
        village_index: Index of its village.
    """

    model: ModelFace  # type: ignore[assignment]

    def __init__(self, model: Model, village_index: int) -> None:
        super().__init__(model)
        self.village_index = village_index

    @property
    def village(self) -> str:
        """Name of the cooperative's village."""
        return self.model.villages[self.village_index].name

    @property
    def active(self) -> bool:
        """Whether it still takes deposits and lends."""
        return bool(self.model.cooperatives.active[self.village_index])

    def _members(self) -> np.ndarray:
        hh = self.model.households
        return hh.coop_member & (hh.village == self.village_index)

    @property
    def members(self) -> int:
        """Member households."""
        return int(self._members().sum())

    @property
    def savings(self) -> float:
        """Members' pooled deposits, IDR."""
        return float(self.model.households.coop_deposit[self._members()].sum())

    @property
    def loans_outstanding(self) -> float:
        """Loan principal outstanding, IDR."""
        return float(self.model.households.coop_loan[self._members()].sum())

    @property
    def cash(self) -> float:
        """Liquid funds, IDR."""
        return float(self.model.cooperatives.cash[self.village_index])

    @property
    def defaults(self) -> int:
        """Loans written off so far."""
        return int(self.model.cooperatives.defaults[self.village_index])

    @property
    def savings_rate(self) -> float:
        """Interest on deposits, per month."""
        return self.model.params.cooperative.savings_rate_per_month

    @property
    def loan_rate(self) -> float:
        """Flat interest on loans, per month."""
        return self.model.params.cooperative.loan_rate_per_month

    @property
    def marketing_uplift(self) -> float:
        """Extra business income of members through joint marketing."""
        return self.model.params.cooperative.marketing_uplift
