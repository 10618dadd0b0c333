"""Automatic choice and rolling-origin backtests on hand-checkable histories."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stockwise.forecasting import LocalForecaster, backtest, make_forecaster
from stockwise.forecasting.auto import AutoMethod, demand_class
from stockwise.forecasting.ets import ETS
from stockwise.forecasting.naive import SeasonalNaive

from .conftest import history_from

SEASON = np.array([20.0, 35.0, 50.0, 30.0, 10.0, 25.0])


def test_demand_class_matches_data_summary(small_history):
    from stockwise.data.summary import demand_classes

    panel_classes = demand_classes(small_history).set_index(["item", "location"])["demand_class"]
    for (item, location), group in small_history.frame.groupby(["item", "location"]):
        assert demand_class(group["quantity"].to_numpy()) == panel_classes[(item, location)]


def test_auto_picks_seasonal_naive_for_an_exactly_periodic_series_and_says_why():
    y = np.tile(SEASON, 8)
    candidates = {"smooth": (ETS(forms=("ANN", "AAN")), SeasonalNaive())}
    fit = AutoMethod(horizon=6, candidates=candidates).fit(y, 6, np.random.default_rng(0))
    assert fit.model == "seasonal_naive"
    assert "class smooth" in fit.reason and "seasonal_naive 0.000" in fit.reason


def test_auto_keeps_the_class_favourite_when_too_short_to_backtest():
    y = np.array([0, 0, 3, 0, 0, 0, 1, 0, 0, 2.0])
    fit = AutoMethod(horizon=6).fit(y, 1, np.random.default_rng(0))
    assert fit.model == "sba" and "too short to backtest" in fit.reason


def test_backtest_origins_and_perfect_scores_on_a_periodic_series():
    history = history_from({("A", "S"): np.tile(SEASON, 10)}, freq="MS")
    result = backtest(
        history,
        {"snaive": lambda: LocalForecaster(SeasonalNaive(), season_length=6)},
        horizon=4,
        folds=3,
        step=2,
        season_length=6,
    )
    table = result.table
    periods = pd.date_range("2024-01-01", periods=60, freq="MS")
    # cuts at 60 - 4 - 2*2 = 52, 54, 56: origins are the periods just before them
    assert list(table["origin"]) == list(periods[[51, 53, 55]])
    assert (table[["rmsse", "spl", "crps"]] == 0).all().all()
    assert table["mase"].isna().all()  # seasonal differences are all zero: MASE undefined
    assert (table[["cov50", "cov80", "cov95"]] == 1).all().all()
    assert result.summary.loc[0, "series_folds"] == 3


def test_backtest_scores_match_direct_metric_calls(small_history):
    from stockwise.forecasting.backtest import score

    result = backtest(
        small_history, {"sba": lambda: make_forecaster("sba")}, horizon=4, folds=1, seed=5
    )
    frame = small_history.frame
    last = np.sort(frame["period"].unique())[-4]
    train = frame[frame["period"] < last]
    forecast = make_forecaster("sba").fit(type(small_history)(train)).predict(4, 500, seed=5)
    key = forecast.keys[2]
    series = frame.set_index(["item", "location"]).loc[key]
    actual = series["quantity"].to_numpy()[-4:]
    insample = series["quantity"].to_numpy()[:-4]
    expected = score(actual, forecast.paths[2], insample, 52)
    row = result.table.iloc[2]
    for metric, value in expected.items():
        assert row[metric] == pytest.approx(value, nan_ok=True)


def test_backtest_rejects_too_many_folds(small_history):
    with pytest.raises(ValueError, match="too short for 30 folds"):
        backtest(small_history, {"sba": lambda: make_forecaster("sba")}, horizon=4, folds=30)
