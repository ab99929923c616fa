import math

import numpy as np
import pytest

from desmig_sim.config.outcomes import CATALOGUE
from desmig_sim.core import stats
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


# ------------------------------------------------------------------ missing values (shares of nothing)
def test_missing_values_are_left_out_of_paired_differences_not_counted_as_zero():
    policy = np.array([[0.5, np.nan], [0.7, np.nan], [np.nan, np.nan], [0.9, 0.2]])
    baseline = np.array([[0.6, 0.1], [0.6, np.nan], [0.4, np.nan], [1.0, 0.4]])
    got = stats.paired_differences(policy, baseline, better=np.array([-1, -1]))
    d = np.array([-0.1, 0.1, -0.1])  # the three complete pairs of the first outcome
    one = stats.paired_difference(d, np.zeros(3), better=-1)
    assert got["n"].tolist() == [3, 1], "pairs counted where both runs have a value"
    assert got["mean"][0] == pytest.approx(one.mean) and got["high"][0] == pytest.approx(one.high)
    assert got["share_better"][0] == pytest.approx(2 / 3), "two of the three pairs are better (lower)"
    assert got["mean"][1] == pytest.approx(-0.2) and np.isnan(got["high"][1]), "one pair: no interval"


def test_a_cell_without_pairs_is_missing_and_bands_skip_missing_values():
    got = stats.paired_differences(np.array([[np.nan], [np.nan]]), np.array([[0.1], [0.2]]))
    assert got["n"].tolist() == [0] and np.isnan(got["mean"][0]) and np.isnan(got["share_better"][0])
    low, high = stats.bands(np.array([[0.0, np.nan], [1.0, np.nan], [np.nan, np.nan]]))
    assert low[0] == pytest.approx(0.1) and high[0] == pytest.approx(0.9), "NaN left out of the band"
    assert np.isnan(low[1]) and np.isnan(high[1]), "no value at all: no band"
    assert np.isnan(stats.mean_interval(np.array([np.nan, np.nan])).mean)
    assert stats.mean_present(np.array([[1.0], [np.nan], [3.0]]))[0] == 2.0
