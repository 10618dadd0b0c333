"""One contract for every model: shapes, labels, non-negative counts, seeds, workers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stockwise.forecasting import MODEL_NAMES, make_forecaster
from stockwise.forecasting.result import ForecastResult

from .conftest import history_from

H, N = 5, 64


@pytest.fixture(scope="module", params=MODEL_NAMES)
def fitted(request, small_history):
    options = {"n_estimators": 30} if request.param == "ngboost" else {}
    forecaster = make_forecaster(request.param, horizon=H, **options).fit(small_history)
    return request.param, forecaster


def test_contract(fitted, small_history):
    name, forecaster = fitted
    result = forecaster.predict(H, N, seed=3)
    assert isinstance(result, ForecastResult)
    assert result.paths.shape == (6, N, H)
    assert result.keys == tuple(small_history.series_keys)
    last = small_history.periods[-1]
    assert result.periods[0] == last + pd.Timedelta(weeks=1) and len(result.periods) == H
    assert np.all(result.paths >= 0) and np.all(result.paths == np.round(result.paths))
    assert list(result.models.columns) == ["item", "location", "model", "reason"]
    assert result.models["model"].str.len().gt(0).all()
    if name != "auto":
        assert result.models["model"].str.contains(name.split("_")[-1]).any()
    again = forecaster.predict(H, N, seed=3)
    np.testing.assert_array_equal(result.paths, again.paths)
    assert not np.array_equal(result.paths, forecaster.predict(H, N, seed=4).paths)
    q = result.quantiles((0.1, 0.5, 0.9)).pivot_table(
        index=["item", "location", "period"], columns="quantile", values="value"
    )
    assert (np.diff(q.to_numpy(), axis=1) >= 0).all()


def test_results_do_not_depend_on_the_number_of_workers(small_history):
    one = make_forecaster("auto", horizon=H, n_jobs=1).fit(small_history).predict(H, N, seed=9)
    two = make_forecaster("auto", horizon=H, n_jobs=2).fit(small_history).predict(H, N, seed=9)
    np.testing.assert_array_equal(one.paths, two.paths)
    pd.testing.assert_frame_equal(one.models, two.models)


counts = st.lists(st.integers(0, 40), min_size=2, max_size=40)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    series=st.lists(counts, min_size=1, max_size=3),
    name=st.sampled_from(["croston", "sba", "tsb", "seasonal_naive", "auto"]),
    seed=st.integers(0, 2**32 - 1),
)
def test_any_count_history_gives_non_negative_integer_paths_and_ordered_quantiles(
    series, name, seed
):
    history = history_from({(f"I{i}", "S"): values for i, values in enumerate(series)})
    result = make_forecaster(name, horizon=3).fit(history).predict(3, 40, seed=seed)
    assert np.all(np.isfinite(result.paths)) and np.all(result.paths >= 0)
    assert np.all(result.paths == np.round(result.paths))
    q = np.quantile(result.paths, [0.05, 0.25, 0.5, 0.75, 0.95], axis=1)
    assert np.all(np.diff(q, axis=0) >= -1e-9)
    np.testing.assert_array_equal(
        result.paths, make_forecaster(name, horizon=3).fit(history).predict(3, 40, seed).paths
    )


@settings(max_examples=10, deadline=None)
@given(values=st.lists(st.floats(0, 1e4, allow_nan=False), min_size=8, max_size=30))
def test_continuous_ets_paths_are_non_negative(values):
    history = history_from({("A", "S"): values})
    result = make_forecaster("ets", forms=("ANN", "AAN")).fit(history).predict(4, 50, seed=1)
    assert np.all(np.isfinite(result.paths)) and np.all(result.paths >= 0)
