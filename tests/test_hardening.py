"""Bad input refused early: strict, finite, bounded fields; sizes; files; terminal text; the CLI.

Each class of bad input ends in one line naming the file, the field, the value and what is
allowed (exit code 2 on the command line), before any work is done.
"""

from __future__ import annotations

import json
import math
import time
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desmig_sim.cli.main import main
from desmig_sim.config.inputs import MAX_MAGNITUDE, InputModel
from desmig_sim.config.scenario import Scenario, load_scenario, scenario_from_dict
from desmig_sim.core.errors import ExperimentError, ScenarioError
from desmig_sim.experiments.schema import ExperimentSpec
from desmig_sim.experiments.spec import load_experiment
from tests.helpers import SCENARIOS, set_path

#: Numeric fields of each kind, as a scenario file names them (a sample across the tables).
FLOAT_FIELDS = (
    "parameters.income.poverty_line_idr_per_capita_month",
    "parameters.remittance.exchange_rate_idr_per_myr",
    "components.cooperative.coverage",
    "components.productive_enterprise.monthly_cost_idr",
)
INT_FIELDS = ("run.months", "run.seed", "world.copies", "components.cooperative.ramp_up_months")
BOOL_FIELDS = ("components.cooperative.enabled",)


def _data_with(path: str, value: Any) -> dict[str, Any]:
    data: dict[str, Any] = {}
    node = data
    *parents, last = path.split(".")
    for key in parents:
        node = node.setdefault(key, {})
    node[last] = value
    return data


def _refused(path: str, value: Any) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(_data_with(path, value), "bad.toml")
    error = info.value
    assert error.field == path, f"the error names the field {path}: {error}"
    assert "\n" not in str(error) and str(error).startswith("bad.toml: "), str(error)
    return error


def test_every_input_model_is_strict_and_finite():
    """One switch: every table of a scenario or experiment file derives from the strict base."""
    models: list[type] = []

    def walk(model: type) -> None:
        if model in models:
            return
        models.append(model)
        for field in model.model_fields.values():
            for candidate in _models_in(field.annotation):
                walk(candidate)

    walk(Scenario)
    walk(ExperimentSpec)
    assert len(models) > 15
    for model in models:
        assert issubclass(model, InputModel), f"{model.__name__} must derive from InputModel"
        config = model.model_config
        assert config.get("strict") and config.get("allow_inf_nan") is False, model.__name__


def _models_in(annotation: Any) -> list[type]:
    from typing import get_args

    from pydantic import BaseModel

    found = [annotation] if isinstance(annotation, type) and issubclass(annotation, BaseModel) else []
    for arg in get_args(annotation):
        found += _models_in(arg)
    return found


@pytest.mark.parametrize("path", FLOAT_FIELDS + INT_FIELDS)
@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan])
def test_inf_and_nan_are_refused(path, value):
    error = _refused(path, value)
    assert str(value) in str(error), f"the value is shown as the file spells it: {error}"


@pytest.mark.parametrize("path", FLOAT_FIELDS + INT_FIELDS)
@pytest.mark.parametrize("value", [True, False, "12", "0.5"])
def test_bools_and_quoted_numbers_are_not_numbers(path, value):
    error = _refused(path, value)
    assert "not allowed: expected" in str(error) and "quotes" in str(error)


@pytest.mark.parametrize("path", INT_FIELDS)
@pytest.mark.parametrize("value", [12.0, 12.5])
def test_a_fraction_is_not_an_integer(path, value):
    assert "expected an integer" in str(_refused(path, value))


@pytest.mark.parametrize("value", [1, 0, "true", 1.0])
def test_a_flag_is_true_or_false(value):
    assert "expected true or false" in str(_refused(BOOL_FIELDS[0], value))


def test_a_toml_integer_is_still_a_real_number(tmp_path):
    """TOML writes ``coverage = 1`` as an integer: a float field accepts it."""
    path = tmp_path / "s.toml"
    path.write_text(
        f'extends = "{(SCENARIOS / "full_program.toml").as_posix()}"\n'
        "[components.cooperative]\ncoverage = 1\n"
        "[parameters.income]\npoverty_line_idr_per_capita_month = 400000\n",
        encoding="utf-8",
    )
    scenario = load_scenario(path)
    assert scenario.components.cooperative.coverage == 1.0
    assert isinstance(scenario.parameters.income.poverty_line_idr_per_capita_month, float)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    path=st.sampled_from((*FLOAT_FIELDS[:2], "components.productive_enterprise.monthly_cost_idr")),
    value=st.floats(min_value=MAX_MAGNITUDE, exclude_min=True, allow_infinity=False, allow_nan=False),
)
def test_absurd_magnitudes_are_refused_where_a_field_sets_no_bound(path, value):
    error = _refused(path, value)
    assert "out of range" in str(error) and "1e+12" in str(error)


@settings(max_examples=40, deadline=None)
@given(value=st.one_of(st.booleans(), st.text(max_size=5), st.floats(allow_nan=True), st.none()))
def test_months_accept_only_an_integer_in_range(value):
    """Whatever a mutated file puts in ``run.months``, only an integer in 1..600 gets through."""
    data = _data_with("run.months", value)
    try:
        scenario = scenario_from_dict(data, "m.toml")
    except ScenarioError as exc:
        assert exc.field == "run.months" and "\n" not in str(exc)
    else:  # pragma: no cover - only integers pass, and none is generated here
        pytest.fail(f"{value!r} was accepted as run.months = {scenario.run.months}")


def test_event_and_experiment_numbers_are_strict_and_finite(tmp_path):
    data = Scenario().to_dict()
    data["events"] = [{"kind": "exchange_rate", "date": "2018-01", "idr_per_myr": math.inf}]
    with pytest.raises(ScenarioError, match=r"events\[0\]\.idr_per_myr.*inf is not allowed"):
        scenario_from_dict(data, "e.toml")
    set_path(data, "events", [{"kind": "exchange_rate", "date": "2018-01", "idr_per_myr": "4000"}])
    with pytest.raises(ScenarioError, match="expected a valid number"):
        scenario_from_dict(data, "e.toml")
    experiment = tmp_path / "exp.toml"
    experiment.write_text(
        f'name = "x"\nscenario = "{(SCENARIOS / "baseline.toml").as_posix()}"\nreplications = true\n'
        '[design]\nkind = "full_factorial"\n'
        '[[uncertainties]]\npath = "parameters.income.poverty_line_idr_per_capita_month"\n'
        "low = 300000\nhigh = inf\n"
        '[[outcomes]]\ncolumn = "poverty_rate"\n',
        encoding="utf-8",
    )
    with pytest.raises(ExperimentError) as info:
        load_experiment(experiment)
    assert "\n" not in str(info.value) and str(experiment) in str(info.value)


def test_the_cli_refuses_a_strictness_error_with_exit_2(tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text("[run]\nmonths = true\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "run.months" in err and "true" in err
    assert not out.exists(), "nothing is written"


def test_design_points_keep_integer_settings_integers(tmp_path):
    """A Sobol' design varies an integer and a real setting: each point's integer stays an integer."""
    experiment = tmp_path / "sobol.toml"
    experiment.write_text(
        f'name = "x"\nscenario = "{(SCENARIOS / "baseline.toml").as_posix()}"\n'
        '[design]\nkind = "sobol"\nsamples = 2\n'
        '[[uncertainties]]\npath = "parameters.migration.procedural_wait_months_min"\nlow = 1\nhigh = 6\n'
        '[[uncertainties]]\npath = "parameters.income.poverty_line_idr_per_capita_month"\n'
        "low = 300000\nhigh = 400000\n"
        '[[outcomes]]\ncolumn = "poverty_rate"\n',
        encoding="utf-8",
    )
    loaded = load_experiment(experiment)
    values = loaded.point_values(0)
    assert isinstance(values["parameters.migration.procedural_wait_months_min"], int)
    assert isinstance(loaded.scenario_at(0), Scenario)


# --- sizes: exact integers, checked before anything is allocated -------------------------------


def _experiment(tmp_path, design: str, factors: str) -> Any:
    path = tmp_path / "big.toml"
    path.write_text(
        f'name = "big"\nscenario = "{(SCENARIOS / "baseline.toml").as_posix()}"\n'
        f"[design]\n{design}\n{factors}"
        '[[outcomes]]\ncolumn = "poverty_rate"\n',
        encoding="utf-8",
    )
    return path


_RANGE_PATHS = (
    "parameters.income.poverty_line_idr_per_capita_month",
    "parameters.remittance.exchange_rate_idr_per_myr",
    "parameters.remittance.broker_debt_idr",
    "parameters.migration.procedural_cost_idr",
    "parameters.migration.informal_credit_idr",
    "parameters.business.initial_capital_idr",
    "parameters.business.capital_per_job_idr",
    "parameters.remittance.sirih_pinang_idr",
    "parameters.business.min_capital_idr",
    "parameters.remittance.min_wage_myr_per_month",
    "components.cooperative.coverage",
    "components.information_centre.coverage",
)


@pytest.mark.parametrize(
    "design",
    [
        'kind = "full_factorial"\nlevels = 100',  # 100**12 = 10**24 points
        'kind = "sobol"\nsamples = 4611686018427387904',  # 2**62 x 14 points
        'kind = "morris"\nsamples = 999999999999',
        'kind = "latin_hypercube"\nsamples = 999999999999',
    ],
)
def test_a_design_beyond_2_to_the_64_is_refused_at_once(tmp_path, design):
    factors = "".join(
        f'[[uncertainties]]\npath = "{p}"\n'
        + ("low = 0.1\nhigh = 0.9\n" if "coverage" in p else "low = 1000\nhigh = 100000\n")
        for p in _RANGE_PATHS
    )
    started = time.perf_counter()
    with pytest.raises(ExperimentError) as info:
        load_experiment(_experiment(tmp_path, design, factors))
    assert time.perf_counter() - started < 5, "refused at once, without generating the design"
    message = str(info.value)
    assert "\n" not in message and ("too large" in message or "out of range" in message), message


def test_a_world_too_big_to_allocate_is_refused_with_the_product():
    data = _data_with("world.copies", 2000)
    data["parameters"] = {"village": {"households_per_village": 2_000_000}}
    error = _refused_anywhere(data)
    assert error.field == "parameters.village.households_per_village"
    assert "80,000,000,000 households" in str(error) and "at most 20,000,000" in str(error)


def _refused_anywhere(data: dict[str, Any]) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(data, "big.toml")
    return info.value


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "baseline", "--replications", str(10**30)],
        ["compare", "baseline", "--replications", "10001"],
        ["facts", "baseline", "--workers", "100000"],
        ["sweep", "component_ablation", "--replications", str(2**64)],
        ["sweep", "component_ablation", "--workers", "0"],
    ],
)
def test_the_command_line_refuses_absurd_counts(argv, capsys):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert "is not allowed: use 1 to" in capsys.readouterr().err


# --- files: encodings, nesting, extends chains, links ------------------------------------------


def _one_line_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str], *words: str) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    for word in words:
        assert word in err, f"{word!r} in {err!r}"
    return err


@pytest.mark.parametrize("command", ["validate", "sweep"])
def test_a_file_that_is_not_utf8_is_one_line(tmp_path, capsys, command):
    path = tmp_path / "latin1.toml"
    path.write_bytes('name = "Desa Baumata \u2013 Kupang"\n'.encode("cp1252"))
    out = ["--out", str(tmp_path / "out")] if command == "sweep" else []
    _one_line_exit_2([command, str(path), *out], capsys, "latin1.toml", "not UTF-8", "byte 0x96")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "text",
    [
        "a = " + "[" * 5000 + "]" * 5000,  # the parser itself would recurse too deeply
        "a = " + "{b = " * 3000 + "1" + "}" * 3000,
        "[" + ".".join(["t"] * 3000) + "]\nx = 1\n",  # parses, but a merge would recurse too deeply
    ],
)
def test_deeply_nested_tables_are_one_line(tmp_path, capsys, text):
    path = tmp_path / "deep.toml"
    path.write_text(text, encoding="utf-8")
    _one_line_exit_2(["validate", str(path)], capsys, "deep.toml", "too deeply", "at most 16 levels")
    experiment = tmp_path / "deep_experiment.toml"
    experiment.write_text(text, encoding="utf-8")
    with pytest.raises(ExperimentError, match="too deeply"):
        load_experiment(experiment)


def test_a_long_chain_of_extends_is_one_line(tmp_path, capsys):
    (tmp_path / "s0.toml").write_text('name = "root"\n', encoding="utf-8")
    for i in range(1, 60):
        (tmp_path / f"s{i}.toml").write_text(f'extends = "s{i - 1}.toml"\n', encoding="utf-8")
    _one_line_exit_2(["validate", str(tmp_path / "s59.toml")], capsys, "longer than 32 files", "extends")
    assert load_scenario(tmp_path / "s31.toml").name == "root", "a chain of 32 files still loads"


def test_a_cycle_of_extends_is_one_line(tmp_path, capsys):
    (tmp_path / "a.toml").write_text('extends = "b.toml"\n', encoding="utf-8")
    (tmp_path / "b.toml").write_text('extends = "a.toml"\n', encoding="utf-8")
    _one_line_exit_2(["validate", str(tmp_path / "a.toml")], capsys, "cycle of extends")


def test_symbolic_link_loops_are_one_line(tmp_path, capsys):
    (tmp_path / "loop_a.toml").symlink_to(tmp_path / "loop_b.toml")
    (tmp_path / "loop_b.toml").symlink_to(tmp_path / "loop_a.toml")
    _one_line_exit_2(["validate", str(tmp_path / "loop_a.toml")], capsys, "loop of symbolic links")
    child = tmp_path / "child.toml"
    child.write_text('extends = "loop_a.toml"\n', encoding="utf-8")
    _one_line_exit_2(["validate", str(child)], capsys, "child.toml", "`extends`", "loop of symbolic links")
    out = str(tmp_path / "out")
    _one_line_exit_2(["sweep", str(tmp_path / "loop_a.toml"), "--out", out], capsys, "loop of symbolic links")
    (tmp_path / "folder.toml").mkdir()
    _one_line_exit_2(["validate", str(tmp_path / "folder.toml")], capsys, "is a folder")


# --- user text on the terminal is printed literally (no rich markup) ---------------------------

MARKUP_NAMES = ("[bold]x[/]", "a [b", "[/]", "[red]loud[/red] [link=http://x]y[/link]", "Desa :smile: \\")


def _named_scenario(tmp_path, name: str) -> str:
    path = tmp_path / "named.toml"
    path.write_text(
        f'extends = "{(SCENARIOS / "baseline.toml").as_posix()}"\nname = {json.dumps(name)}\n'
        '[run]\nmonths = 3\n[world]\nvillages = ["Buraen"]\n'
        "[parameters.village]\nhouseholds_per_village = 20\n",
        encoding="utf-8",
    )
    return str(path)


@pytest.mark.parametrize("name", MARKUP_NAMES)
def test_names_with_square_brackets_print_literally(tmp_path, capsys, name):
    scenario = _named_scenario(tmp_path, name)
    assert main(["validate", scenario]) == 0
    assert f"({name};" in capsys.readouterr().out
    out = tmp_path / f"out [{len(name)}]"
    assert main(["run", scenario, "--out", str(out), "--no-plot"]) == 0
    printed = capsys.readouterr().out
    assert f"{name}: end of horizon" in printed.replace("\n", " ") or name in printed, printed
    assert f"[{len(name)}]" in printed, "the output folder's brackets are printed too"


@settings(max_examples=30, deadline=None)
@given(text=st.text(alphabet="[]/ab=#:\\", max_size=12))
def test_any_bracketed_text_survives_the_terminal_helpers(text):
    from rich.console import Console

    from desmig_sim.cli.terminal import bold, line

    console = Console(width=200, markup=False, emoji=False, record=True)
    console.print(text, highlight=False)
    console.print(line("x ", bold(text), " ", text), highlight=False)
    lines = console.export_text().splitlines()
    assert lines[0].rstrip() == text.rstrip()
    assert lines[1].rstrip() == f"x {text} {text}".rstrip()


@pytest.mark.parametrize("address", ["", "  "])
def test_an_empty_dashboard_host_is_refused(address, capsys):
    with pytest.raises(SystemExit) as info:
        main(["dashboard", "--host", address])
    assert info.value.code == 2
    assert "every network interface" in capsys.readouterr().err
