"""Wages abroad and remittances: how much is earned, sent, charged and lost.

Amounts follow ref:kobumi-2017-sumut-remittances: migrants remit a share of the wage left after any
broker debt is deducted (ref:pikiran-rakyat-2022-ntb-brokers); non-procedural migrants send in a
given month only with some probability (an assumption); the formal channel charges a fee and the
informal channel sometimes loses the whole transfer (ref:hernandez-coss-2008-malaysia-corridor).
Money is conserved: ``sent = received + fees + losses``.
"""

from __future__ import annotations

import numpy as np

from desmig_sim.core.enums import Channel, Destination, Route


def wage_idr(
    route: np.ndarray,
    destination: np.ndarray,
    min_wage_myr: float,
    idr_per_myr: float,
    non_procedural_factor: float,
    other_destination_factor: float,
    closure_factor: float = 1.0,
    job_factor: np.ndarray | float = 1.0,
) -> np.ndarray:
    """Monthly wage in rupiah of each migrant (zero where ``route`` is NONE).

    Procedural plantation workers in Malaysia earn the statutory minimum wage; ``job_factor``
    sets other occupations' pay relative to it (domestic workers are outside the minimum-wage
    orders, ref:malaysia-minimum-wages-orders); non-procedural migrants earn a fraction of it;
    work outside Malaysia pays a premium; a border closure cuts work.
    """
    base = min_wage_myr * idr_per_myr * closure_factor
    factor = np.where(route == Route.NON_PROCEDURAL, non_procedural_factor, 1.0)
    factor = np.where(route == Route.NONE, 0.0, factor) * job_factor
    factor = factor * np.where(destination == Destination.OTHER, other_destination_factor, 1.0)
    return base * factor


def broker_debt_with_interest(broker_debt: np.ndarray, rate: float) -> np.ndarray:
    """The broker debt after this month's interest on what is still owed."""
    return broker_debt * (1.0 + rate)


def broker_deduction(wage: np.ndarray, broker_debt: np.ndarray, share: float) -> np.ndarray:
    """What the broker deducts from this month's wage: a share of it, at most the debt left."""
    return np.minimum(broker_debt, share * wage)


def amount_sent(
    wage_after_debt: np.ndarray,
    propensity: np.ndarray,
    months_abroad: np.ndarray,
    decay_per_year: float,
    sends: np.ndarray,
) -> np.ndarray:
    """Rupiah each migrant sends home this month.

    Args:
        wage_after_debt: Wage left after broker deductions.
        propensity: The migrant's share of wage remitted.
        months_abroad: Months since departure (for the optional decay).
        decay_per_year: Yearly decline of the remitted share (0 = none).
        sends: Mask of migrants who send this month.
    """
    decay = (1.0 - decay_per_year) ** (months_abroad / 12.0)
    return np.where(sends, wage_after_debt * propensity * decay, 0.0)


def channel_costs(
    sent: np.ndarray,
    channel: np.ndarray,
    formal_fee_share: float,
    lost: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Fees of formal transfers and losses of informal ones.

    Args:
        sent: Amounts sent.
        channel: Each migrant's channel (:class:`~desmig_sim.model.state.Channel`).
        formal_fee_share: Fee of the formal channel, share of the amount.
        lost: Mask of transfers lost if informal (drawn by the caller).

    Returns:
        ``(fees, losses)``, both arrays the size of ``sent``.
    """
    fees = np.where(channel == Channel.FORMAL, sent * formal_fee_share, 0.0)
    losses = np.where((channel == Channel.INFORMAL) & lost, sent, 0.0)
    return fees, losses
