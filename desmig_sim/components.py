"""The four Desmigratif programme components, as first-class objects.

Each component has a time window (``start``..``end``, calendar months), a ramp-up, a set of
villages, a household coverage and eligibility rule, and costs (one-off at the start and monthly,
per village, with an optional budget cap). Each has **one documented effect on the step**:

1. :class:`InformationCentre` (socialisation and advocacy, *Pusat Informasi dan Layanan Migrasi*):
   households reached learn the procedural route; while it runs, brokers reach fewer households and
   the procedural route costs less and takes less time.
2. :class:`ProductiveEnterprise` (*usaha produktif*): mentoring of migrant families raises the
   productive share of remittances and business returns and lowers business failure; grants in
   packages go to business groups of 10-20 members.
3. :class:`CooperativeFormation` (*koperasi*): founds a savings-and-loan cooperative and recruits
   members while it runs (the cooperative itself is modelled in :mod:`desmig_sim.rules.cooperative`).
4. :class:`CommunityParenting` (*parenting bersama*): care and schooling support raise school
   attendance of migrants' children.

Scenario files name components through :data:`COMPONENTS`, an explicit registry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, ClassVar, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from .calendar import YEAR_MONTH_PATTERN, month_number, parse_year_month
from .parameters import monthly_probability, param
from .streams import Stream

if TYPE_CHECKING:
    from .model import DesmigratifModel

YearMonth = Annotated[str, Field(pattern=YEAR_MONTH_PATTERN)]
Eligibility = Literal["all", "migrant_households", "poor_households"]


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


class ComponentSettings(BaseModel):
    """Settings every component shares (start, end, coverage, costs...)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = param(
        False, unit="-", source="scenario choice", description="Whether the component runs."
    )
    start: YearMonth = param(
        "2017-09",
        unit="month (YYYY-MM)",
        source="facts.md §1.1 [V]: national launch 11 Sep 2017",
        description="First month of the component.",
    )
    end: YearMonth = param(
        "2020-08",
        unit="month (YYYY-MM)",
        source="facts.md §1.3 [V]: each village is facilitated for 3 years",
        description="Last month of the component (36 months of facilitation).",
    )
    ramp_up_months: int = param(
        6,
        unit="months",
        ge=0,
        le=60,
        source="assumption",
        description="Months over which the intensity rises linearly to full.",
    )
    villages: Literal["all"] | list[str] = param(
        "all",
        unit="-",
        source="scenario choice; facts.md §1.5 (the 20 villages)",
        description="Villages where it runs: 'all' or a list of village names.",
    )
    coverage: float = param(
        0.8,
        unit="share of eligible households",
        ge=0.0,
        le=1.0,
        source="assumption",
        description="Share reached.",
    )
    eligibility: Eligibility = param(
        "all", unit="-", source="scenario choice", description="Which households are eligible."
    )
    one_off_cost_idr: float = param(
        0.0,
        unit="IDR per village",
        ge=0.0,
        source="assumption",
        description="Cost in the first month it runs.",
    )
    monthly_cost_idr: float = param(
        0.0, unit="IDR per village and month", ge=0.0, source="assumption", description="Running cost."
    )
    budget_idr: float | None = param(
        None,
        unit="IDR per village",
        ge=0.0,
        source="facts.md §1.3 [UNVERIFIED]: no central budget per village found (~Rp 220-280 m [D])",
        description="Spending cap per village; the component stops before overspending (none: no cap).",
    )

    @model_validator(mode="after")
    def _end_not_before_start(self) -> ComponentSettings:
        if parse_year_month(self.end) < parse_year_month(self.start):
            raise ValueError(
                f"end {self.end!r} is before start {self.start!r};"
                " allowed: an end month on or after the start"
            )
        return self


class InformationCentreSettings(ComponentSettings):
    """Migration-service and information centre (socialisation and advocacy)."""

    coverage: float = param(
        0.95,
        unit="share of households",
        ge=0.0,
        le=1.0,
        source="assumption (socialisation reaches most of a village)",
        description="Share of households reached by socialisation.",
    )
    one_off_cost_idr: float = param(
        10_000_000.0,
        unit="IDR per village",
        ge=0.0,
        source="assumption; facts.md §1.3 [V]: migration-service equipment handed over at launch",
        description="Service equipment.",
    )
    monthly_cost_idr: float = param(
        3_800_000.0,
        unit="IDR per village and month",
        ge=0.0,
        source="facts.md §1.3 [V]: 2 officers x Rp 1.9 m/month",
        description="Two Desmigratif officers.",
    )
    learn_share_first_year: float = param(
        0.35,
        unit="share/year",
        ge=0.0,
        le=1.0,
        source="facts.md §8: +0.3 knowledge in year 1 (assumption)",
        description=(
            "Share of reached households without knowledge who learn the procedure within a year at"
            " full intensity (with the default coverage about +0.3 knowledge in year 1)."
        ),
    )
    broker_reduction: float = param(
        0.3,
        unit="share",
        ge=0.0,
        le=1.0,
        source="facts.md §8: calo success -30% (assumption); Kemnaker '~30%' claim [V] §1.6",
        description="Cut in brokers' monthly reach while the centre runs.",
    )
    procedural_cost_reduction: float = param(
        0.3,
        unit="share",
        ge=0.0,
        le=1.0,
        source="assumption (village one-stop service)",
        description="Cut in the procedural route's cost while the centre runs.",
    )
    wait_reduction: float = param(
        0.3,
        unit="share",
        ge=0.0,
        le=1.0,
        source="assumption",
        description="Cut in the procedural waiting time while the centre runs.",
    )


class ProductiveEnterpriseSettings(ComponentSettings):
    """Productive enterprise: mentoring and grants to business groups."""

    eligibility: Eligibility = param(
        "migrant_households",
        unit="-",
        source="facts.md §1.2 [V]: mainly for families left behind",
        description="Which households are eligible.",
    )
    coverage: float = param(
        0.5,
        unit="share of eligible households",
        ge=0.0,
        le=1.0,
        source="assumption",
        description="Share of eligible households mentored.",
    )
    one_off_cost_idr: float = param(
        5_000_000.0, unit="IDR per village", ge=0.0, source="assumption", description="Training at the start."
    )
    monthly_cost_idr: float = param(
        2_000_000.0, unit="IDR per village and month", ge=0.0, source="assumption", description="Mentoring."
    )
    grant_package_idr: float = param(
        70_000_000.0,
        unit="IDR per package",
        ge=0.0,
        source="facts.md §1.3 [V]: Sumbawa Barat 2019, 2 packages of Rp 70 m per village",
        description="One grant package, shared equally by one business group.",
    )
    group_size: int = param(
        20,
        unit="households",
        ge=10,
        le=20,
        source="facts.md §1.3, §5.1 [V]: groups of 10-20 members",
        description="Members per business group.",
    )
    grant_months_after_start: list[Annotated[int, Field(ge=0, le=120)]] = param(
        [3, 15],
        unit="months after the start",
        source="facts.md §1.3 [V] (two packages); timing is an assumption",
        description="One package goes to one business group at each listed month after the start.",
    )
    productive_share_boost: float = param(
        0.10,
        unit="share of remittances",
        ge=0.0,
        le=1.0,
        source="assumption",
        description="Remittance share mentored households move from consumption to investment.",
    )
    mentored_failure_prob_per_year: float = param(
        0.10,
        unit="probability/year",
        ge=0.0,
        le=1.0,
        source="facts.md §8: 10%/yr with mentoring (assumption)",
        description="Business failure with mentoring.",
    )
    return_boost_per_month: float = param(
        0.005,
        unit="share of capital/month",
        ge=0.0,
        le=0.2,
        source="assumption",
        description="Extra monthly return on capital with mentoring.",
    )


class CooperativeFormationSettings(ComponentSettings):
    """Cooperative formation: a savings-and-loan cooperative with marketing for members."""

    coverage: float = param(
        0.5,
        unit="share of households",
        ge=0.0,
        le=1.0,
        source="assumption",
        description="Largest share of households that may join.",
    )
    one_off_cost_idr: float = param(
        5_000_000.0,
        unit="IDR per village",
        ge=0.0,
        source="assumption",
        description="Founding and legal set-up.",
    )
    monthly_cost_idr: float = param(
        1_000_000.0,
        unit="IDR per village and month",
        ge=0.0,
        source="assumption",
        description="Facilitation.",
    )
    join_prob_per_month: float = param(
        0.01,
        unit="probability/month",
        ge=0.0,
        le=1.0,
        source="assumption (growth from 40 members with programme outreach, facts.md §8)",
        description="Monthly chance a reached non-member joins while the component runs.",
    )


class CommunityParentingSettings(ComponentSettings):
    """Community parenting (parenting bersama) for migrants' children."""

    eligibility: Eligibility = param(
        "migrant_households",
        unit="-",
        source="facts.md §1.2 [V]: for migrants' children",
        description="Which households are eligible.",
    )
    coverage: float = param(
        0.6,
        unit="share of eligible households",
        ge=0.0,
        le=1.0,
        source="assumption",
        description="Share of eligible households reached.",
    )
    one_off_cost_idr: float = param(
        2_000_000.0, unit="IDR per village", ge=0.0, source="assumption", description="Reading-corner set-up."
    )
    monthly_cost_idr: float = param(
        1_500_000.0, unit="IDR per village and month", ge=0.0, source="assumption", description="Activities."
    )
    attendance_boost: float = param(
        0.05,
        unit="probability",
        ge=0.0,
        le=1.0,
        source="facts.md §8: +5 pp (assumption)",
        description="Rise in the school attendance chance of reached households' children.",
    )


class ComponentsSettings(BaseModel):
    """The programme: which components run and how."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    information_centre: InformationCentreSettings = Field(default_factory=InformationCentreSettings)
    productive_enterprise: ProductiveEnterpriseSettings = Field(default_factory=ProductiveEnterpriseSettings)
    cooperative: CooperativeFormationSettings = Field(default_factory=CooperativeFormationSettings)
    community_parenting: CommunityParentingSettings = Field(default_factory=CommunityParentingSettings)


class ProgrammeEffects:
    """What the running components change in this month's step (neutral when nothing runs).

    Village-level factors have one entry per village. Household-level effects are kept as the
    components' (reached households, size) pairs and evaluated only for the households a phase
    asks about: boosts add up, and the failure probability is the lowest that applies.
    """

    def __init__(self, villages: int, base_failure: float) -> None:
        self.broker_contact_factor = np.ones(villages)
        self.procedural_cost_factor = np.ones(villages)
        self.wait_factor = np.ones(villages)
        self.base_failure = base_failure
        self._boosts: dict[str, list[tuple[np.ndarray, float]]] = {}
        self._failure: list[tuple[np.ndarray, float]] = []

    def reset(self) -> None:
        """Back to no programme."""
        self.broker_contact_factor.fill(1.0)
        self.procedural_cost_factor.fill(1.0)
        self.wait_factor.fill(1.0)
        self._boosts = {}
        self._failure = []

    def add_boost(self, name: str, reached: np.ndarray, size: float) -> None:
        """Households in ``reached`` (a mask) get ``size`` more of the named boost this month."""
        self._boosts.setdefault(name, []).append((reached, size))

    def cap_failure(self, reached: np.ndarray, probability: float) -> None:
        """Households in ``reached`` fail with at most ``probability`` a month this month."""
        self._failure.append((reached, probability))

    def boost(self, name: str, households: np.ndarray | slice) -> np.ndarray | float:
        """The named boost of the given households; 0 where no component gives one.

        Names: ``productive_share``, ``business_return``, ``school_attendance``.
        """
        total: np.ndarray | float = 0.0
        for reached, size in self._boosts.get(name, ()):
            total = total + size * reached[households]
        return total

    def failure_prob(self, households: np.ndarray) -> np.ndarray | float:
        """Monthly business-failure probability of the given households."""
        probability: np.ndarray | float = self.base_failure
        for reached, cap in self._failure:
            probability = np.where(reached[households], np.minimum(probability, cap), probability)
        return probability


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

    def setup(self, model: DesmigratifModel) -> None:
        """Fix the villages and the households the component can reach (stable draws)."""
        s = self.settings
        names = [v.name for v in model.villages]
        bases = np.array([v.base for v in model.villages])
        self.village_mask = (
            np.ones(len(names), dtype=bool) if s.villages == "all" else np.isin(bases, s.villages)
        )
        n = model.households.count
        u = model.streams.uniform(Stream.PROGRAMME, 0, n, key=f"{self.key}/reach")
        self.reached = (u < s.coverage) & self.village_mask[model.households.village]
        self.spent = np.zeros(len(names))
        self.started = np.zeros(len(names), dtype=bool)
        self.first_month = month_number(model.start, s.start)
        self.last_month = month_number(model.start, s.end)

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

    def eligible(self, model: DesmigratifModel) -> np.ndarray | bool:
        """Households eligible this month under the eligibility rule."""
        rule = self.settings.eligibility
        if rule == "migrant_households":
            return model.migrant_households()
        if rule == "poor_households":
            return model.households.poor
        return True

    def reach(self, model: DesmigratifModel, month: int) -> np.ndarray:
        """Households reached this month: reached, eligible and in a running village.

        Computed on first use in a month (the conditions phase for components with an effect on
        the step, the programme phase otherwise) and reused for the rest of the month.
        """
        if self._reach_month != month:
            running = self.running(month)
            if not np.array_equal(running, self._running_villages):
                self._running_villages = running
                self._reached_running = self.reached & running[model.households.village]
            self._reach = self._reached_running & self.eligible(model)
            self._reach_month = month
        return self._reach

    def apply_effect(self, model: DesmigratifModel, month: int) -> None:
        """Write this component's effect on the step into ``model.effects``."""

    def act(self, model: DesmigratifModel, month: int) -> np.ndarray:
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
        """Record spending against the budget and return it (the model books every month's cost)."""
        self.spent += cost
        return cost


class InformationCentre(Component):
    """Effect: knowledge of the procedural route spreads; brokers and costs are cut while it runs."""

    label = "Migration-service and information centre"
    settings: InformationCentreSettings

    def apply_effect(self, model: DesmigratifModel, month: int) -> None:
        """Fewer broker contacts, cheaper and faster procedural route in running villages."""
        level = self.intensity(month) * self.running(month)
        s = self.settings
        model.effects.broker_contact_factor *= 1.0 - s.broker_reduction * level
        model.effects.procedural_cost_factor *= 1.0 - s.procedural_cost_reduction * level
        model.effects.wait_factor *= 1.0 - s.wait_reduction * level

    def act(self, model: DesmigratifModel, month: int) -> np.ndarray:
        """Socialisation sessions: reached households learn the procedure."""
        cost = super().act(model, month)
        hh = model.households
        q = monthly_probability(self.settings.learn_share_first_year) * self.intensity(month)
        u = model.streams.uniform(Stream.PROGRAMME, month, hh.count, key=f"{self.key}/learn")
        hh.knows_procedure[self.reach(model, month) & ~hh.knows_procedure & (u < q)] = True
        return cost


class ProductiveEnterprise(Component):
    """Effect: mentored households invest more, earn more and fail less; groups get grants."""

    label = "Productive enterprise (mentoring and grants)"
    settings: ProductiveEnterpriseSettings

    def apply_effect(self, model: DesmigratifModel, month: int) -> None:
        """Mentoring effects for reached households."""
        reached = self.reach(model, month)
        model.households.mentored = reached
        s = self.settings
        level = self.intensity(month)
        fx = model.effects
        fx.add_boost("productive_share", reached, s.productive_share_boost * level)
        fx.add_boost("business_return", reached, s.return_boost_per_month * level)
        fx.cap_failure(reached, monthly_probability(s.mentored_failure_prob_per_year))

    def setup(self, model: DesmigratifModel) -> None:
        """Reach as for every component; nobody has had a grant yet."""
        super().setup(model)
        self.granted = np.zeros(model.households.count, dtype=bool)

    def act(self, model: DesmigratifModel, month: int) -> np.ndarray:
        """Pay a grant package due this month to a business group of mentored households."""
        cost = super().act(model, month)
        s = self.settings
        running = self.running_now
        if month - self.first_month not in s.grant_months_after_start or not running.any():
            return cost
        hh = model.households
        u = model.streams.uniform(Stream.PROGRAMME, month, hh.count, key=f"{self.key}/grant")
        candidates = self.reach(model, month) & ~self.granted
        per_member = s.grant_package_idr / s.group_size
        paying = running & self.affordable(cost + s.grant_package_idr)
        for v, group in first_in_each_village(model.village_offsets, candidates, u, paying, s.group_size):
            self.granted[group] = True
            hh.business_capital[group] += per_member
            hh.productive_investment[group] += per_member
            cost[v] += per_member * group.size
        return cost


class CooperativeFormation(Component):
    """Effect: a cooperative is founded and recruits members while the component runs."""

    label = "Village cooperative (savings, credit, marketing)"
    settings: CooperativeFormationSettings

    def act(self, model: DesmigratifModel, month: int) -> np.ndarray:
        """Found the cooperative in the first month; recruit members afterwards."""
        cost = super().act(model, month)
        running = self.running_now
        if not running.any():
            return cost
        hh, coops = model.households, model.cooperatives
        u = model.streams.uniform(Stream.PROGRAMME, month, hh.count, key=f"{self.key}/join")
        candidates = self.reach(model, month) & ~hh.coop_member
        founding = running & ~coops.exists
        if founding.any():
            coops.exists |= founding
            coops.active |= founding
            coops.founded_month[founding] = month
            initial = model.params.cooperative.initial_members
            for _, founders in first_in_each_village(model.village_offsets, candidates, u, founding, initial):
                hh.coop_member[founders] = True
        joins = candidates & ~founding[hh.village] & coops.active[hh.village]
        joins &= u < self.settings.join_prob_per_month * self.intensity(month)
        hh.coop_member |= joins
        return cost


class CommunityParenting(Component):
    """Effect: reached migrant families' children attend school more often."""

    label = "Community parenting (care and schooling support)"
    settings: CommunityParentingSettings

    def apply_effect(self, model: DesmigratifModel, month: int) -> None:
        """Raise the attendance probability of reached households' children."""
        reached = self.reach(model, month)
        model.households.parenting = reached
        model.effects.add_boost(
            "school_attendance", reached, self.settings.attendance_boost * self.intensity(month)
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
