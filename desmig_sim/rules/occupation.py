"""Who migrates and at what: occupation and sex by route, and what the occupation changes.

The job decides who goes. A departure's occupation is drawn from its route's occupation mix:
procedural placements from NTT are mostly domestic and care work (1,163 of 1,305 in 2023,
ref:katongntt-2024-placements), the non-procedural stream to Sabah mostly oil-palm estates, mills
and construction (ref:katongntt-2023-tawau). The migrant's sex is then drawn from the women's
share of that occupation, so the route's sex ratio follows from its occupations (93% women among
procedural placements, 84% men among deportees: ref:tribun-kaltara-2024-deportations).

By occupation: wages (domestic workers are outside Malaysia's minimum-wage orders), the placement
cost of a procedural job order (waived, as far as agencies comply, for the occupations of the
zero-cost rule, BP2MI Regulation 9/2020, ref:bp2mi-reg-9-2020) and the risks of death and
deportation (multipliers normalised so that each route's mean rate over its mix is unchanged).

Tables are indexed by :class:`~desmig_sim.core.enums.Occupation` (entry 0, ``NONE``, unused) and,
for the by-route tables, by :class:`~desmig_sim.core.enums.Route` first.
"""

from __future__ import annotations

import numpy as np

from desmig_sim.core.enums import Occupation, Route, Sex

#: Occupations whose placement fee the zero-cost rule waives (ref:bp2mi-reg-9-2020 [V]: domestic
#: worker, baby, child and elderly carers, cook, family driver, gardener, cleaner, farm/plantation
#: worker, fishing crew). Construction and factory work are not among them.
ZERO_COST_OCCUPATIONS: tuple[Occupation, ...] = (Occupation.DOMESTIC, Occupation.PLANTATION)


def occupation_mix(domestic: float, plantation: float) -> np.ndarray:
    """A route's occupation shares, indexed by occupation (construction/other takes the rest)."""
    return np.array([0.0, domestic, plantation, 1.0 - domestic - plantation])


def draw_occupation(u: np.ndarray, mix: np.ndarray) -> np.ndarray:
    """Occupations drawn from a mix (one row of shares per draw, or one row for all).

    ``u < domestic`` gives domestic work, then plantation, then construction/other, so that a
    larger share of one occupation moves only the draws at its border.
    """
    cumulative = np.cumsum(np.atleast_2d(mix)[:, 1:], axis=1)
    first, second = cumulative[:, 0], cumulative[:, 1]
    occupation = np.where(u < first, Occupation.DOMESTIC, Occupation.PLANTATION)
    return np.where(u < second, occupation, Occupation.OTHER).astype(np.int8)


def draw_sex(u: np.ndarray, occupation: np.ndarray, women_share: np.ndarray) -> np.ndarray:
    """Each migrant's sex: a woman with the women's share of the migrant's occupation."""
    return np.where(u < women_share[occupation], Sex.WOMAN, Sex.MAN).astype(np.int8)


def placement_cost(
    base_cost: float,
    occupation: np.ndarray,
    cost_factor: np.ndarray,
    compliance: float,
) -> np.ndarray:
    """The household's cost of a procedural job order of each occupation.

    Args:
        base_cost: The procedural route's cost at the start's prices.
        occupation: The job order's occupation.
        cost_factor: Cost relative to ``base_cost``, by occupation.
        compliance: Share of the fee that agencies waive, on average, for the occupations of the
            zero-cost rule while it is in force (0 before it and outside those occupations).
    """
    covered = np.isin(occupation, ZERO_COST_OCCUPATIONS)
    return base_cost * cost_factor[occupation] * (1.0 - compliance * covered)


def normalised_multipliers(multiplier: np.ndarray, mix: np.ndarray) -> np.ndarray:
    """Risk multipliers by occupation rescaled so that their mean over a route's mix is 1.

    Applied to the route's calibrated rate, they move risk between occupations without changing
    the route's mean rate at its departure mix. A mix with no weight leaves them unchanged.
    """
    mean = float(np.dot(mix, multiplier))
    return multiplier / mean if mean > 0 else multiplier.astype(float)


def yearly_risk_by_job(
    procedural_rate: float,
    non_procedural_rate: float,
    multiplier: np.ndarray,
    procedural_mix: np.ndarray,
    non_procedural_mix: np.ndarray,
) -> np.ndarray:
    """Yearly risk of each route and occupation, ``[route, occupation]`` (capped at 1).

    Each route's rate times the multipliers normalised over that route's occupation mix.
    """
    table = np.zeros((len(Route), len(Occupation)))
    table[Route.PROCEDURAL] = procedural_rate * normalised_multipliers(multiplier, procedural_mix)
    table[Route.NON_PROCEDURAL] = non_procedural_rate * normalised_multipliers(multiplier, non_procedural_mix)
    table[:, Occupation.NONE] = 0.0
    return np.minimum(table, 1.0)
