"""Scenario files: every shipped scenario runs; ``extends`` merges; validation errors explain themselves."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

import desmig_sim
from desmig_sim.config.outcomes import COLUMNS, GROUPS, POOLED
from desmig_sim.config.scenario import scenario_from_dict
from desmig_sim.core.errors import InputFileError, ScenarioError
from tests.helpers import COMPONENT_KEYS, SCENARIOS, neighbour_names, scenario_data, small_scenario

SHIPPED = sorted(p.stem for p in SCENARIOS.glob("*.toml"))
BASELINE = SCENARIOS / "baseline.toml"


def test_the_shipped_scenarios_are_found() -> None:
    assert "baseline" in SHIPPED and len(SHIPPED) >= 8, (
        f"scenarios/ holds the shipped scenario files: {SHIPPED}"
    )


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_scenario_loads_and_runs(name: str) -> None:
    loaded = desmig_sim.load_scenario(SCENARIOS / f"{name}.toml")
    assert loaded.name and loaded.name != "Unnamed scenario", f"{name}: has a readable name"
    scenario = small_scenario(name, villages=["Buraen", "Mawar"], households=40, months=13)
    assert scenario.enabled_components() == loaded.enabled_components(), (
        f"{name}: shrinking keeps its components"
    )
    table = desmig_sim.run(scenario, seed=1, agents=False).timeseries
    assert list(table.columns) == COLUMNS, f"{name}: the table has exactly the contracted columns, in order"
    pooled = table[table["village"] == POOLED]
    assert pooled["month"].tolist() == list(range(1, 14)), f"{name}: one pooled ('ALL') row per month"
    villages = ["Buraen", "Mawar"]
    assert set(table["village"]) == {*villages, *neighbour_names(villages), POOLED, *GROUPS}, (
        f"{name}: one row per village (and its neighbour) and month, plus ALL and the groups"
    )
    assert pooled["date"].iloc[-1] == "2018-01", f"{name}: 13 months from 2017-01 end in 2018-01"


def test_bare_names_are_looked_up_in_the_scenarios_folder() -> None:
    assert desmig_sim.load_scenario("baseline") == desmig_sim.load_scenario(BASELINE), (
        "load_scenario('baseline') finds scenarios/baseline.toml"
    )


# ---------------------------------------------------------------------------- extends
def test_extends_merges_components_and_inherits_events() -> None:
    baseline = desmig_sim.load_scenario(BASELINE)
    no_coop = desmig_sim.load_scenario(SCENARIOS / "full_program_no_coop.toml")
    assert not no_coop.components.cooperative.enabled, "full_program_no_coop switches the cooperative off"
    enabled = set(no_coop.enabled_components())
    assert enabled == set(COMPONENT_KEYS) - {"cooperative"}, (
        f"the other three components stay enabled from full_program (got {sorted(enabled)})"
    )
    assert no_coop.events == baseline.events, "the events of baseline.toml are inherited through two levels"
    assert no_coop.run == baseline.run and no_coop.world == baseline.world, "run and world are inherited"
    assert no_coop.name != baseline.name, "the child's own name overrides the parent's"
    assert no_coop.extends is None, "the resolved scenario no longer refers to its parent"


def test_extends_appends_events() -> None:
    baseline = desmig_sim.load_scenario(BASELINE)
    closure = desmig_sim.load_scenario(SCENARIOS / "border_closure.toml")
    assert closure.events[: len(baseline.events)] == baseline.events, "the parent's events come first"
    added = closure.events[len(baseline.events) :]
    assert [e.kind for e in added] == ["border_closure"], "the child's events are added after the parent's"


def test_extends_keeps_unset_keys_of_a_table(tmp_path: Path) -> None:
    (tmp_path / "child.toml").write_text(
        f'extends = "{BASELINE.as_posix()}"\n[parameters.income]\nlocal_income_cv = 0.3\n', encoding="utf-8"
    )
    child = desmig_sim.load_scenario(tmp_path / "child.toml")
    base = desmig_sim.load_scenario(BASELINE)
    assert child.parameters.income.local_income_cv == 0.3, "the child's value overrides"
    assert child.parameters.income.poverty_line_idr_per_capita_month == (
        base.parameters.income.poverty_line_idr_per_capita_month
    ), "keys the child does not set keep the parent's value (tables merge key by key)"
    assert child.events == base.events, "the parent's events are kept"


# ---------------------------------------------------------------------------- validation errors
def bad(path: str, value: Any) -> dict[str, Any]:
    data = copy.deepcopy(scenario_data("baseline"))
    *parents, last = path.split(".")
    node = data
    for key in parents:
        node = node.setdefault(key, {})
    node[last] = value
    return data


def error_of(data: dict[str, Any], source: str = "bad_scenario.toml") -> ScenarioError:
    with pytest.raises(ScenarioError) as caught:
        scenario_from_dict(data, source)
    return caught.value


def assert_names(message: str, *parts: str) -> None:
    for part in parts:
        assert part in message, f"the error message names {part!r}: {message}"


def test_unknown_key_with_did_you_mean_hint() -> None:
    err = error_of(bad("parameters.income.povrety_line_idr_per_capita_month", 340_000))
    assert err.field == "parameters.income.povrety_line_idr_per_capita_month", "the field path is the bad key"
    assert_names(
        str(err),
        "bad_scenario.toml",
        "parameters.income.povrety_line_idr_per_capita_month",
        "did you mean `poverty_line_idr_per_capita_month`",
        "allowed keys",
        "income_shock_sd",
    )


def test_the_removed_broker_reduction_is_an_unknown_key() -> None:
    # The information centre no longer cuts brokers' reach (that size was the Ministry's outcome
    # claim); an old scenario file setting it gets the normal strict error naming the key.
    err = error_of(bad("components.information_centre.broker_reduction", 0.3))
    assert err.field == "components.information_centre.broker_reduction", "the field path is the old key"
    assert_names(str(err), "bad_scenario.toml", "broker_reduction", "allowed keys", "risk_information")


def test_wrong_type() -> None:
    err = error_of(bad("run.months", "twelve"))
    assert err.field == "run.months", "the field path is named"
    assert_names(str(err), "bad_scenario.toml", "run.months", '"twelve"', "integer")


def test_out_of_range_value() -> None:
    err = error_of(bad("parameters.remittance.formal_fee_share", 0.9))
    assert err.field == "parameters.remittance.formal_fee_share", "the field path is named"
    assert_names(
        str(err), "bad_scenario.toml", "formal_fee_share", "0.9", "out of range", "less than or equal to 0.5"
    )


def test_budget_shares_not_summing_to_one() -> None:
    err = error_of(bad("parameters.budget.consumption", 0.5))
    assert err.field == "parameters.budget", "the budget table is named"
    assert_names(str(err), "bad_scenario.toml", "parameters.budget", "consumption=0.5", "sum to 1", "1.1")


def test_component_ending_before_it_starts() -> None:
    data = bad("components.cooperative.start", "2019-01")
    data["components"]["cooperative"]["end"] = "2018-06"
    err = error_of(data)
    assert err.field == "components.cooperative", "the component is named"
    assert_names(
        str(err), "bad_scenario.toml", "components.cooperative", "'2018-06'", "before start '2019-01'"
    )


def test_unknown_component() -> None:
    err = error_of(bad("components.cooperatives", {"enabled": True}))
    assert err.field == "components.cooperatives", "the unknown component is named"
    assert_names(str(err), "bad_scenario.toml", "did you mean `cooperative`", "allowed keys", *COMPONENT_KEYS)


def test_unknown_village() -> None:
    err = error_of(bad("world.villages", ["Buraen", "Atlantis"]))
    assert err.field == "world.villages", "the field path is named"
    assert_names(
        str(err), "bad_scenario.toml", "world.villages", "Atlantis", "allowed", "Buraen", "Usapinonos"
    )


def test_component_village_not_simulated() -> None:
    data = bad("world.villages", ["Buraen", "Bokong"])
    data["components"]["cooperative"]["villages"] = ["Mawar"]
    err = error_of(data)
    assert_names(
        str(err), "bad_scenario.toml", "components.cooperative.villages", "Mawar", "allowed", "Bokong"
    )


def test_unknown_event_kind() -> None:
    data = copy.deepcopy(scenario_data("baseline"))
    data["events"].append({"kind": "tsunami", "date": "2019-01"})
    err = error_of(data)
    index = len(data["events"]) - 1
    assert err.field == f"events[{index}]", "the offending event is named by its position"
    assert_names(
        str(err), "bad_scenario.toml", "tsunami", "moratorium", "border_closure", "destination_min_wage"
    )


def test_error_in_a_file_names_that_file(tmp_path: Path) -> None:
    child = tmp_path / "child.toml"
    child.write_text(f'extends = "{BASELINE.as_posix()}"\n[run]\nmonths = 0\n', encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        desmig_sim.load_scenario(child)
    assert caught.value.path == str(child), "the error names the file that set the bad value"
    assert_names(str(caught.value), str(child), "run.months", "0", "greater than or equal to 1")


def test_error_set_in_a_parent_names_the_parent(tmp_path: Path) -> None:
    parent, child = tmp_path / "parent.toml", tmp_path / "child.toml"
    parent.write_text("[parameters.abroad]\ncontract_months = 0\n", encoding="utf-8")
    child.write_text('extends = "parent.toml"\nname = "child"\n', encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        desmig_sim.load_scenario(child)
    assert caught.value.path == str(parent), (
        "a bad value inherited from a parent is reported in the parent file"
    )
    assert_names(str(caught.value), "parameters.abroad.contract_months", "0")


def test_missing_extends_target(tmp_path: Path) -> None:
    child = tmp_path / "child.toml"
    child.write_text('extends = "no_such_parent.toml"\n', encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        desmig_sim.load_scenario(child)
    err = caught.value
    assert err.field == "extends", "the extends field is named"
    assert err.path == str(child), "the file that refers to the missing parent is named"
    assert_names(str(err), "no_such_parent.toml", "does not exist", "allowed")


def test_extends_cycle(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text('extends = "b.toml"\n', encoding="utf-8")
    (tmp_path / "b.toml").write_text('extends = "c.toml"\n', encoding="utf-8")
    (tmp_path / "c.toml").write_text('extends = "a.toml"\n', encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        desmig_sim.load_scenario(tmp_path / "a.toml")
    err = caught.value
    assert err.field == "extends", "the extends field is named"
    assert_names(str(err), "cycle", "a.toml", "b.toml", "c.toml")


def test_self_extends_is_a_cycle(tmp_path: Path) -> None:
    (tmp_path / "self.toml").write_text('extends = "self.toml"\n', encoding="utf-8")
    with pytest.raises(ScenarioError, match="cycle"):
        desmig_sim.load_scenario(tmp_path / "self.toml")


def test_invalid_toml_syntax(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text('name = "unterminated\n[run]\nmonths = 12\n', encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        desmig_sim.load_scenario(broken)
    assert caught.value.path == str(broken), "the broken file is named"
    assert_names(str(caught.value), "broken.toml", "not valid TOML", "line")


def test_scenario_error_is_an_input_file_error() -> None:
    err = error_of(bad("run.seed", -1))
    assert isinstance(err, InputFileError), "ScenarioError is an InputFileError (the CLI catches those)"
    assert str(err).startswith("bad_scenario.toml: field `run.seed`: "), "message format: file, field, detail"
