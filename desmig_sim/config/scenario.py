"""Scenarios as TOML files: the format, loading with ``extends``, and kind validation errors.

A scenario names a run window, a world (villages of the NTT 2017 cohort), parameter overrides,
the programme components that run and dated exogenous events. A file may say
``extends = "baseline.toml"`` and override only what differs: tables are merged key by key, and
``events`` of the parent are kept with the child's added. Unknown keys, wrong types, out-of-range
values, shares that do not sum to 1, windows that end before they start, unknown components or
villages, missing ``extends`` targets and ``extends`` cycles are all reported by
:class:`~desmig_sim.core.errors.ScenarioError` naming the file, the field, the value and what is allowed.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import math
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from desmig_sim.config.components import ComponentsSettings
from desmig_sim.config.events import EVENT_KINDS, Event
from desmig_sim.config.files import read_input_file
from desmig_sim.config.inputs import InputModel
from desmig_sim.config.parameters import Parameters
from desmig_sim.config.villages import COHORTS, VillageInfo
from desmig_sim.core.calendar import YEAR_MONTH_PATTERN
from desmig_sim.core.errors import ScenarioError
from desmig_sim.core.paths import SCENARIO_DIR

#: Most households one run may simulate (all villages and copies): its arrays take some 10 GB.
MAX_HOUSEHOLDS = 20_000_000
#: Most household-months one run may simulate (households x months): about a day of computing.
MAX_HOUSEHOLD_MONTHS = 2_000_000_000

#: Longest chain of ``extends`` (a file, its parent, the parent's parent, ...).
MAX_EXTENDS = 32

#: The engines that run a scenario (they compute the same model).
Engine = Literal["vectorised", "reference"]
ENGINES: tuple[str, ...] = get_args(Engine)


class RunSettings(InputModel):
    """When the simulation runs and with which seed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start: str = Field("2017-01", pattern=YEAR_MONTH_PATTERN, description="First simulated month, 'YYYY-MM'.")
    months: int = Field(120, ge=1, le=600, description="Number of monthly steps (120 = 2017-2026).")
    seed: int = Field(20170911, ge=0, lt=2**63, description="Root seed of the run.")
    engine: Engine = Field(
        "vectorised",
        description=(
            "How the monthly phases are computed: 'vectorised' (every rule over all households at"
            " once; fast) or 'reference' (each household, migrant and cooperative steps as plain"
            " per-agent Python; slow, for reading and for checking). Both give the same results."
        ),
    )


class WorldSettings(InputModel):
    """Which villages are simulated."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    cohort: Literal["ntt_2017"] = Field(
        "ntt_2017",
        description="Village cohort: the 20 NTT villages of 2017 (ref:suarajarmas-2017-ntt-villages).",
    )
    villages: Literal["all"] | list[str] = Field(
        "all", description="'all', or a list of village names of the cohort to simulate."
    )

    copies: int = Field(
        1,
        ge=1,
        le=2000,
        description=(
            "Copies of each simulated village (named '<name> #2', ...), for scale-up runs such as a"
            " synthetic province; component village lists apply to every copy."
        ),
    )

    neighbours: int = Field(
        1,
        ge=0,
        le=3,
        description=(
            "Non-programme neighbour villages per simulated programme village (copies included):"
            " same regency and local potential, never reached by any component; 0 switches them"
            " off. They are the comparison group of the spill-over rows (PROGRAMME, NEIGHBOURS)."
        ),
    )

    @field_validator("villages")
    @classmethod
    def _known_villages(cls, villages: Any, info: ValidationInfo) -> Any:
        if villages != "all":
            known = [v.name for v in COHORTS[info.data.get("cohort", "ntt_2017")]]
            unknown = [v for v in villages if v not in known]
            if unknown:
                raise ValueError(f"unknown village(s) {unknown}; allowed: {', '.join(known)}")
            if not villages:
                raise ValueError("the list is empty; name at least one village of the cohort")
        return villages

    def village_names(self) -> list[str]:
        """The names of the simulated cohort villages, in cohort order (copies not included)."""
        names = [v.name for v in COHORTS[self.cohort]]
        return names if self.villages == "all" else [n for n in names if n in self.villages]

    def simulated_villages(self) -> list[VillageInfo]:
        """Every simulated village: the chosen cohort villages, their copies, then their neighbours.

        Programme villages come first (so their village indices do not depend on ``neighbours``),
        then neighbour 1 of each programme village, neighbour 2 of each, and so on.
        """
        chosen = [v for v in COHORTS[self.cohort] if v.name in self.village_names()]
        programme = chosen + [v.copy(k) for k in range(2, self.copies + 1) for v in chosen]
        return programme + [v.neighbour(n) for n in range(1, self.neighbours + 1) for v in programme]


class Scenario(InputModel):
    """A fully resolved, validated scenario (frozen)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field("Unnamed scenario", description="Readable name, shown in tables and plots.")
    description: str = Field("", description="What the scenario stands for.")
    extends: str | None = Field(None, description="Parent scenario file, relative to this file's folder.")
    run: RunSettings = Field(default_factory=RunSettings)
    world: WorldSettings = Field(default_factory=WorldSettings)
    parameters: Parameters = Field(default_factory=Parameters)
    components: ComponentsSettings = Field(default_factory=ComponentsSettings)
    events: list[Event] = Field(default_factory=list, description="Dated exogenous events.")

    @model_validator(mode="after")
    def _fits_a_run(self) -> Scenario:
        """The arrays a run allocates stay within :data:`MAX_HOUSEHOLDS` and :data:`MAX_HOUSEHOLD_MONTHS`.

        Checked with exact integers before anything is allocated.
        """
        villages = len(self.world.village_names()) * self.world.copies
        households = villages * self.parameters.village.households_per_village
        slots = households * self.parameters.migration.max_migrants_per_household
        months = households * self.run.months
        if households > MAX_HOUSEHOLDS or months > MAX_HOUSEHOLD_MONTHS:
            raise ValueError(
                f"`parameters.village.households_per_village`: {villages} villages x"
                f" {self.parameters.village.households_per_village} households x {self.run.months} months"
                f" ({households:,} households, {slots:,} migrant slots, {months:,} household-months)"
                f" is too large; allowed: at most {MAX_HOUSEHOLDS:,} households and"
                f" {MAX_HOUSEHOLD_MONTHS:,} household-months in one run"
            )
        return self

    @model_validator(mode="after")
    def _component_villages_exist(self) -> Scenario:
        simulated = self.world.village_names()
        for key in type(self.components).model_fields:
            chosen = getattr(self.components, key).villages
            if chosen != "all":
                unknown = [v for v in chosen if v not in simulated]
                if unknown:
                    raise ValueError(
                        f"`components.{key}.villages`: {unknown} are not simulated villages;"
                        f" allowed: {', '.join(simulated)} (see world.villages)"
                    )
        return self

    def with_seed(self, seed: int) -> Scenario:
        """A copy of this scenario run with another seed."""
        return self.model_copy(update={"run": self.run.model_copy(update={"seed": int(seed)})})

    def with_engine(self, engine: Engine) -> Scenario:
        """A copy of this scenario run with another engine (validated: a kind error for unknown ones)."""
        data = self.to_dict()
        data["run"]["engine"] = engine
        return Scenario.model_validate(data)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data of the resolved scenario."""
        return self.model_dump(mode="json")

    def content_hash(self) -> str:
        """SHA-256 of the resolved scenario's canonical JSON (the seed included)."""
        text = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def enabled_components(self) -> list[str]:
        """Names of the components switched on."""
        return [k for k in type(self.components).model_fields if getattr(self.components, k).enabled]


def _read_toml(path: Path, referrer: Path | None) -> dict[str, Any]:
    return read_input_file(path, ScenarioError, referrer)[1]


def _merge(
    base: dict[str, Any],
    override: dict[str, Any],
    origin: dict[tuple[Any, ...], str],
    source: str,
    prefix: tuple[Any, ...] = (),
) -> dict[str, Any]:
    """Deep-merge ``override`` into ``base``; lists of events are appended; record origins."""
    merged = dict(base)
    for key, value in override.items():
        path = (*prefix, key)
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value, origin, source, path)
        elif key == "events" and not prefix and isinstance(value, list):
            previous = merged.get(key) if isinstance(merged.get(key), list) else []
            for i in range(len(value)):
                origin[(key, len(previous) + i)] = source
            merged[key] = [*previous, *value]
        else:
            merged[key] = value
            origin.pop(path, None)
            origin[path] = source
            if isinstance(value, dict):
                _record(value, origin, source, path)
    return merged


def _record(
    data: dict[str, Any], origin: dict[tuple[Any, ...], str], source: str, prefix: tuple[Any, ...]
) -> None:
    for key, value in data.items():
        origin.pop((*prefix, key), None)
        origin[(*prefix, key)] = source
        if isinstance(value, dict):
            _record(value, origin, source, (*prefix, key))


def _resolve(path: Path, stack: tuple[Path, ...], origin: dict[tuple[Any, ...], str]) -> dict[str, Any]:
    if len(stack) >= MAX_EXTENDS:
        raise ScenarioError(
            str(stack[0]),
            f"the chain of extends is longer than {MAX_EXTENDS} files (at {str(path)!r});"
            f" allowed: at most {MAX_EXTENDS} files, each extending the next",
            field="extends",
        )
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError):  # a loop of symbolic links (RuntimeError before Python 3.13)
        resolved = path.absolute()  # reading it reports the loop
    if resolved in stack:
        cycle = " -> ".join(str(p) for p in (*stack, resolved))
        raise ScenarioError(
            str(stack[-1]),
            f"{path.name!r} makes a cycle of extends ({cycle}); allowed: a chain of extends that ends"
            " in a file without extends",
            field="extends",
        )
    data = _read_toml(path, stack[-1] if stack else None)
    parent_ref = data.get("extends")
    if parent_ref is None:
        _record(data, origin, str(path), ())
        return data
    if not isinstance(parent_ref, str):
        raise ScenarioError(str(path), f"{parent_ref!r} must be a file name (a string)", "extends")
    parent = _resolve(path.parent / parent_ref, (*stack, resolved), origin)
    child = {k: v for k, v in data.items() if k != "extends"}
    merged = _merge(parent, child, origin, str(path))
    merged.pop("extends", None)
    return merged


def _model_class(annotation: Any) -> Any:
    """The model class of a field annotation (``Model`` or ``list[Model]``), else None."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) is list:
        (item,) = get_args(annotation) or (None,)
        if isinstance(item, type) and issubclass(item, BaseModel):
            return _ListOf(item)
    return None


class _ListOf:
    """Marks a field that holds a list of tables of one model (e.g. ``[[levers]]``)."""

    def __init__(self, item: type[BaseModel]) -> None:
        self.item = item


def _allowed_keys(loc: tuple[Any, ...], root: type[BaseModel] | None = None) -> list[str]:
    """The keys allowed at the table that holds ``loc``'s last element (``root``: the file's model)."""
    model: Any = Scenario if root is None else root
    for part in loc[:-1]:
        if isinstance(part, int) and isinstance(model, _ListOf):
            model = model.item
            continue
        if isinstance(part, int) or model is None or isinstance(model, _ListOf):
            return []
        field = model.model_fields.get(part)
        model = _model_class(field.annotation if field else None)
    return list(model.model_fields) if isinstance(model, type) else []


#: What a value of each strictly typed kind must be (input files are strict: see config.inputs).
_EXPECTED = {
    "int_type": "an integer (not a fraction, a boolean or a number in quotes)",
    "float_type": "a valid number (not a boolean or a number in quotes)",
    "bool_type": "true or false (not a number or a string)",
    "string_type": "a string in quotes",
    "finite_number": "a finite number (not inf or nan)",
    "list_type": "a list [...]",
    "model_type": "a table",
    "dict_type": "a table",
}


def _shown(value: Any) -> str:
    """A value as the input file spells it (TOML's ``inf`` and ``nan``; tables named, not printed)."""
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return json.dumps(value, default=str)


def _describe(error: dict[str, Any], root: type[BaseModel] | None = None) -> str:
    kind = error["type"]
    loc = error["loc"]
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        allowed = _allowed_keys(loc, root)
        hint = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        did = f" (did you mean `{hint[0]}`?)" if hint else ""
        return f"is not a known key{did}; allowed keys: {', '.join(allowed)}"
    value = error.get("input")
    shown = _shown(value)
    message = error["msg"].removeprefix("Value error, ")
    if kind == "value_error":
        return message
    if kind in _EXPECTED:
        return f"{shown} is not allowed: expected {_EXPECTED[kind]}"
    if kind in {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}:
        return f"{shown} is out of range: {message.lower()}"
    if kind == "missing":
        return "is required but missing"
    if kind == "string_pattern_mismatch":
        return f"{shown} is not allowed: use a month as 'YYYY-MM', e.g. '2017-09'"
    if kind == "union_tag_invalid" or kind == "union_tag_not_found":
        return f"{message}" + (f" (got {shown})" if kind == "union_tag_invalid" else "")
    if kind == "literal_error":
        return f"{shown} is not allowed: {message.lower()}"
    if "expected" in ctx:
        return f"{shown} is not allowed: expected {ctx['expected']}"
    return f"{shown} is not allowed: {message}"


def _field_path(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts[-1] = f"{parts[-1]}[{part}]" if parts else f"[{part}]"
        elif part in EVENT_KINDS and parts and parts[-1].endswith("]"):
            continue  # pydantic adds the union tag to the location of event errors
        elif part in {"function-after", "list[str]", "literal['all']"}:
            continue
        else:
            parts.append(str(part))
    return ".".join(parts)


def _origin_of(loc: tuple[Any, ...], origin: dict[tuple[Any, ...], str], default: str) -> str:
    """The file that last set the field at ``loc`` or anything inside it (origins are in set order)."""
    inside = [source for path, source in origin.items() if path[: len(loc)] == loc]
    if inside:
        return inside[-1]
    for cut in range(len(loc) - 1, 0, -1):
        if loc[:cut] in origin:
            return origin[loc[:cut]]
    return default


def scenario_from_dict(
    data: dict[str, Any], source: str = "<scenario>", origin: dict[tuple[Any, ...], str] | None = None
) -> Scenario:
    """Validate already-merged scenario data.

    Raises:
        ScenarioError: Naming the file (``source`` or where the field was set), the field, the
            value and what is allowed; only the first problem is reported.
    """
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        where, field, detail = explain_validation_error(exc, Scenario, source, origin)
        raise ScenarioError(where, detail, field=field) from None


def explain_validation_error(
    exc: ValidationError,
    root: type[BaseModel],
    source: str,
    origin: dict[tuple[Any, ...], str] | None = None,
) -> tuple[str, str | None, str]:
    """The first problem of a pydantic error, worded for a person editing an input file.

    Shared by scenario and experiment files so that both word their errors alike.

    Args:
        exc: The validation error.
        root: The model the file was validated against (for the allowed keys of a table).
        source: The file that was validated.
        origin: Which file set each field (files that ``extends`` others), if known.

    Returns:
        ``(file, dotted field path or None, message naming the value and what is allowed)``.
    """
    errors = exc.errors()
    first = max(errors, key=lambda e: len(e["loc"]))
    loc = tuple(p for p in first["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    where = _origin_of(loc, origin or {}, source)
    more = f" ({len(errors) - 1} more problem(s) after this one)" if len(errors) > 1 else ""
    field = _field_path(loc) or None
    detail = _describe(first, root)
    if field is None and detail.startswith("`"):
        # Cross-field checks name their field themselves: "`a.b.c`: message".
        field, detail = detail[1:].split("`: ", 1)
        where = _origin_of(tuple(field.split(".")), origin or {}, source)
    return where, field, detail + more


def scenario_path(path: str | Path) -> Path:
    """The file a scenario argument names: a path, or the name of a shipped scenario (``"baseline"``).

    A path that exists, or that has a suffix, is taken as it is; a bare name that is not a file
    is looked up in the shipped ``scenarios/`` folder (:data:`~desmig_sim.core.paths.SCENARIO_DIR`).
    """
    candidate = Path(path)
    if not candidate.exists() and not candidate.suffix:
        shipped = SCENARIO_DIR / f"{candidate.name}.toml"
        candidate = shipped if shipped.exists() else candidate
    return candidate


def load_scenario(path: str | Path) -> Scenario:
    """Load, resolve (``extends``) and validate a scenario file.

    Args:
        path: A TOML scenario file. A bare name such as ``"baseline"`` is also looked up in the
            package's ``scenarios/`` folder.

    Returns:
        The frozen, validated scenario.

    Raises:
        ScenarioError: If the file, or a file it extends, is not valid.
    """
    candidate = scenario_path(path)
    origin: dict[tuple[Any, ...], str] = {}
    data = _resolve(candidate, (), origin)
    return scenario_from_dict(data, str(candidate), origin)


def default_scenario() -> Scenario:
    """The built-in defaults: the NTT 2017 cohort, no programme, no events."""
    return Scenario()
