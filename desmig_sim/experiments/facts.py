"""Stylised facts: what the baseline should reproduce, how it is measured, and how far off it is.

Each :class:`StylisedFact` names a pattern of NTT's migration system or village economy with a
target range from its sources (keys of ``docs/references.md``) and a measure on one run.
:func:`check_facts` measures every fact over replicated runs and reports, plainly, the model's
mean and 10–90 % range, whether the mean falls in the target range and, if not, by how much it
misses. Nothing here fits the model: a miss is reported, not tuned away (fitting against the
2017–2019 series, with 2020–2024 held out, is the calibration's job).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from desmig_sim.config.scenario import Scenario, load_scenario
from desmig_sim.core.paths import SCENARIO_DIR
from desmig_sim.core.streams import replication_seeds
from desmig_sim.experiments.runner import RunResult, run_jobs


def _pooled(result: RunResult) -> pd.DataFrame:
    return result.pooled()


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator > 0 else float("nan")


def non_procedural_share(result: RunResult) -> float:
    """Share of all departures of the run that went by the non-procedural route."""
    rows = _pooled(result)
    np_departures = float(rows["departures_non_procedural"].sum())
    return _ratio(np_departures, np_departures + float(rows["departures_procedural"].sum()))


def poverty_rate(result: RunResult) -> float:
    """Mean over the run of the share of people below the poverty line by consumption."""
    return float(_pooled(result)["poverty_rate"].mean())


def productive_share(result: RunResult) -> float:
    """Remittances invested in a business, as a share of remittances received, over the run."""
    rows = _pooled(result)
    return _ratio(
        float(rows["productive_investment_remittances"].sum()), float(rows["remittances_received"].sum())
    )


def remittances_per_migrant_household(result: RunResult) -> float:
    """Mean monthly remittances received per household with a member abroad, IDR."""
    rows = _pooled(result)
    received = rows["remittances_received"].to_numpy(dtype=float)
    households = rows["migrant_households"].to_numpy(dtype=float)
    per_household = np.divide(received, households, out=np.full(received.size, np.nan), where=households > 0)
    return float(np.nanmean(per_household))


def women_share_procedural(result: RunResult) -> float:
    """Share of procedural departures of the run that are women."""
    rows = _pooled(result)
    return _ratio(
        float(rows["departures_procedural_women"].sum()), float(rows["departures_procedural"].sum())
    )


def consumption_per_capita_2020(result: RunResult) -> float:
    """Mean consumption per person in 2020, IDR a month (nominal)."""
    rows = _pooled(result)
    year = rows.loc[rows["date"].str.startswith("2020"), "consumption_per_capita_mean"]
    return float(year.mean()) if len(year) else float("nan")


@dataclass(frozen=True)
class StylisedFact:
    """A pattern the baseline should reproduce.

    Attributes:
        key: Short name.
        description: What is measured, in plain words.
        low: Lower end of the target range.
        high: Upper end of the target range.
        unit: Unit of the measure.
        sources: Keys of ``docs/references.md``.
        measure: The measure on one run.
        fitted: How the model relates to the target: ``"not fitted"`` (nothing sets it),
            ``"hand-tuned"`` (defaults chosen by hand so the baseline lands in range) or
            ``"input-derived"`` (an input comes from the same source).
    """

    key: str
    description: str
    low: float
    high: float
    unit: str
    sources: tuple[str, ...]
    measure: Callable[[RunResult], float]
    fitted: str = "not fitted"


#: The stylised facts of the baseline (docs/odd.md §1.1).
FACTS: tuple[StylisedFact, ...] = (
    StylisedFact(
        "non_procedural_share_of_departures",
        "share of departures by the non-procedural route, 2017–2026",
        0.85,
        0.95,
        "share",
        ("antara-ntt-2018-undocumented",),
        non_procedural_share,
        "hand-tuned",
    ),
    StylisedFact(
        "consumption_poverty",
        "people below the poverty line by consumption (BPS P0), mean 2017–2026",
        0.20,
        0.30,
        "share",
        ("bps-ntt-poverty-2018", "bps-ntt-poverty-2019"),
        poverty_rate,
    ),
    StylisedFact(
        "productive_share_of_remittances",
        "remittances invested in a business / remittances received, 2017–2026",
        0.04,
        0.06,
        "share",
        ("jpnn-2015-ilo-remittance-use", "neraca-2016-wb-remittance-use"),
        productive_share,
        "input-derived",
    ),
    StylisedFact(
        "remittances_per_migrant_household",
        "remittances received per household with a member abroad, monthly mean",
        1e6,
        2e6,
        "IDR/month",
        ("kobumi-2017-sumut-remittances", "databoks-2019-remittances"),
        remittances_per_migrant_household,
    ),
    StylisedFact(
        "women_share_of_procedural_departures",
        "share of procedural placements that are women (NTT 2023: 1,211 of 1,305)",
        0.88,
        0.97,
        "share",
        ("katongntt-2024-placements",),
        women_share_procedural,
        "hand-tuned",
    ),
    StylisedFact(
        "consumption_per_capita_2020",
        "consumption per person in 2020 (rural NTT: Rp 700,794)",
        630_000.0,
        770_000.0,
        "IDR/person/month",
        ("databoks-2021-ntt-expenditure",),
        consumption_per_capita_2020,
        "input-derived",
    ),
)


def check_facts(results: Sequence[RunResult], facts: Sequence[StylisedFact] = FACTS) -> pd.DataFrame:
    """Measure each fact on each run and compare the mean with the target range.

    Args:
        results: Replicated runs of one scenario.
        facts: The facts to check.

    Returns:
        One row per fact: ``fact``, ``description``, ``low``, ``high``, ``unit``, ``mean``,
        ``p10``, ``p90``, ``runs``, ``met`` (the mean lies in the range), ``miss`` (how far the
        mean lies outside the range, signed: below the low end negative; 0 when met),
        ``miss_relative`` (the miss as a share of the nearest end), ``fitted`` and ``sources``. A fact
        no run defines (e.g. a year outside the run) has ``runs`` 0, a missing mean and miss, and
        is not met.
    """
    rows = []
    for fact in facts:
        values = np.array([fact.measure(r) for r in results], dtype=float)
        values = values[~np.isnan(values)]
        mean = float(values.mean()) if values.size else float("nan")
        miss = mean - fact.high if mean > fact.high else (mean - fact.low if mean < fact.low else 0.0)
        miss = float("nan") if np.isnan(mean) else miss
        nearest = fact.high if mean > fact.high else fact.low
        rows.append(
            {
                "fact": fact.key,
                "description": fact.description,
                "low": fact.low,
                "high": fact.high,
                "unit": fact.unit,
                "mean": mean,
                "p10": float(np.quantile(values, 0.1)) if values.size else float("nan"),
                "p90": float(np.quantile(values, 0.9)) if values.size else float("nan"),
                "runs": int(values.size),
                "met": bool(fact.low <= mean <= fact.high),
                "miss": miss,
                "miss_relative": miss / nearest if nearest else float("nan"),
                "fitted": fact.fitted,
                "sources": ", ".join(fact.sources),
            }
        )
    return pd.DataFrame(rows)


def baseline_facts(
    replications: int = 10, *, workers: int = 1, scenario: Scenario | None = None, seed: int | None = None
) -> tuple[pd.DataFrame, list[RunResult]]:
    """Run the baseline (or ``scenario``) and check the stylised facts.

    Args:
        replications: Runs on the scenario's replication seeds.
        workers: Worker processes.
        scenario: The scenario (default: the shipped baseline).
        seed: Root seed of the replications (default: the scenario's).

    Returns:
        ``(table, runs)``: :func:`check_facts` and the runs.
    """
    scenario = scenario if scenario is not None else load_scenario(SCENARIO_DIR / "baseline.toml")
    seeds = replication_seeds(scenario.run.seed if seed is None else seed, replications)
    results = run_jobs([(scenario, s) for s in seeds], workers=workers)
    return check_facts(results), results
