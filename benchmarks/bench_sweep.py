"""Throughput benchmark of sweeps: serial vs a 2-process pool vs a local 2-worker Dask cluster.

A sweep of the default scenario (the 20 NTT villages, 120 months, all four components as levers):
by default 20 design points x 10 replications = 200 runs. Each executor sweeps into a fresh
folder; the script prints wall times (including worker start-up), runs per second and the
speed-up over serial, checks that every executor stored identical results, and prints the load
average (the machine is shared). Target: a speed-up of at least 1.7 with 2 workers.

Run with ``make bench-sweep`` or ``python benchmarks/bench_sweep.py [--quick] [--repeats N]``;
``--quick`` sweeps 8 points x 5 replications of 36 months.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import pandas as pd

from desmig_sim import load_experiment
from desmig_sim.experiments.sweeps import results, run_sweep, runs

ROOT = Path(__file__).resolve().parent.parent

EXPERIMENT = """
name = "Benchmark: default scenario, component levers"
scenario = "{scenario}"
replications = {replications}
seed = 1
{constants}
[design]
kind = "latin_hypercube"
samples = {points}

[[levers]]
path = "components.information_centre.coverage"
low = 0.2
high = 1.0

[[levers]]
path = "components.productive_enterprise.enabled"
values = [false, true]

[[levers]]
path = "components.cooperative.enabled"
values = [false, true]

[[outcomes]]
column = "non_procedural_share_12m"
statistic = "end"

[[outcomes]]
column = "income_per_capita_mean"
statistic = "end"
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="8 points x 5 replications, 36 months")
    parser.add_argument("--repeats", type=int, default=1, help="sweeps per executor (median reported)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--executors", default="serial,process,dask")
    args = parser.parse_args()
    points, replications = (8, 5) if args.quick else (20, 10)
    constants = '[constants]\n"run.months" = 36\n' if args.quick else ""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.toml"
        path.write_text(
            EXPERIMENT.format(
                scenario=(ROOT / "scenarios" / "full_program.toml").as_posix(),
                replications=replications,
                points=points,
                constants=constants,
            ),
            encoding="utf-8",
        )
        experiment = load_experiment(path)
        shape = f"{points} points x {replications} replications"
        print(f"{experiment.runs} runs ({shape}), {os.cpu_count()} CPUs")
        print(f"load average before: {os.getloadavg()}")
        times: dict[str, float] = {}
        tables: dict[str, pd.DataFrame] = {}
        for name in args.executors.split(","):
            walls = []
            for repeat in range(args.repeats):
                out = Path(tmp) / f"{name}-{repeat}"
                clock = time.perf_counter()
                report = run_sweep(experiment, out, executor=name, workers=args.workers)  # type: ignore[arg-type]
                walls.append(time.perf_counter() - clock)
                assert report.done == experiment.runs, f"{name}: {report.failed} runs failed"
                tables[name] = results(out)
                busy = float(runs(out)["seconds"].sum())
            times[name] = statistics.median(walls)
            workers = 1 if name == "serial" else args.workers
            # Mean run time and (summed run time / wall) tell CPU contention from executor overhead.
            print(
                f"{name:8s} x{workers}: {times[name]:7.1f} s (median of {len(walls)}),"
                f" {experiment.runs / times[name]:5.2f} runs/s, mean run {busy / experiment.runs:.2f} s,"
                f" runs in parallel {busy / walls[-1]:.2f}, load {os.getloadavg()[0]:.2f}",
                flush=True,
            )
        reference = next(iter(tables.values()))
        for table in tables.values():
            pd.testing.assert_frame_equal(table, reference)
        print("results identical across executors: yes")
        if "serial" in times:
            for name, wall in times.items():
                if name != "serial":
                    print(f"speed-up {name} x{args.workers} over serial: {times['serial'] / wall:.2f}")
        print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
