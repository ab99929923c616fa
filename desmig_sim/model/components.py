"""The four Desmigratif programme components, as first-class objects.

Each component has a time window (``start``..``end``, calendar months), a ramp-up, a set of
villages, a household coverage and eligibility rule, and costs (one-off at the start and monthly,
per village, with an optional budget cap). Each has **one documented effect on the step**:

1. :class:`InformationCentre` (socialisation and advocacy, *Pusat Informasi dan Layanan Migrasi*):
   households reached learn the procedural route and hear of the non-procedural route's risks;
   while it runs, the procedural route costs less and takes less time.
2. :class:`ProductiveEnterprise` (*usaha produktif*): mentoring of migrant families raises the
   productive share of remittances and business returns and lowers business failure; grants in
   packages go to business groups of 10-20 members.
3. :class:`CooperativeFormation` (*koperasi*): founds a savings-and-loan cooperative and recruits
   members while it runs (the cooperative itself is modelled in :mod:`desmig_sim.rules.cooperative`).
4. :class:`CommunityParenting` (*parenting bersama*): care and schooling support raise school
   attendance of migrants' children.

Every component is one class implementing the small protocol :class:`ProgrammeComponent` (when it
runs, what it costs, what it changes in phase 0 and what it does in phase 10); the model treats
them all alike. Scenario files name components through :data:`COMPONENTS`, the one registry.
Household-level effects are named by :class:`~desmig_sim.model.effects.Boost`.
"""

from __future__ import annotations

from typing import ClassVar, Protocol, runtime_checkable

import numpy as np

from desmig_sim.config.components import (
    CommunityParentingSettings,
    ComponentSettings,
    ComponentsSettings,
    CooperativeFormationSettings,
    InformationCentreSettings,
    ProductiveEnterpriseSettings,
)
from desmig_sim.config.parameters import monthly_probability
from desmig_sim.core.calendar import month_number
from desmig_sim.core.streams import Stream
from desmig_sim.model.effects import Boost
from desmig_sim.model.world import World


def first_in_each_village(
    offsets: np.ndarray, candidates: np.ndarray, u: np.ndarray, villages: np.ndarray, count: int
) -> list[tuple[int, np.ndarray]]:
    """Pick up to ``count`` candidates in each chosen village, those with the smallest draws first.

    Args:
        offsets: Start slot of each village's households, plus the total.
        candidates: Mask of households that may be picked.
        u: One uniform draw per household (the picking order).
        villages: Mask of the villages to pick in.
        count: How many to pick per village at most.

    Returns:
        ``(village, households)`` for each chosen village with at least one pick.
    """
    picks = []
    priority = np.where(candidates, u, np.inf)
    for v in np.flatnonzero(villages):
        lo, hi = offsets[v], offsets[v + 1]
        chosen = lo + np.argsort(priority[lo:hi], kind="stable")[:count]
        chosen = chosen[np.isfinite(priority[chosen])]
        if chosen.size:
            picks.append((int(v), chosen))
    return picks


@runtime_checkable
class ProgrammeComponent(Protocol):
    """What the model asks of a programme component; :class:`Component` implements it."""

    key: str
    village_mask: np.ndarray

    def setup(self, world: World) -> None:
        """Fix the villages and households the component can reach (once, when the model is built)."""

    def running(self, month: int) -> np.ndarray:
        """When it is active: the per-village mask of where it runs this month."""

    def running_cost(self) -> np.ndarray:
        """What it costs: the fixed cost per village of running this month."""

    def apply_effect(self, world: World, month: int) -> None:
        """What it changes in phase 0 (conditions): its effects on this month's step."""

    def act(self, world: World, month: int) -> np.ndarray:
        """What it does in phase 10 (programme actions); returns the cost per village."""

    def book(self, cost: np.ndarray) -> np.ndarray:
        """Record spending against the budget and return it."""


class Component:
    """Runtime side of a programme component: window, reach, costs and its effect.

    Args:
        key: The component's name in scenario files.
        settings: Its validated settings.
    """

    label: ClassVar[str] = "component"

    def __init__(self, key: str, settings: ComponentSettings) -> None:
        self.key = key
        self.settings = settings
        self.village_mask = np.zeros(0, dtype=bool)
        self.reached = np.zeros(0, dtype=bool)
        self.spent = np.zeros(0)
        self.started = np.zeros(0, dtype=bool)
        self.running_now = np.zeros(0, dtype=bool)
        self.first_month = 0
        self.last_month = -1
        self._reach_month = -1
        self._reach = np.zeros(0, dtype=bool)
        self._running_villages = np.zeros(0, dtype=bool)
        self._reached_running = np.zeros(0, dtype=bool)

    def setup(self, world: World) -> None:
        """Fix the villages and the households the component can reach (stable draws)."""
        s = self.settings
        names = [v.name for v in world.villages]
        bases = np.array([v.base for v in world.villages])
        programme = np.array([v.programme for v in world.villages], dtype=bool)
        # Non-programme neighbours are never reached, whatever the village list says.
        self.village_mask = programme & (
            np.ones(len(names), dtype=bool) if s.villages == "all" else np.isin(bases, s.villages)
        )
        n = world.households.count
        u = world.streams.uniform(Stream.PROGRAMME, 0, n, key=f"{self.key}/reach")
        self.reached = (u < s.coverage) & self.village_mask[world.households.village]
        self.spent = np.zeros(len(names))
        self.started = np.zeros(len(names), dtype=bool)
        self.first_month = month_number(world.start, s.start)
        self.last_month = month_number(world.start, s.end)

    def intensity(self, month: int) -> float:
        """0 outside the window; rises linearly over the ramp-up to 1."""
        if not (self.first_month <= month <= self.last_month):
            return 0.0
        ramp = self.settings.ramp_up_months
        return 1.0 if ramp == 0 else min(1.0, (month - self.first_month + 1) / ramp)

    def running_cost(self) -> np.ndarray:
        """Fixed cost per village of running this month: monthly, plus the one-off where not yet started."""
        s = self.settings
        return s.monthly_cost_idr + np.where(self.started, 0.0, s.one_off_cost_idr)

    def affordable(self, extra: float | np.ndarray) -> np.ndarray:
        """Per-village mask of where ``extra`` more spending stays within the budget."""
        budget = self.settings.budget_idr
        if budget is None:
            return np.ones_like(self.village_mask)
        return self.spent + extra <= budget + 1e-6

    def running(self, month: int) -> np.ndarray:
        """Per-village mask of where the component runs this month.

        It runs inside its window, in its villages, while the budget still covers this month's
        running cost; it never overspends its budget.
        """
        if self.intensity(month) <= 0.0:
            return np.zeros_like(self.village_mask)
        return self.village_mask & self.affordable(self.running_cost())

    def eligible(self, world: World) -> np.ndarray | bool:
        """Households eligible this month under the eligibility rule."""
        rule = self.settings.eligibility
        if rule == "migrant_households":
            return world.migrant_households()
        if rule == "poor_households":
            return world.households.poor
        return True

    def reach(self, world: World, month: int) -> np.ndarray:
        """Households reached this month: reached, eligible and in a running village.

        Computed on first use in a month (the conditions phase for components with an effect on
        the step, the programme phase otherwise) and reused for the rest of the month.
        """
        if self._reach_month != month:
            running = self.running(month)
            if not np.array_equal(running, self._running_villages):
                self._running_villages = running
                self._reached_running = self.reached & running[world.households.village]
            self._reach = self._reached_running & self.eligible(world)
            self._reach_month = month
        return self._reach

    def apply_effect(self, world: World, month: int) -> None:
        """Write this component's effect on the step into ``world.effects``."""

    def act(self, world: World, month: int) -> np.ndarray:
        """Carry out this month's programme action; return the cost per village.

        The base action only pays the running cost where the component runs; components with an
        action of their own add to it.
        """
        running = self.running(month)
        cost = np.where(running, self.running_cost(), 0.0)
        self.started |= running
        self.running_now = running
        return cost

    def book(self, cost: np.ndarray) -> np.ndarray:
        """Record spending against the budget and return it (the programme phase books every month's cost)."""
        self.spent += cost
        return cost


class InformationCentre(Component):
    """Effect: the procedural route and the risks of the other become known; the procedure is cheaper."""

    # It acts only through what the centre does (socialisation, risk information, the village
    # one-stop service), never through the Ministry's claimed cut in departures: a validation check.

    label = "Migration-service and information centre"
    settings: InformationCentreSettings

    def apply_effect(self, world: World, month: int) -> None:
        """Cheaper, faster procedural route in running villages; risk information for reached households."""
        level = self.intensity(month) * self.running(month)
        s = self.settings
        reached = self.reach(world, month)
        world.effects.add_boost(Boost.ROUTE_RISK, reached, s.risk_information * self.intensity(month))
        world.effects.procedural_cost_factor *= 1.0 - s.procedural_cost_reduction * level
        world.effects.wait_factor *= 1.0 - s.wait_reduction * level

    def setup(self, world: World) -> None:
        """Reach as for every component; the yearly learning share as a monthly probability."""
        super().setup(world)
        self.monthly_learn = monthly_probability(self.settings.learn_share_first_year)

    def act(self, world: World, month: int) -> np.ndarray:
        """Socialisation sessions: reached households learn the procedure."""
        cost = super().act(world, month)
        hh = world.households
        q = self.monthly_learn * self.intensity(month)
        u = world.streams.uniform(Stream.PROGRAMME, month, hh.count, key=f"{self.key}/learn")
        hh.knows_procedure[self.reach(world, month) & ~hh.knows_procedure & (u < q)] = True
        return cost


class ProductiveEnterprise(Component):
    """Effect: mentored households invest more, earn more and fail less; groups get grants."""

    label = "Productive enterprise (mentoring and grants)"
    settings: ProductiveEnterpriseSettings

    def apply_effect(self, world: World, month: int) -> None:
        """Mentoring effects for reached households."""
        reached = self.reach(world, month)
        s = self.settings
        level = self.intensity(month)
        fx = world.effects
        fx.add_boost(Boost.PRODUCTIVE_SHARE, reached, s.productive_share_boost * level)
        fx.add_boost(Boost.BUSINESS_RETURN, reached, s.return_boost_per_month * level)
        fx.cap_failure(reached, self.mentored_failure)

    def setup(self, world: World) -> None:
        """Reach as for every component; nobody has had a grant yet; the monthly failure cap."""
        super().setup(world)
        self.mentored_failure = monthly_probability(self.settings.mentored_failure_prob_per_year)
        self.granted = np.zeros(world.households.count, dtype=bool)

    def act(self, world: World, month: int) -> np.ndarray:
        """Pay a grant package due this month to a business group of mentored households."""
        cost = super().act(world, month)
        s = self.settings
        running = self.running_now
        if month - self.first_month not in s.grant_months_after_start or not running.any():
            return cost
        hh = world.households
        u = world.streams.uniform(Stream.PROGRAMME, month, hh.count, key=f"{self.key}/grant")
        candidates = self.reach(world, month) & ~self.granted
        per_member = s.grant_package_idr / s.group_size
        paying = running & self.affordable(cost + s.grant_package_idr)
        for v, group in first_in_each_village(world.village_offsets, candidates, u, paying, s.group_size):
            self.granted[group] = True
            hh.business_capital[group] += per_member
            hh.productive_investment[group] += per_member
            world.tally.invested_grants[v] += per_member * group.size
            cost[v] += per_member * group.size
        return cost


class CooperativeFormation(Component):
    """Effect: a cooperative is founded and recruits members while the component runs."""

    label = "Village cooperative (savings, credit, marketing)"
    settings: CooperativeFormationSettings

    def act(self, world: World, month: int) -> np.ndarray:
        """Found the cooperative in the first month; recruit members afterwards."""
        cost = super().act(world, month)
        running = self.running_now
        if not running.any():
            return cost
        hh, coops = world.households, world.cooperatives
        u = world.streams.uniform(Stream.PROGRAMME, month, hh.count, key=f"{self.key}/join")
        candidates = self.reach(world, month) & ~hh.coop_member
        founding = running & ~coops.exists
        if founding.any():
            coops.exists |= founding
            coops.active |= founding
            initial = world.params.cooperative.initial_members
            for _, founders in first_in_each_village(world.village_offsets, candidates, u, founding, initial):
                hh.coop_member[founders] = True
        joins = candidates & ~founding[hh.village] & coops.active[hh.village]
        joins &= u < self.settings.join_prob_per_month * self.intensity(month)
        hh.coop_member |= joins
        return cost


class CommunityParenting(Component):
    """Effect: reached migrant families' children attend school more often."""

    label = "Community parenting (care and schooling support)"
    settings: CommunityParentingSettings

    def apply_effect(self, world: World, month: int) -> None:
        """Raise the attendance probability of reached households' children."""
        reached = self.reach(world, month)
        world.effects.add_boost(
            Boost.SCHOOL_ATTENDANCE, reached, self.settings.attendance_boost * self.intensity(month)
        )


#: The registry through which scenario files name components.
COMPONENTS: dict[str, type[Component]] = {
    "information_centre": InformationCentre,
    "productive_enterprise": ProductiveEnterprise,
    "cooperative": CooperativeFormation,
    "community_parenting": CommunityParenting,
}


def build_components(settings: ComponentsSettings) -> list[Component]:
    """Runtime components for every enabled component, in registry order."""
    built = []
    for key, cls in COMPONENTS.items():
        component_settings = getattr(settings, key)
        if component_settings.enabled:
            built.append(cls(key, component_settings))
    return built
