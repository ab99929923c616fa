"""Running scenarios: one run, or replications on seeds spawned from one root seed."""

from __future__ import annotations

from collections.abc import Callable
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
    """

    scenario: Scenario
    seed: int
    timeseries: pd.DataFrame
    manifest: dict[str, Any]
    model: DesmigratifModel | None = field(default=None, repr=False)

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
) -> RunResult:
    """Run one scenario to its horizon.

    Args:
        scenario: A scenario from :func:`~desmig_sim.config.scenario.load_scenario`.
        seed: Root seed; the scenario's ``run.seed`` when omitted.
        agents: Create the Mesa agent views (no effect on results).
        keep_model: Keep the final model in the result.
        engine: ``"vectorised"`` or ``"reference"``; the scenario's ``run.engine`` when omitted.

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
    return RunResult(scenario, seed, table, manifest, model if keep_model else None)


def seeds_for(scenario: Scenario, replications: int, seed: int | None = None) -> list[int]:
    """The seeds of ``replications`` runs: the root seed itself for one run, else spawned from it.

    Args:
        scenario: Supplies the root seed (``run.seed``) when ``seed`` is omitted.
        replications: How many runs.
        seed: Root seed.
    """
    root = scenario.run.seed if seed is None else int(seed)
    return [root] if replications == 1 else replication_seeds(root, replications)


def run_replications(
    scenario: Scenario,
    replications: int,
    seed: int | None = None,
    *,
    progress: Callable[[int], None] | None = None,
    engine: Engine | None = None,
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
    """
    seeds = seeds_for(scenario, replications, seed)
    results = []
    for i, s in enumerate(seeds):
        results.append(run(scenario, s, agents=False, keep_model=False, engine=engine))
        if progress is not None:
            progress(i + 1)
    return results
