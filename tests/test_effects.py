"""Designs that cross levers with sampled states of the world, and the lever effects they give."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import desmig_sim
from desmig_sim import load_experiment
from desmig_sim.core.errors import ExperimentError
from desmig_sim.experiments.effects import ALL_LEVERS, lever_effects, summarise_effects
from desmig_sim.experiments.sweeps import effects, export
from tests.test_experiments import HEADER, OUTCOME, write

TWO_LEVERS = """
[[levers]]
path = "components.information_centre.enabled"
values = [false, true]
label = "centre"

[[levers]]
path = "components.cooperative.enabled"
values = [false, true]
label = "coop"
"""
STATES = """
[[uncertainties]]
path = "components.information_centre.learn_share_first_year"
low = 0.0
high = 0.5

[[uncertainties]]
path = "parameters.migration.broker_contact_prob"
low = 0.02
high = 0.1
"""
CROSSED = 'kind = "latin_hypercube"\nsamples = 3\ncross_levers = true'


def crossed_text(design: str = CROSSED, factors: str = TWO_LEVERS + STATES) -> str:
    return HEADER + f"\n[design]\n{design}\n" + factors + OUTCOME


def test_crossed_design_runs_every_lever_combination_in_every_state(tmp_path):
    experiment = load_experiment(write(tmp_path, crossed_text()))
    design = experiment.design
    assert len(design) == 3 * 4, "3 sampled states x 2 x 2 lever combinations"
    levers = ["components.information_centre.enabled", "components.cooperative.enabled"]
    states = design.drop(columns=levers)
    for state, block in design.groupby(np.arange(len(design)) // 4):
        assert len(states.loc[block.index].drop_duplicates()) == 1, f"state {state} varies inside its block"
        combos = set(map(tuple, block[levers].to_numpy().tolist()))
        assert combos == {(False, False), (False, True), (True, False), (True, True)}
    assert len(states.drop_duplicates()) == 3, "each state is a different draw"
    again = load_experiment(write(tmp_path, crossed_text(), "again.toml"))
    pd.testing.assert_frame_equal(design, again.design)


@pytest.mark.parametrize(
    ("design", "factors", "words"),
    [
        (
            'kind = "morris"\nsamples = 3\ncross_levers = true',
            TWO_LEVERS + STATES,
            ["morris", "latin_hypercube"],
        ),
        (CROSSED, TWO_LEVERS, ["one uncertainty", "0 uncertainties"]),
        (
            CROSSED,
            '[[levers]]\npath = "components.information_centre.coverage"\nlow = 0.2\nhigh = 0.9\n' + STATES,
            ["give a range", "`values`"],
        ),
    ],
    ids=["sensitivity-design", "no-uncertainty", "ranged-lever"],
)
def test_crossing_refuses_what_it_cannot_pair(tmp_path, design, factors, words):
    with pytest.raises(ExperimentError) as caught:
        load_experiment(write(tmp_path, crossed_text(design, factors)))
    assert caught.value.field == "design.cross_levers"
    for word in words:
        assert word in str(caught.value)


def test_uncertainty_may_be_a_component_effect_size_but_not_a_run_setting(tmp_path):
    text = crossed_text().replace("parameters.migration.broker_contact_prob", "run.months")
    with pytest.raises(ExperimentError, match=r"`parameters\.` or `components\.`"):
        load_experiment(write(tmp_path, text))


def _synthetic() -> pd.DataFrame:
    """Two states x (off/off, on/off, off/on, on/on), one replication, known values."""
    values = {
        (0, False, False): 0.50,
        (0, True, False): 0.40,
        (0, False, True): 0.55,
        (0, True, True): 0.42,
        (1, False, False): 0.60,
        (1, True, False): 0.61,
        (1, False, True): 0.60,
        (1, True, True): 0.30,
    }
    rows = [
        {
            "point": i,
            "replication": 0,
            "seed": 7,
            "a": a,
            "b": b,
            "u": [0.1, 0.7][s],
            "outcome": "np",
            "value": v,
        }
        for i, ((s, a, b), v) in enumerate(values.items())
    ]
    return pd.DataFrame(rows)


def test_lever_effects_are_paired_differences_within_a_state():
    table = lever_effects(_synthetic(), {"a": [False, True], "b": [False, True]}, {"a": "A", "b": "B"})
    got = {(r.contrast, r.state): round(r.effect, 12) for r in table.itertuples()}
    assert got == {
        ("A = True", 0): -0.10,
        ("A = True", 1): 0.01,
        ("B = True", 0): 0.05,
        ("B = True", 1): 0.0,
        (ALL_LEVERS, 0): -0.08,
        (ALL_LEVERS, 1): -0.30,
    }
    summary = summarise_effects(table, {"np": "non_procedural_share_12m"}).set_index("contrast")
    assert summary.loc["A = True", "share_favourable"] == 0.5, "lower non-procedural share is better"
    assert summary.loc["A = True", "share_adverse"] == 0.5
    assert not summary.loc["A = True", "sign_fixed"]
    assert summary.loc[ALL_LEVERS, "sign_fixed"] and summary.loc[ALL_LEVERS, "share_favourable"] == 1.0
    assert summary.loc["B = True", "share_zero"] == 0.5


def test_missing_values_stay_missing():
    results = _synthetic()
    results.loc[results["point"] == 0, "value"] = np.nan  # no departures: the share is undefined
    table = lever_effects(results, {"a": [False, True], "b": [False, True]})
    assert table.loc[table["state"] == 0, "effect"].isna().all()
    summary = summarise_effects(table, {"np": "non_procedural_share_12m"})
    assert (summary["states"] == 1).all(), "a state without a defined effect is left out, not counted as 0"


def test_sweep_export_writes_the_effect_tables(tmp_path):
    experiment = load_experiment(write(tmp_path, crossed_text()))
    results = desmig_sim.sweep(experiment, tmp_path / "out")
    table, summary = effects(tmp_path / "out")
    assert set(table["contrast"]) == {"centre = True", "coop = True", ALL_LEVERS}
    # Every effect equals the difference of the two stored runs it pairs.
    levers = ["components.information_centre.enabled", "components.cooperative.enabled"]
    points = results.set_index(["point"])
    for row in table[table["contrast"] == "centre = True"].itertuples():
        block = points[((points.index // 4) == row.state) & (points["replication"] == row.replication)]
        on = block[block[levers[0]] & ~block[levers[1]]]["value"].iloc[0]
        off = block[~block[levers[0]] & ~block[levers[1]]]["value"].iloc[0]
        np.testing.assert_equal(row.effect, on - off)
    assert set(summary["outcome"]) == {"non_procedural_share_12m_end"}
    folder = export(tmp_path / "out")
    written = pd.read_csv(folder / "effect_summary.csv")
    assert list(written["contrast"]) == list(summary["contrast"])
    assert (folder / "lever_effects.csv").is_file()


def test_effects_of_a_sweep_that_does_not_cross_its_levers_is_refused(tmp_path):
    design = 'kind = "latin_hypercube"\nsamples = 2'
    experiment = load_experiment(write(tmp_path, crossed_text(design)))
    desmig_sim.sweep(experiment, tmp_path / "out")
    with pytest.raises(ExperimentError, match="cross_levers"):
        effects(tmp_path / "out")
    assert not (export(tmp_path / "out") / "effect_summary.csv").exists()
