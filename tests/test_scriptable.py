"""A quiet, scriptable command line, and Ctrl-C at any moment of a sweep.

`--quiet` prints nothing but errors; `--json` prints one JSON object on standard output; progress
is never drawn into a pipe. A sweep interrupted with SIGINT (as Ctrl-C sends it to the whole
process group) ends with one line and a store that a plain resume completes.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import desmig_sim
from desmig_sim import load_experiment
from desmig_sim.cli.main import main
from desmig_sim.experiments.sweeps import results
from tests.test_sweeps import tiny

BIN = Path(sys.executable).parent


def test_quiet_prints_nothing_and_json_one_object(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["run", "baseline", "--no-plot", "--quiet", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == "", captured
    assert (out / "manifest.json").is_file()
    assert main(["run", "baseline", "--no-plot", "--json", "-r", "2", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.err == "", "no progress bar drawn into a pipe"
    summary = json.loads(captured.out)  # one object, nothing else on stdout
    assert summary["command"] == "run" and summary["replications"] == 2
    assert set(summary["files"]) == {p.name for p in out.iterdir()}
    manifest = json.loads((out / "manifest.json").read_text())
    assert summary["seeds"] == manifest["seeds"]
    rows = {row["column"]: row for row in summary["end_of_horizon"]}
    written = pd.read_csv(out / "summary.csv").set_index("column")
    assert rows.keys() == set(written.index)
    for column, row in rows.items():
        assert row["mean"] == pytest.approx(written.loc[column, "mean"], nan_ok=True)


def test_sweep_json_reports_what_it_did_and_errors_still_print(tmp_path, capsys):
    out = tmp_path / "sweep"
    argv = ["sweep", str(tiny(tmp_path)), "--out", str(out), "--replications", "1", "--json"]
    assert main(argv) == 0
    captured = capsys.readouterr()
    summary = json.loads(captured.out)
    assert (summary["total"], summary["done"], summary["skipped"]) == (6, 6, 0) and summary["complete"]
    assert captured.err == ""
    assert main(argv) == 0
    assert json.loads(capsys.readouterr().out)["skipped"] == 6, "a resume skips the stored runs"
    assert main(["run", "baseline", "--quiet", "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith("error: "), "errors print when quiet"


def test_the_library_logs_instead_of_printing(tmp_path, capsys, caplog):
    experiment = load_experiment(tiny(tmp_path, replications=1))
    with caplog.at_level("INFO", logger="desmig_sim"):
        desmig_sim.sweep(experiment, tmp_path / "out")
    assert capsys.readouterr() == ("", "")
    assert any("6 of 6 runs to do" in r.getMessage() for r in caplog.records)


def _interrupt(command: list[str], after: float, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Start ``command`` in its own process group and send the group SIGINT after ``after`` s."""
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True, cwd=cwd
    )
    time.sleep(after)
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


@pytest.mark.slow
@pytest.mark.parametrize("executor", ["serial", "process", "dask"])
def test_ctrl_c_at_any_moment_of_a_sweep_leaves_a_store_a_resume_completes(tmp_path, executor):
    pytest.importorskip("distributed") if executor == "dask" else None
    experiment_file = tiny(tmp_path, replications=4, months=24)
    out = tmp_path / "out"
    command = [str(BIN / "desmig-sim"), "sweep", str(experiment_file), "--out", str(out)]
    command += ["--executor", executor] + (["--workers", "2"] if executor != "serial" else [])
    moments = (0.3, 0.8, 1.5, 3.0) if executor == "serial" else (0.8, 2.5, 5.0)
    for after in moments:
        stopped = _interrupt(command, after, tmp_path)
        if stopped.returncode == 0:
            continue  # finished before the interrupt came (a resume has nothing to do)
        assert stopped.returncode == 130, (after, stopped.returncode, stopped.stderr)
        lines = stopped.stderr.strip().splitlines()
        assert "Traceback" not in stopped.stderr and len(lines) == 1, (after, stopped.stderr)
        assert lines[0].startswith("interrupted"), lines
    finished = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert finished.returncode == 0, finished.stderr
    uninterrupted = desmig_sim.sweep(load_experiment(experiment_file), tmp_path / "whole")
    pd.testing.assert_frame_equal(results(out), uninterrupted)
    assert not [p.name for p in out.iterdir() if ".new-" in p.name or p.suffix == ".tmp"]
