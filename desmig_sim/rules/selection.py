"""Selection into migration: household characteristics in the intention index.

Who migrates depends on the household (ref:stark-taylor-1991; strong selection in rural migration
ABMs, ref:entwisle-2016): households with spare working-age members at home send migrants more
readily, land ties households to farming, and a returnee at home makes leaving again likelier. The
terms are centred on a typical household (three adults at home, mean land, no returnee) so that the
weights shift who migrates more than how many do; with all weights zero selection disappears.
"""

from __future__ import annotations

import numpy as np

#: Adults at home of the reference household (its spare-labour term is zero): about the mean of
#: 1 + Binomial(size - 1, 0.6) at the mean size of 4.6.
REFERENCE_ADULTS = 3


def spare_labour(adults_at_home: np.ndarray) -> np.ndarray:
    """Spare labour in [0, 1]: ``(adults at home - 1) / 3``, capped at 1."""
    return np.clip((adults_at_home - 1) / 3.0, 0.0, 1.0)


def land_tie(land_ha: np.ndarray, land_mean_ha: float) -> np.ndarray:
    """How strongly land ties a household to farming, in [0, 1): ``land / (land + mean land)``."""
    if land_mean_ha <= 0:
        return np.zeros_like(np.asarray(land_ha, dtype=float))
    return land_ha / (land_ha + land_mean_ha)


def selection_term(
    adults_at_home: np.ndarray,
    land_ha: np.ndarray,
    head_educated: np.ndarray,
    has_returnee: np.ndarray,
    land_mean_ha: float,
    labour_weight: float,
    land_weight: float,
    education_weight: float,
    remigration_weight: float,
) -> np.ndarray:
    """What a household's characteristics add to its intention index (0 for the reference household)."""
    labour = spare_labour(adults_at_home) - spare_labour(np.array(REFERENCE_ADULTS))
    land = land_tie(land_ha, land_mean_ha) - (0.5 if land_mean_ha > 0 else 0.0)
    return (
        labour_weight * labour
        - land_weight * land
        + education_weight * head_educated
        + remigration_weight * has_returnee
    )
