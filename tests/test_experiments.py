"""Experiment files: designs (sizes, ranges, reproducibility) and kind validation errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from desmig_sim import load_experiment
from desmig_sim.cli.main import main
from desmig_sim.core.errors import ExperimentError, InputFileError
from desmig_sim.experiments.designs import FactorSpace, generate

ROOT = Path(__file__).resolve().parent.parent
BASELINE = (ROOT / "scenarios" / "baseline.toml").as_posix()

#: A small valid experiment; tests replace parts of it.
HEADER = f"""
name = "Tiny"
scenario = "{BASELINE}"
replications = 2
seed = 11

[constants]
"run.months" = 12
"world.villages" = ["Buraen"]
"parameters.village.households_per_village" = 40
"""
LEVERS = """
[[levers]]
path = "components.information_centre.coverage"
low = 0.2
high = 0.9

[[levers]]
path = "components.information_centre.enabled"
values = [false, true]
"""
UNCERTAINTY = """
[[uncertainties]]
path = "parameters.migration.procedural_wait_months_min"
low = 2
high = 6
"""
OUTCOME = """
[[outcomes]]
column = "non_procedural_share_12m"
statistic = "end"
"""


def write(tmp_path: Path, text: str, name: str = "exp.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def experiment_text(design: str, factors: str = LEVERS + UNCERTAINTY, outcomes: str = OUTCOME) -> str:
    return HEADER + f"\n[design]\n{design}\n" + factors + outcomes


RANGES = (
    """
[[levers]]
path = "components.information_centre.coverage"
low = 0.2
high = 0.9
"""
    + UNCERTAINTY
)


@pytest.mark.parametrize(
    ("design", "factors", "size"),
    [
        ('kind = "full_factorial"\nlevels = 3', LEVERS + UNCERTAINTY, 3 * 2 * 3),
        ('kind = "latin_hypercube"\nsamples = 10', LEVERS + UNCERTAINTY, 10),
        ('kind = "sobol"\nsamples = 8', RANGES, 8 * (2 + 2)),
        ('kind = "sobol"\nsamples = 8\nsecond_order = true', RANGES, 8 * (2 * 2 + 2)),
        ('kind = "morris"\nsamples = 5\nlevels = 4', RANGES, 5 * (2 + 1)),
    ],
)
def test_design_size_ranges_and_reproducibility(tmp_path, design, factors, size):
    experiment = load_experiment(write(tmp_path, experiment_text(design, factors)))
    table = experiment.design
    assert len(table) == size, f"{design!r} should give {size} points, gave {len(table)}"
    coverage = table["components.information_centre.coverage"]
    assert coverage.between(0.2, 0.9).all(), "range factors must stay within [low, high]"
    wait = table["parameters.migration.procedural_wait_months_min"]
    assert wait.between(2, 6).all(), "integer ranges stay within [low, high]"
    assert all(isinstance(v, int) for v in wait), "an integer setting is sampled as whole numbers"
    again = load_experiment(write(tmp_path, experiment_text(design, factors), "again.toml"))
    assert again.design.equals(table), "the same file and root seed must give the same design"
    assert experiment.runs == size * 2, "runs = points x replications"
    assert len(set(experiment.seeds)) == 2, "replication seeds are distinct"


def test_root_seed_changes_sampled_designs_but_not_replication_seeds_across_points(tmp_path):
    first = load_experiment(
        write(tmp_path, experiment_text('kind = "latin_hypercube"\nsamples = 6'), "a.toml")
    )
    other = experiment_text('kind = "latin_hypercube"\nsamples = 6').replace("seed = 11", "seed = 12")
    second = load_experiment(write(tmp_path, other, "b.toml"))
    assert not first.design.equals(second.design), "another root seed should give another sample"
    assert first.seeds != second.seeds, "another root seed should give other replication seeds"


def test_factor_space_levels_and_values_mapping():
    space = FactorSpace("x", low=0.0, high=1.0)
    assert space.levels(3) == [0.0, 0.5, 1.0], "levels are evenly spaced over the range"
    discrete = FactorSpace("y", values=("a", "b"))
    assert discrete.scale(np.array([0.1, 0.6, 0.999])) == ["a", "b", "b"], "u maps onto the list's values"
    table = generate("full_factorial", [space, discrete], levels=2)
    assert table.to_dict("list") == {"x": [0.0, 0.0, 1.0, 1.0], "y": ["a", "b", "a", "b"]}


def test_shipped_experiments_load():
    for name, points in [
        ("component_ablation", 16),
        ("information_centre_sweep", 16),
        ("behaviour_sobol", 64 * 12),
        ("behaviour_morris", 20 * 11),
        ("effect_signs", 100 * 16),
    ]:
        experiment = load_experiment(ROOT / "experiments" / f"{name}.toml")
        assert len(experiment.design) == points, f"{name} should have {points} design points"


BAD = [
    # (what to change, expected field, words the message must contain)
    (
        lambda t: t.replace('name = "Tiny"', 'name = "Tiny"\nreplicatons = 3'),
        "replicatons",
        ["did you mean `replications`", "allowed keys"],
    ),
    (
        lambda t: t.replace(
            "components.information_centre.coverage", "components.information_centre.coverge"
        ),
        "levers[0].path",
        ["coverge", "did you mean `components.information_centre.coverage`"],
    ),
    (
        lambda t: t.replace("components.information_centre.enabled", "parameters.migration.norm_weight"),
        "levers[1].path",
        ["components."],
    ),
    (lambda t: t.replace("high = 0.9", "high = 1.5"), "levers[0].high", ["1.5", "less than or equal to 1"]),
    (lambda t: t.replace("low = 0.2", "low = 0.95"), "levers[0]", ["low 0.95 is not below high 0.9"]),
    (lambda t: t.replace('"run.months" = 12', '"run.monhts" = 12'), "constants", ["monhts", "did you mean"]),
    (
        lambda t: t.replace("non_procedural_share_12m", "non_procedural_shar"),
        "outcomes[0].column",
        ["did you mean"],
    ),
    (
        lambda t: t.replace('statistic = "end"', 'statistic = "at"\nmonth = "2030-01"'),
        "outcomes[0].month",
        ["2030-01", "2017-01..2017-12"],
    ),
    (
        lambda t: t.replace('kind = "latin_hypercube"\nsamples = 4', 'kind = "sobol"\nsamples = 6'),
        "design.kind",
        ["range"],
    ),
    (
        lambda t: t.replace("samples = 4", "samples = 0"),
        "design.samples",
        ["0", "greater than or equal to 1"],
    ),
    (lambda t: t.replace(BASELINE, "nowhere.toml"), "scenario", ["nowhere.toml", "does not exist"]),
    (lambda t: t.replace("replications = 2", "replications = two"), None, ["not valid TOML"]),
]


@pytest.mark.parametrize(("change", "field", "words"), BAD, ids=[b[1] or "toml" for b in BAD])
def test_bad_experiment_gives_one_kind_error(tmp_path, change, field, words):
    path = write(tmp_path, change(experiment_text('kind = "latin_hypercube"\nsamples = 4')))
    with pytest.raises(ExperimentError) as caught:
        load_experiment(path)
    error = caught.value
    assert isinstance(error, InputFileError), "experiment errors are input-file errors (exit 2)"
    assert error.path == str(path), f"the message should name the experiment file: {error}"
    assert error.field == field, f"the message should name field {field!r}: {error}"
    for word in words:
        assert word in str(error), f"the message should say {word!r}: {error}"


def test_sobol_needs_power_of_two(tmp_path):
    path = write(tmp_path, experiment_text('kind = "sobol"\nsamples = 6', RANGES))
    with pytest.raises(ExperimentError, match="power of 2") as caught:
        load_experiment(path)
    assert caught.value.field == "design.samples"


def test_invalid_design_point_is_reported_with_its_values(tmp_path):
    # min wait above the default max wait (12) only at some points: a cross-field scenario rule.
    factors = (
        '\n[[uncertainties]]\npath = "parameters.migration.procedural_wait_months_min"\nvalues = [6, 13]\n'
    )
    path = write(tmp_path, experiment_text('kind = "full_factorial"', factors))
    with pytest.raises(ExperimentError) as caught:
        load_experiment(path)
    assert "13" in str(caught.value) and "procedural_wait_months_max" in str(caught.value), str(caught.value)


@pytest.mark.parametrize("command", ["sweep", "sensitivity"])
def test_cli_bad_experiment_exits_2_and_writes_nothing(tmp_path, capsys, command):
    path = write(tmp_path, experiment_text('kind = "latin_hypercube"\nsamples = 4').replace("0.9", "1.5"))
    out = tmp_path / "out"
    assert main([command, str(path), "--out", str(out)]) == 2, "a bad experiment exits with code 2"
    err = capsys.readouterr().err
    assert "levers[0].high" in err and "Traceback" not in err, f"one kind message, no traceback: {err}"
    assert not out.exists(), "nothing is written for a bad experiment"


def test_cli_sensitivity_refuses_a_factorial_design(tmp_path, capsys):
    path = write(tmp_path, experiment_text('kind = "full_factorial"'))
    out = tmp_path / "out"
    assert main(["sensitivity", str(path), "--out", str(out)]) == 2
    assert "design.kind" in capsys.readouterr().err
    assert not out.exists(), "nothing is run or written"
