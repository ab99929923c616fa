"""A household's month, as plain per-agent Python (the reference engine).

Each method is one household's part of one phase of the month (see :mod:`desmig_sim.model` for
the order). The maths is the same rule functions the vectorised engine applies to all households
at once (:mod:`desmig_sim.rules`), called here for one household; the random draws are the same
named streams read at the household's slot.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from desmig_sim.core.enums import MigrantStatus, Occupation, Route
from desmig_sim.core.streams import Stream
from desmig_sim.model import agents
from desmig_sim.model.agents import _view
from desmig_sim.model.effects import Boost
from desmig_sim.model.ledger import Flow
from desmig_sim.reference.face import ReferenceFace
from desmig_sim.rules import budget as budget_rules
from desmig_sim.rules import business as business_rules
from desmig_sim.rules import migration as migration_rules
from desmig_sim.rules import occupation as occupation_rules
from desmig_sim.rules import selection as selection_rules


def _model_view(name: str, cast: type, doc: str) -> property:
    """A property reading (and writing) ``model.world.ties.<name>[slot]`` (the tie counts the world keeps)."""

    def get(self: Any) -> Any:
        return cast(getattr(self.model.world.ties, name)[self.slot])

    def set_(self: Any, value: Any) -> None:
        getattr(self.model.world.ties, name)[self.slot] = value

    return property(get, set_, doc=doc)


def _one(value: float) -> np.ndarray:
    """``value`` as a length-1 array.

    Rules with ``exp`` or ``**`` are called on arrays so that numpy takes the same code path as
    for the whole population (its scalar and vector routines may differ in the last bit).
    """
    return np.array([value], dtype=float)


class Household(agents.Household):
    """A household that takes its own monthly decisions (reference engine).

    A household's month, phase by phase (every household finishes a phase before the next phase
    starts, because deprivation and norms compare it with its whole village):

    3. :meth:`budget` — earn local income, then use this month's remittances (consumption, debt,
       education, housing, savings, productive investment); members deposit with the cooperative.
       :meth:`decide_schooling` at the start of each school year.
    5. :meth:`invest_returnee_savings` — returnees may invest the savings they brought home;
       :meth:`run_business` — returns, failure and wear of its business; then
       :meth:`account_income` — income, income per resident member, poverty.
    6. :meth:`form_intention` — start or give up aspiring to send a member abroad.
    7. :meth:`choose_route` — apply for the procedural route; else :meth:`meet_broker`.
    8. :meth:`depart` — a member leaves (if the wait is over or a broker was accepted);
       :meth:`count_down_wait`.
    9. :meth:`observe_ties` and :meth:`update_knowledge` — learn (or forget) the procedure.

    Its migrants (:class:`~desmig_sim.reference.migrant.Migrant`) earn, send money home and face
    the risks abroad in phases 1, 2 and 9; its cooperative
    (:class:`~desmig_sim.reference.cooperative.Cooperative`) runs phase 4.
    """

    model: ReferenceFace  # type: ignore[assignment]

    def __init__(self, model: ReferenceFace, slot: int) -> None:
        super().__init__(model, slot)
        self.village_index = int(model.households.village[slot])
        self.tie_slots: list[int] = []

    wait_months_left = _view(
        "households", "wait_months_left", int, "Months until a procedural departure (-1: none)."
    )
    job_offer = _view(
        "households", "job_offer", int, "Occupation of the pending procedural job order (0: none)."
    )
    abroad_count = _view("households", "abroad_count", int, "Members abroad.")
    dead_count = _view("households", "dead_count", int, "Members who died abroad.")
    returnee_count = _view("households", "returnee_count", int, "Former migrants at home.")
    productive_investment = _view("households", "productive_investment", float, "Invested this month, IDR.")
    coop_interest = _view(
        "households", "coop_interest", float, "Interest credited to deposits this month, IDR."
    )
    coop_dividend = _view(
        "households", "coop_dividend", float, "Share of the cooperative's surplus paid, IDR."
    )
    coop_loan_interest = _view(
        "households", "coop_loan_interest", float, "Loan interest paid this month, IDR."
    )
    coop_loan_principal = _view("households", "coop_loan_principal", float, "Original loan, IDR.")
    business_revenue = _view("households", "business_revenue", float, "Business sales this month, IDR.")
    residents_counted = _view("households", "residents_counted", int, "Residents when welfare was measured.")
    local_income_pc_base = _view(
        "households", "local_income_pc_base", float, "Local income per resident at start prices, IDR."
    )
    degree = _view("households", "degree", float, "Number of ties in the village network.")
    norm = _model_view("norm", float, "Share of ties with a member abroad (subjective norm).")
    abroad_ties = _model_view("abroad", int, "Ties with a member abroad.")
    knowing_ties = _model_view("knowing", int, "Ties that know the procedural route.")

    # ------------------------------------------------------------------ what it is
    @property
    def residents(self) -> int:
        """Members living at home (at least one)."""
        return max(self.size - self.abroad_count, 1)

    @property
    def free_migrant_slots(self) -> int:
        """Members who could still leave (slots not abroad and not dead)."""
        return self.model.migrant_slots_per_household - self.abroad_count - self.dead_count

    def can_send(self) -> bool:
        """Able to send a member: two or more at home, a free slot, no application pending."""
        return self.free_migrant_slots > 0 and self.residents >= 2 and self.wait_months_left < 0

    @property
    def is_active_member(self) -> bool:
        """Member of a cooperative that is active."""
        return self.coop_member and bool(self.model.cooperatives.active[self.village_index])

    def receive_remittance(self, amount: float) -> None:
        """Money a migrant sent that arrived (after fees and losses)."""
        self.remittances_received += amount

    def pay(self, amount: float) -> None:
        """Pay a committed amount out of this month's budget: consumption first, then savings, then debt."""
        from_consumption = min(amount, max(self.consumption, 0.0))
        self.consumption -= from_consumption
        rest = amount - from_consumption
        from_savings = min(rest, max(self.savings, 0.0))
        self.savings -= from_savings
        self.debt += rest - from_savings
        self.model.world.ledger.book_one(Flow.INFORMAL_CREDIT, self.village_index, rest - from_savings)

    # ------------------------------------------------------------------ phase 3
    def budget(
        self, u_income: float, income_level: float, smoothing: float, cooperatives_open: bool
    ) -> float:
        """Earn local income and use this month's remittances; returns the cooperative deposit.

        Args:
            u_income: This household's draw of the month's income shock.
            income_level: Local income relative to the base this month (prices, season, drought).
            smoothing: Local income without the harvest cycle over that with it (the harvest store).
            cooperatives_open: Whether any cooperative is active (members deposit and invest more).
        """
        m = self.model
        inc, b, cp = m.params.income, m.params.budget, m.params.cooperative
        self.local_income = float(
            budget_rules.local_income(
                self.local_income_pc_base * self.residents, income_level, u_income, inc.income_shock_sd
            )
        )
        member = cooperatives_open and self.is_active_member
        savings_before = self.savings
        # Local income is consumed, except a saved share; the harvest is stored for the lean months.
        from_income, from_store = budget_rules.consumption_from_local_income(
            self.local_income, self.savings, inc.local_savings_rate, smoothing
        )
        self.savings += self.local_income - float(from_income)
        self.savings -= float(from_store)
        self.consumption = float(from_income) + float(from_store)
        ledger = m.world.ledger
        ledger.book_one(Flow.LOCAL_INCOME, self.village_index, self.local_income)
        self.productive_investment = 0.0
        if self.remittances_received > 0:
            boost = m.effects.boost(Boost.PRODUCTIVE_SHARE, self.slot)
            if cooperatives_open:
                boost = boost + member * cp.productive_share_boost
            use = budget_rules.allocate_remittances(
                self.remittances_received,
                self.debt,
                b.consumption,
                b.debt,
                b.education,
                b.housing,
                b.savings,
                b.productive,
                boost,
                budget_rules.consumption_gap(
                    self.consumption, self.residents, b.need_poverty_lines * m.world.poverty_line()
                ),
            )
            self.debt -= float(use.debt_repaid)
            self.savings += float(use.savings)
            self.consumption += float(use.consumption + use.education + use.housing)
            self.productive_investment = float(use.productive)
            self.business_capital += float(use.productive)
            m.world.tally.productive_from_remittances += float(use.productive)
            m.world.tally.invested_remittances[self.village_index] += float(use.productive)
            ledger.book_one(Flow.BUSINESS_INVESTMENT, self.village_index, float(use.productive))
            ledger.book_one(Flow.DEBT_REPAYMENT, self.village_index, float(use.debt_repaid))
        if not member:
            return 0.0
        # Members deposit the month's savings and a compulsory share of local income.
        compulsory = cp.monthly_deposit_share * self.local_income
        # (A lean month's draw on the store stays a draw on cash savings, not on the deposit.)
        change = self.savings - savings_before
        deposit = max(change, 0.0) + compulsory
        self.savings = savings_before + min(change, 0.0)
        self.pay(compulsory)
        self.coop_deposit += deposit
        ledger.book_one(Flow.COOP_DEPOSIT, self.village_index, deposit)
        return deposit

    def decide_schooling(self, month: int) -> None:
        """Enrol each child for the school year (one draw per child)."""
        m = self.model
        sp = m.params.schooling
        p = (
            sp.attendance_prob
            - sp.left_behind_penalty * (self.abroad_count > 0)
            + m.effects.boost(Boost.SCHOOL_ATTENDANCE, self.slot)
        )
        p = float(np.clip(p, 0.0, 1.0))
        in_school = 0
        for child in range(sp.max_children):
            if self.children > child:
                in_school += m.draw(Stream.SCHOOLING, self.slot, key=f"child{child}", month=month) < p
        self.children_in_school = in_school

    # ------------------------------------------------------------------ phase 5
    def invest_returnee_savings(self) -> None:
        """Returnees in their first months back may invest the savings they brought home in the business."""
        m = self.model
        k = m.migrant_slots_per_household
        brought, investing = 0.0, []
        for slot in range(self.slot * k, (self.slot + 1) * k):
            migrant = m.migrant_agent(slot)
            if migrant is not None and migrant.invests_savings():
                brought += migrant.savings_brought
                investing.append(migrant)
        if not investing:
            return
        invested = min(brought, max(self.savings, 0.0))
        for migrant in investing:
            migrant.savings_brought = 0.0
        self.savings -= invested
        self.business_capital += invested
        self.productive_investment += invested
        m.world.tally.invested_returnee_savings[self.village_index] += invested
        m.world.tally.returnee_investments[self.village_index] += invested > 0
        m.world.ledger.book_one(Flow.RETURNEE_INVESTMENT, self.village_index, invested)

    def run_business(self, cooperatives_exist: bool, demand: float) -> None:
        """Business revenue and profit, failure and wear; the profit is spent and saved like local income.

        Args:
            cooperatives_exist: Whether any cooperative exists (members market jointly).
            demand: Its village market's multiplier on business returns (1: no crowding).
        """
        m = self.model
        bp, fx, inc = m.params.business, m.effects, m.params.income
        ledger, v = m.world.ledger, self.village_index
        self.business_revenue = 0.0
        self.business_income = 0.0
        if self.business_capital >= bp.min_capital_idr:
            multiplier = m.local_potential(self.village_index)
            if cooperatives_exist:
                multiplier = multiplier * (
                    1.0 + m.params.cooperative.marketing_uplift * self.is_active_member
                )
            multiplier = multiplier * demand
            revenue = business_rules.business_income(
                _one(self.business_capital),
                bp.return_per_month + fx.boost(Boost.BUSINESS_RETURN, self.slot),
                bp.return_sd,
                m.draw(Stream.BUSINESS, self.slot),
                multiplier,
            )
            earned = float(business_rules.profit(revenue, bp.running_cost_share)[0])
            self.business_revenue = float(revenue[0])
            self.business_income = earned
            if business_rules.failures(
                m.draw(Stream.BUSINESS, self.slot, key="failure"), fx.failure_prob(self.slot)
            ):
                ledger.book_one(Flow.BUSINESS_FAILURE, v, self.business_capital)
                self.business_capital = 0.0
            ledger.book_one(Flow.BUSINESS_REVENUE, v, self.business_revenue)
            ledger.book_one(Flow.BUSINESS_RUNNING_COST, v, self.business_revenue - earned)
            ledger.book_one(Flow.BUSINESS_PROFIT, v, earned)
            self.consumption += earned * (1.0 - inc.local_savings_rate)
            self.savings += earned * inc.local_savings_rate
        ledger.book_one(Flow.DEPRECIATION, v, self.business_capital * bp.depreciation_per_month)
        self.business_capital *= 1.0 - bp.depreciation_per_month
        # The month's consumption is complete: no later phase spends.
        ledger.book_one(Flow.CONSUMPTION, v, self.consumption)

    def account_income(self, poverty_line: float) -> None:
        """Total income, income and consumption per resident, poverty (by consumption and by income)."""
        income = self.local_income + self.business_income
        income += self.remittances_received
        income += self.coop_dividend
        # Deposit interest is a return on savings credited to the deposit, not this month's income.
        self.income = income
        self.income_per_capita = income / self.residents
        self.residents_counted = self.residents
        self.consumption_per_capita = self.consumption / self.residents
        self.poor = self.consumption_per_capita < poverty_line
        self.poor_income = self.income_per_capita < poverty_line

    # ------------------------------------------------------------------ phase 6
    def form_intention(self, u: float, expected_remittance: float, deprivation: float, risk: float) -> None:
        """Start or give up aspiring to send a member abroad (theory of planned behaviour).

        Args:
            u: This household's draw of the month's intention stream.
            expected_remittance: What a member abroad would send home a month.
            deprivation: The household's relative deprivation in its village.
            risk: Perceived risk of migrating (its village's recent deaths and deportations).
        """
        mp, sel = self.model.params.migration, self.model.params.selection
        attitude = migration_rules.attitude(expected_remittance, self.local_income + self.business_income)
        index = migration_rules.intention_index(
            attitude,
            self.norm,
            deprivation,
            risk,
            mp.attitude_weight,
            mp.norm_weight,
            mp.deprivation_weight,
            mp.risk_weight,
        )
        index = index + selection_rules.selection_term(
            max(self.working_age_adults - self.abroad_count, 0),
            self.land_ha,
            self.head_educated,
            self.returnee_count > 0,
            sel.land_mean_ha,
            sel.labour_weight,
            sel.land_weight,
            sel.education_weight,
            sel.remigration_weight,
        )
        p_start = migration_rules.aspiration_probability(
            _one(index), mp.intention_intercept, mp.intention_slope
        )
        starts = not self.aspiring and u < p_start[0]
        lapses = self.aspiring and u < mp.aspiration_lapse_prob
        self.aspiring = ((self.aspiring and not lapses) or starts) and self.can_send()

    # ------------------------------------------------------------------ phase 7
    def choose_route(self, risk: float) -> bool:
        """Apply for the procedural route if it knows how and can.

        Returns:
            Whether it is still reachable by brokers (aspiring, and did not apply).
        """
        m = self.model
        mp, fx, v = m.params.migration, m.effects, self.village_index
        # The job order it would apply for this month sets what the procedure costs it.
        u_job = m.draw(Stream.ROUTE, self.slot, key="occupation")
        offer = occupation_rules.draw_occupation(np.array([u_job]), m.world.jobs.mix[Route.PROCEDURAL])
        cost = float(m.world.procedural_cost(np.array([self.slot]), offer)[0])
        affordable = migration_rules.affordability(self.savings, mp.informal_credit_idr, cost)
        p_apply = migration_rules.application_probability(
            self.knows_procedure,
            mp.procedural_application_prob,
            affordable,
            migration_rules.informed_risk(risk, fx.boost(Boost.ROUTE_RISK, self.slot)),
            mp.risk_route_weight,
            m.conditions.procedural_application_factor,
        )
        if m.draw(Stream.ROUTE, self.slot) < p_apply:
            # Pay the procedure from savings; borrow what is missing.
            paid = min(max(self.savings, 0.0), cost)
            self.savings -= paid
            self.debt += cost - paid
            m.world.ledger.book_one(Flow.PROCEDURAL_PLACEMENT_COST, v, cost)
            m.world.ledger.book_one(Flow.INFORMAL_CREDIT, v, cost - paid)
            span = mp.procedural_wait_months_max - mp.procedural_wait_months_min + 1
            u_wait = m.draw(Stream.ROUTE, self.slot, key="wait")
            wait = (mp.procedural_wait_months_min + np.floor(u_wait * span)) * fx.wait_factor[v]
            self.wait_months_left = int(np.rint(wait))
            self.job_offer = int(offer[0])
            self.aspiring = False
            return False
        return True

    def meet_broker(self, contact_prob: float) -> bool:
        """Whether a broker reaches it this month (with its regency's contact probability) and it goes.

        Returns:
            Whether it accepted a broker's offer (it leaves by the non-procedural route in phase 8).
        """
        return self.model.draw(Stream.BROKER, self.slot) < contact_prob

    # ------------------------------------------------------------------ phase 8
    def depart(self, by_broker: bool) -> agents.Migrant | None:
        """A member leaves, if the border lets them and the household still can send one.

        Args:
            by_broker: Leaving with a broker (non-procedural) rather than at the end of the wait.

        Returns:
            The migrant who left (route, sex and occupation set), or None if nobody left.
        """
        m = self.model
        open_border = m.draw(Stream.DEPARTURE, self.slot) < m.conditions.departure_factor
        if not (open_border and self.free_migrant_slots > 0 and self.residents >= 2):
            return None
        route = Route.NON_PROCEDURAL if by_broker else Route.PROCEDURAL
        job_offer = Occupation(self.job_offer)
        if not by_broker:
            self.wait_months_left = -1
            self.job_offer = Occupation.NONE
        self.aspiring = False
        migrant = m.migrant_leaving(self)
        if migrant.status != MigrantStatus.NEVER_LEFT:
            self.returnee_count -= 1
        migrant.leave(route, job_offer)
        self.abroad_count += 1
        if by_broker:
            # The broker's "sirih pinang" gift to the family.
            self.savings += m.params.remittance.sirih_pinang_idr
            m.world.ledger.book_one(
                Flow.SIRIH_PINANG, self.village_index, m.params.remittance.sirih_pinang_idr
            )
        return migrant

    def count_down_wait(self) -> None:
        """One month less to wait for a procedural departure."""
        if self.wait_months_left > 0:
            self.wait_months_left -= 1

    # ------------------------------------------------------------------ phase 9
    def observe_ties(self) -> None:
        """Count the ties with a member abroad (the subjective norm) and the ties that know the procedure."""
        ties = [self.model.household_agents[i] for i in self.tie_slots]
        self.abroad_ties = sum(1 for tie in ties if tie.abroad_count > 0)
        self.knowing_ties = sum(1 for tie in ties if tie.knows_procedure)
        inverse_degree = 1.0 / self.degree if self.degree > 0 else 0.0
        self.norm = float(migration_rules.subjective_norm(self.abroad_ties, inverse_degree))

    def update_knowledge(self, u_learn: float) -> None:
        """Forget the procedure (knowledge goes out of date), or learn it from ties who know it."""
        mp = self.model.params.migration
        if self.knows_procedure:
            if self.model.draw(Stream.KNOWLEDGE, self.slot, key="forget") < mp.knowledge_forgetting_prob:
                self.knows_procedure = False
        elif migration_rules.learns_from_ties(
            u_learn, self.degree, self.knowing_ties, mp.knowledge_learning_prob
        ):
            self.knows_procedure = True
