"""Global sensitivity analysis of a sweep: Sobol' indices or Morris elementary effects (SALib).

The sweep's replications of each design point are averaged first (they share seeds across
points, so the averages differ only through the factors). Then, per outcome:

- a ``sobol`` design gives first-order (S1) and total-order (ST) Sobol' indices with 95% bootstrap
  confidence half-widths (:func:`SALib.analyze.sobol.analyze` on the Saltelli sample);
- a ``morris`` design gives mu* (mean absolute elementary effect, in the outcome's unit), mu and
  sigma (:func:`SALib.analyze.morris.analyze`).

Results go to ``<out>/sensitivity/``: ``indices.csv``, ``indices.md`` and one bar (tornado) plot
per outcome.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from desmig_sim.config.outcomes import CATALOGUE
from desmig_sim.core.errors import ExperimentError
from desmig_sim.core.extras import require
from desmig_sim.core.output import staged_directory, write_manifest, write_table
from desmig_sim.core.provenance import environment, utc_now
from desmig_sim.experiments.designs import SENSITIVITY_DESIGNS, salib_problem
from desmig_sim.experiments.schema import OutcomeSpec
from desmig_sim.experiments.spec import Experiment
from desmig_sim.experiments.sweeps import MANIFEST, results, run_sweep

CONFIDENCE = 0.95
RESAMPLES = 1000


def outcome_unit(outcome: OutcomeSpec) -> str:
    """Unit of a recorded outcome: its column's (from the catalogue), without ``/month`` for a sum."""
    column = CATALOGUE[outcome.column]
    return column.summed_unit if outcome.statistic == "sum" else column.unit


def check_design(experiment: Experiment) -> str:
    """The design kind, if it supports a sensitivity analysis.

    Raises:
        ExperimentError: For a full factorial or Latin hypercube design.
    """
    kind = experiment.spec.design.kind
    if kind not in SENSITIVITY_DESIGNS:
        raise ExperimentError(
            str(experiment.path),
            f"{kind!r} has no sensitivity analysis; allowed: {', '.join(SENSITIVITY_DESIGNS)}",
            field="design.kind",
        )
    return kind


def point_means(experiment: Experiment, table: pd.DataFrame) -> pd.DataFrame:
    """Mean over replications of each outcome at each design point (rows in design order).

    Raises:
        ExperimentError: If a design point has no successful run.
    """
    means = table.groupby(["point", "outcome"])["value"].mean().unstack("outcome")
    means = means.reindex(experiment.design.index)
    missing = [p for p in means.index if p not in set(table["point"])]
    if missing:
        raise ExperimentError(
            str(experiment.path),
            f"design points {missing[:10]} have no successful run; allowed: a complete sweep"
            " (run the command again to retry failed runs)",
        )
    return means


def indices(experiment: Experiment, table: pd.DataFrame) -> pd.DataFrame:
    """The sensitivity indices of every outcome and factor.

    Args:
        experiment: An experiment with a ``sobol`` or ``morris`` design.
        table: Its tidy sweep results (:func:`desmig_sim.experiments.sweeps.results`).

    Returns:
        One row per outcome and factor: ``S1, S1_conf, ST, ST_conf`` (Sobol') or
        ``mu_star, mu_star_conf, mu, sigma`` (Morris), with the outcome's unit.
    """
    require("SALib", "sensitivity", "Sobol' and Morris indices")
    from SALib.analyze import morris, sobol

    kind = check_design(experiment)
    if table.empty:
        raise ExperimentError(
            str(experiment.path),
            "its sweep has no successful run to analyse (every run failed or none ran; the errors are"
            " in the store: `desmig-sim export FOLDER`); allowed: fix the cause and run the sweep again",
        )
    factors = experiment.factors
    problem = salib_problem([f.space() for f in factors])
    seed = experiment.spec.seed if experiment.spec.design.seed is None else experiment.spec.design.seed
    means = point_means(experiment, table)
    rows = []
    for outcome in experiment.spec.outcomes:
        y = means[outcome.key].to_numpy(dtype=float)
        if np.isnan(y).any() or np.ptp(y) == 0.0:
            # The outcome does not vary over the design, or is missing at some point (a share of
            # nothing, e.g. no departures in any replication there): every index is undefined
            # (NaN), not zero.
            columns = (
                ("S1", "S1_conf", "ST", "ST_conf")
                if kind == "sobol"
                else ("mu_star", "mu_star_conf", "mu", "sigma")
            )
            found = {c: np.full(len(factors), np.nan) for c in columns}
        elif kind == "sobol":
            found = sobol.analyze(
                problem,
                y,
                calc_second_order=experiment.spec.design.second_order,
                num_resamples=RESAMPLES,
                conf_level=CONFIDENCE,
                seed=seed,
            )
            columns = ("S1", "S1_conf", "ST", "ST_conf")
        else:
            x = experiment.design.to_numpy(dtype=float)
            found = morris.analyze(
                problem,
                x,
                y,
                num_resamples=RESAMPLES,
                conf_level=CONFIDENCE,
                num_levels=experiment.spec.design.levels,
                seed=seed,
            )
            columns = ("mu_star", "mu_star_conf", "mu", "sigma")
        for j, factor in enumerate(factors):
            row = {
                "outcome": outcome.key,
                "factor": factor.path,
                "label": factor.label or factor.path.split(".", 1)[1],
            }
            row.update({c: float(np.asarray(found[c])[j]) for c in columns})
            row["unit"] = outcome_unit(outcome)
            rows.append(row)
    return pd.DataFrame(rows)


def markdown_table(frame: pd.DataFrame, digits: int = 3) -> str:
    """A GitHub-flavoured markdown table of a data frame."""

    def cell(value: object) -> str:
        return f"{value:.{digits}g}" if isinstance(value, float) else str(value)

    lines = ["| " + " | ".join(frame.columns) + " |", "|" + "---|" * len(frame.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join(lines) + "\n"


def plot_indices(frame: pd.DataFrame, outcome: str, title: str, path: Path) -> Path:
    """A tornado plot of one outcome's indices (largest at the top), with confidence bars."""
    from matplotlib.figure import Figure  # not pyplot: no global backend, no open figures

    rows = frame[frame["outcome"] == outcome]
    sobol = "ST" in rows.columns
    if rows[["ST" if sobol else "mu_star"]].isna().all().all():
        title += "\n(the outcome does not vary over the design: indices undefined)"
    order = rows.sort_values("ST" if sobol else "mu_star")
    y = np.arange(len(order))
    fig = Figure(figsize=(10, 0.45 * len(order) + 1.8), layout="constrained")
    ax = fig.subplots()
    if sobol:
        height = 0.38
        ax.barh(
            y + height / 2,
            order["ST"],
            height,
            xerr=order["ST_conf"],
            label="total order (ST)",
            color="#1f77b4",
        )
        ax.barh(
            y - height / 2,
            order["S1"],
            height,
            xerr=order["S1_conf"],
            label="first order (S1)",
            color="#ff7f0e",
        )
        ax.set_xlabel("Sobol' index (share of the outcome's variance), 95% CI")
        ax.legend(loc="lower right")
    else:
        ax.barh(y, order["mu_star"], xerr=order["mu_star_conf"], color="#1f77b4", label="mu*")
        ax.plot(order["sigma"], y, "D", color="#d62728", markersize=5, label="sigma")
        ax.set_xlabel(f"Morris mu* and sigma ({order['unit'].iloc[0]}), 95% CI of mu*")
        ax.legend(loc="lower right")
    ax.set_yticks(y, order["label"])
    ax.axvline(0, color="grey", linewidth=0.8)
    ax.set_title(title, loc="left", fontsize=10)
    fig.savefig(path, dpi=120)
    return path


def write_sensitivity(experiment: Experiment, table: pd.DataFrame, out: Path) -> pd.DataFrame:
    """Compute the indices and write ``<out>/sensitivity/``: CSV, markdown, one plot per outcome."""
    frame = indices(experiment, table)
    target = Path(out) / "sensitivity"
    method = "Sobol' indices" if experiment.spec.design.kind == "sobol" else "Morris elementary effects"
    with staged_directory(target) as stage:
        files = write_table(frame, stage, "indices", parquet=False)
        md = stage / "indices.md"
        text = f"# {experiment.name}: {method}\n\n"
        text += f"{len(experiment.design)} design points x {len(experiment.seeds)} replications (means).\n\n"
        md.write_text(text + markdown_table(frame), encoding="utf-8")
        files.append(md)
        for outcome in experiment.spec.outcomes:
            title = f"{experiment.name}\n{method}: {outcome.key} ({outcome_unit(outcome)})"
            files.append(plot_indices(frame, outcome.key, title, stage / f"{outcome.key}.png"))
        manifest = {
            "command": "sensitivity",
            "method": method,
            "confidence": CONFIDENCE,
            "resamples": RESAMPLES,
            "experiment_hash": experiment.content_hash(),
            "sweep_manifest": str(Path(out).resolve() / MANIFEST),
            "written": utc_now(),
            "environment": environment(),
        }
        write_manifest(stage, manifest, files, lambda p: target / p.name)
    return frame


def sensitivity(
    experiment: Experiment,
    out: str | Path,
    *,
    executor: Literal["serial", "process", "dask"] = "serial",
    workers: int | None = None,
    scheduler: str | None = None,
    restart: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Run (or resume) the experiment's sweep, then compute and write its sensitivity indices.

    Returns:
        The indices table (see :func:`indices`).
    """
    check_design(experiment)
    run_sweep(
        experiment,
        out,
        executor=executor,
        workers=workers,
        scheduler=scheduler,
        restart=restart,
        progress=progress,
    )
    return write_sensitivity(experiment, results(out), Path(out))
