"""What the running programme components change in this month's step.

Components write their effects here in phase 0 (:class:`ProgrammeEffects`); the phases read them.
Household-level boosts are named by :class:`Boost`, never by free strings, so a misspelt boost
fails loudly instead of silently adding 0.
"""

from __future__ import annotations

from enum import Enum

import numpy as np


class Boost(Enum):
    """The household-level quantities a component can raise."""

    #: Extra share of remittances invested productively.
    PRODUCTIVE_SHARE = "productive_share"
    #: Extra monthly return on business capital.
    BUSINESS_RETURN = "business_return"
    #: Extra probability that a child attends school.
    SCHOOL_ATTENDANCE = "school_attendance"
    #: Extra perceived risk of the non-procedural route in route choice (information on its risks).
    ROUTE_RISK = "route_risk"


def _checked(boost: Boost) -> Boost:
    """``boost`` itself; a :class:`TypeError` for anything that is not a :class:`Boost`."""
    if not isinstance(boost, Boost):
        raise TypeError(f"boosts are named by desmig_sim.model.effects.Boost, not {boost!r}")
    return boost


class ProgrammeEffects:
    """What the running components change in this month's step (neutral when nothing runs).

    Village-level factors have one entry per village. Household-level effects are kept as the
    components' (reached households, size) pairs and evaluated only for the households a phase
    asks about: boosts add up, and the failure probability is the lowest that applies.

    Args:
        villages: Number of villages.
        base_failure: Monthly business-failure probability without the programme.
    """

    def __init__(self, villages: int, base_failure: float) -> None:
        self.procedural_cost_factor = np.ones(villages)
        self.wait_factor = np.ones(villages)
        self.base_failure = base_failure
        self._boosts: dict[Boost, list[tuple[np.ndarray, float]]] = {}
        self._failure: list[tuple[np.ndarray, float]] = []

    def reset(self) -> None:
        """Back to no programme."""
        self.procedural_cost_factor.fill(1.0)
        self.wait_factor.fill(1.0)
        self._boosts = {}
        self._failure = []

    def add_boost(self, boost: Boost, reached: np.ndarray, size: float) -> None:
        """Households in ``reached`` (a mask) get ``size`` more of ``boost`` this month."""
        self._boosts.setdefault(_checked(boost), []).append((reached, size))

    def cap_failure(self, reached: np.ndarray, probability: float) -> None:
        """Households in ``reached`` fail with at most ``probability`` a month this month."""
        self._failure.append((reached, probability))

    def boost(self, boost: Boost, households: np.ndarray | slice | int) -> np.ndarray | float:
        """The given boost of the given households; 0 where no component gives one."""
        total: np.ndarray | float = 0.0
        for reached, size in self._boosts.get(_checked(boost), ()):
            total = total + size * reached[households]
        return total

    def failure_prob(self, households: np.ndarray | int) -> np.ndarray | float:
        """Monthly business-failure probability of the given households."""
        probability: np.ndarray | float = self.base_failure
        for reached, cap in self._failure:
            probability = np.where(reached[households], np.minimum(probability, cap), probability)
        return probability
