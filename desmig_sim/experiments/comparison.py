"""Paired scenario comparisons: every scenario on the same seeds, differences against a baseline.

:func:`compare` runs a baseline and one or more policy scenarios on the same replication seeds
(common random numbers: replication ``i`` of every scenario uses seed ``i`` spawned from one root
seed), and returns a :class:`~desmig_sim.experiments.paired.Comparison` (its statistics are in
:mod:`desmig_sim.experiments.paired`). For every outcome column it gives, per scenario, the
mean and the 10-90% band over replications and, against the baseline, the mean paired difference
with a Student-t confidence interval and the share of replications in which the policy does
better (by the direction in the outcome catalogue, :mod:`desmig_sim.config.outcomes`) — every
month (:attr:`Comparison.over_time`) and at chosen horizons (:attr:`Comparison.horizons`: end of
programme, end of run, chosen months; see :mod:`desmig_sim.experiments.horizons`). The statistics
themselves are :mod:`desmig_sim.core.stats`.

Computing only: :func:`desmig_sim.reporting.comparison_report.write_comparison` writes a
comparison's report, tables, plots and manifest.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

import pandas as pd

from desmig_sim.config.scenario import Scenario, load_scenario, scenario_path
from desmig_sim.core.errors import InputFileError
from desmig_sim.core.provenance import utc_now
from desmig_sim.experiments.horizons import run_window, scenario_horizons
from desmig_sim.experiments.paired import Comparison
from desmig_sim.experiments.runner import run_jobs, seeds_for

Progress = Callable[[str, int, int], None]


def _load(item: Scenario | str | Path) -> tuple[Scenario, str | None]:
    if isinstance(item, Scenario):
        return item, None
    return load_scenario(item), str(scenario_path(item).resolve())


def _same_window(scenario: Scenario, source: str | None, baseline: Scenario) -> None:
    for field in ("start", "months"):
        mine, theirs = getattr(scenario.run, field), getattr(baseline.run, field)
        if mine != theirs:
            raise InputFileError(
                source or scenario.name,
                f"{mine!r} differs from the baseline's {theirs!r} ({baseline.name}); allowed: the same"
                " run window as the baseline, so that months pair up",
                field=f"run.{field}",
            )


def _run_all(
    scenarios: Mapping[str, Scenario], seeds: list[int], workers: int, progress: Progress | None
) -> tuple[dict[str, list[pd.DataFrame]], dict[str, float]]:
    """Every scenario on every seed (one :func:`~desmig_sim.experiments.runner.run_jobs`), in seed order."""
    jobs = [(scenario, seed) for scenario in scenarios.values() for seed in seeds]
    names = [name for name in scenarios for _ in seeds]
    done = dict.fromkeys(scenarios, 0)

    def advance(i: int) -> None:
        done[names[i]] += 1
        if progress is not None:
            progress(names[i], done[names[i]], len(seeds))

    results = run_jobs(jobs, workers=workers, progress=advance)
    tables: dict[str, list[pd.DataFrame]] = {name: [] for name in scenarios}
    seconds = dict.fromkeys(scenarios, 0.0)
    for name, result in zip(names, results, strict=True):
        tables[name].append(result.timeseries)
        seconds[name] += result.seconds
    return tables, seconds


def compare(
    scenarios: Sequence[Scenario | str | Path],
    replications: int = 10,
    baseline: Scenario | str | Path | None = None,
    seed: int | None = None,
    horizons: Iterable[str] = (),
    *,
    workers: int = 1,
    confidence: float = 0.95,
    progress: Progress | None = None,
) -> Comparison:
    """Run scenarios on the same replication seeds and compare them with a baseline.

    Args:
        scenarios: Scenarios or scenario files. The baseline is ``baseline`` or else the first.
        replications: Paired replications per scenario.
        baseline: The baseline scenario or file; if it is also among ``scenarios`` it runs once.
        seed: Root seed of the replication seeds (default: the baseline's ``run.seed``).
        horizons: Chosen months (``YYYY-MM``) to compare at, besides the end of programme and
            the end of run.
        workers: Worker processes; more than 1 runs replications in parallel with the same seeds,
            so the results are identical to a serial run.
        confidence: Confidence level of the intervals of differences.
        progress: Called as ``progress(scenario name, runs done, runs in total)`` after each run.

    Returns:
        The comparison.

    Raises:
        InputFileError: For a bad scenario file, scenarios with the same name, or run windows that
            differ from the baseline's.
        desmig_sim.experiments.horizons.HorizonError: For a chosen month outside the run window.
        ValueError: For fewer than 1 replication or worker.
    """
    if replications < 1 or workers < 1:
        raise ValueError("replications and workers must be 1 or more")
    loaded = [_load(item) for item in scenarios]
    if baseline is not None:
        base = _load(baseline)
        loaded = [base] + [(s, src) for s, src in loaded if s != base[0]]
    if not loaded:
        raise ValueError("no scenarios to compare")
    base_scenario = loaded[0][0]
    chosen: dict[str, Scenario] = {}
    sources: dict[str, str | None] = {}
    for scenario, source in loaded:
        if scenario.name in chosen:
            raise InputFileError(
                source or scenario.name,
                f"{scenario.name!r} is also the name of {sources[scenario.name] or 'another scenario'};"
                " allowed: a name no other compared scenario has",
                field="name",
            )
        _same_window(scenario, source, base_scenario)
        chosen[scenario.name] = scenario
        sources[scenario.name] = source
    at = list(horizons)
    points = {name: scenario_horizons(sc, at) for name, sc in chosen.items()}
    root = base_scenario.run.seed if seed is None else int(seed)
    seeds = seeds_for(base_scenario, replications, root)
    started = utc_now()
    clock = time.perf_counter()
    tables, seconds = _run_all(chosen, seeds, workers, progress)
    provenance = {
        "started": started,
        "finished": utc_now(),
        "wall_seconds": round(time.perf_counter() - clock, 3),
        "run_seconds": {name: round(s, 3) for name, s in seconds.items()},
        "workers": workers,
        "run_window": list(run_window(base_scenario)),
        "horizons_requested": at,
    }
    return Comparison(
        tables,
        seeds,
        baseline=base_scenario.name,
        horizons=points,
        scenarios=chosen,
        sources=sources,
        root_seed=root,
        confidence=confidence,
        provenance=provenance,
    )
