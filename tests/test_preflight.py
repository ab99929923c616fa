"""Checks before any work: `--out` and `--scheduler`; whole-folder replacement; the sweep's lock.

Every refusal is one line on standard error with exit code 2, within a fraction of a second and
with nothing written.
"""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import duckdb
import pytest

from desmig_sim.cli.main import main
from desmig_sim.core import preflight
from desmig_sim.core.errors import OutputFolderError, SchedulerError
from desmig_sim.core.output import staged_directory
from desmig_sim.core.preflight import check_output_folder, check_scheduler, parse_scheduler
from desmig_sim.experiments import executors
from desmig_sim.experiments.store import STORE_FILE, SweepStore, sweep_lock
from desmig_sim.experiments.sweeps import results, runs
from tests.test_sweeps import tiny

#: Each command that writes a folder, with what it needs before its `--out`.
COMMANDS = {
    "run": ["run", "baseline", "--no-plot"],
    "demo": ["demo", "-r", "1"],
    "compare": ["compare", "baseline", "full_program", "-r", "1"],
    "facts": ["facts", "baseline", "-r", "1"],
    "sweep": ["sweep", "component_ablation"],
    "sensitivity": ["sensitivity", "behaviour_morris"],
}


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _refused(argv: list[str], capsys: pytest.CaptureFixture[str], *needles: str) -> str:
    clock = time.perf_counter()
    assert main(argv) == 2, argv
    assert time.perf_counter() - clock < 5, "refused before any simulation"
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "Traceback" not in err, err
    for needle in needles:
        assert needle in err, err
    return err


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_file_in_the_way_of_out_is_refused_before_any_work(tmp_path, capsys, command):
    in_the_way = tmp_path / "taken"
    in_the_way.write_text("mine\n")
    _refused([*COMMANDS[command], "--out", str(in_the_way)], capsys, str(in_the_way), "is a file")
    below = in_the_way / "sub" / "out"
    _refused([*COMMANDS[command], "--out", str(below)], capsys, "cannot be created", "is a file")
    assert in_the_way.read_text() == "mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"], "nothing written, no .partial"


@pytest.mark.parametrize("command", ["run", "demo", "compare", "facts"])
def test_a_folder_of_the_users_files_is_never_replaced(tmp_path, capsys, command):
    folder = tmp_path / "papers"
    folder.mkdir()
    (folder / "thesis.docx").write_bytes(b"years of work")
    _refused([*COMMANDS[command], "--out", str(folder)], capsys, "did not write")
    assert _snapshot(folder) == {"thesis.docx": b"years of work"}


def test_a_sweep_folder_is_not_replaced_by_a_run(tmp_path, capsys):
    out = tmp_path / "sweep"
    assert main(["sweep", str(tiny(tmp_path)), "--out", str(out), "--replications", "1"]) == 0
    before = runs(out)
    capsys.readouterr()
    _refused(["run", "baseline", "--out", str(out)], capsys, "holds a sweep")
    assert runs(out).equals(before)


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs /proc (a folder nobody may write)")
@pytest.mark.parametrize("command", ["run", "sweep", "export"])
def test_an_unwritable_out_is_refused(tmp_path, capsys, command):
    argv = [*COMMANDS[command], "--out"] if command != "export" else ["export", str(tmp_path), "--to"]
    _refused([*argv, "/proc/desmig-sim-out"], capsys, "cannot be written")


def test_a_full_disk_is_refused_before_any_work(tmp_path, capsys, monkeypatch):
    real = preflight.shutil.disk_usage
    monkeypatch.setattr(preflight.shutil, "disk_usage", lambda p: real(p)._replace(free=1_000_000))
    _refused([*COMMANDS["run"], "--out", str(tmp_path / "out")], capsys, "MB free")
    assert not list(tmp_path.iterdir())


def test_a_replaced_folder_keeps_no_stale_file_and_an_interrupted_one_keeps_the_old(tmp_path):
    out = tmp_path / "out"
    with staged_directory(out) as stage:
        (stage / "manifest.json").write_text("{}")
        (stage / "old.csv").write_text("1")
    with pytest.raises(KeyboardInterrupt), staged_directory(out) as stage:
        (stage / "manifest.json").write_text('{"new": 1}')
        raise KeyboardInterrupt
    assert _snapshot(out) == {"manifest.json": b"{}", "old.csv": b"1"}, "the old results, whole"
    with staged_directory(out) as stage:
        (stage / "manifest.json").write_text('{"new": 1}')
    assert _snapshot(out) == {"manifest.json": b'{"new": 1}'}, "the new results only"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"], "no staging or old folder left"


def test_check_output_folder_returns_the_absolute_folder_and_writes_nothing(tmp_path):
    assert check_output_folder(tmp_path / "a" / "b", replace=True) == tmp_path / "a" / "b"
    assert check_output_folder(tmp_path / "c", replace=False) == tmp_path / "c"
    assert not list(tmp_path.iterdir())
    with pytest.raises(OutputFolderError, match="root folder"):
        check_output_folder("/", replace=True)


@pytest.mark.parametrize(
    "address", ["10.0.0.5:8786", "tcp://", "tcp://host", "http://h:1", "tcp://h:0", "tcp://h:70000", ""]
)
def test_a_malformed_scheduler_is_refused_by_the_parser(address, capsys):
    with pytest.raises(SchedulerError):
        parse_scheduler(address)
    with pytest.raises(SystemExit) as info:
        main(["sweep", "component_ablation", "--out", "never", "--executor", "dask", "--scheduler", address])
    assert info.value.code == 2 and "tcp://HOST:PORT" in capsys.readouterr().err
    assert not Path("never").exists()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_scheduler_is_refused_before_the_store_exists(tmp_path, capsys):
    address = f"tcp://127.0.0.1:{_closed_port()}"
    out = tmp_path / "out"
    argv = ["sweep", str(tiny(tmp_path)), "--out", str(out), "--executor", "dask", "--scheduler", address]
    _refused(argv, capsys, address, "cannot be reached")
    assert not out.exists()
    with pytest.raises(SchedulerError):  # the library checks too, before it makes the store
        from desmig_sim import load_experiment
        from desmig_sim.experiments.sweeps import run_sweep

        run_sweep(load_experiment(tiny(tmp_path)), out, executor="dask", scheduler=address)
    assert not out.exists()
    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen()
        check_scheduler(f"tcp://127.0.0.1:{listening.getsockname()[1]}")  # answers: accepted


def test_restart_honours_the_lock_of_a_running_sweep(tmp_path, capsys):
    out = tmp_path / "out"
    experiment = str(tiny(tmp_path))
    assert main(["sweep", experiment, "--out", str(out), "--replications", "1"]) == 0
    stored = results(out)
    capsys.readouterr()
    with sweep_lock(out):  # another sweep is writing here
        _refused(
            ["sweep", experiment, "--out", str(out), "--replications", "1", "--restart"],
            capsys,
            "another sweep is writing",
        )
    assert results(out).equals(stored), "the stored runs are kept"
    assert main(["sweep", experiment, "--out", str(out), "--replications", "1", "--restart"]) == 0


def test_a_store_left_without_tables_is_resumed(tmp_path):
    """A store stopped while it was made (older versions) resumes; new stores are made whole."""
    out = tmp_path / "out"
    out.mkdir()
    duckdb.connect(str(out / STORE_FILE)).close()  # the file exists, its tables do not
    with SweepStore(out, read_only=True) as store:
        assert store.meta() == {} and not store.complete
    assert main(["sweep", str(tiny(tmp_path)), "--out", str(out), "--replications", "1"]) == 0
    assert len(runs(out)) == 6
    fresh = tmp_path / "fresh"
    with SweepStore(fresh) as store:
        assert store.complete
    assert sorted(p.name for p in fresh.iterdir()) == [STORE_FILE], "no temporary store left"


def test_sensitivity_after_a_sweep_without_a_successful_run_says_so(tmp_path, capsys, monkeypatch):
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("broken on purpose")

    monkeypatch.setattr(executors, "run", broken)
    argv = ["sensitivity", "behaviour_morris", "--out", str(tmp_path / "out"), "--months", "12"]
    argv += ["--villages", "1", "--households", "20", "--replications", "1", "--samples", "2"]
    assert main(argv) in (1, 2)
    err = capsys.readouterr().err
    assert "no successful run" in err and "Traceback" not in err and "KeyError" not in err, err
    assert not (tmp_path / "out" / "sensitivity").exists()
    assert json.loads((tmp_path / "out" / "manifest.json").read_text())["status"] == "incomplete"
