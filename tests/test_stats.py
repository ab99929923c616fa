import math

import numpy as np
import pytest

from desmig_sim.config.outcomes import CATALOGUE
from desmig_sim.core.stats import (
    band,
    mean_interval,
    paired_difference,
    replications_needed,
)


def test_paired_difference_matches_a_hand_computed_case():
    # d = [2, 3, 2, 3]: mean 2.5, sd = sqrt(1/3), t(0.975, 3) = 3.182446305...
    d = paired_difference(np.array([3.0, 5, 4, 6]), np.array([1.0, 2, 2, 3]))
    half = 3.182446305284263 * math.sqrt(1 / 3) / 2
    assert d.mean == pytest.approx(2.5)
    assert d.sd == pytest.approx(math.sqrt(1 / 3))
    assert d.low == pytest.approx(2.5 - half, rel=1e-12)
    assert d.high == pytest.approx(2.5 + half, rel=1e-12)
    assert d.n == 4
    assert d.share_better == 1.0
    assert paired_difference(np.array([3.0, 5, 4, 6]), np.array([1.0, 2, 2, 3]), better=-1).share_better == 0


def test_share_better_counts_ties_as_not_better_and_is_nan_without_direction():
    d = paired_difference(np.array([1.0, 2.0, 3.0, 4.0]), np.array([1.0, 3.0, 2.0, 3.0]))
    assert d.share_better == 0.5
    assert math.isnan(paired_difference(np.ones(3), np.zeros(3), better=0).share_better)


def test_pairing_narrows_the_interval_when_runs_share_noise():
    rng = np.random.default_rng(0)
    noise = rng.normal(0, 10, 30)
    baseline = 100 + noise
    policy = 101 + noise + rng.normal(0, 0.5, 30)
    paired = paired_difference(policy, baseline)
    unpaired = paired_difference(policy, 100 + rng.normal(0, 10, 30))
    assert paired.low < 1 < paired.high
    assert paired.width * 5 < unpaired.width


def test_unpaired_lengths_and_empty_samples_are_refused():
    with pytest.raises(ValueError, match="differ in length"):
        paired_difference(np.ones(3), np.ones(4))
    with pytest.raises(ValueError, match="at least one"):
        mean_interval(np.array([]))


def test_one_value_has_no_interval():
    interval = mean_interval(np.array([2.0]))
    assert interval.mean == 2.0 and math.isnan(interval.low) and math.isnan(interval.high)


def test_band_is_the_10_90_quantiles():
    assert band(np.arange(11.0)) == (1.0, 9.0)


def test_replications_needed_gives_the_smallest_sufficient_count():
    sd, width = 2.0, 1.0
    n = replications_needed(sd, width)
    from scipy import stats

    def w(k):
        return 2 * stats.t.ppf(0.975, k - 1) * sd / math.sqrt(k)

    assert w(n) <= width < w(n - 1)
    assert replications_needed(0.0, 1.0) == 2
    with pytest.raises(ValueError, match="positive"):
        replications_needed(1.0, 0.0)


def test_every_outcome_has_a_direction():
    assert all(o.better in (-1, 0, 1) for o in CATALOGUE.values())
