"""Regenerate the committed regression summary (run deliberately, after a reviewed change of behaviour).

    .venv/bin/python tests/update_baseline.py

Writes ``tests/data/regression_summary.json``: for the baseline and the full programme on the
default world, the mean over the run of every pooled outcome, averaged over three seeds.
"""

from __future__ import annotations

import json
from pathlib import Path

import desmig_sim
from desmig_sim.outcomes import OUTCOMES

HERE = Path(__file__).resolve().parent
SUMMARY = HERE / "data" / "regression_summary.json"
SCENARIOS = ("baseline", "full_program")
SEEDS = (1, 2, 3)


def summarise() -> dict[str, dict[str, float]]:
    """Mean over the run and over the seeds of each pooled outcome, per scenario."""
    out = {}
    for name in SCENARIOS:
        scenario = desmig_sim.load_scenario(HERE.parent / "scenarios" / f"{name}.toml")
        totals = dict.fromkeys(OUTCOMES, 0.0)
        for seed in SEEDS:
            pooled = desmig_sim.run(scenario, seed=seed, agents=False).pooled()
            for column in OUTCOMES:
                totals[column] += float(pooled[column].mean()) / len(SEEDS)
        out[name] = totals
    return out


if __name__ == "__main__":
    SUMMARY.write_text(json.dumps(summarise(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {SUMMARY}")
