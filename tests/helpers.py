"""Small worlds and small utilities shared by the tests (a plain module, not a conftest)."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

import desmig_sim
from desmig_sim.config.outcomes import GROUPS, POOLED
from desmig_sim.config.scenario import Scenario, scenario_from_dict

REPO = Path(__file__).resolve().parent.parent
SCENARIOS = REPO / "scenarios"

#: Three villages of the cohort with different local potentials (pottery, weaving, weaving).
SMALL_VILLAGES = ("Buraen", "Bokong", "Mawar")
COMPONENT_KEYS = ("information_centre", "productive_enterprise", "cooperative", "community_parenting")
#: Every component starts in 2017-09 by default; runs start in 2017-01, so month 9.
COMPONENT_START_MONTH = 9


def scenario_data(name: str = "baseline") -> dict[str, Any]:
    """The resolved data of a shipped scenario file (``scenarios/<name>.toml``)."""
    return desmig_sim.load_scenario(SCENARIOS / f"{name}.toml").to_dict()


def set_path(data: dict[str, Any], dotted: str, value: Any) -> None:
    """Set ``data[a][b][c] = value`` for ``dotted == "a.b.c"`` (in place)."""
    *parents, last = dotted.split(".")
    node = data
    for key in parents:
        node = node[key]
    node[last] = value


def small_scenario(
    name: str = "baseline",
    *,
    villages: Iterable[str] = SMALL_VILLAGES,
    households: int = 100,
    months: int = 48,
    overrides: Mapping[str, Any] | None = None,
    extra_events: Iterable[Mapping[str, Any]] = (),
) -> Scenario:
    """A shipped scenario shrunk to a small world and re-validated.

    Args:
        name: Shipped scenario to start from (its events and components are kept).
        villages: Villages to simulate.
        households: Households per village.
        months: Months to run.
        overrides: Further settings by dotted path, e.g. ``{"components.cooperative.enabled": True}``.
        extra_events: Events appended to the scenario's own.
    """
    data = copy.deepcopy(scenario_data(name))
    data["world"]["villages"] = list(villages)
    data["parameters"]["village"]["households_per_village"] = households
    data["run"]["months"] = months
    for dotted, value in (overrides or {}).items():
        set_path(data, dotted, value)
    data["events"] = [*data["events"], *(dict(e) for e in extra_events)]
    return scenario_from_dict(data, f"<small {name}>")


def village_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of single villages (not ``ALL`` nor the group rows ``PROGRAMME``/``NEIGHBOURS``)."""
    return frame[~frame["village"].isin([POOLED, *GROUPS])]


def neighbour_names(villages: Iterable[str]) -> list[str]:
    """The names of the non-programme neighbours of programme villages (one each, the default)."""
    return [f"Neighbour of {v}" for v in villages]


def pooled(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows pooled over villages, indexed by month."""
    return frame[frame["village"] == POOLED].set_index("month")


def run_pooled(scenario: Scenario, seed: int) -> pd.DataFrame:
    """Pooled outcome rows of one run (without Mesa agents, which change no result)."""
    return pooled(desmig_sim.run(scenario, seed, agents=False, keep_model=False).timeseries)


def non_procedural_share(pooled_rows: pd.DataFrame) -> float:
    """Share of all departures in the rows that went by the non-procedural route (NaN if none)."""
    np_departures = float(pooled_rows["departures_non_procedural"].sum())
    total = np_departures + float(pooled_rows["departures_procedural"].sum())
    return np_departures / total if total > 0 else float("nan")


def draw_overrides(
    draw: Callable[[Any], Any],
    parameter_draws: Mapping[str, Any],
    *,
    max_parameters: int,
    random_start: bool = False,
) -> dict[str, Any]:
    """Random scenario overrides for hypothesis: every component's switch and coverage (and start
    month in 2017, if asked), and up to ``max_parameters`` ledger parameters from ``parameter_draws``
    (dotted path -> strategy).
    """
    from hypothesis import strategies as st

    overrides: dict[str, Any] = {}
    for key in COMPONENT_KEYS:
        overrides[f"components.{key}.enabled"] = draw(st.booleans())
        overrides[f"components.{key}.coverage"] = draw(st.floats(0.0, 1.0))
        if random_start:
            overrides[f"components.{key}.start"] = f"2017-{draw(st.integers(1, 12)):02d}"
    for dotted in draw(st.sets(st.sampled_from(sorted(parameter_draws)), max_size=max_parameters)):
        overrides[dotted] = draw(parameter_draws[dotted])
    return overrides
