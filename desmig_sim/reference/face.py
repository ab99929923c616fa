"""What the reference engine's agents need of their model, as a protocol.

The agents (:mod:`.household`, :mod:`.migrant`, :mod:`.cooperative`) are typed against
:class:`ReferenceFace` and never import the model module (:mod:`.model`), which builds them.
"""

from __future__ import annotations

from typing import Protocol

from desmig_sim.config.events import Conditions
from desmig_sim.core.streams import Stream
from desmig_sim.model import agents
from desmig_sim.model.agents import ModelFace
from desmig_sim.model.effects import ProgrammeEffects


class ReferenceFace(ModelFace, Protocol):
    """The reference model as its agents see it (:class:`~desmig_sim.reference.ReferenceModel` has it)."""

    migrant_slots_per_household: int

    @property
    def conditions(self) -> Conditions:
        """This month's exogenous conditions."""

    @property
    def effects(self) -> ProgrammeEffects:
        """This month's programme effects."""

    def draw(self, stream: Stream, slot: int, key: str = "", month: int | None = None) -> float:
        """The counter-based draw of one agent slot."""

    def village_households(self, village: int) -> list:
        """The households of a village, in slot order."""

    def local_potential(self, village: int) -> float:
        """Business-income multiplier of a village's local potential."""

    def migrant_leaving(self, household: agents.Household) -> agents.Migrant:
        """The member who leaves next."""

    def note_abroad(self, slot: int, abroad: bool) -> None:
        """Keep the migrants abroad and the cached counts up to date."""
