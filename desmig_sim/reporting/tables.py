"""Summaries of replicated runs: end-of-horizon tables with means and 10-90% ranges."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from desmig_sim.model.outcomes import POOLED

#: Key outcomes shown in summary tables: column -> (label, unit, how to aggregate over the run).
KEY_OUTCOMES: dict[str, tuple[str, str, str]] = {
    "income_per_capita_mean": ("Income per capita (mean)", "IDR/month", "last"),
    "poverty_rate": ("Poverty rate", "share", "last"),
    "gini": ("Gini (income per capita)", "index", "last"),
    "non_procedural_share_12m": ("Non-procedural share of departures, 12 months", "share", "last"),
    "migrants_abroad_non_procedural": ("Migrants abroad, non-procedural", "persons", "last"),
    "migrants_abroad_procedural": ("Migrants abroad, procedural", "persons", "last"),
    "remittances_received": ("Remittances received", "IDR/month", "last"),
    "productive_investment": ("Productive investment", "IDR/month", "last"),
    "businesses_active": ("Businesses active", "households", "last"),
    "coop_members": ("Cooperative members", "households", "last"),
    "children_in_school_share": ("Children in school", "share", "last"),
    "deaths_abroad": ("Deaths abroad (whole run)", "persons", "sum"),
    "program_cost": ("Programme cost (whole run)", "IDR", "sum"),
}


def end_values(tables: Sequence[pd.DataFrame], village: str = POOLED) -> pd.DataFrame:
    """One row per replication: each key outcome at the end of the horizon (or summed over the run)."""
    rows = []
    for table in tables:
        rows_v = table[table["village"] == village]
        row = {}
        for column, (_, _, how) in KEY_OUTCOMES.items():
            series = rows_v[column]
            row[column] = float(series.sum() if how == "sum" else series.iloc[-1])
        rows.append(row)
    return pd.DataFrame(rows)


def summary_table(tables: Sequence[pd.DataFrame], village: str = POOLED) -> pd.DataFrame:
    """Mean and 10-90% range over replications of each key outcome at the end of the horizon."""
    values = end_values(tables, village)
    out = pd.DataFrame(
        {
            "outcome": [KEY_OUTCOMES[c][0] for c in values.columns],
            "unit": [KEY_OUTCOMES[c][1] for c in values.columns],
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
