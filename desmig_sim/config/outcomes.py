"""The outcome catalogue: every column of the monthly outcome table, described once.

For each outcome column: its readable label, unit, meaning, whether it is a stock or a flow, how
it is pooled over villages and aggregated over time, and which direction is better. Tables, plots,
the dashboard, comparisons and sweeps read these facts from here and define none of their own.

Conventions: money is in rupiah (nominal); ``unit`` is the unit of one month's value (flows are
per month). A share whose denominator is zero (for example the non-procedural share in a month
without departures) is missing (NaN, an empty cell in CSV), never 0: tables, plots and
comparisons leave it out (:mod:`desmig_sim.core.stats`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

#: The row label of the values pooled over all villages.
POOLED = "ALL"
#: The row label of the values pooled over the programme villages (only in worlds with neighbours).
PROGRAMME_GROUP = "PROGRAMME"
#: The row label of the values pooled over the non-programme neighbour villages (spill-over).
NEIGHBOURS_GROUP = "NEIGHBOURS"
#: The group rows after ``ALL``, in order, in worlds with non-programme neighbours.
GROUPS: tuple[str, ...] = (PROGRAMME_GROUP, NEIGHBOURS_GROUP)


@dataclass(frozen=True)
class Outcome:
    """One outcome column and how to read, pool, aggregate and judge it.

    Attributes:
        column: Column name in the outcome table (a contract later tools rely on).
        label: Readable name, e.g. for table rows and chart titles.
        unit: Unit of one month's value, e.g. ``IDR/month``, ``share``, ``persons``.
        description: What the value is (the unit first where it helps).
        kind: ``stock`` (a level at the end of the month) or ``flow`` (an amount during the month,
            or a ratio of such amounts).
        pooled: How the row pooled over villages is computed from the villages: ``sum``, ``mean``
            or ``share`` (of the totals, with ``denominator``), or ``recomputed`` (the statistic
            computed again over the households of all villages, e.g. a median or Gini).
        denominator: What a ``mean`` or ``share`` divides by; None otherwise.
        at_horizon: The value shown at a horizon in summary tables and comparisons: ``last`` (the
            horizon month's value) or ``sum`` (summed from the first month to the horizon).
        better: +1 if a higher value is better for the village, -1 if lower is better, 0 if
            neither (a count or a flow whose direction is not a welfare judgement).
        display_divisor: Charts show ``value / display_divisor`` (rupiah in thousands or millions).
        plain: A title in plain words, its unit included, for workshop audiences (the
            dashboard's live charts); None where the label and unit serve.
    """

    column: str
    label: str
    unit: str
    description: str
    kind: Literal["stock", "flow"]
    pooled: Literal["sum", "mean", "share", "recomputed"]
    denominator: str | None = None
    at_horizon: Literal["last", "sum"] = "last"
    better: Literal[-1, 0, 1] = 0
    display_divisor: float = 1.0
    plain: str | None = None

    @property
    def summed_unit(self) -> str:
        """Unit of values summed over months: without ``/month``."""
        return self.unit.removesuffix("/month")

    @property
    def horizon_unit(self) -> str:
        """Unit of the value at a horizon: a flow summed over months loses its ``/month``."""
        return self.summed_unit if self.at_horizon == "sum" else self.unit

    @property
    def horizon_label(self) -> str:
        """Label of the value at a horizon: ``(cumulative)`` added when it is summed over months."""
        return f"{self.label} (cumulative)" if self.at_horizon == "sum" else self.label

    @property
    def better_word(self) -> Literal["higher", "lower", "neither"]:
        """``higher``, ``lower`` or ``neither``: which direction is better."""
        return {1: "higher", -1: "lower", 0: "neither"}[self.better]  # type: ignore[return-value]

    @property
    def display_unit(self) -> str:
        """Unit of the charted values (``value / display_divisor``), e.g. ``IDR million/month``."""
        prefix = {1.0: "", 1e3: " thousand", 1e6: " million"}[self.display_divisor]
        return self.unit.replace("IDR", f"IDR{prefix}", 1) if prefix else self.unit


def _catalogue(*outcomes: Outcome) -> dict[str, Outcome]:
    return {o.column: o for o in outcomes}


def _by_sex(total: Outcome) -> tuple[Outcome, Outcome]:
    """The women's and men's parts of a count (their sum is ``total``)."""
    return tuple(  # type: ignore[return-value]
        Outcome(
            f"{total.column}_{sex}",
            f"{total.label}, {sex}",
            total.unit,
            f"{total.description}: {sex} only",
            total.kind,
            total.pooled,
            at_horizon=total.at_horizon,
            better=total.better,
        )
        for sex in ("women", "men")
    )


_DEPARTURES_PROCEDURAL = Outcome(
    "departures_procedural",
    "Departures, procedural",
    "persons/month",
    "persons leaving by the procedural route this month",
    "flow",
    "sum",
)
_DEPARTURES_NON_PROCEDURAL = Outcome(
    "departures_non_procedural",
    "Departures, non-procedural",
    "persons/month",
    "persons leaving by the non-procedural route this month",
    "flow",
    "sum",
    better=-1,
)
_DEATHS_ABROAD = Outcome(
    "deaths_abroad",
    "Deaths abroad",
    "persons/month",
    "migrants who died abroad this month",
    "flow",
    "sum",
    at_horizon="sum",
    better=-1,
)
_MIGRANTS_ABROAD = Outcome(
    "migrants_abroad",
    "Migrants abroad",
    "persons",
    "persons abroad (either route)",
    "stock",
    "sum",
)


#: Every outcome column, in table order.
CATALOGUE: dict[str, Outcome] = _catalogue(
    Outcome(
        "income_per_capita_mean",
        "Income per capita (mean)",
        "IDR/person/month",
        "IDR/person/month: mean over households of income per resident member",
        "stock",
        "mean",
        "households",
        better=1,
        display_divisor=1e3,
        plain="Income per person (Rp thousand a month)",
    ),
    Outcome(
        "income_per_capita_median",
        "Income per capita (median)",
        "IDR/person/month",
        "IDR/person/month: median over households",
        "stock",
        "recomputed",
        better=1,
        display_divisor=1e3,
    ),
    Outcome(
        "consumption_per_capita_mean",
        "Consumption per capita (mean)",
        "IDR/person/month",
        "IDR/person/month: household consumption summed over households, divided by resident members",
        "stock",
        "mean",
        "residents",
        better=1,
        display_divisor=1e3,
    ),
    Outcome(
        "poverty_rate",
        "Poverty rate (consumption)",
        "share",
        "share of residents whose household consumption per capita is below the poverty line (BPS P0)",
        "stock",
        "share",
        "residents",
        better=-1,
        plain="Poverty rate (share of people)",
    ),
    Outcome(
        "poverty_rate_income",
        "Poverty rate (income)",
        "share",
        "share of residents whose household income per capita is below the poverty line",
        "stock",
        "share",
        "residents",
        better=-1,
    ),
    Outcome(
        "gini",
        "Gini (income per capita)",
        "index",
        "Gini coefficient of household income per capita",
        "stock",
        "recomputed",
        better=-1,
    ),
    _DEPARTURES_PROCEDURAL,
    _DEPARTURES_NON_PROCEDURAL,
    Outcome(
        "non_procedural_share",
        "Non-procedural share of departures, this month",
        "share",
        "share of this month's departures that are non-procedural (missing if none)",
        "flow",
        "share",
        "departures this month",
        better=-1,
    ),
    Outcome(
        "non_procedural_share_12m",
        "Non-procedural share of departures, 12 months",
        "share",
        "the same over the last 12 months (missing if none)",
        "flow",
        "share",
        "departures in the last 12 months",
        better=-1,
        plain="Departures without papers, last 12 months (share)",
    ),
    Outcome(
        "migrants_abroad_procedural",
        "Migrants abroad, procedural",
        "persons",
        "persons abroad who left by the procedural route",
        "stock",
        "sum",
    ),
    Outcome(
        "migrants_abroad_non_procedural",
        "Migrants abroad, non-procedural",
        "persons",
        "persons abroad who left by the non-procedural route",
        "stock",
        "sum",
        better=-1,
    ),
    Outcome(
        "migrant_households",
        "Households with a member abroad",
        "households",
        "households with at least one member abroad at the end of the month",
        "stock",
        "sum",
    ),
    Outcome(
        "remittances_received",
        "Remittances received",
        "IDR/month",
        "IDR received by households this month",
        "flow",
        "sum",
        better=1,
        display_divisor=1e6,
        plain="Remittances received (Rp million a month)",
    ),
    Outcome(
        "remittance_fees_and_losses",
        "Remittance fees and losses",
        "IDR/month",
        "IDR lost to fees (formal) and lost transfers (informal)",
        "flow",
        "sum",
        better=-1,
        display_divisor=1e6,
    ),
    Outcome(
        "productive_investment",
        "Productive investment",
        "IDR/month",
        (
            "IDR invested in household businesses (remittances, loans, grants, returnees' savings):"
            " the sum of the four parts below"
        ),
        "flow",
        "sum",
        better=1,
        display_divisor=1e6,
    ),
    Outcome(
        "productive_investment_remittances",
        "Productive investment from remittances",
        "IDR/month",
        "IDR invested in household businesses out of remittances received (the productive share)",
        "flow",
        "sum",
        better=0,
        display_divisor=1e6,
    ),
    Outcome(
        "productive_investment_loans",
        "Productive investment from cooperative loans",
        "IDR/month",
        "IDR of new cooperative loans invested in household businesses",
        "flow",
        "sum",
        better=0,
        display_divisor=1e6,
    ),
    Outcome(
        "productive_investment_grants",
        "Productive investment from programme grants",
        "IDR/month",
        "IDR of programme grants (productive enterprise business groups) invested in household businesses",
        "flow",
        "sum",
        better=0,
        display_divisor=1e6,
    ),
    Outcome(
        "productive_investment_returnee_savings",
        "Productive investment from returnees' savings",
        "IDR/month",
        "IDR of savings brought home from abroad that returnees invested in household businesses",
        "flow",
        "sum",
        better=0,
        display_divisor=1e6,
    ),
    Outcome(
        "coop_members",
        "Cooperative members",
        "households",
        "households that are members of an active cooperative",
        "stock",
        "sum",
        better=1,
    ),
    Outcome(
        "coop_savings",
        "Cooperative savings",
        "IDR",
        "IDR deposited with cooperatives (members' deposits)",
        "stock",
        "sum",
        better=1,
        display_divisor=1e6,
        plain="Cooperative savings (Rp million)",
    ),
    Outcome(
        "coop_loans_outstanding",
        "Cooperative loans outstanding",
        "IDR",
        "IDR of cooperative loan principal outstanding",
        "stock",
        "sum",
        display_divisor=1e6,
    ),
    Outcome(
        "coop_active",
        "Active cooperatives",
        "cooperatives",
        "number of active cooperatives",
        "stock",
        "sum",
        better=1,
    ),
    Outcome(
        "businesses_active",
        "Businesses active",
        "households",
        "household businesses with at least the minimum capital",
        "stock",
        "sum",
        better=1,
    ),
    Outcome(
        "local_jobs",
        "Local jobs",
        "jobs",
        "jobs in household businesses (owners and employees)",
        "stock",
        "sum",
        better=1,
    ),
    Outcome(
        "local_earnings",
        "Local earnings",
        "IDR/month",
        "IDR of farm and local-wage income earned by households this month (harvest season and droughts)",
        "flow",
        "sum",
        better=1,
        display_divisor=1e6,
        plain="Local farm and wage income (Rp million a month)",
    ),
    Outcome(
        "business_profit",
        "Business profit",
        "IDR/month",
        "IDR of household business profit this month (sales within the village market's limits less costs)",
        "flow",
        "sum",
        better=1,
        display_divisor=1e6,
        plain="Business profit (Rp million a month)",
    ),
    Outcome(
        "children_in_school_share",
        "Children in school",
        "share",
        "share of children attending school this school year",
        "stock",
        "share",
        "children of school age",
        better=1,
    ),
    _DEATHS_ABROAD,
    Outcome(
        "deportations",
        "Deportations",
        "persons/month",
        "migrants deported this month",
        "flow",
        "sum",
        better=-1,
    ),
    Outcome(
        "returns",
        "Returns",
        "persons/month",
        "migrants who came home this month (not deported)",
        "flow",
        "sum",
    ),
    Outcome(
        "returnees_at_home",
        "Returnees at home",
        "persons",
        "former migrants (returned or deported) living at home",
        "stock",
        "sum",
    ),
    Outcome(
        "savings_brought_home",
        "Savings brought home",
        "IDR/month",
        "IDR of savings abroad that reached households with migrants who returned, were deported or died",
        "flow",
        "sum",
        at_horizon="sum",
        better=1,
        display_divisor=1e6,
    ),
    Outcome(
        "returnee_businesses_started",
        "Returnee business investments",
        "households/month",
        "households in which a returnee invested savings brought home in a business this month",
        "flow",
        "sum",
        at_horizon="sum",
        better=1,
    ),
    Outcome(
        "program_cost",
        "Programme cost",
        "IDR/month",
        "IDR spent on the programme this month",
        "flow",
        "sum",
        at_horizon="sum",
        display_divisor=1e6,
        plain="Programme cost (Rp million a month)",
    ),
    # By sex: the women's and men's parts of departures, deaths and migrants abroad.
    *_by_sex(_DEPARTURES_PROCEDURAL),
    *_by_sex(_DEPARTURES_NON_PROCEDURAL),
    *_by_sex(_DEATHS_ABROAD),
    *_by_sex(_MIGRANTS_ABROAD),
    Outcome(
        "women_share_procedural_departures",
        "Women's share of procedural departures",
        "share",
        "share of this month's procedural departures who are women (missing if none)",
        "flow",
        "share",
        "procedural departures this month",
    ),
)

#: Outcome column -> its description, in table order.
OUTCOMES: dict[str, str] = {c: o.description for c, o in CATALOGUE.items()}
#: Every column of the outcome table, in order.
COLUMNS: list[str] = ["month", "date", "village", *CATALOGUE]

#: The key outcomes of summary tables, reports and the dashboard's comparison, in their order.
KEY_OUTCOMES: tuple[str, ...] = (
    "income_per_capita_mean",
    "poverty_rate",
    "gini",
    "non_procedural_share_12m",
    "migrants_abroad_non_procedural",
    "migrants_abroad_procedural",
    "remittances_received",
    "productive_investment",
    "businesses_active",
    "coop_members",
    "children_in_school_share",
    "deaths_abroad",
    "program_cost",
)
#: The panels of the standard time-series figure of replicated runs, in order.
FIGURE_OUTCOMES: tuple[str, ...] = (
    "income_per_capita_mean",
    "poverty_rate",
    "non_procedural_share_12m",
    "remittances_received",
    "productive_investment",
    "coop_savings",
)
#: The dashboard's live charts, in order.
LIVE_OUTCOMES: tuple[str, ...] = (
    "income_per_capita_mean",
    "poverty_rate",
    "non_procedural_share_12m",
    "remittances_received",
    "coop_savings",
    "program_cost",
)
