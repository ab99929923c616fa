"""Benchmark: how much narrower common random numbers make the interval of a policy difference.

The default comparison (``scenarios/baseline.toml`` against ``scenarios/full_program.toml``, the
full 20-village world, 120 months) is run twice with the same number of replications R:

* **CRN**: both scenarios on the same R seeds (as ``desmig-sim compare`` does); the interval is
  the paired Student-t interval of the differences;
* **independent**: the policy on R seeds spawned from another root seed; the interval is Welch's
  two-sample t interval (the right one for independent runs). The paired-t interval computed on
  these unpaired runs is printed as well, for reference.

For ``non_procedural_share_12m`` and ``income_per_capita_mean`` at the end of the programme and
the end of the run it prints the full width (high - low) of each 95% interval and the ratio
independent / CRN. With ``--repeats k`` the whole experiment is repeated on k root seeds and
medians are reported. Target of the issue: at least 3x narrower with CRN.

Run with ``make bench-crn`` or ``python benchmarks/bench_crn.py [--replications 20] [--repeats 3]``.
"""

from __future__ import annotations

import argparse
import statistics
import time

from desmig_sim import Comparison, compare, load_scenario
from desmig_sim.config.scenario import SCENARIO_DIR
from desmig_sim.core.stats import independent_difference
from desmig_sim.experiments.horizons import END_OF_PROGRAMME, END_OF_RUN

OUTCOMES = ("non_procedural_share_12m", "income_per_capita_mean")
HORIZONS = (END_OF_PROGRAMME, END_OF_RUN)
#: Added to the root seed to get the policy's independent seeds.
INDEPENDENT_OFFSET = 1_000_003


def widths(root: int, replications: int, workers: int) -> dict[tuple[str, str], dict[str, float]]:
    """Interval widths of one repeat: (outcome, horizon) -> {crn, independent, unpaired_t}."""
    baseline = load_scenario(SCENARIO_DIR / "baseline.toml")
    policy = load_scenario(SCENARIO_DIR / "full_program.toml")
    crn = compare([baseline, policy], replications, seed=root, workers=workers)
    other = compare([policy], replications, seed=root + INDEPENDENT_OFFSET, workers=workers)
    assert set(crn.seeds).isdisjoint(other.seeds), "independent runs must not share seeds"
    # The same machinery on unpaired runs: the policy's runs on other seeds, listed against the baseline's.
    unpaired = Comparison(
        {baseline.name: crn.tables[baseline.name], policy.name: other.tables[policy.name]},
        crn.seeds,
        horizons=crn.horizon_points,
    )
    out = {}
    for outcome in OUTCOMES:
        k = crn.columns.index(outcome)
        for horizon in HORIZONS:
            point = next(h for h in crn.horizon_points[policy.name] if h.name == horizon)
            row = crn.horizons.query(
                "scenario == @policy.name and horizon == @horizon and outcome == @outcome"
            )
            row_u = unpaired.horizons.query(
                "scenario == @policy.name and horizon == @horizon and outcome == @outcome"
            )
            welch = independent_difference(
                other.values_at(policy.name, point.month)[:, k],
                crn.values_at(baseline.name, point.month)[:, k],
            )
            out[(outcome, f"{horizon} ({point.date})")] = {
                "crn": float(row["diff_high"].iloc[0] - row["diff_low"].iloc[0]),
                "independent": welch.width,
                "unpaired_t": float(row_u["diff_high"].iloc[0] - row_u["diff_low"].iloc[0]),
                "crn_mean": float(row["diff_mean"].iloc[0]),
                "independent_mean": welch.mean,
            }
    return out


def main() -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", "-r", type=int, default=20, help="R per scenario (default 20)")
    parser.add_argument("--repeats", type=int, default=3, help="root seeds to repeat on (default 3)")
    parser.add_argument("--seed", type=int, default=20170911, help="first root seed")
    parser.add_argument("--workers", type=int, default=1, help="worker processes")
    args = parser.parse_args()
    results = []
    for i in range(args.repeats):
        clock = time.perf_counter()
        results.append(widths(args.seed + i, args.replications, args.workers))
        print(
            f"repeat {i + 1}/{args.repeats} (root seed {args.seed + i}): {time.perf_counter() - clock:.0f} s"
        )
        for key, w in results[-1].items():
            print(
                f"  {key[0]:26s} {key[1]:30s} CRN {w['crn']:.6g}  independent (Welch) {w['independent']:.6g}"
                f"  unpaired t {w['unpaired_t']:.6g}  ratio {w['independent'] / w['crn']:.1f}x"
                f"  (mean difference CRN {w['crn_mean']:.6g}, independent {w['independent_mean']:.6g})"
            )
    print(
        f"\nMedians over {args.repeats} root seed(s), R = {args.replications} replications per scenario,"
        " full width of the 95% CI of the difference (policy - baseline):\n"
    )
    print("| outcome | horizon | CRN | independent seeds (Welch) | ratio | target 3x |")
    print("|---|---|---:|---:|---:|---|")
    for key in results[0]:
        crn = statistics.median(r[key]["crn"] for r in results)
        ind = statistics.median(r[key]["independent"] for r in results)
        ratio = statistics.median(r[key]["independent"] / r[key]["crn"] for r in results)
        verdict = "met" if ratio >= 3 else "NOT met"
        print(f"| {key[0]} | {key[1]} | {crn:.4g} | {ind:.4g} | {ratio:.1f}x | {verdict} |")


if __name__ == "__main__":
    main()
