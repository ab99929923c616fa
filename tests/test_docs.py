"""Documentation stays true to the code."""

from __future__ import annotations

from pathlib import Path

from desmig_sim.config.parameters import Parameters
from desmig_sim.model.outcomes import OUTCOMES
from desmig_sim.reporting.paramdocs import DOCS_PATH, parameters_doc_is_current, parameters_markdown

ROOT = Path(__file__).resolve().parent.parent


def test_parameters_doc_matches_code():
    assert parameters_doc_is_current(), (
        f"{DOCS_PATH} differs from what the code generates: run `desmig-sim docs` and commit it"
    )


def test_every_parameter_has_unit_and_source():
    text = parameters_markdown()
    for section_name, section in Parameters.model_fields.items():
        for name, field in section.annotation.model_fields.items():
            extra = field.json_schema_extra or {}
            assert extra.get("unit"), f"parameters.{section_name}.{name} needs a unit"
            assert extra.get("source"), f"parameters.{section_name}.{name} needs a source or 'assumption'"
            assert f"`parameters.{section_name}.{name}`" in text, f"{name} missing from the reference"


def test_readme_lists_every_outcome_column():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [c for c in OUTCOMES if f"`{c}`" not in readme]
    assert not missing, f"README should list every outcome column; missing {missing}"


def test_odd_describes_every_phase_of_the_step():
    odd = (ROOT / "docs" / "odd.md").read_text(encoding="utf-8").lower()
    for phase in (
        "wages abroad",
        "remittances",
        "budget",
        "cooperative",
        "business",
        "intention",
        "route",
        "departure",
        "deportation",
        "programme",
    ):
        assert phase in odd, f"docs/odd.md should describe the '{phase}' phase"


def test_every_component_and_event_setting_has_unit_and_source():
    from desmig_sim.config.components import ComponentsSettings
    from desmig_sim.config.events import BorderClosure, ExchangeRateChange, MinimumWageStep, Moratorium

    models = [field.annotation for field in ComponentsSettings.model_fields.values()]
    models += [MinimumWageStep, ExchangeRateChange, Moratorium, BorderClosure]
    for model in models:
        for name, field in model.model_fields.items():
            if name == "kind":
                continue
            extra = field.json_schema_extra or {}
            assert extra.get("unit") and extra.get("source"), (
                f"{model.__name__}.{name} needs a unit and a source"
            )
