"""Horizons of a scenario comparison: the months at which policy and baseline are compared.

Three kinds of horizon:

* **end of programme**: the last month in which any enabled component of the scenario is
  scheduled to run (the latest ``end`` of the enabled components' windows, cut to the run
  window). A component stopped earlier by its budget cap still counts to the end of its window:
  the horizon is a property of the scenario file, the same for every replication.
* **end of run**: the last simulated month.
* **chosen months** (``--at YYYY-MM``), which must lie inside the run window.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from desmig_sim.config.scenario import Scenario
from desmig_sim.core.calendar import format_year_month, month_number, parse_year_month

END_OF_PROGRAMME = "end_of_programme"
END_OF_RUN = "end_of_run"


class HorizonError(ValueError):
    """A requested horizon is not a month of the run window (the message says which are)."""


@dataclass(frozen=True)
class Horizon:
    """A month at which scenarios are compared.

    Attributes:
        name: ``end_of_programme``, ``end_of_run`` or ``at_YYYY-MM``.
        label: Readable name for tables: "End of programme", "End of run" or "Chosen month".
        month: Simulation month (1 = the run's first month).
        date: Calendar month, ``YYYY-MM``.
    """

    name: str
    label: str
    month: int
    date: str


def run_window(scenario: Scenario) -> tuple[str, str]:
    """First and last simulated calendar months of a scenario (``YYYY-MM``)."""
    first = parse_year_month(scenario.run.start)
    return scenario.run.start, format_year_month(first + scenario.run.months - 1)


def programme_end_month(scenario: Scenario) -> int | None:
    """The last simulation month in which an enabled component of the scenario is scheduled to run.

    Windows are cut to the run; components whose window lies wholly outside the run do not count.

    Returns:
        The month (1-based), or None when no enabled component runs inside the run window.
    """
    months = scenario.run.months
    ends = []
    for key in scenario.enabled_components():
        settings = getattr(scenario.components, key)
        first = month_number(scenario.run.start, settings.start)
        last = month_number(scenario.run.start, settings.end)
        if last >= 1 and first <= months:
            ends.append(min(last, months))
    return max(ends) if ends else None


def at_month(scenario: Scenario, date: str) -> Horizon:
    """A horizon at a chosen calendar month.

    Raises:
        HorizonError: If ``date`` is not ``YYYY-MM`` or lies outside the run window.
    """
    first, last = run_window(scenario)
    try:
        month = month_number(scenario.run.start, date)
    except ValueError:
        raise HorizonError(f"--at {date!r} is not a month; allowed: YYYY-MM from {first} to {last}") from None
    if not 1 <= month <= scenario.run.months:
        raise HorizonError(f"--at {date} is outside the run window; allowed: {first} to {last}")
    return Horizon(f"at_{date}", "Chosen month", month, date)


def scenario_horizons(scenario: Scenario, at: Iterable[str] = ()) -> list[Horizon]:
    """The horizons of one scenario, in time order of kind: end of programme, end of run, chosen months.

    Args:
        scenario: The scenario (its component windows give the end of programme).
        at: Chosen calendar months, ``YYYY-MM``.

    Raises:
        HorizonError: If a chosen month lies outside the run window.
    """
    horizons = []
    end = programme_end_month(scenario)
    start = parse_year_month(scenario.run.start)
    if end is not None:
        horizons.append(
            Horizon(END_OF_PROGRAMME, "End of programme", end, format_year_month(start + end - 1))
        )
    months = scenario.run.months
    horizons.append(Horizon(END_OF_RUN, "End of run", months, format_year_month(start + months - 1)))
    seen = set()
    for date in at:
        if date not in seen:
            horizons.append(at_month(scenario, date))
            seen.add(date)
    return horizons
