"""Household budgets: how local income and remittances are used.

Remittances are split by the use shares of ref:jpnn-2015-ilo-remittance-use and
ref:uniteller-2019-recipients (consumption, debt, education, housing, savings, productive
investment). The debt share repays debt while there is any; the rest of it is consumed. Programme
components move part of the consumption share to productive investment (mentoring, cooperative
membership). Needs come first: a household whose consumption is short of its need spends more of
its remittances on consumption, taking it from the other uses (education, housing, savings,
investment) in proportion, so that poorer receiving households invest a smaller share
(ref:adams-cuecuecha-2010: at the margin, receiving households spend more on food).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class RemittanceUse:
    """Rupiah of this month's remittances by use, one entry per household."""

    consumption: np.ndarray
    debt_repaid: np.ndarray
    education: np.ndarray
    housing: np.ndarray
    savings: np.ndarray
    productive: np.ndarray


def allocate_remittances(
    received: np.ndarray,
    debt: np.ndarray,
    consumption_share: float,
    debt_share: float,
    education_share: float,
    housing_share: float,
    savings_share: float,
    productive_share: float,
    productive_boost: np.ndarray | float = 0.0,
    consumption_gap: np.ndarray | float = 0.0,
) -> RemittanceUse:
    """Split each household's remittances by use.

    Args:
        received: Remittances received this month.
        debt: Household debt outstanding before repayment.
        consumption_share: Baseline share consumed.
        debt_share: Share meant for debt repayment.
        education_share: Share for schooling.
        housing_share: Share for housing.
        savings_share: Share saved.
        productive_share: Baseline share invested.
        productive_boost: Share moved from consumption to investment (programme effects);
            capped at the consumption share.
        consumption_gap: How far each household's consumption falls short of its need before
            remittances (IDR, >= 0). Remittances consumed (the consumption share and the unused
            debt share) fill it first; what is still missing is taken from education, housing,
            savings and investment in proportion, up to all of them.

    Returns:
        The uses; they add up to ``received`` exactly.
    """
    boost = np.minimum(productive_boost, consumption_share)
    debt_repaid = np.minimum(debt, received * debt_share)
    other_share = education_share + housing_share + savings_share + productive_share + boost
    others = received * other_share
    consumed = received - debt_repaid - others
    shortfall = np.clip(np.asarray(consumption_gap, dtype=float) - consumed, 0.0, others)
    keep = 1.0 - np.divide(shortfall, others, out=np.zeros_like(shortfall), where=others > 0)
    productive = received * (productive_share + boost) * keep
    education = received * education_share * keep
    housing = received * housing_share * keep
    savings = received * savings_share * keep
    consumption = received - debt_repaid - productive - education - housing - savings
    return RemittanceUse(consumption, debt_repaid, education, housing, savings, productive)


def consumption_from_local_income(
    local_income: np.ndarray | float,
    savings: np.ndarray | float,
    savings_rate: float,
    smoothing: float,
) -> tuple[np.ndarray, np.ndarray]:
    """What a household consumes this month out of local income and out of its harvest store.

    Households store the harvest (grain, cash) and eat from the store in the lean months, so their
    consumption follows the year's average farm income, not the month's: they plan to consume
    ``(1 - savings_rate) * local_income * smoothing``, where ``smoothing`` is the month's local
    income without the seasonal cycle over that with it. In harvest months (``smoothing <= 1``)
    the surplus stays in savings; in lean months the shortfall is drawn from savings, as far as
    they are positive. With no season (``smoothing == 1``) consumption is
    ``(1 - savings_rate) * local_income``.

    Args:
        local_income: This month's local income.
        savings: Savings before this month's local income.
        savings_rate: Share of local income saved.
        smoothing: Local income without the season over local income with it, this month.

    Returns:
        ``(from_income, from_store)``: consumption paid out of this month's local income (the rest
        of it is saved) and consumption drawn from savings (at most the positive savings).
        Consumption is their sum; adding ``local_income - from_income`` to savings and then
        taking ``from_store`` away never leaves savings below zero.
    """
    base = (1.0 - savings_rate) * np.asarray(local_income, dtype=float)
    planned = base * smoothing
    if smoothing <= 1.0:
        return planned, np.zeros_like(planned)
    return base, np.minimum(planned - base, np.maximum(savings, 0.0))


def consumption_gap(
    consumption: np.ndarray | float, residents: np.ndarray | float, need_per_resident: float
) -> np.ndarray:
    """How far consumption falls short of the need of a household's residents (IDR, >= 0)."""
    return np.maximum(need_per_resident * np.asarray(residents, dtype=float) - consumption, 0.0)


def uniform_shock(u: np.ndarray | float, sd: float) -> np.ndarray:
    """A mean-zero shock with standard deviation ``sd``, uniform on ``[-sd*sqrt(3), sd*sqrt(3)]``."""
    return sd * np.sqrt(3.0) * (2.0 * np.asarray(u) - 1.0)


def local_income(
    base_income: np.ndarray,
    income_level: float,
    u: np.ndarray,
    shock_sd: float,
) -> np.ndarray:
    """This month's local (farm and wage) income of each household.

    The base income of the household's residents at start prices, times the month's income level
    (the price index times the season's and drought's :func:`farm_income_factor`), times a
    mean-one uniform shock (local harvest and casual-work variability) drawn from ``u``.
    """
    income = uniform_shock(u, shock_sd)
    income += 1.0
    income *= income_level
    income *= base_income
    return income


def farm_income_factor(
    calendar_month: int,
    farm_share: float,
    seasonality: float,
    harvest_month: int,
    drought_loss: float,
) -> float:
    """Multiplier on local income from the harvest season and a drought: 1 on average over a normal year.

    The farm part of local income (``farm_share``) follows one harvest a year: it is multiplied by
    ``1 + seasonality * cos(2 pi (calendar_month - harvest_month) / 12)``, whose mean over the twelve
    months is 1, and by ``1 - drought_loss`` in a drought year. The rest (wage work, trade) is flat.

    Args:
        calendar_month: Calendar month of the step (1-12).
        farm_share: Share of local income from the household's farm.
        seasonality: Amplitude of the farm-income cycle (0: no season).
        harvest_month: Calendar month of the harvest (the peak of farm income).
        drought_loss: Share of farm income lost to drought this year (0: no drought).
    """
    season = 1.0 + seasonality * math.cos(2.0 * math.pi * (calendar_month - harvest_month) / 12.0)
    return 1.0 - farm_share + farm_share * season * (1.0 - drought_loss)
