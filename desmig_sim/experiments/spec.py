"""Experiments as TOML files: a base scenario, factors, a design, replications, seed and outcomes.

An experiment is written in XLRM terms (EMA Workbench): **levers** are programme settings
(``components.<component>.<setting>``), **uncertainties** are model parameters
(``parameters.<section>.<parameter>``), both addressed by dotted paths checked against the scenario
schema; **outcomes** are statistics of a column of :data:`desmig_sim.config.outcomes.CATALOGUE`. Every
design point is validated as a scenario before anything runs. Replication ``r`` of every design
point runs on the same seed (:func:`desmig_sim.experiments.runner.seeds_for`): common random numbers.

Errors are :class:`~desmig_sim.core.errors.ExperimentError`, worded like scenario errors (they share
:func:`desmig_sim.config.scenario.explain_validation_error`). See ``docs/experiments.md`` for the format.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import ValidationError

from desmig_sim.config.files import read_input_file
from desmig_sim.config.outcomes import GROUPS, POOLED
from desmig_sim.config.scenario import Scenario, explain_validation_error, load_scenario, scenario_from_dict
from desmig_sim.core.calendar import format_year_month, parse_year_month
from desmig_sim.core.errors import ExperimentError, ScenarioError
from desmig_sim.core.paths import EXPERIMENT_DIR
from desmig_sim.experiments.designs import cross, generate
from desmig_sim.experiments.runner import seeds_for
from desmig_sim.experiments.schema import ExperimentSpec, Factor, OutcomeSpec


def _set_path(data: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, last = dotted.split(".")
    node = data
    for key in parents:
        node = node[key]
    node[last] = value


def _factor_field(spec: ExperimentSpec, path: str) -> str:
    """The experiment-file field of the factor with scenario ``path``."""
    for group in ("levers", "uncertainties"):
        for i, factor in enumerate(getattr(spec, group)):
            if factor.path == path:
                return f"{group}[{i}]"
    return f"constants.{path}" if path in spec.constants else path


@dataclass(frozen=True, eq=False)
class Experiment:
    """A loaded experiment: its spec, base scenario, design table and seeds.

    Attributes:
        spec: The validated file content.
        path: The experiment file.
        text: The file's text (kept for provenance).
        base: The base scenario with the experiment's constants applied.
        design: One row per design point (index ``point``), one column per factor path.
        seeds: The replication seeds, the same at every design point.
    """

    spec: ExperimentSpec
    path: Path
    text: str
    base: Scenario
    design: pd.DataFrame = field(repr=False)
    seeds: tuple[int, ...]

    @property
    def name(self) -> str:
        """The experiment's name."""
        return self.spec.name

    @property
    def factors(self) -> list[Factor]:
        """Levers, then uncertainties."""
        return self.spec.factors()

    @property
    def runs(self) -> int:
        """Design points times replications."""
        return len(self.design) * len(self.seeds)

    def point_values(self, point: int) -> dict[str, Any]:
        """The factor values of one design point, by path."""
        # Cell by cell: a row of mixed columns would turn an integer setting into a float.
        return {path: _plain(self.design.at[point, path]) for path in self.design.columns}

    def scenario_at(self, point: int) -> Scenario:
        """The validated scenario of one design point."""
        return scenario_with(self.base, self.point_values(point), f"{self.path} (design point {point})")

    def content_hash(self) -> str:
        """SHA-256 of what determines the results: the spec, the base scenario and the design."""
        data = {
            "spec": self.spec.model_dump(mode="json"),
            "base": self.base.content_hash(),
            "design": self.design.to_dict(orient="split"),
            "seeds": list(self.seeds),
        }
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()

    def reduced(
        self,
        *,
        months: int | None = None,
        villages: int | None = None,
        households: int | None = None,
        replications: int | None = None,
        samples: int | None = None,
    ) -> Experiment:
        """A smaller version for a quick check: fewer months, villages, households, runs or samples.

        Args:
            months: Run window in months.
            villages: Keep the first this many simulated villages.
            households: Households per village.
            replications: Replications per point.
            samples: The design's ``samples`` (ignored by a full factorial).
        """
        data = self.spec.model_dump(mode="json", exclude_none=True)
        constants = data.setdefault("constants", {})
        if months is not None:
            constants["run.months"] = months
        if villages is not None:
            constants["world.villages"] = self.base.world.village_names()[:villages]
        if households is not None:
            constants["parameters.village.households_per_village"] = households
        if replications is not None:
            data["replications"] = replications
        if samples is not None and data["design"]["kind"] != "full_factorial":
            data["design"]["samples"] = samples
        if months is not None or villages is not None:
            data["outcomes"] = [
                self._fit_outcome(o, months, constants.get("world.villages")) for o in data["outcomes"]
            ]
        return _build(data, self.path, self.text)

    def _fit_outcome(
        self, outcome: dict[str, Any], months: int | None, villages: list[str] | None
    ) -> dict[str, Any]:
        """An outcome's months clamped into a shorter run window; a dropped village becomes 'ALL'."""
        first = parse_year_month(self.base.run.start)
        last = first + (months or self.base.run.months) - 1
        fitted = dict(outcome)
        for key in ("month", "start", "end"):
            if key in fitted:
                fitted[key] = format_year_month(min(max(parse_year_month(fitted[key]), first), last))
        if villages is not None and fitted.get("village", POOLED) not in [*villages, POOLED]:
            fitted["village"] = POOLED
        return fitted


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def scenario_with(base: Scenario, values: dict[str, Any], source: str) -> Scenario:
    """``base`` with the settings at the dotted paths in ``values`` replaced, validated."""
    data = copy.deepcopy(base.to_dict())
    for path, value in values.items():
        _set_path(data, path, _plain(value))
    return scenario_from_dict(data, source)


def _check_outcomes(spec: ExperimentSpec, base: Scenario, source: str) -> None:
    first = parse_year_month(base.run.start)
    last = first + base.run.months - 1
    window = f"{format_year_month(first)}..{format_year_month(last)}"
    villages = [*(v.name for v in base.world.simulated_villages()), POOLED, *GROUPS]
    for i, outcome in enumerate(spec.outcomes):
        for key in ("month", "start", "end"):
            month = getattr(outcome, key)
            if month is not None and not first <= parse_year_month(month) <= last:
                raise ExperimentError(
                    source,
                    f"{month!r} is outside the run window; allowed: a month in {window}",
                    field=f"outcomes[{i}].{key}",
                )
        if outcome.village not in villages:
            raise ExperimentError(
                source,
                f"{outcome.village!r} is not a simulated village; allowed: {', '.join(villages)}",
                field=f"outcomes[{i}].village",
            )


def _base_scenario(spec: ExperimentSpec, path: Path) -> Scenario:
    """The base scenario with the experiment's constants applied."""
    source = str(path)
    base_file = path.parent / spec.scenario
    if not base_file.is_file():
        raise ExperimentError(
            source,
            f"{spec.scenario!r} does not exist; allowed: a scenario file, relative to {path.parent}",
            field="scenario",
        )
    base = load_scenario(base_file)
    if not spec.constants:
        return base
    try:
        return scenario_with(base, spec.constants, source)
    except ScenarioError as exc:
        raise ExperimentError(source, exc.detail, field=f"constants.{exc.field}") from None


def _check_factor_values(spec: ExperimentSpec, base: Scenario, source: str) -> None:
    """Each factor's values (or range ends), one at a time on the base scenario, as scenario settings."""
    for group in ("levers", "uncertainties"):
        for i, factor in enumerate(getattr(spec, group)):
            ends = {"low": factor.low, "high": factor.high} if factor.values is None else {}
            tries = ends or {f"values[{j}]": v for j, v in enumerate(factor.values or [])}
            for key, value in tries.items():
                try:
                    scenario_with(base, {factor.path: factor.space().cast(value)}, source)
                except ScenarioError as exc:
                    raise ExperimentError(
                        source, f"{factor.path} = {value!r}: {exc.detail}", field=f"{group}[{i}].{key}"
                    ) from None


def _check_points(experiment: Experiment) -> None:
    """Every design point as a scenario (cross-field rules can fail only for some combinations)."""
    for point in experiment.design.index:
        try:
            experiment.scenario_at(int(point))
        except ScenarioError as exc:
            values = ", ".join(f"{k} = {v!r}" for k, v in experiment.point_values(int(point)).items())
            raise ExperimentError(
                str(experiment.path),
                f"design point {point} ({values}) is not a valid scenario: {exc.detail}",
                field=_factor_field(experiment.spec, exc.field or ""),
            ) from None


def _build(data: dict[str, Any], path: Path, text: str) -> Experiment:
    try:
        spec = ExperimentSpec.model_validate(data)
    except ValidationError as exc:
        where, fld, detail = explain_validation_error(exc, ExperimentSpec, str(path))
        raise ExperimentError(where, detail, field=fld) from None
    base = _base_scenario(spec, path)
    _check_factor_values(spec, base, str(path))
    _check_outcomes(spec, base, str(path))
    settings = spec.design
    sampled = spec.uncertainties if settings.cross_levers else spec.factors()
    design = generate(
        settings.kind,
        [f.space() for f in sampled],
        samples=settings.samples,
        levels=settings.levels,
        second_order=settings.second_order,
        seed=spec.seed if settings.seed is None else settings.seed,
    )
    if settings.cross_levers:
        design = cross([f.space() for f in spec.levers], design)
    experiment = Experiment(
        spec, path, text, base, design, tuple(seeds_for(base, spec.replications, spec.seed))
    )
    _check_points(experiment)
    return experiment


def load_experiment(path: str | Path) -> Experiment:
    """Load and validate an experiment file, its base scenario and every design point.

    Args:
        path: A TOML experiment file; a bare name such as ``"component_ablation"`` is also looked up
            in the package's ``experiments/`` folder.

    Returns:
        The experiment, with its design table and seeds.

    Raises:
        ExperimentError: Naming the file, the field, the value and what is allowed.
        ScenarioError: If the base scenario file is not valid.
    """
    candidate = Path(path)
    if not candidate.exists() and not candidate.suffix:
        shipped = EXPERIMENT_DIR / f"{candidate.name}.toml"
        candidate = shipped if shipped.exists() else candidate
    text, data = read_input_file(candidate, ExperimentError)
    return _build(data, candidate, text)


def outcome_value(timeseries: pd.DataFrame, outcome: OutcomeSpec) -> float:
    """The statistic of one outcome column in a run's table (one village or the pooled rows)."""
    rows = timeseries[timeseries["village"] == outcome.village]
    column = rows[outcome.column]
    if outcome.statistic == "end":
        return float(column.iloc[-1])
    if outcome.statistic == "at":
        return float(column[rows["date"] == outcome.month].iloc[0])
    months = rows["date"].map(parse_year_month)
    lo = parse_year_month(outcome.start) if outcome.start else months.min()
    hi = parse_year_month(outcome.end) if outcome.end else months.max()
    window = column[(months >= lo) & (months <= hi)]
    return float(window.mean() if outcome.statistic == "mean" else window.sum())
