"""The public Python API stays where scripts import it from (the layered layout re-exports it)."""

from __future__ import annotations

import importlib

import pytest

import desmig_sim
from tests.helpers import small_scenario


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("desmig_sim", "run"),
        ("desmig_sim", "run_replications"),
        ("desmig_sim", "DesmigratifModel"),
        ("desmig_sim", "ReferenceModel"),
        ("desmig_sim", "build_model"),
        ("desmig_sim", "load_scenario"),
        ("desmig_sim", "compare"),
        ("desmig_sim", "sweep"),
        ("desmig_sim", "sensitivity"),
        ("desmig_sim", "load_experiment"),
        ("desmig_sim.scenario", "scenario_from_dict"),
        ("desmig_sim.scenario", "ENGINES"),
        ("desmig_sim.scenario", "load_scenario"),
        ("desmig_sim.sweeps", "results"),
        ("desmig_sim.villages", "NTT_2017"),
        ("desmig_sim.model", "DesmigratifModel"),
    ],
)
def test_public_names_import_from_where_scripts_use_them(module, name):
    assert hasattr(importlib.import_module(module), name), f"{module}.{name} is part of the public API"


def test_the_aliases_are_the_layer_modules_themselves():
    from desmig_sim.config import scenario, villages
    from desmig_sim.experiments import sweeps

    assert importlib.import_module("desmig_sim.scenario") is scenario
    assert importlib.import_module("desmig_sim.villages") is villages
    assert importlib.import_module("desmig_sim.sweeps") is sweeps


def test_engines_are_chosen_through_the_registry_not_the_model_class():
    scenario = small_scenario(months=2, households=20)
    assert type(desmig_sim.build_model(scenario, engine="reference")) is desmig_sim.ReferenceModel
    assert type(desmig_sim.build_model(scenario)) is desmig_sim.DesmigratifModel
    with pytest.raises(ValueError, match="ReferenceModel"):
        desmig_sim.DesmigratifModel(scenario, engine="reference")
