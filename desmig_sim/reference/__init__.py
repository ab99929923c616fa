"""The reference engine: each household, migrant and cooperative steps as plain per-agent Python.

Select it with ``engine = "reference"`` under ``[run]`` in a scenario file, ``--engine reference``
on ``desmig-sim run``, or ``DesmigratifModel(scenario, engine="reference")``. It computes the same
model as the vectorised engine (a test checks the outcome tables agree) and is meant for reading:
start with :class:`~desmig_sim.reference.household.Household`.
"""

from desmig_sim.reference.cooperative import Cooperative
from desmig_sim.reference.household import Household
from desmig_sim.reference.migrant import Migrant
from desmig_sim.reference.model import ReferenceModel

__all__ = ["Cooperative", "Household", "Migrant", "ReferenceModel"]
