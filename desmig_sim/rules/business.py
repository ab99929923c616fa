"""Household businesses: returns, failure and local jobs.

A business is active while its capital is at least a minimum. Revenue is a noisy return on
capital (2%/month mean, an assumption), raised by the village's local potential and, for
cooperative members, by joint marketing. Businesses fail with a yearly probability that
mentoring halves (assumption: 20%/yr without, 10%/yr with mentoring), losing their capital. The
household's income from its business is the profit: revenue less a share of running costs.
"""

from __future__ import annotations

import numpy as np

from desmig_sim.rules.budget import uniform_shock


def business_income(
    capital: np.ndarray,
    mean_return: np.ndarray | float,
    return_sd: float,
    u: np.ndarray,
    multiplier: np.ndarray | float,
) -> np.ndarray:
    """Monthly revenue of businesses: a noisy return on capital (never negative).

    Args:
        capital: Capital of each business.
        mean_return: Mean monthly return on capital.
        return_sd: Standard deviation of the return (uniform shock drawn from ``u``).
        u: Uniform draws, one per business.
        multiplier: Local potential and marketing multipliers.
    """
    rate = np.maximum(mean_return + uniform_shock(u, return_sd), 0.0)
    return capital * rate * multiplier


def profit(revenue: np.ndarray, running_cost_share: float) -> np.ndarray:
    """Business profit: revenue less the running costs (inputs, transport, hired help), a share of it."""
    return revenue * (1.0 - running_cost_share)


def failures(u: np.ndarray, monthly_failure_prob: np.ndarray | float) -> np.ndarray:
    """Mask of businesses that fail this month."""
    return u < monthly_failure_prob


def local_jobs(capital: np.ndarray, capital_per_job: float) -> np.ndarray:
    """Jobs in each active business: the owner's plus one per ``capital_per_job`` of capital."""
    return 1.0 + np.floor(capital / capital_per_job)
