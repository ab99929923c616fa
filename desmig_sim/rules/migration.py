"""Migration intentions and route choice.

Intention follows the theory of planned behaviour as used in migration ABMs (Klabunde et al.
2017; Kniveton et al. 2011; facts.md §6) combined with the new economics of labour migration
(Stark & Bloom 1985; Stark & Taylor 1991): the household decides, moved by

* its **attitude**: the expected income gain from a member abroad, ``g / (1 + g)`` with ``g`` the
  expected remittance over the household's own income;
* the **subjective norm**: the share of its network ties with a member abroad;
* **relative deprivation** in its village (Yitzhaki's index, normalised by mean income);
* **perceived risk**: recent deaths and deportations of migrants from its village.

An intention index ``I`` combines them with weights; a household that is not yet aspiring starts
aspiring with probability ``logistic(a + b I)`` and gives up with a fixed monthly probability.
Aspiring households that know the procedural route apply for it (cost, waiting time) with a
monthly hazard raised by perceived risk and lowered by cost and the moratorium; brokers (calo)
reach aspiring households with a monthly probability and take them abroad at once, without
up-front cost (facts.md §2.4b, §8).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def logistic(x: np.ndarray | float) -> np.ndarray:
    """The logistic function ``1 / (1 + exp(-x))``."""
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=float)))


def attitude(expected_remittance: np.ndarray | float, own_income: np.ndarray) -> np.ndarray:
    """Attitude toward migrating, in [0, 1): the relative income gain ``g / (1 + g)``."""
    gain = np.asarray(expected_remittance) / np.maximum(own_income, 1.0)
    return gain / (1.0 + gain)


def subjective_norm(network: sp.csr_matrix, has_migrant: np.ndarray, degree: np.ndarray) -> np.ndarray:
    """Share of each household's ties that have a member abroad (0 without ties)."""
    linked = network @ has_migrant.astype(np.float64)
    return np.divide(linked, degree, out=np.zeros_like(linked), where=degree > 0)


def perceived_risk(events_12m: np.ndarray, risk_per_event: float) -> np.ndarray:
    """Perceived risk of migrating, in [0, 1], from recent deaths and deportations."""
    return np.minimum(events_12m * risk_per_event, 1.0)


def intention_index(
    attitude_: np.ndarray,
    norm: np.ndarray,
    deprivation: np.ndarray,
    risk: np.ndarray,
    attitude_weight: float,
    norm_weight: float,
    deprivation_weight: float,
    risk_weight: float,
) -> np.ndarray:
    """The weighted intention index of the theory of planned behaviour."""
    return (
        attitude_weight * attitude_
        + norm_weight * norm
        + deprivation_weight * deprivation
        - risk_weight * risk
    )


def aspiration_probability(index: np.ndarray, intercept: float, slope: float) -> np.ndarray:
    """Monthly probability that a household starts aspiring to send a migrant."""
    return logistic(intercept + slope * index)


def affordability(savings: np.ndarray, informal_credit: float, cost: np.ndarray | float) -> np.ndarray:
    """How far a household can meet the procedural cost from savings and informal credit, in [0, 1]."""
    cost = np.asarray(cost, dtype=float)
    can = np.minimum((np.maximum(savings, 0.0) + informal_credit) / np.maximum(cost, 1.0), 1.0)
    return np.where(cost <= 0, 1.0, can)


def application_probability(
    knows: np.ndarray,
    base_prob: float,
    affordable: np.ndarray,
    risk: np.ndarray,
    risk_route_weight: float,
    access_factor: float,
) -> np.ndarray:
    """Monthly chance that an aspiring household applies for procedural migration."""
    p = base_prob * affordable * (1.0 + risk_route_weight * risk) * access_factor
    return np.where(knows, np.minimum(p, 1.0), 0.0)


def learning_probability(
    network: sp.csr_matrix, knows: np.ndarray, degree: np.ndarray, rate: float
) -> np.ndarray:
    """Monthly chance of learning the procedure from ties who know it."""
    return rate * subjective_norm(network, knows, degree)
