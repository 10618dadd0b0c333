"""The negative-binomial NGBoost distribution and the global model's use of promotions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from ngboost import NGBRegressor
from ngboost.manifold import manifold
from ngboost.scores import LogScore
from scipy import stats

from stockwise.data.io import make_demand_frame
from stockwise.data.model import DemandHistory
from stockwise.forecasting.distributions import NegativeBinomial
from stockwise.forecasting.ngboost_model import NGBoostForecaster

MU = np.array([0.3, 2.0, 15.0, 80.0])
R = np.array([0.5, 3.0, 1.0, 40.0])
PARAMS = np.log(np.vstack([MU, R]))
NB = manifold(LogScore, NegativeBinomial)  # the class NGBoost builds: distribution + score


def test_log_score_is_scipy_negative_binomial_log_pmf():
    y = np.array([0.0, 4.0, 11.0, 95.0])
    dist = NB(PARAMS)
    expected = -stats.nbinom.logpmf(y, R, R / (R + MU))
    np.testing.assert_allclose(dist.score(y), expected, rtol=1e-10)


def _nb(params):
    mu, r = np.exp(params)
    return r, r / (r + mu)


def test_gradient_matches_finite_differences():
    y = np.array([1.0, 0.0, 30.0, 70.0])
    grad = NB(PARAMS).grad(y, natural=False)
    eps = 1e-6
    for k in range(2):
        step = np.zeros_like(PARAMS)
        step[k] = eps
        plus = -stats.nbinom.logpmf(y, *_nb(PARAMS + step))
        minus = -stats.nbinom.logpmf(y, *_nb(PARAMS - step))
        np.testing.assert_allclose(grad[:, k], (plus - minus) / (2 * eps), rtol=1e-5, atol=1e-7)


def test_fisher_information_matches_outer_product_of_scores():
    dist = NB(PARAMS)
    draws = np.random.default_rng(0).negative_binomial(*_nb(PARAMS), size=(20_000, 4))
    grads = np.stack([dist.d_score(d.astype(float)) for d in draws])  # draws x rows x 2
    outer = np.mean(np.einsum("sik,sij->sijk", grads, grads), axis=0)
    fisher = dist.metric()
    np.testing.assert_allclose(fisher[:, 0, 0], MU * R / (MU + R), rtol=1e-12)  # exact
    squares = grads[:, :, 0] ** 2
    se = squares.std(axis=0) / np.sqrt(len(squares))  # Monte Carlo error of the mean square
    assert np.all(np.abs(fisher[:, 0, 0] - outer[:, 0, 0]) < 4 * se)
    cross = grads[:, :, 0] * grads[:, :, 1]  # mu and r are orthogonal: E[cross] = 0
    assert np.all(np.abs(cross.mean(axis=0)) < 4 * cross.std(axis=0) / np.sqrt(len(cross)))
    # The log-r entry is a 12-draw estimate per row: unbiased, so averaged over 3000 copies
    # of each row it must match the outer product to within Monte Carlo error.
    copies = NB(np.tile(PARAMS, 3000)).metric()[:, 1, 1].reshape(3000, 4)
    squares = grads[:, :, 1] ** 2
    se = np.hypot(squares.std(axis=0) / np.sqrt(len(squares)), copies.std(axis=0) / np.sqrt(3000))
    assert np.all(np.abs(copies.mean(axis=0) - outer[:, 1, 1]) < 4 * se)


def test_ngboost_recovers_known_negative_binomial_parameters():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(3000, 2))
    mu, r = np.exp(1.0 + 0.7 * X[:, 0]), 2.0
    y = rng.negative_binomial(r, r / (r + mu)).astype(float)
    model = NGBRegressor(Dist=NegativeBinomial, n_estimators=150, verbose=False, random_state=0)
    fitted = model.fit(X, y).pred_dist(X)
    assert np.corrcoef(np.log(fitted.mu), np.log(mu))[0, 1] > 0.97
    assert 1.4 < np.median(fitted.r) < 2.8  # true size 2


def test_promotions_raise_forecast_demand_when_history_says_so():
    rng = np.random.default_rng(1)
    periods = pd.date_range("2023-01-02", periods=120, freq="W-MON")
    rows = []
    for s in range(8):
        promo = rng.random(120) < 0.25
        mu = np.where(promo, 30.0, 10.0)
        qty = rng.negative_binomial(5, 5 / (5 + mu))
        rows.append(pd.DataFrame({"item": f"I{s}", "location": "S", "period": periods,
                                  "quantity": qty, "promo": promo}))  # fmt: skip
    history = DemandHistory(make_demand_frame(pd.concat(rows, ignore_index=True)))
    model = NGBoostForecaster(n_estimators=80).fit(history)
    future_periods = pd.date_range(periods[-1], periods=5, freq="W-MON")[1:]
    future = pd.DataFrame(
        [(f"I{s}", "S", p, np.nan, bool(h % 2)) for s in range(8) for h, p in
         enumerate(future_periods)],
        columns=["item", "location", "period", "price", "promo"],
    )  # fmt: skip
    result = model.predict(4, 300, seed=0, future=future)
    mean = result.paths.mean(axis=(0, 1))
    assert mean[1] > 2 * mean[0] and mean[3] > 2 * mean[2]  # promo weeks 1 and 3
    assert result.models["model"].eq("ngboost(negative binomial)").all()


def test_too_short_history_is_a_clear_error():
    frame = make_demand_frame(
        pd.DataFrame({"item": "A", "location": "S", "period": range(5), "quantity": 1.0})
    )
    with pytest.raises(ValueError, match="NGBoost needs more than"):
        NGBoostForecaster(n_estimators=5).fit(DemandHistory(frame))


def test_continuous_volumes_use_a_normal_and_stay_non_negative():
    rng = np.random.default_rng(2)
    frame = make_demand_frame(
        pd.DataFrame(
            {
                "item": np.repeat(["A", "B"], 60),
                "location": "S",
                "period": np.tile(np.arange(60), 2),
                "quantity": np.abs(rng.normal(20.0, 6.0, 120)) + 0.25,
            }
        )
    )
    model = NGBoostForecaster(n_estimators=20).fit(DemandHistory(frame))
    result = model.predict(3, 200, seed=1)
    assert result.models["model"].eq("ngboost(normal)").all()
    assert np.all(result.paths >= 0) and np.any(result.paths != np.round(result.paths))
    assert abs(result.paths.mean() - 20.25) < 3.0  # the process mean, within model error
