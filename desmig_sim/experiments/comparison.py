"""Paired scenario comparisons: every scenario on the same seeds, differences against a baseline.

:func:`compare` runs a baseline and one or more policy scenarios on the same replication seeds
(common random numbers: replication ``i`` of every scenario uses seed ``i`` spawned from one root
seed), and returns a :class:`Comparison`. For every outcome column it gives, per scenario, the
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
from concurrent.futures import ProcessPoolExecutor, as_completed
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from desmig_sim.config.outcomes import CATALOGUE, POOLED, Outcome
from desmig_sim.config.scenario import Scenario, load_scenario
from desmig_sim.core import stats
from desmig_sim.core.errors import InputFileError
from desmig_sim.core.provenance import utc_now
from desmig_sim.experiments.horizons import END_OF_RUN, Horizon, run_window, scenario_horizons
from desmig_sim.experiments.runner import run, seeds_for

Progress = Callable[[str, int, int], None]


def _pooled_values(table: pd.DataFrame, columns: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rows = table[table["village"] == POOLED].sort_values("month")
    return rows["month"].to_numpy(), rows["date"].to_numpy(), rows[columns].to_numpy(dtype=float)


class Comparison:
    """Replicated runs of a baseline and policies on the same seeds, and their paired statistics.

    Usually built by :func:`compare`; it can also be built from outcome tables computed elsewhere
    (for example by hand in a test).

    Args:
        tables: Scenario name -> one outcome table per replication, in seed order (the tables of
            :attr:`desmig_sim.experiments.runner.RunResult.timeseries`: columns ``month``, ``date``,
            ``village`` and outcome columns; only the pooled rows, ``village == "ALL"``, are
            compared). Every scenario must have one table per seed and the same months.
        seeds: The replication seeds, shared by every scenario.
        baseline: Name of the baseline scenario (default: the first in ``tables``).
        horizons: Scenario name -> its horizons (default: the end of run only).
        scenarios: Scenario name -> the resolved scenario (for provenance).
        sources: Scenario name -> the file it was loaded from (None if built in Python).
        root_seed: Root seed the replication seeds were spawned from.
        confidence: Confidence level of the intervals of differences.
        provenance: Timings and other facts about how the runs were made (for the manifest).

    Raises:
        ValueError: If the tables do not pair up (other numbers of runs or other months), or a
            horizon is not one of their months.
    """

    def __init__(
        self,
        tables: Mapping[str, Sequence[pd.DataFrame]],
        seeds: Sequence[int],
        *,
        baseline: str | None = None,
        horizons: Mapping[str, Sequence[Horizon]] | None = None,
        scenarios: Mapping[str, Scenario] | None = None,
        sources: Mapping[str, str | None] | None = None,
        root_seed: int | None = None,
        confidence: float = 0.95,
        provenance: Mapping[str, Any] | None = None,
    ) -> None:
        if not tables:
            raise ValueError("no scenarios to compare")
        self.tables = {name: list(runs) for name, runs in tables.items()}
        self.names = list(self.tables)
        self.baseline = self.names[0] if baseline is None else baseline
        if self.baseline not in self.tables:
            raise ValueError(f"baseline {self.baseline!r} is not one of the scenarios {self.names}")
        self.policies = [n for n in self.names if n != self.baseline]
        self.seeds = [int(s) for s in seeds]
        self.root_seed = root_seed
        self.confidence = confidence
        self.scenarios = dict(scenarios or {})
        self.sources = dict(sources or {})
        self.provenance = dict(provenance or {})
        first = self.tables[self.baseline][0]
        self.columns = [c for c in CATALOGUE if all(c in t.columns for runs in tables.values() for t in runs)]
        self.outcomes: dict[str, Outcome] = {c: CATALOGUE[c] for c in self.columns}
        self.months, self.dates, _ = _pooled_values(first, self.columns)
        self.values: dict[str, np.ndarray] = {}
        for name, runs in self.tables.items():
            if len(runs) != len(self.seeds):
                raise ValueError(
                    f"{name!r} has {len(runs)} runs for {len(self.seeds)} seeds: they do not pair"
                )
            stacked = []
            for table in runs:
                months, _, values = _pooled_values(table, self.columns)
                if not np.array_equal(months, self.months):
                    raise ValueError(f"{name!r} has other months than the baseline: runs do not pair")
                stacked.append(values)
            self.values[name] = np.stack(stacked)  # replication x month x outcome
        end = Horizon(END_OF_RUN, "End of run", int(self.months[-1]), str(self.dates[-1]))
        self.horizon_points = {n: list((horizons or {}).get(n, [end])) for n in self.names}
        for name, points in self.horizon_points.items():
            for h in points:
                if h.month not in self.months:
                    raise ValueError(
                        f"horizon {h.name} of {name!r}: month {h.month} is not a month of the runs"
                    )

    @property
    def replications(self) -> int:
        """Number of paired replications."""
        return len(self.seeds)

    def values_at(self, name: str, month: int) -> np.ndarray:
        """A scenario's values at a month as compared at a horizon, replication x outcome (:attr:`columns`).

        Outcomes summed at horizons (``at_horizon == "sum"`` in the catalogue) are summed from the
        first month to ``month``; the others are the month's pooled value.
        """
        values = self.values[name]
        index = int(np.searchsorted(self.months, month))
        out = values[:, index, :].copy()
        for k, column in enumerate(self.columns):
            if self.outcomes[column].at_horizon == "sum":
                out[:, k] = values[:, : index + 1, k].sum(axis=1)
        return out

    def _statistics(self, values: np.ndarray, base: np.ndarray) -> dict[str, np.ndarray]:
        """Bands of a scenario's and the baseline's values and their paired differences.

        Args:
            values: The scenario's values, replications along the first axis, outcomes along the last.
            base: The baseline's values on the same seeds, same shape.

        Returns:
            Column name -> array of ``values.shape[1:]``.
        """
        better = np.array([self.outcomes[c].better for c in self.columns])
        diff = stats.paired_differences(values, base, confidence=self.confidence, better=better)
        p10, p90 = stats.bands(values)
        b10, b90 = stats.bands(base)
        return {
            "n": diff["n"],
            "mean": values.mean(axis=0),
            "p10": p10,
            "p90": p90,
            "baseline_mean": base.mean(axis=0),
            "baseline_p10": b10,
            "baseline_p90": b90,
            "diff_mean": diff["mean"],
            "diff_low": diff["low"],
            "diff_high": diff["high"],
            "diff_sd": diff["sd"],
            "share_better": diff["share_better"],
        }

    @cached_property
    def runs(self) -> pd.DataFrame:
        """Per-replication pooled values, one row per scenario, replication and month (wide outcomes)."""
        frames = []
        for name, values in self.values.items():
            r, m, _ = values.shape
            frame = pd.DataFrame(values.reshape(r * m, -1), columns=self.columns)
            frame.insert(0, "date", np.tile(self.dates, r))
            frame.insert(0, "month", np.tile(self.months, r))
            frame.insert(0, "seed", np.repeat(self.seeds, m))
            frame.insert(0, "replication", np.repeat(np.arange(r), m))
            frame.insert(0, "scenario", name)
            frames.append(frame)
        return pd.concat(frames, ignore_index=True)

    def timeseries(self) -> pd.DataFrame:
        """Every run's full outcome table (villages and pooled rows): one row per run, month and village."""
        frames = [
            table.assign(scenario=name, replication=i, seed=seed)
            for name, runs in self.tables.items()
            for i, (table, seed) in enumerate(zip(runs, self.seeds, strict=True))
        ]
        frame = pd.concat(frames, ignore_index=True)
        return frame[["scenario", "replication", "seed", *self.tables[self.baseline][0].columns]]

    @cached_property
    def runs_at_horizons(self) -> pd.DataFrame:
        """Per-replication values at every horizon, with the baseline's on the same seed (long)."""
        rows = []
        for name in self.names:
            for h in self.horizon_points[name]:
                values = self.values_at(name, h.month)
                base = self.values_at(self.baseline, h.month)
                for k, column in enumerate(self.columns):
                    for i, seed in enumerate(self.seeds):
                        rows.append(
                            (name, i, seed, h.name, h.month, h.date, column, values[i, k], base[i, k])
                        )
        frame = pd.DataFrame(
            rows,
            columns=[
                "scenario",
                "replication",
                "seed",
                "horizon",
                "month",
                "date",
                "outcome",
                "value",
                "baseline_value",
            ],
        )
        frame["difference"] = frame["value"] - frame["baseline_value"]
        return frame

    @cached_property
    def horizons(self) -> pd.DataFrame:
        """One row per scenario, horizon and outcome: bands, paired difference and share better.

        The baseline's own rows compare it with itself (difference 0). A policy's end of programme
        is its own; the baseline's values are taken at the same month.
        """
        frames = []
        k = len(self.columns)
        info = [self.outcomes[c] for c in self.columns]
        for name in self.names:
            for h in self.horizon_points[name]:
                columns = {
                    "scenario": name,
                    "role": "baseline" if name == self.baseline else "policy",
                    "horizon": h.name,
                    "horizon_label": h.label,
                    "month": h.month,
                    "date": h.date,
                    "outcome": self.columns,
                    "label": [i.horizon_label for i in info],
                    "unit": [i.horizon_unit for i in info],
                    "aggregation": ["cumulative" if i.at_horizon == "sum" else "last" for i in info],
                    "better": [i.better_word for i in info],
                }
                values = self.values_at(name, h.month)
                base = self.values_at(self.baseline, h.month)
                frames.append(pd.DataFrame({**columns, **self._statistics(values, base)}, index=range(k)))
        return pd.concat(frames, ignore_index=True)

    @cached_property
    def over_time(self) -> pd.DataFrame:
        """One row per scenario, month and outcome: bands, paired difference and share better.

        Values are the monthly values as recorded (flows are per month, not cumulative).
        """
        frames = []
        m, k = len(self.months), len(self.columns)
        for name in self.names:
            computed = self._statistics(self.values[name], self.values[self.baseline])
            frame = pd.DataFrame(
                {
                    "scenario": name,
                    "month": np.repeat(self.months, k),
                    "date": np.repeat(self.dates, k),
                    "outcome": np.tile(np.array(self.columns, dtype=object), m),
                    "unit": np.tile(np.array([self.outcomes[c].unit for c in self.columns], dtype=object), m),
                    **{column: array.reshape(m * k) for column, array in computed.items()},
                }
            )
            frames.append(frame)
        return pd.concat(frames, ignore_index=True)

    def differences_over_time(self) -> pd.DataFrame:
        """The paired differences of each policy every month (one row per policy, month and outcome)."""
        keep = [
            "scenario",
            "month",
            "date",
            "outcome",
            "unit",
            "n",
            "diff_mean",
            "diff_low",
            "diff_high",
            "diff_sd",
        ]
        frame = self.over_time.loc[self.over_time["scenario"].isin(self.policies), [*keep, "share_better"]]
        frame = frame.rename(
            columns={
                "scenario": "policy",
                "diff_mean": "mean",
                "diff_low": "low",
                "diff_high": "high",
                "diff_sd": "sd",
            }
        )
        return frame.reset_index(drop=True)

    def replications_needed(self, outcome: str, width: float, horizon: str = END_OF_RUN) -> dict[str, int]:
        """Replications each policy needs for a confidence interval of its difference no wider than ``width``.

        Uses the standard deviation of the paired differences of these (pilot) replications at the
        horizon, through :func:`desmig_sim.core.stats.replications_needed`.

        Args:
            outcome: Outcome column, e.g. ``non_procedural_share_12m``.
            width: Wanted full width of the interval, in the outcome's unit.
            horizon: Horizon name (``end_of_run``, ``end_of_programme``, ``at_YYYY-MM``).

        Returns:
            Policy name -> replications needed (policies without that horizon are left out; None
            where more than 100,000 would be needed).

        Raises:
            ValueError: For an unknown outcome or horizon, a width that is not positive, or fewer
                than 2 pilot replications.
        """
        if outcome not in self.outcomes:
            raise ValueError(f"unknown outcome {outcome!r}; allowed: {', '.join(self.columns)}")
        if self.replications < 2:
            raise ValueError("the standard deviation of the differences needs at least 2 pilot replications")
        table = self.horizons
        rows = table[
            (table["outcome"] == outcome) & (table["horizon"] == horizon) & (table["role"] == "policy")
        ]
        if rows.empty and self.policies:
            known = sorted(set(table["horizon"]))
            raise ValueError(f"unknown horizon {horizon!r}; allowed: {', '.join(known)}")
        return {row.scenario: _needed(row.diff_sd, width, self.confidence) for row in rows.itertuples()}

    def replications_table(self, targets: Mapping[str, float]) -> pd.DataFrame:
        """For each target width, policy and horizon: the pilot's interval width and replications needed."""
        rows = []
        table = self.horizons
        horizons = dict.fromkeys(h.name for p in self.policies for h in self.horizon_points[p])
        for outcome, width in targets.items():
            for h in horizons:
                for policy, n in self.replications_needed(outcome, width, h).items():
                    row = table[
                        (table["scenario"] == policy)
                        & (table["horizon"] == h)
                        & (table["outcome"] == outcome)
                    ]
                    row = row.iloc[0]
                    rows.append(
                        {
                            "policy": policy,
                            "horizon": h,
                            "date": row["date"],
                            "outcome": outcome,
                            "unit": row["unit"],
                            "target_width": width,
                            "pilot_replications": self.replications,
                            "sd_of_differences": row["diff_sd"],
                            "pilot_width": row["diff_high"] - row["diff_low"],
                            "replications_needed": n,
                        }
                    )
        return pd.DataFrame(rows)


def _needed(sd: float, width: float, confidence: float) -> int | None:
    """:func:`desmig_sim.core.stats.replications_needed`, None beyond its maximum (or for an undefined sd)."""
    try:
        return stats.replications_needed(sd, width, confidence)
    except ValueError:
        if not width > 0:
            raise
        return None


def _load(item: Scenario | str | Path) -> tuple[Scenario, str | None]:
    if isinstance(item, Scenario):
        return item, None
    return load_scenario(item), str(Path(item).resolve())


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


def _one_run(scenario: Scenario, seed: int) -> tuple[pd.DataFrame, float]:
    """One replication (a module-level function, so that worker processes can run it)."""
    clock = time.perf_counter()
    table = run(scenario, seed, agents=False, keep_model=False).timeseries
    return table, time.perf_counter() - clock


def _run_all(
    scenarios: Mapping[str, Scenario], seeds: list[int], workers: int, progress: Progress | None
) -> tuple[dict[str, list[pd.DataFrame]], dict[str, float]]:
    """Every scenario on every seed; tables in seed order whatever the order of completion."""
    tables: dict[str, list[Any]] = {name: [None] * len(seeds) for name in scenarios}
    seconds = dict.fromkeys(scenarios, 0.0)
    done = dict.fromkeys(scenarios, 0)

    def record(name: str, i: int, result: tuple[pd.DataFrame, float]) -> None:
        tables[name][i], took = result
        seconds[name] += took
        done[name] += 1
        if progress is not None:
            progress(name, done[name], len(seeds))

    if workers <= 1:
        for name, scenario in scenarios.items():
            for i, seed in enumerate(seeds):
                record(name, i, _one_run(scenario, seed))
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = {
                pool.submit(_one_run, scenario, seed): (name, i)
                for name, scenario in scenarios.items()
                for i, seed in enumerate(seeds)
            }
            for future in as_completed(futures):
                record(*futures[future], future.result())
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
