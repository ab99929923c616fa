"""The ``desmig-sim`` command line.

Commands: run, demo, compare, facts, scenarios, sweep, sensitivity, export, dashboard, validate, schema,
docs.

Bad scenario files produce one clear message (file, field, value, what is allowed) and exit code
2, with no traceback and nothing written. Long work shows progress.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from desmig_sim.cli.arguments import (
    ENGINE_CHOICES,
    add_output_options,
    host,
    port,
    replication_count,
    seed,
    target_width,
    worker_count,
    year_month,
)
from desmig_sim.cli.sweep import add_sweep_commands
from desmig_sim.cli.terminal import (
    EXIT_INTERRUPTED,
    bold,
    configure,
    console,
    errors,
    files_in,
    line,
    print_error,
    print_json,
    progress_bar,
    status,
)
from desmig_sim.core.errors import InputFileError
from desmig_sim.core.preflight import check_output_folder
from desmig_sim.core.version import __version__

if TYPE_CHECKING:
    import pandas as pd
    from rich.progress import Progress

    from desmig_sim.config.scenario import Scenario

# The commands import what they need when they run (numpy, pandas, Mesa, matplotlib take seconds to
# load): `desmig-sim --help` and `--version` load none of them.


def _run_many(
    scenario: Scenario, replications: int, seed: int | None, progress: Progress | None
) -> tuple[list[int], list[pd.DataFrame], pd.DataFrame]:
    """Run the replications (with a progress bar if given); their seeds, tables and the first's ledger."""
    from desmig_sim.experiments.runner import run_replications

    callback = None
    if progress is not None:
        task = progress.add_task(scenario.name, total=replications)
        callback = lambda done: progress.update(task, completed=done)  # noqa: E731
    results = run_replications(scenario, replications, seed, progress=callback, ledger=(0,))
    ledger = results[0].ledger
    ledger.insert(0, "seed", results[0].seed)
    ledger.insert(0, "replication", 0)
    return [r.seed for r in results], [r.timeseries for r in results], ledger


def _tidy(tables: list[pd.DataFrame], seeds: list[int], scenario_name: str) -> pd.DataFrame:
    import pandas as pd

    frames = []
    for i, (table, s) in enumerate(zip(tables, seeds, strict=True)):
        frame = table.copy()
        frame.insert(0, "seed", s)
        frame.insert(0, "replication", i)
        frame.insert(0, "scenario", scenario_name)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def _show_summary(summary: pd.DataFrame, title: str) -> None:
    from rich.table import Table

    from desmig_sim.reporting.tables import format_number

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
    from desmig_sim.config.scenario import load_scenario, scenario_path
    from desmig_sim.core.output import staged_directory, write_manifest, write_table
    from desmig_sim.core.provenance import environment, utc_now
    from desmig_sim.reporting.plots import plot_scenarios
    from desmig_sim.reporting.tables import summary_table

    out = Path(args.out) if args.out else Path("results") / Path(args.scenario).stem
    check_output_folder(out, replace=True)
    scenario = load_scenario(args.scenario)
    if args.engine is not None:
        scenario = scenario.with_engine(args.engine)
    root = scenario.run.seed if args.seed is None else args.seed
    started = utc_now()
    clock = time.perf_counter()
    if args.replications > 1:
        with progress_bar() as progress:
            seeds, tables, ledger = _run_many(scenario, args.replications, root, progress)
    else:
        seeds, tables, ledger = _run_many(scenario, 1, root, None)
    elapsed = time.perf_counter() - clock
    summary = summary_table(tables)
    with staged_directory(out) as stage:
        files = write_table(_tidy(tables, seeds, scenario.name), stage, "timeseries")
        files += write_table(summary.reset_index(), stage, "summary", parquet=False)
        # The money ledger of the first replication only: it has a row per month, village and flow.
        files += write_table(ledger, stage, "ledger", parquet=False)
        if not args.no_plot:
            files.append(
                plot_scenarios({scenario.name: tables}, stage / "timeseries.png", title=scenario.name)
            )
        manifest = {
            "command": "run",
            "argv": sys.argv,
            "scenario_file": str(scenario_path(args.scenario).resolve()),
            "scenario_name": scenario.name,
            "scenario_hash": scenario.content_hash(),
            "engine": scenario.run.engine,
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
    if args.json:
        print_json(
            {
                "command": "run",
                "out": str(out),
                "files": files_in(out),
                "scenario": scenario.name,
                "months": scenario.run.months,
                "replications": len(seeds),
                "seeds": seeds,
                "seconds": round(elapsed, 3),
                "end_of_horizon": summary.reset_index().to_dict(orient="records"),
            }
        )
    _show_summary(
        summary, f"{scenario.name}: end of horizon ({scenario.run.months} months, {len(seeds)} run(s))"
    )
    console.print(line("Results written to ", bold(out), f" in {elapsed:.1f} s of simulation."))
    return 0


def cmd_facts(args: argparse.Namespace) -> int:
    """Check the stylised facts on replicated runs of a scenario; write the table and a report."""
    from rich.table import Table
    from rich.text import Text

    from desmig_sim.config.scenario import load_scenario, scenario_path
    from desmig_sim.core.output import staged_directory, write_manifest, write_table
    from desmig_sim.core.provenance import environment, utc_now
    from desmig_sim.experiments.facts import baseline_facts
    from desmig_sim.reporting.facts_report import facts_markdown, miss_text
    from desmig_sim.reporting.tables import format_number

    out = Path(args.out)
    check_output_folder(out, replace=True)
    scenario = load_scenario(args.scenario)
    started = utc_now()
    with status(line(f"{args.replications} runs of {scenario.name} ...")):
        table, results = baseline_facts(
            args.replications, workers=args.workers, scenario=scenario, seed=args.seed
        )
    title = f"Stylised facts: {scenario.name}, {len(results)} runs"
    with staged_directory(out) as stage:
        files = write_table(table, stage, "stylised_facts", parquet=False)
        report = stage / "stylised_facts.md"
        report.write_text(facts_markdown(table, title), encoding="utf-8")
        files.append(report)
        manifest = {
            "command": "facts",
            "argv": sys.argv,
            "scenario_file": str(scenario_path(args.scenario).resolve()),
            "scenario_hash": scenario.content_hash(),
            "seeds": [r.seed for r in results],
            "started": started,
            "finished": utc_now(),
            "environment": environment(),
        }
        write_manifest(stage, manifest, files, lambda p: out / p.name)
    if args.json:
        print_json(
            {
                "command": "facts",
                "out": str(out),
                "files": files_in(out),
                "scenario": scenario.name,
                "replications": len(results),
                "met": int(table["met"].sum()),
                "facts": len(table),
                "table": table.to_dict(orient="records"),
            }
        )
    shown = Table(title=title, title_justify="left")
    for column in ("Fact", "Target", "Model mean", "Met", "Miss"):
        shown.add_column(column)
    for row in table.itertuples():
        shown.add_row(
            row.description,
            f"{format_number(row.low, row.unit)} - {format_number(row.high, row.unit)}",
            format_number(row.mean, row.unit),
            "yes" if row.met else Text("no", style="bold red"),
            "" if row.met else f"{miss_text(row.miss, row.unit)} ({row.miss_relative:+.1%})",
        )
    console.print(shown)
    console.print(line("Written to ", bold(out), " (stylised_facts.csv and .md, manifest.json)."))
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """Check scenario files; report the first problem of each bad file."""
    from desmig_sim.config.scenario import load_scenario

    status = 0
    for path in args.files:
        try:
            scenario = load_scenario(path)
        except InputFileError as exc:
            status = print_error(exc)
            continue
        console.print(
            f"ok: {path} ({scenario.name}; components: {', '.join(scenario.enabled_components()) or 'none'})"
        )
    return status


def cmd_schema(args: argparse.Namespace) -> int:
    """Print the JSON Schema of scenario files."""
    from desmig_sim.config.scenario import Scenario

    print(json.dumps(Scenario.model_json_schema(), indent=2))
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    """Write docs/parameters.md from the code, or check that it is current."""
    from desmig_sim.core.paths import source_checkout

    if source_checkout() is None:
        return print_error(
            "docs: writes docs/parameters.md of a source checkout; this desmig-sim is installed"
            " without one (clone the repository and run `make docs` there)"
        )
    from desmig_sim.reporting.paramdocs import DOCS_PATH, parameters_doc_is_current, write_parameters_doc

    if args.check:
        if parameters_doc_is_current():
            console.print(f"{DOCS_PATH} is current.")
            return 0
        errors.print(f"{DOCS_PATH} is out of date: run `desmig-sim docs` and commit it.")
        return 1
    console.print(f"Wrote {write_parameters_doc()}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Baseline against the full programme (:func:`desmig_sim.cli.compare.cmd_demo`)."""
    from desmig_sim.cli.compare import cmd_demo as demo

    return demo(args)


def cmd_compare(args: argparse.Namespace) -> int:
    """Scenarios on the same seeds (:func:`desmig_sim.cli.compare.cmd_compare`)."""
    from desmig_sim.cli.compare import cmd_compare as compare

    return compare(args)


def _title_and_description(path: Path) -> tuple[str, str]:
    """A shipped file's ``name`` and ``description`` (read as TOML: listing validates nothing)."""
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return path.stem, f"(cannot be read: {exc})"
    return str(data.get("name", path.stem)), " ".join(str(data.get("description", "")).split())


def cmd_scenarios(args: argparse.Namespace) -> int:
    """List the shipped scenarios and experiments, by the name that addresses them."""
    from rich.table import Table

    from desmig_sim.core.paths import EXPERIMENT_DIR, SCENARIO_DIR, shipped

    for folder, kind, example in (
        (SCENARIO_DIR, "Scenarios", "desmig-sim run NAME"),
        (EXPERIMENT_DIR, "Experiments", "desmig-sim sweep NAME --out FOLDER"),
    ):
        table = Table(
            title=f"{kind} shipped with desmig-sim ({example}; files in {folder})", title_justify="left"
        )
        table.add_column("Name", no_wrap=True)
        table.add_column("Title")
        table.add_column("Description")
        for path in shipped(folder):
            table.add_row(path.stem, *_title_and_description(path))
        console.print(table)
    return 0


def cmd_dashboard(args: argparse.Namespace) -> int:
    """Start the workshop dashboard (a Solara server) and print its address."""
    from desmig_sim.core.extras import require

    require("solara", "dashboard", "the workshop dashboard")
    from desmig_sim.dashboard.server import serve

    serve(args.host, args.port, announce=lambda line: console.print(line, highlight=False))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``desmig-sim``."""
    parser = argparse.ArgumentParser(
        prog="desmig-sim",
        description="Agent-based model of Indonesia's Desmigratif programme in NTT villages.",
    )
    parser.add_argument("--version", action="version", version=f"desmig-sim {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("run", help="run a scenario file (with replications)")
    p.add_argument(
        "scenario",
        help="a scenario TOML file, or the name of a shipped one (`desmig-sim scenarios`): baseline",
    )
    p.add_argument("--seed", type=seed, help="root seed (default: the scenario's run.seed)")
    p.add_argument(
        "--replications", "-r", type=replication_count, default=1, help="number of runs (default 1)"
    )
    p.add_argument("--out", help="output folder (default: results/<scenario file name>)")
    p.add_argument("--no-plot", action="store_true", help="do not draw the PNG plot")
    p.add_argument(
        "--engine",
        choices=ENGINE_CHOICES,
        help="vectorised (fast) or reference (per-agent Python, slow; same results); overrides run.engine",
    )
    add_output_options(p)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("demo", help="baseline vs full programme on paired seeds, with a plot")
    p.add_argument(
        "--replications", "-r", type=replication_count, default=10, help="paired runs (default 10)"
    )
    p.add_argument("--seed", type=seed, help="root seed (default: the baseline's run.seed)")
    p.add_argument("--out", default="results/demo", help="output folder (default results/demo)")
    add_output_options(p)
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser(
        "compare",
        help="compare scenarios with a baseline on the same seeds (paired differences, report, plots)",
    )
    p.add_argument(
        "scenarios",
        nargs="+",
        help="scenario TOML files or shipped names; the first is the baseline unless --baseline",
    )
    p.add_argument("--baseline", help="baseline scenario file (default: the first scenario given)")
    p.add_argument(
        "--replications", "-r", type=replication_count, default=10, help="paired runs (default 10)"
    )
    p.add_argument("--seed", type=seed, help="root seed (default: the baseline's run.seed)")
    p.add_argument("--out", default="results/compare", help="output folder (default results/compare)")
    p.add_argument("--at", nargs="+", type=year_month, metavar="YYYY-MM", help="further months to compare at")
    p.add_argument(
        "--target-width",
        action="append",
        type=target_width,
        metavar="OUTCOME=WIDTH",
        help="print the replications needed for a 95%% CI of the difference this wide (repeatable)",
    )
    p.add_argument("--workers", type=worker_count, default=1, help="worker processes (default 1)")
    add_output_options(p)
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser(
        "facts", help="check the stylised facts of NTT on replicated runs (met, or missed by how much)"
    )
    p.add_argument(
        "scenario", nargs="?", default="baseline", help="scenario file or shipped name (default baseline)"
    )
    p.add_argument("--replications", "-r", type=replication_count, default=10, help="runs (default 10)")
    p.add_argument("--seed", type=seed, help="root seed (default: the scenario's run.seed)")
    p.add_argument("--workers", type=worker_count, default=1, help="worker processes (default 1)")
    p.add_argument("--out", default="results/facts", help="output folder (default results/facts)")
    add_output_options(p)
    p.set_defaults(func=cmd_facts)

    p = sub.add_parser(
        "scenarios", help="list the shipped scenarios and experiments (name, title, description)"
    )
    p.set_defaults(func=cmd_scenarios)

    p = sub.add_parser("validate", help="check scenario files")
    p.add_argument("files", nargs="+", help="scenario TOML files")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("schema", help="print the JSON Schema of scenario files")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("docs", help="generate docs/parameters.md from the code")
    p.add_argument("--check", action="store_true", help="fail if docs/parameters.md is out of date")
    p.set_defaults(func=cmd_docs)

    add_sweep_commands(sub)  # sweep, sensitivity, export (desmig_sim/sweep_cli.py)

    p = sub.add_parser("dashboard", help="start the workshop dashboard in the browser (Solara)")
    p.add_argument("--port", type=port, default=8765, help="port to listen on (default 8765)")
    p.add_argument(
        "--host",
        type=host,
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this machine only)",
    )
    p.set_defaults(func=cmd_dashboard)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``desmig-sim`` command."""
    args = build_parser().parse_args(argv)
    configure(quiet=getattr(args, "quiet", False), as_json=getattr(args, "json", False))
    with _ctrl_c_noted() as noted:
        try:
            return args.func(args)
        except InputFileError as exc:
            return print_error(exc)
        except KeyboardInterrupt:
            return _interrupted()
        except BrokenPipeError:  # output piped into a command that stopped reading (e.g. `| head`)
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 0
        except Exception:
            # Ctrl-C inside an extension module (e.g. while DuckDB loads) can surface as another
            # error: after a Ctrl-C, every error is the interruption.
            if noted:
                return _interrupted()
            raise


def _interrupted() -> int:
    errors.print("interrupted: nothing was written.", highlight=False, soft_wrap=True)
    return EXIT_INTERRUPTED


@contextmanager
def _ctrl_c_noted() -> Iterator[list[bool]]:
    """Note Ctrl-C (SIGINT) while a command runs (it still raises KeyboardInterrupt).

    Yields:
        A list that holds ``True`` once SIGINT came.
    """
    noted: list[bool] = []
    if threading.current_thread() is not threading.main_thread():
        yield noted
        return

    def handler(signum: int, frame: object) -> None:
        noted.append(True)
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield noted
    finally:
        signal.signal(signal.SIGINT, previous)


if __name__ == "__main__":
    sys.exit(main())
