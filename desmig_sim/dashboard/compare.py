"""The compare view's computation: the policy against the same scenario without the programme.

The comparison itself is :func:`desmig_sim.experiments.comparison.compare`: both scenarios run on
the same replication seeds spawned from one root seed, so replication ``i`` of each shares its
random streams (common random numbers) and the paired difference ``policy_i - baseline_i``
measures the programme's effect with far less noise than two independent samples. This module
only chooses the two scenarios and reshapes the comparison into the view's tables and downloads.
No UI here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from desmig_sim.config.outcomes import KEY_OUTCOMES, OUTCOMES, POOLED
from desmig_sim.config.scenario import Scenario, scenario_from_dict
from desmig_sim.core.provenance import environment
from desmig_sim.dashboard.controls import SOURCE, live_scenario
from desmig_sim.experiments.comparison import Comparison, compare
from desmig_sim.model.components import COMPONENTS
from desmig_sim.reporting.tables import summary_label

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


def baseline_of(comparison: Comparison) -> Scenario:
    """The scenario without the programme."""
    return comparison.scenarios[comparison.baseline]


def policy_of(comparison: Comparison) -> Scenario:
    """The scenario with the programme as set in the dashboard."""
    return comparison.scenarios[comparison.policies[0]]


def _arm(comparison: Comparison, name: str) -> str:
    return BASELINE if name == comparison.baseline else POLICY


def bands(comparison: Comparison, column: str) -> pd.DataFrame:
    """Per arm and month: the mean over replications and the 10-90% band."""
    rows = comparison.over_time[comparison.over_time["outcome"] == column]
    frame = rows[["scenario", "month", "date", "mean", "p10", "p90"]].reset_index(drop=True)
    frame.insert(0, "arm", [_arm(comparison, n) for n in frame["scenario"]])
    return frame


def difference_over_time(comparison: Comparison, column: str) -> pd.DataFrame:
    """Per month: the mean paired difference policy - baseline and its 95% interval."""
    frame = comparison.differences_over_time()
    rows = frame[frame["outcome"] == column]
    return rows[["month", "date", "mean", "low", "high", "sd", "n", "share_better"]].reset_index(drop=True)


def differences(comparison: Comparison) -> pd.DataFrame:
    """One row per key outcome at the end of the run: both means and the paired difference."""
    rows = comparison.key_outcomes_at()
    named = {"mean": "policy_mean", "diff_mean": "difference", "diff_low": "difference_low"}
    named |= {"diff_high": "difference_high", "share_better": "share_policy_better"}
    frame = rows[["unit", "baseline_mean", *named]].rename(columns=named)
    frame.insert(1, "over", ["whole run" if a == "cumulative" else "last month" for a in rows["aggregation"]])
    frame.insert(0, "outcome", [summary_label(c) for c in rows.index])
    frame.insert(0, "column", rows.index)
    return frame.reset_index(drop=True)


def runs(comparison: Comparison) -> pd.DataFrame:
    """One row per run: arm, scenario, replication, seed and the key outcomes at the end of the run."""
    keys = [c for c in KEY_OUTCOMES if c in comparison.outcomes]
    index = [comparison.columns.index(c) for c in keys]
    frames = []
    for name in (comparison.baseline, *comparison.policies):
        values = comparison.values_at(name, int(comparison.months[-1]))[:, index]
        frame = pd.DataFrame(values, columns=keys)
        frame.insert(0, "seed", comparison.seeds)
        frame.insert(0, "replication", np.arange(comparison.replications))
        frame.insert(0, "scenario", name)
        frame.insert(0, "arm", _arm(comparison, name))
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def timeseries(comparison: Comparison) -> pd.DataFrame:
    """Pooled monthly outcomes of every run, with the arm of each (counts stay whole numbers)."""
    frame = comparison.timeseries()
    frame = frame[frame["village"] == POOLED].drop(columns="village").reset_index(drop=True)
    frame.insert(0, "arm", [_arm(comparison, n) for n in frame["scenario"]])
    return frame


def manifest(comparison: Comparison) -> dict[str, Any]:
    """Provenance: seeds, scenarios and their hashes, versions, times."""
    return {
        "command": "dashboard compare",
        "root_seed": comparison.root_seed,
        "replications": comparison.replications,
        "seeds": comparison.seeds,
        "common_random_numbers": "replication i of both scenarios runs on seeds[i]",
        "scenarios": {
            arm: {"name": sc.name, "hash": sc.content_hash(), "scenario": sc.to_dict()}
            for arm, sc in ((BASELINE, baseline_of(comparison)), (POLICY, policy_of(comparison)))
        },
        "outcomes": {c: OUTCOMES[c] for c in KEY_OUTCOMES},
        "started": comparison.provenance.get("started"),
        "finished": comparison.provenance.get("finished"),
        "environment": environment(),
    }


def runs_csv(comparison: Comparison) -> bytes:
    """The per-run results as CSV bytes (for the download)."""
    return runs(comparison).to_csv(index=False).encode("utf-8")


def timeseries_csv(comparison: Comparison) -> bytes:
    """The pooled monthly outcomes of every run as CSV bytes (for the download)."""
    return timeseries(comparison).to_csv(index=False).encode("utf-8")


def manifest_json(comparison: Comparison) -> bytes:
    """The manifest as JSON bytes (for the download)."""
    return (json.dumps(manifest(comparison), indent=2, default=str) + "\n").encode("utf-8")


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
        The comparison (:class:`desmig_sim.experiments.comparison.Comparison`), baseline first.
    """
    total, done = 2 * replications, 0

    def advance(_name: str, _done: int, _total: int) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total)

    root = policy.run.seed if seed is None else int(seed)
    return compare([without_programme(policy), policy], replications, seed=root, progress=advance)
