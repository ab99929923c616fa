"""desmig-sim: an agent-based model of Indonesia's Desmigratif programme in NTT villages."""

from .agents import Cooperative, Household, Migrant
from .comparison import Comparison, compare
from .experiments import Experiment, load_experiment
from .model import DesmigratifModel
from .reference import ReferenceModel
from .runner import RunResult, run, run_replications
from .scenario import Scenario, default_scenario, load_scenario
from .sensitivities import sensitivity
from .sweeps import sweep

__version__ = "0.1.0"

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
    "compare",
    "default_scenario",
    "load_experiment",
    "load_scenario",
    "run",
    "run_replications",
    "sensitivity",
    "sweep",
]
