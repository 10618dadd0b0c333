"""One interface for every model: ``fit(history)`` then ``predict(horizon, n_paths, seed)``.

``LocalForecaster`` runs a per-series method (ETS, Croston, ...) over every series of a
demand history, in parallel processes; global models (NGBoost) implement ``Forecaster``
directly. Series ``i`` always draws from ``SeedSequence(seed).spawn(n_series)[i]``, so the
paths depend on the seed only, never on the number of workers.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from stockwise.data.model import DemandHistory
from stockwise.forecasting.base import SeriesFit, SeriesMethod
from stockwise.forecasting.naive import SeasonalNaive
from stockwise.forecasting.panel import Panel, make_panel
from stockwise.forecasting.parallel import map_series
from stockwise.forecasting.result import ForecastResult

log = logging.getLogger(__name__)


class Forecaster(ABC):
    """Fit on a demand history of many series; predict joint sample paths."""

    panel_: Panel

    @abstractmethod
    def fit(self, history: DemandHistory) -> Forecaster:
        """Learn from ``history``; returns ``self``."""

    @abstractmethod
    def predict(
        self, horizon: int, n_paths: int = 1000, seed: int = 0, future: pd.DataFrame | None = None
    ) -> ForecastResult:
        """``n_paths`` joint paths of the next ``horizon`` periods for every series.

        future : optional ``item, location, period, price, promo`` rows for the forecast
            periods (planned prices and promotions); models without covariates ignore it.
        """


def check_predict_args(horizon: int, n_paths: int) -> None:
    if int(horizon) != horizon or horizon < 1:
        raise ValueError(f"horizon must be a whole number of periods >= 1, got {horizon}")
    if int(n_paths) != n_paths or n_paths < 1:
        raise ValueError(f"n_paths must be a whole number >= 1, got {n_paths}")


def finish_paths(paths: np.ndarray, is_count: bool) -> np.ndarray:
    """Clip at zero; round to whole units when the history is counts."""
    out = np.clip(paths, 0.0, None)
    return np.rint(out) if is_count else out


def series_seeds(seed: int, n_series: int) -> list[np.random.SeedSequence]:
    """Independent seed per series: ``SeedSequence(seed).spawn(n_series)``."""
    return np.random.SeedSequence(seed).spawn(n_series)


@dataclass(frozen=True)
class _FitTask:
    method: SeriesMethod
    y: np.ndarray
    season_length: int
    seed: np.random.SeedSequence


def _fit_one(task: _FitTask) -> SeriesFit:
    return task.method.fit(task.y, task.season_length, np.random.default_rng(task.seed))


class LocalForecaster(Forecaster):
    """A per-series ``method`` fitted to every series independently.

    method : the per-series method (``ETS()``, ``Croston()``, ``AutoMethod()`` ...)
    season_length : periods per season; inferred from dated periods when ``None``
    n_jobs : worker processes (``-1``: one per core); results do not depend on it
    progress : show a progress bar while fitting
    random_state : seed for randomised steps inside fitting (auto's backtest)
    """

    def __init__(
        self,
        method: SeriesMethod,
        *,
        season_length: int | None = None,
        n_jobs: int = 1,
        progress: bool = False,
        random_state: int = 0,
    ) -> None:
        self.method = method
        self.season_length = season_length
        self.n_jobs = n_jobs
        self.progress = progress
        self.random_state = random_state

    @property
    def name(self) -> str:
        return self.method.name

    def fit(self, history: DemandHistory) -> LocalForecaster:
        panel = make_panel(history, self.season_length)
        seeds = series_seeds(self.random_state, len(panel.keys))
        tasks = [
            _FitTask(self.method, panel.series(i), panel.season_length, seeds[i])
            for i in range(len(panel.keys))
        ]
        self.fits_: list[SeriesFit] = map_series(
            _fit_one,
            tasks,
            n_jobs=self.n_jobs,
            progress=self.progress,
            description=f"fitting {self.name}",
        )
        pool = getattr(self.method, "pool", None)  # pooled step over all fits (auto)
        if pool is not None:
            self.fits_ = pool(self.fits_)
        self.panel_ = panel
        return self

    def predict(
        self, horizon: int, n_paths: int = 1000, seed: int = 0, future: pd.DataFrame | None = None
    ) -> ForecastResult:
        check_predict_args(horizon, n_paths)
        panel = self.panel_
        paths = np.empty((len(panel.keys), n_paths, horizon))
        rows = []
        with threadpool_limits(limits=1):
            self._sample_all(horizon, n_paths, seed, paths, rows)
        models = pd.DataFrame(rows, columns=["item", "location", "model", "reason"])
        return ForecastResult(
            keys=panel.keys,
            paths=paths,
            periods=panel.future_periods(horizon),
            models=models,
        )

    def _sample_all(
        self, horizon: int, n_paths: int, seed: int, paths: np.ndarray, rows: list
    ) -> None:
        panel = self.panel_
        seeds = series_seeds(seed, len(panel.keys))
        for i, fit in enumerate(self.fits_):
            draw = fit.sample(horizon, n_paths, np.random.default_rng(seeds[i]))
            if not np.all(np.isfinite(draw)):
                y = panel.series(i)
                fallback = SeasonalNaive().fit(y, panel.season_length, np.random.default_rng(0))
                why = f"{fit.model} simulated non-finite paths: fell back to {fallback.model}"
                log.warning("%s at %s: %s", *panel.keys[i], why)
                fit = replace(fallback, reason=why)  # type: ignore[type-var]
                self.fits_[i] = fit
                draw = fit.sample(horizon, n_paths, np.random.default_rng(seeds[i]))
            paths[i] = finish_paths(draw, panel.is_count)
            rows.append((*panel.keys[i], fit.model, fit.reason))

    def point(self, horizon: int) -> np.ndarray:
        """[units] ``series x horizon`` mean forecasts of the fitted models (unclipped)."""
        return np.stack([fit.point(horizon) for fit in self.fits_])
