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
import difflib
import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from types import UnionType
from typing import Any, ClassVar, Literal, Union, get_args, get_origin

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from desmig_sim.config.outcomes import OUTCOMES, POOLED
from desmig_sim.config.scenario import Scenario, explain_validation_error, load_scenario, scenario_from_dict
from desmig_sim.core.calendar import YEAR_MONTH_PATTERN, format_year_month, parse_year_month
from desmig_sim.core.errors import ExperimentError, ScenarioError
from desmig_sim.core.paths import REPO_ROOT
from desmig_sim.experiments.designs import SENSITIVITY_DESIGNS, DesignKind, FactorSpace, design_size, generate
from desmig_sim.experiments.runner import seeds_for

EXPERIMENT_DIR = REPO_ROOT / "experiments"
#: Largest design a file may ask for (points), so that a typo cannot start a sweep of years.
MAX_POINTS = 100_000


def resolve_path(dotted: str) -> tuple[str, type | None]:
    """Check a dotted path against the scenario schema.

    Args:
        dotted: E.g. ``"parameters.migration.broker_contact_prob"``.

    Returns:
        ``(kind, annotation)`` of the setting: kind is ``"int"``, ``"float"``, ``"bool"`` or ``"other"``.

    Raises:
        ValueError: Naming the unknown part, a close match and the allowed keys.
    """
    model: Any = Scenario
    parts = dotted.split(".")
    for i, part in enumerate(parts):
        fields = model.model_fields
        if part not in fields:
            hint = difflib.get_close_matches(part, list(fields), n=1)
            did = f" (did you mean `{'.'.join([*parts[:i], hint[0]])}`?)" if hint else ""
            where = "the scenario" if i == 0 else f"`{'.'.join(parts[:i])}`"
            raise ValueError(
                f"{dotted!r} is not a scenario setting: {where} has no `{part}`{did};"
                f" allowed: {', '.join(fields)}"
            )
        annotation = fields[part].annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if i == len(parts) - 1:
                raise ValueError(
                    f"{dotted!r} is a table, not a setting; allowed: one of its settings"
                    f" ({', '.join(annotation.model_fields)})"
                )
            model = annotation
            continue
        if i != len(parts) - 1:
            raise ValueError(f"{dotted!r} goes below the setting `{'.'.join(parts[: i + 1])}`")
        return _kind(annotation), annotation
    raise ValueError(f"{dotted!r} is empty")  # pragma: no cover - split never returns no parts


def _kind(annotation: Any) -> str:
    options = get_args(annotation) if get_origin(annotation) in (Union, UnionType) else (annotation,)
    options = tuple(o for o in options if o is not type(None))
    if options == (bool,):
        return "bool"
    if options == (int,):
        return "int"
    if options in ((float,), (int,), (float, int), (int, float)):
        return "float"
    return "other"


class Factor(BaseModel):
    """A setting varied by the design: a list of values, or a range ``low``..``high``."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    #: The paths a factor of this kind may address start with this.
    prefix: ClassVar[str] = ""

    path: str = Field(description="Dotted path of the scenario setting.")
    values: list[bool | int | float | str] | None = Field(
        None, min_length=1, description="The values to try (full factorial, Latin hypercube)."
    )
    low: float | None = Field(None, description="Lower end of a range.")
    high: float | None = Field(None, description="Upper end of a range.")
    label: str | None = Field(None, description="Short label for tables and plots (default: the path).")

    @field_validator("path")
    @classmethod
    def _known_path(cls, path: str) -> str:
        prefix = cls.prefix
        if prefix and not path.startswith(prefix):
            raise ValueError(f"{path!r} is not allowed here; allowed: a path that starts with `{prefix}`")
        resolve_path(path)
        return path

    @model_validator(mode="after")
    def _values_or_range(self) -> Factor:
        has_range = self.low is not None or self.high is not None
        if (self.values is None) == (not has_range):
            raise ValueError(
                f"factor {self.path!r} needs either `values` or both `low` and `high`, not both or neither"
            )
        if has_range:
            if self.low is None or self.high is None:
                raise ValueError(f"factor {self.path!r} needs both `low` and `high`")
            if not self.low < self.high:
                raise ValueError(
                    f"factor {self.path!r}: low {self.low} is not below high {self.high}; allowed: low < high"
                )
            if resolve_path(self.path)[0] not in {"int", "float"}:
                raise ValueError(
                    f"factor {self.path!r} is not a number, so it cannot take a range; allowed: `values`"
                )
        elif len(set(map(json.dumps, self.values or []))) != len(self.values or []):
            raise ValueError(f"factor {self.path!r}: `values` {self.values} repeat a value")
        return self

    def space(self) -> FactorSpace:
        """The factor as the design sees it."""
        integer = resolve_path(self.path)[0] == "int"
        values = tuple(self.values) if self.values is not None else None
        return FactorSpace(self.path, values, self.low, self.high, integer)


class Lever(Factor):
    """A programme setting varied by the design (``components.<component>.<setting>``)."""

    prefix: ClassVar[str] = "components."


class Uncertainty(Factor):
    """A model parameter varied by the design (``parameters.<section>.<parameter>``)."""

    prefix: ClassVar[str] = "parameters."


class DesignSettings(BaseModel):
    """Which design generates the points, and how many."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: DesignKind = Field(description="full_factorial, latin_hypercube, sobol or morris.")
    samples: int | None = Field(
        None,
        ge=1,
        description="Points (latin_hypercube), base samples N (sobol, a power of 2), trajectories (morris).",
    )
    levels: int = Field(
        4, ge=2, le=100, description="Values per range (full_factorial); grid levels (morris)."
    )
    second_order: bool = Field(False, description="sobol: also estimate second-order indices.")
    seed: int | None = Field(
        None, ge=0, lt=2**63, description="Seed of the sampler (default: the root seed)."
    )


class OutcomeSpec(BaseModel):
    """One recorded outcome: a statistic of an outcome column over the run."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    column: str = Field(description="A column of the outcome table (desmig_sim.config.outcomes.CATALOGUE).")
    statistic: Literal["end", "at", "mean", "sum"] = Field(
        "end", description="end of run, value at `month`, or mean/sum over `start`..`end`."
    )
    month: str | None = Field(None, pattern=YEAR_MONTH_PATTERN, description="Month of `at`, 'YYYY-MM'.")
    start: str | None = Field(None, pattern=YEAR_MONTH_PATTERN, description="First month of mean/sum.")
    end: str | None = Field(None, pattern=YEAR_MONTH_PATTERN, description="Last month of mean/sum.")
    village: str = Field(POOLED, description="A simulated village, or 'ALL' (pooled; the default).")
    name: str | None = Field(None, description="Name in result tables (default: column_statistic).")

    @field_validator("column")
    @classmethod
    def _known_column(cls, column: str) -> str:
        if column not in OUTCOMES:
            hint = difflib.get_close_matches(column, list(OUTCOMES), n=1)
            did = f" (did you mean `{hint[0]}`?)" if hint else ""
            raise ValueError(f"{column!r} is not an outcome column{did}; allowed: {', '.join(OUTCOMES)}")
        return column

    @model_validator(mode="after")
    def _months_fit_statistic(self) -> OutcomeSpec:
        if self.statistic == "at" and self.month is None:
            raise ValueError("statistic 'at' needs `month` = 'YYYY-MM'")
        if self.statistic != "at" and self.month is not None:
            raise ValueError(f"`month` is only for statistic 'at', not {self.statistic!r}")
        if self.statistic not in {"mean", "sum"} and (self.start or self.end):
            raise ValueError(
                f"`start`/`end` are only for statistics 'mean' and 'sum', not {self.statistic!r}"
            )
        if self.start and self.end and parse_year_month(self.end) < parse_year_month(self.start):
            raise ValueError(
                f"end {self.end!r} is before start {self.start!r}; allowed: end on or after start"
            )
        return self

    @property
    def key(self) -> str:
        """The outcome's name in result tables."""
        if self.name:
            return self.name
        suffix = {"at": f"at_{self.month}", "end": "end"}.get(self.statistic, self.statistic)
        return f"{self.column}_{suffix}"


class ExperimentSpec(BaseModel):
    """The validated content of an experiment file (frozen)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(description="Readable name of the experiment.")
    description: str = Field("", description="What the experiment asks.")
    scenario: str = Field(description="Base scenario file, relative to the experiment file's folder.")
    constants: dict[str, Any] = Field(
        default_factory=dict,
        description="Settings held fixed at every point, by dotted path (e.g. a shorter run window).",
    )
    levers: list[Lever] = Field(default_factory=list, description="Programme settings varied.")
    uncertainties: list[Uncertainty] = Field(default_factory=list, description="Parameters varied.")
    design: DesignSettings
    replications: int = Field(1, ge=1, le=10_000, description="Runs per design point (common seeds).")
    seed: int = Field(20170911, ge=0, lt=2**63, description="Root seed of the replication seeds.")
    outcomes: list[OutcomeSpec] = Field(min_length=1, description="Outcomes recorded per run.")

    @field_validator("constants")
    @classmethod
    def _known_constants(cls, constants: dict[str, Any]) -> dict[str, Any]:
        for path in constants:
            resolve_path(path)
        return constants

    @model_validator(mode="after")
    def _design_fits_factors(self) -> ExperimentSpec:
        factors = self.factors()
        if not factors:
            raise ValueError(
                "`levers`: the experiment varies nothing; allowed: at least one lever or uncertainty"
            )
        paths = [f.path for f in factors]
        repeated = sorted({p for p in paths if paths.count(p) > 1})
        if repeated:
            raise ValueError(f"`levers`: {repeated} are varied twice; allowed: each path once")
        fixed = sorted(set(paths) & set(self.constants))
        if fixed:
            raise ValueError(
                f"`constants`: {fixed} are also varied; allowed: a path is either varied or fixed"
            )
        keys = [o.key for o in self.outcomes]
        if len(set(keys)) != len(keys):
            raise ValueError(f"`outcomes`: names {keys} repeat; allowed: give each outcome its own `name`")
        kind, samples = self.design.kind, self.design.samples
        if kind != "full_factorial" and samples is None:
            raise ValueError(f"`design.samples`: is required by the {kind!r} design")
        if kind in SENSITIVITY_DESIGNS:
            discrete = [f.path for f in factors if f.values is not None]
            if discrete:
                raise ValueError(
                    f"`design.kind`: {kind!r} needs every factor as a range (`low`, `high`);"
                    f" {discrete} give `values`"
                )
        if kind == "sobol" and samples is not None and samples & (samples - 1):
            raise ValueError(
                f"`design.samples`: {samples} is not allowed: the Sobol' design needs a power of 2"
                " (8, 16, 32, ...)"
            )
        size = design_size(kind, len(factors), samples, self.design.second_order)
        if size is None:
            size = int(np.prod([len(f.space().levels(self.design.levels)) for f in factors]))
        if size * self.replications > MAX_POINTS * 10 or size > MAX_POINTS:
            raise ValueError(
                f"`design`: {size} points x {self.replications} replications is too large;"
                f" allowed: at most {MAX_POINTS} points and {MAX_POINTS * 10} runs"
            )
        return self

    def factors(self) -> list[Factor]:
        """Levers, then uncertainties, in file order."""
        return [*self.levers, *self.uncertainties]


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
        row = self.design.loc[point]
        return {path: _plain(row[path]) for path in self.design.columns}

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
    villages = [*base.world.village_names(), POOLED]
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
    design = generate(
        settings.kind,
        [f.space() for f in spec.factors()],
        samples=settings.samples,
        levels=settings.levels,
        second_order=settings.second_order,
        seed=spec.seed if settings.seed is None else settings.seed,
    )
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
    if not candidate.is_file():
        raise ExperimentError(str(candidate), "does not exist; allowed: the path of an experiment TOML file")
    try:
        text = candidate.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ExperimentError(str(candidate), f"is not valid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ExperimentError(str(candidate), f"cannot be read: {exc}") from None
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
