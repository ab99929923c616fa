"""Lever effects across states of the world: is the sign of a component's effect fixed by construction?

A sweep whose design crosses the levers with sampled uncertainties (``design.cross_levers``) runs
every lever combination in every state of the world on the same seeds. The effect of a lever
setting is then a paired difference within one state and replication:

    effect = outcome(the setting, every other lever at its reference) - outcome(every lever at its reference)

where a lever's reference is its first value in the experiment file (``enabled = [false, true]``:
off). Besides each single lever setting, ``all levers`` compares every lever at its last value (the
whole programme, for on/off levers) with the reference. :func:`summarise_effects` gives, per
contrast and outcome, the distribution of the effect over the states of the world: its quantiles
and the shares of states in which it is favourable, nil or adverse (the outcome catalogue's
``better`` direction says which sign is favourable). A sign that never changes over a wide,
plausible parameter space is a finding to question, not a proof that the programme works.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from desmig_sim.config.outcomes import CATALOGUE

#: The contrast that sets every lever at its last value.
ALL_LEVERS = "all levers"


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return bool(np.isclose(float(a), float(b), rtol=0.0, atol=1e-12))
    return a == b


def lever_effects(
    results: pd.DataFrame,
    levers: Mapping[str, Sequence[Any]],
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Paired effects of each lever setting, per state of the world, replication and outcome.

    Args:
        results: Tidy sweep results (:func:`desmig_sim.experiments.sweeps.results`): ``point``,
            ``replication``, ``seed``, the factor columns, ``outcome``, ``value``.
        levers: Each lever's path and its values in file order (the first is the reference).
        labels: Readable lever labels by path (default: the path).

    Returns:
        One row per contrast, state, replication and outcome: ``contrast``, ``state`` (the
        sampled state of the world, numbered in design order), ``replication``, ``outcome``,
        ``value``, ``reference`` and ``effect`` (value - reference; NaN where either is missing).
    """
    labels = dict(labels or {})
    paths = list(levers)
    factor_columns = [
        c for c in results.columns if c not in {"point", "replication", "seed", "outcome", "value"}
    ]
    states = [c for c in factor_columns if c not in levers]
    frame = results.copy()
    frame["state"] = frame.groupby(states, sort=False, dropna=False).ngroup() if states else 0
    reference = {p: levers[p][0] for p in paths}
    last = {p: levers[p][-1] for p in paths}
    changed = np.column_stack([[not _same(v, reference[p]) for v in frame[p]] for p in paths])
    at_last = np.column_stack([[_same(v, last[p]) for v in frame[p]] for p in paths])
    count = changed.sum(axis=1)
    contrast = np.full(len(frame), None, dtype=object)
    for j, p in enumerate(paths):
        single = (count == 1) & changed[:, j]
        contrast[single] = [f"{labels.get(p, p)} = {v}" for v in frame.loc[single, p]]
    if len(paths) > 1:
        contrast[at_last.all(axis=1) & (count == len(paths))] = ALL_LEVERS
    keys = ["state", "replication", "outcome"]
    base = frame.loc[count == 0, [*keys, "value"]].rename(columns={"value": "reference"})
    frame["contrast"] = contrast
    chosen = frame[frame["contrast"].notna()][["contrast", *keys, "value"]]
    effects = chosen.merge(base, on=keys, how="left")
    effects["effect"] = effects["value"] - effects["reference"]
    return effects.sort_values(["contrast", "outcome", "state", "replication"], ignore_index=True)


def summarise_effects(effects: pd.DataFrame, columns: Mapping[str, str]) -> pd.DataFrame:
    """The distribution of each contrast's effect over the states of the world, per outcome.

    Replications of one state are averaged first, so each state counts once.

    Args:
        effects: :func:`lever_effects`.
        columns: The outcome-table column of each outcome name (for its better direction).

    Returns:
        One row per contrast and outcome: ``states`` (with a defined effect), ``mean``,
        ``p05``, ``median``, ``p95``, ``share_negative``, ``share_zero``, ``share_positive``,
        ``better`` (``higher``/``lower``/``neither``), ``share_favourable`` and ``share_adverse``
        (NaN when neither direction is better), and ``sign_fixed`` (whether every state gives
        the same strict sign).
    """
    per_state = effects.groupby(["contrast", "outcome", "state"], sort=False)["effect"].mean().dropna()
    rows = []
    for (contrast, outcome), values in per_state.groupby(level=["contrast", "outcome"], sort=False):
        x = values.to_numpy(dtype=float)
        better = CATALOGUE[columns[outcome]].better if outcome in columns else 0
        negative, zero, positive = (x < 0).mean(), (x == 0).mean(), (x > 0).mean()
        favourable = {1: positive, -1: negative}.get(better, np.nan)
        adverse = {1: negative, -1: positive}.get(better, np.nan)
        rows.append(
            {
                "contrast": contrast,
                "outcome": outcome,
                "states": x.size,
                "mean": x.mean(),
                "p05": np.quantile(x, 0.05),
                "median": np.median(x),
                "p95": np.quantile(x, 0.95),
                "share_negative": negative,
                "share_zero": zero,
                "share_positive": positive,
                "better": {1: "higher", -1: "lower", 0: "neither"}[better],
                "share_favourable": favourable,
                "share_adverse": adverse,
                "sign_fixed": bool(negative == 1.0 or positive == 1.0),
            }
        )
    return pd.DataFrame(rows)
