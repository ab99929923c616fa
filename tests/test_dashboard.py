"""Unit tests of the dashboard's logic (no browser): controls, presets, changes, village view, compare."""

from __future__ import annotations

import io
import json
import re
import socket
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest

import desmig_sim
from desmig_sim.cli import main as cli
from desmig_sim.cli.terminal import EXIT_BAD_INPUT
from desmig_sim.config.components import ComponentsSettings
from desmig_sim.config.outcomes import CATALOGUE
from desmig_sim.config.scenario import Scenario
from desmig_sim.core.enums import MigrantStatus, Route
from desmig_sim.core.stats import paired_difference
from desmig_sim.dashboard import charts, compare, controls, presets, village
from desmig_sim.experiments.runner import seeds_for

from .helpers import SCENARIOS

FULL = desmig_sim.load_scenario(SCENARIOS / "full_program.toml")


def _schema_property(path: str) -> dict:
    """The JSON Schema entry of a dotted scenario path, following $refs."""
    schema = Scenario.model_json_schema()
    node = schema
    for part in path.split("."):
        node = node["properties"][part]
        if "$ref" in node:
            node = schema["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    return node


# ------------------------------------------------------------------ controls from the schema
def test_slider_ranges_and_defaults_equal_the_schema():
    sliders = [c for c in controls.all_controls() if c.kind == "slider"]
    assert len(sliders) >= 4 * 2 + len(controls.UNCERTAIN_PARAMETERS), "coverage and intensity per component"
    for control in sliders:
        prop = _schema_property(control.path)
        assert control.minimum == prop["minimum"], f"{control.path}: minimum must be the schema's"
        assert control.maximum == prop["maximum"], f"{control.path}: maximum must be the schema's"
        assert control.default == prop["default"], f"{control.path}: default must be the schema's"
        assert 0 < control.step <= (control.maximum - control.minimum) / 50, f"{control.path}: a fine step"


def test_every_component_has_a_switch_coverage_intensity_and_start():
    for key in ComponentsSettings.model_fields:
        paths = {c.path: c.kind for c in controls.component_controls(key)}
        assert paths.get(f"components.{key}.enabled") == "switch", f"{key} needs an on/off switch"
        assert paths.get(f"components.{key}.coverage") == "slider", f"{key} needs a coverage slider"
        assert paths.get(f"components.{key}.start") == "month", f"{key} needs a start-month control"
        intensity = f"components.{key}.{controls.INTENSITY_FIELD[key]}"
        assert paths.get(intensity) == "slider", f"{key} needs an intensity slider"
        assert _schema_property(f"components.{key}.enabled")["default"] is False


def test_every_control_has_plain_language_help():
    for control in controls.all_controls():
        assert len(control.help.split()) >= 8, f"{control.path}: help text must say what it stands for"
        assert control.label, f"{control.path}: a label"


def test_uncertain_parameters_are_ledger_fields_with_a_finite_range():
    for path in controls.UNCERTAIN_PARAMETERS:
        prop = _schema_property(path)
        assert "minimum" in prop and "maximum" in prop, f"{path} must have a range in the schema"


# ------------------------------------------------------------------ presets
def test_every_scenario_file_is_offered_by_its_readable_name():
    offered = presets.discover_presets()
    files = sorted(p.name for p in SCENARIOS.glob("*.toml"))
    assert sorted(p.path.name for p in offered) == files, "every file in scenarios/ must be offered"
    assert len({p.label for p in offered}) == len(offered), "labels must be unique"
    assert offered[0].path.stem == "baseline", "the baseline is offered first"
    for preset in offered:
        assert preset.error is None and preset.scenario is not None, f"{preset.path} must load"
        assert preset.label == preset.scenario.name
        assert preset.scenario == desmig_sim.load_scenario(preset.path), "choosing one loads the file"


def test_an_invalid_file_is_offered_with_its_message(tmp_path):
    (tmp_path / "good.toml").write_text('name = "Good one"\n')
    (tmp_path / "bad.toml").write_text("[run]\nmonths = 0\n")
    offered = {p.path.name: p for p in presets.discover_presets(tmp_path)}
    assert offered["good.toml"].label == "Good one"
    assert offered["bad.toml"].scenario is None
    assert "run.months" in offered["bad.toml"].error and "0" in offered["bad.toml"].error


# ------------------------------------------------------------------ applying changes
def _control(path: str) -> controls.Control:
    return next(c for c in controls.all_controls() if c.path == path)


def test_a_valid_change_gives_a_validated_scenario():
    coverage = _control("components.cooperative.coverage")
    result = controls.try_change(FULL, coverage, 0.7)
    assert result.ok and result.message is None
    assert result.scenario.components.cooperative.coverage == 0.7
    assert FULL.components.cooperative.coverage == 0.5, "the original scenario never changes"
    assert Scenario.model_validate(result.scenario.to_dict()) == result.scenario
    switch = _control("components.cooperative.enabled")
    off = controls.apply_change(FULL, switch, False)
    assert off.enabled_components() == ["information_centre", "productive_enterprise", "community_parenting"]
    changed = controls.changes_from(FULL, off)
    assert [(c.path, old, new) for c, old, new in changed] == [
        ("components.cooperative.enabled", True, False)
    ]


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        ("components.cooperative.coverage", 1.5, "less than or equal to 1"),
        ("components.cooperative.coverage", -0.1, "greater than or equal to 0"),
        ("components.cooperative.coverage", "lots", "valid number"),
        ("components.cooperative.coverage", None, "valid number"),
        ("parameters.village.migrant_household_share", 0.9, "less than or equal to 0.6"),
        ("components.cooperative.start", "2017-13", "YYYY-MM"),
        ("components.cooperative.start", 5, "YYYY-MM"),
    ],
)
def test_an_invalid_value_is_refused_with_a_kind_message(path, value, expected):
    control = _control(path)
    result = controls.try_change(FULL, control, value)
    assert not result.ok and result.scenario is None, f"{value!r} must be refused for {path}"
    assert expected in result.message, f"message {result.message!r} must say what is allowed"
    assert result.message.startswith(control.label) and "not changed" in result.message


def test_a_bad_seed_is_refused():
    result = controls.try_change(FULL, "run.seed", -3, "Random seed")
    assert (
        not result.ok and "Random seed" in result.message and "greater than or equal to 0" in result.message
    )
    assert controls.try_change(FULL, "run.seed", 7).scenario.run.seed == 7


def test_moving_the_start_month_moves_the_whole_window():
    start = _control("components.information_centre.start")
    moved = controls.apply_change(FULL, start, "2019-01")
    ic = moved.components.information_centre
    assert (ic.start, ic.end) == ("2019-01", "2021-12"), "36 months of facilitation are kept"
    months = controls.run_months(FULL)
    assert months[0] == "2017-01" and months[-1] == "2026-12" and len(months) == 120


def test_the_live_scenario_is_one_village():
    data = FULL.to_dict()
    data["components"]["cooperative"]["villages"] = ["Bokong", "Mawar"]
    scenario = Scenario.model_validate(data)
    live = controls.live_scenario(scenario, "Mawar")
    assert live.world.village_names() == ["Mawar"]
    assert live.components.cooperative.villages == ["Mawar"]
    assert controls.live_scenario(scenario, "Buraen").components.cooperative.villages == []
    with pytest.raises(desmig_sim.core.errors.ScenarioError, match="unknown village"):
        controls.live_scenario(scenario, "Atlantis")


# ------------------------------------------------------------------ village view
def test_village_status_matches_the_arrays():
    model = desmig_sim.DesmigratifModel(controls.live_scenario(FULL, "Buraen"), seed=3, agents=False)
    for _ in range(24):
        model.step()
    status = village.village_status(model)
    hh, m = model.households, model.migrants
    n = hh.count
    np_abroad, p_abroad = np.zeros(n, bool), np.zeros(n, bool)
    for slot in range(m.household.size):  # a slow, independent reading of the migrant slots
        if m.status[slot] == MigrantStatus.ABROAD:
            target = np_abroad if m.route[slot] == Route.NON_PROCEDURAL else p_abroad
            target[m.household[slot]] = True
    coop = hh.coop_member & model.cooperatives.active[hh.village]
    business = hh.business_capital >= model.params.business.min_capital_idr
    np.testing.assert_array_equal(status.abroad_non_procedural, np_abroad)
    np.testing.assert_array_equal(status.abroad_procedural, p_abroad)
    np.testing.assert_array_equal(status.cooperative, coop)
    np.testing.assert_array_equal(status.business, business)
    np.testing.assert_array_equal(status.poor, hh.poor)
    for h in range(n):
        flags = [np_abroad[h], p_abroad[h], coop[h], business[h], hh.poor[h]]
        expected = flags.index(True) if any(flags) else village.HouseholdStatus.OTHER
        assert status.shown[h] == expected, f"household {h} shows the first status that applies"
    assert coop.any() and np_abroad.any() and business.any(), "the test village must show several statuses"
    counts = status.counts()
    assert counts[village.HouseholdStatus.COOPERATIVE] == coop.sum()
    assert sum(status.shown == village.HouseholdStatus.OTHER) == counts[village.HouseholdStatus.OTHER]


def test_village_drawing_has_one_dot_per_household_and_every_tie():
    model = desmig_sim.DesmigratifModel(controls.live_scenario(FULL, "Bokong"), seed=1, agents=False)
    positions = village.village_layout(model)
    assert positions.shape == (300, 2) and positions.min() >= 0 and positions.max() <= 1
    np.testing.assert_array_equal(positions, village.village_layout(model), "the layout is deterministic")
    ties = village.ties_path(model, positions)
    svg = ET.fromstring(village.village_svg(village.village_status(model), positions, ties))
    ns = "{http://www.w3.org/2000/svg}"
    assert len(svg.findall(f".//{ns}circle")) == 300
    assert ties.count("M") == model.households.network.nnz // 2, "each tie drawn once"


# ------------------------------------------------------------------ charts
def test_live_charts_are_six_svg_charts_growing_with_the_months():
    model = desmig_sim.DesmigratifModel(controls.live_scenario(FULL, "Mawar"), seed=1, agents=False)
    for _ in range(5):
        model.step()
    pooled = model.timeseries().query("village == 'ALL'")
    for chart in charts.LIVE_CHARTS:
        np.testing.assert_array_equal(
            charts.pooled_series(model, chart.column), pooled[chart.column].to_numpy()
        )
    drawn = charts.live_charts(model)
    assert len(drawn) == len(charts.LIVE_CHARTS) == 6
    ns = "{http://www.w3.org/2000/svg}"
    for svg, chart in zip(drawn, charts.LIVE_CHARTS, strict=True):
        line = ET.fromstring(svg).find(f".//{ns}path")
        present = np.isfinite(charts.pooled_series(model, chart.column)).sum()
        # A series with no value at all (no departures yet: no share) is drawn as the empty "M0,0".
        points = 0 if line.get("d") == "M0,0" else len(re.findall(r"[ML]", line.get("d")))
        assert points == present, "one point per month with a value"
        assert present == 5 or chart.column.startswith("non_procedural_share"), "only shares have gaps"


# ------------------------------------------------------------------ compare view
def test_comparison_pairs_the_policy_with_its_baseline_on_common_seeds():
    policy = compare.comparison_scenario(FULL, months=12, village="Buraen")
    assert policy.run.months == 12 and policy.world.village_names() == ["Buraen"]
    seen = []
    result = compare.run_comparison(
        policy, 3, seed=11, progress=lambda done, total: seen.append((done, total))
    )
    assert seen == [(i, 6) for i in range(1, 7)], "progress after every run"
    assert result.seeds == seeds_for(policy, 3, 11)
    baseline, policy = compare.baseline_of(result), compare.policy_of(result)
    assert baseline.enabled_components() == [] and policy.enabled_components()
    assert baseline.parameters == policy.parameters and baseline.events == policy.events
    runs = compare.runs(result)
    assert len(runs) == 6
    for arm in (compare.BASELINE, compare.POLICY):
        assert runs[runs["arm"] == arm]["seed"].tolist() == result.seeds, "the same seeds on both sides"
    one = desmig_sim.run(policy, result.seeds[1], agents=False)
    pooled = one.pooled()
    row = compare.timeseries(result).query("arm == 'policy' and replication == 1").set_index("month")
    pd.testing.assert_series_equal(row["poverty_rate"], pooled["poverty_rate"], check_names=False)
    for _, diff in compare.differences(result).iterrows():
        column = diff["column"]
        pol = runs[runs["arm"] == "policy"][column].to_numpy()
        base = runs[runs["arm"] == "baseline"][column].to_numpy()
        expected = paired_difference(pol, base, better=CATALOGUE[column].better)
        assert diff["difference"] == pytest.approx(expected.mean)
        assert diff["difference_low"] == pytest.approx(expected.low, nan_ok=True)
    bands = compare.bands(result, "poverty_rate")
    assert len(bands) == 24 and (bands["p10"] <= bands["mean"] + 1e-12).all()
    over_time = compare.difference_over_time(result, "program_cost")
    assert (over_time["mean"] > 0).any(), "the programme costs something on the policy side only"
    manifest = json.loads(compare.manifest_json(result))
    assert manifest["seeds"] == result.seeds and manifest["root_seed"] == 11
    assert manifest["scenarios"]["policy"]["hash"] == policy.content_hash()
    assert manifest["scenarios"]["baseline"]["hash"] == baseline.content_hash()
    assert manifest["environment"]["mesa"]
    back = pd.read_csv(io.BytesIO(compare.runs_csv(result)))
    assert list(back.columns[:4]) == ["arm", "scenario", "replication", "seed"] and len(back) == 6
    ET.fromstring(charts.band_chart(bands, "Poverty", policy.run.start))
    ET.fromstring(charts.difference_chart(over_time, "Cost", policy.run.start))


# ------------------------------------------------------------------ command line
def test_dashboard_command_refuses_a_busy_port(capsys):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert cli.main(["dashboard", "--port", str(port)]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert f"127.0.0.1:{port}" in err and "already in use" in err and "Traceback" not in err


def test_dashboard_command_checks_the_port_number(capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["dashboard", "--port", "70000"])
    assert stop.value.code == 2 and "1 to 65535" in capsys.readouterr().err
