"""ETS–Theta–ARIMA combination against statsforecast's DynamicOptimizedTheta and AutoARIMA
fitted directly (the ETS member is checked against statsmodels in ``test_ets``)."""

from __future__ import annotations

import numpy as np
import pytest
from statsforecast.models import AutoARIMA, DynamicOptimizedTheta

from stockwise.forecasting.auto import AutoMethod
from stockwise.forecasting.combination import Combination, CombinationFit
from stockwise.forecasting.ets import ETS

H = 18


def _seasonal_series(n: int, seed: int) -> np.ndarray:
    t = np.arange(n)
    noise = np.random.default_rng(seed).normal(0.0, 3.0, n)
    return 100.0 + 0.5 * t + 12.0 * np.sin(2 * np.pi * t / 12) + noise


def test_point_is_the_mean_of_the_ets_theta_and_arima_forecasts():
    y = _seasonal_series(72, seed=3)
    fit = Combination(ets=ETS(forms=("AAA",))).fit(y, 12, np.random.default_rng(0))
    assert isinstance(fit, CombinationFit) and fit.model == "ets+theta+arima(AAA)"
    ets_point = fit.ets.point(H)
    theta_point = DynamicOptimizedTheta(season_length=12).fit(y).predict(H)["mean"]
    arima_point = AutoARIMA(season_length=12).fit(y).predict(H)["mean"]
    expected = (ets_point + theta_point + arima_point) / 3
    np.testing.assert_allclose(fit.point(H), expected, rtol=1e-8)
    assert f"mean of ETS(AAA), DOTM, {fit.arima.label}" in fit.reason


def test_a_fixed_arima_order_refits_the_order_the_search_chose():
    y = _seasonal_series(72, seed=7)
    searched = Combination(ets=ETS(forms=("ANN",))).fit(y, 12, np.random.default_rng(0))
    order = searched.arima.order
    fixed = Combination(ets=ETS(forms=("ANN",)), arima_order=order)
    refit = fixed.fit(y, 12, np.random.default_rng(0))
    assert refit.arima.order == order
    np.testing.assert_allclose(refit.point(H), searched.point(H), rtol=1e-6)


def test_short_series_members_are_not_seasonal():
    y = _seasonal_series(20, seed=4)  # fewer than two seasons of 12
    fit = Combination(ets=ETS(forms=("ANN",))).fit(y, 12, np.random.default_rng(0))
    ets_point = fit.ets.point(6)
    theta = DynamicOptimizedTheta(season_length=1).fit(y).predict(6)["mean"]
    arima = AutoARIMA(season_length=1).fit(y).predict(6)["mean"]
    np.testing.assert_allclose(fit.point(6), (ets_point + theta + arima) / 3, rtol=1e-8)


def test_paths_are_the_ets_paths_shifted_to_the_combined_mean():
    y = _seasonal_series(72, seed=5)
    fit = Combination(ets=ETS(forms=("AAA",))).fit(y, 12, np.random.default_rng(0))
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
    assert fit.model.startswith("ets+theta+arima(")
    assert "class smooth" in fit.reason and "-> ets+theta+arima" in fit.reason
    assert f"mean of ETS({fit.ets.form}), DOTM, ARIMA(" in fit.reason


@pytest.mark.parametrize("values", [np.full(30, 7.0), np.r_[np.zeros(25), 1.0, 0, 0, 0, 0, 0]])
def test_degenerate_histories_still_give_finite_forecasts(values):
    fit = Combination().fit(values, 12, np.random.default_rng(0))
    assert np.all(np.isfinite(fit.point(H)))
    assert np.all(np.isfinite(fit.sample(H, 50, np.random.default_rng(1))))
