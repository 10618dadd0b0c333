"""ETS–Theta combination against statsmodels' ETSModel and ThetaModel fitted directly."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.tsa.exponential_smoothing.ets import ETSModel
from statsmodels.tsa.forecasting.theta import ThetaModel

from stockwise.forecasting.auto import AutoMethod
from stockwise.forecasting.combination import CombinationFit, ETSTheta
from stockwise.forecasting.ets import ETS

H = 18


def _seasonal_series(n: int, seed: int) -> np.ndarray:
    t = np.arange(n)
    noise = np.random.default_rng(seed).normal(0.0, 3.0, n)
    return 100.0 + 0.5 * t + 12.0 * np.sin(2 * np.pi * t / 12) + noise


def test_point_is_the_mean_of_statsmodels_ets_and_theta_forecasts():
    y = _seasonal_series(72, seed=3)
    fit = ETSTheta(ets=ETS(forms=("AAA",))).fit(y, 12, np.random.default_rng(0))
    assert isinstance(fit, CombinationFit) and fit.model == "ets+theta(AAA)"
    series = pd.Series(y)
    ets = ETSModel(series, error="add", trend="add", seasonal="add", seasonal_periods=12)
    ets_point = np.asarray(ets.fit(disp=False).forecast(H))
    theta_point = np.asarray(ThetaModel(series, period=12).fit().forecast(H))
    np.testing.assert_allclose(fit.point(H), (ets_point + theta_point) / 2, rtol=1e-8)


def test_short_series_theta_member_is_not_deseasonalised():
    y = _seasonal_series(20, seed=4)  # fewer than two seasons of 12
    fit = ETSTheta(ets=ETS(forms=("ANN",))).fit(y, 12, np.random.default_rng(0))
    series = pd.Series(y)
    ets_point = np.asarray(ETSModel(series, error="add").fit(disp=False).forecast(6))
    theta = ThetaModel(series, period=1, deseasonalize=False).fit().forecast(6)
    np.testing.assert_allclose(fit.point(6), (ets_point + np.asarray(theta)) / 2, rtol=1e-8)


def test_paths_are_the_ets_paths_shifted_to_the_combined_mean():
    y = _seasonal_series(72, seed=5)
    fit = ETSTheta(ets=ETS(forms=("AAA",))).fit(y, 12, np.random.default_rng(0))
    paths = fit.sample(H, 4000, np.random.default_rng(1))
    ets_paths = fit.ets.sample(H, 4000, np.random.default_rng(1))
    shift = fit.point(H) - fit.ets.point(H)
    np.testing.assert_allclose(paths - ets_paths, np.broadcast_to(shift, paths.shape))
    # additive ETS paths have the ETS point as their mean, so these have the combined one
    error = 4.0 * paths.std(axis=0) / np.sqrt(len(paths))
    assert np.all(np.abs(paths.mean(axis=0) - fit.point(H)) < error)


def test_auto_uses_the_combination_for_smooth_demand_and_says_so():
    y = _seasonal_series(72, seed=6)
    fit = AutoMethod(horizon=6, calibrate=False).fit(y, 12, np.random.default_rng(0))
    assert fit.model.startswith("ets+theta(")
    assert "class smooth" in fit.reason and "-> ets+theta" in fit.reason
    assert f"mean of ETS({fit.ets.form}) and Theta" in fit.reason


@pytest.mark.parametrize("values", [np.full(30, 7.0), np.r_[np.zeros(25), 1.0, 0, 0, 0, 0, 0]])
def test_degenerate_histories_still_give_finite_forecasts(values):
    fit = ETSTheta().fit(values, 12, np.random.default_rng(0))
    assert np.all(np.isfinite(fit.point(H)))
    assert np.all(np.isfinite(fit.sample(H, 50, np.random.default_rng(1))))
