"""The Desmigratif model: households, migrant workers and cooperatives in NTT villages (Mesa 3).

One step is one month. The monthly order, written once here and in :meth:`DesmigratifModel.step`:

0. **Conditions** — exogenous conditions (wages abroad, exchange rate, moratorium, border
   closure) and the effects of the programme components running this month.
1. **Wages abroad** — migrants earn; brokers deduct what non-procedural migrants still owe.
2. **Remittances** — migrants send part of the wage home; the formal channel charges a fee, the
   informal channel sometimes loses the transfer.
3. **Household budgets** — local income; remittances are allocated to consumption, debt,
   education, housing, savings (cooperative deposits for members) and productive investment;
   school enrolment is decided at the start of each school year.
4. **Cooperatives** — interest on deposits, loan repayments, defaults, new productive loans,
   inactivity (and winding down of inactive cooperatives).
5. **Businesses** — returns on capital, failures, depreciation; household income and poverty.
6. **Migration intentions** — households start or stop aspiring to send a member abroad
   (attitude, subjective norm, relative deprivation, perceived risk).
7. **Route choice** — aspiring households that know the procedure apply for it (cost, waiting
   time); brokers reach aspiring households and offer the non-procedural route.
8. **Departures** — procedural applicants whose wait is over, and those who accepted a broker,
   leave (a border closure holds departures back).
9. **Returns, deportations, deaths** — competing risks for migrants abroad; returnees of the
   procedural route bring knowledge of it, which spreads through ties.
10. **Programme actions** — information sessions, grants, cooperative founding and recruitment,
    community parenting; their costs.

Household state lives in arrays (:mod:`desmig_sim.model.state`) and every rule is vectorised over all
households of all villages; :class:`~desmig_sim.model.agents.Household`,
:class:`~desmig_sim.model.agents.Migrant` and :class:`~desmig_sim.model.agents.Cooperative` are
Mesa agents that view those arrays.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from mesa import Model

from desmig_sim.config.events import Conditions, conditions_at
from desmig_sim.config.parameters import monthly_probability
from desmig_sim.config.scenario import ENGINES, Engine, Scenario, default_scenario
from desmig_sim.config.villages import POTENTIAL_RETURN_FACTOR
from desmig_sim.core.calendar import format_year_month, parse_year_month
from desmig_sim.core.enums import Channel, Destination, MigrantStatus, Route
from desmig_sim.core.streams import RandomStreams, Stream
from desmig_sim.model import agents as agent_types
from desmig_sim.model import cooperation
from desmig_sim.model.components import ProgrammeEffects, build_components
from desmig_sim.model.outcomes import OutcomeRecorder
from desmig_sim.model.state import CooperativeArrays
from desmig_sim.model.world import (
    expected_first_remittances,
    initial_applications,
    initial_households,
    initial_migrants,
    scale_to_poverty_share,
    village_offsets,
)
from desmig_sim.rules import abroad as abroad_rules
from desmig_sim.rules import budget as budget_rules
from desmig_sim.rules import business as business_rules
from desmig_sim.rules import migration as migration_rules
from desmig_sim.rules import remittance as remittance_rules
from desmig_sim.rules.inequality import VillageGroups, VillageStats


class DesmigratifModel(Model):
    """Villages of the Desmigratif programme, advancing one month per :meth:`step`.

    Args:
        scenario: The scenario to run; the built-in defaults (NTT 2017 cohort, no programme)
            when omitted.
        seed: Root seed; the scenario's ``run.seed`` when omitted.
        agents: Whether to create the Mesa agent objects (the views onto the arrays). Switching
            them off changes no result; it saves time and memory in very large batch runs.
        engine: ``"vectorised"`` (every rule over all households at once) or ``"reference"``
            (each household, migrant and cooperative steps as plain per-agent Python, see
            :mod:`desmig_sim.reference`); the scenario's ``run.engine`` when omitted. Both
            compute the same model: ``DesmigratifModel(..., engine="reference")`` returns a
            :class:`~desmig_sim.reference.ReferenceModel`.

    Attributes:
        households: Array state of all households (:class:`~desmig_sim.model.state.HouseholdArrays`).
        migrants: Array state of all migrant slots.
        cooperatives: Array state of the village cooperatives.
        villages: The simulated villages (name, regency, potential).
        month: The month just simulated (0 before the first step).
    """

    #: The engine that runs the monthly phases.
    engine: Engine = "vectorised"
    #: Agent classes created for households, migrants and cooperatives (the reference engine
    #: uses subclasses that carry the per-agent monthly verbs).
    household_type: type[agent_types.Household] = agent_types.Household
    migrant_type: type[agent_types.Migrant] = agent_types.Migrant
    cooperative_type: type[agent_types.Cooperative] = agent_types.Cooperative

    def __new__(
        cls,
        scenario: Scenario | None = None,
        *,
        seed: int | None = None,
        agents: bool = True,
        engine: Engine | None = None,
    ) -> DesmigratifModel:
        """Pick the engine's class: the reference engine is a subclass of this one."""
        if cls is DesmigratifModel:
            if resolve_engine(scenario, engine) == "reference":
                from desmig_sim.reference import ReferenceModel

                cls = ReferenceModel
        elif engine is not None and engine != cls.engine:
            raise ValueError(f"{cls.__name__} runs the {cls.engine!r} engine, not {engine!r}")
        return super().__new__(cls)

    def __init__(
        self,
        scenario: Scenario | None = None,
        *,
        seed: int | None = None,
        agents: bool = True,
        engine: Engine | None = None,
    ) -> None:
        scenario = scenario if scenario is not None else default_scenario()
        seed = scenario.run.seed if seed is None else int(seed)
        super().__init__(rng=seed)
        self.scenario = scenario
        self.params = scenario.parameters
        self.seed = seed
        self.streams = RandomStreams(seed)
        self.start = scenario.run.start
        self.horizon = scenario.run.months
        self.month = 0
        self.villages = scenario.world.simulated_villages()
        n_villages = len(self.villages)
        self.village_offsets = village_offsets(n_villages, self.params.village.households_per_village)
        self.households = initial_households(self.params, self.village_offsets, self.streams)
        self.migrants = initial_migrants(self.params, self.households, self.streams)
        self._k = self.params.migration.max_migrants_per_household
        self.households.abroad_count = self.migrants.abroad.reshape(-1, self._k).sum(axis=1)
        self._residents: np.ndarray | None = None
        self._income_base: np.ndarray | None = None
        self._membership_version = 0
        self._members_key: tuple | None = None
        self._members_cache = np.zeros(0, dtype=bool)
        self._ties = self.households.network.astype(np.int64)
        n = self.households.count
        self._abroad_ties = np.zeros(n, dtype=np.int64)
        self._knowing_ties = np.zeros(n, dtype=np.int64)
        self._had_abroad = np.zeros(n, dtype=bool)
        self._norm = np.zeros(n)
        self._knew = np.zeros(n, dtype=bool)
        degree = self.households.degree
        self._inverse_degree = np.divide(1.0, degree, out=np.zeros_like(degree), where=degree > 0)
        self._calibrate_local_income()
        self.cooperatives = CooperativeArrays.empty(n_villages)
        self._groups = VillageGroups(self.village_offsets)
        self._potential = np.array([POTENTIAL_RETURN_FACTOR[v.potential] for v in self.villages])
        self._events = tuple(scenario.events)
        self._base_failure = monthly_probability(self.params.business.failure_prob_per_year)
        self.effects = ProgrammeEffects(n_villages, self._base_failure)
        self.components = build_components(scenario.components)
        for component in self.components:
            component.setup(self)
        self.conditions: Conditions = self._conditions(1)
        self.village_stats: VillageStats | None = None
        self._risk_events = np.zeros((12, n_villages))
        self.recorder = OutcomeRecorder(self)
        self.tally = self.recorder.new_tally()
        self._agents_enabled = agents
        self._household_agents: list[agent_types.Household] = []
        self._migrant_agents: dict[int, agent_types.Migrant] = {}
        self._cooperative_agents: dict[int, agent_types.Cooperative] = {}
        if agents:
            self._household_agents = [self.household_type(self, i) for i in range(self.households.count)]
            self._create_migrant_agents(np.flatnonzero(self.migrants.status != MigrantStatus.NEVER_LEFT))
        self._broker_accepted = np.zeros(0, dtype=np.int64)
        self._abroad_mask = self.migrants.status == MigrantStatus.ABROAD
        self._abroad = np.flatnonzero(self._abroad_mask)
        self._abroad_route = self.migrants.route[self._abroad]
        self._remitted_last = np.zeros(0, dtype=np.int64)
        self._migrant_households: np.ndarray | None = None
        self._observe_ties()
        initial_applications(self.params, self.households, self.can_send(), self.streams)
        self._decide_schooling(0)
        hh = self.households
        hh.local_income = hh.local_income_pc_base * self.residents()
        self._account_incomes()
        self.running = True

    # ------------------------------------------------------------------ the month
    def step(self) -> None:
        """Advance one month, in the order of the module docstring."""
        self.month += 1
        self.tally = self.recorder.new_tally()
        self.set_conditions()
        self.pay_wages_abroad()
        self.send_remittances()
        self.allocate_budgets()
        self.run_cooperatives()
        self.run_businesses()
        self.form_intentions()
        self.choose_routes()
        self.depart()
        self.resolve_fates()
        self.run_programme()
        self.recorder.record(self)
        if self.month >= self.horizon:
            self.running = False

    # ------------------------------------------------------------------ phases
    def set_conditions(self) -> None:
        """Phase 0: exogenous conditions and programme effects in force this month."""
        self.conditions = self._conditions(self.month)
        self._migrant_households = None
        if self.components:
            self.effects.reset()
            for component in self.components:
                component.apply_effect(self, self.month)

    def pay_wages_abroad(self) -> None:
        """Phase 1: migrants abroad earn; brokers deduct what is still owed."""
        m, r, c, ab = self.migrants, self.params.remittance, self.conditions, self._abroad
        self._abroad_route = route = m.route[ab]
        wage = remittance_rules.wage_idr(
            route,
            m.destination[ab],
            c.min_wage_myr,
            c.idr_per_myr,
            r.non_procedural_wage_factor,
            r.other_destination_wage_factor,
            c.wage_factor,
        )
        deduction = remittance_rules.broker_deduction(wage, m.broker_debt[ab], r.broker_debt_repayment_share)
        m.broker_debt[ab] -= deduction
        m.wage[ab] = wage - deduction

    def send_remittances(self) -> None:
        """Phase 2: remittances sent, charged, lost and received."""
        m, r, hh, ab = self.migrants, self.params.remittance, self.households, self._abroad
        route = self._abroad_route
        send_prob = np.where(route == Route.PROCEDURAL, r.procedural_send_prob, r.non_procedural_send_prob)
        sends = self.streams.uniform(Stream.REMITTANCE, self.month, ab) < send_prob
        sent = remittance_rules.amount_sent(
            m.wage[ab], m.propensity[ab], self.month - m.departure_month[ab], r.decay_per_year, sends
        )
        lost = self.streams.uniform(Stream.REMITTANCE, self.month, ab, key="loss") < r.informal_loss_prob
        fees, losses = remittance_rules.channel_costs(sent, m.channel[ab], r.formal_fee_share, lost)
        m.remitted[self._remitted_last] = 0.0
        m.remitted[ab] = sent
        self._remitted_last = ab
        owner = m.household[ab]
        hh.remittances_received = np.bincount(owner, weights=sent - fees - losses, minlength=hh.count)
        self.tally.remittances_sent = sent.sum()
        self.tally.fees_and_losses = np.bincount(
            hh.village[owner], weights=fees + losses, minlength=len(self.villages)
        )

    def allocate_budgets(self) -> None:
        """Phase 3: local income and the use of remittances; school enrolment each school year."""
        hh, p = self.households, self.params
        inc, b, cp = p.income, p.budget, p.cooperative
        u = self.streams.uniform(Stream.INCOME, self.month, hh.count)
        hh.local_income = budget_rules.local_income(
            self._resident_income_base(), 1, self.price_index(), u, inc.income_shock_sd
        )
        members = np.flatnonzero(self.active_members()) if self.cooperatives.active.any() else None
        savings_before = hh.savings[members] if members is not None else None
        np.multiply(hh.local_income, 1.0 - inc.local_savings_rate, out=hh.consumption)
        hh.savings += hh.local_income - hh.consumption
        receiving = np.flatnonzero(hh.remittances_received > 0)
        boost = self.effects.boost("productive_share", receiving)
        if members is not None:
            boost = boost + self.active_members()[receiving] * cp.productive_share_boost
        use = budget_rules.allocate_remittances(
            hh.remittances_received[receiving],
            hh.debt[receiving],
            b.consumption,
            b.debt,
            b.education,
            b.housing,
            b.savings,
            b.productive,
            boost,
        )
        hh.debt[receiving] -= use.debt_repaid
        hh.savings[receiving] += use.savings
        hh.consumption[receiving] += use.consumption + use.education + use.housing
        hh.productive_investment.fill(0.0)
        hh.productive_investment[receiving] = use.productive
        hh.business_capital[receiving] += use.productive
        self.tally.productive_from_remittances = use.productive.sum()
        if members is not None:
            # Members deposit the month's savings and a compulsory share of local income.
            compulsory = cp.monthly_deposit_share * hh.local_income[members]
            deposit = hh.savings[members] - savings_before + compulsory
            hh.savings[members] = savings_before
            self.pay_from_budget(members, compulsory)
            hh.coop_deposit[members] += deposit
            self.cooperatives.cash += np.bincount(
                hh.village[members], weights=deposit, minlength=len(self.villages)
            )
        if self.calendar_month() == p.schooling.school_year_start_month:
            self._decide_schooling(self.month)

    def run_cooperatives(self) -> None:
        """Phase 4: deposits earn interest, loans are repaid, default or granted; cooperatives may fold."""
        coops = self.cooperatives
        hh = self.households
        hh.coop_interest = np.zeros(hh.count)
        if coops.exists.any():
            cooperation.operate(self)
            nv = len(self.villages)
            u = self.streams.uniform(Stream.COOPERATIVE, self.month, nv, key="inactivity")
            coops.active &= u >= monthly_probability(self.params.cooperative.inactivity_prob_per_year)
            cooperation.wind_down_inactive(self)

    def run_businesses(self) -> None:
        """Phase 5: business income, failures and wear; then household income and poverty."""
        hh, bp, fx = self.households, self.params.business, self.effects
        firms = np.flatnonzero(hh.business_capital >= bp.min_capital_idr)
        multiplier = self._potential[hh.village[firms]]
        if self.cooperatives.exists.any():
            multiplier = multiplier * (
                1.0 + self.params.cooperative.marketing_uplift * self.active_members()[firms]
            )
        u = self.streams.uniform(Stream.BUSINESS, self.month, firms)
        hh.business_income.fill(0.0)
        hh.business_income[firms] = business_rules.business_income(
            hh.business_capital[firms],
            bp.return_per_month + fx.boost("business_return", firms),
            bp.return_sd,
            u,
            multiplier,
        )
        u_fail = self.streams.uniform(Stream.BUSINESS, self.month, firms, key="failure")
        hh.business_capital[firms[business_rules.failures(u_fail, fx.failure_prob(firms))]] = 0.0
        # Business income is spent and saved like local income.
        earned = hh.business_income[firms]
        hh.consumption[firms] += earned * (1.0 - self.params.income.local_savings_rate)
        hh.savings[firms] += earned * self.params.income.local_savings_rate
        hh.business_capital *= 1.0 - bp.depreciation_per_month
        self._account_incomes()

    def form_intentions(self) -> None:
        """Phase 6: households start or give up aspiring to send a member abroad."""
        hh, mp, r, c = self.households, self.params.migration, self.params.remittance, self.conditions
        expected = (
            r.remit_share
            * c.min_wage_myr
            * c.idr_per_myr
            * r.non_procedural_wage_factor
            * r.non_procedural_send_prob
        )
        attitude = migration_rules.attitude(expected, hh.local_income + hh.business_income)
        norm = self._norm
        index = migration_rules.intention_index(
            attitude,
            norm,
            self.village_stats.deprivation,
            self.perceived_risk(),
            mp.attitude_weight,
            mp.norm_weight,
            mp.deprivation_weight,
            mp.risk_weight,
        )
        p_start = migration_rules.aspiration_probability(index, mp.intention_intercept, mp.intention_slope)
        u = self.streams.uniform(Stream.INTENTION, self.month, hh.count)
        starts = ~hh.aspiring & (u < p_start)
        lapses = hh.aspiring & (u < mp.aspiration_lapse_prob)
        hh.aspiring = ((hh.aspiring & ~lapses) | starts) & self.can_send()

    def choose_routes(self) -> None:
        """Phase 7: procedural applications by those who know how; broker contacts for the rest."""
        hh, mp, fx = self.households, self.params.migration, self.effects
        asp = np.flatnonzero(hh.aspiring)
        village = hh.village[asp]
        cost = mp.procedural_cost_idr * fx.procedural_cost_factor[village] * self.price_index()
        afford = migration_rules.affordability(hh.savings[asp], mp.informal_credit_idr, cost)
        p_apply = migration_rules.application_probability(
            hh.knows_procedure[asp],
            mp.procedural_application_prob,
            afford,
            self.perceived_risk(asp),
            mp.risk_route_weight,
            self.conditions.procedural_application_factor,
        )
        applies = self.streams.uniform(Stream.ROUTE, self.month, asp) < p_apply
        who, cost = asp[applies], cost[applies]
        paid = np.minimum(np.maximum(hh.savings[who], 0.0), cost)
        hh.savings[who] -= paid
        hh.debt[who] += cost - paid
        span = mp.procedural_wait_months_max - mp.procedural_wait_months_min + 1
        u_wait = self.streams.uniform(Stream.ROUTE, self.month, who, key="wait")
        wait = (mp.procedural_wait_months_min + np.floor(u_wait * span)) * fx.wait_factor[village[applies]]
        hh.wait_months_left[who] = np.rint(wait).astype(np.int64)
        hh.aspiring[who] = False
        rest = asp[~applies]
        contact = self.streams.uniform(Stream.BROKER, self.month, rest)
        self._broker_accepted = rest[
            contact < mp.broker_contact_prob * fx.broker_contact_factor[hh.village[rest]]
        ]

    def depart(self) -> None:
        """Phase 8: departures by the procedural and the non-procedural route."""
        hh, r, ab = self.households, self.params.remittance, self.params.abroad
        ready = np.flatnonzero(hh.wait_months_left == 0)
        candidates = np.concatenate([ready, self._broker_accepted])
        is_np = np.r_[np.zeros(ready.size, dtype=bool), np.ones(self._broker_accepted.size, dtype=bool)]
        open_border = (
            self.streams.uniform(Stream.DEPARTURE, self.month, candidates) < self.conditions.departure_factor
        )
        able = self._free_count(candidates) > 0
        able &= self.residents()[candidates] >= 2
        go = open_border & able
        households, is_np = candidates[go], is_np[go]
        hh.wait_months_left[households[~is_np]] = -1
        hh.wait_months_left[hh.wait_months_left > 0] -= 1
        hh.aspiring[households] = False
        nv = len(self.villages)
        villages = hh.village[households]
        self.tally.departures_np = np.bincount(villages[is_np], minlength=nv)
        self.tally.departures_p = np.bincount(villages[~is_np], minlength=nv)
        if households.size == 0:
            return
        slots = self._free_slot(households)
        new_people = slots[self.migrants.status[slots] == MigrantStatus.NEVER_LEFT]
        was_home = self.migrants.status[slots] != MigrantStatus.NEVER_LEFT
        u_dest = self.streams.uniform(Stream.DEPARTURE, self.month, households, key="destination")
        u_channel = self.streams.uniform(Stream.DEPARTURE, self.month, households, key="channel")
        m = self.migrants
        m.status[slots] = MigrantStatus.ABROAD
        self._abroad_mask[slots] = True
        m.route[slots] = np.where(is_np, Route.NON_PROCEDURAL, Route.PROCEDURAL)
        m.destination[slots] = np.where(u_dest < r.malaysia_share, Destination.MALAYSIA, Destination.OTHER)
        informal = np.where(
            is_np, u_channel < r.non_procedural_informal_share, u_channel >= r.procedural_formal_share
        )
        m.channel[slots] = np.where(informal, Channel.INFORMAL, Channel.FORMAL)
        m.departure_month[slots] = self.month
        m.contract_end_month[slots] = self.month + np.where(is_np, 0, ab.contract_months)
        m.broker_debt[slots] = np.where(is_np, r.broker_debt_idr, 0.0)
        m.trips[slots] += 1
        hh.abroad_count[households] += 1
        self._migrant_households = None
        np.subtract.at(hh.returnee_count, households[was_home], 1)
        self._residents = self._income_base = None
        hh.savings[households[is_np]] += r.sirih_pinang_idr
        self._create_migrant_agents(new_people)

    def resolve_fates(self) -> None:
        """Phase 9: deaths, deportations and returns; returnees share what they know."""
        m, hh, ab, c = self.migrants, self.households, self.params.abroad, self.conditions
        at_risk = self._abroad[m.departure_month[self._abroad] < self.month]
        fate = abroad_rules.fates(
            m.route[at_risk],
            m.contract_end_month[at_risk] - self.month,
            self.streams.uniform(Stream.FATE, self.month, at_risk),
            self.streams.uniform(Stream.FATE, self.month, at_risk, key="renewal"),
            monthly_probability(ab.death_prob_non_procedural_per_year),
            monthly_probability(ab.death_prob_procedural_per_year),
            monthly_probability(ab.deportation_prob_per_year),
            1.0 / ab.non_procedural_mean_months_abroad,
            ab.contract_renewal_prob,
            c.return_multiplier,
        )
        dies = at_risk[fate == abroad_rules.Fate.DIES]
        deported = at_risk[fate == abroad_rules.Fate.DEPORTED]
        returns = at_risk[fate == abroad_rules.Fate.RETURNS]
        m.status[dies] = MigrantStatus.DEAD
        m.status[deported] = MigrantStatus.DEPORTED
        m.status[returns] = MigrantStatus.RETURNED
        m.contract_end_month[at_risk[fate == abroad_rules.Fate.RENEWS]] = self.month + ab.contract_months
        home = np.concatenate([dies, deported, returns])
        m.broker_debt[home] = 0.0
        m.wage[home] = 0.0
        np.subtract.at(hh.abroad_count, m.household[home], 1)
        np.subtract.at(hh.size, m.household[dies], 1)
        np.add.at(hh.dead_count, m.household[dies], 1)
        np.add.at(hh.returnee_count, m.household[np.concatenate([deported, returns])], 1)
        self._migrant_households = None
        self._residents = self._income_base = None
        hh.knows_procedure[m.household[returns[m.route[returns] == Route.PROCEDURAL]]] = True
        nv = len(self.villages)
        self.tally.deaths = np.bincount(hh.village[m.household[dies]], minlength=nv)
        self.tally.deportations = np.bincount(hh.village[m.household[deported]], minlength=nv)
        self.tally.returns = np.bincount(hh.village[m.household[returns]], minlength=nv)
        self._risk_events[self.month % 12] = self.tally.deaths + self.tally.deportations
        self._abroad_mask[home] = False
        self._abroad = np.flatnonzero(self._abroad_mask)
        self._share_knowledge()

    def run_programme(self) -> None:
        """Phase 10: the programme components act and their costs are booked."""
        cost = np.zeros(len(self.villages))
        for component in self.components:
            cost += component.book(component.act(self, self.month))
        self.membership_changed()
        self.tally.programme_cost = cost
        if self._agents_enabled:
            for v in np.flatnonzero(self.cooperatives.exists):
                if v not in self._cooperative_agents:
                    self._cooperative_agents[v] = self.cooperative_type(self, int(v))

    # ------------------------------------------------------------------ helpers
    def _calibrate_local_income(self) -> None:
        """Scale local incomes so that the first month's poverty share matches the ledger."""
        hh, inc = self.households, self.params.income
        remittance_pc = expected_first_remittances(self.params, hh, self.migrants) / self.residents()
        factor = scale_to_poverty_share(
            hh.local_income_pc_base, remittance_pc, inc.poverty_line_idr_per_capita_month, inc.poor_share
        )
        hh.local_income_pc_base *= factor
        # Savings were drawn in months of (unscaled, whole-household) local income: rescale them.
        hh.savings *= factor * self.residents() / hh.size

    def _conditions(self, month: int) -> Conditions:
        r = self.params.remittance
        absolute = parse_year_month(self.start) + month - 1
        return conditions_at(self._events, absolute, r.min_wage_myr_per_month, r.exchange_rate_idr_per_myr)

    def calendar_month(self) -> int:
        """Calendar month (1-12) of the current step."""
        return (parse_year_month(self.start) + max(self.month, 1) - 1) % 12 + 1

    def date(self) -> str:
        """The current month as 'YYYY-MM'."""
        return format_year_month(parse_year_month(self.start) + max(self.month, 1) - 1)

    def price_index(self) -> float:
        """Price level relative to the start month (poverty line and nominal local incomes)."""
        return (1.0 + self.params.income.price_growth_per_year) ** ((max(self.month, 1) - 1) / 12.0)

    def poverty_line(self) -> float:
        """Poverty line this month, IDR per person per month."""
        return self.params.income.poverty_line_idr_per_capita_month * self.price_index()

    def _per_village(self, values: np.ndarray) -> np.ndarray:
        """Sum of a household array over each village (villages are contiguous blocks)."""
        if self._groups.equal:
            return values.reshape(len(self.villages), -1).sum(axis=1, dtype=np.float64)
        return np.add.reduceat(np.asarray(values, dtype=np.float64), self.village_offsets[:-1])

    def abroad_slots(self) -> np.ndarray:
        """Migrant slots whose person is abroad (after this month's departures and returns)."""
        return self._abroad

    def _resident_income_base(self) -> np.ndarray:
        """Local income at start prices of each household's residents (cached with ``residents``)."""
        if self._income_base is None:
            self._income_base = self.households.local_income_pc_base * self.residents()
        return self._income_base

    def residents(self) -> np.ndarray:
        """Members living at home (at least one); cached until someone leaves, returns or dies."""
        if self._residents is None:
            hh = self.households
            self._residents = np.maximum(hh.size - hh.abroad_count, 1)
        return self._residents

    def migrant_households(self) -> np.ndarray:
        """Households with a living member abroad or back from abroad (cached for the month)."""
        if self._migrant_households is None:
            hh = self.households
            self._migrant_households = (hh.abroad_count + hh.returnee_count) > 0
        return self._migrant_households

    def _free_count(self, households: np.ndarray | slice = slice(None)) -> np.ndarray:
        """Migrant slots free for a departure (not abroad, not dead)."""
        hh = self.households
        return self._k - hh.abroad_count[households] - hh.dead_count[households]

    def can_send(self) -> np.ndarray:
        """Households able to send a member: two or more at home, a free slot, no application pending."""
        hh = self.households
        return (self._free_count() > 0) & (self.residents() >= 2) & (hh.wait_months_left < 0)

    def _free_slot(self, households: np.ndarray) -> np.ndarray:
        """The slot each departing household uses: a former migrant first, else a new person."""
        status = self.migrants.status.reshape(self.households.count, self._k)[households]
        rank = np.where((status == MigrantStatus.RETURNED) | (status == MigrantStatus.DEPORTED), 0, 2)
        rank = np.where(status == MigrantStatus.NEVER_LEFT, 1, rank)
        return households * self._k + np.argmin(rank, axis=1)

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

    def perceived_risk(self, households: np.ndarray | slice = slice(None)) -> np.ndarray:
        """Perceived risk of migrating of the given households (all by default).

        It grows with the recent deaths and deportations of migrants from the household's village.
        """
        recent = self._risk_events.sum(axis=0)
        return migration_rules.perceived_risk(recent, self.params.migration.risk_per_event)[
            self.households.village[households]
        ]

    def _account_incomes(self) -> None:
        hh = self.households
        hh.income = hh.local_income + hh.business_income
        hh.income += hh.remittances_received
        if self.cooperatives.exists.any():
            hh.income += hh.coop_interest
        hh.income_per_capita = hh.income / self.residents()
        hh.poor = hh.income_per_capita < self.poverty_line()
        self.village_stats = self._groups.stats(hh.income_per_capita)

    def pay_from_budget(self, households: np.ndarray, amount: np.ndarray) -> None:
        """Pay a committed amount (loan instalment, compulsory deposit) out of this month's budget.

        It comes out of consumption first, then savings; what is still missing becomes debt.
        """
        hh = self.households
        from_consumption = np.minimum(amount, np.maximum(hh.consumption[households], 0.0))
        hh.consumption[households] -= from_consumption
        rest = amount - from_consumption
        from_savings = np.minimum(rest, np.maximum(hh.savings[households], 0.0))
        hh.savings[households] -= from_savings
        hh.debt[households] += rest - from_savings

    def _decide_schooling(self, month: int) -> None:
        """Enrol each child for the school year (one draw per household and child)."""
        hh, sp = self.households, self.params.schooling
        p = (
            sp.attendance_prob
            - sp.left_behind_penalty * (hh.abroad_count > 0)
            + self.effects.boost("school_attendance", slice(None))
        )
        p = np.clip(p, 0.0, 1.0)
        in_school = np.zeros(hh.count, dtype=np.int64)
        for child in range(sp.max_children):
            has = np.flatnonzero(hh.children > child)
            u = self.streams.uniform(Stream.SCHOOLING, month, has, key=f"child{child}")
            in_school[has] += u < p[has]
        hh.children_in_school = in_school
        self.school_totals = (self._per_village(in_school), self._per_village(hh.children))

    def _observe_ties(self) -> None:
        """Count each household's ties with a member abroad and ties that know the procedure.

        Called once a month after returns. Only households whose trait changed since the last call
        update their neighbours' counts (ties are symmetric), so the counts stay exactly what a full
        pass over the network would give at a fraction of the cost. The share of ties with a member
        abroad is next month's subjective norm; the share that knows drives learning from ties.
        """
        hh = self.households
        touched = migration_rules.update_tie_counts(
            self._ties, self._abroad_ties, self._had_abroad, hh.abroad_count > 0
        )
        self._norm[touched] = migration_rules.subjective_norm(
            self._abroad_ties[touched], self._inverse_degree[touched]
        )
        migration_rules.update_tie_counts(self._ties, self._knowing_ties, self._knew, hh.knows_procedure)

    def _share_knowledge(self) -> None:
        """Households learn the procedure from ties who know it, and knowledge goes out of date."""
        hh, mp = self.households, self.params.migration
        self._observe_ties()
        knows = hh.knows_procedure
        u = self.streams.uniform(Stream.KNOWLEDGE, self.month, hh.count)
        learns = migration_rules.learns_from_ties(
            u, hh.degree, self._knowing_ties, mp.knowledge_learning_prob
        )
        learners = np.flatnonzero(learns & ~knows)
        knowers = np.flatnonzero(knows)
        u = self.streams.uniform(Stream.KNOWLEDGE, self.month, knowers, key="forget")
        knows[knowers[u < mp.knowledge_forgetting_prob]] = False
        knows[learners] = True

    def _create_migrant_agents(self, slots: np.ndarray) -> None:
        if not self._agents_enabled:
            return
        for slot in slots.tolist():
            if slot not in self._migrant_agents:
                self._migrant_agents[slot] = self.migrant_type(self, slot)

    # ------------------------------------------------------------------ public views
    @property
    def cooperative_agents(self) -> list[agent_types.Cooperative]:
        """Cooperative agents of the villages where one was founded, in village order."""
        return [self._cooperative_agents[v] for v in sorted(self._cooperative_agents)]

    @property
    def household_agents(self) -> list[agent_types.Household]:
        """Household agents in slot order."""
        return self._household_agents

    def migrant_agent(self, slot: int) -> agent_types.Migrant | None:
        """The Migrant agent of a migrant slot, if that person has ever left."""
        return self._migrant_agents.get(int(slot))

    def village_table(self) -> pd.DataFrame:
        """The villages: regency, local potential, households and the programme components there."""
        rows = []
        for v, info in enumerate(self.villages):
            rows.append(
                {
                    "village": info.name,
                    "regency": info.regency,
                    "potential": str(info.potential),
                    "households": int(self.village_offsets[v + 1] - self.village_offsets[v]),
                    "components": ", ".join(c.key for c in self.components if c.village_mask[v]),
                    "cooperative_active": bool(self.cooperatives.active[v]),
                }
            )
        return pd.DataFrame(rows)

    def run(self, months: int | None = None) -> pd.DataFrame:
        """Step to the horizon (or ``months`` more months) and return the outcome table."""
        steps = self.horizon - self.month if months is None else months
        for _ in range(steps):
            self.step()
        return self.timeseries()

    def timeseries(self) -> pd.DataFrame:
        """Outcomes so far: one row per month and village, plus pooled rows (village ``ALL``)."""
        return self.recorder.to_frame()


def resolve_engine(scenario: Scenario | None, engine: str | None) -> Engine:
    """The engine to run: ``engine`` if given, else the scenario's ``run.engine`` (kind error otherwise)."""
    chosen = engine if engine is not None else (scenario.run.engine if scenario is not None else "vectorised")
    if chosen not in ENGINES:
        raise ValueError(f"engine {chosen!r} is not known; allowed: {', '.join(map(repr, ENGINES))}")
    return chosen  # type: ignore[return-value]
