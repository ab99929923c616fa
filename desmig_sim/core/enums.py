"""The states of the model's people and flows, as enums (never magic integers).

Stored in the model's integer arrays (:mod:`desmig_sim.model.state`) and read by the rules.
"""

from __future__ import annotations

from enum import IntEnum


class MigrantStatus(IntEnum):
    """Where a migrant slot's person is."""

    NEVER_LEFT = 0
    ABROAD = 1
    RETURNED = 2
    DEPORTED = 3
    DEAD = 4


class Route(IntEnum):
    """How a migrant left."""

    NONE = 0
    PROCEDURAL = 1
    NON_PROCEDURAL = 2


class Channel(IntEnum):
    """How a migrant sends money home."""

    NONE = 0
    FORMAL = 1
    INFORMAL = 2


class Destination(IntEnum):
    """Where a migrant works."""

    NONE = 0
    MALAYSIA = 1
    OTHER = 2


class Sex(IntEnum):
    """A migrant's sex (drawn at departure; NONE for a slot whose person never left)."""

    NONE = 0
    WOMAN = 1
    MAN = 2


class Occupation(IntEnum):
    """What a migrant works at abroad (drawn at departure; NONE for a slot that never left)."""

    NONE = 0
    DOMESTIC = 1  # domestic and care work (housemaids, carers of children and the elderly)
    PLANTATION = 2  # oil-palm and other estate work
    OTHER = 3  # construction, mills and factories, other work


class StayType(IntEnum):
    """What kind of stay abroad a migrant's last departure is (drawn at departure)."""

    NONE = 0
    #: A procedural contract (24 months, perhaps renewed).
    CONTRACT = 1
    #: A temporary non-procedural stay (geometric return).
    TEMPORARY = 2
    #: A long, settled stay (either route): returns rarely, remits less over time.
    SETTLED = 3
