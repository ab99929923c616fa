"""The reference engine: each household, migrant and cooperative steps as plain per-agent Python.

Select it with ``engine = "reference"`` under ``[run]`` in a scenario file, ``--engine reference``
on ``desmig-sim run``, ``build_model(scenario, engine="reference")`` (:mod:`.engines`), or build
:class:`ReferenceModel` directly. It computes the same
model as the vectorised engine (a test checks the outcome tables agree) and is meant for reading:
start with :class:`~desmig_sim.reference.household.Household`.
"""

from desmig_sim.reference.cooperative import Cooperative
from desmig_sim.reference.engines import ENGINE_MODELS, build_model
from desmig_sim.reference.household import Household
from desmig_sim.reference.migrant import Migrant
from desmig_sim.reference.model import ReferenceModel

__all__ = ["ENGINE_MODELS", "Cooperative", "Household", "Migrant", "ReferenceModel", "build_model"]
