"""Profile one run of the vectorised engine with pyinstrument (a dev dependency).

Usage: ``python benchmarks/profile_core.py SCENARIO HOUSEHOLDS_PER_VILLAGE COPIES MONTHS``, for
example ``python benchmarks/profile_core.py full_program 300 167 120`` (3,340 villages x 300
households) or ``... full_program 50000 1 120`` (20 villages x 50,000). Prints the call tree.
"""

from __future__ import annotations

import argparse
import time

from pyinstrument import Profiler

from desmig_sim import DesmigratifModel, load_scenario
from desmig_sim.config.scenario import SCENARIO_DIR, scenario_from_dict


def main() -> None:
    """Run the scenario under the profiler and print where the time goes."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("scenario", help="a scenario in scenarios/, e.g. baseline or full_program")
    parser.add_argument("households", type=int, help="households per village")
    parser.add_argument("copies", type=int, help="copies of each of the 20 villages")
    parser.add_argument("months", type=int, help="months to run")
    args = parser.parse_args()
    data = load_scenario(SCENARIO_DIR / f"{args.scenario}.toml").to_dict()
    data["parameters"]["village"]["households_per_village"] = args.households
    data["world"]["copies"] = args.copies
    data["run"]["months"] = args.months
    scenario = scenario_from_dict(data)
    profiler = Profiler(interval=0.005)
    profiler.start()
    t0 = time.perf_counter()
    model = DesmigratifModel(scenario, agents=False)
    t1 = time.perf_counter()
    model.run()
    t2 = time.perf_counter()
    profiler.stop()
    print(f"construction {t1 - t0:.2f} s, {args.months} months {t2 - t1:.2f} s")
    print(profiler.output_text(unicode=False, color=False))


if __name__ == "__main__":
    main()
