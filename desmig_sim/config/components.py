"""Settings of the four Desmigratif programme components, as read from scenario files.

Each component has a time window (``start``..``end``, calendar months), a ramp-up, a set of
villages, a household coverage and eligibility rule, costs (one-off and monthly, per village, with
an optional budget cap) and the sizes of what it does. The runtime side (what a component does in
the month) is :mod:`desmig_sim.model.components`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, model_validator

from desmig_sim.config.inputs import InputModel
from desmig_sim.config.parameters import param
from desmig_sim.core.calendar import YEAR_MONTH_PATTERN, parse_year_month

YearMonth = Annotated[str, Field(pattern=YEAR_MONTH_PATTERN)]
Eligibility = Literal["all", "migrant_households", "poor_households"]


class ComponentSettings(InputModel):
    """Settings every component shares (start, end, coverage, costs...)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = param(
        False, unit="-", source="assumption: a scenario choice", description="Whether the component runs."
    )
    start: YearMonth = param(
        "2017-09",
        unit="month (YYYY-MM)",
        source="ref:suara-2017-launch [V]: national launch 11 Sep 2017",
        description="First month of the component.",
    )
    end: YearMonth = param(
        "2020-08",
        unit="month (YYYY-MM)",
        source="ref:timorexpress-2017-ntt-launch [V]: each village is facilitated for 3 years",
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
        source="assumption: a scenario choice among the 20 villages of ref:suarajarmas-2017-ntt-villages [V]",
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
        "all", unit="-", source="assumption: a scenario choice", description="Which households are eligible."
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
        source=(
            "ref:ayosemarang-2020-officers, ref:sumbawabaratpost-2019-grant [D]: no central budget per "
            "village found [UNVERIFIED]; bottom-up ~Rp 220-280 m [D]"
        ),
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
        source=(
            "assumption; ref:timorexpress-2017-ntt-launch [V]: migration-service equipment handed over at "
            "launch"
        ),
        description="Service equipment.",
    )
    monthly_cost_idr: float = param(
        3_800_000.0,
        unit="IDR per village and month",
        ge=0.0,
        source="ref:ayosemarang-2020-officers [V]: 2 officers x Rp 1.9 m/month",
        description="Two Desmigratif officers.",
    )
    learn_share_first_year: float = param(
        0.35,
        unit="share/year",
        ge=0.0,
        le=1.0,
        source="assumption: +0.3 knowledge in year 1",
        description=(
            "Share of reached households without knowledge who learn the procedure within a year at"
            " full intensity (with the default coverage about +0.3 knowledge in year 1)."
        ),
    )
    risk_information: float = param(
        0.3,
        unit="perceived risk (0 to 1 scale)",
        ge=0.0,
        le=1.0,
        source=(
            "ref:shrestha-2020-get-rich [V]: potential migrants respond to information on mortality "
            "risk; ref:bazzi-2021-agency-information [V]: information on agency quality cut the use "
            "of low-quality agencies; the size is an assumption (0.3: as much as three deaths or "
            "deportations from the village in the past year), 0 (no response) allowed"
        ),
        description=(
            "Perceived risk of the non-procedural route added for reached households in route choice"
            " (information on its risks), through migration.risk_route_weight."
        ),
    )
    procedural_cost_reduction: float = param(
        0.3,
        unit="share",
        ge=0.0,
        le=1.0,
        source="assumption: village one-stop service; 0 (no cut) allowed",
        description="Cut in the procedural route's cost while the centre runs.",
    )
    wait_reduction: float = param(
        0.3,
        unit="share",
        ge=0.0,
        le=1.0,
        source="assumption: village one-stop service; 0 (no cut) allowed",
        description="Cut in the procedural waiting time while the centre runs.",
    )


class ProductiveEnterpriseSettings(ComponentSettings):
    """Productive enterprise: mentoring and grants to business groups."""

    eligibility: Eligibility = param(
        "migrant_households",
        unit="-",
        source="ref:suara-2017-launch [V]: mainly for families left behind",
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
        source="ref:sumbawabaratpost-2019-grant [V]: Sumbawa Barat 2019, 2 packages of Rp 70 m per village",
        description="One grant package, shared equally by one business group.",
    )
    group_size: int = param(
        20,
        unit="households",
        ge=10,
        le=20,
        source=(
            "ref:sumbawabaratpost-2019-grant, ref:antara-mataram-lombok-tengah-grant [V]: groups of 10-20 "
            "members"
        ),
        description="Members per business group.",
    )
    grant_months_after_start: list[Annotated[int, Field(ge=0, le=120)]] = param(
        [3, 15],
        unit="months after the start",
        source="ref:sumbawabaratpost-2019-grant [V] (two packages); timing is an assumption",
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
        source="assumption: 10%/yr with mentoring",
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
        source="assumption (growth from 40 members with programme outreach)",
        description="Monthly chance a reached non-member joins while the component runs.",
    )


class CommunityParentingSettings(ComponentSettings):
    """Community parenting (parenting bersama) for migrants' children."""

    eligibility: Eligibility = param(
        "migrant_households",
        unit="-",
        source="ref:suara-2017-launch [V]: for migrants' children",
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
        source="assumption: +5 pp",
        description="Rise in the school attendance chance of reached households' children.",
    )


class ComponentsSettings(InputModel):
    """The programme: which components run and how."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    information_centre: InformationCentreSettings = Field(default_factory=InformationCentreSettings)
    productive_enterprise: ProductiveEnterpriseSettings = Field(default_factory=ProductiveEnterpriseSettings)
    cooperative: CooperativeFormationSettings = Field(default_factory=CooperativeFormationSettings)
    community_parenting: CommunityParentingSettings = Field(default_factory=CommunityParentingSettings)
