"""Savings-and-loan cooperatives (koperasi simpan pinjam / Kopdit).

Members deposit monthly and earn interest (1%/month, facts.md §5.2 [V]); they borrow for
productive use up to a multiple of their deposits (3x, facts.md §8), repaying the principal in
equal instalments plus flat interest (2%/month, §5.2 [V]). Loans default with a small yearly
probability, and a cooperative becomes inactive with a yearly hazard (§5.1 [D]). Lending is
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


def flat_interest(outstanding: np.ndarray, original: np.ndarray, rate: float) -> np.ndarray:
    """Flat interest on the original principal, charged while any principal is outstanding."""
    return np.where(outstanding > 0, original * rate, 0.0)


def loan_size(deposit: np.ndarray, max_to_savings: float) -> np.ndarray:
    """The loan a member may take: a multiple of the deposits."""
    return deposit * max_to_savings


def ration_by_liquidity(requests: np.ndarray, village: np.ndarray, cash: np.ndarray) -> np.ndarray:
    """Grant loan requests first come, first served (slot order) while each village's cash lasts.

    Requests queue in slot order; a request is granted if it and every request before it in the
    village's queue fit in the cash. Once one does not fit, later requests wait for a later month.

    Args:
        requests: Amount requested by each household (0 = none).
        village: Village index of each household.
        cash: Liquid funds of each village's cooperative.

    Returns:
        The amount granted to each household (all or nothing).
    """
    granted = np.zeros_like(requests)
    asking = np.flatnonzero(requests > 0)
    for v in np.unique(village[asking]):
        queue = asking[village[asking] == v]
        # Running total within this village only, so rounding never depends on other villages.
        fits = np.cumsum(requests[queue]) <= cash[v]
        served = queue[: np.argmin(fits)] if not fits.all() else queue
        granted[served] = requests[served]
    return granted
