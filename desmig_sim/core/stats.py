"""Statistics of replicated runs: bands, paired differences with confidence intervals, sample sizes.

Scenario comparisons run every scenario on the same replication seeds, so replication ``i`` of the
policy and replication ``i`` of the baseline share their random streams (common random numbers).
The difference of a paired outcome, ``d_i = policy_i - baseline_i``, then has a much smaller
variance than the difference of two independent samples, and its confidence interval is the
Student-t interval of the mean of ``d``.

Missing values (NaN: a share whose denominator was zero, e.g. the non-procedural share of a month
without departures) are left out, never counted as 0: a band or mean is over the replications
with a value, and a paired difference over the pairs in which both runs have one (``n`` says how
many).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import asdict, dataclass
from typing import Literal

import numpy as np
from scipy import stats as sps


@dataclass(frozen=True)
class Interval:
    """A mean with a two-sided confidence interval.

    Attributes:
        mean: The sample mean.
        low: Lower bound of the interval.
        high: Upper bound of the interval.
        sd: Sample standard deviation (``ddof=1``; 0 for one value).
        n: Number of values.
        confidence: Confidence level, e.g. 0.95.
    """

    mean: float
    low: float
    high: float
    sd: float
    n: int
    confidence: float

    @property
    def width(self) -> float:
        """Full width of the interval (``high - low``)."""
        return self.high - self.low


@dataclass(frozen=True)
class PairedDifference(Interval):
    """The paired difference policy minus baseline, with its interval and who wins how often.

    Attributes:
        share_better: Share of replications in which the policy is better than the baseline (by
            the outcome's direction; ties count as not better); NaN when the outcome has no
            direction.
    """

    share_better: float = math.nan

    def as_dict(self) -> dict[str, float]:
        """Plain data (for tables)."""
        return asdict(self)


def mean_interval(values: np.ndarray, confidence: float = 0.95) -> Interval:
    """Student-t confidence interval of the mean of ``values``.

    Missing values (NaN) are left out. With one value the interval is undefined: its bounds are
    NaN; with none, the mean is NaN too.

    Args:
        values: One value per replication.
        confidence: Confidence level in (0, 1).
    """
    x = np.asarray(values, dtype=float)
    if x.size == 0:
        raise ValueError("no values: at least one replication is needed")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence {confidence} is not allowed: use a number between 0 and 1")
    x = x[~np.isnan(x)]
    n = x.size
    if n == 0:
        return Interval(math.nan, math.nan, math.nan, math.nan, 0, confidence)
    mean = float(x.mean())
    if n == 1:
        return Interval(mean, math.nan, math.nan, 0.0, 1, confidence)
    sd = float(x.std(ddof=1))
    half = float(sps.t.ppf(0.5 + confidence / 2.0, n - 1)) * sd / math.sqrt(n)
    return Interval(mean, mean - half, mean + half, sd, n, confidence)


def paired_difference(
    policy: np.ndarray,
    baseline: np.ndarray,
    *,
    confidence: float = 0.95,
    better: Literal[-1, 0, 1] = 1,
) -> PairedDifference:
    """Mean paired difference ``policy - baseline`` with a Student-t interval.

    Args:
        policy: One value per replication of the policy scenario.
        baseline: The baseline's values on the same seeds, in the same order.
        confidence: Confidence level in (0, 1).
        better: +1 if a higher value is better, -1 if lower is better, 0 if neither (then
            ``share_better`` is NaN).

    Raises:
        ValueError: If the two samples do not pair up (different lengths) or are empty.
    """
    p = np.asarray(policy, dtype=float)
    b = np.asarray(baseline, dtype=float)
    if p.shape != b.shape:
        raise ValueError(f"paired samples differ in length: {p.size} policy vs {b.size} baseline values")
    d = p - b
    interval = mean_interval(d, confidence)
    d = d[~np.isnan(d)]
    share = float(np.mean(better * d > 0)) if better and d.size else math.nan
    return PairedDifference(**asdict(interval), share_better=share)


def paired_differences(
    policy: np.ndarray,
    baseline: np.ndarray,
    *,
    confidence: float = 0.95,
    better: np.ndarray | int = 1,
) -> dict[str, np.ndarray]:
    """:func:`paired_difference` for many outcomes at once: replications along the first axis.

    Args:
        policy: Values of shape ``(replications, ...)``.
        baseline: The baseline's values on the same seeds, same shape.
        confidence: Confidence level in (0, 1).
        better: Direction per outcome, broadcast against ``policy.shape[1:]`` (+1, -1 or 0).

    Returns:
        Arrays of shape ``policy.shape[1:]``: ``mean``, ``low``, ``high``, ``sd``, ``share_better``
        (NaN where the direction is 0), and ``n`` (an int array: the pairs in which both values
        are present; statistics of cells with fewer than two pairs are NaN where undefined).
    """
    p = np.asarray(policy, dtype=float)
    b = np.asarray(baseline, dtype=float)
    if p.shape != b.shape:
        raise ValueError(f"paired samples differ in shape: {p.shape} policy vs {b.shape} baseline values")
    if p.shape[0] == 0:
        raise ValueError("no values: at least one replication is needed")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence {confidence} is not allowed: use a number between 0 and 1")
    d = p - b
    present = ~np.isnan(d)
    if present.all():
        return _paired_complete(d, confidence, better)
    n = present.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n > 0, np.where(present, d, 0.0).sum(axis=0) / n, np.nan)
        centred = np.where(present, d - mean, 0.0)
        sd = np.where(n > 1, np.sqrt((centred**2).sum(axis=0) / (n - 1)), np.where(n == 1, 0.0, np.nan))
        t = sps.t.ppf(0.5 + confidence / 2.0, np.maximum(n - 1, 1))
        half = np.where(n > 1, t * sd / np.sqrt(n), np.nan)
        direction = np.broadcast_to(np.asarray(better), mean.shape)
        wins = (np.where(present, direction * d, 0.0) > 0).sum(axis=0)
        share = np.where((direction != 0) & (n > 0), wins / n, np.nan)
    return {"mean": mean, "low": mean - half, "high": mean + half, "sd": sd, "n": n, "share_better": share}


def _paired_complete(d: np.ndarray, confidence: float, better: np.ndarray | int) -> dict[str, np.ndarray]:
    """:func:`paired_differences` when every pair is present (one t quantile for all cells)."""
    n = d.shape[0]
    mean = d.mean(axis=0)
    direction = np.broadcast_to(np.asarray(better), mean.shape)
    share = np.where(direction != 0, np.mean(direction * d > 0, axis=0), np.nan)
    if n == 1:
        nan = np.full(mean.shape, np.nan)
        return {
            "mean": mean,
            "low": nan,
            "high": nan.copy(),
            "sd": np.zeros(mean.shape),
            "n": np.full(mean.shape, 1),
            "share_better": share,
        }
    sd = d.std(axis=0, ddof=1)
    half = float(sps.t.ppf(0.5 + confidence / 2.0, n - 1)) * sd / math.sqrt(n)
    return {
        "mean": mean,
        "low": mean - half,
        "high": mean + half,
        "sd": sd,
        "n": np.full(mean.shape, n),
        "share_better": share,
    }


def mean_present(values: np.ndarray) -> np.ndarray:
    """Mean over replications (the first axis) of the values present; NaN where none is."""
    x = np.asarray(values, dtype=float)
    if not np.isnan(x).any():
        return x.mean(axis=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN cells stay NaN
        return np.nanmean(x, axis=0)


def band(values: np.ndarray, low: float = 0.10, high: float = 0.90) -> tuple[float, float]:
    """The ``low``-``high`` quantile band of replicated values (10-90% by default; NaN left out)."""
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    if x.size == 0:
        return math.nan, math.nan
    return float(np.quantile(x, low)), float(np.quantile(x, high))


def bands(values: np.ndarray, low: float = 0.10, high: float = 0.90) -> tuple[np.ndarray, np.ndarray]:
    """:func:`band` for many outcomes at once: replications along the first axis (NaN left out)."""
    x = np.asarray(values, dtype=float)
    if not np.isnan(x).any():
        q = np.quantile(x, [low, high], axis=0)
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN cells stay NaN
            q = np.nanquantile(x, [low, high], axis=0)
    return q[0], q[1]


def replications_needed(
    sd: float, width: float, confidence: float = 0.95, *, minimum: int = 2, maximum: int = 100_000
) -> int:
    """Replications needed for a confidence interval of the mean no wider than ``width``.

    Solves ``2 * t(n-1) * sd / sqrt(n) <= width`` for the smallest ``n`` (iterating because the
    t quantile depends on ``n``). For a paired comparison pass the standard deviation of the
    paired differences from a pilot run.

    Args:
        sd: Standard deviation of one replication's value (or of one paired difference).
        width: Wanted full width of the interval (``high - low``), in the outcome's unit.
        confidence: Confidence level in (0, 1).
        minimum: Smallest answer (a t interval needs two values).
        maximum: Largest answer; a larger requirement raises.

    Raises:
        ValueError: If ``width`` is not positive, ``sd`` is negative, or more than ``maximum``
            replications would be needed.
    """
    if not width > 0:
        raise ValueError(f"width {width} is not allowed: use a positive number")
    if sd < 0 or not math.isfinite(sd):
        raise ValueError(f"standard deviation {sd} is not allowed: use a finite number >= 0")
    if sd == 0:
        return minimum
    z = float(sps.norm.ppf(0.5 + confidence / 2.0))
    n = max(minimum, math.ceil((2.0 * z * sd / width) ** 2))
    while n <= maximum:
        if 2.0 * float(sps.t.ppf(0.5 + confidence / 2.0, n - 1)) * sd / math.sqrt(n) <= width:
            return n
        n += 1
    raise ValueError(f"more than {maximum} replications would be needed for width {width} (sd {sd})")


def independent_difference(policy: np.ndarray, baseline: np.ndarray, confidence: float = 0.95) -> Interval:
    """Difference of means ``policy - baseline`` of two *independent* samples (Welch's t interval).

    The right interval when the two scenarios ran on different seeds; with common random numbers
    use :func:`paired_difference`, whose interval is narrower when the runs share their noise.

    Args:
        policy: One value per replication of the policy scenario.
        baseline: One value per replication of the baseline (any number, on other seeds).
        confidence: Confidence level in (0, 1).

    Returns:
        The interval; ``sd`` is the standard error of the difference times ``sqrt(n)``, ``n``
        the smaller sample size.
    """
    p = np.asarray(policy, dtype=float)
    b = np.asarray(baseline, dtype=float)
    if p.size < 2 or b.size < 2:
        raise ValueError("an independent-samples interval needs at least two values in each sample")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence {confidence} is not allowed: use a number between 0 and 1")
    vp, vb = p.var(ddof=1) / p.size, b.var(ddof=1) / b.size
    se = math.sqrt(vp + vb)
    mean = float(p.mean() - b.mean())
    if se == 0:
        return Interval(mean, mean, mean, 0.0, min(p.size, b.size), confidence)
    dof = (vp + vb) ** 2 / (vp**2 / (p.size - 1) + vb**2 / (b.size - 1))
    half = float(sps.t.ppf(0.5 + confidence / 2.0, dof)) * se
    n = min(p.size, b.size)
    return Interval(mean, mean - half, mean + half, se * math.sqrt(n), n, confidence)
