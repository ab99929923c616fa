"""The package as a user installs it: shipped data found by name, a fast command line, provenance.

The wheel itself is built, installed in a fresh venv and driven from outside the repository by the
slow test at the end (and by `.ci/run`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

import desmig_sim
from desmig_sim.cli.arguments import ENGINE_CHOICES, EXECUTOR_CHOICES
from desmig_sim.cli.main import main
from desmig_sim.config.scenario import ENGINES, load_scenario, scenario_path
from desmig_sim.core import paths, provenance
from desmig_sim.experiments.executors import EXECUTORS
from desmig_sim.experiments.spec import load_experiment

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("numpy", "pandas", "mesa", "matplotlib", "pydantic", "scipy")


def test_the_cli_choices_are_the_libraries():
    assert ENGINE_CHOICES == ENGINES, "--engine choices must be config.scenario.ENGINES"
    assert EXECUTOR_CHOICES == EXECUTORS, "--executor choices must be experiments.executors.EXECUTORS"


def test_data_is_found_in_the_checkout_unless_the_package_carries_it(tmp_path, monkeypatch):
    assert paths.SCENARIO_DIR == ROOT / "scenarios", "a checkout reads the top-level scenarios/"
    assert paths.ODD_PATH == ROOT / "docs" / "odd.md"
    (tmp_path / "scenarios").mkdir()
    monkeypatch.setattr(paths, "PACKAGED_DATA", tmp_path)
    assert paths.data_path("scenarios") == tmp_path / "scenarios", "an installed wheel's copy comes first"
    assert paths.data_path("experiments") == ROOT / "experiments", "else the checkout's"


def test_shipped_scenarios_and_experiments_by_name():
    assert scenario_path("baseline") == paths.SCENARIO_DIR / "baseline.toml"
    assert load_scenario("full_program") == load_scenario(ROOT / "scenarios" / "full_program.toml")
    assert load_experiment("component_ablation").name == "Component ablation (2^4)"


def test_run_by_name_like_by_file(tmp_path):
    by_name, by_file = tmp_path / "name", tmp_path / "file"
    assert main(["run", "border_closure", "--no-plot", "--out", str(by_name)]) == 0
    assert (
        main(["run", str(ROOT / "scenarios" / "border_closure.toml"), "--no-plot", "--out", str(by_file)])
        == 0
    )
    assert (by_name / "timeseries.csv").read_bytes() == (by_file / "timeseries.csv").read_bytes()
    manifest = json.loads((by_name / "manifest.json").read_text())
    assert manifest["scenario_file"] == str(ROOT / "scenarios" / "border_closure.toml"), "the real file"


def test_scenarios_lists_every_shipped_file(capsys):
    assert main(["scenarios"]) == 0
    printed = capsys.readouterr().out
    for path in [*paths.shipped(paths.SCENARIO_DIR), *paths.shipped(paths.EXPERIMENT_DIR)]:
        assert path.stem in printed, f"{path.stem} should be listed"
    assert "Baseline (no programme)" in printed and "Component ablation" in printed, "readable titles"


def _python(code: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True)


@pytest.mark.parametrize("argv", [["--version"], ["--help"], ["run", "--help"], ["sweep", "--help"]])
def test_help_and_version_import_nothing_heavy(argv, tmp_path):
    code = (
        "import sys\nfrom desmig_sim.cli.main import main\n"
        f"try:\n    main({argv!r})\nexcept SystemExit as exit:\n    assert exit.code == 0, exit.code\n"
        f"print([m for m in {HEAVY!r} if m in sys.modules])"
    )
    done = _python(code, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]", f"{argv} imported {done.stdout.splitlines()[-1]}"


def test_python_dash_m(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "desmig_sim", "--version"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and done.stdout.strip() == f"desmig-sim {desmig_sim.__version__}"


def test_import_desmig_sim_is_lazy_but_complete(tmp_path):
    done = _python(
        f"import sys, desmig_sim\nprint([m for m in {HEAVY!r} if m in sys.modules])\n"
        "print(callable(desmig_sim.run), desmig_sim.config.scenario.SCENARIO_DIR.name)",
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["[]", "True scenarios"]
    assert set(desmig_sim.__all__) <= set(dir(desmig_sim))


def test_no_global_matplotlib_backend():
    for path in (ROOT / "desmig_sim").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "matplotlib.use(" not in text and "import matplotlib.pyplot" not in text, (
            f"{path}: draw on a Figure, no pyplot"
        )


def test_provenance_records_the_package_checkout_not_the_working_directory(tmp_path, monkeypatch):
    user_repo = tmp_path / "elsewhere"
    user_repo.mkdir()
    monkeypatch.chdir(user_repo)
    subprocess.run(["git", "init", "-q"], cwd=user_repo, check=True)
    assert paths.source_checkout() == ROOT, "the tests run from a checkout"
    monkeypatch.setattr(provenance, "source_checkout", lambda: None)
    assert provenance.git_commit() is None, "outside a checkout (an installed wheel): no commit at all"


def test_environment_is_collected_once_per_process(monkeypatch):
    calls = []
    real = provenance.git_commit
    monkeypatch.setattr(provenance, "git_commit", lambda: calls.append(1) or real())
    provenance._environment.cache_clear()
    try:
        first, second = provenance.environment(), provenance.environment()
    finally:
        provenance._environment.cache_clear()
    assert first == second and first is not second, "a fresh copy each time"
    assert len(calls) == 1, "git and the versions are read once"
    assert first["desmig_sim"] == desmig_sim.__version__


def _wheel_venv_usable() -> bool:
    return subprocess.run([sys.executable, "-m", "pip", "--version"], capture_output=True).returncode == 0


@pytest.mark.slow
def test_the_built_wheel_works_outside_the_repository(tmp_path):
    """Build the wheel, install it in a fresh venv (with this environment's packages), run it elsewhere."""
    if not _wheel_venv_usable():
        pytest.skip("pip is not available to build the wheel")
    dist = tmp_path / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir", str(dist), str(ROOT)],
        capture_output=True,
        text=True,
    )
    if build.returncode != 0:
        pytest.skip(f"cannot build the wheel here (no build backend reachable?): {build.stderr[-400:]}")
    wheel = next(dist.glob("desmig_sim-*.whl"))
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True, system_site_packages=False)
    bin_dir = env_dir / "bin"
    site = subprocess.run(
        [sys.executable, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # The dependencies come from this environment (no network); the package only from the wheel.
    (Path(next((env_dir / "lib").glob("python*/site-packages"))) / "deps.pth").write_text(site + "\n")
    subprocess.run(
        [bin_dir / "python", "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
        check=True,
    )
    work = tmp_path / "user"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}

    def cli(*argv: str) -> str:
        done = subprocess.run(
            [bin_dir / "desmig-sim", *argv], cwd=work, env=env, capture_output=True, text=True, timeout=600
        )
        assert done.returncode == 0, f"desmig-sim {' '.join(argv)}: {done.stderr[-2000:]}"
        return done.stdout

    origin = subprocess.run(
        [bin_dir / "python", "-c", "import desmig_sim; print(desmig_sim.__file__)"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert str(env_dir) in origin, f"the package should come from the wheel, not {origin}"
    assert cli("--version").strip() == f"desmig-sim {desmig_sim.__version__}"
    assert "full_program" in cli("scenarios")
    cli("demo", "--replications", "2", "--out", str(tmp_path / "demo"))
    manifest = json.loads((tmp_path / "demo" / "manifest.json").read_text())
    assert manifest["environment"]["git_commit"] is None, "an installed wheel records no commit"
    reduced = ("--months", "12", "--villages", "1", "--households", "50", "--replications", "1")
    cli("sweep", "component_ablation", "--out", str(tmp_path / "ablation"), *reduced)
    assert (tmp_path / "ablation" / "store.duckdb").exists()


def test_a_missing_extra_is_one_message(monkeypatch, capsys):
    from desmig_sim.core import extras

    with pytest.raises(extras.MissingExtraError, match=r"pip install 'desmig-sim\[sensitivity\]'"):
        extras.require("no_such_module_for_desmig", "sensitivity", "Sobol' indices")
    monkeypatch.setattr(extras, "find_spec", lambda name: None)
    assert main(["dashboard", "--port", "8799"]) == 2
    assert "desmig-sim[dashboard]" in capsys.readouterr().err


def test_compare_by_name_records_the_shipped_files():
    comparison = desmig_sim.compare(["baseline", "border_closure"], replications=1, seed=1)
    assert comparison.sources == {
        "Baseline (no programme)": str(paths.SCENARIO_DIR / "baseline.toml"),
        "Baseline with border closure": str(paths.SCENARIO_DIR / "border_closure.toml"),
    }


def test_docs_needs_a_checkout(monkeypatch, capsys):
    monkeypatch.setattr(paths, "source_checkout", lambda: None)
    assert main(["docs", "--check"]) == 2
    assert "source checkout" in capsys.readouterr().err
