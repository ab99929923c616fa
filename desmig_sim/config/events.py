"""Exogenous inputs as dated events: wages, exchange rate, moratoria, closures, droughts, zero-cost rule.

Scenario files list events under ``[[events]]`` with a ``kind``. Each month the model asks
:func:`conditions_at` for the conditions in force; events never draw random numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, model_validator

from desmig_sim.config.inputs import InputModel
from desmig_sim.config.parameters import param
from desmig_sim.core.calendar import YEAR_MONTH_PATTERN, parse_year_month

YearMonth = Annotated[str, Field(pattern=YEAR_MONTH_PATTERN, description="A month, 'YYYY-MM'.")]


class _Event(InputModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MinimumWageStep(_Event):
    """The destination's statutory minimum wage changes (Malaysia: ref:malaysia-minimum-wages-orders [V])."""

    kind: Literal["destination_min_wage"]
    date: YearMonth = param(
        ...,
        unit="month (YYYY-MM)",
        source="assumption: a scenario input",
        description="Month it takes effect.",
    )
    value_myr: float = param(
        ...,
        unit="MYR/month",
        ge=1.0,
        source="ref:malaysia-minimum-wages-orders [V]",
        description="New minimum wage.",
    )


class ExchangeRateChange(_Event):
    """The rupiah/ringgit exchange rate changes (an approximate rate, [M])."""

    kind: Literal["exchange_rate"]
    date: YearMonth = param(
        ...,
        unit="month (YYYY-MM)",
        source="assumption: a scenario input",
        description="Month it takes effect.",
    )
    idr_per_myr: float = param(
        ...,
        unit="IDR/MYR",
        ge=1.0,
        source="assumption: approximate rate [M], from memory",
        description="New exchange rate.",
    )


class _Window(_Event):
    start: YearMonth = param(
        ...,
        unit="month (YYYY-MM)",
        source="assumption: a scenario input",
        description="First month in force.",
    )
    end: YearMonth | None = param(
        None,
        unit="month (YYYY-MM)",
        source="assumption: a scenario input",
        description="Last month in force (none: open-ended).",
    )

    @model_validator(mode="after")
    def _end_after_start(self) -> _Window:
        if self.end is not None and parse_year_month(self.end) < parse_year_month(self.start):
            raise ValueError(
                f"end {self.end!r} is before start {self.start!r};"
                " allowed: an end month on or after the start"
            )
        return self


class Moratorium(_Window):
    """NTT's provincial moratorium on sending workers (from 2018, ref:jakartapost-2019-moratorium [V]).

    Formal placements slow down: the monthly chance of a procedural application is multiplied by
    ``procedural_application_factor``.
    """

    kind: Literal["moratorium"]
    procedural_application_factor: float = param(
        0.5,
        unit="multiplier",
        ge=0.0,
        le=1.0,
        source="assumption (ref:jakartapost-2019-moratorium [V]: moratorium since 2018; strength unknown)",
        description="Multiplier on the chance of a procedural application.",
    )


class BorderClosure(_Window):
    """A closure of the destination's border (COVID-19, 2020-21; ref:fmt-2022-malaysia-intake [V])."""

    kind: Literal["border_closure"]
    departure_factor: float = param(
        0.1, unit="multiplier", ge=0.0, le=1.0, source="assumption", description="Multiplier on departures."
    )
    return_multiplier: float = param(
        3.0,
        unit="multiplier",
        ge=0.0,
        le=50.0,
        source="assumption (ref:antara-ntt-2020-returnees [V]: ~5,000 returnees expected in mid-2020)",
        description="Multiplier on the return hazard of migrants abroad.",
    )
    wage_factor: float = param(
        0.7,
        unit="multiplier",
        ge=0.0,
        le=1.0,
        source="assumption",
        description="Multiplier on wages: lost work.",
    )


class Drought(_Event):
    """A drought year imposed by the scenario: the year's farm income is cut (El Niño years hit NTT).

    Random drought years are drawn as well (``income.drought_prob_per_year``); in a year with both,
    the larger loss applies, never their sum.
    """

    kind: Literal["drought"]
    year: int = param(
        ...,
        unit="calendar year",
        ge=1900,
        le=2200,
        source="assumption: a scenario input",
        description="Calendar year of the drought (January to December).",
    )
    severity: float = param(
        0.4,
        unit="share of farm income",
        ge=0.0,
        le=1.0,
        source=(
            "ref:jakartapost-2016-ntt-drought [V]: ~40% of the cornfields of Timor Tengah Selatan in"
            " severe drought (El Niño, Feb 2016)"
        ),
        description="Share of the year's farm income lost.",
    )


class ZeroCostPlacement(_Window):
    """BP2MI Regulation 9/2020: no placement fee for workers in 10 occupations (ref:bp2mi-reg-9-2020 [V]).

    Issued July 2020, start postponed to 15 July 2021, implementation launched 12 August 2021. It
    covers domestic workers, carers, cooks, family drivers, gardeners, cleaners, farm/plantation
    workers and fishing crew (in the model: domestic/care and plantation work, not
    construction/other). Agencies' compliance is disputed: while the rule is in force, the
    procedural cost of a covered job order is cut by ``compliance_share`` (on average over agencies).
    """

    kind: Literal["zero_cost_placement"]
    compliance_share: float = param(
        0.5,
        unit="share of the placement fee",
        ge=0.0,
        le=1.0,
        source=(
            "assumption: compliance by agencies is disputed (ref:bp2mi-reg-9-2020 [V]); 0 = the rule is"
            " ignored, 1 = fully applied (sensitivity 0-1)"
        ),
        description="Share of a covered job order's placement cost that agencies waive, on average.",
    )


Event = Annotated[
    MinimumWageStep | ExchangeRateChange | Moratorium | BorderClosure | Drought | ZeroCostPlacement,
    Field(discriminator="kind"),
]

#: Every event type, in the order the docs list them.
EVENT_TYPES = (MinimumWageStep, ExchangeRateChange, Moratorium, BorderClosure, Drought, ZeroCostPlacement)
#: The ``kind`` of every event type.
EVENT_KINDS = frozenset(event.model_fields["kind"].annotation.__args__[0] for event in EVENT_TYPES)


@dataclass(frozen=True)
class Conditions:
    """The exogenous conditions in force in one month."""

    min_wage_myr: float
    idr_per_myr: float
    procedural_application_factor: float = 1.0
    departure_factor: float = 1.0
    return_multiplier: float = 1.0
    wage_factor: float = 1.0
    #: Share of farm income lost to a drought the scenario imposes this year (0: none).
    drought_severity: float = 0.0
    #: Share of the placement fee of the zero-cost occupations that agencies waive (0: no rule).
    zero_cost_compliance: float = 0.0


def _in_window(event: _Window, month: int) -> bool:
    start = parse_year_month(event.start)
    end = parse_year_month(event.end) if event.end is not None else None
    return start <= month and (end is None or month <= end)


def conditions_at(
    events: tuple[Event, ...] | list[Event],
    absolute_month: int,
    min_wage_myr: float,
    idr_per_myr: float,
) -> Conditions:
    """The conditions in force in a calendar month.

    Args:
        events: The scenario's events, in any order.
        absolute_month: The month, as returned by :func:`~desmig_sim.core.calendar.parse_year_month`.
        min_wage_myr: The minimum wage before the first wage event.
        idr_per_myr: The exchange rate before the first exchange-rate event.

    Returns:
        The latest wage and exchange rate dated at or before the month (of two events with the
        same date, the one listed later, so that a scenario can override its parent's event), and
        the product of the factors of every window event in force (for zero-cost rules, the
        waived share ``1 - product(1 - compliance)``), and the largest severity of the drought
        events of the month's calendar year.
    """
    wage_date, fx_date = -1, -1
    factors = {"procedural_application_factor": 1.0, "departure_factor": 1.0}
    factors |= {"return_multiplier": 1.0, "wage_factor": 1.0, "drought_severity": 0.0}
    fee_kept = 1.0
    for event in events:
        if isinstance(event, MinimumWageStep):
            date = parse_year_month(event.date)
            if wage_date <= date <= absolute_month:  # the later-listed event of a date wins
                wage_date, min_wage_myr = date, event.value_myr
        elif isinstance(event, ExchangeRateChange):
            date = parse_year_month(event.date)
            if fx_date <= date <= absolute_month:
                fx_date, idr_per_myr = date, event.idr_per_myr
        elif isinstance(event, Moratorium) and _in_window(event, absolute_month):
            factors["procedural_application_factor"] *= event.procedural_application_factor
        elif isinstance(event, BorderClosure) and _in_window(event, absolute_month):
            factors["departure_factor"] *= event.departure_factor
            factors["return_multiplier"] *= event.return_multiplier
            factors["wage_factor"] *= event.wage_factor
        elif isinstance(event, Drought) and event.year == absolute_month // 12:
            factors["drought_severity"] = max(factors["drought_severity"], event.severity)
        elif isinstance(event, ZeroCostPlacement) and _in_window(event, absolute_month):
            fee_kept *= 1.0 - event.compliance_share
    return Conditions(
        min_wage_myr=min_wage_myr, idr_per_myr=idr_per_myr, zero_cost_compliance=1.0 - fee_kept, **factors
    )
