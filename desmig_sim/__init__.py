"""desmig-sim: an agent-based model of Indonesia's Desmigratif programme in NTT villages.

The public names (``desmig_sim.run``, ``DesmigratifModel``, ``load_scenario``, ...) are imported
when first used, so that ``import desmig_sim`` and the command line's ``--help`` and ``--version``
stay fast (numpy, pandas and Mesa load only when a name that needs them is used).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from desmig_sim.core.version import __version__

if TYPE_CHECKING:
    from desmig_sim.config.scenario import Scenario, default_scenario, load_scenario
    from desmig_sim.experiments.comparison import Comparison, compare
    from desmig_sim.experiments.runner import RunResult, run, run_replications
    from desmig_sim.experiments.sensitivities import sensitivity
    from desmig_sim.experiments.spec import Experiment, load_experiment
    from desmig_sim.experiments.sweeps import sweep
    from desmig_sim.model.agents import Cooperative, Household, Migrant
    from desmig_sim.model.desmigratif_model import DesmigratifModel
    from desmig_sim.reference import ReferenceModel, build_model

#: Each public name and the module it lives in.
_PUBLIC = {
    "Scenario": "desmig_sim.config.scenario",
    "default_scenario": "desmig_sim.config.scenario",
    "load_scenario": "desmig_sim.config.scenario",
    "Comparison": "desmig_sim.experiments.comparison",
    "compare": "desmig_sim.experiments.comparison",
    "RunResult": "desmig_sim.experiments.runner",
    "run": "desmig_sim.experiments.runner",
    "run_replications": "desmig_sim.experiments.runner",
    "sensitivity": "desmig_sim.experiments.sensitivities",
    "Experiment": "desmig_sim.experiments.spec",
    "load_experiment": "desmig_sim.experiments.spec",
    "sweep": "desmig_sim.experiments.sweeps",
    "Cooperative": "desmig_sim.model.agents",
    "Household": "desmig_sim.model.agents",
    "Migrant": "desmig_sim.model.agents",
    "DesmigratifModel": "desmig_sim.model.desmigratif_model",
    "ReferenceModel": "desmig_sim.reference",
    "build_model": "desmig_sim.reference",
}
#: Subpackages and aliases reachable as attributes (``desmig_sim.config.scenario``) without an import.
_SUBMODULES = {
    "cli",
    "config",
    "core",
    "dashboard",
    "experiments",
    "model",
    "reference",
    "reporting",
    "rules",
    "scenario",
    "sweeps",
    "villages",
}

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


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        value = getattr(importlib.import_module(_PUBLIC[name]), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f"{__name__}.{name}")
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_PUBLIC, *_SUBMODULES})
