"""Distributional statistics within villages: median, Gini, relative deprivation.

Households of a village occupy a contiguous block of slots. :class:`VillageGroups` sorts all
villages at once (packed keys of equal-sized villages, else one padded matrix and one ``argsort``)
and derives every statistic from it; the pooled statistics use an exact sort of all households
(:func:`sort_nonnegative`, a bucket sort with ``np.sort``'s result).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def gini(values: np.ndarray) -> float:
    """Gini coefficient of non-negative values (0 = equality)."""
    return gini_sorted(np.sort(np.asarray(values, dtype=float)))


def gini_sorted(x: np.ndarray, ranks: np.ndarray | None = None) -> float:
    """Gini coefficient of values already sorted in ascending order.

    Args:
        x: The sorted values.
        ranks: ``1..n`` as floats, if the caller keeps them (saves an allocation).
    """
    n = x.size
    total = x.sum()
    if n == 0 or total <= 0:
        return 0.0
    ranks = np.arange(1.0, n + 1.0) if ranks is None else ranks
    return max(0.0, float(2.0 * np.dot(ranks, x) / (n * total) - (n + 1) / n))


_DROP_BITS = np.uint64(20)
_SLOT_MASK = np.uint64((1 << 20) - 1)
_SIGN_SHIFT = np.uint64(63)
#: Up to this many equal-sized villages, :meth:`VillageGroups.stats` sorts all households' keys at once.
_POOLED_KEYS_MAX_VILLAGES = 64
#: Largest bit pattern of a float64 that is neither negative (sign bit) nor NaN: +inf.
_INF_BITS = np.uint64(0x7FF0000000000000)
#: Fine buckets of :func:`sort_keys` (16-bit bucket numbers, grouped by numpy's radix argsort).
_FINE_BITS = 16
#: Values per coarse bucket (one short row of the padded matrix sorted row by row).
_BUCKET_TARGET = 96
#: Below this many values :func:`sort_keys` is a plain sort.
_BUCKET_MIN_VALUES = 1 << 16


def sort_nonnegative(values: np.ndarray) -> np.ndarray:
    """``np.sort(values)`` of a float64 array, bit for bit, faster for large non-negative arrays.

    The bit patterns of non-negative floats sort like the floats and equal floats have equal bits,
    so sorting the patterns (:func:`sort_keys`) gives exactly ``np.sort``'s array. Small arrays and
    arrays with a negative value (or ``-0.0``) or NaN are sorted with ``np.sort``.
    """
    if values.size < _BUCKET_MIN_VALUES:
        return np.sort(values)
    bits = values.view(np.uint64)
    if bits.max() > _INF_BITS:
        return np.sort(values)
    return sort_keys(bits).view(np.float64)


def sort_keys(keys: np.ndarray) -> np.ndarray:
    """``np.sort(keys)`` of a 1-D ``uint64`` array (sorted integers are the same whatever the algorithm).

    A bucket sort, about half the time of numpy's sort at a million keys: the top bits of each key
    above the smallest one give a 16-bit fine bucket; keys are grouped by fine bucket with numpy's
    radix argsort, consecutive fine buckets are joined into coarse buckets of about
    ``_BUCKET_TARGET`` keys, and the coarse buckets are sorted as the short rows of one padded
    matrix, which stays in the cache. Small arrays and heavily tied keys (where the padding would
    not pay) are sorted with ``np.sort``.
    """
    if keys.size < _BUCKET_MIN_VALUES:
        return np.sort(keys)
    lowest, highest = keys.min(), keys.max()
    shift = np.uint64(max(0, int(highest - lowest).bit_length() - _FINE_BITS))
    fine = keys - lowest
    fine >>= shift
    fine = fine.astype(np.uint16)
    per_fine = np.bincount(fine, minlength=1 << _FINE_BITS)
    coarse = (np.cumsum(per_fine) - per_fine) // _BUCKET_TARGET
    sizes = np.bincount(coarse, weights=per_fine).astype(np.int64)
    width = int(sizes.max())
    if sizes.size * width > 4 * keys.size:
        return np.sort(keys)
    filled = np.arange(width)[None, :] < sizes[:, None]
    buckets = np.full(filled.shape, highest)
    buckets[filled] = keys[np.argsort(fine, kind="stable")]
    buckets.sort(axis=1)
    return buckets[filled]


@dataclass(frozen=True)
class VillageStats:
    """Per-village statistics of one variable, and the same pooled over all villages."""

    median: np.ndarray
    gini: np.ndarray
    deprivation: np.ndarray  # per household, Yitzhaki index / village mean
    pooled_median: float
    pooled_gini: float


class VillageGroups:
    """Sorting helper for per-village statistics.

    Args:
        offsets: Start slot of each village, plus the total count at the end.
    """

    def __init__(self, offsets: np.ndarray) -> None:
        self.offsets = np.asarray(offsets, dtype=np.int64)
        self.sizes = np.diff(self.offsets)
        width = int(self.sizes.max()) if self.sizes.size else 0
        cols = np.arange(width)
        self.valid = cols[None, :] < self.sizes[:, None]
        self.index = np.where(self.valid, self.offsets[:-1, None] + cols[None, :], 0)
        self.rank = np.broadcast_to((cols + 1).astype(np.float64), self.valid.shape)
        self.equal = bool(np.all(self.sizes == self.sizes[0])) if self.sizes.size else True
        self.above = (self.sizes[:, None] - self.rank).astype(np.float64)
        self.pooled_ranks = np.arange(1.0, float(self.offsets[-1]) + 1.0)
        self._positions = np.arange(width, dtype=np.uint64)[None, :]
        total = int(self.offsets[-1])
        # Few long villages: one sort of all households' keys, then grouped by village (below).
        self._sort_pooled_keys = (
            self.equal and 0 < self.sizes.size <= _POOLED_KEYS_MAX_VILLAGES and total <= _SLOT_MASK + 1
        )
        if self._sort_pooled_keys:
            self._slots = np.arange(total, dtype=np.uint64)
            self._village_of = np.repeat(np.arange(self.sizes.size, dtype=np.uint8), self.sizes)

    def stats(self, values: np.ndarray) -> VillageStats:
        """Median, Gini and each household's relative deprivation, for every village and pooled."""
        n = self.sizes
        everything = None
        if self._sort_pooled_keys and values.min() >= 0:
            # The same keys with the slot among all households: one sort of all keys gives the
            # households in rank order (ties in the top bits by slot); grouped by village (a
            # stable radix sort of the village number) it is each village's order of the branch
            # below, at less cost than sorting the villages and then all incomes. Ranked by key,
            # the incomes are sorted but for ties in the top bits: timsort puts those in order.
            keys = values.view(np.uint64) >> _DROP_BITS
            keys <<= _DROP_BITS
            keys |= self._slots
            keys = sort_keys(keys)
            signed_zero = bool(keys[-1] >> _SIGN_SHIFT)  # a -0.0: np.sort orders it against 0.0
            keys &= _SLOT_MASK
            by_rank = keys.astype(np.int64)
            nearly = values[by_rank]
            if not signed_zero:
                everything = np.sort(nearly, kind="stable")
            order = np.argsort(self._village_of[by_rank], kind="stable")
            slots = by_rank[order]
            ordered = nearly[order].reshape(n.size, int(n[0]))
        elif self.equal and n[0] <= _SLOT_MASK + 1 and values.min() >= 0:
            # Equal-sized villages, non-negative values: sort packed keys (value bits above, the
            # position in the village below) with the fast value sort instead of an argsort. The
            # key keeps the value's top 44 bits (relative precision 2**-32); exact ties in those
            # bits are ordered by slot.
            keys = values.view(np.uint64) >> _DROP_BITS
            keys <<= _DROP_BITS
            keys = keys.reshape(n.size, int(n[0]))
            keys |= self._positions
            keys.sort(axis=1)
            keys &= _SLOT_MASK
            keys += self.offsets[:-1, None].astype(np.uint64)
            slots = keys.ravel().astype(np.int64)
            ordered = values[slots].reshape(keys.shape)
        elif self.equal:
            order = np.argsort(values.reshape(n.size, int(n[0])), axis=1)
            order += self.offsets[:-1, None]
            slots = order.ravel()
            ordered = values[slots].reshape(order.shape)
        else:
            padded = np.where(self.valid, values[self.index], np.inf)
            order = np.argsort(padded, axis=1)
            ordered = np.where(self.valid, np.take_along_axis(padded, order, axis=1), 0.0)
            slots = np.take_along_axis(self.index, order, axis=1)[self.valid]
        rows = np.arange(n.size)
        median = 0.5 * (ordered[rows, (n - 1) // 2] + ordered[rows, n // 2])
        total = ordered.sum(axis=1)
        safe_total = np.where(total > 0, total, 1.0)
        weighted = np.einsum("ij,ij->i", self.rank, ordered)
        gini_ = np.where(total > 0, np.maximum(2.0 * weighted / (n * safe_total) - (n + 1) / n, 0.0), 0.0)
        # Yitzhaki deprivation at sorted position k: sum over richer j of (x_j - x_k), / total.
        dep = np.cumsum(ordered, axis=1)
        np.subtract(total[:, None], dep, out=dep)
        dep -= self.above * ordered
        dep /= safe_total[:, None]
        np.clip(dep, 0.0, 1.0, out=dep)
        deprivation = np.empty(values.size)
        deprivation[slots] = dep.ravel() if self.equal else dep[self.valid]
        if everything is None:
            everything = sort_nonnegative(values)
        n_all = everything.size
        pooled_median = 0.5 * (everything[(n_all - 1) // 2] + everything[n_all // 2])
        pooled_gini = gini_sorted(everything, self.pooled_ranks)
        return VillageStats(median, gini_, deprivation, float(pooled_median), pooled_gini)
