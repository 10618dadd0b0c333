"""ETS against statsmodels and statsforecast: the chosen form, its forecast and likelihood.

Exhaustive search is checked against statsmodels' own fits of every form; the screened
search against statsforecast's single-form fits (the screen's AICc) and its automatic
choice where both search the same forms under the same bounds.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from statsforecast.models import AutoETS
from statsmodels.tsa.exponential_smoothing.ets import ETSModel

from stockwise.forecasting.ets import ALL_FORMS, ETS, ETSFit, Form
from stockwise.forecasting.ets_search import rank_forms

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


def statsforecast_aicc(y: np.ndarray, code: str, m: int) -> float:
    form = Form.parse(code)
    model = AutoETS(
        season_length=m,
        model=form.error + form.trend[0] + form.seasonal,
        damped=form.trend == "Ad",
    )
    return float(model.fit(y).model_["aicc"])


@pytest.fixture(scope="module")
def seasonal_fit() -> ETSFit:
    fit = ETS().fit(SEASONAL, 12, np.random.default_rng(0))
    assert isinstance(fit, ETSFit)
    return fit


def test_exhaustive_choice_has_smallest_aicc_among_statsmodels_fits():
    fit = ETS(search="exhaustive").fit(SEASONAL, 12, np.random.default_rng(0))
    aicc = {code: statsmodels_fit(SEASONAL, code, 12).aicc for code in STATSMODELS_ARGS}
    assert fit.form == min(aicc, key=aicc.get)
    assert Form.parse(fit.form).seasonal != "N"  # the season is found
    assert fit.reason.startswith(f"ETS({fit.form}) lowest statsmodels AICc")
    assert fit.reason.endswith("of 15")


def test_screen_aicc_equals_statsforecast_single_form_fits():
    ranked = rank_forms(SEASONAL, [Form.parse(c) for c in ALL_FORMS], 12)
    assert [f.code for _, f in ranked] != list(ALL_FORMS)  # sorted, not the input order
    for aicc, form in ranked:
        assert aicc == pytest.approx(statsforecast_aicc(SEASONAL, form.code, 12), rel=1e-9)
    assert [a for a, _ in ranked] == sorted(a for a, _ in ranked)


def test_screened_choice_equals_statsforecast_autoets_without_trend():
    """Without trend forms statsforecast's search narrows no bounds between forms, so its
    automatic choice is the screen's best form by construction."""
    no_trend = tuple(c for c in ALL_FORMS if c[1] == "N")
    for y in (SEASONAL, SEASONAL[::-1] + 50, RNG.gamma(4.0, 5.0, 60) + 1):
        fit = ETS(forms=no_trend).fit(y, 12, np.random.default_rng(0))
        peer = AutoETS(season_length=12, model="ZNZ").fit(y).model_["method"]
        assert f"ETS({fit.form[0]},{fit.form[1]},{fit.form[2]})" == peer


def test_top_k_keeps_least_statsmodels_aicc_among_best_screened(seasonal_fit):
    ranked = rank_forms(SEASONAL, ETS().admissible(SEASONAL, 12), 12)
    assert seasonal_fit.form == ranked[0][1].code  # top_k=1: the screen's best form
    assert "screened 15 forms by statsforecast AICc" in seasonal_fit.reason
    two = [form.code for _, form in ranked[:2]]
    aicc = {code: statsmodels_fit(SEASONAL, code, 12).aicc for code in two}
    fit = ETS(top_k=2).fit(SEASONAL, 12, np.random.default_rng(0))
    assert fit.form == min(aicc, key=aicc.get)
    assert fit.reason.endswith(f"lowest statsmodels AICc {min(aicc.values()):.1f} of 2")


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


def test_bad_settings_are_clear_errors():
    with pytest.raises(ValueError, match="ETS form 'AXN'"):
        ETS(forms=("AXN",))
    with pytest.raises(ValueError, match="ETS search 'all'"):
        ETS(search="all")
    with pytest.raises(ValueError, match="top_k must be a whole number >= 1, got 0"):
        ETS(top_k=0)


def test_failing_forms_are_skipped_and_recorded(monkeypatch):
    from stockwise.forecasting import ets as ets_module

    real = ets_module.fit_form

    def flaky(y, form, m):
        if form.trend != "N":
            raise FloatingPointError("forecast diverges")
        return real(y, form, m)

    monkeypatch.setattr(ets_module, "fit_form", flaky)
    exhaustive = ETS(forms=("ANN", "AAN", "AAdN"), search="exhaustive")
    fit = exhaustive.fit(SEASONAL, 12, np.random.default_rng(0))
    assert fit.model == "ets(ANN)"
    assert "skipped AAN: forecast diverges, AAdN: forecast diverges" in fit.reason
    fit = ETS(forms=("AAN",)).fit(SEASONAL, 12, np.random.default_rng(0))
    assert fit.model == "seasonal_naive" and "ETS failed (AAN: forecast diverges)" in fit.reason


def test_screen_falls_through_to_the_next_form_when_statsmodels_fails(monkeypatch):
    from stockwise.forecasting import ets as ets_module

    forms = ("ANN", "AAN", "AAdN", "ANA")
    ranked = [f.code for _, f in rank_forms(SEASONAL, [Form.parse(c) for c in forms], 12)]
    real = ets_module.fit_form

    def flaky(y, form, m):
        if form.code == ranked[0]:
            raise FloatingPointError("non-finite likelihood")
        return real(y, form, m)

    monkeypatch.setattr(ets_module, "fit_form", flaky)
    fit = ETS(forms=forms).fit(SEASONAL, 12, np.random.default_rng(0))
    assert fit.form == ranked[1]
    assert fit.reason.endswith(f"of 1; skipped {ranked[0]}: non-finite likelihood")
