"""Speed benchmark of the vectorised engine (issue: the core model).

Measures, each in a fresh process pinned to one core:

* the default scenario (20 NTT villages x 300 households = 6,000 households, 120 months): the
  baseline and the full programme, with the Mesa agent views (the normal way to run), median of
  several runs;
* 1,000,000 households for 120 months: the cohort copied 167 times (3,340 villages of 300
  households, ``world.copies``) and the 20 villages with 50,000 households each, without the agent
  views (``agents=False``, a batch-run option that changes no result).

Prints wall time, household-months per second and peak memory (max RSS). Run with
``make bench`` or ``python benchmarks/bench_core.py [--quick]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import textwrap

CHILD = textwrap.dedent(
    """
    import json, os, resource, sys, time
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    from desmig_sim import DesmigratifModel, load_scenario
    from desmig_sim.scenario import SCENARIO_DIR, scenario_from_dict
    name, households, copies, months = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    agents = sys.argv[5] == "1"
    data = load_scenario(SCENARIO_DIR / f"{name}.toml").to_dict()
    data["parameters"]["village"]["households_per_village"] = households
    data["world"]["copies"] = copies
    data["run"]["months"] = months
    scenario = scenario_from_dict(data)
    t0 = time.perf_counter()
    model = DesmigratifModel(scenario, agents=agents)
    t1 = time.perf_counter()
    model.run()
    t2 = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"init": t1 - t0, "run": t2 - t1, "total": t2 - t0, "peak_mib": peak}))
    """
)


def measure(scenario: str, households_per_village: int, copies: int, months: int, agents: bool) -> dict:
    """One measurement in a fresh process."""
    args = [scenario, str(households_per_village), str(copies), str(months), "1" if agents else "0"]
    out = subprocess.run(
        [sys.executable, "-c", CHILD, *args],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"},
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def report(label: str, households: int, months: int, runs: list[dict]) -> None:
    """Print the median of the runs."""
    total = statistics.median(r["total"] for r in runs)
    init = statistics.median(r["init"] for r in runs)
    peak = max(r["peak_mib"] for r in runs)
    rate = households * months / total
    print(
        f"{label:<48} {households:>9,} hh x {months} mo: total {total:7.2f} s (init {init:5.2f} s)"
        f"  {rate / 1e6:6.2f} M household-months/s  peak {peak:7.0f} MiB  [median of {len(runs)}]"
    )


def main() -> None:
    """Run the benchmark suite and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="skip the 1,000,000-household runs")
    parser.add_argument("--repeats", type=int, default=5, help="runs of each default-size measurement")
    parser.add_argument(
        "--big-repeats", type=int, default=3, help="runs of each million-household measurement"
    )
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores visible; each run pinned to one core")
    for name in ("baseline", "full_program"):
        runs = [measure(name, 300, 1, 120, True) for _ in range(args.repeats)]
        report(f"default world, {name} (agents on)", 6_000, 120, runs)
    if not args.quick:
        for name in ("baseline", "full_program"):
            runs = [measure(name, 300, 167, 120, False) for _ in range(args.big_repeats)]
            report(f"3,340 villages x 300, {name} (agents off)", 1_002_000, 120, runs)
        runs = [measure("baseline", 50_000, 1, 120, False) for _ in range(args.big_repeats)]
        report("20 villages x 50,000, baseline (agents off)", 1_000_000, 120, runs)


if __name__ == "__main__":
    main()
