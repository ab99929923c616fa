"""The command line as a user drives it: exit codes, messages, files written (or not)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from desmig_sim.cli.main import main
from desmig_sim.config.outcomes import COLUMNS, GROUPS
from tests.helpers import neighbour_names

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"


def small_scenario(tmp_path: Path, body: str = "", name: str = "small.toml") -> Path:
    """A small world extending the full programme; ``body`` goes into a child file extending it."""
    parent = tmp_path / "small_parent.toml"
    parent.write_text(
        f'extends = "{(SCENARIOS / "full_program.toml").as_posix()}"\n'
        'name = "Small"\n[run]\nmonths = 14\n[world]\nvillages = ["Buraen", "Mawar"]\n'
        "[parameters.village]\nhouseholds_per_village = 40\n",
        encoding="utf-8",
    )
    path = tmp_path / name
    path.write_text(f'extends = "small_parent.toml"\n{body}', encoding="utf-8")
    return path


def test_run_writes_tables_manifest_and_summary(tmp_path, capsys):
    scenario = small_scenario(tmp_path)
    out = tmp_path / "out"
    assert main(["run", str(scenario), "--replications", "2", "--seed", "7", "--out", str(out)]) == 0
    written = sorted(p.name for p in out.iterdir())
    expected = [
        "ledger.csv",
        "manifest.json",
        "summary.csv",
        "timeseries.csv",
        "timeseries.parquet",
        "timeseries.png",
    ]
    assert written == expected, f"run should write exactly {expected}, wrote {written}"
    table = pd.read_parquet(out / "timeseries.parquet")
    assert list(table.columns) == ["scenario", "replication", "seed", *COLUMNS], "tidy table columns"
    assert sorted(table["replication"].unique()) == [0, 1], "two replications expected"
    villages = ["Buraen", "Mawar"]
    expected_rows = {*villages, *neighbour_names(villages), "ALL", *GROUPS}
    assert set(table["village"]) == expected_rows, "villages, their neighbours, pooled and group rows"
    csv = pd.read_csv(out / "timeseries.csv")
    assert len(csv) == len(table) == 2 * 14 * len(expected_rows), "one row per replication, month and row"
    manifest = json.loads((out / "manifest.json").read_text())
    for key in ("scenario_hash", "seeds", "environment", "scenario", "started", "finished", "files"):
        assert key in manifest, f"manifest should record {key}"
    assert manifest["root_seed"] == 7 and len(manifest["seeds"]) == 2, "seeds recorded"
    assert {"python", "numpy", "mesa", "desmig_sim", "git_commit"} <= set(manifest["environment"])
    assert "timeseries.parquet" in manifest["files"], "manifest lists the files with hashes"
    printed = capsys.readouterr().out
    assert "Poverty rate" in printed and "10-90% range" in printed, "summary table printed at the end"


def test_same_seed_same_files(tmp_path):
    scenario = small_scenario(tmp_path)
    for name in ("a", "b"):
        assert main(["run", str(scenario), "--seed", "3", "--out", str(tmp_path / name), "--no-plot"]) == 0
    a = pd.read_parquet(tmp_path / "a" / "timeseries.parquet")
    b = pd.read_parquet(tmp_path / "b" / "timeseries.parquet")
    pd.testing.assert_frame_equal(a, b, check_exact=True)


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ("[parameters.migration]\nbrokr_contact_prob = 0.1\n", "did you mean `broker_contact_prob`"),
        ("[components.cooperative]\ncoverage = 1.5\n", "components.cooperative.coverage"),
        ('[components.cooperative]\nstart = "2019-01"\nend = "2018-01"\n', "is before start"),
        ("[components.information_center]\nenabled = true\n", "allowed keys: information_centre"),
        ("[parameters.budget]\nconsumption = 0.5\n", "must sum to 1"),
        ('[run]\nmonths = "ten"\n', "run.months"),
    ],
)
def test_bad_scenario_exit_2_and_nothing_written(tmp_path, capsys, body, needle):
    scenario = small_scenario(tmp_path, body)
    out = tmp_path / "never"
    status = main(["run", str(scenario), "--out", str(out)])
    err = capsys.readouterr().err
    assert status == 2, f"bad input should exit with code 2, got {status}"
    assert needle in err and str(scenario) in err, f"message should name file and problem: {err}"
    assert "Traceback" not in err, "no traceback for bad input"
    assert not out.exists(), "nothing may be written for a bad scenario"
    assert not list(tmp_path.glob(".never*")), "no partial folder left behind"


def test_validate_reports_each_file(tmp_path, capsys):
    good = SCENARIOS / "baseline.toml"
    bad = small_scenario(tmp_path, "[world]\nvillages = ['Atlantis']\n", name="bad.toml")
    assert main(["validate", str(good)]) == 0, "a good file validates"
    assert main(["validate", str(good), str(bad)]) == 2, "any bad file gives exit code 2"
    captured = capsys.readouterr()
    assert "ok:" in captured.out and "Atlantis" in captured.err and "allowed: Buraen" in captured.err


def test_missing_file_is_a_kind_error(tmp_path, capsys):
    assert main(["run", str(tmp_path / "nope.toml")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_schema_is_json_schema(capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["additionalProperties"] is False, "unknown top-level keys are forbidden"
    assert {"run", "world", "parameters", "components", "events"} <= set(schema["properties"])


@pytest.mark.slow
def test_console_script_exit_code_without_traceback(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("name = [\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "desmig_sim.cli.main", "validate", str(bad)], capture_output=True, text=True
    )
    assert proc.returncode == 2, "invalid TOML exits with code 2"
    assert "is not valid TOML" in proc.stderr and "Traceback" not in proc.stderr


def test_bad_arguments_are_refused(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["run", str(SCENARIOS / "baseline.toml"), "--replications", "0"])
    assert exc.value.code == 2, "argparse refuses replications < 1 with code 2"
    assert "use 1 to 10,000 replications" in capsys.readouterr().err


def test_python_api_writes_run_with_manifest(tmp_path):
    import desmig_sim

    scenario = desmig_sim.load_scenario(small_scenario(tmp_path))
    result = desmig_sim.run(scenario, seed=11)
    out = result.write(tmp_path / "api")
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "timeseries.csv", "timeseries.parquet"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 11 and manifest["scenario_hash"] == scenario.content_hash()
    table = pd.read_parquet(out / "timeseries.parquet")
    pd.testing.assert_frame_equal(table, result.timeseries, check_exact=True)


@pytest.mark.slow
def test_demo_compares_baseline_and_programme_on_paired_seeds(tmp_path, capsys):
    out = tmp_path / "demo"
    assert main(["demo", "--replications", "2", "--out", str(out)]) == 0
    assert {"comparison.csv", "comparison.png", "timeseries.csv", "timeseries.parquet", "manifest.json"} <= {
        p.name for p in out.iterdir()
    }
    table = pd.read_parquet(out / "timeseries.parquet")
    seeds = table.groupby("scenario")["seed"].unique().apply(sorted)
    assert len(seeds) == 2 and seeds.iloc[0] == seeds.iloc[1], "both scenarios run on the same seeds"
    comparison = pd.read_csv(out / "comparison.csv").set_index("column")
    diff = comparison.loc["program_cost", "programme_mean"] - comparison.loc["program_cost", "baseline_mean"]
    assert comparison.loc["program_cost", "difference_mean"] == pytest.approx(diff), "difference of means"
    assert "Full programme" in capsys.readouterr().out, "the comparison table is printed"


def test_facts_writes_the_table_report_and_manifest(tmp_path, capsys):
    scenario = small_scenario(tmp_path)
    out = tmp_path / "facts"
    assert main(["facts", str(scenario), "-r", "2", "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "manifest.json",
        "stylised_facts.csv",
        "stylised_facts.md",
    ]
    table = pd.read_csv(out / "stylised_facts.csv")
    assert set(table["runs"]) <= {0, 1, 2}, "each fact measured on the runs that define it"
    assert table.set_index("fact").loc["non_procedural_share_of_departures", "runs"] == 2
    consumption = table.set_index("fact").loc["consumption_per_capita_2020"]
    assert consumption["runs"] == 0 and pd.isna(consumption["mean"]) and pd.isna(consumption["miss"]), (
        "a 14-month run has no 2020: missing, not a miss of 0"
    )
    report = (out / "stylised_facts.md").read_text(encoding="utf-8")
    assert "| fact | target |" in report and "references.md#" in report
    assert json.loads((out / "manifest.json").read_text())["command"] == "facts"
    assert "Stylised facts" in capsys.readouterr().out


def test_facts_of_a_bad_scenario_exit_2_and_nothing_written(tmp_path):
    out = tmp_path / "never"
    assert main(["facts", str(tmp_path / "nope.toml"), "--out", str(out)]) == 2
    assert not out.exists()
