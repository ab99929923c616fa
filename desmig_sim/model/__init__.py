"""Layer 4, the model: world state, step plan, components, outcomes and the Mesa model.

The world's arrays, the month's step plan, the programme components, the outcome recorder and
the Mesa model with its agent faces.

Imports :mod:`desmig_sim.core`, :mod:`desmig_sim.config` and :mod:`desmig_sim.rules`; never the
experiments, reporting or the faces above it.
"""

from desmig_sim.model.desmigratif_model import DesmigratifModel

__all__ = ["DesmigratifModel"]
