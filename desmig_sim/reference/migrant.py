"""A migrant worker's month, as plain per-agent Python (the reference engine).

Phases 1, 2 and 9 of the month (:mod:`desmig_sim.model`): earn the wage of the occupation abroad
(brokers deduct what is still owed), send part of it home, and face the risks of the route and
occupation abroad (death, deportation, return, contract renewal). The departure itself (phase 8)
is :meth:`Migrant.leave`, called by the household.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from desmig_sim.core.enums import Channel, Destination, MigrantStatus, Occupation, Route
from desmig_sim.core.streams import Stream
from desmig_sim.model import agents
from desmig_sim.model.agents import _view
from desmig_sim.model.ledger import Flow
from desmig_sim.reference.face import ReferenceFace
from desmig_sim.rules import abroad as abroad_rules
from desmig_sim.rules import occupation as occupation_rules
from desmig_sim.rules import remittance as remittance_rules
from desmig_sim.rules import returns as returns_rules

if TYPE_CHECKING:
    from desmig_sim.reference.household import Household


class Migrant(agents.Migrant):
    """A household member who works (or has worked) abroad, stepping on its own (reference engine)."""

    model: ReferenceFace  # type: ignore[assignment]

    contract_end_month = _view("migrants", "contract_end_month", int, "Last month of a procedural contract.")

    def _store(self, name: str, value: int | float) -> None:
        """Write one field of this migrant's state."""
        getattr(self.model.migrants, name)[self.slot] = value

    @property
    def home(self) -> Household:
        """The migrant's household."""
        return self.model.household_agents[int(self.model.migrants.household[self.slot])]

    # ------------------------------------------------------------------ phase 8
    def leave(self, route: Route, job_offer: Occupation) -> None:
        """Go abroad by ``route``: occupation, sex, destination and channel are drawn at the household's slot.

        Args:
            route: The route taken.
            job_offer: The occupation of the procedural job order applied for (procedural route);
                a broker's recruit takes a job drawn from the non-procedural mix instead.
        """
        m = self.model
        r, ab, jobs = m.params.remittance, m.params.abroad, m.world.jobs
        household = int(m.migrants.household[self.slot])
        u_destination = m.draw(Stream.DEPARTURE, household, key="destination")
        u_channel = m.draw(Stream.DEPARTURE, household, key="channel")
        non_procedural = route == Route.NON_PROCEDURAL
        occupation = job_offer
        if non_procedural:
            u_job = m.draw(Stream.DEPARTURE, household, key="occupation")
            occupation = occupation_rules.draw_occupation(np.array([u_job]), jobs.mix[Route.NON_PROCEDURAL])[
                0
            ]
        u_sex = m.draw(Stream.DEPARTURE, household, key="sex")
        sex = occupation_rules.draw_sex(np.array([u_sex]), np.array([occupation]), jobs.women_share)[0]
        self._store("occupation", occupation)
        self._store("sex", sex)
        if non_procedural:
            informal = u_channel < r.non_procedural_informal_share
        else:
            informal = u_channel >= r.procedural_formal_share
        self._store("status", MigrantStatus.ABROAD)
        self._store("route", route)
        self._store(
            "destination", Destination.MALAYSIA if u_destination < r.malaysia_share else Destination.OTHER
        )
        self._store("channel", Channel.INFORMAL if informal else Channel.FORMAL)
        self.departure_month = m.month
        self.contract_end_month = m.month + (0 if non_procedural else ab.contract_months)
        # Non-procedural migrants owe the broker the cost of the trip.
        owed = r.broker_debt_idr if non_procedural else 0.0
        m.world.ledger.book_one(Flow.BROKER_PLACEMENT_DEBT, self.home.village_index, owed - self.broker_debt)
        self.broker_debt = owed
        self.trips += 1
        u_stay = m.draw(Stream.DEPARTURE, household, key="stay")
        self._store(
            "stay_type",
            returns_rules.stay_types(np.array([route]), np.array([u_stay]), m.params.stays.settled_share)[0],
        )
        self.savings_abroad = 0.0
        self.savings_brought = 0.0
        m.note_abroad(self.slot, True)

    # ------------------------------------------------------------------ phase 5
    def invests_savings(self) -> bool:
        """Whether this returnee invests the savings brought home in a business this month."""
        m = self.model
        st = m.params.stays
        if self.savings_brought <= 0 or self.return_month < m.month - st.returnee_business_window_months:
            return False
        p = returns_rules.returnee_investment_probability(
            np.array([self.savings_brought]), m.params.business.min_capital_idr, st.returnee_business_prob
        )[0]
        return m.draw(Stream.BUSINESS, self.slot, key="returnee_start") < p

    # ------------------------------------------------------------------ phase 1
    def earn_wage(self) -> None:
        """Earn this month's wage; the debt to the broker accrues interest and the broker deducts a share."""
        m = self.model
        r, c = m.params.remittance, m.conditions
        wage = remittance_rules.wage_idr(
            self.route,
            self.destination,
            c.min_wage_myr,
            c.idr_per_myr,
            r.non_procedural_wage_factor,
            r.other_destination_wage_factor,
            c.wage_factor,
            m.world.jobs.wage_factor[self.occupation],
        )
        debt = float(
            remittance_rules.broker_debt_with_interest(
                np.array([self.broker_debt]), r.broker_debt_interest_per_month
            )[0]
        )
        deduction = remittance_rules.broker_deduction(wage, debt, r.broker_debt_repayment_share)
        ledger, village = m.world.ledger, self.home.village_index
        ledger.book_one(Flow.WAGE_ABROAD, village, wage)
        ledger.book_one(Flow.BROKER_DEBT_INTEREST, village, debt - self.broker_debt)
        ledger.book_one(Flow.BROKER_DEDUCTION, village, deduction)
        self.broker_debt = float(debt - deduction)
        self.wage = float(wage - deduction)

    # ------------------------------------------------------------------ phase 2
    def send_remittance(self) -> tuple[float, float]:
        """Perhaps send part of the wage home (the channel takes a fee or loses it); save the rest abroad.

        What is left of the wage after living costs abroad and the remittance is saved abroad.

        Returns:
            ``(sent, fees and losses)`` in rupiah.
        """
        m = self.model
        r = m.params.remittance
        send_prob = r.procedural_send_prob if self.route == Route.PROCEDURAL else r.non_procedural_send_prob
        sends = m.draw(Stream.REMITTANCE, self.slot) < send_prob
        sent = remittance_rules.amount_sent(
            np.array([self.wage]),
            np.array([self.remittance_propensity]),
            np.array([m.month - self.departure_month]),
            returns_rules.remittance_decay(
                np.array([self.stay_type]), r.decay_per_year, m.params.stays.settled_decay_per_year
            ),
            np.array([sends]),
        )[0]
        lost = m.draw(Stream.REMITTANCE, self.slot, key="loss") < r.informal_loss_prob
        fees, losses = remittance_rules.channel_costs(sent, self.channel, r.formal_fee_share, lost)
        self.remitted = float(sent)
        self.home.receive_remittance(float(sent - fees - losses))
        saved = float(
            returns_rules.saved_abroad(
                np.array([self.wage]), np.array([sent]), m.params.stays.living_cost_share
            )[0]
        )
        self.savings_abroad += saved
        m.world.tally.saved_abroad[self.home.village_index] += saved
        ledger, village = m.world.ledger, self.home.village_index
        ledger.book_one(Flow.REMITTANCE_RECEIVED, village, sent - fees - losses)
        ledger.book_one(Flow.TRANSFER_FEE, village, fees)
        ledger.book_one(Flow.TRANSFER_LOSS, village, losses)
        ledger.book_one(Flow.KEPT_ABROAD, village, self.wage - sent - saved)
        return float(sent), float(fees + losses)

    # ------------------------------------------------------------------ phase 9
    def face_risks(self) -> abroad_rules.Fate:
        """This month's fate abroad: dies, is deported, returns home, renews the contract or stays."""
        m = self.model
        ab, c, jobs = m.params.abroad, m.conditions, m.world.jobs
        death = np.array([jobs.death[self.route, self.occupation]])
        return_hazard, renewal_prob = returns_rules.stay_hazards(
            np.array([self.stay_type]),
            1.0 / ab.non_procedural_mean_months_abroad,
            ab.contract_renewal_prob,
            m.params.stays.settled_return_factor,
        )
        fate = abroad_rules.Fate(
            abroad_rules.fates(
                np.array([self.route]),
                np.array([self.contract_end_month - m.month]),
                np.array([m.draw(Stream.FATE, self.slot)]),
                np.array([m.draw(Stream.FATE, self.slot, key="renewal")]),
                death,
                death,
                np.array([jobs.deportation[self.route, self.occupation]]),
                return_hazard,
                renewal_prob,
                c.return_multiplier,
            )[0]
        )
        if fate == abroad_rules.Fate.RENEWS:
            self.contract_end_month = m.month + ab.contract_months
        elif fate != abroad_rules.Fate.STAYS:
            self.come_home(fate)
        return fate

    def come_home(self, fate: abroad_rules.Fate) -> None:
        """Leave the work abroad: dead, deported or returned; the household counts them again.

        The savings abroad come home with them (deportation and death lose most of them).
        """
        home, m = self.home, self.model
        ledger = m.world.ledger
        # Debt to brokers is not collected once the migrant is home (or dead): the brokers' loss.
        ledger.book_one(Flow.BROKER_DEBT_CANCELLED, home.village_index, self.broker_debt)
        reaching = float(
            returns_rules.savings_reaching_home(
                np.array([self.savings_abroad]),
                np.array([fate == abroad_rules.Fate.RETURNS]),
                m.params.stays.unplanned_savings_loss_share,
            )[0]
        )
        home.savings += reaching
        m.world.tally.savings_brought_home[home.village_index] += reaching
        m.world.tally.savings_lost_abroad[home.village_index] += self.savings_abroad - reaching
        ledger.book_one(Flow.SAVINGS_BROUGHT_HOME, home.village_index, reaching)
        ledger.book_one(Flow.SAVINGS_LOST_ABROAD, home.village_index, self.savings_abroad - reaching)
        if fate != abroad_rules.Fate.DIES:
            self.savings_brought = reaching
            self.return_month = m.month
        self.savings_abroad = 0.0
        self.broker_debt = 0.0
        self.wage = 0.0
        home.abroad_count -= 1
        if fate == abroad_rules.Fate.DIES:
            self._store("status", MigrantStatus.DEAD)
            home.size -= 1
            home.dead_count += 1
        else:
            self._store(
                "status",
                MigrantStatus.DEPORTED if fate == abroad_rules.Fate.DEPORTED else MigrantStatus.RETURNED,
            )
            home.returnee_count += 1
            if fate == abroad_rules.Fate.RETURNS and self.route == Route.PROCEDURAL:
                # Returnees of the procedural route bring knowledge of it home.
                home.knows_procedure = True
        self.model.note_abroad(self.slot, False)
