"""Migration intentions and route choice.

Intention follows the theory of planned behaviour as used in migration ABMs (Klabunde et al.
2017; Kniveton et al. 2011; ref:klabunde-willekens-2016) combined with the new economics of labour migration
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
up-front cost (ref:kompas-2019-sirih-pinang-sumba, ref:pikiran-rakyat-2022-ntb-brokers).
Brokers work a regency, not a village: the effort they lose to households that apply for the
procedural route is partly redirected to the aspiring households still reachable in the regency
(:func:`broker_contact_probability`), so that a programme that moves households to the procedural
route can push brokers toward its non-programme neighbours (displacement, an assumption).
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


def count_ties(network: sp.csr_matrix, trait: np.ndarray) -> np.ndarray:
    """Number of each household's ties that have a trait (a member abroad, knowledge...)."""
    return network.astype(np.int64) @ trait.astype(np.int64)


def update_tie_counts(
    network: sp.csr_matrix, counts: np.ndarray, before: np.ndarray, now: np.ndarray
) -> np.ndarray:
    """Bring tie counts up to date after some households' trait changed (in place).

    Ties are symmetric, so only the neighbours of households whose trait flipped change their
    count, by +1 or -1: the result equals :func:`count_ties` on ``now`` at a fraction of the cost
    when few households change. ``before`` is updated to ``now``.

    Returns:
        The households whose count changed (with repeats).
    """
    changed = np.flatnonzero(now != before)
    if changed.size == 0:
        return changed
    rows = network[changed]
    delta = np.where(now[changed], 1, -1).repeat(np.diff(rows.indptr))
    np.add.at(counts, rows.indices, delta)
    before[changed] = now[changed]
    return rows.indices


def subjective_norm(ties_with_migrant: np.ndarray, inverse_degree: np.ndarray) -> np.ndarray:
    """Share of each household's ties that have a member abroad (0 without ties)."""
    return ties_with_migrant * inverse_degree


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


def informed_risk(risk: np.ndarray | float, information: np.ndarray | float) -> np.ndarray | float:
    """Perceived risk of the non-procedural route after information on its risks, in [0, 1]."""
    return np.minimum(risk + information, 1.0)


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


def broker_contact_probability(
    base_prob: float, displacement: float, lost: np.ndarray, reachable: np.ndarray
) -> np.ndarray:
    """Monthly chance that a broker reaches a reachable aspiring household, per regency.

    Brokers spend ``base_prob`` contacts a month on each aspiring household of the regency. The
    effort aimed at the ``lost`` households (those that applied for the procedural route this
    month) is redirected, a share ``displacement`` of it, evenly to the ``reachable`` ones (aspiring
    households that did not apply): each gets ``base_prob x (1 + displacement x lost / reachable)``,
    at most 1. With ``displacement = 0`` or nobody lost it is ``base_prob`` exactly.

    Args:
        base_prob: Broker contact probability per aspiring household and month.
        displacement: Share of the lost effort redirected, in [0, 1].
        lost: Households lost to the procedural route this month, per regency.
        reachable: Aspiring households still reachable this month, per regency.

    Returns:
        The contact probability of each regency's reachable households.
    """
    lost = np.asarray(lost, dtype=float)
    reachable = np.asarray(reachable, dtype=float)
    ratio = np.divide(lost, reachable, out=np.zeros_like(lost), where=reachable > 0)
    return np.minimum(base_prob * (1.0 + displacement * ratio), 1.0)


def learns_from_ties(u: np.ndarray, degree: np.ndarray, knowing_ties: np.ndarray, rate: float) -> np.ndarray:
    """Whether a household learns the procedure from ties, with probability ``rate x knowing / ties``.

    Compared as ``u x ties < rate x knowing ties`` so that no share needs computing.
    """
    return u * degree < rate * knowing_ties
