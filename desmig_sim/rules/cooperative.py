"""Savings-and-loan cooperatives (koperasi simpan pinjam / Kopdit).

Members deposit monthly and earn interest (1%/month, ref:peluangnews-2026-pintu-air [V]),
credited to their deposits; they borrow for productive use up to a multiple of their deposits (3x,
an assumption), repaying the principal in equal instalments plus interest on the outstanding
balance (2%/month, 24%/yr on a declining basis as Kopdit Pintu Air charges from 2026,
ref:peluangnews-2026-pintu-air [V]). Loans default with a small yearly probability, and a
cooperative becomes inactive with a yearly hazard (ref:ntt-cooperatives-2018-2020 [D]). Lending is
limited by the cooperative's liquid funds.
"""

from __future__ import annotations

import numpy as np


def instalment(outstanding: np.ndarray, original: np.ndarray, term_months: int) -> np.ndarray:
    """Principal repaid this month: an equal share of the original loan, at most what is left.

    The last instalment repays the whole rest, so that rounding never leaves a residue that would
    keep a repaid loan open for another month.
    """
    share = original / term_months
    return np.where(outstanding <= share * (1.0 + 1e-9), outstanding, share)


def loan_interest(outstanding: np.ndarray, rate: float) -> np.ndarray:
    """Interest on the outstanding balance (declining balance), charged to the borrower monthly."""
    return np.maximum(outstanding, 0.0) * rate


def loan_size(deposit: np.ndarray, max_to_savings: float) -> np.ndarray:
    """The loan a member may take: a multiple of the deposits."""
    return deposit * max_to_savings


def ration_by_liquidity(requests: np.ndarray, village: np.ndarray, cash: np.ndarray) -> np.ndarray:
    """Grant loan requests first come, first served (slot order) while each village's cash lasts.

    Requests queue in slot order; a request is granted if it and every request before it in the
    village's queue fit in the cash. Once one does not fit, later requests wait for a later month.
    Loans are made in whole rupiah, so the running totals are exact integers.

    Args:
        requests: Amount requested by each household (0 = none).
        village: Village index of each household.
        cash: Liquid funds of each village's cooperative.

    Returns:
        The amount granted to each household (all of the request, in whole rupiah, or nothing).
    """
    granted = np.zeros(requests.shape)
    asking = np.flatnonzero(requests >= 1.0)
    if asking.size == 0:
        return granted
    order = asking[np.argsort(village[asking], kind="stable")]  # by village, then slot
    amounts = np.floor(requests[order]).astype(np.int64)
    villages = village[order]
    running = np.cumsum(amounts)
    first = np.searchsorted(villages, villages, side="left")
    within = running - (running[first] - amounts[first])  # exact: integer arithmetic
    fits = within <= np.floor(np.maximum(cash, 0.0)).astype(np.int64)[villages]
    # Serve each village's queue up to its first request that does not fit.
    blocked = np.maximum.accumulate(np.where(~fits, np.arange(order.size), -1))
    blocked_here = (blocked >= 0) & (villages[np.maximum(blocked, 0)] == villages)
    served = fits & ~blocked_here
    granted[order[served]] = amounts[served]
    return granted


def surplus_to_share(surplus: np.ndarray, reserve_share: float, cash: np.ndarray) -> np.ndarray:
    """The part of each cooperative's yearly surplus (SHU) paid to members (UU 25/1992 art. 45).

    A positive surplus is shared after reserves; a loss is borne by the reserves (nothing is paid);
    no cooperative pays out more cash than it has.
    """
    return np.minimum(np.maximum(surplus, 0.0) * (1.0 - reserve_share), np.maximum(cash, 0.0))
