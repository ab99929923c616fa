"""The schema of experiment files: factors (levers, uncertainties), the design, outcomes, the file.

Pydantic models that validate an experiment file's content field by field; loading a file,
resolving the base scenario and generating the design are :mod:`desmig_sim.experiments.spec`.
"""

from __future__ import annotations

import difflib
import json
import math
from types import UnionType
from typing import Any, ClassVar, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from desmig_sim.config.inputs import InputModel
from desmig_sim.config.outcomes import OUTCOMES, POOLED
from desmig_sim.config.scenario import Scenario
from desmig_sim.core.calendar import YEAR_MONTH_PATTERN, parse_year_month
from desmig_sim.experiments.designs import SENSITIVITY_DESIGNS, DesignKind, FactorSpace, design_size

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


class Factor(InputModel):
    """A setting varied by the design: a list of values, or a range ``low``..``high``."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    #: The paths a factor of this kind may address start with one of these.
    prefixes: ClassVar[tuple[str, ...]] = ()

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
        prefixes = cls.prefixes
        if prefixes and not path.startswith(prefixes):
            allowed = " or ".join(f"`{p}`" for p in prefixes)
            raise ValueError(f"{path!r} is not allowed here; allowed: a path that starts with {allowed}")
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

    prefixes: ClassVar[tuple[str, ...]] = ("components.",)


class Uncertainty(Factor):
    """An uncertain quantity varied by the design.

    A model parameter (``parameters.<section>.<parameter>``), or a component's effect size
    (``components.<component>.<setting>``, e.g. how much of a village an information session
    teaches): what a component would achieve is uncertain, not a choice of the policy maker.
    """

    prefixes: ClassVar[tuple[str, ...]] = ("parameters.", "components.")


class DesignSettings(InputModel):
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
    cross_levers: bool = Field(
        False,
        description=(
            "Run every combination of the levers' values at each sampled state of the world"
            " (the uncertainties), as EMA Workbench crosses policies with scenarios:"
            " full_factorial or latin_hypercube over the uncertainties; levers give `values`."
        ),
    )


class OutcomeSpec(InputModel):
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


class ExperimentSpec(InputModel):
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
        if self.design.cross_levers:
            self._check_crossing()
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
        sampled = self.uncertainties if self.design.cross_levers else factors
        size = design_size(kind, len(sampled), samples, self.design.second_order)
        if size is None:
            # Exact integers (math.prod, not numpy): a design of 2**64 points must not wrap around.
            size = math.prod(len(f.space().levels(self.design.levels)) for f in sampled)
        if self.design.cross_levers:
            size *= math.prod(len(f.values or []) for f in self.levers)
        if size * self.replications > MAX_POINTS * 10 or size > MAX_POINTS:
            raise ValueError(
                f"`design`: {size} points x {self.replications} replications is too large;"
                f" allowed: at most {MAX_POINTS} points and {MAX_POINTS * 10} runs"
            )
        return self

    def _check_crossing(self) -> None:
        """``cross_levers`` needs sampled uncertainties and levers with a list of values."""
        kind = self.design.kind
        if kind in SENSITIVITY_DESIGNS:
            raise ValueError(
                f"`design.cross_levers`: not with the {kind!r} design;"
                " allowed: full_factorial or latin_hypercube"
            )
        if not self.levers or not self.uncertainties:
            raise ValueError(
                "`design.cross_levers`: needs at least one lever and one uncertainty"
                f" (got {len(self.levers)} levers, {len(self.uncertainties)} uncertainties)"
            )
        ranged = [f.path for f in self.levers if f.values is None]
        if ranged:
            raise ValueError(
                f"`design.cross_levers`: levers {ranged} give a range; allowed: levers with `values`"
                " (the first value is the reference the effects are measured against)"
            )

    def factors(self) -> list[Factor]:
        """Levers, then uncertainties, in file order."""
        return [*self.levers, *self.uncertainties]
