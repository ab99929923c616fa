"""Documentation stays true to the code."""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

import desmig_sim
from desmig_sim.config.outcomes import CATALOGUE, FIGURE_OUTCOMES, KEY_OUTCOMES, LIVE_OUTCOMES, OUTCOMES
from desmig_sim.config.parameters import Parameters
from desmig_sim.reporting.paramdocs import (
    DOCS_PATH,
    REF_PATTERN,
    ledger_sources,
    parameters_doc_is_current,
    parameters_markdown,
    source_counts,
)
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
    from desmig_sim.config.events import EVENT_TYPES

    models = [field.annotation for field in ComponentsSettings.model_fields.values()]
    models += list(EVENT_TYPES)
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


def _reference_keys() -> set[str]:
    """The keys of docs/references.md, from its entries ``- <a id="KEY"></a>**KEY** — ...``."""
    text = (ROOT / "docs" / "references.md").read_text(encoding="utf-8")
    entries = re.findall(r'^- <a id="([a-z0-9-]+)"></a>\*\*([a-z0-9-]+)\*\* — .+$', text, flags=re.M)
    assert all(anchor == bold for anchor, bold in entries), "an entry's anchor and bold key differ"
    keys = [anchor for anchor, _ in entries]
    assert len(keys) == len(set(keys)), "a reference key appears twice"
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", k) for k in keys), "keys are lowercase-with-hyphens"
    return set(keys)


def test_every_ledger_source_is_references_or_an_assumption():
    keys = _reference_keys()
    for name, source in ledger_sources().items():
        assert source.startswith(("ref:", "assumption")), (
            f"{name}: source {source!r} is neither refs nor assumption"
        )
        unknown = set(REF_PATTERN.findall(source)) - keys
        assert not unknown, f"{name} cites {sorted(unknown)}, not entries of docs/references.md"


def test_every_reference_link_in_the_docs_resolves():
    keys = _reference_keys()
    tracked = subprocess.run(
        ["git", "ls-files", "*.md", "*.py", "*.toml"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    for path in tracked:
        if path == "docs/references.md":  # defines the keys; its preface shows the link form
            continue
        text = (ROOT / path).read_text(encoding="utf-8")
        linked = set(re.findall(r"references\.md#([A-Za-z0-9_-]+)", text))
        cited = set(REF_PATTERN.findall(text)) if path.endswith((".py", ".toml")) else set()
        unknown = (linked | cited) - keys
        assert not unknown, f"{path} links or cites {sorted(unknown)}, not entries of docs/references.md"


def test_no_tracked_file_but_the_changelog_mentions_the_external_fact_sheet():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    # The fact sheet's name on its own (not the end of another file name such as stylised_facts.md).
    needle = re.compile(r"(?<![\w.-])" + "facts" + r"\.md")
    offenders = []
    for path in tracked.split():
        if path == "CHANGELOG.md" or not (ROOT / path).is_file():
            continue
        try:
            text = (ROOT / path).read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        if needle.search(text):
            offenders.append(path)
    assert not offenders, f"these files cite the fact sheet outside the repository: {offenders}"


def test_parameters_doc_counts_sources_and_assumptions():
    sourced, assumed = source_counts()
    assert sourced + assumed == len(ledger_sources())
    assert f"**{sourced} are sourced**" in parameters_markdown()
    assert f"**{assumed} are assumptions**" in parameters_markdown()


# ---------------------------------------------------------------- effect parameters of the components

#: Entries of docs/references.md that report the programme's own results, aims or evaluations of
#: its villages. They may serve as validation checks, never as the size of an effect (an outcome
#: used as an input would come back out as the model's result).
PROGRAMME_OUTCOME_CLAIMS = frozenset(
    {
        "medcom-2019-thirty-percent",  # Kemnaker: non-procedural departures cut by "maybe about 30%"
        "wartatransparansi-2019-objectives",  # the aim of reducing non-procedural workers
        "suryadi-2018-cooperatives",  # Kemnaker's own regression across Desmigratif villages
    }
)

#: Component settings that describe the programme's design (what it hands out), not an effect size.
DESIGN_SETTINGS = frozenset({"grant_package_idr", "group_size", "grant_months_after_start"})

#: The documented table: each component's effect parameters and the type of their source. It is
#: written out in docs/odd.md (§3.4.10); the test below checks the code and the ODD against it.
EFFECT_PARAMETERS: dict[str, dict[str, str]] = {
    "information_centre": {
        "learn_share_first_year": "assumption",
        "risk_information": "mechanism evidence",
        "procedural_cost_reduction": "assumption",
        "wait_reduction": "assumption",
    },
    "productive_enterprise": {
        "productive_share_boost": "assumption",
        "mentored_failure_prob_per_year": "assumption",
        "return_boost_per_month": "assumption",
    },
    "cooperative": {"join_prob_per_month": "assumption"},
    "community_parenting": {"attendance_boost": "assumption"},
}


def _effect_parameter_table() -> dict[str, dict[str, tuple[str, object, str]]]:
    """Per component, each effect parameter's (source type, allowed lower bound, source) from the code."""
    from desmig_sim.config.components import ComponentSettings, ComponentsSettings

    shared = set(ComponentSettings.model_fields)
    table: dict[str, dict[str, tuple[str, object, str]]] = {}
    for key, field in ComponentsSettings.model_fields.items():
        table[key] = {}
        for name, info in field.annotation.model_fields.items():
            if name in shared or name in DESIGN_SETTINGS:
                continue
            source = (info.json_schema_extra or {})["source"]
            kind = "mechanism evidence" if source.startswith("ref:") else "assumption"
            lower = next(
                (getattr(m, "ge", None) for m in info.metadata if getattr(m, "ge", None) is not None), None
            )
            table[key][name] = (kind, lower, source)
    return table


def test_effect_parameters_rest_on_mechanisms_or_assumptions_never_on_programme_claims():
    keys = _reference_keys()
    assert keys >= PROGRAMME_OUTCOME_CLAIMS, "the programme-claim keys are entries of docs/references.md"
    table = _effect_parameter_table()
    found = {key: {name: row[0] for name, row in rows.items()} for key, rows in table.items()}
    assert found == EFFECT_PARAMETERS, "the documented table of effect parameters matches the code"
    for key, rows in table.items():
        for name, (_, lower, source) in rows.items():
            cited = set(REF_PATTERN.findall(source)) | set(re.findall(r"ref:([a-z0-9-]+)", source))
            claims = cited & PROGRAMME_OUTCOME_CLAIMS
            assert not claims, f"{key}.{name} is sized by the programme's own outcome claim {sorted(claims)}"
            assert lower is not None and lower <= 0, f"{key}.{name}: its range must allow 0 (no effect)"


def test_odd_shows_the_effect_parameter_table():
    odd = (ROOT / "docs" / "odd.md").read_text(encoding="utf-8")
    for key, rows in EFFECT_PARAMETERS.items():
        for name, kind in rows.items():
            row = f"| `{key}` | `{name}` | {kind} |"
            assert row in odd, f"docs/odd.md's component section should have the row {row}"
    assert "validation check, not an input" in odd, "the ODD says the Ministry's ~30% claim is only a check"
