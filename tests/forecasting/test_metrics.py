"""Metrics against closed forms and hand-computed cases."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from stockwise.forecasting import metrics


def test_mase_and_rmsse_by_hand():
    insample = np.array([1.0, 3.0, 2.0, 6.0])  # |diffs| 2, 1, 4 -> mean 7/3, squares mean 7
    actual, forecast = np.array([4.0, 5.0]), np.array([3.0, 7.0])  # |e| 1, 2
    assert metrics.mase(actual, forecast, insample) == pytest.approx(1.5 / (7 / 3))
    assert metrics.rmsse(actual, forecast, insample) == pytest.approx(np.sqrt(2.5 / 7))
    # lag-2 differences: |2 - 1|, |6 - 3| -> mean 2
    assert metrics.mase(actual, forecast, insample, m=2) == pytest.approx(1.5 / 2.0)


def test_smape_m3_definition():
    assert metrics.smape(np.array([100.0, 0.0]), np.array([50.0, 0.0])) == pytest.approx(
        100 * (50 / 150)
    )


def test_pinball_by_hand():
    quantiles = np.array([[2.0], [2.0]])
    loss = metrics.pinball(np.array([5.0]), quantiles, [0.1, 0.9])
    np.testing.assert_allclose(loss, [0.3, 2.7])


def test_crps_of_normal_paths_matches_closed_form():
    mu, sigma, y = 1.0, 2.0, 2.5
    paths = np.random.default_rng(0).normal(mu, sigma, (200_000, 1))
    z = (y - mu) / sigma
    exact = sigma * (z * (2 * stats.norm.cdf(z) - 1) + 2 * stats.norm.pdf(z) - 1 / np.sqrt(np.pi))
    assert metrics.crps(np.array([y]), paths) == pytest.approx(exact, rel=5e-3)


def test_crps_of_a_point_mass_is_absolute_error():
    assert metrics.crps(np.array([3.0, 1.0]), np.full((10, 2), 2.0)) == pytest.approx(1.0)


def test_coverage_counts_actuals_inside_central_intervals():
    paths = np.tile(np.arange(101.0)[:, None], (1, 4))  # quantile q -> 100 q
    cover = metrics.coverage(np.array([50.0, 85.0, 95.0, 99.0]), paths)
    assert cover == {0.5: 0.25, 0.8: 0.5, 0.95: 0.75}
