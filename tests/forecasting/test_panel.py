"""Bad demand input: clear errors, or documented and logged handling."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest

from stockwise.data.model import DemandHistory
from stockwise.forecasting import ForecastInputError, make_forecaster
from stockwise.forecasting.panel import make_panel

from .conftest import history_from


def test_negative_quantity_names_series_period_and_value():
    history = history_from({("A", "S1"): [1, 2, -3, 4]})
    with pytest.raises(ForecastInputError, match=r"'A'.*'S1'.*2024-01-15.*-3\.0"):
        make_panel(history)


def test_duplicate_period_is_an_error():
    frame = history_from({("A", "S1"): [1, 2, 3]}).frame
    history = DemandHistory(pd.concat([frame, frame.iloc[[1]]], ignore_index=True))
    with pytest.raises(ForecastInputError, match="duplicate period.*'A'.*2024-01-08"):
        make_panel(history)


def test_empty_history_is_an_error():
    frame = history_from({("A", "S1"): [1.0]}).frame.iloc[:0]
    with pytest.raises(ForecastInputError, match="empty"):
        make_panel(DemandHistory(frame))


def test_gap_is_zero_demand_and_logged(caplog):
    frame = history_from({("A", "S1"): [4, 5, 6, 7, 8]}).frame.drop(index=2)
    with caplog.at_level(logging.WARNING, logger="stockwise.forecasting.panel"):
        panel = make_panel(DemandHistory(frame.reset_index(drop=True)))
    np.testing.assert_array_equal(panel.series(0), [4, 5, 0, 7, 8])
    assert "1 missing period(s)" in caplog.text


def test_late_starting_series_is_fitted_from_its_first_period():
    history = history_from({("A", "S1"): [1.0] * 10})
    late = history_from({("B", "S1"): [2.0] * 5}, start="2024-02-05")  # weeks 5..9
    panel = make_panel(DemandHistory(pd.concat([history.frame, late.frame], ignore_index=True)))
    assert len(panel.series(0)) == 10 and np.array_equal(panel.series(1), [2.0] * 5)
    assert panel.season_length == 52 and panel.is_count


def test_short_and_all_zero_series_fall_back_and_say_so():
    new = history_from({("A", "S1"): [3.0, 5.0]}, start="2024-07-15")  # weeks 28, 29
    zero = history_from({("B", "S1"): [0.0] * 30})
    history = DemandHistory(pd.concat([new.frame, zero.frame], ignore_index=True))
    result = make_forecaster("ets").fit(history).predict(3, 100, seed=0)
    models = result.models.set_index("item")
    assert models.loc["A", "model"] == "empirical" and "2 periods < 5" in models.loc["A", "reason"]
    assert set(np.unique(result.paths[0])) <= {3.0, 5.0}
    assert models.loc["B", "model"] == "zero" and not result.paths[1].any()


def test_bad_predict_arguments_are_named():
    fitted = make_forecaster("sba").fit(history_from({("A", "S1"): [1.0, 0.0, 2.0]}))
    with pytest.raises(ValueError, match="horizon must be"):
        fitted.predict(0)
    with pytest.raises(ValueError, match="n_paths must be"):
        fitted.predict(2, n_paths=0)


def test_single_dated_period_is_an_error():
    with pytest.raises(ForecastInputError, match="single period.*2024-01-01"):
        make_panel(history_from({("A", "S1"): [4.0]}))
