"""The world: every piece of state one run advances, and the helpers the phases share.

:class:`World` holds the households, migrant slots and cooperatives (arrays), the villages, the
random streams, the parameters, the month, this month's conditions and programme effects, the
month's tally, and the cached views the phases read (residents, migrant households, active
members, perceived risk ...). The phases (:mod:`desmig_sim.model.phases`), the cooperative
operations (:mod:`desmig_sim.model.cooperation`), the programme components
(:mod:`desmig_sim.model.components`) and the outcome recorder (:mod:`desmig_sim.model.outcomes`)
receive the World; the Mesa model (:mod:`desmig_sim.model.desmigratif_model`) is a thin face over it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from desmig_sim.config.events import Conditions, Event, conditions_at
from desmig_sim.config.parameters import MonthlyRates, Parameters
from desmig_sim.config.scenario import Scenario
from desmig_sim.config.villages import POTENTIAL_RETURN_FACTOR
from desmig_sim.core.calendar import format_year_month, parse_year_month
from desmig_sim.core.enums import MigrantStatus
from desmig_sim.core.streams import RandomStreams, Stream
from desmig_sim.model.effects import Boost, ProgrammeEffects
from desmig_sim.model.initial_state import (
    initial_applications,
    initial_households,
    initial_migrants,
    village_offsets,
)
from desmig_sim.model.jobs import JobTables
from desmig_sim.model.ledger import STOCK_ACCOUNTS, Account, Flow, Ledger
from desmig_sim.model.state import CooperativeArrays, HouseholdArrays, MigrantArrays
from desmig_sim.model.tally import MonthTally
from desmig_sim.rules import budget as budget_rules
from desmig_sim.rules import business as business_rules
from desmig_sim.rules import migration as migration_rules
from desmig_sim.rules import occupation as occupation_rules
from desmig_sim.rules.inequality import VillageGroups, VillageStats

#: The one slot of a draw made once for the whole world (a year's drought).
_FIRST_SLOT = np.zeros(1, dtype=np.int64)


@dataclass
class TieCounts:
    """Each household's ties with a member abroad and ties that know the procedure (kept incrementally)."""

    ties: np.ndarray
    abroad: np.ndarray
    knowing: np.ndarray
    had_abroad: np.ndarray
    knew: np.ndarray
    norm: np.ndarray
    inverse_degree: np.ndarray


@dataclass(eq=False)
class World:
    """The state of one run and the helpers shared by the phases.

    Build it with :meth:`build`. Attributes are the run's state; the methods are cached views
    (``residents``, ``migrant_households``, ``active_members``) and small shared operations
    (``pay_from_budget``, ``per_village``, ``can_send`` ...).
    """

    params: Parameters
    #: The parameters' yearly probabilities as monthly ones (converted once).
    rates: MonthlyRates
    #: What a migrant's occupation changes (mixes, women's shares, wages, costs, monthly risks).
    jobs: JobTables
    streams: RandomStreams
    start: str
    horizon: int
    villages: list
    village_offsets: np.ndarray
    households: HouseholdArrays
    migrants: MigrantArrays
    cooperatives: CooperativeArrays
    events: tuple[Event, ...]
    effects: ProgrammeEffects
    #: Migrant slots per household.
    k: int
    groups: VillageGroups
    #: Business-income multiplier of each village's local potential.
    potential: np.ndarray
    ties: TieCounts
    #: Each village's regency, as an index (regencies in alphabetical order; brokers work per regency).
    regency: np.ndarray
    #: Programme villages (False for the non-programme neighbours, which no component reaches).
    programme_villages: np.ndarray
    month: int = 0
    conditions: Conditions | None = None
    village_stats: VillageStats | None = None
    #: Children in school and children, per village (set each school year).
    school_totals: tuple[np.ndarray, np.ndarray] = field(default_factory=lambda: (np.zeros(0), np.zeros(0)))
    tally: MonthTally = field(default_factory=lambda: MonthTally(villages=0))
    #: The money ledger: every flow booked by the phases, and the accounts' stocks each month.
    ledger: Ledger = field(default_factory=lambda: Ledger(0, np.zeros((len(STOCK_ACCOUNTS), 0))))
    #: Consumption of each village at month 0 (start prices): the market's starting demand.
    base_consumption: np.ndarray = field(default_factory=lambda: np.zeros(0))
    #: Deaths and deportations per village in each of the last 12 months (by month % 12).
    risk_events: np.ndarray = field(default_factory=lambda: np.zeros((12, 0)))
    abroad_mask: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    #: Slots abroad (after this month's departures and returns).
    abroad: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    #: Slots that remitted last month (their ``remitted`` is cleared next month).
    remitted_last: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    _residents: np.ndarray | None = None
    _income_base: np.ndarray | None = None
    _migrant_households: np.ndarray | None = None
    _membership_version: int = 0
    _members_key: tuple | None = None
    _members_cache: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))

    @classmethod
    def build(cls, scenario: Scenario, seed: int) -> World:
        """The world of month 0: households, migrants, networks, first applications and schooling."""
        params = scenario.parameters
        streams = RandomStreams(seed)
        villages = scenario.world.simulated_villages()
        n_villages = len(villages)
        offsets = village_offsets(n_villages, params.village.households_per_village)
        households = initial_households(params, offsets, streams)
        jobs = JobTables.of(params)
        migrants = initial_migrants(params, jobs, households, streams)
        k = params.migration.max_migrants_per_household
        households.abroad_count = migrants.abroad.reshape(-1, k).sum(axis=1)
        n = households.count
        degree = households.degree
        ties = TieCounts(
            ties=households.network.astype(np.int64),
            abroad=np.zeros(n, dtype=np.int64),
            knowing=np.zeros(n, dtype=np.int64),
            had_abroad=np.zeros(n, dtype=bool),
            knew=np.zeros(n, dtype=bool),
            norm=np.zeros(n),
            inverse_degree=np.divide(1.0, degree, out=np.zeros_like(degree), where=degree > 0),
        )
        rates = MonthlyRates.of(params)
        world = cls(
            params=params,
            rates=rates,
            jobs=jobs,
            streams=streams,
            start=scenario.run.start,
            horizon=scenario.run.months,
            villages=villages,
            village_offsets=offsets,
            households=households,
            migrants=migrants,
            cooperatives=CooperativeArrays.empty(n_villages),
            events=tuple(scenario.events),
            effects=ProgrammeEffects(n_villages, rates.business_failure),
            k=k,
            groups=VillageGroups(offsets),
            potential=np.array([POTENTIAL_RETURN_FACTOR[v.potential] for v in villages]),
            ties=ties,
            regency=np.unique([v.regency for v in villages], return_inverse=True)[1].astype(np.int64),
            programme_villages=np.array([v.programme for v in villages], dtype=bool),
        )
        # Savings were drawn in months of the whole household's local income; members abroad do
        # not earn it: savings refer to the residents' local income.
        households.savings *= world.residents() / households.size
        world.conditions = world.conditions_in(1)
        world.risk_events = np.zeros((12, n_villages))
        world.tally = MonthTally(villages=n_villages)
        world.abroad_mask = migrants.status == MigrantStatus.ABROAD
        world.abroad = np.flatnonzero(world.abroad_mask)
        world.observe_ties()
        initial_applications(params, jobs, households, world.can_send(), streams)
        world.decide_schooling(0)
        households.local_income = households.local_income_pc_base * world.residents()
        households.consumption = households.local_income * (1.0 - params.income.local_savings_rate)
        world.base_consumption = np.bincount(
            households.village, weights=households.consumption, minlength=n_villages
        )
        world.account_incomes()
        world.ledger = Ledger(n_villages, world.money_stocks())
        return world

    # ------------------------------------------------------------------ calendar and prices
    def conditions_in(self, month: int) -> Conditions:
        """The exogenous conditions of a model month."""
        r = self.params.remittance
        absolute = parse_year_month(self.start) + month - 1
        return conditions_at(self.events, absolute, r.min_wage_myr_per_month, r.exchange_rate_idr_per_myr)

    def calendar_month(self) -> int:
        """Calendar month (1-12) of the current step."""
        return (parse_year_month(self.start) + max(self.month, 1) - 1) % 12 + 1

    def date(self) -> str:
        """The current month as 'YYYY-MM'."""
        return format_year_month(parse_year_month(self.start) + max(self.month, 1) - 1)

    def price_index(self) -> float:
        """Price level relative to the start month (poverty line and nominal local incomes)."""
        return (1.0 + self.params.income.price_growth_per_year) ** ((max(self.month, 1) - 1) / 12.0)

    def drought_loss(self) -> float:
        """Share of farm income lost to drought this month (0 in a normal year).

        A calendar year is a drought year with ``income.drought_prob_per_year``: one draw a year from
        the ``climate`` stream, keyed by the calendar year, so every month of the year, both engines
        and every scenario run on the same seed see the same drought years. A scenario's ``drought``
        event imposes one; in a year with both, the larger loss applies.
        """
        inc = self.params.income
        year = (parse_year_month(self.start) + max(self.month, 1) - 1) // 12
        u = self.streams.uniform(Stream.CLIMATE, year, _FIRST_SLOT, key="drought")[0]
        drawn = inc.drought_farm_income_loss if u < inc.drought_prob_per_year else 0.0
        imposed = self.conditions.drought_severity if self.conditions is not None else 0.0
        return max(drawn, imposed)

    def local_income_level(self) -> float:
        """This month's local income relative to the base: prices, the harvest season and drought."""
        inc = self.params.income
        season = budget_rules.farm_income_factor(
            self.calendar_month(),
            inc.farm_income_share,
            inc.harvest_seasonality,
            inc.harvest_month,
            self.drought_loss(),
        )
        return self.price_index() * season

    def harvest_smoothing(self) -> float:
        """Local income without the harvest cycle over local income with it, this month.

        Households consume as if farm income came evenly through the year (they store the harvest):
        :func:`desmig_sim.rules.budget.consumption_from_local_income`.
        """
        inc = self.params.income
        loss = self.drought_loss()
        month = self.calendar_month()
        even = budget_rules.farm_income_factor(month, inc.farm_income_share, 0.0, inc.harvest_month, loss)
        seasonal = budget_rules.farm_income_factor(
            month, inc.farm_income_share, inc.harvest_seasonality, inc.harvest_month, loss
        )
        return even / seasonal if seasonal > 0 else 1.0

    def business_demand(self, consumption: np.ndarray, businesses: np.ndarray) -> np.ndarray:
        """Multiplier on business returns in each village from the limits of its market.

        Args:
            consumption: Each village's consumption this month, before business profits.
            businesses: Each village's active businesses.
        """
        bp = self.params.business
        capacity = business_rules.market_capacity(
            np.diff(self.village_offsets).astype(float),
            consumption,
            self.base_consumption,
            self.price_index(),
            bp.market_capacity_share,
        )
        return business_rules.demand_multiplier(businesses.astype(float), capacity, bp.crowding_elasticity)

    def poverty_line(self) -> float:
        """Poverty line this month, IDR per person per month."""
        return self.params.income.poverty_line_idr_per_capita_month * self.price_index()

    # ------------------------------------------------------------------ cached views
    def per_village(self, values: np.ndarray) -> np.ndarray:
        """Sum of a household array over each village (villages are contiguous blocks)."""
        if self.groups.equal:
            return values.reshape(len(self.villages), -1).sum(axis=1, dtype=np.float64)
        return np.add.reduceat(np.asarray(values, dtype=np.float64), self.village_offsets[:-1])

    def abroad_slots(self) -> np.ndarray:
        """Migrant slots whose person is abroad (after this month's departures and returns)."""
        return self.abroad

    def residents(self) -> np.ndarray:
        """Members living at home (at least one); cached until someone leaves, returns or dies."""
        if self._residents is None:
            hh = self.households
            self._residents = np.maximum(hh.size - hh.abroad_count, 1)
        return self._residents

    def resident_income_base(self) -> np.ndarray:
        """Local income at start prices of each household's residents (cached with ``residents``)."""
        if self._income_base is None:
            self._income_base = self.households.local_income_pc_base * self.residents()
        return self._income_base

    def residents_changed(self) -> None:
        """Note that someone left, returned or died (clears the cached residents and income base)."""
        self._residents = self._income_base = None

    def migrant_households(self) -> np.ndarray:
        """Households with a living member abroad or back from abroad (cached until departures or returns)."""
        if self._migrant_households is None:
            hh = self.households
            self._migrant_households = (hh.abroad_count + hh.returnee_count) > 0
        return self._migrant_households

    def migration_changed(self) -> None:
        """Note that someone left or came home (clears the cached migrant households)."""
        self._migrant_households = None

    def membership_changed(self) -> None:
        """Note that cooperative membership changed (clears the cached member mask)."""
        self._membership_version += 1

    def active_members(self) -> np.ndarray:
        """Households that are members of an active cooperative (recomputed when membership changes)."""
        hh, coops = self.households, self.cooperatives
        key = (coops.active.tobytes(), self._membership_version)
        if self._members_key != key:
            self._members_cache = hh.coop_member & coops.active[hh.village]
            self._members_key = key
        return self._members_cache

    def free_count(self, households: np.ndarray | slice = slice(None)) -> np.ndarray:
        """Migrant slots free for a departure (not abroad, not dead)."""
        hh = self.households
        return self.k - hh.abroad_count[households] - hh.dead_count[households]

    def can_send(self) -> np.ndarray:
        """Households able to send a member: two or more at home, a free slot, no application pending."""
        hh = self.households
        return (self.free_count() > 0) & (self.residents() >= 2) & (hh.wait_months_left < 0)

    def free_slot(self, households: np.ndarray) -> np.ndarray:
        """The slot each departing household uses: a former migrant first, else a new person."""
        status = self.migrants.status.reshape(self.households.count, self.k)[households]
        rank = np.where((status == MigrantStatus.RETURNED) | (status == MigrantStatus.DEPORTED), 0, 2)
        rank = np.where(status == MigrantStatus.NEVER_LEFT, 1, rank)
        return households * self.k + np.argmin(rank, axis=1)

    def perceived_risk(self, households: np.ndarray | slice = slice(None)) -> np.ndarray:
        """Perceived risk of migrating of the given households (all by default).

        It grows with the recent deaths and deportations of migrants from the household's village.
        """
        recent = self.risk_events.sum(axis=0)
        return migration_rules.perceived_risk(recent, self.params.migration.risk_per_event)[
            self.households.village[households]
        ]

    def procedural_cost(self, households: np.ndarray, occupation: np.ndarray) -> np.ndarray:
        """This month's cost of a procedural job order of ``occupation`` for each household, IDR.

        The route's cost by occupation, less what agencies waive under the zero-cost rule when it
        is in force, times the village's programme cost factor and the price level.
        """
        cost = occupation_rules.placement_cost(
            self.params.migration.procedural_cost_idr,
            occupation,
            self.jobs.cost_factor,
            self.conditions.zero_cost_compliance,
        )
        return (
            cost
            * self.effects.procedural_cost_factor[self.households.village[households]]
            * self.price_index()
        )

    # ------------------------------------------------------------------ shared operations
    def pay_from_budget(self, households: np.ndarray, amount: np.ndarray) -> None:
        """Pay a committed amount (loan instalment, compulsory deposit) out of this month's budget.

        It comes out of consumption first, then savings; what is still missing becomes debt
        (booked as informal credit; the caller books the payment itself).
        """
        hh = self.households
        from_consumption = np.minimum(amount, np.maximum(hh.consumption[households], 0.0))
        hh.consumption[households] -= from_consumption
        rest = amount - from_consumption
        from_savings = np.minimum(rest, np.maximum(hh.savings[households], 0.0))
        hh.savings[households] -= from_savings
        borrowed = rest - from_savings
        hh.debt[households] += borrowed
        self.ledger.book(Flow.INFORMAL_CREDIT, hh.village[households], borrowed)

    def money_stocks(self) -> np.ndarray:
        """Stock of each ledger stock account (rows: ``STOCK_ACCOUNTS``) per village, IDR."""
        hh, coops = self.households, self.cooperatives
        deposits, loans = self.per_village(hh.coop_deposit), self.per_village(hh.coop_loan)
        stocks = np.zeros((len(STOCK_ACCOUNTS), len(self.villages)))
        stocks[Account.HOUSEHOLDS] = self.per_village(hh.savings)
        stocks[Account.INFORMAL_DEBT] = -self.per_village(hh.debt)
        stocks[Account.BUSINESSES] = self.per_village(hh.business_capital)
        stocks[Account.COOP_DEPOSITS] = deposits
        stocks[Account.COOP_LOANS] = -loans
        stocks[Account.COOPERATIVE] = coops.cash + loans - deposits
        stocks[Account.MIGRANTS] = self.per_village(
            self.migrants.savings_abroad.reshape(-1, self.k).sum(axis=1)
        )
        stocks[Account.BROKER_DEBT] = -self.per_village(
            self.migrants.broker_debt.reshape(-1, self.k).sum(axis=1)
        )
        return stocks

    def account_incomes(self) -> None:
        """Income and consumption per resident, poverty (by consumption and income), village statistics."""
        hh = self.households
        hh.income = hh.local_income + hh.business_income
        hh.income += hh.remittances_received
        hh.income += hh.coop_dividend
        # Deposit interest is a return on savings credited to the deposit, not this month's income.
        hh.income_per_capita = hh.income / self.residents()
        hh.residents_counted[:] = self.residents()
        np.divide(hh.consumption, self.residents(), out=hh.consumption_per_capita)
        line = self.poverty_line()
        # Statistics Indonesia (BPS) measures poverty by consumption per capita (ref:bps-ntt-poverty-2018).
        hh.poor = hh.consumption_per_capita < line
        hh.poor_income = hh.income_per_capita < line
        self.village_stats = self.groups.stats(hh.income_per_capita)

    def decide_schooling(self, month: int) -> None:
        """Enrol each child for the school year (one draw per household and child)."""
        hh, sp = self.households, self.params.schooling
        p = (
            sp.attendance_prob
            - sp.left_behind_penalty * (hh.abroad_count > 0)
            + self.effects.boost(Boost.SCHOOL_ATTENDANCE, slice(None))
        )
        p = np.clip(p, 0.0, 1.0)
        in_school = np.zeros(hh.count, dtype=np.int64)
        for child in range(sp.max_children):
            has = np.flatnonzero(hh.children > child)
            u = self.streams.uniform(Stream.SCHOOLING, month, has, key=f"child{child}")
            in_school[has] += u < p[has]
        hh.children_in_school = in_school
        self.school_totals = (self.per_village(in_school), self.per_village(hh.children))

    def observe_ties(self) -> None:
        """Count each household's ties with a member abroad and ties that know the procedure.

        Called once a month after returns. Only households whose trait changed since the last call
        update their neighbours' counts (ties are symmetric), so the counts stay exactly what a full
        pass over the network would give at a fraction of the cost. The share of ties with a member
        abroad is next month's subjective norm; the share that knows drives learning from ties.
        """
        hh, t = self.households, self.ties
        touched = migration_rules.update_tie_counts(t.ties, t.abroad, t.had_abroad, hh.abroad_count > 0)
        t.norm[touched] = migration_rules.subjective_norm(t.abroad[touched], t.inverse_degree[touched])
        migration_rules.update_tie_counts(t.ties, t.knowing, t.knew, hh.knows_procedure)
