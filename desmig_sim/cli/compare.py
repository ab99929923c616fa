"""The ``demo`` and ``compare`` commands: scenarios on the same seeds, paired differences, a report.

The comparison is :func:`desmig_sim.experiments.comparison.compare`; the report, tables and plots
are written by :func:`desmig_sim.reporting.comparison_report.write_comparison`. Here: progress bars,
the tables shown on the terminal, and the demo's extra files.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from rich.table import Table
from rich.text import Text

from desmig_sim.cli.terminal import (
    EXIT_BAD_INPUT,
    bold,
    console,
    errors,
    files_in,
    line,
    print_error,
    print_json,
    progress_bar,
)
from desmig_sim.config.scenario import SCENARIO_DIR
from desmig_sim.core.output import write_table
from desmig_sim.core.preflight import check_output_folder
from desmig_sim.experiments.comparison import Comparison, compare
from desmig_sim.experiments.horizons import HorizonError
from desmig_sim.reporting.comparison_report import difference_cells, write_comparison
from desmig_sim.reporting.plots import plot_scenarios
from desmig_sim.reporting.tables import summary_label


def _demo_table(comparison: Comparison) -> pd.DataFrame:
    """The demo's comparison table: each key outcome at the end of the run, baseline and programme."""
    rows = comparison.key_outcomes_at()
    named = {"mean": "programme_mean", "p10": "programme_p10", "p90": "programme_p90"}
    named |= {"diff_mean": "difference_mean", "diff_low": "difference_low", "diff_high": "difference_high"}
    kept = ["unit", "baseline_mean", "baseline_p10", "baseline_p90", "mean", "p10", "p90"]
    frame = rows[[*kept, "diff_mean", "diff_low", "diff_high", "share_better"]].rename(columns=named)
    frame.insert(0, "outcome", [summary_label(c) for c in rows.index])
    frame.insert(0, "column", rows.index)
    return frame.reset_index(drop=True)


def _compare_with_progress(
    scenarios: Sequence[str | Path],
    replications: int,
    *,
    baseline: str | Path | None = None,
    seed: int | None = None,
    at: Sequence[str] = (),
    workers: int = 1,
) -> Comparison:
    """:func:`desmig_sim.experiments.comparison.compare` with one progress bar (and ETA) per scenario."""
    tasks: dict[str, int] = {}
    with progress_bar() as progress:

        def advance(name: str, done: int, total: int) -> None:
            if name not in tasks:
                tasks[name] = progress.add_task(name, total=total)
            progress.update(tasks[name], completed=done)

        return compare(
            scenarios,
            replications,
            baseline=baseline,
            seed=seed,
            horizons=at,
            workers=workers,
            progress=advance,
        )


def cmd_demo(args: argparse.Namespace) -> int:
    """Baseline against the full programme on the same seeds: paired comparison, table and plots."""
    out = Path(args.out)
    check_output_folder(out, replace=True)
    comparison = _compare_with_progress(
        [SCENARIO_DIR / "baseline.toml", SCENARIO_DIR / "full_program.toml"],
        args.replications,
        seed=args.seed,
    )

    def demo_files(stage: Path) -> list[Path]:
        files = write_table(comparison.timeseries(), stage, "timeseries", parquet=False)
        files += write_table(_demo_table(comparison), stage, "comparison", parquet=False)
        title = " vs ".join(comparison.names)
        files.append(plot_scenarios(comparison.tables, stage / "comparison.png", title=title))
        return files

    write_comparison(comparison, out, targets={}, argv=sys.argv, command="demo", extra=demo_files)
    if args.json:
        _json_summary(comparison, "demo", out)
    _show_comparison(comparison, None)
    console.print(
        line(
            "Plots: ",
            bold(out / "comparison.png"),
            ", ",
            bold(out / "forest.png"),
            "; report ",
            bold(out / "report.md"),
            "; tables and manifest in ",
            bold(out),
            ".",
        )
    )
    return 0


def _json_summary(comparison: Comparison, command: str, out: Path) -> None:
    """``--json``: the files written and each policy's key outcomes at the end of the run."""
    rows = comparison.key_outcomes_at().reset_index()
    kept = ["scenario", "outcome", "unit", "baseline_mean", "mean", "diff_mean", "diff_low", "diff_high"]
    print_json(
        {
            "command": command,
            "out": str(out),
            "files": files_in(out),
            "baseline": comparison.baseline,
            "policies": list(comparison.policies),
            "replications": comparison.replications,
            "villages": comparison.headline,
            "end_of_run": rows[[c for c in kept if c in rows.columns]].to_dict(orient="records"),
            "seconds": comparison.provenance.get("wall_seconds"),
        }
    )


def _show_comparison(comparison: Comparison, needed: pd.DataFrame | None) -> None:
    """Print each policy's key outcomes at each horizon, and the replications needed if asked for."""
    where = "" if comparison.headline == "ALL" else ", programme villages (PROGRAMME rows)"
    for policy in comparison.policies:
        for h in comparison.horizon_points[policy]:
            table = Table(
                title=(
                    f"{policy} vs {comparison.baseline}: {h.label.lower()} ({h.date}),"
                    f" {comparison.replications} paired runs{where}"
                ),
                title_justify="left",
            )
            for header in ("Outcome", comparison.baseline, policy, "Difference (95% CI)", "Runs better"):
                table.add_column(header, justify="left" if header == "Outcome" else "right")
            for cells in difference_cells(comparison, policy, h.name, bold=("[bold]", "[/bold]")):
                table.add_row(*(Text.from_markup(cell) for cell in cells))  # our markup: numbers
            console.print(table)
    if needed is not None and not needed.empty:
        table = Table(title="Replications needed for the target interval widths", title_justify="left")
        for header in ("Policy", "Horizon", "Outcome", "Target width", "Pilot width", "Replications needed"):
            table.add_column(
                header, justify="left" if header in {"Policy", "Horizon", "Outcome"} else "right"
            )
        for _, row in needed.iterrows():
            n = row["replications_needed"]
            table.add_row(
                row["policy"],
                f"{row['horizon']} ({row['date']})",
                row["outcome"],
                f"{row['target_width']:g}",
                f"{row['pilot_width']:.4g}",
                "more than 100,000" if pd.isna(n) else f"{int(n):,}",
            )
        console.print(table)
        first = needed.iloc[0]
        console.print(
            "In Python: [bold]comparison.replications_needed("
            f'"{first["outcome"]}", {first["target_width"]:g}, horizon="{first["horizon"]}")[/bold]'
            " on a desmig_sim.compare(...) result, or desmig_sim.core.stats.replications_needed(sd, width).",
            markup=True,
            highlight=False,
        )


def cmd_compare(args: argparse.Namespace) -> int:
    """Run scenarios on the same seeds; write the paired comparison (report, tables, plots, manifest)."""
    targets = dict(args.target_width or [])
    if targets and args.replications < 2:
        errors.print(
            f"error: --target-width needs at least 2 pilot replications (--replications {args.replications});"
            " allowed: --replications 2 or more",
            highlight=False,
            soft_wrap=True,
        )
        return EXIT_BAD_INPUT
    check_output_folder(args.out, replace=True)
    try:
        comparison = _compare_with_progress(
            args.scenarios,
            args.replications,
            baseline=args.baseline,
            seed=args.seed,
            at=args.at or (),
            workers=args.workers,
        )
    except HorizonError as exc:
        return print_error(exc)
    out = write_comparison(comparison, args.out, targets=targets, argv=sys.argv)
    if args.json:
        _json_summary(comparison, "compare", out)
    _show_comparison(comparison, comparison.replications_table(targets) if targets else None)
    seconds = comparison.provenance["wall_seconds"]
    console.print(
        line("Report: ", bold(out / "report.md"), "; tables, plots and manifest in ", bold(out), ".")
    )
    console.print(
        f"{comparison.replications} paired runs of {len(comparison.names)} scenarios in {seconds:.1f} s."
    )
    return 0
