"""The Desmigratif model: households, migrant workers and cooperatives in NTT villages (Mesa 3).

One step is one month. The monthly order is written once, as data: :data:`MONTH_PLAN`, the phases
that :meth:`DesmigratifModel.step` runs in turn (the reference engine follows the same plan with
per-agent versions of the phase methods). The plan:

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

A phase hands what a later phase needs on as its return value (the plan names who needs it: the
households that accepted a broker go from route choice to departures). The state of the run lives
in one :class:`~desmig_sim.model.world.World` (arrays, conditions, effects, cached views);
the vectorised phases are functions over it (:mod:`desmig_sim.model.phases`).
:class:`DesmigratifModel` is the thin Mesa face: it owns the World, the programme components, the
outcome recorder and the agents :class:`~desmig_sim.model.agents.Household`,
:class:`~desmig_sim.model.agents.Migrant` and :class:`~desmig_sim.model.agents.Cooperative`, views
onto the arrays.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from mesa import Model

from desmig_sim.config.events import Conditions
from desmig_sim.config.parameters import Parameters
from desmig_sim.config.scenario import ENGINES, Engine, Scenario, default_scenario
from desmig_sim.core.enums import MigrantStatus
from desmig_sim.core.streams import RandomStreams
from desmig_sim.model import agents as agent_types
from desmig_sim.model import phases
from desmig_sim.model.components import ProgrammeComponent, build_components
from desmig_sim.model.effects import ProgrammeEffects
from desmig_sim.model.outcomes import OutcomeRecorder
from desmig_sim.model.state import CooperativeArrays, HouseholdArrays, MigrantArrays
from desmig_sim.model.world import World


@dataclass(frozen=True)
class Phase:
    """One phase of the month: its name, the engine method that runs it, and what it needs.

    Attributes:
        name: The phase's name (the key of its return value for later phases).
        method: Name of the engine's method that runs the phase (the reference engine overrides
            the same methods with per-agent loops).
        needs: Names of earlier phases whose return values are passed to the method, in order.
    """

    name: str
    method: str
    needs: tuple[str, ...] = ()


#: The month, in order (see the module docstring).
MONTH_PLAN: tuple[Phase, ...] = (
    Phase("conditions", "set_conditions"),
    Phase("wages", "pay_wages_abroad"),
    Phase("remittances", "send_remittances"),
    Phase("budgets", "allocate_budgets"),
    Phase("cooperatives", "run_cooperatives"),
    Phase("businesses", "run_businesses"),
    Phase("intentions", "form_intentions"),
    Phase("routes", "choose_routes"),
    Phase("departures", "depart", needs=("routes",)),
    Phase("fates", "resolve_fates"),
    Phase("programme", "run_programme"),
)


class DesmigratifModel(Model):
    """Villages of the Desmigratif programme, advancing one month per :meth:`step`.

    Args:
        scenario: The scenario to run; the built-in defaults (NTT 2017 cohort, no programme)
            when omitted.
        seed: Root seed; the scenario's ``run.seed`` when omitted.
        agents: Whether to create the Mesa agent objects (the views onto the arrays). Switching
            them off changes no result; it saves time and memory in very large batch runs.
        engine: ``"vectorised"`` or omitted. The reference engine is its own class,
            :class:`desmig_sim.ReferenceModel`; :func:`desmig_sim.build_model` picks the class
            from the scenario's ``run.engine``.

    Attributes:
        world: The state of the run (:class:`~desmig_sim.model.world.World`).
        components: The programme components that run.
        recorder: The outcome recorder.
    """

    #: The engine that runs the monthly phases.
    engine: Engine = "vectorised"
    #: Agent classes created for households, migrants and cooperatives (the reference engine
    #: uses subclasses that carry the per-agent monthly verbs).
    household_type: type[agent_types.Household] = agent_types.Household
    migrant_type: type[agent_types.Migrant] = agent_types.Migrant
    cooperative_type: type[agent_types.Cooperative] = agent_types.Cooperative

    def __init__(
        self,
        scenario: Scenario | None = None,
        *,
        seed: int | None = None,
        agents: bool = True,
        engine: Engine | None = None,
    ) -> None:
        if engine is not None and engine != self.engine:
            hint = (
                "use desmig_sim.ReferenceModel(scenario) or "
                "desmig_sim.build_model(scenario, engine='reference')"
                if engine == "reference"
                else f"allowed: {', '.join(map(repr, ENGINES))}"
            )
            raise ValueError(f"{type(self).__name__} runs the {self.engine!r} engine, not {engine!r}: {hint}")
        scenario = scenario if scenario is not None else default_scenario()
        seed = scenario.run.seed if seed is None else int(seed)
        super().__init__(rng=seed)
        self.scenario = scenario
        self.seed = seed
        self.world = World.build(scenario, seed)
        self.components: list[ProgrammeComponent] = build_components(scenario.components)
        for component in self.components:
            component.setup(self.world)
        self.recorder = OutcomeRecorder(self.world)
        self._agents_enabled = agents
        self._household_agents: list[agent_types.Household] = []
        self._migrant_agents: dict[int, agent_types.Migrant] = {}
        self._cooperative_agents: dict[int, agent_types.Cooperative] = {}
        if agents:
            self._household_agents = [
                self.household_type(self, i) for i in range(self.world.households.count)
            ]
            self._create_migrant_agents(
                np.flatnonzero(self.world.migrants.status != MigrantStatus.NEVER_LEFT)
            )
        self.running = True

    # ------------------------------------------------------------------ the month
    def step(self) -> None:
        """Advance one month: run the phases of :data:`MONTH_PLAN` in turn, then record the outcomes."""
        world = self.world
        world.month += 1
        world.tally = self.recorder.new_tally()
        done: dict[str, Any] = {}
        for phase in MONTH_PLAN:
            run: Callable[..., Any] = getattr(self, phase.method)
            done[phase.name] = run(*(done[name] for name in phase.needs))
            world.ledger.settle()
        world.ledger.close_month(world.money_stocks())
        self.recorder.record(world)
        if world.month >= world.horizon:
            self.running = False

    # ------------------------------------------------------------------ phases (vectorised)
    def set_conditions(self) -> None:
        """Phase 0: exogenous conditions and programme effects in force this month."""
        phases.set_conditions(self.world, self.components)

    def pay_wages_abroad(self) -> None:
        """Phase 1: migrants abroad earn; brokers deduct what is still owed."""
        phases.pay_wages_abroad(self.world)

    def send_remittances(self) -> None:
        """Phase 2: remittances sent, charged, lost and received."""
        phases.send_remittances(self.world)

    def allocate_budgets(self) -> None:
        """Phase 3: local income and the use of remittances; school enrolment each school year."""
        phases.allocate_budgets(self.world)

    def run_cooperatives(self) -> None:
        """Phase 4: deposits earn interest, loans are repaid, default or granted; cooperatives may fold."""
        phases.run_cooperatives(self.world)

    def run_businesses(self) -> None:
        """Phase 5: business income, failures and wear; then household income and poverty."""
        phases.run_businesses(self.world)

    def form_intentions(self) -> None:
        """Phase 6: households start or give up aspiring to send a member abroad."""
        phases.form_intentions(self.world)

    def choose_routes(self) -> np.ndarray:
        """Phase 7: procedural applications and broker contacts; returns who accepted a broker."""
        return phases.choose_routes(self.world)

    def depart(self, broker_accepted: np.ndarray) -> None:
        """Phase 8: departures: procedural applicants, and ``broker_accepted`` non-procedurally."""
        self._create_migrant_agents(phases.depart(self.world, broker_accepted))

    def resolve_fates(self) -> None:
        """Phase 9: deaths, deportations and returns; returnees share what they know."""
        phases.resolve_fates(self.world)

    def run_programme(self) -> None:
        """Phase 10: the programme components act and their costs are booked."""
        phases.run_programme(self.world, self.components)
        if self._agents_enabled:
            for v in np.flatnonzero(self.world.cooperatives.exists):
                if v not in self._cooperative_agents:
                    self._cooperative_agents[v] = self.cooperative_type(self, int(v))

    def _create_migrant_agents(self, slots: np.ndarray) -> None:
        if not self._agents_enabled:
            return
        for slot in slots.tolist():
            if slot not in self._migrant_agents:
                self._migrant_agents[slot] = self.migrant_type(self, slot)

    # ------------------------------------------------------------------ the world, read through the model
    @property
    def params(self) -> Parameters:
        """The run's parameters."""
        return self.world.params

    @property
    def streams(self) -> RandomStreams:
        """The run's named random streams."""
        return self.world.streams

    @property
    def month(self) -> int:
        """The month just simulated (0 before the first step)."""
        return self.world.month

    @property
    def start(self) -> str:
        """The first simulated month, 'YYYY-MM'."""
        return self.world.start

    @property
    def horizon(self) -> int:
        """Months to simulate."""
        return self.world.horizon

    @property
    def households(self) -> HouseholdArrays:
        """Array state of all households."""
        return self.world.households

    @property
    def migrants(self) -> MigrantArrays:
        """Array state of all migrant slots."""
        return self.world.migrants

    @property
    def cooperatives(self) -> CooperativeArrays:
        """Array state of the village cooperatives."""
        return self.world.cooperatives

    @property
    def villages(self) -> list:
        """The simulated villages (name, regency, potential)."""
        return self.world.villages

    @property
    def village_offsets(self) -> np.ndarray:
        """Start slot of each village's households, plus the total."""
        return self.world.village_offsets

    @property
    def conditions(self) -> Conditions:
        """This month's exogenous conditions."""
        return self.world.conditions

    @property
    def effects(self) -> ProgrammeEffects:
        """This month's programme effects."""
        return self.world.effects

    def date(self) -> str:
        """The current month as 'YYYY-MM'."""
        return self.world.date()

    def active_members(self) -> np.ndarray:
        """Households that are members of an active cooperative (the dashboard's village view reads it)."""
        return self.world.active_members()

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
        for v, info in enumerate(self.world.villages):
            rows.append(
                {
                    "village": info.name,
                    "regency": info.regency,
                    "potential": str(info.potential),
                    "households": int(self.world.village_offsets[v + 1] - self.world.village_offsets[v]),
                    "components": ", ".join(c.key for c in self.components if c.village_mask[v]),
                    "cooperative_active": bool(self.world.cooperatives.active[v]),
                }
            )
        return pd.DataFrame(rows)

    def run(self, months: int | None = None) -> pd.DataFrame:
        """Step to the horizon (or ``months`` more months) and return the outcome table."""
        steps = self.world.horizon - self.world.month if months is None else months
        for _ in range(steps):
            self.step()
        return self.timeseries()

    def ledger(self) -> pd.DataFrame:
        """The money ledger so far: one row per month, village and flow with a non-zero amount.

        Columns: month, date, village, flow, from_account, to_account, amount_idr (see the section
        "Money ledger" of docs/odd.md).
        """
        return self.world.ledger.to_frame(self.world.start, [v.name for v in self.world.villages])

    def ledger_balances(self) -> pd.DataFrame:
        """Each account's opening, inflows, outflows, closing and residual per month and village."""
        return self.world.ledger.balances_frame(self.world.start, [v.name for v in self.world.villages])

    def timeseries(self) -> pd.DataFrame:
        """Outcomes so far: one row per month and village, plus pooled rows (village ``ALL``)."""
        return self.recorder.to_frame()
