"""Plots of outcome time series: pooled means with 10-90% bands across replications."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from desmig_sim.config.outcomes import CATALOGUE, FIGURE_OUTCOMES, POOLED
from desmig_sim.core import stats


def panel(column: str) -> tuple[str, str, float]:
    """A time-series panel of an outcome, from the catalogue: (title, y-axis label, scale)."""
    outcome = CATALOGUE[column]
    return outcome.label, outcome.display_unit, 1.0 / outcome.display_divisor


#: Panels of the standard figure: column -> (title, y-axis label, scale).
PANELS: dict[str, tuple[str, str, float]] = {c: panel(c) for c in FIGURE_OUTCOMES}


def plot_scenarios(
    runs: Mapping[str, Sequence[pd.DataFrame]],
    path: Path,
    title: str = "Desmigratif villages, pooled over villages",
    panels: Mapping[str, tuple[str, str, float]] = PANELS,
) -> Path:
    """Draw one panel per outcome, one line (mean) and band (10-90%) per scenario.

    Args:
        runs: Scenario name -> its replications' outcome tables.
        path: Where to write the PNG.
        title: Figure title.
        panels: Which outcomes to draw, with titles, axis labels and scale.

    Returns:
        The path written.
    """
    n = len(panels)
    cols = 3 if n > 4 else 2
    rows = int(np.ceil(n / cols))
    fig = Figure(figsize=(5.2 * cols, 3.4 * rows))  # not pyplot: no global backend, no open figures
    axes = fig.subplots(rows, cols, squeeze=False, sharex=True)
    for ax, (column, (panel_title, ylabel, scale)) in zip(axes.flat, panels.items(), strict=False):
        for name, tables in runs.items():
            stacked = np.stack([t.loc[t["village"] == POOLED, column].to_numpy() for t in tables]) * scale
            dates = pd.to_datetime(tables[0].loc[tables[0]["village"] == POOLED, "date"])
            mean = stats.mean_present(stacked)  # months without a value are gaps
            (line,) = ax.plot(dates, mean, label=name, linewidth=1.6)
            if stacked.shape[0] > 1:
                low, high = stats.bands(stacked)
                ax.fill_between(dates, low, high, color=line.get_color(), alpha=0.2, linewidth=0)
        ax.set_title(panel_title, fontsize=10)
        ax.set_ylabel(ylabel, fontsize=8)
        ax.grid(alpha=0.3)
        ax.xaxis.set_major_locator(mdates.YearLocator(2))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        ax.tick_params(labelsize=8)
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    replications = max(len(t) for t in runs.values())
    band = " (lines: mean; bands: 10-90% of replications)" if replications > 1 else ""
    fig.legend(handles, labels, loc="lower center", ncol=max(1, len(labels)), frameon=False)
    fig.suptitle(f"{title}{band}", fontsize=11)
    fig.tight_layout(rect=(0, 0.05, 1, 0.96))
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    return path
