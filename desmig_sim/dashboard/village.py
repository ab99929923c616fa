"""The village view: each household of a village as a dot in its network of ties, coloured by status.

The status of a household is the first that applies, in the order of :class:`HouseholdStatus`
(a household with a member abroad without papers shows that, even if it is also poor). The counts
beside the legend are not exclusive: they count every household with each status. The layout is a
force-directed drawing of the village's ties, computed once per network (deterministic, no random
draws) and reused while the model steps.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache
from html import escape

import numpy as np
import scipy.sparse as sp

from desmig_sim.core.enums import MigrantStatus, Route
from desmig_sim.model.desmigratif_model import DesmigratifModel


class HouseholdStatus(IntEnum):
    """What a household's dot shows (the first that applies, in this order)."""

    ABROAD_NON_PROCEDURAL = 0
    ABROAD_PROCEDURAL = 1
    COOPERATIVE = 2
    BUSINESS = 3
    POOR = 4
    OTHER = 5


#: Legend: status -> (label, colour). Okabe-Ito colours, readable with colour-blindness.
LEGEND: dict[HouseholdStatus, tuple[str, str]] = {
    HouseholdStatus.ABROAD_NON_PROCEDURAL: ("Member abroad without papers (non-procedural)", "#D55E00"),
    HouseholdStatus.ABROAD_PROCEDURAL: ("Member abroad with papers (procedural)", "#0072B2"),
    HouseholdStatus.COOPERATIVE: ("Cooperative member", "#009E73"),
    HouseholdStatus.BUSINESS: ("Runs a small business", "#E69F00"),
    HouseholdStatus.POOR: ("Poor (below the poverty line)", "#8E6C8A"),
    HouseholdStatus.OTHER: ("None of these", "#C8C8C8"),
}


@dataclass(frozen=True)
class VillageStatus:
    """Status flags of the households of one village (not exclusive) and the status each dot shows.

    Attributes:
        abroad_non_procedural: A member is abroad, having left by the non-procedural route.
        abroad_procedural: A member is abroad, having left by the procedural route.
        cooperative: Member of an active cooperative.
        business: Runs a business with at least the minimum capital.
        poor: Income per person below the poverty line.
        shown: The status each dot shows (the first that applies).
    """

    abroad_non_procedural: np.ndarray
    abroad_procedural: np.ndarray
    cooperative: np.ndarray
    business: np.ndarray
    poor: np.ndarray
    shown: np.ndarray

    def counts(self) -> dict[HouseholdStatus, int]:
        """Households with each status (a household may count under several); OTHER: none of them."""
        return {
            HouseholdStatus.ABROAD_NON_PROCEDURAL: int(self.abroad_non_procedural.sum()),
            HouseholdStatus.ABROAD_PROCEDURAL: int(self.abroad_procedural.sum()),
            HouseholdStatus.COOPERATIVE: int(self.cooperative.sum()),
            HouseholdStatus.BUSINESS: int(self.business.sum()),
            HouseholdStatus.POOR: int(self.poor.sum()),
            HouseholdStatus.OTHER: int((self.shown == HouseholdStatus.OTHER).sum()),
        }


def village_slots(model: DesmigratifModel, village: int) -> slice:
    """The household slots of a village (households of one village are contiguous)."""
    return slice(int(model.village_offsets[village]), int(model.village_offsets[village + 1]))


def village_status(model: DesmigratifModel, village: int = 0) -> VillageStatus:
    """Classify the households of one village from the model's arrays."""
    hh, m = model.households, model.migrants
    slots = village_slots(model, village)
    abroad = m.status == MigrantStatus.ABROAD

    def with_member(route: Route) -> np.ndarray:
        owners = m.household[abroad & (m.route == route)]
        return np.bincount(owners, minlength=hh.count)[slots] > 0

    flags = [
        with_member(Route.NON_PROCEDURAL),
        with_member(Route.PROCEDURAL),
        model.active_members()[slots].copy(),
        hh.business_capital[slots] >= model.params.business.min_capital_idr,
        hh.poor[slots].copy(),
    ]
    shown = np.full(slots.stop - slots.start, HouseholdStatus.OTHER, dtype=np.int8)
    for status, flag in reversed(list(zip(HouseholdStatus, flags, strict=False))):
        shown[flag] = status
    return VillageStatus(*flags, shown=shown)


@lru_cache(maxsize=32)
def _layout_cached(n: int, indptr: bytes, indices: bytes, iterations: int) -> np.ndarray:
    ties = sp.csr_matrix(
        (np.ones(len(indices) // 8), np.frombuffer(indices, dtype=np.int64), np.frombuffer(indptr, np.int64)),
        shape=(n, n),
    )
    return _force_layout(ties, iterations)


def _force_layout(ties: sp.csr_matrix, iterations: int) -> np.ndarray:
    """Fruchterman-Reingold layout in the unit square, starting from a golden-angle spiral."""
    n = ties.shape[0]
    i = np.arange(n)
    radius = np.sqrt((i + 0.5) / max(n, 1))
    angle = i * np.pi * (3.0 - np.sqrt(5.0))
    pos = 0.5 + 0.5 * np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    if n < 2:
        return pos
    k = np.sqrt(1.0 / n)
    rows, cols = ties.nonzero()
    temperature = 0.1
    for _ in range(iterations):
        delta = pos[:, None, :] - pos[None, :, :]
        dist = np.maximum(np.sqrt((delta**2).sum(axis=2)), 1e-3)
        shift = (delta * (k * k / dist**2)[:, :, None]).sum(axis=1)
        pull = pos[rows] - pos[cols]
        length = np.sqrt((pull**2).sum(axis=1))[:, None]
        np.subtract.at(shift, rows, pull * length / k)
        size = np.maximum(np.sqrt((shift**2).sum(axis=1)), 1e-9)[:, None]
        pos = pos + shift / size * np.minimum(size, temperature)
        temperature *= 0.95
    low, high = pos.min(axis=0), pos.max(axis=0)
    return (pos - low) / np.maximum(high - low, 1e-9)


def village_layout(model: DesmigratifModel, village: int = 0, iterations: int = 60) -> np.ndarray:
    """Positions in [0, 1]^2 of the households of a village, from their ties (cached per network)."""
    slots = village_slots(model, village)
    ties = model.households.network[slots, slots].tocsr()
    ties.sort_indices()
    return _layout_cached(
        ties.shape[0],
        ties.indptr.astype(np.int64).tobytes(),
        ties.indices.astype(np.int64).tobytes(),
        iterations,
    ).copy()


def ties_path(model: DesmigratifModel, positions: np.ndarray, village: int = 0, size: float = 100.0) -> str:
    """The SVG path data of the village's ties (each tie once)."""
    slots = village_slots(model, village)
    ties = sp.triu(model.households.network[slots, slots], k=1).tocoo()
    xy = positions * size
    parts = [
        f"M{xy[a, 0]:.1f} {xy[a, 1]:.1f}L{xy[b, 0]:.1f} {xy[b, 1]:.1f}"
        for a, b in zip(ties.row.tolist(), ties.col.tolist(), strict=True)
    ]
    return "".join(parts)


def village_svg(status: VillageStatus, positions: np.ndarray, ties: str, size: float = 100.0) -> str:
    """An SVG drawing of the village: ties as faint lines, households as dots coloured by status."""
    xy = positions * size
    pad = 3.0
    dots = []
    for h, (code, (x, y)) in enumerate(zip(status.shown.tolist(), xy.tolist(), strict=True)):
        label, colour = LEGEND[HouseholdStatus(code)]
        extra = " (also poor)" if status.poor[h] and code != HouseholdStatus.POOR else ""
        dots.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="1.5" fill="{colour}">'
            f"<title>Household {h + 1}: {escape(label)}{extra}</title></circle>"
        )
    box = f"{-pad} {-pad} {size + 2 * pad} {size + 2 * pad}"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{box}" role="img" class="village-svg"'
        ' aria-label="Households of the village and their ties" style="width:100%;height:auto">'
        f'<path d="{ties}" stroke="#9aa5b1" stroke-opacity="0.35" stroke-width="0.15" fill="none"/>'
        f'<g stroke="#ffffff" stroke-width="0.25">{"".join(dots)}</g></svg>'
    )
