"""Sweeps: the store, resume after a real kill -9, failure isolation, executors, export, sensitivity."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import desmig_sim
from desmig_sim import load_experiment
from desmig_sim.cli.main import main
from desmig_sim.core.errors import ExperimentError
from desmig_sim.experiments import executors
from desmig_sim.experiments.sensitivities import indices
from desmig_sim.experiments.store import SweepStore
from desmig_sim.experiments.sweeps import results, run_sweep, runs

ROOT = Path(__file__).resolve().parent.parent
EXPERIMENTS = sorted((ROOT / "experiments").glob("*.toml"))
BIN = Path(sys.executable).parent


def tiny(tmp_path: Path, replications: int = 2, months: int = 12, extra: str = "") -> Path:
    """A tiny 2 x 3 factorial experiment of the information centre (1 village, 40 households)."""
    path = tmp_path / "tiny.toml"
    path.write_text(
        f"""
name = "Tiny"
scenario = "{(ROOT / "scenarios" / "information_centre.toml").as_posix()}"
replications = {replications}
seed = 5

[constants]
"run.months" = {months}
"world.villages" = ["Buraen"]
"parameters.village.households_per_village" = 40
"components.information_centre.start" = "2017-02"

[design]
kind = "full_factorial"

[[levers]]
path = "components.information_centre.coverage"
values = [0.3, 0.9]

[[uncertainties]]
path = "parameters.migration.broker_contact_prob"
values = [0.02, 0.05, 0.1]

[[outcomes]]
column = "non_procedural_share_12m"
statistic = "end"

[[outcomes]]
column = "income_per_capita_mean"
statistic = "mean"

[[outcomes]]
column = "departures_non_procedural"
statistic = "sum"
{extra}
""",
        encoding="utf-8",
    )
    return path


def test_sweep_results_are_tidy_and_match_direct_runs(tmp_path):
    experiment = load_experiment(tiny(tmp_path))
    table = desmig_sim.sweep(experiment, tmp_path / "out")
    assert len(table) == 6 * 2 * 3, "one row per run (6 points x 2 replications) and outcome (3)"
    assert list(table.columns[:3]) == ["point", "replication", "seed"]
    assert {"components.information_centre.coverage", "parameters.migration.broker_contact_prob"} <= set(
        table
    )
    seeds = table.groupby("replication")["seed"].unique()
    assert all(len(s) == 1 for s in seeds), "replication r has the same seed at every point (common numbers)"
    # The stored values are the statistics of a direct run of that point's scenario.
    row = table[(table["point"] == 4) & (table["replication"] == 1)].set_index("outcome")["value"]
    direct = desmig_sim.run(experiment.scenario_at(4), experiment.seeds[1], agents=False)
    pooled = direct.pooled()
    assert row["non_procedural_share_12m_end"] == pooled["non_procedural_share_12m"].iloc[-1]
    assert row["departures_non_procedural_sum"] == pooled["departures_non_procedural"].sum()
    assert row["income_per_capita_mean_mean"] == pytest.approx(
        pooled["income_per_capita_mean"].mean(), rel=1e-12
    )
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["counts"]["ok"] == 12
    assert manifest["experiment_hash"] == experiment.content_hash()
    assert manifest["seeds"] == list(experiment.seeds) and len(manifest["design"]) == 6
    assert manifest["environment"]["desmig_sim"] == desmig_sim.__version__
    assert manifest["sessions"][-1]["executor"] == "serial"
    assert "[[levers]]" in manifest["experiment_text"], "the manifest keeps the experiment file's content"


def test_resume_skips_stored_runs_and_refuses_a_changed_experiment(tmp_path):
    out = tmp_path / "out"
    first = run_sweep(load_experiment(tiny(tmp_path)), out)
    assert (first.done, first.skipped) == (12, 0)
    again = run_sweep(load_experiment(tiny(tmp_path)), out)
    assert (again.done, again.skipped) == (0, 12), "a finished sweep started again recomputes nothing"
    changed = load_experiment(tiny(tmp_path, replications=3))
    with pytest.raises(ExperimentError, match="--restart"):
        run_sweep(changed, out)
    restarted = run_sweep(changed, out, restart=True)
    assert (restarted.done, restarted.skipped) == (18, 0), "--restart discards the stored runs"
    assert len(runs(out)) == 18, "no duplicated registry rows"


def test_a_failing_run_is_recorded_and_the_others_complete(tmp_path, monkeypatch):
    experiment = load_experiment(tiny(tmp_path))
    bad_seed = experiment.seeds[1]
    real_run = executors.run

    def flaky(scenario, seed, **kwargs):
        if seed == bad_seed and scenario.components.information_centre.coverage == 0.9:
            raise RuntimeError("deliberate failure")
        return real_run(scenario, seed, **kwargs)

    monkeypatch.setattr(executors, "run", flaky)
    report = run_sweep(experiment, tmp_path / "out")
    assert (report.done, report.failed) == (9, 3), "3 points x replication 1 fail; the other 9 runs finish"
    registry = runs(tmp_path / "out")
    failed = registry[registry["status"] == "failed"]
    assert len(failed) == 3 and failed["error"].str.contains("deliberate failure").all()
    assert failed["traceback"].str.contains("Traceback").all(), "the traceback is recorded"
    assert len(results(tmp_path / "out")) == 9 * 3, "failed runs have no outcome rows"
    monkeypatch.setattr(executors, "run", real_run)
    retry = run_sweep(experiment, tmp_path / "out")
    assert (retry.done, retry.skipped, retry.failed) == (3, 9, 0), "a resumed sweep retries only the failures"


def _status(out: Path) -> dict:
    try:
        return json.loads((out / "status.json").read_text())
    except (OSError, ValueError):
        return {}


def _children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.parametrize("executor", ["serial", "process"])
def test_resume_after_kill_9_equals_an_uninterrupted_sweep(tmp_path, executor):
    experiment_file = tiny(tmp_path, replications=8, months=24)
    out = tmp_path / "killed"
    command = [
        str(BIN / "desmig-sim"),
        "sweep",
        str(experiment_file),
        "--out",
        str(out),
        "--executor",
        executor,
    ]
    if executor == "process":
        command += ["--workers", "2"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while _status(out).get("ok", 0) < 5 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        workers = _children(process.pid)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL, "the sweep was killed, not finished"
    deadline = time.monotonic() + 15
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [w for w in workers if _alive(w)], "worker processes end with the killed sweep"
    with SweepStore(out, read_only=True) as store:
        stored = store.counts()["ok"]
    assert 5 <= stored < 48, f"the kill should leave a partial sweep, {stored} of 48 runs stored"
    finished = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert finished.returncode == 0, finished.stderr
    registry = runs(out)
    assert len(registry) == 48 and not registry.duplicated(["point", "replication"]).any()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["sessions"][-1]["skipped"] == stored, "the restart skipped exactly the stored runs"
    uninterrupted = desmig_sim.sweep(load_experiment(experiment_file), tmp_path / "whole")
    pd.testing.assert_frame_equal(results(out), uninterrupted)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def dask_cluster():
    """A real Dask scheduler and two single-thread workers on loopback (separate processes)."""
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    scheduler = subprocess.Popen(
        [str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
        **quiet,
    )
    worker = subprocess.Popen(
        [str(BIN / "dask"), "worker", address, "--nworkers", "2", "--nthreads", "1", "--no-dashboard"],
        **quiet,
    )
    try:
        from distributed import Client

        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=60)
        yield address
    finally:
        for process in (worker, scheduler):
            process.terminate()
        for process in (worker, scheduler):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.mark.slow
def test_serial_process_and_dask_give_identical_results(tmp_path, dask_cluster):
    experiment = load_experiment(tiny(tmp_path))
    serial = desmig_sim.sweep(experiment, tmp_path / "serial")
    process = desmig_sim.sweep(experiment, tmp_path / "process", executor="process", workers=2)
    pd.testing.assert_frame_equal(process, serial)
    dask_args = ["--executor", "dask", "--scheduler", dask_cluster]
    code = main(["sweep", str(experiment.path), "--out", str(tmp_path / "dask"), *dask_args])
    assert code == 0
    pd.testing.assert_frame_equal(results(tmp_path / "dask"), serial)
    session = json.loads((tmp_path / "dask" / "manifest.json").read_text())["sessions"][-1]
    assert session["scheduler"] == dask_cluster and session["dask_workers"] == 2
    workers = set(runs(tmp_path / "dask")["worker"])
    assert len(workers) == 2, f"both dask worker processes should run tasks, saw {workers}"


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_export_writes_tidy_tables_and_manifest(tmp_path, fmt):
    experiment = load_experiment(tiny(tmp_path))
    run_sweep(experiment, tmp_path / "out")
    assert main(["export", str(tmp_path / "out"), "--format", fmt]) == 0
    folder = tmp_path / "out" / "export"
    read = pd.read_csv if fmt == "csv" else pd.read_parquet
    table = read(folder / f"results.{fmt}")
    assert len(table) == 36 and list(table.columns[:3]) == ["point", "replication", "seed"]
    assert table.iloc[:, 3:5].columns.tolist() == list(experiment.design.columns), "design columns follow"
    assert set(table["outcome"]) == {o.key for o in experiment.spec.outcomes}
    assert len(read(folder / f"runs.{fmt}")) == 12 and len(read(folder / f"design.{fmt}")) == 6
    manifest = json.loads((folder / "manifest.json").read_text())
    assert set(manifest["files"]) == {f"{s}.{fmt}" for s in ("results", "runs", "design", "outcomes")}
    assert manifest["sweep"]["experiment_hash"] == experiment.content_hash()
    expected = results(tmp_path / "out")
    # A share with nothing to divide is missing (NaN) in both.
    assert np.allclose(table["value"], expected["value"], rtol=1e-12, equal_nan=True), (
        "exported values are the stored ones"
    )


@pytest.mark.parametrize("path", EXPERIMENTS, ids=[p.stem for p in EXPERIMENTS])
def test_every_shipped_experiment_runs_in_reduced_form(tmp_path, path):
    experiment = load_experiment(path).reduced(
        months=12, villages=1, households=30, replications=1, samples=2
    )
    table = desmig_sim.sweep(experiment, tmp_path / "out")
    expected = experiment.runs * len(experiment.spec.outcomes)
    assert len(table) == expected, f"{path.name}: every run stores its outcomes"
    # Only a share can be missing (a share of nothing, e.g. no departures in a 12-month village run).
    missing = table.loc[table["value"].isna(), "outcome"]
    assert missing.str.contains("share").all(), f"{path.name}: missing values only for shares"


def test_sobol_indices_find_the_factor_that_drives_a_known_outcome(tmp_path):
    text = f"""
name = "Synthetic"
scenario = "{(ROOT / "scenarios" / "baseline.toml").as_posix()}"
[design]
kind = "sobol"
samples = 256
[[uncertainties]]
path = "parameters.migration.norm_weight"
low = 0.0
high = 1.0
[[uncertainties]]
path = "parameters.migration.risk_weight"
low = 0.0
high = 1.0
[[outcomes]]
column = "gini"
"""
    path = tmp_path / "synthetic.toml"
    path.write_text(text, encoding="utf-8")
    experiment = load_experiment(path)
    design = experiment.design
    # A known response: only norm_weight matters; two replications with equal noise-free values.
    y = 3.0 * design["parameters.migration.norm_weight"]
    table = pd.concat(
        [
            pd.DataFrame(
                {
                    "point": design.index.to_numpy(),
                    "replication": r,
                    "outcome": "gini_end",
                    "value": y.to_numpy(),
                }
            )
            for r in (0, 1)
        ]
    )
    found = indices(experiment, table).set_index("factor")
    assert found.loc["parameters.migration.norm_weight", "ST"] == pytest.approx(1.0, abs=0.05)
    assert found.loc["parameters.migration.norm_weight", "S1"] == pytest.approx(1.0, abs=0.1)
    assert abs(found.loc["parameters.migration.risk_weight", "ST"]) < 0.05, (
        "a factor without effect has ST ~ 0"
    )


@pytest.mark.slow
@pytest.mark.parametrize("name", ["behaviour_morris", "behaviour_sobol"])
def test_sensitivity_command_writes_indices_tables_and_plots(tmp_path, capsys, name):
    out = tmp_path / "out"
    args = ["sensitivity", name, "--out", str(out), "--months", "12", "--villages", "1", "--households", "30"]
    assert main([*args, "--replications", "1", "--samples", "2"]) == 0
    folder = out / "sensitivity"
    frame = pd.read_csv(folder / "indices.csv")
    experiment = load_experiment(name)
    assert len(frame) == len(experiment.factors) * len(experiment.spec.outcomes), (
        "one row per outcome and factor"
    )
    assert (
        {"mu_star", "sigma"} <= set(frame)
        if name.endswith("morris")
        else {"S1", "ST", "ST_conf"} <= set(frame)
    )
    assert (folder / "indices.md").read_text().count("\n|") >= len(frame)
    for outcome in experiment.spec.outcomes:
        assert (folder / f"{outcome.key}.png").stat().st_size > 10_000, "a plot per outcome"
    assert "sensitivity" in capsys.readouterr().out


def test_cli_refuses_a_changed_experiment_and_a_scheduler_without_dask(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["sweep", str(tiny(tmp_path)), "--out", str(out), "--replications", "1"]) == 0
    stored = runs(out)
    assert main(["sweep", str(tiny(tmp_path)), "--out", str(out)]) == 2, "another experiment: exit 2"
    err = capsys.readouterr().err
    assert "--restart" in err and "Traceback" not in err, err
    pd.testing.assert_frame_equal(runs(out), stored)  # the refused sweep changed nothing
    code = main(
        ["sweep", str(tiny(tmp_path)), "--out", str(tmp_path / "b"), "--scheduler", "tcp://127.0.0.1:1"]
    )
    assert code == 2 and "--executor dask" in capsys.readouterr().err
    assert not (tmp_path / "b").exists()


@pytest.mark.slow
def test_dask_without_a_scheduler_uses_a_local_cluster(tmp_path):
    experiment = load_experiment(tiny(tmp_path, replications=1))
    local = desmig_sim.sweep(experiment, tmp_path / "local", executor="dask", workers=2)
    pd.testing.assert_frame_equal(local, desmig_sim.sweep(experiment, tmp_path / "serial"))
    session = json.loads((tmp_path / "local" / "manifest.json").read_text())["sessions"][-1]
    assert session["scheduler"] == "LocalCluster" and session["dask_workers"] == 2
