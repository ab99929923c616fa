"""The compare view's computation: the policy against the same scenario without the programme.

Both scenarios run on the same replication seeds spawned from one root seed
(:func:`~desmig_sim.experiments.runner.run_replications`), so replication ``i`` of each shares its random
streams (common random numbers) and the paired difference ``policy_i - baseline_i`` measures the
programme's effect with far less noise than two independent samples. Bands and paired differences
come from :mod:`desmig_sim.core.stats`; nothing here computes statistics of its own. No UI here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from desmig_sim.config.outcomes import CATALOGUE, KEY_OUTCOMES, OUTCOMES, POOLED
from desmig_sim.config.scenario import Scenario, scenario_from_dict
from desmig_sim.core.provenance import environment, utc_now
from desmig_sim.core.stats import band, paired_difference
from desmig_sim.dashboard.controls import SOURCE, live_scenario
from desmig_sim.experiments.runner import RunResult, run_replications, seeds_for
from desmig_sim.model.components import COMPONENTS
from desmig_sim.reporting.tables import end_values, summary_label

#: Labels of the two arms of a comparison.
BASELINE, POLICY = "baseline", "policy"


def without_programme(scenario: Scenario) -> Scenario:
    """The same scenario (parameters, events, villages, run window) with every component off.

    It is named "No programme"; the manifest keeps its full content and hash.
    """
    data = scenario.to_dict()
    for key in COMPONENTS:
        data["components"][key]["enabled"] = False
    data["name"] = "No programme"
    return scenario_from_dict(data, SOURCE)


def comparison_scenario(
    scenario: Scenario, months: int | None = None, village: str | None = None
) -> Scenario:
    """The policy scenario as compared: optionally a shorter run and one village only.

    Raises:
        ScenarioError: If ``months`` or ``village`` is not allowed.
    """
    if village is not None:
        scenario = live_scenario(scenario, village)
    if months is not None:
        data = scenario.to_dict()
        data["run"]["months"] = months
        scenario = scenario_from_dict(data, SOURCE)
    return scenario


@dataclass
class Comparison:
    """Replicated runs of a policy and its baseline on common random numbers.

    Attributes:
        baseline: The scenario without the programme.
        policy: The scenario with the programme as set in the dashboard.
        root_seed: The root seed the replication seeds were spawned from.
        seeds: One seed per replication, shared by both scenarios.
        timeseries: Pooled monthly outcomes of every run: ``arm``, ``scenario``, ``replication``,
            ``seed``, ``month``, ``date`` and the outcome columns.
        runs: One row per run: ``arm``, ``scenario``, ``replication``, ``seed`` and the key outcomes
            at the end of the horizon (or summed over the run, see ``config.outcomes.KEY_OUTCOMES``).
        differences: One row per key outcome: means of both arms and the paired difference with its
            95% interval and the share of replications in which the policy does better.
        manifest: Provenance: seeds, scenarios and their hashes, versions, times.
    """

    baseline: Scenario
    policy: Scenario
    root_seed: int
    seeds: list[int]
    timeseries: pd.DataFrame
    runs: pd.DataFrame
    differences: pd.DataFrame
    manifest: dict[str, Any] = field(default_factory=dict)

    def _matrix(self, arm: str, column: str) -> np.ndarray:
        """Values of ``column``, one row per replication and one column per month."""
        rows = self.timeseries[self.timeseries["arm"] == arm]
        return rows.pivot(index="replication", columns="month", values=column).to_numpy()

    def bands(self, column: str) -> pd.DataFrame:
        """Per arm and month: the mean over replications and the 10-90% band (``stats.band``)."""
        dates = self.timeseries.drop_duplicates("month").set_index("month")["date"]
        frames = []
        for arm, scenario in ((BASELINE, self.baseline), (POLICY, self.policy)):
            values = self._matrix(arm, column)
            low, high = zip(*(band(values[:, j]) for j in range(values.shape[1])), strict=True)
            frames.append(
                pd.DataFrame(
                    {
                        "arm": arm,
                        "scenario": scenario.name,
                        "month": dates.index,
                        "date": dates.to_numpy(),
                        "mean": values.mean(axis=0),
                        "p10": low,
                        "p90": high,
                    }
                )
            )
        return pd.concat(frames, ignore_index=True)

    def difference_over_time(self, column: str) -> pd.DataFrame:
        """Per month: the mean paired difference policy - baseline and its 95% interval."""
        dates = self.timeseries.drop_duplicates("month").set_index("month")["date"]
        policy, baseline = self._matrix(POLICY, column), self._matrix(BASELINE, column)
        better = CATALOGUE[column].better
        rows = [
            paired_difference(policy[:, j], baseline[:, j], better=better).as_dict()
            for j in range(policy.shape[1])
        ]
        frame = pd.DataFrame(rows)
        frame.insert(0, "date", dates.to_numpy())
        frame.insert(0, "month", dates.index)
        return frame

    def runs_csv(self) -> bytes:
        """The per-run results as CSV bytes (for the download)."""
        return self.runs.to_csv(index=False).encode("utf-8")

    def timeseries_csv(self) -> bytes:
        """The pooled monthly outcomes of every run as CSV bytes (for the download)."""
        return self.timeseries.to_csv(index=False).encode("utf-8")

    def manifest_json(self) -> bytes:
        """The manifest as JSON bytes (for the download)."""
        return (json.dumps(self.manifest, indent=2, default=str) + "\n").encode("utf-8")


def _pooled(results: list[RunResult], arm: str) -> pd.DataFrame:
    frames = []
    for i, result in enumerate(results):
        rows = result.timeseries[result.timeseries["village"] == POOLED].drop(columns="village")
        frame = rows.copy()
        frame.insert(0, "seed", result.seed)
        frame.insert(0, "replication", i)
        frame.insert(0, "scenario", result.scenario.name)
        frame.insert(0, "arm", arm)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def _per_run(results: list[RunResult], arm: str) -> pd.DataFrame:
    values = end_values([r.timeseries for r in results])
    values.insert(0, "seed", [r.seed for r in results])
    values.insert(0, "replication", range(len(results)))
    values.insert(0, "scenario", results[0].scenario.name)
    values.insert(0, "arm", arm)
    return values


def _differences(runs: pd.DataFrame) -> pd.DataFrame:
    policy = runs[runs["arm"] == POLICY].sort_values("replication")
    baseline = runs[runs["arm"] == BASELINE].sort_values("replication")
    rows = []
    for column in KEY_OUTCOMES:
        outcome = CATALOGUE[column]
        diff = paired_difference(
            policy[column].to_numpy(), baseline[column].to_numpy(), better=outcome.better
        )
        rows.append(
            {
                "column": column,
                "outcome": summary_label(column),
                "unit": outcome.horizon_unit,
                "over": "whole run" if outcome.at_horizon == "sum" else "last month",
                "baseline_mean": baseline[column].mean(),
                "policy_mean": policy[column].mean(),
                "difference": diff.mean,
                "difference_low": diff.low,
                "difference_high": diff.high,
                "share_policy_better": diff.share_better,
            }
        )
    return pd.DataFrame(rows)


def run_comparison(
    policy: Scenario,
    replications: int,
    seed: int | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> Comparison:
    """Run the policy and its baseline (the programme off) on the same seeds and compare them.

    Args:
        policy: The scenario with the programme (see :func:`comparison_scenario`).
        replications: Runs per scenario (at least 2 for intervals).
        seed: Root seed; the policy's ``run.seed`` when omitted.
        progress: Called with (runs done, runs in all) after each run.

    Returns:
        The comparison, with its tables and manifest.
    """
    baseline = without_programme(policy)
    root = policy.run.seed if seed is None else int(seed)
    total = 2 * replications
    started = utc_now()

    def report(offset: int) -> Callable[[int], None] | None:
        if progress is None:
            return None
        return lambda done: progress(offset + done, total)

    base_results = run_replications(baseline, replications, root, progress=report(0))
    policy_results = run_replications(policy, replications, root, progress=report(replications))
    timeseries = pd.concat(
        [_pooled(base_results, BASELINE), _pooled(policy_results, POLICY)], ignore_index=True
    )
    runs = pd.concat([_per_run(base_results, BASELINE), _per_run(policy_results, POLICY)], ignore_index=True)
    seeds = seeds_for(policy, replications, root)
    manifest = {
        "command": "dashboard compare",
        "root_seed": root,
        "replications": replications,
        "seeds": seeds,
        "common_random_numbers": "replication i of both scenarios runs on seeds[i]",
        "scenarios": {
            arm: {"name": sc.name, "hash": sc.content_hash(), "scenario": sc.to_dict()}
            for arm, sc in ((BASELINE, baseline), (POLICY, policy))
        },
        "outcomes": {c: OUTCOMES[c] for c in KEY_OUTCOMES},
        "started": started,
        "finished": utc_now(),
        "environment": environment(),
    }
    return Comparison(baseline, policy, root, seeds, timeseries, runs, _differences(runs), manifest)
