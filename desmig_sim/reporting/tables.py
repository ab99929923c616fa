"""Summaries of replicated runs: end-of-horizon tables with means and 10-90% ranges."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from desmig_sim.config.outcomes import CATALOGUE, KEY_OUTCOMES, POOLED


def end_values(tables: Sequence[pd.DataFrame], village: str = POOLED) -> pd.DataFrame:
    """One row per replication: each key outcome at the end of the horizon (or summed over the run)."""
    rows = []
    for table in tables:
        rows_v = table[table["village"] == village]
        row = {}
        for column in KEY_OUTCOMES:
            series = rows_v[column]
            row[column] = float(series.sum() if CATALOGUE[column].at_horizon == "sum" else series.iloc[-1])
        rows.append(row)
    return pd.DataFrame(rows)


def summary_label(column: str) -> str:
    """The label of an outcome in summary tables: ``(whole run)`` added when it is summed over the run."""
    outcome = CATALOGUE[column]
    return f"{outcome.label} (whole run)" if outcome.at_horizon == "sum" else outcome.label


def summary_table(tables: Sequence[pd.DataFrame], village: str = POOLED) -> pd.DataFrame:
    """Mean and 10-90% range over replications of each key outcome at the end of the horizon."""
    values = end_values(tables, village)
    out = pd.DataFrame(
        {
            "outcome": [summary_label(c) for c in values.columns],
            "unit": [CATALOGUE[c].horizon_unit for c in values.columns],
            "mean": values.mean().to_numpy(),
            "p10": values.quantile(0.10).to_numpy(),
            "p90": values.quantile(0.90).to_numpy(),
        },
        index=pd.Index(values.columns, name="column"),
    )
    return out


def format_number(value: float, unit: str) -> str:
    """A readable number: shares with 3 decimals, rupiah in millions, counts as integers."""
    if not np.isfinite(value):
        return "-"
    if unit in {"share", "index"}:
        return f"{value:.3f}"
    if unit.startswith("IDR"):
        return f"Rp {value / 1e6:,.0f} m" if abs(value) >= 1e8 else f"Rp {value / 1e6:,.2f} m"
    return f"{value:,.0f}"
