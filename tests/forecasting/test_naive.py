"""Seasonal naive: point forecast and bootstrapped residual paths, by hand."""

from __future__ import annotations

import numpy as np

from stockwise.forecasting.naive import SeasonalNaive

SEASON = np.array([5.0, 9.0, 2.0, 7.0])


def test_periodic_series_is_forecast_exactly():
    fit = SeasonalNaive().fit(np.tile(SEASON, 5), 4, np.random.default_rng(0))
    np.testing.assert_array_equal(fit.point(10), np.tile(SEASON, 3)[:10])
    paths = fit.sample(10, 50, np.random.default_rng(1))
    np.testing.assert_array_equal(paths, np.broadcast_to(np.tile(SEASON, 3)[:10], (50, 10)))


def test_path_errors_accumulate_residuals_season_by_season():
    y = np.tile(SEASON, 4) + np.array([0, 1, 0, -1] * 4, dtype=float) * np.repeat([0, 1, 2, 3], 4)
    fit = SeasonalNaive().fit(y, 4, np.random.default_rng(0))
    residuals = set(y[4:] - y[:-4])  # {-1, 0, 1}
    paths = fit.sample(8, 200, np.random.default_rng(2))
    first = paths[:, :4] - y[-4:]
    second = paths[:, 4:] - paths[:, :4]
    assert set(np.unique(first)) <= residuals and set(np.unique(second)) <= residuals


def test_short_series_falls_back_to_naive_with_reason():
    fit = SeasonalNaive().fit(np.array([3.0, 4.0, 6.0, 5.0]), 52, np.random.default_rng(0))
    assert fit.model == "naive" and "two seasons" in fit.reason
    np.testing.assert_array_equal(fit.point(3), [5.0, 5.0, 5.0])
