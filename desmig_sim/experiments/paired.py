"""The statistics of paired replicated runs: :class:`Comparison`.

A comparison holds every scenario's outcome tables on the same replication seeds and computes,
per outcome column, the bands of each scenario and the paired differences against the baseline,
every month and at horizons. :func:`desmig_sim.experiments.comparison.compare` runs the scenarios
and builds one; the statistics themselves are :mod:`desmig_sim.core.stats`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from desmig_sim.config.outcomes import CATALOGUE, GROUPS, KEY_OUTCOMES, POOLED, PROGRAMME_GROUP, Outcome
from desmig_sim.config.scenario import Scenario
from desmig_sim.core import stats
from desmig_sim.experiments.horizons import END_OF_RUN, Horizon


def _pooled_values(
    table: pd.DataFrame, columns: list[str], row: str = POOLED
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Months, dates and outcome values of one pooled row (``ALL`` or a group) of an outcome table."""
    rows = table[table["village"] == row].sort_values("month")
    return rows["month"].to_numpy(), rows["date"].to_numpy(), rows[columns].to_numpy(dtype=float)


class Comparison:
    """Replicated runs of a baseline and policies on the same seeds, and their paired statistics.

    Usually built by :func:`compare`; it can also be built from outcome tables computed elsewhere
    (for example by hand in a test).

    Args:
        tables: Scenario name -> one outcome table per replication, in seed order (the tables of
            :attr:`desmig_sim.experiments.runner.RunResult.timeseries`: columns ``month``, ``date``,
            ``village`` and outcome columns; the pooled rows, ``village == "ALL"``, are
            compared, and the group rows ``PROGRAMME`` and ``NEIGHBOURS`` where every table has
            them, :attr:`by_group`). Every scenario must have one table per seed and the same months.
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
        #: Group rows (programme villages, their non-programme neighbours) that every table has.
        self.groups = [
            g for g in GROUPS if all((t["village"] == g).any() for runs in self.tables.values() for t in runs)
        ]
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

    @cached_property
    def group_values(self) -> dict[str, dict[str, np.ndarray]]:
        """Group row (:attr:`groups`) -> scenario -> values, replication x month x outcome."""
        return {
            group: {
                name: np.stack([_pooled_values(t, self.columns, group)[2] for t in runs])
                for name, runs in self.tables.items()
            }
            for group in self.groups
        }

    def values_at(self, name: str, month: int, group: str = POOLED) -> np.ndarray:
        """A scenario's values at a month as compared at a horizon, replication x outcome (:attr:`columns`).

        Outcomes summed at horizons (``at_horizon == "sum"`` in the catalogue) are summed from the
        first month to ``month``; the others are the month's pooled value. ``group`` picks the
        row: ``ALL`` (default) or one of :attr:`groups`.
        """
        values = self.values[name] if group == POOLED else self.group_values[group][name]
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
            "mean": stats.mean_present(values),
            "p10": p10,
            "p90": p90,
            "baseline_mean": stats.mean_present(base),
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
        return self._horizon_rows(POOLED)

    @property
    def headline(self) -> str:
        """The row the headline tables read: ``PROGRAMME`` when the world has neighbours, else ``ALL``.

        With non-programme neighbours, ``ALL`` mixes villages the programme reaches with villages
        it never reaches and halves its effects; the programme's own effect is that on ``PROGRAMME``.
        """
        return PROGRAMME_GROUP if PROGRAMME_GROUP in self.groups else POOLED

    @cached_property
    def headline_horizons(self) -> pd.DataFrame:
        """:attr:`horizons` computed on the :attr:`headline` row (the key-outcome tables read it)."""
        return self.horizons if self.headline == POOLED else self._horizon_rows(self.headline)

    @cached_property
    def by_group(self) -> pd.DataFrame:
        """:attr:`horizons` for ``ALL`` and each group row, with a ``group`` column first (spill-over).

        With non-programme neighbours in the world, the ``NEIGHBOURS`` rows show what a policy
        changes in villages it never reaches (through brokers shared with the programme villages).
        """
        frames = [self._horizon_rows(group).assign(group=group) for group in (POOLED, *self.groups)]
        frame = pd.concat(frames, ignore_index=True)
        return frame[["group", *frame.columns[:-1]]]

    def _horizon_rows(self, group: str) -> pd.DataFrame:
        """The rows of :attr:`horizons` computed on one pooled row (``ALL`` or a group)."""
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
                values = self.values_at(name, h.month, group)
                base = self.values_at(self.baseline, h.month, group)
                frames.append(pd.DataFrame({**columns, **self._statistics(values, base)}, index=range(k)))
        return pd.concat(frames, ignore_index=True)

    def key_outcomes_at(self, horizon: str = END_OF_RUN) -> pd.DataFrame:
        """The policies' rows of :attr:`horizons` at a horizon for the key outcomes (in key order).

        Indexed by outcome column; the catalogue's :data:`~desmig_sim.config.outcomes.KEY_OUTCOMES`.
        Computed on the :attr:`headline` row.
        """
        table = self.headline_horizons
        rows = table[(table["role"] == "policy") & (table["horizon"] == horizon)].set_index("outcome")
        return rows.loc[[c for c in KEY_OUTCOMES if c in rows.index]]

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
