"""Generate ``docs/parameters.md`` from the code: the parameter ledger, components and events.

``desmig-sim docs`` writes the file; ``desmig-sim docs --check`` (and a test) fail when the
committed file differs from what the code would generate.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from desmig_sim.config.components import ComponentsSettings
from desmig_sim.config.events import EVENT_TYPES
from desmig_sim.config.parameters import Parameters
from desmig_sim.config.scenario import RunSettings, WorldSettings
from desmig_sim.core.paths import REPO_ROOT
from desmig_sim.model.components import COMPONENTS

DOCS_PATH = REPO_ROOT / "docs" / "parameters.md"

#: A reference key as the ledger cites it: ``ref:KEY`` (a key of ``docs/references.md``).
REF_PATTERN = re.compile(r"ref:([a-z0-9]+(?:-[a-z0-9]+)*)")


def _allowed(field: Any) -> str:
    low = high = None
    for item in field.metadata:
        low = getattr(item, "ge", low) if getattr(item, "ge", None) is not None else low
        low = getattr(item, "gt", low) if getattr(item, "gt", None) is not None else low
        high = getattr(item, "le", high) if getattr(item, "le", None) is not None else high
        high = getattr(item, "lt", high) if getattr(item, "lt", None) is not None else high
    if any(getattr(item, "pattern", None) for item in field.metadata) or "YearMonth" in str(field.annotation):
        return "a month, `YYYY-MM`"
    if low is None and high is None:
        return "any number" if field.annotation in (float, int) else _type_name(field.annotation)
    if high is None:
        return f">= {low:g}"
    if low is None:
        return f"<= {high:g}"
    return f"{low:g} to {high:g}"


def _type_name(annotation: Any) -> str:
    origin = get_origin(annotation)
    if origin is Literal:
        return " or ".join(f"`{a}`" for a in get_args(annotation))
    if origin in (Union, UnionType):
        return " or ".join(_type_name(a) for a in get_args(annotation) if a is not type(None))
    if origin is list:
        return f"list of {_type_name(get_args(annotation)[0])}"
    if origin is Annotated:
        return _type_name(get_args(annotation)[0])
    if annotation is str:
        return "text"
    if annotation is bool:
        return "true or false"
    return getattr(annotation, "__name__", str(annotation))


def _value(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.6g}" if abs(value) < 1e4 else f"{value:,.0f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return f"`{value}`" if value is not None else "none"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _source_cell(source: str) -> str:
    """The source text with each ``ref:KEY`` turned into a link to its entry of references.md."""
    return REF_PATTERN.sub(r"[\1](references.md#\1)", _cell(source))


def _ledger_models() -> list[type[BaseModel]]:
    """Every model whose fields carry a unit and a source: ledger sections, components, events."""
    models = [field.annotation for field in Parameters.model_fields.values()]
    models += [ComponentsSettings.model_fields[key].annotation for key in COMPONENTS]
    return [*models, *EVENT_TYPES]


def ledger_sources() -> dict[str, str]:
    """The source of every parameter and setting, keyed by ``Model.field``."""
    return {
        f"{model.__name__}.{name}": str((field.json_schema_extra or {}).get("source", ""))
        for model in _ledger_models()
        for name, field in model.model_fields.items()
        if name != "kind"
    }


def source_counts() -> tuple[int, int]:
    """How many parameters cite references (``ref:``) and how many are assumptions."""
    sources = ledger_sources().values()
    return sum(s.startswith("ref:") for s in sources), sum(s.startswith("assumption") for s in sources)


def _ledger_table(section: type[BaseModel], prefix: str) -> list[str]:
    lines = [
        "| parameter | meaning | unit | default | allowed | source |",
        "|---|---|---|---|---|---|",
    ]
    for name, field in section.model_fields.items():
        if name == "kind":
            continue
        extra = field.json_schema_extra or {}
        default = "required" if field.is_required() else _value(field.default)
        lines.append(
            f"| `{prefix}{name}` | {_cell(field.description or '')} | {_cell(str(extra.get('unit', '')))} "
            f"| {default} | {_allowed(field)} | {_source_cell(str(extra.get('source', '')))} |"
        )
    return lines


def _settings_table(model: type[BaseModel], prefix: str) -> list[str]:
    lines = ["| setting | meaning | default | allowed |", "|---|---|---|---|"]
    for name, field in model.model_fields.items():
        if name == "kind":
            continue
        default = field.default if field.default_factory is None else field.default_factory()
        lines.append(
            f"| `{prefix}{name}` | {_cell(field.description or '')} | {_value(default)} | {_allowed(field)} |"
        )
    return lines


def parameters_markdown() -> str:
    """The full text of ``docs/parameters.md``."""
    sourced, assumed = source_counts()
    out = [
        "# Parameter reference",
        "",
        "<!-- Generated from the code by `desmig-sim docs`; do not edit by hand. -->",
        "",
        "Every default has a unit and a source: one or more entries of the project's references",
        "([references.md](references.md), tagged [V] verified, [D] derived, [M] from memory,",
        "[UNVERIFIED]) or the word *assumption*.",
        f"Of the {sourced + assumed} parameters and settings below, **{sourced} are sourced** (they cite",
        f"references) and **{assumed} are assumptions** (some name a reference for context).",
        "Override any of them in a scenario file under `[parameters.<section>]`, for example:",
        "",
        "```toml",
        "[parameters.migration]",
        "broker_contact_prob = 0.08",
        "```",
        "",
        "Yearly probabilities are converted to monthly ones as `1 - (1 - p) ** (1/12)`.",
        "",
        "## Run and world",
        "",
        *_settings_table(RunSettings, "run."),
        "",
        *_settings_table(WorldSettings, "world."),
        "",
    ]
    for name, field in Parameters.model_fields.items():
        section = field.annotation
        out += [f"## `parameters.{name}` — {section.__doc__.strip().splitlines()[0]}", ""]
        out += [*_ledger_table(section, f"parameters.{name}."), ""]
    out += [
        "## Programme components",
        "",
        "Each component is switched on with `enabled = true` under `[components.<name>]`.",
        "",
    ]
    for key, cls in COMPONENTS.items():
        settings = ComponentsSettings.model_fields[key].annotation
        out += [f"### `components.{key}` — {cls.label}", "", (cls.__doc__ or "").strip(), ""]
        out += [*_ledger_table(settings, f"components.{key}."), ""]
    out += ["## Dated events", "", "Listed as `[[events]]` with a `kind`.", ""]
    for event in EVENT_TYPES:
        kind = event.model_fields["kind"].annotation.__args__[0]
        out += [f'### `kind = "{kind}"`', "", (event.__doc__ or "").strip(), ""]
        out += [*_ledger_table(event, ""), ""]
    return "\n".join(out).rstrip() + "\n"


def write_parameters_doc(path: Path = DOCS_PATH) -> Path:
    """Write the generated reference to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(parameters_markdown(), encoding="utf-8")
    return path


def parameters_doc_is_current(path: Path = DOCS_PATH) -> bool:
    """Whether ``path`` holds exactly what the code generates."""
    return path.is_file() and path.read_text(encoding="utf-8") == parameters_markdown()
