"""Running scenarios: one run, or many (replications, comparisons) serially or in worker processes.

:func:`run` runs one scenario on one seed. :func:`run_jobs` is the one loop that runs a list of
(scenario, seed) jobs, serially or in processes, with progress; replications
(:func:`run_replications`), comparisons (:func:`desmig_sim.experiments.comparison.compare`), the
command line and the dashboard all run their replications through it. Sweeps run
:func:`run` per design point through their executors (:mod:`desmig_sim.experiments.executors`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from desmig_sim.config.scenario import Engine, Scenario
from desmig_sim.core.output import staged_directory, write_manifest, write_table
from desmig_sim.core.provenance import environment, utc_now
from desmig_sim.core.streams import replication_seeds
from desmig_sim.model.desmigratif_model import DesmigratifModel
from desmig_sim.reference.engines import build_model


@dataclass
class RunResult:
    """The outcome table and provenance of one run.

    Attributes:
        scenario: The resolved scenario that was run.
        seed: The root seed of the run.
        timeseries: One row per month and village plus pooled rows (``village == "ALL"``).
        manifest: Provenance: versions, scenario and hash, seed, start and end time.
        model: The model at the end of the run (for inspection in a notebook).
        seconds: Wall-clock seconds the run took (set by :func:`run_jobs`).
        ledger: The run's money ledger (``model.ledger()``) when it was asked for.
    """

    scenario: Scenario
    seed: int
    timeseries: pd.DataFrame
    manifest: dict[str, Any]
    model: DesmigratifModel | None = field(default=None, repr=False)
    seconds: float = 0.0
    ledger: pd.DataFrame | None = field(default=None, repr=False)

    def pooled(self) -> pd.DataFrame:
        """The rows pooled over villages, indexed by month."""
        return self.timeseries[self.timeseries["village"] == "ALL"].set_index("month")

    def write(self, out: str | Path) -> Path:
        """Write the time series (CSV, Parquet) and ``manifest.json`` into ``out``, all or nothing."""
        out = Path(out)
        with staged_directory(out) as stage:
            files = write_table(self.timeseries, stage, "timeseries")
            write_manifest(stage, self.manifest, files, lambda p: out / p.name)
        return out


def run(
    scenario: Scenario,
    seed: int | None = None,
    *,
    agents: bool = True,
    keep_model: bool = True,
    engine: Engine | None = None,
    ledger: bool = False,
) -> RunResult:
    """Run one scenario to its horizon.

    Args:
        scenario: A scenario from :func:`~desmig_sim.config.scenario.load_scenario`.
        seed: Root seed; the scenario's ``run.seed`` when omitted.
        agents: Create the Mesa agent views (no effect on results).
        keep_model: Keep the final model in the result.
        engine: ``"vectorised"`` or ``"reference"``; the scenario's ``run.engine`` when omitted.
        ledger: Keep the run's money ledger (``RunResult.ledger``).

    Returns:
        The run's outcome table and manifest.
    """
    seed = scenario.run.seed if seed is None else int(seed)
    started = utc_now()
    model = build_model(scenario, seed=seed, agents=agents, engine=engine)
    table = model.run()
    manifest = {
        "engine": model.engine,
        "scenario_name": scenario.name,
        "scenario_hash": scenario.content_hash(),
        "seed": seed,
        "started": started,
        "finished": utc_now(),
        "environment": environment(),
        "scenario": scenario.to_dict(),
    }
    result = RunResult(scenario, seed, table, manifest, model if keep_model else None)
    result.ledger = model.ledger() if ledger else None
    return result


def seeds_for(scenario: Scenario, replications: int, seed: int | None = None) -> list[int]:
    """The seeds of ``replications`` runs: the root seed itself for one run, else spawned from it.

    Args:
        scenario: Supplies the root seed (``run.seed``) when ``seed`` is omitted.
        replications: How many runs.
        seed: Root seed.
    """
    root = scenario.run.seed if seed is None else int(seed)
    return [root] if replications == 1 else replication_seeds(root, replications)


#: One job of :func:`run_jobs`: a scenario and the seed to run it on.
Job = tuple[Scenario, int]


def _run_job(scenario: Scenario, seed: int, engine: Engine | None, ledger: bool = False) -> RunResult:
    """One job without agents or the final model (module level, so that worker processes can run it)."""
    clock = time.perf_counter()
    result = run(scenario, seed, agents=False, keep_model=False, engine=engine, ledger=ledger)
    result.seconds = time.perf_counter() - clock
    return result


def run_jobs(
    jobs: Sequence[Job],
    *,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
    engine: Engine | None = None,
    ledger: Sequence[int] = (),
) -> list[RunResult]:
    """Run (scenario, seed) jobs, serially or in worker processes; results in job order.

    Every job runs on its own seed, so the results are the same whatever the number of workers
    and the order in which the jobs finish.

    Args:
        jobs: The jobs, each a scenario and a seed.
        workers: Worker processes; 1 runs the jobs one after another in this process.
        progress: Called with the index (in ``jobs``) of each job as it finishes.
        engine: ``"vectorised"`` or ``"reference"``; each scenario's ``run.engine`` when omitted.
        ledger: Indices (in ``jobs``) of the jobs whose money ledger is kept.

    Raises:
        ValueError: For fewer than 1 worker.
    """
    if workers < 1:
        raise ValueError(f"workers {workers} is not allowed: use 1 or more")
    results: list[RunResult | None] = [None] * len(jobs)

    def record(i: int, result: RunResult) -> None:
        results[i] = result
        if progress is not None:
            progress(i)

    if workers == 1:
        for i, (scenario, seed) in enumerate(jobs):
            record(i, _run_job(scenario, seed, engine, i in ledger))
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = {
                pool.submit(_run_job, sc, seed, engine, i in ledger): i for i, (sc, seed) in enumerate(jobs)
            }
            for future in as_completed(futures):
                record(futures[future], future.result())
    return results  # type: ignore[return-value]


def run_replications(
    scenario: Scenario,
    replications: int,
    seed: int | None = None,
    *,
    progress: Callable[[int], None] | None = None,
    engine: Engine | None = None,
    workers: int = 1,
    ledger: Sequence[int] = (),
) -> list[RunResult]:
    """Run ``replications`` independent replications on seeds spawned from one root seed.

    The same root seed gives the same replication seeds for every scenario, so that runs of two
    scenarios with the same index share their random streams (common random numbers).

    Args:
        scenario: The scenario to run.
        replications: How many runs.
        seed: Root seed; the scenario's ``run.seed`` when omitted.
        progress: Called with the number of runs completed after each run.
        engine: ``"vectorised"`` or ``"reference"``; the scenario's ``run.engine`` when omitted.
        workers: Worker processes (:func:`run_jobs`).
        ledger: Indices of the replications whose money ledger is kept.
    """
    done = 0

    def advance(_: int) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done)

    jobs = [(scenario, s) for s in seeds_for(scenario, replications, seed)]
    return run_jobs(jobs, workers=workers, progress=advance, engine=engine, ledger=ledger)
