"""Named random streams: reproducible, counter-based by slot, independent across keys."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desmig_sim.core.streams import RandomStreams, Stream, replication_seeds, stable_hash

SEED = 20170911
seeds = st.integers(0, 2**63 - 1)
months = st.integers(0, 600)
streams = st.sampled_from(list(Stream))
slot_sets = st.lists(st.integers(0, 2_000_000), min_size=1, max_size=50, unique=True)


@settings(max_examples=50, deadline=None)
@given(seed=seeds, stream=streams, month=months, slots=slot_sets, key=st.sampled_from(["", "loss", "child0"]))
def test_same_inputs_same_draws(seed: int, stream: Stream, month: int, slots: list[int], key: str) -> None:
    a = RandomStreams(seed).uniform(stream, month, np.array(slots), key=key)
    b = RandomStreams(seed).uniform(stream, month, np.array(slots), key=key)
    np.testing.assert_array_equal(a, b, err_msg="same seed, stream, month, key and slots give the same draws")
    whole_a = RandomStreams(seed).uniform(stream, month, 25, key=key)
    whole_b = RandomStreams(seed).uniform(stream, month, 25, key=key)
    np.testing.assert_array_equal(whole_a, whole_b, err_msg="whole-population draws are reproducible too")


@settings(max_examples=50, deadline=None)
@given(seed=seeds, stream=streams, month=months, slots=slot_sets, data=st.data())
def test_by_slot_draws_do_not_depend_on_who_else_draws(
    seed: int, stream: Stream, month: int, slots: list[int], data: st.DataObject
) -> None:
    rs = RandomStreams(seed)
    everyone = np.array(slots)
    subset = np.array(data.draw(st.lists(st.sampled_from(slots), min_size=1, max_size=len(slots))))
    full = dict(zip(slots, rs.uniform(stream, month, everyone), strict=True))
    part = rs.uniform(stream, month, subset)
    np.testing.assert_array_equal(
        part,
        [full[s] for s in subset],
        err_msg="a slot's draw is the same whichever other slots (and in whichever order) face the decision",
    )


def test_by_slot_subset_of_contiguous_range() -> None:
    rs = RandomStreams(SEED)
    everyone = rs.uniform(Stream.FATE, 17, np.arange(10_000))
    chosen = np.array([9_999, 3, 4_096, 0, 77])
    np.testing.assert_array_equal(
        rs.uniform(Stream.FATE, 17, chosen),
        everyone[chosen],
        err_msg="counter-based: draw of slot i is draw i",
    )
    assert rs.uniform(Stream.FATE, 17, np.array([], dtype=np.int64)).size == 0, "no slots, no draws"


def test_whole_population_draws_are_in_slot_order() -> None:
    rs = RandomStreams(SEED)
    big = rs.uniform(Stream.INCOME, 5, 1000)
    small = rs.uniform(Stream.INCOME, 5, 300)
    np.testing.assert_array_equal(small, big[:300], err_msg="whole-population draw i is slot i's, whatever n")


def _distinct(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.mean(a != b))


@pytest.mark.parametrize("mode", ["slots", "whole"])
def test_different_streams_months_keys_and_seeds_differ(mode: str) -> None:
    def draw(
        seed: int = SEED, stream: Stream = Stream.INTENTION, month: int = 3, key: str = ""
    ) -> np.ndarray:
        slots = np.arange(500) if mode == "slots" else 500
        return RandomStreams(seed).uniform(stream, month, slots, key=key)

    reference = draw()
    variants = {
        "another stream": draw(stream=Stream.BROKER),
        "another month": draw(month=4),
        "another key": draw(key="wait"),
        "another seed": draw(seed=SEED + 1),
    }
    for label, other in variants.items():
        assert _distinct(reference, other) > 0.99, f"{label} gives different draws ({mode})"
        assert abs(np.corrcoef(reference, other)[0, 1]) < 0.2, f"{label} gives uncorrelated draws ({mode})"


def test_every_stream_has_its_own_key() -> None:
    rs = RandomStreams(SEED)
    keys = {rs.key(s, 1) for s in Stream}
    assert len(keys) == len(Stream), "each decision family has a distinct 64-bit key"
    assert rs.key(Stream.FATE, 1, "renewal") != rs.key(Stream.FATE, 1), "sub-keys change the key"


@pytest.mark.parametrize("mode", ["slots", "whole"])
@pytest.mark.parametrize("stream", [Stream.REMITTANCE, Stream.SCHOOLING, Stream.PROGRAMME])
def test_draws_are_uniform_on_unit_interval(mode: str, stream: Stream) -> None:
    n = 200_000
    rs = RandomStreams(SEED)
    u = rs.uniform(stream, 7, np.arange(n) if mode == "slots" else n)
    assert u.dtype == np.float64, "draws are float64"
    assert np.all((u >= 0) & (u < 1)), "draws lie in [0, 1)"
    # Standard error of the mean is 0.29 / sqrt(n) ~ 6.5e-4; allow ~8 standard errors.
    assert abs(u.mean() - 0.5) < 5e-3, "mean of uniform draws is about 1/2"
    assert abs(u.var() - 1 / 12) < 2e-3, "variance of uniform draws is about 1/12"
    counts = np.bincount((u * 20).astype(int), minlength=20)
    expected = n / 20
    # Each bin count has sd sqrt(n/20 * 19/20) ~ 97; 6 sd is generous.
    assert np.all(np.abs(counts - expected) < 6 * np.sqrt(expected)), (
        "no twentieth of [0, 1) is over- or under-hit"
    )


def test_neighbouring_slots_are_not_correlated() -> None:
    u = RandomStreams(SEED).uniform(Stream.DEPARTURE, 2, np.arange(100_001))
    assert abs(np.corrcoef(u[:-1], u[1:])[0, 1]) < 0.02, "draws of slot i and i+1 are uncorrelated"


@pytest.mark.parametrize("name", ["fate/", "programme/cooperative/join", "", "ünïcode/ключ"])
def test_stable_hash_is_blake2b_of_the_utf8_name(name: str) -> None:
    expected = int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest(), "little")
    assert stable_hash(name) == expected, "stable_hash is the 8-byte little-endian BLAKE2b digest"
    assert 0 <= stable_hash(name) < 2**64, "a 64-bit value"


def test_stable_hash_distinguishes_names() -> None:
    names = [f"{s}/{k}" for s in Stream for k in ("", "a", "b")]
    assert len({stable_hash(n) for n in names}) == len(names), "distinct names hash to distinct values"


def test_replication_seeds() -> None:
    seeds_a = replication_seeds(SEED, 10)
    assert seeds_a == replication_seeds(SEED, 10), "the same root gives the same replication seeds"
    assert len(set(seeds_a)) == 10, "replication seeds are distinct"
    assert all(0 <= s < 2**63 for s in seeds_a), "replication seeds are valid run seeds (0 <= seed < 2**63)"
    assert replication_seeds(SEED, 4) == seeds_a[:4], "fewer replications reuse the first seeds"
    assert set(replication_seeds(SEED + 1, 10)).isdisjoint(seeds_a), "another root gives other seeds"
