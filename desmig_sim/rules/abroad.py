"""Life abroad: deaths, deportations and returns, as competing monthly risks.

Deaths: 0.25%/yr non-procedural, 0.05%/yr procedural (ref:jakartapost-2020-deaths,
ref:katongntt-2023-deaths [D]; the procedural rate is an assumption). Deportation of non-procedural
migrants: 0.65%/yr (ref:tribun-kaltara-2024-deportations [D]). Non-procedural migrants return with a
geometric hazard (mean stay 60 months, an assumption); procedural migrants return when the 24-month
contract ends (ref:antara-2019-ntt-procedural [V]) unless they renew it. A border closure multiplies
the return hazard.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

from desmig_sim.core.enums import Route


class Fate(IntEnum):
    """What happens to a migrant abroad this month."""

    STAYS = 0
    DIES = 1
    DEPORTED = 2
    RETURNS = 3
    RENEWS = 4


def fates(
    route: np.ndarray,
    contract_months_left: np.ndarray,
    u: np.ndarray,
    u_renew: np.ndarray,
    death_np: float,
    death_p: float,
    deportation: float,
    return_np: np.ndarray | float,
    renewal_prob: np.ndarray | float,
    return_multiplier: float = 1.0,
) -> np.ndarray:
    """The fate of each migrant abroad this month (all probabilities monthly).

    One uniform draw ``u`` per migrant decides among competing risks, in the order death,
    deportation, return, so that raising one risk does not reshuffle the others' draws.
    ``return_np`` and ``renewal_prob`` may differ by migrant (settled stays:
    :func:`desmig_sim.rules.returns.stay_hazards`).
    """
    procedural = route == Route.PROCEDURAL
    p_death = np.where(procedural, death_p, death_np)
    p_deport = np.where(procedural, 0.0, deportation)
    p_return_np = np.minimum(return_np * return_multiplier, 1.0)
    # Procedural returns happen at the contract's end (or earlier, during a closure).
    p_return_p = np.where(
        contract_months_left <= 0, 1.0, np.minimum(return_np * (return_multiplier - 1.0), 1.0)
    )
    p_return = np.where(procedural, p_return_p, p_return_np)
    out = np.full(route.shape, Fate.STAYS, dtype=np.int8)
    dies = u < p_death
    deported = ~dies & (u < p_death + p_deport)
    leaving = ~dies & ~deported & (u < p_death + p_deport + p_return * (1.0 - p_death - p_deport))
    renews = leaving & procedural & (contract_months_left <= 0) & (u_renew < renewal_prob)
    out[dies] = Fate.DIES
    out[deported] = Fate.DEPORTED
    out[leaving & ~renews] = Fate.RETURNS
    out[renews] = Fate.RENEWS
    return out
