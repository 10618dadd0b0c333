"""Croston, SBA and TSB against hand-computed values; the predictive distribution's mean."""

from __future__ import annotations

import numpy as np
import pytest

from stockwise.forecasting.intermittent import SBA, TSB, Croston, draw_sizes

# Demand 3, 6, 2 at periods 1, 4, 6 (0-based); intervals 2, 3, 2.
Y = np.array([0, 3, 0, 0, 6, 0, 2, 0], dtype=float)
# Sizes, SES alpha 0.1 from 3:    3 -> 0.1*6 + 0.9*3 = 3.3 -> 0.1*2 + 0.9*3.3 = 3.17
# Intervals, SES alpha 0.1 from 2: 2 -> 0.1*3 + 0.9*2 = 2.1 -> 0.1*2 + 0.9*2.1 = 2.09
CROSTON = 3.17 / 2.09
SBA_VALUE = 0.95 * 3.17 / 2.09
# TSB occurrence 0,1,0,0,1,0,1,0 smoothed from 0 with beta 0.1:
# 0, .1, .09, .081, .1729, .15561, .240049, .2160441; size 3.17 as above.
TSB_VALUE = 0.2160441 * 3.17


@pytest.mark.parametrize(
    ("method", "expected"), [(Croston(), CROSTON), (SBA(), SBA_VALUE), (TSB(), TSB_VALUE)]
)
def test_point_forecast_equals_hand_computation(method, expected):
    fit = method.fit(Y, 1, np.random.default_rng(0))
    np.testing.assert_allclose(fit.point(3), np.full(3, expected), rtol=1e-12)


@pytest.mark.parametrize("method", [Croston(), SBA(), TSB()])
def test_path_mean_matches_point_forecast_within_sampling_error(method):
    fit = method.fit(Y, 1, np.random.default_rng(0))
    paths = fit.sample(4, 40_000, np.random.default_rng(1))
    assert set(np.unique(paths)) >= {0.0} and np.all(paths == np.round(paths))
    se = paths.std() / np.sqrt(paths.size)
    assert abs(paths.mean() - fit.point(1)[0]) < 4 * se


def test_statsforecast_agrees_on_croston_and_sba():
    models = pytest.importorskip("statsforecast.models")
    rng = np.random.default_rng(3)
    y = rng.poisson(0.4, 120) * rng.integers(1, 6, 120).astype(float)
    for ours, theirs in [(Croston(), models.CrostonClassic()), (SBA(), models.CrostonSBA())]:
        expected = theirs.forecast(y=y, h=2)["mean"]
        np.testing.assert_allclose(ours.fit(y, 1, rng).point(2), expected, rtol=1e-6)


@pytest.mark.parametrize(("mean", "var"), [(4.0, 9.0), (4.0, 1.0), (1.0, 0.0)])
def test_count_sizes_have_requested_mean_and_dispersion(mean, var):
    sizes = draw_sizes(mean, var, True, (200_000,), np.random.default_rng(2))
    assert sizes.min() >= 1 and np.all(sizes == np.round(sizes))
    assert abs(sizes.mean() - mean) < 0.02
    # Under-dispersed requests fall back to 1 + Poisson(mean - 1): variance mean - 1.
    assert abs(sizes.var() - max(var, mean - 1)) < 0.1


def test_continuous_sizes_are_gamma_with_requested_moments():
    sizes = draw_sizes(2.5, 0.5, False, (200_000,), np.random.default_rng(4))
    assert abs(sizes.mean() - 2.5) < 0.01 and abs(sizes.var() - 0.5) < 0.02
