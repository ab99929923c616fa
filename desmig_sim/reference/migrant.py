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
        m.note_abroad(self.slot, True)

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
        """Perhaps send part of the wage home; the channel takes a fee or loses the transfer.

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
            r.decay_per_year,
            np.array([sends]),
        )[0]
        lost = m.draw(Stream.REMITTANCE, self.slot, key="loss") < r.informal_loss_prob
        fees, losses = remittance_rules.channel_costs(sent, self.channel, r.formal_fee_share, lost)
        self.remitted = float(sent)
        self.home.receive_remittance(float(sent - fees - losses))
        ledger, village = m.world.ledger, self.home.village_index
        ledger.book_one(Flow.REMITTANCE_RECEIVED, village, sent - fees - losses)
        ledger.book_one(Flow.TRANSFER_FEE, village, fees)
        ledger.book_one(Flow.TRANSFER_LOSS, village, losses)
        ledger.book_one(Flow.KEPT_ABROAD, village, self.wage - sent)
        return float(sent), float(fees + losses)

    # ------------------------------------------------------------------ phase 9
    def face_risks(self) -> abroad_rules.Fate:
        """This month's fate abroad: dies, is deported, returns home, renews the contract or stays."""
        m = self.model
        ab, c, jobs = m.params.abroad, m.conditions, m.world.jobs
        death = np.array([jobs.death[self.route, self.occupation]])
        fate = abroad_rules.Fate(
            abroad_rules.fates(
                np.array([self.route]),
                np.array([self.contract_end_month - m.month]),
                np.array([m.draw(Stream.FATE, self.slot)]),
                np.array([m.draw(Stream.FATE, self.slot, key="renewal")]),
                death,
                death,
                np.array([jobs.deportation[self.route, self.occupation]]),
                1.0 / ab.non_procedural_mean_months_abroad,
                ab.contract_renewal_prob,
                c.return_multiplier,
            )[0]
        )
        if fate == abroad_rules.Fate.RENEWS:
            self.contract_end_month = m.month + ab.contract_months
        elif fate != abroad_rules.Fate.STAYS:
            self.come_home(fate)
        return fate

    def come_home(self, fate: abroad_rules.Fate) -> None:
        """Leave the work abroad: dead, deported or returned; the household counts them again."""
        home = self.home
        # Debt to brokers is not collected once the migrant is home (or dead): the brokers' loss.
        self.model.world.ledger.book_one(Flow.BROKER_DEBT_CANCELLED, home.village_index, self.broker_debt)
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
