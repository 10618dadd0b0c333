"""ETS against statsmodels: the chosen form, its forecast and its likelihood."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from statsmodels.tsa.exponential_smoothing.ets import ETSModel

from stockwise.forecasting.ets import ETS, ETSFit, Form

RNG = np.random.default_rng(11)
T = np.arange(72)
SEASONAL = 100 + 0.5 * T + 15 * np.sin(2 * np.pi * T / 12) + RNG.normal(0, 3, 72)

STATSMODELS_ARGS = {
    "ANN": ("add", None, False, None), "AAN": ("add", "add", False, None),
    "AAdN": ("add", "add", True, None), "ANA": ("add", None, False, "add"),
    "AAA": ("add", "add", False, "add"), "AAdA": ("add", "add", True, "add"),
    "MNN": ("mul", None, False, None), "MAN": ("mul", "add", False, None),
    "MAdN": ("mul", "add", True, None), "MNA": ("mul", None, False, "add"),
    "MAA": ("mul", "add", False, "add"), "MAdA": ("mul", "add", True, "add"),
    "MNM": ("mul", None, False, "mul"), "MAM": ("mul", "add", False, "mul"),
    "MAdM": ("mul", "add", True, "mul"),
}  # fmt: skip


def statsmodels_fit(y: np.ndarray, code: str, m: int):
    error, trend, damped, seasonal = STATSMODELS_ARGS[code]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ETSModel(
            pd.Series(y, index=pd.period_range("2000-01", periods=len(y), freq="M")),
            error=error,
            trend=trend,
            damped_trend=damped,
            seasonal=seasonal,
            seasonal_periods=m if seasonal else None,
        ).fit(disp=False)


@pytest.fixture(scope="module")
def seasonal_fit() -> ETSFit:
    fit = ETS().fit(SEASONAL, 12, np.random.default_rng(0))
    assert isinstance(fit, ETSFit)
    return fit


def test_chosen_form_has_smallest_aicc_among_statsmodels_fits(seasonal_fit):
    aicc = {code: statsmodels_fit(SEASONAL, code, 12).aicc for code in STATSMODELS_ARGS}
    assert seasonal_fit.form == min(aicc, key=aicc.get)
    assert Form.parse(seasonal_fit.form).seasonal != "N"  # the season is found


def test_point_forecast_and_likelihood_equal_statsmodels(seasonal_fit):
    oracle = statsmodels_fit(SEASONAL, seasonal_fit.form, 12)
    assert seasonal_fit.result.llf == pytest.approx(oracle.llf, rel=1e-9)
    np.testing.assert_allclose(seasonal_fit.point(18), oracle.forecast(18), rtol=1e-9)


def test_simulated_paths_centre_on_point_forecast(seasonal_fit):
    paths = seasonal_fit.sample(6, 4000, np.random.default_rng(5))
    se = paths.std(axis=0) / np.sqrt(4000)
    assert np.all(np.abs(paths.mean(axis=0) - seasonal_fit.point(6)) < 4 * se)


def test_multiplicative_forms_only_for_positive_series():
    ets = ETS()
    with_zero = np.r_[0.0, SEASONAL[1:]]
    assert all(f.error == "A" and f.seasonal != "M" for f in ets.admissible(with_zero, 12))
    assert any(f.seasonal == "M" for f in ets.admissible(SEASONAL, 12))
    assert not any(f.error == "A" and f.seasonal == "M" for f in ets.admissible(SEASONAL, 12))


def test_long_seasons_and_short_series_drop_seasonal_forms():
    ets = ETS()
    assert all(f.seasonal == "N" for f in ets.admissible(SEASONAL, 52))  # m > 24
    assert all(f.seasonal == "N" for f in ets.admissible(SEASONAL[:20], 12))  # < 2 seasons


def test_no_admissible_form_falls_back_to_seasonal_naive_and_says_why():
    fit = ETS(forms=("MNN",)).fit(np.r_[0.0, SEASONAL[1:40]], 12, np.random.default_rng(0))
    assert fit.model == "seasonal_naive"
    assert "ETS failed" in fit.reason and "no admissible form" in fit.reason


def test_bad_form_code_is_a_clear_error():
    with pytest.raises(ValueError, match="ETS form 'AXN'"):
        ETS(forms=("AXN",))


def test_failing_forms_are_skipped_and_recorded(monkeypatch):
    from stockwise.forecasting import ets as ets_module

    real = ets_module.fit_form

    def flaky(y, form, m):
        if form.trend != "N":
            raise FloatingPointError("forecast diverges")
        return real(y, form, m)

    monkeypatch.setattr(ets_module, "fit_form", flaky)
    fit = ETS(forms=("ANN", "AAN", "AAdN")).fit(SEASONAL, 12, np.random.default_rng(0))
    assert fit.model == "ets(ANN)"
    assert "skipped AAN: forecast diverges, AAdN: forecast diverges" in fit.reason
    fit = ETS(forms=("AAN",)).fit(SEASONAL, 12, np.random.default_rng(0))
    assert fit.model == "seasonal_naive" and "ETS failed (AAN: forecast diverges)" in fit.reason
