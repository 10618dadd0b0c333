"""NGBoost as one global model pooled over every series, with recursive sample paths.

Training rows are (series, period) pairs with ``span`` periods of history before them
(the most recent ``rows_per_series`` per series); features come from
:mod:`stockwise.forecasting.features`. Counts use the negative binomial of
:mod:`stockwise.forecasting.distributions`; non-count volumes a normal. Paths are simulated
recursively: every path draws period ``t``, then feeds its own draw back as a lag for
``t + 1``, so each path is a joint draw over the horizon.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from ngboost import NGBRegressor
from ngboost.distns import Normal
from numpy.lib.stride_tricks import sliding_window_view
from sklearn.tree import DecisionTreeRegressor
from threadpoolctl import threadpool_limits

from stockwise.data.model import DemandHistory
from stockwise.forecasting import features as feat
from stockwise.forecasting.distributions import NegativeBinomial
from stockwise.forecasting.forecaster import (
    Forecaster,
    check_predict_args,
    finish_paths,
    series_seeds,
)
from stockwise.forecasting.panel import ForecastInputError, make_panel
from stockwise.forecasting.result import ForecastResult


class NGBoostForecaster(Forecaster):
    """Global NGBoost over all series.

    n_estimators, learning_rate, minibatch_frac : NGBoost boosting settings
    max_depth : depth of each regression tree
    rows_per_series : most recent training rows taken per series
    season_length : periods per season; inferred from dated periods when ``None``
    random_state : seed of the boosting (row subsampling)
    """

    def __init__(
        self,
        *,
        n_estimators: int = 300,
        learning_rate: float = 0.05,
        minibatch_frac: float = 0.5,
        max_depth: int = 4,
        rows_per_series: int = 400,
        season_length: int | None = None,
        random_state: int = 0,
    ) -> None:
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.minibatch_frac = minibatch_frac
        self.max_depth = max_depth
        self.rows_per_series = rows_per_series
        self.season_length = season_length
        self.random_state = random_state

    name = "ngboost"

    def fit(self, history: DemandHistory) -> NGBoostForecaster:
        panel = make_panel(history, self.season_length)
        spec = feat.FeatureSpec.for_season(panel.season_length)
        q = panel.quantity
        if q.shape[1] <= spec.span + 1:
            raise ForecastInputError(
                f"NGBoost needs more than {spec.span + 1} periods of history (lags and rolling "
                f"windows of up to {spec.span} periods); got {q.shape[1]}"
            )
        windows = sliding_window_view(q, spec.span, axis=1)[:, :-1]  # S x (T-span) x span
        target = q[:, spec.span :]
        valid = ~np.isnan(windows).any(axis=2) & ~np.isnan(target)
        recent_rank = np.cumsum(valid[:, ::-1], axis=1)[:, ::-1]
        valid &= recent_rank <= self.rows_per_series
        s_idx, t_off = np.nonzero(valid)
        t_idx = t_off + spec.span
        self.static_ = feat.static(q)
        known = np.isfinite(panel.price)
        total = np.where(known, panel.price, 0.0).sum(axis=1)
        self.price_ref_ = np.where(
            known.any(axis=1), total / np.maximum(known.sum(axis=1), 1), np.nan
        )
        cal = feat.calendar(panel.periods, panel.season_length)
        X = feat.design(
            spec.recent(windows[s_idx, t_off]),
            self.static_[s_idx],
            cal[t_idx],
            feat.relative_price(panel.price[s_idx, t_idx], self.price_ref_[s_idx]),
            panel.promo[s_idx, t_idx],
        )
        y = target[s_idx, t_off]
        dist = NegativeBinomial if panel.is_count else Normal
        self.model_ = NGBRegressor(
            Dist=dist,
            Base=DecisionTreeRegressor(criterion="friedman_mse", max_depth=self.max_depth),
            n_estimators=self.n_estimators,
            learning_rate=self.learning_rate,
            minibatch_frac=self.minibatch_frac,
            verbose=False,
            random_state=self.random_state,
        )
        with warnings.catch_warnings(), threadpool_limits(limits=1):
            warnings.simplefilter("ignore")
            self.model_.fit(X, y)
        self.panel_, self.spec_ = panel, spec
        self.n_rows_ = len(y)
        return self

    def _future_covariates(
        self, future: pd.DataFrame | None, periods: pd.Index
    ) -> tuple[np.ndarray, np.ndarray]:
        """``series x horizon`` price and promo; unknown price → last known, promo → off."""
        panel = self.panel_
        last_price = pd.DataFrame(panel.price.T).ffill().iloc[-1].to_numpy()
        price = np.repeat(last_price[:, None], len(periods), axis=1)
        promo = np.zeros((len(panel.keys), len(periods)), dtype=bool)
        if future is None or future.empty:
            return price, promo
        rows = pd.MultiIndex.from_tuples(panel.keys).get_indexer(
            pd.MultiIndex.from_frame(future[["item", "location"]])
        )
        cols = periods.get_indexer(pd.Index(future["period"]))
        keep = (rows >= 0) & (cols >= 0)
        if "price" in future:
            given = future["price"].to_numpy(dtype=float)[keep]
            known = np.isfinite(given)
            price[rows[keep][known], cols[keep][known]] = given[known]
        if "promo" in future:
            promo[rows[keep], cols[keep]] = future["promo"].to_numpy(dtype=bool)[keep]
        return price, promo

    def predict(
        self, horizon: int, n_paths: int = 1000, seed: int = 0, future: pd.DataFrame | None = None
    ) -> ForecastResult:
        check_predict_args(horizon, n_paths)
        panel, spec = self.panel_, self.spec_
        n_series = len(panel.keys)
        periods = panel.future_periods(horizon)
        price, promo = self._future_covariates(future, periods)
        cal = feat.calendar(periods, panel.season_length)
        # Rows are series-major: row = series * n_paths + path.
        history = np.nan_to_num(panel.quantity[:, -spec.span :], nan=0.0)
        window = np.repeat(history, n_paths, axis=0)
        series = np.repeat(np.arange(n_series), n_paths)
        rngs = [np.random.default_rng(s) for s in series_seeds(seed, n_series)]
        paths = np.empty((n_series, n_paths, horizon))
        with threadpool_limits(limits=1):
            for h in range(horizon):
                X = feat.design(
                    spec.recent(window),
                    self.static_[series],
                    np.repeat(cal[h : h + 1], len(series), axis=0),
                    feat.relative_price(price[series, h], self.price_ref_[series]),
                    promo[series, h],
                )
                dist = self.model_.pred_dist(X)
                step = self._draw(dist, rngs, n_paths)
                paths[:, :, h] = step.reshape(n_series, n_paths)
                window = np.column_stack([window[:, 1:], np.clip(step, 0.0, None)])
        name = "ngboost(negative binomial)" if panel.is_count else "ngboost(normal)"
        models = pd.DataFrame(
            [
                (*key, name, f"global model over {n_series} series, {self.n_rows_} rows")
                for key in panel.keys
            ],
            columns=["item", "location", "model", "reason"],
        )
        return ForecastResult(
            keys=panel.keys,
            paths=finish_paths(paths, panel.is_count),
            periods=periods,
            models=models,
        )

    @staticmethod
    def _draw(dist, rngs: list[np.random.Generator], n_paths: int) -> np.ndarray:
        """One draw per row; series ``i``'s rows use ``rngs[i]`` only (reproducible per series)."""
        out = np.empty(len(rngs) * n_paths)
        for i, rng in enumerate(rngs):
            block = slice(i * n_paths, (i + 1) * n_paths)
            if isinstance(dist, NegativeBinomial):
                out[block] = dist[block].draw(rng)
            else:
                params = dist[block].params
                out[block] = rng.normal(params["loc"], params["scale"])
        return out
