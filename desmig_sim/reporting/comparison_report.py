"""Writing a scenario comparison: a markdown report, tidy tables, plots and a manifest.

Everything goes into one folder, all or nothing (:func:`desmig_sim.core.output.staged_directory`):

* ``report.md``: per policy and horizon, a table a policy reader can paste into a brief;
* ``horizons.csv``: one row per scenario, horizon and outcome (bands, paired difference, share better);
* ``groups.csv`` in worlds with non-programme neighbours: the same for ``ALL``, the programme
  villages (``PROGRAMME``) and their neighbours (``NEIGHBOURS``), with a ``group`` column (spill-over);
* ``over_time.csv``: one row per scenario, month and outcome (the same, every month);
* ``differences_over_time.csv``: one row per policy, month and outcome (the paired difference);
* ``runs_at_horizons.csv``: every replication's value at every horizon, with the baseline's;
* ``runs.parquet``: every replication's pooled monthly values; ``timeseries.parquet``: every
  replication's full table (villages and pooled rows);
* ``replications_needed.csv`` when target widths were asked for;
* ``timeseries.png``, ``forest.png``, ``differences_over_time.png`` (drawn by
  :mod:`desmig_sim.reporting.comparison_plots`); ``manifest.json``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from desmig_sim.config.outcomes import KEY_OUTCOMES
from desmig_sim.core.output import staged_directory, write_manifest, write_table
from desmig_sim.core.provenance import environment, utc_now
from desmig_sim.reporting.comparison_plots import comparison_panels, plot_differences_over_time, plot_forest
from desmig_sim.reporting.plots import plot_scenarios
from desmig_sim.reporting.tables import format_number

if TYPE_CHECKING:
    from desmig_sim.experiments.comparison import Comparison

#: How the horizons are explained in the report.
HORIZON_NOTES = {
    "end_of_programme": "the last month in which an enabled component of the policy is scheduled to run",
    "end_of_run": "the last simulated month",
}


def format_value(value: float, unit: str) -> str:
    """A readable number for reports: :func:`.tables.format_number`, finer for small values.

    Rupiah below ten million are shown in full (``Rp 661,930``) and counts below 100 with one
    decimal, so that means and differences of small quantities do not round to zero.
    """
    if not np.isfinite(value):
        return "-"
    if unit.startswith("IDR") and abs(value) < 1e7:
        return f"Rp {value:,.0f}"
    if unit not in {"share", "index"} and not unit.startswith("IDR") and abs(value) < 100:
        return f"{value:,.1f}"
    return format_number(value, unit)


def format_difference(value: float, unit: str) -> str:
    """A signed difference (``+0.012``, ``−0.0004``, ``−Rp 8,120``; exactly zero as ``0``)."""
    if not np.isfinite(value):
        return "-"
    if value == 0:
        return "0"
    size = abs(value)
    small_share = unit in {"share", "index"} and size < 0.01
    return ("−" if value < 0 else "+") + (f"{size:.4f}" if small_share else format_value(size, unit))


def _share_text(share: float) -> str:
    return "–" if not np.isfinite(share) else f"{share:.0%}"


def _band_text(mean: float, low: float, high: float, unit: str) -> str:
    return f"{format_value(mean, unit)} [{format_value(low, unit)} – {format_value(high, unit)}]"


def _difference_text(row: pd.Series, bold: tuple[str, str]) -> str:
    unit = row["unit"]
    text = (
        f"{format_difference(row['diff_mean'], unit)} ({format_difference(row['diff_low'], unit)} to"
        f" {format_difference(row['diff_high'], unit)})"
    )
    excludes_zero = row["diff_low"] > 0 or row["diff_high"] < 0
    return f"{bold[0]}{text}{bold[1]}" if excludes_zero else text


def difference_cells(
    comparison: Comparison,
    policy: str,
    horizon: str,
    *,
    bold: tuple[str, str] = ("**", "**"),
    key_only: bool = True,
) -> list[list[str]]:
    """Rows of text of one policy at one horizon.

    Each row: outcome with unit, baseline mean [10-90%], policy mean [10-90%], difference (CI),
    share of runs better. A difference whose interval excludes zero is wrapped in ``bold``. The
    values are those of the comparison's headline row (:attr:`Comparison.headline`: the programme
    villages when the world has neighbours).
    """
    table = comparison.headline_horizons
    rows = table[(table["scenario"] == policy) & (table["horizon"] == horizon)]
    if key_only:
        rows = rows[rows["outcome"].isin(list(KEY_OUTCOMES))]
    cells = []
    for _, row in rows.iterrows():
        unit = row["unit"]
        cells.append(
            [
                f"{row['label']} ({unit})",
                _band_text(row["baseline_mean"], row["baseline_p10"], row["baseline_p90"], unit),
                _band_text(row["mean"], row["p10"], row["p90"], unit),
                _difference_text(row, bold),
                _share_text(row["share_better"]),
            ]
        )
    return cells


def horizon_table(comparison: Comparison, policy: str, horizon: str, key_only: bool = True) -> str:
    """The markdown table of one policy at one horizon."""
    lines = [
        f"| Outcome (unit) | {comparison.baseline}: mean [10–90%] | {policy}: mean [10–90%] |"
        f" Difference ({comparison.confidence:.0%} CI) | Runs better |",
        "|---|---:|---:|---:|---:|",
    ]
    for cells in difference_cells(comparison, policy, horizon, key_only=key_only):
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def group_table(comparison: Comparison, policy: str, horizon: str) -> str:
    """The markdown table of a policy's key differences in the programme villages and their neighbours.

    One row per key outcome, one difference column per pooled row (``ALL`` and each of
    :attr:`Comparison.groups`); empty when the world has no non-programme neighbours.
    """
    if not comparison.groups:
        return ""
    table = comparison.by_group
    rows = table[(table["scenario"] == policy) & (table["horizon"] == horizon)]
    rows = rows[rows["outcome"].isin(list(KEY_OUTCOMES))]
    groups = list(dict.fromkeys(rows["group"]))
    lines = [
        "| Outcome (unit) | " + " | ".join(f"{g}: difference" for g in groups) + " |",
        "|---|" + "---:|" * len(groups),
    ]
    for _, found in rows.groupby("outcome", sort=False):
        by_group = found.set_index("group")
        first = by_group.iloc[0]
        cells = [_difference_text(by_group.loc[g], ("**", "**")) for g in groups]
        lines.append(f"| {first['label']} ({first['unit']}) | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _how_to_read(comparison: Comparison) -> str:
    level = f"{comparison.confidence:.0%}"
    return f"""## How to read this

- Every scenario was run {comparison.replications} times on the **same {comparison.replications} seeds**
  (common random numbers): replication *i* of the policy and of the baseline share their chance
  events, so a difference between them is due to the policy, not to luck.
- **Mean [10–90%]**: the average over replications, and the range that holds the middle 80% of
  them — how much the outcome varies from chance alone (not a confidence interval).
- **Difference ({level} CI)**: policy minus baseline, averaged over the paired replications, with a
  {level} Student-t confidence interval for that average. **Bold**: the interval excludes zero.
- **Runs better**: the share of paired replications in which the policy did better than the
  baseline on the same seed (ties count as not better). Higher is better for income, remittances,
  investment, businesses, cooperatives and schooling; lower is better for poverty, Gini,
  non-procedural migration and deaths abroad; "–" where no direction is better (procedural
  migrants, programme cost).
- **Horizons**: end of programme = {HORIZON_NOTES["end_of_programme"]}; end of run =
  {HORIZON_NOTES["end_of_run"]}; other months were asked for. Outcomes marked *(cumulative)* are summed
  from the first month to the horizon; the others are the value in that month, pooled over villages.
- These are outputs of a model under its stated assumptions (see `docs/odd.md`), not forecasts.
  The tables show the key outcomes; `horizons.csv` has every outcome column.
"""


def _count_text(n: float) -> str:
    return "more than 100,000" if pd.isna(n) else f"{int(n):,}"


def _replications_section(comparison: Comparison, needed: pd.DataFrame) -> str:
    lines = [
        "## Replications needed",
        "",
        f"From the standard deviation of the paired differences in these {comparison.replications} pilot"
        f" replications, the replications each policy needs for a {comparison.confidence:.0%} interval of"
        " the difference no wider than the target:",
        "",
        "| Policy | Horizon | Outcome | Target width | Pilot width | sd of differences"
        " | Replications needed |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    for _, row in needed.iterrows():
        unit = row["unit"]
        lines.append(
            f"| {row['policy']} | {row['horizon']} ({row['date']}) | {row['outcome']} |"
            f" {format_value(row['target_width'], unit)} | {format_value(row['pilot_width'], unit)} |"
            f" {format_value(row['sd_of_differences'], unit)} | {_count_text(row['replications_needed'])} |"
        )
    first = needed.iloc[0]
    lines += [
        "",
        "In Python: `comparison.replications_needed("
        f'"{first["outcome"]}", {first["target_width"]}, horizon="{first["horizon"]}")`'
        " (or `desmig_sim.core.stats.replications_needed(sd, width)`).",
    ]
    return "\n".join(lines)


def _provenance_section(comparison: Comparison, manifest: dict[str, Any]) -> str:
    env = manifest["environment"]
    lines = [
        "## Provenance",
        "",
        f"- Command: `{' '.join(manifest['argv']) or 'desmig_sim.compare(...)'}`",
        f"- Root seed {comparison.root_seed}; replication seeds {', '.join(map(str, comparison.seeds))}",
        f"- desmig-sim {env['desmig_sim']} (commit `{env['git_commit']}`), Python {env['python']},"
        f" Mesa {env['mesa']}, numpy {env['numpy']}, pandas {env['pandas']}, scipy {env['scipy']}",
        f"- Run {manifest['started']} to {manifest['finished']};"
        f" simulation {comparison.provenance.get('wall_seconds', float('nan')):.1f} s wall time"
        f" with {comparison.provenance.get('workers', 1)} worker(s)",
        "",
        "| Scenario | Role | File | Content hash (SHA-256) | Components |",
        "|---|---|---|---|---|",
    ]
    for name, entry in manifest["scenarios"].items():
        lines.append(
            f"| {name} | {entry['role']} | {entry['file'] or '(built in Python)'} | `{entry['hash'][:16]}…` |"
            f" {', '.join(entry['components']) or 'none'} |"
        )
    lines += ["", "Every file of this folder is listed with its SHA-256 in `manifest.json`."]
    return "\n".join(lines)


def report_markdown(comparison: Comparison, manifest: dict[str, Any], needed: pd.DataFrame | None) -> str:
    """The text of ``report.md``."""
    c = comparison
    first, last = c.dates[0], c.dates[-1]
    policies = " and ".join(c.policies) or "itself"
    parts = [
        f"# Scenario comparison: {policies} vs {c.baseline}",
        "",
        f"{c.replications} paired replications per scenario (root seed {c.root_seed}), {first} to {last}"
        f" ({len(c.months)} months), outcomes pooled over "
        + (
            "the programme villages (`PROGRAMME` rows; their non-programme neighbours are reported apart)."
            if c.headline != "ALL"
            else "the simulated villages."
        )
        + f" Baseline: **{c.baseline}**.",
        "",
        _how_to_read(c),
    ]
    for policy in c.policies:
        parts.append(f"## {policy} vs {c.baseline}\n")
        for h in c.horizon_points[policy]:
            parts.append(f"### {h.label} ({h.date}, month {h.month})\n")
            parts.append(horizon_table(c, policy, h.name) + "\n")
            if c.groups:
                parts.append(
                    "Programme villages and their non-programme neighbours (spill-over: the"
                    " neighbours never get the programme; they share the regency's brokers):\n"
                )
                parts.append(group_table(c, policy, h.name) + "\n")
    if needed is not None and not needed.empty:
        parts.append(_replications_section(c, needed) + "\n")
    parts += [
        "## Figures\n",
        "![Outcomes over time, mean and 10–90% band of replications](timeseries.png)\n",
        "![Paired differences with confidence intervals](forest.png)\n",
        "![Paired differences over time](differences_over_time.png)\n",
        _provenance_section(c, manifest),
        "",
    ]
    return "\n".join(parts)


def comparison_manifest(comparison: Comparison, argv: Sequence[str]) -> dict[str, Any]:
    """Provenance of a comparison (without the file list, which :func:`write_manifest` adds)."""
    scenarios = {}
    for name in comparison.names:
        scenario = comparison.scenarios.get(name)
        scenarios[name] = {
            "role": "baseline" if name == comparison.baseline else "policy",
            "file": comparison.sources.get(name),
            "hash": scenario.content_hash() if scenario is not None else "",
            "components": scenario.enabled_components() if scenario is not None else [],
            "seeds": comparison.seeds,
            "horizons": [h.__dict__ for h in comparison.horizon_points[name]],
            "scenario": scenario.to_dict() if scenario is not None else None,
        }
    return {
        "command": "compare",
        "argv": list(argv),
        "baseline": comparison.baseline,
        "policies": comparison.policies,
        "root_seed": comparison.root_seed,
        "replications": comparison.replications,
        "seeds": comparison.seeds,
        "confidence": comparison.confidence,
        "scenarios": scenarios,
        "started": comparison.provenance.get("started"),
        "finished": comparison.provenance.get("finished"),
        "timings": {k: comparison.provenance.get(k) for k in ("wall_seconds", "run_seconds", "workers")},
        "written": utc_now(),
        "environment": environment(),
    }


def write_comparison(
    comparison: Comparison,
    out: str | Path,
    *,
    targets: Mapping[str, float] | None = None,
    argv: Sequence[str] | None = None,
    command: str = "compare",
    extra: Callable[[Path], list[Path]] | None = None,
) -> Path:
    """Write a comparison's report, tables, plots and manifest into ``out``, all or nothing.

    Args:
        comparison: The comparison.
        out: Output folder.
        targets: Outcome -> wanted interval width (a replications-needed table if given).
        argv: The command line (default: this process's).
        command: The command named in the manifest.
        extra: Writes further files into the staging folder given and returns their paths (they
            are listed in the manifest too).

    Returns:
        The folder written.
    """
    out, targets = Path(out), targets or {}
    argv = list(sys.argv if argv is None else argv)
    manifest = {**comparison_manifest(comparison, argv), "command": command}
    needed = comparison.replications_table(targets) if targets else None
    with staged_directory(out) as stage:
        files = write_table(comparison.horizons, stage, "horizons", parquet=False)
        if comparison.groups:
            files += write_table(comparison.by_group, stage, "groups", parquet=False)
        files += write_table(comparison.over_time, stage, "over_time", parquet=False)
        files += write_table(
            comparison.differences_over_time(), stage, "differences_over_time", parquet=False
        )
        files += write_table(comparison.runs_at_horizons, stage, "runs_at_horizons", parquet=False)
        comparison.runs.to_parquet(stage / "runs.parquet", index=False)
        comparison.timeseries().to_parquet(stage / "timeseries.parquet", index=False)
        files += [stage / "runs.parquet", stage / "timeseries.parquet"]
        if needed is not None:
            files += write_table(needed, stage, "replications_needed", parquet=False)
        files.append(
            plot_scenarios(
                comparison.tables,
                stage / "timeseries.png",
                title=f"{' vs '.join(comparison.names)}, pooled over villages",
                panels=comparison_panels(comparison),
            )
        )
        files.append(plot_forest(comparison, stage / "forest.png"))
        files.append(plot_differences_over_time(comparison, stage / "differences_over_time.png"))
        if extra is not None:
            files += extra(stage)
        report = stage / "report.md"
        report.write_text(report_markdown(comparison, manifest, needed), encoding="utf-8")
        files.append(report)
        write_manifest(stage, manifest, files, lambda p: out / p.name)
    return out
