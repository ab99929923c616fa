"""Household businesses: returns, failure and local jobs.

A business is active while its capital is at least a minimum. Revenue is a noisy return on
capital (2%/month mean, an assumption), raised by the village's local potential and, for
cooperative members, by joint marketing. Businesses fail with a yearly probability that
mentoring halves (assumption: 20%/yr without, 10%/yr with mentoring), losing their capital. The
household's income from its business is the profit: revenue less a share of running costs.

A village's market supports only so many businesses: beyond its capacity, which grows with the
village's real consumption, each business sells less (:func:`demand_multiplier`).
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


def market_capacity(
    households: np.ndarray,
    consumption: np.ndarray,
    base_consumption: np.ndarray,
    price_index: float,
    capacity_share: float,
) -> np.ndarray:
    """Businesses each village's market supports: a share of its households, scaled by its real demand.

    Args:
        households: Households of each village.
        consumption: Consumption of each village this month (IDR, before business profits).
        base_consumption: Consumption of each village at the start (IDR, start prices).
        price_index: Price level relative to the start.
        capacity_share: Businesses per household the market supports at the starting demand.
    """
    demand = np.divide(
        consumption, base_consumption * price_index, out=np.ones_like(consumption), where=base_consumption > 0
    )
    return capacity_share * households * np.maximum(demand, 0.0)


def demand_multiplier(businesses: np.ndarray, capacity: np.ndarray, elasticity: float) -> np.ndarray:
    """Multiplier on each village's business returns: ``min(1, capacity / businesses) ** elasticity``.

    Up to the capacity every business sells what its capital earns; beyond it, sales are shared:
    with elasticity 1 the village's total sales stop growing with more businesses (a fixed
    market), with 0 there is no limit.

    Args:
        businesses: Active businesses of each village.
        capacity: Businesses each village's market supports (:func:`market_capacity`).
        elasticity: How strongly crowding lowers returns (0: no constraint).
    """
    ratio = np.divide(capacity, businesses, out=np.ones_like(capacity), where=businesses > 0)
    return np.minimum(ratio, 1.0) ** elasticity


def profit(revenue: np.ndarray, running_cost_share: float) -> np.ndarray:
    """Business profit: revenue less the running costs (inputs, transport, hired help), a share of it."""
    return revenue * (1.0 - running_cost_share)


def failures(u: np.ndarray, monthly_failure_prob: np.ndarray | float) -> np.ndarray:
    """Mask of businesses that fail this month."""
    return u < monthly_failure_prob


def local_jobs(capital: np.ndarray, capital_per_job: float) -> np.ndarray:
    """Jobs in each active business: the owner's plus one per ``capital_per_job`` of capital."""
    return 1.0 + np.floor(capital / capital_per_job)
