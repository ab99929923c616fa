"""Sweeps: run every (design point, replication) of an experiment into a resumable store.

A sweep writes into one folder: ``store.duckdb`` (the runs, committed as they finish; see
:mod:`desmig_sim.experiments.store`), ``status.json`` (progress, readable while the sweep runs) and
``manifest.json`` (provenance: the experiment file and hash, the design, the seeds, versions, the
executor, timings and counts). Started again with the same command after an interruption (even
``kill -9``), a sweep skips the runs already stored and retries the failed ones, so the final
results equal those of an uninterrupted sweep. Resuming with a changed experiment is refused.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from desmig_sim.config.outcomes import CATALOGUE
from desmig_sim.core.errors import ExperimentError
from desmig_sim.core.output import staged_directory, write_manifest, write_table
from desmig_sim.core.preflight import check_output_folder, check_scheduler
from desmig_sim.core.provenance import environment, utc_now, write_json
from desmig_sim.experiments.effects import lever_effects, summarise_effects
from desmig_sim.experiments.executors import Executor, Payload, Task, make_executor
from desmig_sim.experiments.schema import OutcomeSpec
from desmig_sim.experiments.spec import Experiment
from desmig_sim.experiments.store import FAILED, OK, STORE_FILE, SweepStore, sweep_lock

logger = logging.getLogger(__name__)

MANIFEST = "manifest.json"
STATUS = "status.json"
#: Columns of the tidy results before the design columns.
KEY_COLUMNS = ["point", "replication", "seed"]


@dataclass
class SweepReport:
    """What one call of :func:`run_sweep` did.

    Attributes:
        out: The sweep folder.
        total: Runs in the experiment (points x replications).
        skipped: Runs already stored when the sweep started.
        done: Runs finished in this call without error.
        failed: Runs that raised in this call (recorded with their traceback).
        seconds: Wall time of this call.
        executor: How the runs were executed.
        failures: ``(point, replication, error)`` of the failed runs.
    """

    out: Path
    total: int
    skipped: int = 0
    done: int = 0
    failed: int = 0
    seconds: float = 0.0
    executor: dict[str, Any] = field(default_factory=dict)
    failures: list[tuple[int, int, str]] = field(default_factory=list)


def _manifest(experiment: Experiment, previous: dict[str, Any]) -> dict[str, Any]:
    design = experiment.design.reset_index()
    return {
        "command": "sweep",
        "experiment_file": str(Path(experiment.path).resolve()),
        "experiment_name": experiment.name,
        "experiment_text": experiment.text,
        "experiment_file_sha256": hashlib.sha256(experiment.text.encode("utf-8")).hexdigest(),
        "experiment_hash": experiment.content_hash(),
        "experiment": experiment.spec.model_dump(mode="json"),
        "base_scenario_hash": experiment.base.content_hash(),
        "base_scenario": experiment.base.to_dict(),
        "design_kind": experiment.spec.design.kind,
        "design": json.loads(design.to_json(orient="records")),
        "root_seed": experiment.spec.seed,
        "replications": len(experiment.seeds),
        "seeds": list(experiment.seeds),
        "outcomes": {
            o.key: {
                **o.model_dump(mode="json", exclude_none=True),
                "meaning": CATALOGUE[o.column].description,
                "better_when": CATALOGUE[o.column].better_word,
            }
            for o in experiment.spec.outcomes
        },
        "sessions": previous.get("sessions", []),
        "environment": environment(),
    }


def _read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def check_resumable(experiment: Experiment, out: str | Path) -> None:
    """Raise before any work if ``out`` holds a sweep of a different experiment.

    Raises:
        ExperimentError: Naming the folder and what to do (a new ``--out`` or ``--restart``).
    """
    if (Path(out) / STORE_FILE).is_file():
        with SweepStore(out, read_only=True) as store:
            known = store.meta().get("experiment_hash")
        if known is not None and known != experiment.content_hash():
            raise ExperimentError(
                str(out),
                f"holds a sweep of a different experiment or version of it (hash {known[:12]}, now"
                f" {experiment.content_hash()[:12]}); allowed: a new --out folder, or --restart to discard"
                " the stored runs",
            )


def run_sweep(
    experiment: Experiment,
    out: str | Path,
    *,
    executor: Literal["serial", "process", "dask"] = "serial",
    workers: int | None = None,
    scheduler: str | None = None,
    restart: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> SweepReport:
    """Run (or resume) the sweep of an experiment into ``out``.

    Args:
        experiment: From :func:`~desmig_sim.experiments.spec.load_experiment`.
        out: The sweep folder (created if needed).
        executor: ``serial``, ``process`` (a local process pool) or ``dask`` (dask.distributed).
        workers: Worker processes (process, dask local cluster); default the CPU count.
        scheduler: Address of an existing Dask scheduler, e.g. ``tcp://10.0.0.5:8786``.
        restart: Discard the runs stored in ``out`` and start again.
        progress: Called with (runs finished or skipped, total) as runs finish.

    Returns:
        What this call did (runs done, failed, skipped; time).

    Raises:
        ExperimentError: If ``out`` holds a sweep of a different experiment (and not ``restart``),
            or another sweep is writing into it.
        OutputFolderError: If ``out`` cannot be written.
        SchedulerError: If ``scheduler`` is malformed or does not answer.
    """
    out = Path(out)
    if executor == "dask" and scheduler is not None:
        check_scheduler(scheduler)  # before the store exists: a bad address writes nothing
    check_output_folder(out, replace=False)
    with sweep_lock(out):
        if restart:
            SweepStore.discard(out)
        return _run_locked(experiment, out, make_executor(executor, workers, scheduler), restart, progress)


def _run_locked(
    experiment: Experiment,
    out: Path,
    runner: Executor,
    restart: bool,
    progress: Callable[[int, int], None] | None,
) -> SweepReport:
    """:func:`run_sweep` holding the folder's single-writer lock."""
    clock = time.perf_counter()
    started = utc_now()
    report = SweepReport(out, experiment.runs)
    with SweepStore(out) as store:
        store.bind(experiment.content_hash(), experiment.name, experiment.design, started)
        manifest = _manifest(experiment, {} if restart else _read_json(out / MANIFEST))
        manifest["status"] = "running"
        write_json(out / MANIFEST, manifest)
        stored = store.completed()
        tasks = [
            Task(int(p), r, seed)
            for p in experiment.design.index
            for r, seed in enumerate(experiment.seeds)
            if (int(p), r) not in stored
        ]
        report.skipped = experiment.runs - len(tasks)
        logger.info(
            "sweep %s: %d of %d runs to do (%d stored)", out, len(tasks), report.total, report.skipped
        )
        if progress is not None:
            progress(report.skipped, report.total)
        try:
            for records in runner.results(Payload.of(experiment), tasks):
                store.record(records)
                for record in records:
                    if record.status == OK:
                        report.done += 1
                    else:
                        report.failed += 1
                        report.failures.append((record.point, record.replication, record.error or ""))
                counts = store.counts()
                write_json(out / STATUS, {"total": report.total, **counts, "updated": utc_now()})
                if progress is not None:
                    progress(report.skipped + report.done + report.failed, report.total)
        finally:
            report.seconds = time.perf_counter() - clock
            report.executor = runner.describe()
            counts = store.counts()
            session = {
                "started": started,
                "finished": utc_now(),
                "seconds": round(report.seconds, 3),
                **report.executor,
                "argv": sys.argv,
                "environment": manifest["environment"],  # a resume may run other code: kept per session
                "skipped": report.skipped,
                "done": report.done,
                "failed": report.failed,
            }
            manifest["sessions"] = [*manifest["sessions"], session]
            manifest["counts"] = {
                "total": report.total,
                **counts,
                "missing": report.total - sum(counts.values()),
            }
            manifest["executor"] = report.executor
            manifest["status"] = "complete" if counts[OK] == report.total else "incomplete"
            manifest["finished"] = session["finished"]
            write_json(out / MANIFEST, manifest)
            write_json(out / STATUS, {"total": report.total, **counts, "updated": utc_now()})
    return report


def results(out: str | Path) -> pd.DataFrame:
    """The tidy results of a sweep folder: one row per run and outcome.

    Columns: ``point``, ``replication``, ``seed``, one column per factor path, ``outcome``, ``value``.
    Failed runs have no rows here (see :func:`runs`).
    """
    with SweepStore(out, read_only=True) as store:
        design, registry, values = store.design(), store.runs(), store.outcomes()
    ok = registry[registry["status"] == OK][KEY_COLUMNS]
    tidy = values.merge(ok, on=["point", "replication"], how="inner")
    tidy = tidy.merge(design.reset_index(), on="point", how="left")
    columns = [*KEY_COLUMNS, *design.columns, "outcome", "value"]
    return tidy[columns].sort_values(["point", "replication", "outcome"], ignore_index=True)


def runs(out: str | Path) -> pd.DataFrame:
    """The run registry of a sweep folder with the design columns (status, seconds, error, traceback)."""
    with SweepStore(out, read_only=True) as store:
        design, registry = store.design(), store.runs()
    return registry.merge(design.reset_index(), on="point", how="left")


def effects(out: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The lever effects of a sweep whose design crosses the levers (``design.cross_levers``).

    Returns:
        ``(effects, summary)``: :func:`desmig_sim.experiments.effects.lever_effects` and
        :func:`desmig_sim.experiments.effects.summarise_effects` of the stored runs.

    Raises:
        ExperimentError: If the sweep's design does not cross its levers.
    """
    spec = _read_json(Path(out) / MANIFEST).get("experiment", {})
    if not spec.get("design", {}).get("cross_levers"):
        raise ExperimentError(
            str(Path(out) / MANIFEST),
            "the sweep's design does not cross its levers; allowed: a sweep of an experiment"
            " with `design.cross_levers = true`",
            field="design.cross_levers",
        )
    levers = {f["path"]: f["values"] for f in spec["levers"]}
    labels = {f["path"]: f.get("label") or f["path"] for f in spec["levers"]}
    columns = {OutcomeSpec.model_validate(o).key: o["column"] for o in spec["outcomes"]}
    table = lever_effects(results(out), levers, labels)
    return table, summarise_effects(table, columns)


def sweep(
    experiment: Experiment,
    out: str | Path,
    *,
    executor: Literal["serial", "process", "dask"] = "serial",
    workers: int | None = None,
    scheduler: str | None = None,
    restart: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Run (or resume) a sweep and return its tidy results (see :func:`run_sweep` and :func:`results`)."""
    run_sweep(
        experiment,
        out,
        executor=executor,
        workers=workers,
        scheduler=scheduler,
        restart=restart,
        progress=progress,
    )
    return results(out)


def export(out: str | Path, fmt: Literal["csv", "parquet"] = "csv", to: str | Path | None = None) -> Path:
    """Write a sweep's tidy tables and manifest for pandas or R, all or nothing.

    Files (in ``to``, default ``<out>/export``): ``results`` (one row per run and outcome, with the
    design columns, replication and seed), ``runs`` (the registry: status, time, error), ``design``
    (one row per point), ``outcomes`` (definitions and units) and ``manifest.json``; for a design
    that crosses its levers, also ``lever_effects`` and ``effect_summary`` (:func:`effects`).

    Returns:
        The export folder.
    """
    out = Path(out)
    target = Path(to) if to is not None else out / "export"
    table = results(out)
    registry = runs(out)
    with SweepStore(out, read_only=True) as store:
        design = store.design().reset_index()
    sweep_manifest = _read_json(out / MANIFEST)
    outcome_rows = [{"outcome": k, **v} for k, v in sweep_manifest.get("outcomes", {}).items()]
    tables = [
        (table, "results"),
        (registry, "runs"),
        (design, "design"),
        (pd.DataFrame(outcome_rows), "outcomes"),
    ]
    if sweep_manifest.get("experiment", {}).get("design", {}).get("cross_levers"):
        lever_table, summary = effects(out)
        tables += [(lever_table, "lever_effects"), (summary, "effect_summary")]
    with staged_directory(target) as stage:
        files: list[Path] = []
        for frame, stem in tables:
            if fmt == "csv":
                files += write_table(frame, stage, stem, parquet=False)
            else:
                path = stage / f"{stem}.parquet"
                frame.to_parquet(path, index=False)
                files.append(path)
        manifest = {
            "command": "export",
            "format": fmt,
            "sweep_folder": str(out.resolve()),
            "exported": utc_now(),
            "rows": {
                "results": len(table),
                "runs": len(registry),
                "failed_runs": int((registry["status"] == FAILED).sum()),
            },
            "sweep": sweep_manifest,
        }
        write_manifest(stage, manifest, files, lambda p: target / p.name)
    return target
