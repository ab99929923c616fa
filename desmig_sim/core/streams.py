"""Named random streams: common random numbers, drawn by agent slot.

Every decision family draws from its own stream, keyed by the run's root seed, the stream's name
(through a *stable* BLAKE2b hash, never Python's ``hash``), the month and an optional sub-key.
Within a stream, draws are indexed by **agent slot** (household or migrant slot), in one of two
ways that a decision chooses once and for all:

* **whole population** (``uniform(stream, month, n)``): one draw for every slot ``0..n-1``, in slot
  order, from a PCG64 generator seeded for that stream and month (fast, for decisions that every
  household faces each month);
* **by slot** (``uniform(stream, month, slots)``): a counter-based generator of the SplitMix64
  family gives slot ``i`` a draw that depends only on the key and ``i``, so only the slots that face
  a decision need a draw (rare events cost little among a million households) and the draw is the
  same whoever else faces the decision.

Either way, switching a programme component on changes no draw of an unrelated decision, and the
draw that decides household ``i``'s choice in month ``t`` is the same in every scenario run on the
same seed (common random numbers; Starsim's slot-based streams follow the same idea).

Replication seeds come from ``numpy.random.SeedSequence(root).spawn(n)``.
"""

from __future__ import annotations

import hashlib
from enum import StrEnum

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_S12, _S27, _S30, _S31 = (np.uint64(s) for s in (12, 27, 30, 31))
_ONE_BITS = np.uint64(0x3FF0000000000000)  # exponent bits of 1.0: mantissa | ONE is in [1, 2)


class Stream(StrEnum):
    """The decision families, each with its own random stream."""

    INIT = "init"
    NETWORK = "network"
    INCOME = "income"
    REMITTANCE = "remittance"
    BUSINESS = "business"
    COOPERATIVE = "cooperative"
    INTENTION = "intention"
    ROUTE = "route"
    BROKER = "broker"
    DEPARTURE = "departure"
    FATE = "fate"
    KNOWLEDGE = "knowledge"
    SCHOOLING = "schooling"
    PROGRAMME = "programme"
    #: Drought years: one draw per calendar year (the year is passed as the month).
    CLIMATE = "climate"


def stable_hash(name: str) -> int:
    """A 64-bit hash of ``name`` that is the same on every machine and Python run."""
    return int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest(), "little")


def _mix64(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser, in place on a uint64 array (returns it)."""
    t = x >> _S30
    x ^= t
    x *= _MIX1
    np.right_shift(x, _S27, out=t)
    x ^= t
    x *= _MIX2
    np.right_shift(x, _S31, out=t)
    x ^= t
    return x


def replication_seeds(root_seed: int, replications: int) -> list[int]:
    """Seeds of ``replications`` independent replications spawned from one root seed."""
    children = np.random.SeedSequence(root_seed).spawn(replications)
    return [int(child.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1)) for child in children]


class RandomStreams:
    """The random numbers of one run, keyed by stream, month, sub-key and agent slot.

    Args:
        root_seed: The run's seed (a non-negative integer).
    """

    def __init__(self, root_seed: int) -> None:
        self.root_seed = int(root_seed)
        self._keys: dict[tuple[str, int, str], np.uint64] = {}

    def key(self, stream: Stream | str, month: int, key: str = "") -> np.uint64:
        """The 64-bit key of one stream in one month."""
        token = (str(stream), int(month), key)
        found = self._keys.get(token)
        if found is None:
            seq = np.random.SeedSequence(
                self.root_seed, spawn_key=(stable_hash(f"{stream}/{key}"), int(month))
            )
            found = np.uint64(seq.generate_state(1, dtype=np.uint64)[0])
            self._keys[token] = found
        return found

    def uniform(self, stream: Stream | str, month: int, slots: np.ndarray | int, key: str = "") -> np.ndarray:
        """Uniform draws in [0, 1): for the whole population, or for the given agent slots.

        Args:
            stream: The decision family.
            month: The simulation month (0 = initialisation).
            slots: A count ``n`` (whole population: one draw per slot ``0..n-1``, in order) or an
                array of slot indices (one counter-based draw per slot).
            key: Sub-key for a second draw of the same decision family in the same month.

        Returns:
            A float64 array with one draw per slot.
        """
        if np.isscalar(slots):
            return self.generator(stream, month, key).random(int(slots))
        x = np.asarray(slots).astype(np.uint64)
        x *= _GOLDEN
        x += self.key(stream, month, key)
        _mix64(x)
        # 52 random mantissa bits under the exponent of 1.0 give a float in [1, 2).
        np.right_shift(x, _S12, out=x)
        x |= _ONE_BITS
        draws = x.view(np.float64)
        draws -= 1.0
        return draws

    def generator(self, stream: Stream | str, month: int, key: str = "") -> np.random.Generator:
        """The PCG64 generator of one stream in one month (whole-population draws)."""
        seq = np.random.SeedSequence(self.root_seed, spawn_key=(stable_hash(f"{stream}/{key}"), int(month)))
        return np.random.Generator(np.random.PCG64(seq))
