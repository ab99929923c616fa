"""The ``desmig-sim`` command line: run, demo, validate, schema, docs, dashboard.

Bad scenario files produce one clear message (file, field, value, what is allowed) and exit code
2, with no traceback and nothing written. Long work shows progress.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from . import __version__
from .errors import InputFileError
from .output import staged_directory, write_manifest, write_table
from .paramdocs import DOCS_PATH, parameters_doc_is_current, write_parameters_doc
from .plotting import plot_scenarios
from .provenance import environment, utc_now
from .reporting import KEY_OUTCOMES, end_values, format_number, summary_table
from .runner import run_replications
from .scenario import SCENARIO_DIR, Scenario, load_scenario

EXIT_BAD_INPUT = 2
# Tables stay readable when output goes to a file or CI log (rich would assume 80 columns).
console = Console(width=None if sys.stdout.isatty() else 120)
errors = Console(stderr=True, width=None if sys.stderr.isatty() else 120)


def _progress() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=errors,
    )


def _run_many(
    scenario: Scenario, replications: int, seed: int | None, progress: Progress | None
) -> tuple[list[int], list[pd.DataFrame]]:
    """Run the replications (with a progress bar if given); return their seeds and tables."""
    callback = None
    if progress is not None:
        task = progress.add_task(scenario.name, total=replications)
        callback = lambda done: progress.update(task, completed=done)  # noqa: E731
    results = run_replications(scenario, replications, seed, progress=callback)
    return [r.seed for r in results], [r.timeseries for r in results]


def _tidy(tables: list[pd.DataFrame], seeds: list[int], scenario_name: str) -> pd.DataFrame:
    frames = []
    for i, (table, s) in enumerate(zip(tables, seeds, strict=True)):
        frame = table.copy()
        frame.insert(0, "seed", s)
        frame.insert(0, "replication", i)
        frame.insert(0, "scenario", scenario_name)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def _show_summary(summary: pd.DataFrame, title: str) -> None:
    table = Table(title=title, title_justify="left")
    table.add_column("Outcome")
    table.add_column("Mean", justify="right")
    table.add_column("10-90% range", justify="right")
    for _, row in summary.iterrows():
        unit = row["unit"]
        spread = f"{format_number(row['p10'], unit)} - {format_number(row['p90'], unit)}"
        table.add_row(row["outcome"], format_number(row["mean"], unit), spread)
    console.print(table)


def cmd_run(args: argparse.Namespace) -> int:
    """Run one scenario with replications; write tables, summary, plot and manifest."""
    scenario = load_scenario(args.scenario)
    root = scenario.run.seed if args.seed is None else args.seed
    out = Path(args.out) if args.out else Path("results") / Path(args.scenario).stem
    started = utc_now()
    clock = time.perf_counter()
    if args.replications > 1:
        with _progress() as progress:
            seeds, tables = _run_many(scenario, args.replications, root, progress)
    else:
        seeds, tables = _run_many(scenario, 1, root, None)
    elapsed = time.perf_counter() - clock
    summary = summary_table(tables)
    with staged_directory(out) as stage:
        files = write_table(_tidy(tables, seeds, scenario.name), stage, "timeseries")
        files += write_table(summary.reset_index(), stage, "summary", parquet=False)
        if not args.no_plot:
            files.append(
                plot_scenarios({scenario.name: tables}, stage / "timeseries.png", title=scenario.name)
            )
        manifest = {
            "command": "run",
            "argv": sys.argv,
            "scenario_file": str(Path(args.scenario).resolve()),
            "scenario_name": scenario.name,
            "scenario_hash": scenario.content_hash(),
            "root_seed": root,
            "replications": len(seeds),
            "seeds": seeds,
            "started": started,
            "finished": utc_now(),
            "run_seconds": round(elapsed, 3),
            "environment": environment(),
            "scenario": scenario.to_dict(),
        }
        write_manifest(stage, manifest, files, lambda p: out / p.name)
    _show_summary(
        summary, f"{scenario.name}: end of horizon ({scenario.run.months} months, {len(seeds)} run(s))"
    )
    console.print(f"Results written to [bold]{out}[/bold] in {elapsed:.1f} s of simulation.")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Baseline against the full programme on the same seeds: summary table and plot."""
    baseline = load_scenario(SCENARIO_DIR / "baseline.toml")
    policy = load_scenario(SCENARIO_DIR / "full_program.toml")
    root = baseline.run.seed if args.seed is None else args.seed
    out = Path(args.out)
    started = utc_now()
    with _progress() as progress:
        seeds, b_tables = _run_many(baseline, args.replications, root, progress)
        _, p_tables = _run_many(policy, args.replications, root, progress)  # the same seeds: paired
    runs = {baseline.name: b_tables, policy.name: p_tables}
    b_name, p_name = baseline.name, policy.name
    b_end, p_end = end_values(b_tables), end_values(p_tables)
    diff = p_end - b_end
    rows = []
    for column, (label, unit, _) in KEY_OUTCOMES.items():
        rows.append(
            {
                "column": column,
                "outcome": label,
                "unit": unit,
                "baseline_mean": b_end[column].mean(),
                "baseline_p10": b_end[column].quantile(0.1),
                "baseline_p90": b_end[column].quantile(0.9),
                "programme_mean": p_end[column].mean(),
                "programme_p10": p_end[column].quantile(0.1),
                "programme_p90": p_end[column].quantile(0.9),
                "difference_mean": diff[column].mean(),
            }
        )
    comparison = pd.DataFrame(rows)
    with staged_directory(out) as stage:
        files = write_table(
            pd.concat([_tidy(b_tables, seeds, b_name), _tidy(p_tables, seeds, p_name)], ignore_index=True),
            stage,
            "timeseries",
        )
        files += write_table(comparison, stage, "comparison", parquet=False)
        files.append(plot_scenarios(runs, stage / "comparison.png", title=f"{b_name} vs {p_name}"))
        manifest = {
            "command": "demo",
            "argv": sys.argv,
            "scenarios": {
                sc.name: {"hash": sc.content_hash(), "scenario": sc.to_dict()} for sc in (baseline, policy)
            },
            "root_seed": root,
            "replications": len(seeds),
            "seeds": seeds,
            "started": started,
            "finished": utc_now(),
            "environment": environment(),
        }
        write_manifest(stage, manifest, files, lambda p: out / p.name)
    table = Table(
        title=(
            f"{b_name} vs {p_name}: {b_tables[0]['date'].iloc[-1]}, {len(seeds)} paired runs"
            " (mean, 10-90% range)"
        ),
        title_justify="left",
    )
    for header in ("Outcome", b_name, p_name, "Difference"):
        table.add_column(header, justify="left" if header == "Outcome" else "right")

    def cell(row: dict, prefix: str) -> str:
        u = row["unit"]
        band = f"{format_number(row[prefix + '_p10'], u)} - {format_number(row[prefix + '_p90'], u)}"
        return f"{format_number(row[prefix + '_mean'], u)}\n[dim]{band}[/dim]"

    for row in rows:
        table.add_row(
            row["outcome"],
            cell(row, "baseline"),
            cell(row, "programme"),
            format_number(row["difference_mean"], row["unit"]),
        )
    console.print(table)
    console.print(f"Plot: [bold]{out / 'comparison.png'}[/bold]; tables and manifest in [bold]{out}[/bold].")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """Check scenario files; report the first problem of each bad file."""
    status = 0
    for path in args.files:
        try:
            scenario = load_scenario(path)
        except InputFileError as exc:
            errors.print(f"[red]error:[/red] {exc}", markup=True, highlight=False, soft_wrap=True)
            status = EXIT_BAD_INPUT
            continue
        console.print(
            f"ok: {path} ({scenario.name}; components: {', '.join(scenario.enabled_components()) or 'none'})"
        )
    return status


def cmd_schema(args: argparse.Namespace) -> int:
    """Print the JSON Schema of scenario files."""
    print(json.dumps(Scenario.model_json_schema(), indent=2))
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    """Write docs/parameters.md from the code, or check that it is current."""
    if args.check:
        if parameters_doc_is_current():
            console.print(f"{DOCS_PATH} is current.")
            return 0
        errors.print(f"{DOCS_PATH} is out of date: run `desmig-sim docs` and commit it.")
        return 1
    console.print(f"Wrote {write_parameters_doc()}")
    return 0


def cmd_dashboard(args: argparse.Namespace) -> int:
    """Start the workshop dashboard (a Solara server) and print its address."""
    from .dashboard.server import serve

    serve(args.host, args.port, announce=lambda line: console.print(line, highlight=False))
    return 0


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not allowed: use a port from 1 to 65535")
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not allowed: use 1 or more")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError(f"{value} is not allowed: use 0 to 2**63-1")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``desmig-sim``."""
    parser = argparse.ArgumentParser(
        prog="desmig-sim",
        description="Agent-based model of Indonesia's Desmigratif programme in NTT villages.",
    )
    parser.add_argument("--version", action="version", version=f"desmig-sim {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("run", help="run a scenario file (with replications)")
    p.add_argument("scenario", help="scenario TOML file, e.g. scenarios/baseline.toml")
    p.add_argument("--seed", type=_seed, help="root seed (default: the scenario's run.seed)")
    p.add_argument("--replications", "-r", type=_positive_int, default=1, help="number of runs (default 1)")
    p.add_argument("--out", help="output folder (default: results/<scenario file name>)")
    p.add_argument("--no-plot", action="store_true", help="do not draw the PNG plot")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("demo", help="baseline vs full programme on paired seeds, with a plot")
    p.add_argument("--replications", "-r", type=_positive_int, default=10, help="paired runs (default 10)")
    p.add_argument("--seed", type=_seed, help="root seed (default: the baseline's run.seed)")
    p.add_argument("--out", default="results/demo", help="output folder (default results/demo)")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("validate", help="check scenario files")
    p.add_argument("files", nargs="+", help="scenario TOML files")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("schema", help="print the JSON Schema of scenario files")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("docs", help="generate docs/parameters.md from the code")
    p.add_argument("--check", action="store_true", help="fail if docs/parameters.md is out of date")
    p.set_defaults(func=cmd_docs)

    p = sub.add_parser("dashboard", help="start the workshop dashboard in the browser (Solara)")
    p.add_argument("--port", type=_port, default=8765, help="port to listen on (default 8765)")
    p.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)"
    )
    p.set_defaults(func=cmd_dashboard)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``desmig-sim`` command."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except InputFileError as exc:
        errors.print(f"[red]error:[/red] {exc}", markup=True, highlight=False, soft_wrap=True)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        errors.print("interrupted: nothing was written.")
        return 130
    except BrokenPipeError:  # output piped into a command that stopped reading (e.g. `| head`)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
