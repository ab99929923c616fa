"""Speed benchmarks: the vectorised engine at 6,000, 100,000 and 1,000,000 households, and the reference.

Every case runs in a fresh process pinned to one core; peak memory is the child's maximum
resident set size (``resource.getrusage``). Cases:

* **vectorised engine**, baseline and full programme, 120 months, at 6,000 households (the
  default world: 20 villages x 300, Mesa agent views on, the normal way to run; median of several
  runs), 100,000 (20 villages x 5,000) and 1,000,000 households (20 villages x 50,000, and the
  cohort copied 167 times: 3,340 villages x 300), without the agent views (``agents=False``, a
  batch-run option that changes no result);
* **reference engine** (per-agent Python) on the default world for 120 months;
* **the ratio** vectorised / reference, measured in the same run on the same world: 10,000
  households (20 villages x 500) over ``--ratio-months`` months (24 by default, so that the
  reference finishes within a few minutes), as household-months per second of the monthly steps
  (model construction, shared by both engines, is reported apart).

Run with ``make bench`` or ``python benchmarks/bench_core.py [--quick]``; the figures and the
machine are recorded in ``benchmarks/README.md``. Each case reports wall time and the CPU time of
its process (user + system): on a shared machine the CPU time is the steadier figure. The machine
load (``os.getloadavg``) is printed with the figures: on a shared machine timings vary from one
minute to the next, which is why the ratio is measured within one run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import textwrap

CHILD = textwrap.dedent(
    """
    import json, os, resource, sys, time
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    from desmig_sim import build_model, load_scenario
    from desmig_sim.config.scenario import SCENARIO_DIR, scenario_from_dict
    name, households, copies, months = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    agents, engine = sys.argv[5] == "1", sys.argv[6]
    data = load_scenario(SCENARIO_DIR / f"{name}.toml").to_dict()
    data["parameters"]["village"]["households_per_village"] = households
    data["world"]["copies"] = copies
    data["run"]["months"] = months
    scenario = scenario_from_dict(data)
    start = resource.getrusage(resource.RUSAGE_SELF)
    cpu0 = start.ru_utime + start.ru_stime
    t0 = time.perf_counter()
    model = build_model(scenario, agents=agents, engine=engine)
    t1 = time.perf_counter()
    mid = resource.getrusage(resource.RUSAGE_SELF)
    model.run()
    t2 = time.perf_counter()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak, cpu = usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime - cpu0
    n = model.households.count
    cpu_run = usage.ru_utime + usage.ru_stime - mid.ru_utime - mid.ru_stime
    times = {"init": t1 - t0, "run": t2 - t1, "total": t2 - t0, "cpu": cpu, "cpu_run": cpu_run}
    print(json.dumps({**times, "peak_mib": peak, "households": n}))
    """
)


def measure(
    scenario: str, households_per_village: int, copies: int, months: int, agents: bool, engine: str
) -> dict:
    """One measurement in a fresh process."""
    args = [scenario, str(households_per_village), str(copies), str(months), "1" if agents else "0", engine]
    out = subprocess.run(
        [sys.executable, "-c", CHILD, *args],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"},
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["load"] = os.getloadavg()[0]
    return result


def summarise(runs: list[dict], months: int) -> dict:
    """Medians of the runs (peak memory: the largest)."""
    households = runs[0]["households"]
    total = statistics.median(r["total"] for r in runs)
    run = statistics.median(r["run"] for r in runs)
    return {
        "households": households,
        "months": months,
        "total": total,
        "init": statistics.median(r["init"] for r in runs),
        "cpu": statistics.median(r["cpu"] for r in runs),
        "cpu_run": statistics.median(r["cpu_run"] for r in runs),
        "run": run,
        "rate_total": households * months / total,
        "rate_steps": households * months / run,
        "peak_mib": max(r["peak_mib"] for r in runs),
        "runs": len(runs),
        "load": max(r["load"] for r in runs),
    }


def report(label: str, s: dict) -> None:
    """Print one case."""
    rate = s["rate_total"]
    rate_text = f"{rate / 1e6:6.2f} M" if rate >= 1e5 else f"{rate / 1e3:6.1f} k"
    print(
        f"{label:<56} {s['households']:>9,} hh x {s['months']:>3} mo: total {s['total']:7.2f} s"
        f" (init {s['init']:5.2f} s, CPU {s['cpu']:6.2f} s)  {rate_text} hh-months/s"
        f"  peak {s['peak_mib']:6.0f} MiB"
        f"  [median of {s['runs']}, load {s['load']:.1f}]",
        flush=True,
    )


def case(label: str, repeats: int, *args: object) -> dict:
    """Measure a case ``repeats`` times, print and return its summary."""
    months = int(args[3])  # type: ignore[call-overload]
    summary = summarise([measure(*args) for _ in range(repeats)], months)  # type: ignore[arg-type]
    report(label, summary)
    return summary


def main() -> None:
    """Run the benchmark suite and print the figures."""
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=raw)
    parser.add_argument("--quick", action="store_true", help="skip the 1,000,000-household runs")
    parser.add_argument("--repeats", type=int, default=5, help="runs of the 6,000/10,000-household cases")
    parser.add_argument("--big-repeats", type=int, default=1, help="runs of each 100,000/1,000,000 case")
    parser.add_argument("--ratio-months", type=int, default=24, help="months of the ratio measurement")
    parser.add_argument("--no-reference", action="store_true", help="skip the reference engine")
    args = parser.parse_args()
    print(
        f"python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores visible,"
        f" load {' '.join(f'{x:.2f}' for x in os.getloadavg())}; each case in a fresh process on one core",
        flush=True,
    )
    r = args.repeats
    if not args.no_reference:
        months = args.ratio_months
        # The vectorised runs bracket the reference run (half before, half after), so that a change
        # of machine load during the long reference run weighs on both sides of the ratio.
        ratio_case = ("baseline", 500, 1, months, True)
        before = [measure(*ratio_case, "vectorised") for _ in range((r + 1) // 2)]
        slow = case("ratio world, reference", 1, *ratio_case, "reference")
        after = [measure(*ratio_case, "vectorised") for _ in range(r // 2)]
        fast = summarise(before + after, months)
        report("ratio world, vectorised (agents on), around it", fast)
        print(
            f"ratio vectorised / reference at {fast['households']:,} households x {months} months:"
            f" {fast['rate_steps'] / slow['rate_steps']:.0f}x in household-months per second of the monthly"
            f" steps ({fast['rate_steps'] / 1e6:.2f} M vs {slow['rate_steps'] / 1e3:.1f} k);"
            f" {fast['rate_total'] / slow['rate_total']:.0f}x including model construction;"
            f" {slow['cpu_run'] / fast['cpu_run']:.0f}x in CPU time of the monthly steps",
            flush=True,
        )
    for name in ("baseline", "full_program"):
        case(f"20 villages x 300, {name}, vectorised (agents on)", r, name, 300, 1, 120, True, "vectorised")
    if not args.no_reference:
        for name in ("baseline", "full_program"):
            case(f"20 villages x 300, {name}, reference", 1, name, 300, 1, 120, True, "reference")
    b = args.big_repeats
    for name in ("baseline", "full_program"):
        case(f"20 villages x 5,000, {name}, vectorised", b, name, 5_000, 1, 120, False, "vectorised")
    if args.quick:
        return
    for name in ("baseline", "full_program"):
        case(f"20 villages x 50,000, {name}, vectorised", b, name, 50_000, 1, 120, False, "vectorised")
    for name in ("baseline", "full_program"):
        case(f"3,340 villages x 300, {name}, vectorised", b, name, 300, 167, 120, False, "vectorised")


if __name__ == "__main__":
    main()
