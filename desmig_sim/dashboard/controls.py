"""Dashboard controls generated from the scenario schema, and applying a change to a scenario.

Every control names one field of :class:`~desmig_sim.config.scenario.Scenario` by its dotted path. Its
range and default are read from the pydantic field (the same ``ge``/``le`` and default that the
JSON Schema of scenario files states), so the dashboard and the files cannot disagree. A change is
applied by validating the whole scenario again (:func:`~desmig_sim.config.scenario.scenario_from_dict`):
an invalid value is refused with the kind message of the file validator, and the scenario the
model runs stays as it was.

This module has no UI dependencies; :mod:`desmig_sim.dashboard.app` draws the controls.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from desmig_sim.config.components import ComponentsSettings
from desmig_sim.config.scenario import Scenario, scenario_from_dict
from desmig_sim.core.calendar import format_year_month, parse_year_month
from desmig_sim.core.errors import ScenarioError
from desmig_sim.model.components import COMPONENTS

ControlKind = Literal["switch", "slider", "month"]

#: Where a refused change is reported from (the message names it instead of a file).
SOURCE = "dashboard"

#: The field of each component that stands for its intensity (the strength of its effect).
INTENSITY_FIELD: dict[str, str] = {
    "information_centre": "risk_information",
    "productive_enterprise": "productive_share_boost",
    "cooperative": "join_prob_per_month",
    "community_parenting": "attendance_boost",
}

#: Plain labels of the intensity controls.
INTENSITY_LABEL: dict[str, str] = {
    "information_centre": "Intensity: warning about the risks",
    "productive_enterprise": "Intensity: extra share invested",
    "cooperative": "Intensity: how fast households join",
    "community_parenting": "Intensity: extra school attendance",
}

#: Short names of the components, for workshop participants.
COMPONENT_TITLES: dict[str, str] = {
    "information_centre": "Information centre",
    "productive_enterprise": "Productive enterprise",
    "cooperative": "Village cooperative",
    "community_parenting": "Community parenting",
}

#: The main uncertain parameters (assumptions with a wide plausible range), as dotted paths.
UNCERTAIN_PARAMETERS: tuple[str, ...] = (
    "parameters.migration.broker_contact_prob",
    "parameters.migration.norm_weight",
    "parameters.remittance.non_procedural_send_prob",
    "parameters.business.failure_prob_per_year",
    "parameters.business.return_per_month",
    "parameters.village.migrant_household_share",
)

#: Plain-language help: what each control stands for in the programme (keyed by dotted path; the
#: component controls by ``components.*.<field>``).
HELP: dict[str, str] = {
    "components.*.enabled": "Switch this part of the Desmigratif programme on or off in the village.",
    "components.*.coverage": "How many of the households it is meant for the programme actually reaches.",
    "components.*.start": (
        "The month the programme starts in the village. It then runs for as many months as in the"
        " scenario file (36 months of facilitation by default)."
    ),
    "components.information_centre.risk_information": (
        "How much the village migration-service desk's information on the dangers of leaving"
        " without papers (deaths, deportation, bad recruiters) weighs with the families it reaches:"
        " 0.3 weighs like three deaths or deportations from the village in the past year. 0 means"
        " families do not respond to it."
    ),
    "components.productive_enterprise.productive_share_boost": (
        "How much more of the money sent home mentored families put into a small business instead"
        " of spending it (0.10 = ten more rupiah in every hundred)."
    ),
    "components.cooperative.join_prob_per_month": (
        "How quickly households join the village cooperative: the chance each month that a reached"
        " household that is not yet a member joins."
    ),
    "components.community_parenting.attendance_boost": (
        "How much more likely the children of migrant families are to go to school when the"
        " community looks after them together (0.05 = five percentage points)."
    ),
    "parameters.migration.broker_contact_prob": (
        "How often an illegal recruiter (calo) reaches a family that wants to send someone abroad,"
        " per month, without the programme."
    ),
    "parameters.migration.norm_weight": (
        "How much a family is pulled to migrate because its neighbours and relatives have someone abroad."
    ),
    "parameters.remittance.non_procedural_send_prob": (
        "How often a worker who left without papers manages to send money home in a month."
    ),
    "parameters.business.failure_prob_per_year": (
        "The chance that a small village business without mentoring fails within a year."
    ),
    "parameters.business.return_per_month": (
        "What a small business earns each month for every rupiah put into it."
    ),
    "parameters.village.migrant_household_share": (
        "How many households already have a member working abroad at the start (January 2017)."
    ),
}


@dataclass(frozen=True)
class Control:
    """One dashboard control bound to one scenario field.

    Attributes:
        path: The field's dotted path in the scenario, e.g. ``components.cooperative.coverage``.
        kind: ``switch`` (on/off), ``slider`` (a number) or ``month`` (a 'YYYY-MM' month).
        label: Short label shown beside the control.
        help: Plain-language text: what the control stands for in the programme.
        group: The component key it belongs to, or ``uncertain``.
        default: The schema default of the field.
        minimum: Smallest allowed value (the field's ``ge``); None for switches and months.
        maximum: Largest allowed value (the field's ``le``); None for switches and months.
        step: Slider step; None for switches and months.
        integer: Whether the value is a whole number.
        unit: The field's unit, from the parameter ledger.
    """

    path: str
    kind: ControlKind
    label: str
    help: str
    group: str
    default: Any
    minimum: float | None = None
    maximum: float | None = None
    step: float | None = None
    integer: bool = False
    unit: str = ""

    @property
    def parts(self) -> list[str]:
        """The path split into its keys."""
        return self.path.split(".")


def _bound(info: FieldInfo, name: str) -> float | None:
    for meta in info.metadata:
        value = getattr(meta, name, None)
        if value is not None:
            return float(value)
    return None


def _nice_step(span: float) -> float:
    """A 1-2-5 step that cuts ``span`` into about 200 slider positions."""
    raw = span / 200.0
    power = 10.0 ** math.floor(math.log10(raw))
    for factor in (1.0, 2.0, 5.0, 10.0):
        if raw <= factor * power:
            return factor * power
    return 10.0 * power  # pragma: no cover - the loop always returns


def _label(name: str) -> str:
    return name.replace("_idr", "").replace("_", " ").capitalize()


def _help(path: str, info: FieldInfo) -> str:
    parts = path.split(".")
    generic = ".".join(["components", "*", parts[-1]]) if parts[0] == "components" else path
    text = HELP.get(path) or HELP.get(generic) or (info.description or "")
    return text


def field_info(path: str) -> FieldInfo:
    """The pydantic field behind a dotted scenario path.

    Raises:
        KeyError: If the path names no field of the scenario.
    """
    model: type[BaseModel] = Scenario
    info: FieldInfo | None = None
    for part in path.split("."):
        if model is None or part not in model.model_fields:
            raise KeyError(f"{path!r} is not a scenario field")
        info = model.model_fields[part]
        annotation = info.annotation
        model = annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
    assert info is not None
    return info


def _control(path: str, group: str, label: str | None = None) -> Control:
    info = field_info(path)
    name = path.split(".")[-1]
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    unit = str(extra.get("unit", ""))
    if info.annotation is bool:
        return Control(path, "switch", label or "Runs", _help(path, info), group, info.default, unit=unit)
    if name in {"start", "end"}:
        return Control(
            path, "month", label or _label(name), _help(path, info), group, info.default, unit=unit
        )
    low, high = _bound(info, "ge"), _bound(info, "le")
    if low is None or high is None:
        raise ValueError(f"{path} has no finite range in the schema; a slider needs both ge and le")
    integer = info.annotation is int
    step = 1.0 if integer else _nice_step(high - low)
    return Control(
        path,
        "slider",
        label or _label(name),
        _help(path, info),
        group,
        info.default,
        low,
        high,
        step,
        integer,
        unit,
    )


def component_controls(key: str) -> list[Control]:
    """The controls of one component: its switch, coverage, intensity and start month."""
    base = f"components.{key}"
    return [
        _control(f"{base}.enabled", key, "Runs in the village"),
        _control(f"{base}.coverage", key, "Coverage"),
        _control(f"{base}.{INTENSITY_FIELD[key]}", key, INTENSITY_LABEL[key]),
        _control(f"{base}.start", key, "Start month"),
    ]


def uncertain_controls() -> list[Control]:
    """Sliders for the main uncertain parameters."""
    return [_control(path, "uncertain") for path in UNCERTAIN_PARAMETERS]


def all_controls() -> list[Control]:
    """Every control of the dashboard: each component's, then the uncertain parameters'."""
    controls = [c for key in ComponentsSettings.model_fields for c in component_controls(key)]
    return controls + uncertain_controls()


def value_of(scenario: Scenario, control: Control) -> Any:
    """The control's current value in ``scenario``."""
    return _get(scenario, control.parts)


def _get(obj: Any, parts: list[str]) -> Any:
    for part in parts:
        obj = getattr(obj, part)
    return obj


def run_months(scenario: Scenario) -> list[str]:
    """Every month of the scenario's run window, as 'YYYY-MM' (the range of a month control)."""
    first = parse_year_month(scenario.run.start)
    return [format_year_month(first + i) for i in range(scenario.run.months)]


def _set(data: dict[str, Any], parts: list[str], value: Any) -> None:
    for part in parts[:-1]:
        data = data[part]
    data[parts[-1]] = value


def apply_change(scenario: Scenario, control: Control, value: Any) -> Scenario:
    """A new scenario with the control set to ``value``, validated like a scenario file.

    A component's start month moves its whole window: the end moves by as many months, so the
    component runs as long as before.

    Raises:
        ScenarioError: If the value is not allowed; the message names the field, the value and
            what is allowed. ``scenario`` itself never changes (it is frozen).
    """
    data = scenario.to_dict()
    if control.kind == "month" and control.parts[-1] == "start":
        settings = _get(scenario, control.parts[:-1])
        if not isinstance(value, str):
            raise ScenarioError(SOURCE, f"{value!r} is not allowed: use a month as 'YYYY-MM'", control.path)
        try:
            shift = parse_year_month(value) - parse_year_month(settings.start)
        except ValueError:
            raise ScenarioError(
                SOURCE, f"{value!r} is not allowed: use a month as 'YYYY-MM', e.g. '2017-09'", control.path
            ) from None
        end = format_year_month(parse_year_month(settings.end) + shift)
        _set(data, [*control.parts[:-1], "end"], end)
    if control.kind == "slider" and control.integer and isinstance(value, float) and value.is_integer():
        value = int(value)
    _set(data, control.parts, value)
    return scenario_from_dict(data, SOURCE)


def set_field(scenario: Scenario, path: str, value: Any) -> Scenario:
    """A new scenario with the field at the dotted ``path`` set to ``value``, validated.

    Raises:
        ScenarioError: If the value is not allowed (naming the field, the value and what is allowed).
    """
    data = scenario.to_dict()
    _set(data, path.split("."), value)
    return scenario_from_dict(data, SOURCE)


def changes_from(original: Scenario, scenario: Scenario) -> list[tuple[Control, Any, Any]]:
    """The controls whose value differs between two scenarios: (control, original value, new value)."""
    return [
        (c, value_of(original, c), value_of(scenario, c))
        for c in all_controls()
        if value_of(original, c) != value_of(scenario, c)
    ]


@dataclass(frozen=True)
class ChangeResult:
    """The outcome of trying a change: the new scenario, or a message saying why it was refused."""

    scenario: Scenario | None
    message: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the change was accepted."""
        return self.scenario is not None


def try_change(
    scenario: Scenario, control: Control | str, value: Any, label: str | None = None
) -> ChangeResult:
    """Like :func:`apply_change` (:func:`set_field` for a dotted path), but refusing kindly.

    A refused value gives a message (naming the control, the value and what is allowed) instead of
    raising.
    """
    name = label or (control.label if isinstance(control, Control) else control)
    try:
        if isinstance(control, Control):
            return ChangeResult(apply_change(scenario, control, value))
        return ChangeResult(set_field(scenario, control, value))
    except ScenarioError as exc:
        return ChangeResult(None, f"{name}: {exc.detail}. The model was not changed.")


def live_scenario(scenario: Scenario, village: str) -> Scenario:
    """The scenario restricted to one village of its cohort, for the live village view.

    Components that list villages keep only the chosen one (or none, when they do not run there).

    Raises:
        ScenarioError: If ``village`` is not a village of the scenario's cohort.
    """
    data = scenario.to_dict()
    data["world"]["villages"] = [village]
    data["world"]["copies"] = 1
    data["world"]["neighbours"] = 0  # the live view simulates the chosen village alone
    for key in COMPONENTS:
        chosen = data["components"][key]["villages"]
        if chosen != "all":
            data["components"][key]["villages"] = [v for v in chosen if v == village]
    return scenario_from_dict(data, SOURCE)
