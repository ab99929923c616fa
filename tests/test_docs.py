"""Documentation stays true to the code."""

from __future__ import annotations

import ast
from pathlib import Path

import desmig_sim
from desmig_sim.config.outcomes import CATALOGUE, FIGURE_OUTCOMES, KEY_OUTCOMES, LIVE_OUTCOMES, OUTCOMES
from desmig_sim.config.parameters import Parameters
from desmig_sim.reporting.paramdocs import DOCS_PATH, parameters_doc_is_current, parameters_markdown
from tests.helpers import small_scenario

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


def test_every_outcome_column_of_a_run_has_one_catalogue_entry_with_a_unit():
    table = desmig_sim.run(small_scenario(months=3, households=20), 5, agents=False).timeseries
    outcomes = [c for c in table.columns if c not in ("month", "date", "village")]
    assert outcomes == list(CATALOGUE), "the run's outcome columns are the catalogue's, in its order"
    for column, outcome in CATALOGUE.items():
        assert outcome.column == column
        assert outcome.unit and outcome.label and outcome.description, f"{column} needs label, unit, meaning"
        assert (outcome.pooled in ("mean", "share")) == (outcome.denominator is not None), column
    assert set(KEY_OUTCOMES) | set(FIGURE_OUTCOMES) | set(LIVE_OUTCOMES) <= set(CATALOGUE)


def _own_outcome_facts(path: Path) -> list[str]:
    """Literal tables in a module that attach text (labels, units) to outcome columns."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Dict):
            keys = [k.value for k in node.keys if isinstance(k, ast.Constant)]
            if sum(k in CATALOGUE for k in keys) >= 2:
                found.append(f"line {node.lineno}: a dict keyed by outcome columns")
        elif isinstance(node, ast.Tuple | ast.Call):
            items = node.elts if isinstance(node, ast.Tuple) else node.args
            texts = [i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)]
            if texts and texts[0] in CATALOGUE and any(t not in CATALOGUE for t in texts[1:]):
                found.append(f"line {node.lineno}: {texts[0]!r} with text of its own")
    return found


def test_no_module_but_the_catalogue_defines_outcome_labels_or_units():
    package = ROOT / "desmig_sim"
    catalogue = package / "config" / "outcomes.py"
    bad = {
        str(p.relative_to(ROOT)): facts
        for p in sorted(package.rglob("*.py"))
        if p != catalogue and (facts := _own_outcome_facts(p))
    }
    assert not bad, f"outcome labels or units outside desmig_sim/config/outcomes.py: {bad}"


def test_the_outcome_facts_check_finds_a_label_table(tmp_path):
    path = tmp_path / "m.py"
    path.write_text('LABELS = {"gini": ("Gini", "index"), "poverty_rate": ("Poverty", "share")}\n')
    assert _own_outcome_facts(path)
    path.write_text('CHART = Chart("gini", "Gini index")\n')
    assert _own_outcome_facts(path)
