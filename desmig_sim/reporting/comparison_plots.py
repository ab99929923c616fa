"""Plots of a scenario comparison: time-series panels, forest plot, paired differences over time.

These are the figures :func:`desmig_sim.reporting.comparison_report.write_comparison` writes.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from desmig_sim.config.outcomes import FIGURE_OUTCOMES, KEY_OUTCOMES, Outcome
from desmig_sim.reporting.plots import panel

if TYPE_CHECKING:
    from desmig_sim.experiments.comparison import Comparison


def axis_scale(unit: str, magnitude: float) -> tuple[float, str]:
    """Scale and axis label for values of a unit: rupiah in thousands or millions, others as they are."""
    if unit.startswith("IDR"):
        rest = unit[3:]
        if magnitude >= 1e7:
            return 1e-6, f"IDR million{rest}"
        return 1e-3, f"IDR thousand{rest}"
    return 1.0, unit


def comparison_panels(comparison: Comparison) -> dict[str, tuple[str, str, float]]:
    """Time-series panels: one per key outcome, monthly values, with units on the axis."""
    panels = {}
    for column in KEY_OUTCOMES:
        if column not in comparison.outcomes:
            continue
        if column in FIGURE_OUTCOMES:
            panels[column] = panel(column)
            continue
        info = comparison.outcomes[column]
        k = comparison.columns.index(column)
        magnitude = max(float(np.nanmax(np.abs(v[..., k]))) for v in comparison.values.values())
        scale, label = axis_scale(info.unit, magnitude)
        panels[column] = (_monthly_title(info), label, scale)
    return panels


def _monthly_title(info: Outcome) -> str:
    """Title of a plot of monthly values: ``per month`` added to an outcome summed at horizons."""
    return f"{info.label} per month" if info.at_horizon == "sum" else info.label


def plot_forest(comparison: Comparison, path: Path) -> Path:
    """Forest plot of the paired differences: one panel per key outcome, one row per policy and horizon."""
    table = comparison.horizons
    rows = table[(table["role"] == "policy") & table["outcome"].isin(list(KEY_OUTCOMES))]
    outcomes = [c for c in KEY_OUTCOMES if c in set(rows["outcome"])]
    per_panel = max(1, len(rows) // max(1, len(outcomes)))
    fig = Figure(figsize=(10.0, 1.2 + (0.6 + 0.42 * per_panel) * max(1, len(outcomes))))
    axes = fig.subplots(len(outcomes) or 1, 1, squeeze=False)
    colours = matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]
    colour_of = {p: colours[i % len(colours)] for i, p in enumerate(comparison.policies)}
    for ax, column in zip(axes.flat, outcomes, strict=False):
        info = comparison.outcomes[column]
        sub = rows[rows["outcome"] == column].reset_index(drop=True)
        magnitude = float(np.nanmax(np.abs(sub[["diff_low", "diff_high", "diff_mean"]].to_numpy())))
        scale, unit_label = axis_scale(info.horizon_unit, magnitude)
        y = np.arange(len(sub))[::-1]
        for yi, (_, row) in zip(y, sub.iterrows(), strict=True):
            mean, low, high = row["diff_mean"] * scale, row["diff_low"] * scale, row["diff_high"] * scale
            ax.errorbar(
                mean,
                yi,
                xerr=[[max(mean - low, 0.0)], [max(high - mean, 0.0)]] if np.isfinite(low) else None,
                fmt="o",
                color=colour_of[row["scenario"]],
                capsize=3,
                markersize=4,
            )
            share = row["share_better"]
            if np.isfinite(share):
                ax.annotate(
                    f"better in {share:.0%}",
                    xy=(1.01, yi),
                    xycoords=("axes fraction", "data"),
                    fontsize=7,
                    va="center",
                )
        ax.axvline(0.0, color="black", linewidth=0.8, linestyle="--")
        labels = [f"{r['scenario']}\n{r['horizon_label'].lower()} ({r['date']})" for _, r in sub.iterrows()]
        ax.set_yticks(y, labels, fontsize=7)
        ax.set_ylim(-0.7, len(sub) - 0.3)
        direction = {1: "higher is better", -1: "lower is better", 0: "no better direction"}[info.better]
        ax.set_title(f"{info.horizon_label} ({direction})", fontsize=9, loc="left")
        ax.set_xlabel(f"difference, {unit_label}", fontsize=8)
        ax.tick_params(axis="x", labelsize=7)
        ax.grid(axis="x", alpha=0.3)
    fig.suptitle(
        f"Paired differences against {comparison.baseline}: mean and {comparison.confidence:.0%} CI"
        f" ({comparison.replications} paired runs)",
        fontsize=10,
        y=1.0 - 0.15 / fig.get_figheight(),
        va="top",
    )
    handles = [Line2D([], [], color=colour_of[p], marker="o", linestyle="") for p in comparison.policies]
    top = 1.0 - 0.55 / fig.get_figheight()  # the legend goes under the title
    fig.legend(
        handles, comparison.policies, loc="upper center", bbox_to_anchor=(0.5, top), ncol=3, frameon=False
    )
    fig.tight_layout(rect=(0, 0, 0.9, top - 0.3 / fig.get_figheight()))
    fig.savefig(path, dpi=110)
    return path


def plot_differences_over_time(comparison: Comparison, path: Path) -> Path:
    """Paired differences every month: mean line and confidence band per policy, one panel per key outcome."""
    frame = comparison.differences_over_time()
    outcomes = [c for c in KEY_OUTCOMES if c in comparison.outcomes]
    cols = 3
    n_rows = int(np.ceil(len(outcomes) / cols))
    fig = Figure(figsize=(5.2 * cols, 3.0 * n_rows))
    axes = fig.subplots(n_rows, cols, squeeze=False, sharex=True)
    for ax, column in zip(axes.flat, outcomes, strict=False):
        info: Outcome = comparison.outcomes[column]
        sub = frame[frame["outcome"] == column]
        magnitude = float(np.nanmax(np.abs(sub[["mean", "low", "high"]].to_numpy()))) if len(sub) else 0.0
        scale, unit_label = axis_scale(info.unit, magnitude)
        for policy in comparison.policies:
            rows = sub[sub["policy"] == policy]
            dates = pd.to_datetime(rows["date"])
            (line,) = ax.plot(dates, rows["mean"] * scale, label=policy, linewidth=1.4)
            ax.fill_between(
                dates,
                rows["low"] * scale,
                rows["high"] * scale,
                color=line.get_color(),
                alpha=0.2,
                linewidth=0,
            )
        ax.axhline(0.0, color="black", linewidth=0.8, linestyle="--")
        for policy in comparison.policies:
            for h in comparison.horizon_points[policy]:
                if h.name == "end_of_programme":
                    ax.axvline(pd.Timestamp(h.date), color="grey", linewidth=0.8, linestyle=":")
        ax.set_title(_monthly_title(info), fontsize=9)
        ax.set_ylabel(f"difference, {unit_label}", fontsize=8)
        ax.grid(alpha=0.3)
        ax.xaxis.set_major_locator(mdates.AutoDateLocator(maxticks=7))
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
        ax.tick_params(labelsize=7, labelbottom=True)
    for ax in list(axes.flat)[len(outcomes) :]:
        ax.set_visible(False)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=max(1, len(labels)), frameon=False)
    fig.suptitle(
        f"Paired difference against {comparison.baseline} every month: mean (line) and"
        f" {comparison.confidence:.0%} CI (band); dotted: end of programme",
        fontsize=11,
    )
    fig.tight_layout(rect=(0, 0.04, 1, 0.96))
    fig.savefig(path, dpi=110)
    return path
