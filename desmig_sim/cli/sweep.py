"""The ``sweep``, ``sensitivity`` and ``export`` subcommands of ``desmig-sim``.

Kept apart from :mod:`desmig_sim.cli.main` (which only registers them) so that the sweep commands
have one home. A bad experiment file exits with code 2 before anything is written.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text

from desmig_sim.cli.arguments import (
    EXECUTOR_CHOICES,
    add_output_options,
    positive_int,
    replication_count,
    scheduler,
    worker_count,
)
from desmig_sim.cli.terminal import (
    EXIT_BAD_INPUT,
    EXIT_INTERRUPTED,
    EXIT_RUNS_FAILED,
    bold,
    console,
    errors,
    files_in,
    line,
    print_json,
    progress_bar,
)
from desmig_sim.core.preflight import check_output_folder, check_scheduler

if TYPE_CHECKING:
    from desmig_sim.experiments.spec import Experiment
    from desmig_sim.experiments.sweeps import SweepReport

# The experiments (numpy, pandas, Mesa, DuckDB) are imported when a command runs, not when the
# parser is built: `desmig-sim --help` stays fast.


def _experiment(args: argparse.Namespace) -> Experiment:
    from desmig_sim.experiments.spec import load_experiment

    experiment = load_experiment(args.experiment)
    cuts = {k: getattr(args, k) for k in ("months", "villages", "households", "replications", "samples")}
    if any(v is not None for v in cuts.values()):
        experiment = experiment.reduced(**cuts)
    return experiment


def _bad_executor(args: argparse.Namespace) -> bool:
    """Refuse ``--scheduler`` without Dask; check ``--out`` and the scheduler before any work."""
    if args.scheduler and args.executor != "dask":
        errors.print(f"error: --scheduler needs --executor dask (not {args.executor})", highlight=False)
        return True
    check_output_folder(args.out, replace=False)
    if args.scheduler:
        check_scheduler(args.scheduler)
    return False


def _sweep_with_progress(experiment: Experiment, args: argparse.Namespace) -> SweepReport:
    from desmig_sim.experiments.sweeps import check_resumable, run_sweep

    if not args.restart:
        check_resumable(experiment, args.out)
    with progress_bar() as progress:
        task = progress.add_task(experiment.name, total=experiment.runs)

        def update(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        return run_sweep(
            experiment,
            args.out,
            executor=args.executor,
            workers=args.workers,
            scheduler=args.scheduler,
            restart=args.restart,
            progress=update,
        )


def _summary(report: SweepReport, as_json: bool = False) -> int:
    from rich.table import Table

    if as_json:
        print_json(
            {
                "command": "sweep",
                "out": str(report.out),
                "total": report.total,
                "done": report.done,
                "failed": report.failed,
                "skipped": report.skipped,
                "complete": report.skipped + report.done == report.total,
                "seconds": round(report.seconds, 3),
                "executor": report.executor,
                "failures": [list(f) for f in report.failures],
            }
        )

    table = Table(title=f"Sweep {report.out}", title_justify="left")
    for header in ("runs", "done now", "failed", "skipped (already stored)", "time", "executor"):
        table.add_column(header, justify="right")
    where = f"{report.executor.get('executor')} x{report.executor.get('workers')}"
    table.add_row(
        str(report.total),
        str(report.done),
        str(report.failed),
        str(report.skipped),
        f"{report.seconds:.1f} s",
        where,
    )
    console.print(table)
    for point, replication, error in report.failures[:5]:
        errors.print(
            line(Text("failed:", style="red"), f" point {point}, replication {replication}: {error}"),
            highlight=False,
        )
    if report.failed:
        errors.print(
            f"{report.failed} run(s) failed (tracebacks in the store; `desmig-sim export {report.out}`);"
            " run the same command again to retry them."
        )
        return EXIT_RUNS_FAILED
    return 0


def cmd_sweep(args: argparse.Namespace) -> int:
    """Run or resume an experiment's sweep into a store."""
    if _bad_executor(args):
        return EXIT_BAD_INPUT
    experiment = _experiment(args)
    try:
        report = _sweep_with_progress(experiment, args)
    except KeyboardInterrupt:
        _interrupted(args)
        return EXIT_INTERRUPTED
    return _summary(report, args.json)


def _interrupted(args: argparse.Namespace) -> None:
    errors.print(
        f"interrupted: finished runs are stored in {args.out}; run the same command to resume.",
        highlight=False,
        soft_wrap=True,
    )


def cmd_sensitivity(args: argparse.Namespace) -> int:
    """Run or resume the sweep, then write Sobol' or Morris indices, tables and plots."""
    from rich.table import Table

    from desmig_sim.experiments.sensitivities import check_design, write_sensitivity
    from desmig_sim.experiments.sweeps import results

    if _bad_executor(args):
        return EXIT_BAD_INPUT
    check_output_folder(Path(args.out) / "sensitivity", replace=True)
    experiment = _experiment(args)
    check_design(experiment)
    try:
        status = _summary(_sweep_with_progress(experiment, args), as_json=False)
    except KeyboardInterrupt:
        _interrupted(args)
        return EXIT_INTERRUPTED
    frame = write_sensitivity(experiment, results(args.out), Path(args.out))
    if args.json:
        print_json(
            {
                "command": "sensitivity",
                "out": str(Path(args.out) / "sensitivity"),
                "files": files_in(Path(args.out) / "sensitivity"),
                "runs_failed": status == EXIT_RUNS_FAILED,
                "indices": frame.to_dict(orient="records"),
            }
        )
    shown = ["S1", "ST"] if "ST" in frame.columns else ["mu_star", "sigma"]
    table = Table(title=f"{experiment.name}: sensitivity ({', '.join(shown)})", title_justify="left")
    for header in ("outcome", "factor", *shown):
        table.add_column(header, justify="left" if header in {"outcome", "factor"} else "right")
    for row in frame.itertuples(index=False):
        table.add_row(row.outcome, row.label, *(f"{getattr(row, c):.3g}" for c in shown))
    console.print(table)
    console.print(line("Indices, markdown table and plots in ", bold(Path(args.out) / "sensitivity"), "."))
    return status


def cmd_export(args: argparse.Namespace) -> int:
    """Export a sweep's tidy tables and manifest as CSV or Parquet."""
    from desmig_sim.experiments.sweeps import export

    check_output_folder(args.to if args.to is not None else Path(args.folder) / "export", replace=True)
    target = export(args.folder, args.format, args.to)
    console.print(line("Exported to ", bold(target), "."))
    return 0


def _add_run_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "experiment",
        help="an experiment TOML file, or a shipped name (`desmig-sim scenarios`): component_ablation",
    )
    p.add_argument("--out", required=True, help="sweep folder (store, manifest); resumed if it exists")
    p.add_argument(
        "--executor", choices=EXECUTOR_CHOICES, default="serial", help="where runs execute (default serial)"
    )
    p.add_argument("--workers", type=worker_count, help="worker processes (default: CPU count)")
    p.add_argument(
        "--scheduler", type=scheduler, help="address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786"
    )
    p.add_argument("--restart", action="store_true", help="discard the runs stored in --out and start again")
    add_output_options(p)
    quick = p.add_argument_group("reduced form (quick checks; a different experiment hash)")
    quick.add_argument("--months", type=positive_int, help="run window in months")
    quick.add_argument("--villages", type=positive_int, help="keep the first N villages")
    quick.add_argument("--households", type=positive_int, help="households per village")
    quick.add_argument("--replications", type=replication_count, help="replications per design point")
    quick.add_argument("--samples", type=positive_int, help="the design's samples (not full factorial)")


def add_sweep_commands(sub: Any) -> None:
    """Register ``sweep``, ``sensitivity`` and ``export`` on the ``desmig-sim`` subparsers."""
    p = sub.add_parser("sweep", help="run or resume an experiment's sweep (resumable store)")
    _add_run_options(p)
    p.set_defaults(func=cmd_sweep)

    p = sub.add_parser("sensitivity", help="sweep, then Sobol' or Morris sensitivity indices and plots")
    _add_run_options(p)
    p.set_defaults(func=cmd_sensitivity)

    p = sub.add_parser("export", help="export a sweep's tidy results (CSV or Parquet) with its manifest")
    p.add_argument("folder", help="a sweep folder (made by `desmig-sim sweep`)")
    p.add_argument("--format", choices=("csv", "parquet"), default="csv", help="table format (default csv)")
    p.add_argument("--to", help="export folder (default: <folder>/export)")
    p.set_defaults(func=cmd_export)
