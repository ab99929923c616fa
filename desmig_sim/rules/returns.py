"""Stays abroad, savings abroad and the reintegration of returnees, as pure functions.

* **Stay types** (drawn at departure): a share of departures (either route) settle abroad for long;
  the others stay for a procedural contract or a temporary non-procedural stay. Settled migrants
  return rarely (their return hazard, and their chance of not renewing a contract, are scaled
  down) and remit a share that declines with time abroad (ref:dustmann-mestres-2010).
* **Savings abroad**: what is left of the wage after living costs abroad and remittances is saved
  abroad and carried home on return; deportation and death lose most of it.
* **Reintegration**: in the first months back, a returnee with savings may invest them in a
  household business, with a monthly chance that grows with the savings brought home.
"""

from __future__ import annotations

import numpy as np

from desmig_sim.core.enums import Route, StayType


def stay_types(route: np.ndarray, u: np.ndarray, settled_share: float) -> np.ndarray:
    """The stay type of each departure: settled with ``settled_share``, else contract or temporary."""
    usual = np.where(route == Route.PROCEDURAL, StayType.CONTRACT, StayType.TEMPORARY)
    return np.where(u < settled_share, StayType.SETTLED, usual).astype(np.int8)


def stay_hazards(
    stay_type: np.ndarray, return_hazard: float, renewal_prob: float, settled_return_factor: float
) -> tuple[np.ndarray, np.ndarray]:
    """Each migrant's monthly return hazard (non-procedural) and contract renewal chance.

    Settled migrants return ``settled_return_factor`` times as often, and fail to renew a
    contract ``settled_return_factor`` times as often, as the others.
    """
    settled = stay_type == StayType.SETTLED
    hazard = np.where(settled, return_hazard * settled_return_factor, return_hazard)
    renewal = np.where(settled, 1.0 - settled_return_factor * (1.0 - renewal_prob), renewal_prob)
    return hazard, renewal


def remittance_decay(
    stay_type: np.ndarray, decay_per_year: float, settled_decay_per_year: float
) -> np.ndarray:
    """Yearly decline of each migrant's remitted share: settled stayers use their own rate."""
    return np.where(stay_type == StayType.SETTLED, settled_decay_per_year, decay_per_year)


def saved_abroad(wage: np.ndarray, sent: np.ndarray, living_cost_share: float) -> np.ndarray:
    """Rupiah saved abroad this month: the wage less living costs and remittances (never negative)."""
    return np.maximum(wage * (1.0 - living_cost_share) - sent, 0.0)


def savings_reaching_home(savings: np.ndarray, planned: np.ndarray, loss_share: float) -> np.ndarray:
    """The part of the savings abroad that reaches the household: all of it on a planned return.

    Args:
        savings: Savings abroad of migrants leaving their work abroad.
        planned: True for a planned return, False for a deportation or a death abroad.
        loss_share: Share lost on a deportation or a death.
    """
    return np.where(planned, savings, savings * (1.0 - loss_share))


def returnee_investment_probability(
    savings_brought: np.ndarray, min_capital: float, base_prob: float
) -> np.ndarray:
    """Monthly chance that a returnee invests the savings brought home in a business.

    ``base_prob`` times how far the savings go towards the capital of an active business, in [0, 1].
    """
    enough = np.minimum(savings_brought / max(min_capital, 1.0), 1.0)
    return base_prob * enough
