"""ETS against statsmodels and statsforecast: the chosen form, its forecast and likelihood.

Exhaustive search and ``refit=True`` are checked against statsmodels' own fits; the
default screened search against statsforecast: its single-form fits (the screen's AICc),
its fitted values, forecasts and likelihood for the chosen form (two implementations of
the same model at the same estimates), and its automatic choice where both search the
same forms under the same bounds.
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


def statsforecast_form(code: str, m: int) -> AutoETS:
    form = Form.parse(code)
    return AutoETS(
        season_length=m,
        model=form.error + form.trend[0] + form.seasonal,
        damped=form.trend == "Ad",
    )


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
    assert [s.form.code for s in ranked] != list(ALL_FORMS)  # sorted, not the input order
    for screened in ranked:
        peer = statsforecast_form(screened.form.code, 12).fit(SEASONAL).model_["aicc"]
        assert screened.aicc == pytest.approx(peer, rel=1e-9)
    assert [s.aicc for s in ranked] == sorted(s.aicc for s in ranked)


def test_fit_is_statsmodels_at_statsforecast_estimates():
    """Forms whose recursions and forecasts the two packages share (statsforecast 2.1's
    damped forecasts and multiplicative-season recursion differ from statsmodels')."""
    shared = ("ANN", "AAN", "ANA", "AAA", "MNN", "MAN", "MNA", "MAA")
    for y in (SEASONAL, SEASONAL[::-1] + 50):
        fit = ETS(forms=shared).fit(y, 12, np.random.default_rng(0))
        peer = statsforecast_form(fit.form, 12)
        loglik = peer.fit(y).model_["loglik"]
        expected = peer.forecast(y=y, h=18, fitted=True)
        np.testing.assert_allclose(fit.result.fittedvalues, expected["fitted"], rtol=1e-9)
        np.testing.assert_allclose(fit.point(18), expected["mean"], rtol=1e-9)
        # statsforecast drops the constants of the Gaussian log-likelihood
        n = len(y)
        constants = n / 2 * (np.log(n) - np.log(2 * np.pi) - 1)
        assert fit.result.llf == pytest.approx(loglik + constants, rel=1e-9)


def test_screened_choice_equals_statsforecast_autoets_without_trend():
    """Without trend forms statsforecast's search narrows no bounds between forms, so its
    automatic choice is the screen's best form by construction."""
    no_trend = tuple(c for c in ALL_FORMS if c[1] == "N")
    for y in (SEASONAL, SEASONAL[::-1] + 50, RNG.gamma(4.0, 5.0, 60) + 1):
        fit = ETS(forms=no_trend).fit(y, 12, np.random.default_rng(0))
        peer = AutoETS(season_length=12, model="ZNZ").fit(y).model_["method"]
        assert f"ETS({fit.form[0]},{fit.form[1]},{fit.form[2]})" == peer


def test_refit_top_k_keeps_least_aicc_among_statsmodels_fits_of_best_screened(seasonal_fit):
    ranked = rank_forms(SEASONAL, ETS().admissible(SEASONAL, 12), 12)
    assert seasonal_fit.form == ranked[0].form.code  # top_k=1: the screen's best form
    assert "screened 15 forms by statsforecast AICc" in seasonal_fit.reason
    two = [s.form.code for s in ranked[:2]]
    oracles = {code: statsmodels_fit(SEASONAL, code, 12) for code in two}
    fit = ETS(top_k=2, refit=True).fit(SEASONAL, 12, np.random.default_rng(0))
    chosen = min(oracles, key=lambda code: oracles[code].aicc)
    assert fit.form == chosen
    assert "best 2 refitted by statsmodels" in fit.reason
    assert fit.reason.endswith(f"lowest statsmodels AICc {oracles[chosen].aicc:.1f} of 2")
    # the point forecast and likelihood are statsmodels' own fit of the chosen form
    assert fit.result.llf == pytest.approx(oracles[chosen].llf, rel=1e-9)
    np.testing.assert_allclose(fit.point(18), oracles[chosen].forecast(18), rtol=1e-9)


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
    with pytest.raises(ValueError, match="refit must be True or False, got 'yes'"):
        ETS(refit="yes")


def test_failing_forms_are_skipped_and_recorded(monkeypatch):
    from stockwise.forecasting import ets as ets_module

    real = ets_module.fit_form

    def flaky(y, form, m, params=None):
        if form.trend != "N":
            raise FloatingPointError("forecast diverges")
        return real(y, form, m, params)

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
    ranked = [s.form.code for s in rank_forms(SEASONAL, [Form.parse(c) for c in forms], 12)]
    real = ets_module.fit_form

    def flaky(y, form, m, params=None):
        if form.code == ranked[0]:
            raise FloatingPointError("non-finite likelihood")
        return real(y, form, m, params)

    monkeypatch.setattr(ets_module, "fit_form", flaky)
    fit = ETS(forms=forms).fit(SEASONAL, 12, np.random.default_rng(0))
    assert fit.form == ranked[1]
    assert fit.reason.endswith(f"of 1; skipped {ranked[0]}: non-finite likelihood")
