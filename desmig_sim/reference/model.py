"""The reference engine: the same model, each agent stepping on its own in plain Python.

:class:`ReferenceModel` runs the monthly phases of :class:`~desmig_sim.model.DesmigratifModel` in
the same order (the step plan :data:`~desmig_sim.model.desmigratif_model.MONTH_PLAN`, run by the
inherited :meth:`~desmig_sim.model.DesmigratifModel.step`), but
each phase is a loop over agents: ``for household in households: household.budget(...)``. The
agents' verbs (:mod:`.household`, :mod:`.migrant`, :mod:`.cooperative`) are short functions over
one agent's numbers that call the **same** rule functions (:mod:`desmig_sim.rules`) and read the
**same** named random streams at the agent's slot: a whole-population draw is made once a month
and read at index ``slot``; a counter-based draw is computed for that slot alone.

What stays shared with the vectorised engine: building the world (month 0), the exogenous
conditions and the programme components (phases 0 and 10 act on whole villages), and the outcome
table (computed from the agents' state the same way). A test
(``tests/test_reference_engine.py``) checks that both engines give the same table.
"""

from __future__ import annotations

import numpy as np

from desmig_sim.config.scenario import Engine, Scenario
from desmig_sim.core.enums import MigrantStatus
from desmig_sim.core.streams import Stream
from desmig_sim.model.desmigratif_model import DesmigratifModel
from desmig_sim.reference.cooperative import Cooperative
from desmig_sim.reference.household import Household
from desmig_sim.reference.migrant import Migrant
from desmig_sim.reference.village import village_statistics
from desmig_sim.rules import migration as migration_rules
from desmig_sim.rules.abroad import Fate


class ReferenceModel(DesmigratifModel):
    """The Desmigratif model with per-agent phases (slow, readable; same results).

    A month (the inherited :meth:`~desmig_sim.model.DesmigratifModel.step`), phase by phase:

    0. Conditions and programme effects (shared with the vectorised engine).
    1. ``for migrant in migrants_abroad: migrant.earn_wage()``
    2. ``for migrant in migrants_abroad: migrant.send_remittance()``
    3. ``for household in households: household.budget(...)``; each school year
       ``household.decide_schooling(...)``.
    4. ``for cooperative in cooperatives: cooperative.operate()``, then
       ``maybe_become_inactive(...)`` and ``wind_down()``.
    5. ``for household in households: household.invest_returnee_savings()``; the village markets
       (:meth:`_village_market`); then ``for household in households: household.run_business(...)``,
       then
       ``household.account_income(...)``; then the village statistics (:mod:`.village`).
    6. ``for household in households: household.form_intention(...)``
    7. ``for household in aspiring households: household.choose_route(...)``; then each
       household still reachable ``meet_broker(...)`` with its regency's contact probability.
    8. ``for household in ready and brokered households: household.depart(...)``, then
       ``household.count_down_wait()`` for all.
    9. ``for migrant in migrants_abroad: migrant.face_risks()``; then every household
       ``observe_ties()``, and then every household ``update_knowledge(...)``.
    10. Programme actions (shared with the vectorised engine).

    Args:
        scenario: The scenario to run (built-in defaults when omitted).
        seed: Root seed; the scenario's ``run.seed`` when omitted.
        agents: Ignored: the reference engine always has its agents.
        engine: ``"reference"`` or omitted.
    """

    engine: Engine = "reference"
    household_type = Household
    migrant_type = Migrant
    cooperative_type = Cooperative

    def __init__(
        self,
        scenario: Scenario | None = None,
        *,
        seed: int | None = None,
        agents: bool = True,
        engine: Engine | None = None,
    ) -> None:
        super().__init__(scenario, seed=seed, agents=True, engine=engine)
        self.migrant_slots_per_household = self.world.k
        network = self.households.network
        for household in self._household_agents:
            household.tie_slots = network.indices[
                network.indptr[household.slot] : network.indptr[household.slot + 1]
            ].tolist()
        self._villages = [
            self._household_agents[lo:hi]
            for lo, hi in zip(self.village_offsets[:-1], self.village_offsets[1:], strict=True)
        ]

    # ------------------------------------------------------------------ helpers for the agents
    def draw(self, stream: Stream, slot: int, key: str = "", month: int | None = None) -> float:
        """The counter-based draw of one agent slot (the same number the vectorised engine draws)."""
        month = self.month if month is None else month
        return float(self.streams.uniform(stream, month, np.array([slot], dtype=np.int64), key=key)[0])

    def village_households(self, village: int) -> list[Household]:
        """The households of a village, in slot order."""
        return self._villages[village]

    def local_potential(self, village: int) -> float:
        """Business-income multiplier of a village's local potential."""
        return self.world.potential[village]

    def migrant_leaving(self, household: Household) -> Migrant:
        """The member who leaves next: a former migrant first, else someone who never left."""
        k = self.migrant_slots_per_household
        first = household.slot * k
        statuses = [int(s) for s in self.migrants.status[first : first + k]]
        for wanted in ((MigrantStatus.RETURNED, MigrantStatus.DEPORTED), (MigrantStatus.NEVER_LEFT,)):
            for i, status in enumerate(statuses):
                if status in wanted:
                    slot = first + i
                    if slot not in self._migrant_agents:
                        self._migrant_agents[slot] = self.migrant_type(self, slot)
                    return self._migrant_agents[slot]
        raise RuntimeError(f"household {household.slot} has no member free to leave")

    def note_abroad(self, slot: int, abroad: bool) -> None:
        """Keep the list of migrants abroad (read by the outcome table) and the cached counts up to date."""
        world = self.world
        world.abroad_mask[slot] = abroad
        world.residents_changed()
        world.migration_changed()

    def migrants_abroad(self) -> list[Migrant]:
        """Migrants abroad, in slot order."""
        return [self._migrant_agents[s] for s in self.world.abroad.tolist()]

    # ------------------------------------------------------------------ phases
    def pay_wages_abroad(self) -> None:
        """Phase 1: each migrant abroad earns."""
        for migrant in self.migrants_abroad():
            migrant.earn_wage()

    def send_remittances(self) -> None:
        """Phase 2: each migrant abroad perhaps sends money home."""
        for household in self._household_agents:
            household.remittances_received = 0.0
        for slot in self.world.remitted_last.tolist():
            self._migrant_agents[slot].remitted = 0.0
        self.world.remitted_last = self.world.abroad
        self.world.tally.fees_and_losses = np.zeros(len(self.villages))
        sent_total = 0.0
        for migrant in self.migrants_abroad():
            sent, fees_and_losses = migrant.send_remittance()
            sent_total += sent
            self.world.tally.fees_and_losses[migrant.home.village_index] += fees_and_losses
        self.world.tally.remittances_sent = sent_total

    def allocate_budgets(self) -> None:
        """Phase 3: each household budgets; members' deposits go to the cooperative; schooling."""
        u = self.streams.uniform(Stream.INCOME, self.month, self.households.count)
        cooperatives_open = bool(self.cooperatives.active.any())
        income_level = self.world.local_income_level()
        smoothing = self.world.harvest_smoothing()
        for village, households in enumerate(self._villages):
            deposits = 0.0
            for household in households:
                deposits += household.budget(u[household.slot], income_level, smoothing, cooperatives_open)
            if cooperatives_open:
                self.cooperatives.cash[village] += deposits
        if self.world.calendar_month() == self.params.schooling.school_year_start_month:
            for household in self._household_agents:
                household.decide_schooling(self.month)
            self.world.school_totals = (
                np.array([float(sum(h.children_in_school for h in hs)) for hs in self._villages]),
                np.array([float(sum(h.children for h in hs)) for hs in self._villages]),
            )

    def run_cooperatives(self) -> None:
        """Phase 4: each cooperative operates; some become inactive and wind down."""
        for household in self._household_agents:
            household.coop_interest = 0.0
            household.coop_loan_interest = 0.0
            household.coop_dividend = 0.0
        if not self.cooperatives.exists.any():
            return
        for cooperative in self.cooperative_agents:
            cooperative.operate()
        u = self.streams.uniform(Stream.COOPERATIVE, self.month, len(self.villages), key="inactivity")
        for cooperative in self.cooperative_agents:
            cooperative.maybe_become_inactive(u[cooperative.village_index])
        for cooperative in self.cooperative_agents:
            cooperative.wind_down()
        if self.world.calendar_month() == self.params.cooperative.surplus_month:
            for cooperative in self.cooperative_agents:
                cooperative.share_surplus()

    def run_businesses(self) -> None:
        """Phase 5: each household's business; then incomes, poverty and village statistics."""
        cooperatives_exist = bool(self.cooperatives.exists.any())
        for household in self._household_agents:
            household.invest_returnee_savings()
        demand = self.world.business_demand(*self._village_market())
        for household in self._household_agents:
            household.run_business(cooperatives_exist, float(demand[household.village_index]))
        poverty_line = self.world.poverty_line()
        for household in self._household_agents:
            household.account_income(poverty_line)
        self.world.village_stats = village_statistics(
            [[h.income_per_capita for h in households] for households in self._villages]
        )

    def form_intentions(self) -> None:
        """Phase 6: each household starts or gives up aspiring to send a member abroad."""
        r, c = self.params.remittance, self.conditions
        expected = (
            r.remit_share
            * c.min_wage_myr
            * c.idr_per_myr
            * r.non_procedural_wage_factor
            * r.non_procedural_send_prob
        )
        u = self.streams.uniform(Stream.INTENTION, self.month, self.households.count)
        deprivation = self.world.village_stats.deprivation
        for village, households in enumerate(self._villages):
            risk = self.village_risk(village)
            for household in households:
                household.form_intention(u[household.slot], expected, deprivation[household.slot], risk)

    def choose_routes(self) -> np.ndarray:
        """Phase 7: each aspiring household applies for the procedural route or meets a broker.

        The applications come first: the regency's brokers redirect part of the effort they lost
        to them to the households still reachable (``broker_contact_probability``).

        Returns:
            The households that accepted a broker's offer.
        """
        regency = self.world.regency
        lost = np.zeros(regency.max() + 1, dtype=np.int64)
        reachable = np.zeros_like(lost)
        still_reachable = []
        for village, households in enumerate(self._villages):
            risk = self.village_risk(village)
            for household in households:
                if household.aspiring:
                    if household.choose_route(risk):
                        still_reachable.append(household)
                        reachable[regency[village]] += 1
                    else:
                        lost[regency[village]] += 1
        mp = self.params.migration
        contact_prob = migration_rules.broker_contact_probability(
            mp.broker_contact_prob, mp.broker_displacement, lost, reachable
        )
        accepted = [
            h.slot for h in still_reachable if h.meet_broker(float(contact_prob[regency[h.village_index]]))
        ]
        return np.array(accepted, dtype=np.int64)

    def depart(self, broker_accepted: np.ndarray) -> None:
        """Phase 8: households whose wait is over, then those who accepted a broker, send a member."""
        nv = len(self.villages)
        self.world.tally.departures_p = np.zeros(nv, dtype=np.int64)
        self.world.tally.departures_np = np.zeros(nv, dtype=np.int64)
        ready = [h for h in self._household_agents if h.wait_months_left == 0]
        brokered = [self._household_agents[s] for s in broker_accepted.tolist()]
        for household, by_broker in [(h, False) for h in ready] + [(h, True) for h in brokered]:
            migrant = household.depart(by_broker)
            if migrant is None:
                continue
            village = household.village_index
            if by_broker:
                self.world.tally.departures_np[village] += 1
            else:
                self.world.tally.departures_p[village] += 1
            self.world.tally.count_departures(village, by_broker, migrant.sex)
        for household in self._household_agents:
            household.count_down_wait()

    def resolve_fates(self) -> None:
        """Phase 9: each migrant abroad faces the risks; then households learn from their ties."""
        nv = len(self.villages)
        counts = {fate: np.zeros(nv, dtype=np.int64) for fate in ("deaths", "deportations", "returns")}
        for migrant in self.migrants_abroad():
            if migrant.departure_month >= self.month:
                continue  # left this month
            fate = migrant.face_risks()
            name = {1: "deaths", 2: "deportations", 3: "returns"}.get(int(fate))
            if name is not None:
                counts[name][migrant.home.village_index] += 1
            if fate == Fate.DIES:
                self.world.tally.count_deaths(migrant.home.village_index, migrant.sex)
        self.world.tally.deaths, self.world.tally.deportations, self.world.tally.returns = (
            counts["deaths"],
            counts["deportations"],
            counts["returns"],
        )
        self.world.risk_events[self.month % 12] = self.world.tally.deaths + self.world.tally.deportations
        self.world.abroad = np.flatnonzero(self.world.abroad_mask)
        self._share_knowledge()

    def _share_knowledge(self) -> None:
        """Every household counts its ties first; then each learns or forgets (a synchronous update)."""
        for household in self._household_agents:
            household.observe_ties()
        u = self.streams.uniform(Stream.KNOWLEDGE, self.month, self.households.count)
        for household in self._household_agents:
            household.update_knowledge(u[household.slot])

    # ------------------------------------------------------------------ village level
    def _village_market(self) -> tuple[np.ndarray, np.ndarray]:
        """Each village's consumption so far this month and its active businesses (slot order)."""
        min_capital = self.params.business.min_capital_idr
        consumption = np.zeros(len(self.villages))
        businesses = np.zeros(len(self.villages), dtype=np.int64)
        for village, households in enumerate(self._villages):
            spent, firms = 0.0, 0
            for household in households:
                spent += household.consumption
                firms += household.business_capital >= min_capital
            consumption[village], businesses[village] = spent, firms
        return consumption, businesses

    def village_risk(self, village: int) -> float:
        """Perceived risk of migrating in a village: its deaths and deportations over the last 12 months."""
        recent = 0.0
        for month_events in self.world.risk_events:
            recent += month_events[village]
        return float(migration_rules.perceived_risk(recent, self.params.migration.risk_per_event))
