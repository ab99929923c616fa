"""Charts of the dashboard, drawn as small SVG images.

Plain SVG keeps a redraw at every month to about a millisecond and needs no JavaScript library from
the internet (the workshop room may have none). Live charts read the model's outcome table (the
pooled rows, read from its recorder); the compare charts read a
:class:`~desmig_sim.experiments.comparison.Comparison` (through
:mod:`desmig_sim.dashboard.compare`). Money is shown in thousands or millions of rupiah so that axis
labels stay short.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

import numpy as np
import pandas as pd

from desmig_sim.config.outcomes import CATALOGUE, LIVE_OUTCOMES
from desmig_sim.core.calendar import format_year_month, parse_year_month
from desmig_sim.model.desmigratif_model import DesmigratifModel

POLICY_COLOUR, BASELINE_COLOUR = "#0072B2", "#7F7F7F"


@dataclass(frozen=True)
class LiveChart:
    """One live chart: an outcome column, its title and the divisor of its unit."""

    column: str
    title: str
    scale: float = 1.0


def chart_of(column: str) -> LiveChart:
    """The chart of an outcome column, titled with its label and unit from the catalogue."""
    outcome = CATALOGUE[column]
    title = outcome.plain or f"{outcome.label} ({outcome.display_unit})"
    return LiveChart(column, title, outcome.display_divisor)


#: The live charts, in display order.
LIVE_CHARTS: tuple[LiveChart, ...] = tuple(chart_of(c) for c in LIVE_OUTCOMES)


@dataclass(frozen=True)
class Series:
    """One line of a chart, with an optional band (``low``..``high``) drawn behind it."""

    label: str
    colour: str
    values: np.ndarray
    low: np.ndarray | None = None
    high: np.ndarray | None = None


def _ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Round tick values covering ``low``..``high``."""
    if not high > low:
        high = low + (abs(low) or 1.0)
    raw = (high - low) / count
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(f * power for f in (1.0, 2.0, 2.5, 5.0, 10.0) if raw <= f * power)
    first = math.floor(low / step) * step
    return [first + i * step for i in range(math.ceil((high - first) / step) + 1)]


def _present_runs(present: np.ndarray) -> list[tuple[int, int]]:
    """The ``[start, stop)`` runs of consecutive present (non-missing) months: lines break at gaps."""
    edges = np.diff(np.concatenate([[0], np.asarray(present, dtype=np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist(), strict=True))


def _fmt(value: float) -> str:
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def svg_chart(title: str, start: str, months: int, series: Sequence[Series], zero: bool = False) -> str:
    """A line chart over ``months`` months from ``start`` ('YYYY-MM'); lines may be shorter (live).

    Args:
        title: Shown above the plot.
        start: The first month of the x axis.
        months: The length of the x axis, in months.
        series: The lines (and bands) to draw, month ``i`` at position ``i``.
        zero: Whether to draw a dashed line at 0.
    """
    width, height, left, right, top, bottom = 340.0, 190.0, 52.0, 10.0, 26.0, 22.0
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [s.values for s in series] + [b for s in series for b in (s.low, s.high) if b is not None]
    finite = np.concatenate([np.asarray(v, dtype=float)[np.isfinite(v)] for v in values] + [np.zeros(0)])
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if zero:
        low, high = min(low, 0.0), max(high, 0.0)
    ticks = _ticks(low, high)
    y0, y1 = ticks[0], ticks[-1]

    def x(i: np.ndarray | float) -> np.ndarray | float:
        return left + plot_w * np.asarray(i, dtype=float) / max(months - 1, 1)

    def y(v: np.ndarray | float) -> np.ndarray | float:
        return top + plot_h * (1.0 - (np.asarray(v, dtype=float) - y0) / (y1 - y0))

    parts = [f'<text x="4" y="15" class="dmc-t">{escape(title)}</text>']
    for t in ticks:
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(t):.1f}" y2="{y(t):.1f}" class="dmc-g"/>'
        )
        parts.append(
            f'<text x="{left - 4}" y="{y(t) + 4:.1f}" text-anchor="end" class="dmc-a">{_fmt(t)}</text>'
        )
    first = parse_year_month(start)
    years = [i for i in range(months) if (first + i) % 12 == 0]
    every = max(1, math.ceil(len(years) / 6))
    for i in years[::every]:
        label = format_year_month(first + i)[:4]
        parts.append(
            f'<text x="{x(i):.1f}" y="{height - 6}" text-anchor="middle" class="dmc-a">{label}</text>'
        )
    if zero:
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(0.0):.1f}" y2="{y(0.0):.1f}" class="dmc-z"/>'
        )
    for s in series:
        n = len(s.values)
        if n == 0:
            continue
        xs = x(np.arange(n))
        if s.low is not None and s.high is not None:
            ys_high, ys_low = y(s.high), y(s.low)
            for a, b in _present_runs(np.isfinite(s.low) & np.isfinite(s.high)):
                upper = " ".join(f"{u:.1f},{v:.1f}" for u, v in zip(xs[a:b], ys_high[a:b], strict=True))
                lower = " ".join(
                    f"{u:.1f},{v:.1f}" for u, v in zip(xs[a:b][::-1], ys_low[a:b][::-1], strict=True)
                )
                parts.append(f'<polygon points="{upper} {lower}" fill="{s.colour}" fill-opacity="0.18"/>')
        ys = y(s.values)
        path = " ".join(
            "M" + " L".join(f"{u:.1f},{v:.1f}" for u, v in zip(xs[a:b], ys[a:b], strict=True))
            for a, b in _present_runs(np.isfinite(s.values))
        )
        last = float(s.values[-1])
        shown = _fmt(last) if math.isfinite(last) else "no value (nothing to divide)"
        parts.append(
            f'<path d="{path or "M0,0"}" fill="none" stroke="{s.colour}" stroke-width="2">'
            f"<title>{escape(s.label)}: {shown} in the last month shown</title>"
            "</path>"
        )
    style = (
        "<style>.dmc-t{font:600 12px sans-serif;fill:#1d3557}.dmc-a{font:10px sans-serif;fill:#5f6b76}"
        ".dmc-g{stroke:#e3e7eb;stroke-width:1}.dmc-z{stroke:#333;stroke-dasharray:4 3}</style>"
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" class="dm-chart"'
        f' role="img" aria-label="{escape(title)}" style="width:100%;height:auto">'
        f"{style}{''.join(parts)}</svg>"
    )


def pooled_series(model: DesmigratifModel, column: str) -> np.ndarray:
    """One outcome of the live model so far, pooled over its villages, one value per month.

    Reads the recorder's preallocated table (months x villages and ALL x outcomes) directly: the
    same values as the ``village == "ALL"`` rows of :meth:`DesmigratifModel.timeseries`, without
    building a data frame at every redraw.
    """
    recorder = model.recorder
    return recorder.values[: recorder.months_recorded, -1, list(CATALOGUE).index(column)].copy()


def live_charts(model: DesmigratifModel) -> list[str]:
    """The live charts of the model as SVG strings, over its whole run window."""
    return [
        svg_chart(
            chart.title,
            model.start,
            model.horizon,
            [Series(chart.title, POLICY_COLOUR, pooled_series(model, chart.column) / chart.scale)],
        )
        for chart in LIVE_CHARTS
    ]


def band_chart(bands: pd.DataFrame, title: str, start: str) -> str:
    """Both arms over time: the mean over replications with the 10-90% band."""
    months = int(bands["month"].max())
    series = []
    arms = bands.groupby("arm", sort=True)  # "baseline" before "policy"
    for (_, rows), colour in zip(arms, (BASELINE_COLOUR, POLICY_COLOUR), strict=True):
        series.append(
            Series(
                str(rows["scenario"].iloc[0]),
                colour,
                rows["mean"].to_numpy(),
                rows["p10"].to_numpy(),
                rows["p90"].to_numpy(),
            )
        )
    return svg_chart(title, start, months, series)


def difference_chart(differences: pd.DataFrame, title: str, start: str) -> str:
    """The paired difference policy - baseline over time, with its 95% interval."""
    months = int(differences["month"].max())
    series = [
        Series(
            "Paired difference",
            POLICY_COLOUR,
            differences["mean"].to_numpy(),
            differences["low"].to_numpy(),
            differences["high"].to_numpy(),
        )
    ]
    return svg_chart(title, start, months, series, zero=True)
