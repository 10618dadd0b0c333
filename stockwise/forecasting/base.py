"""The per-series model contract shared by ETS, Croston/SBA/TSB and the baselines.

A ``SeriesMethod`` is configured at construction and fitted on one history; its fit is a
``SeriesFit`` that draws joint sample paths. The panel driver
(:mod:`stockwise.forecasting.forecaster`) runs a method over many series.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np


class SeriesFit(Protocol):
    """A fitted model of one series."""

    model: str
    reason: str

    def point(self, horizon: int) -> np.ndarray:
        """[units] mean forecast, length ``horizon``."""
        ...

    def sample(self, horizon: int, n_paths: int, rng: np.random.Generator) -> np.ndarray:
        """[units] ``n_paths x horizon`` joint draws of future demand (may be unclipped)."""
        ...


class SeriesMethod(Protocol):
    """A forecasting method for one series; stateless, parameters set at construction."""

    name: str

    def fit(self, y: np.ndarray, season_length: int, rng: np.random.Generator) -> SeriesFit:
        """Fit on ``y`` [units] (no NaN, non-negative); ``rng`` only for randomised choices."""
        ...


@dataclass(frozen=True)
class ZeroFit:
    """Demand that never occurred: every path is zero."""

    model: str = "zero"
    reason: str = "all-zero history: forecast is zero demand"

    def point(self, horizon: int) -> np.ndarray:
        return np.zeros(horizon)

    def sample(self, horizon: int, n_paths: int, rng: np.random.Generator) -> np.ndarray:
        return np.zeros((n_paths, horizon))


@dataclass(frozen=True)
class EmpiricalFit:
    """Independent draws from the observed values: the fallback for very short series."""

    values: np.ndarray
    model: str = "empirical"
    reason: str = ""

    def point(self, horizon: int) -> np.ndarray:
        return np.full(horizon, float(np.mean(self.values)))

    def sample(self, horizon: int, n_paths: int, rng: np.random.Generator) -> np.ndarray:
        return rng.choice(self.values, size=(n_paths, horizon), replace=True)


def trivial_fit(y: np.ndarray, min_length: int, method: str) -> SeriesFit | None:
    """``ZeroFit`` for an all-zero series, ``EmpiricalFit`` when ``y`` is shorter than
    ``min_length``, else ``None`` (the method can fit)."""
    if len(y) == 0:
        raise ValueError("a series needs at least one observed period")
    if not np.any(y > 0):
        return ZeroFit()
    if len(y) < min_length:
        return EmpiricalFit(
            np.asarray(y, dtype=float),
            reason=f"{len(y)} periods < {min_length} needed by {method}: "
            "fell back to resampling the observed values",
        )
    return None
