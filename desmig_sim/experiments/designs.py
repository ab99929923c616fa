"""Experimental designs: which factor values each design point of a sweep runs with.

Four designs, all reproducible from one seed:

- ``full_factorial``: every combination of the factors' values (ranges are cut into ``levels``
  evenly spaced values);
- ``latin_hypercube``: ``samples`` points of a Latin hypercube (:class:`scipy.stats.qmc.LatinHypercube`);
- ``sobol``: Saltelli's extension of a Sobol' sequence (:func:`SALib.sample.sobol.sample`),
  ``samples * (D + 2)`` points for D factors (``samples * (2D + 2)`` with second-order indices),
  for first- and total-order Sobol' indices;
- ``morris``: ``samples`` Morris trajectories on a ``levels`` grid (:func:`SALib.sample.morris.sample`),
  ``samples * (D + 1)`` points, for elementary effects (mu*, sigma).

With ``cross_levers`` (:func:`cross`), the design samples only the uncertainties (the states of
the world) and runs every combination of the levers' values at each of them, as EMA Workbench
crosses policies with scenarios: each lever's effect can then be measured, paired, in every state.

Integer settings are rounded to whole numbers; the design table holds the values actually run.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy.stats import qmc

from desmig_sim.core.extras import require

DesignKind = Literal["full_factorial", "latin_hypercube", "sobol", "morris"]
#: Designs whose points feed a global sensitivity analysis.
SENSITIVITY_DESIGNS: tuple[str, ...] = ("sobol", "morris")


@dataclass(frozen=True)
class FactorSpace:
    """What one factor may take: a list of values, or a range ``[low, high]``.

    Attributes:
        path: Dotted scenario path, e.g. ``components.information_centre.coverage``.
        values: The values to use (discrete factor), or None for a range.
        low: Lower end of the range.
        high: Upper end of the range.
        integer: Whether the setting is a whole number (sampled values are rounded).
    """

    path: str
    values: tuple[Any, ...] | None = None
    low: float | None = None
    high: float | None = None
    integer: bool = False

    @property
    def is_range(self) -> bool:
        """Whether the factor is a continuous range."""
        return self.values is None

    def levels(self, count: int) -> list[Any]:
        """The factor's values, or ``count`` evenly spaced values of its range."""
        if self.values is not None:
            return list(self.values)
        grid = np.linspace(float(self.low), float(self.high), count)  # type: ignore[arg-type]
        return list(dict.fromkeys(self.cast(v) for v in grid))

    def scale(self, u: np.ndarray) -> list[Any]:
        """Map uniform draws in [0, 1) onto the factor (a value of the list, or a point of the range)."""
        if self.values is not None:
            index = np.minimum((u * len(self.values)).astype(int), len(self.values) - 1)
            return [self.values[i] for i in index]
        return [self.cast(v) for v in float(self.low) + u * (float(self.high) - float(self.low))]  # type: ignore[arg-type]

    def cast(self, value: Any) -> Any:
        """A plain Python value as the scenario expects it (rounded for integer settings)."""
        if isinstance(value, bool | np.bool_):
            return bool(value)
        if self.integer:
            return round(float(value))
        if isinstance(value, int | float | np.integer | np.floating):
            return float(value)
        return value


def salib_problem(factors: Sequence[FactorSpace]) -> dict[str, Any]:
    """The SALib problem definition (names and bounds) of range factors."""
    return {
        "num_vars": len(factors),
        "names": [f.path for f in factors],
        "bounds": [[float(f.low), float(f.high)] for f in factors],  # type: ignore[arg-type]
    }


def design_size(
    kind: DesignKind, factors: int, samples: int | None, second_order: bool = False
) -> int | None:
    """How many points a sampling design has (None for a full factorial: the product of levels)."""
    if kind == "latin_hypercube":
        return samples
    if kind == "sobol":
        return None if samples is None else samples * (2 * factors + 2 if second_order else factors + 2)
    if kind == "morris":
        return None if samples is None else samples * (factors + 1)
    return None


def generate(
    kind: DesignKind,
    factors: Sequence[FactorSpace],
    *,
    samples: int | None = None,
    levels: int = 4,
    second_order: bool = False,
    seed: int = 0,
) -> pd.DataFrame:
    """The design table: one row per design point (index ``point`` from 0), one column per factor path.

    Args:
        kind: Which design.
        factors: The factors, in column order.
        samples: Points (Latin hypercube), base samples (Sobol', a power of 2) or trajectories (Morris).
        levels: Values per range factor (full factorial) or grid levels (Morris).
        second_order: Whether the Sobol' design also supports second-order indices.
        seed: Seed of the sampler; the same seed gives the same design.

    Returns:
        The design table.
    """
    columns = [f.path for f in factors]
    if kind == "full_factorial":
        rows = list(itertools.product(*(f.levels(levels) for f in factors)))
        frame = pd.DataFrame(rows, columns=columns)
    elif kind == "latin_hypercube":
        u = qmc.LatinHypercube(d=len(factors), rng=np.random.default_rng(seed)).random(int(samples or 0))
        frame = pd.DataFrame({f.path: f.scale(u[:, j]) for j, f in enumerate(factors)}, columns=columns)
    else:
        require("SALib", "sensitivity", f"a {kind} design")
        from SALib.sample import morris, sobol

        problem = salib_problem(factors)
        if kind == "sobol":
            x = sobol.sample(problem, int(samples or 0), calc_second_order=second_order, seed=seed)
        else:
            x = morris.sample(problem, int(samples or 0), num_levels=levels, seed=seed)
        frame = pd.DataFrame({f.path: [f.cast(v) for v in x[:, j]] for j, f in enumerate(factors)})
    frame.index.name = "point"
    return frame


def cross(levers: Sequence[FactorSpace], states: pd.DataFrame) -> pd.DataFrame:
    """Every combination of the levers' values at each state of the world (row of ``states``).

    Args:
        levers: Factors with a list of values (the policies).
        states: A design over the uncertainties (one row per state of the world).

    Returns:
        The design table, state-major: point ``s * C + c`` is lever combination ``c`` (in
        :func:`itertools.product` order) at state ``s``, for ``C`` combinations. Columns: the
        levers' paths, then the states' columns.
    """
    combos = list(itertools.product(*(f.levels(0) for f in levers)))
    paths = [f.path for f in levers]
    rows = [(*combo, *state) for state in states.itertuples(index=False) for combo in combos]
    frame = pd.DataFrame(rows, columns=[*paths, *states.columns])
    frame.index.name = "point"
    return frame
