"""Seasonal naive with bootstrapped residual paths.

Point forecast: the value one season earlier, ``y[T + h - m * ceil(h / m)]``. Paths follow
the seasonal random walk ``y[t] = y[t - m] + e`` with ``e`` resampled from the in-sample
seasonal differences, so errors accumulate over whole seasons as the model implies.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stockwise.forecasting.base import SeriesFit, trivial_fit


@dataclass(frozen=True)
class SeasonalNaiveFit:
    last_season: np.ndarray
    residuals: np.ndarray
    model: str = "seasonal_naive"
    reason: str = ""

    def point(self, horizon: int) -> np.ndarray:
        m = len(self.last_season)
        return self.last_season[np.arange(horizon) % m]

    def sample(self, horizon: int, n_paths: int, rng: np.random.Generator) -> np.ndarray:
        m = len(self.last_season)
        shocks = rng.choice(self.residuals, size=(n_paths, horizon), replace=True)
        paths = np.empty((n_paths, horizon))
        for h in range(horizon):
            before = paths[:, h - m] if h >= m else self.last_season[h]
            paths[:, h] = before + shocks[:, h]
        return paths


@dataclass(frozen=True)
class SeasonalNaive:
    """Seasonal naive (naive when the series has no season or is shorter than two seasons)."""

    name: str = "seasonal_naive"

    def fit(self, y: np.ndarray, season_length: int, rng: np.random.Generator) -> SeriesFit:
        trivial = trivial_fit(y, 3, self.name)
        if trivial is not None:
            return trivial
        m, reason = season_length, ""
        if m > 1 and len(y) < 2 * m:
            m, reason = 1, f"{len(y)} periods < two seasons of {season_length}: naive (lag 1)"
        residuals = y[m:] - y[:-m]
        return SeasonalNaiveFit(
            np.asarray(y[-m:], dtype=float),
            residuals,
            model="naive" if m == 1 else "seasonal_naive",
            reason=reason,
        )
