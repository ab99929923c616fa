"""desmig-sim: an agent-based model of Indonesia's Desmigratif programme in NTT villages."""

from desmig_sim.config.scenario import Scenario, default_scenario, load_scenario
from desmig_sim.core.version import __version__
from desmig_sim.experiments.comparison import Comparison, compare
from desmig_sim.experiments.runner import RunResult, run, run_replications
from desmig_sim.experiments.sensitivities import sensitivity
from desmig_sim.experiments.spec import Experiment, load_experiment
from desmig_sim.experiments.sweeps import sweep
from desmig_sim.model.agents import Cooperative, Household, Migrant
from desmig_sim.model.desmigratif_model import DesmigratifModel
from desmig_sim.reference import ReferenceModel, build_model

__all__ = [
    "Comparison",
    "Cooperative",
    "DesmigratifModel",
    "Experiment",
    "Household",
    "Migrant",
    "ReferenceModel",
    "RunResult",
    "Scenario",
    "__version__",
    "build_model",
    "compare",
    "default_scenario",
    "load_experiment",
    "load_scenario",
    "run",
    "run_replications",
    "sensitivity",
    "sweep",
]
