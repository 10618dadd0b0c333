"""Intermittent demand: Croston, SBA (Syntetos–Boylan approximation) and TSB.

Point forecasts follow Croston (1972), Syntetos & Boylan (2005) and Teunter, Syntetos &
Babai (2011), with simple exponential smoothing started at the first observation (the
convention of statsforecast). The predictive distribution is occurrence x size: each future
period has demand with probability ``q`` and, when it does, a size with mean ``z`` and the
variance of the observed non-zero sizes (shifted negative binomial for counts, gamma
otherwise). Its mean equals the method's point forecast.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stockwise.forecasting.base import SeriesFit, trivial_fit


def ses_level(x: np.ndarray, alpha: float) -> float:
    """Final level of simple exponential smoothing of ``x``, started at ``x[0]``."""
    level = float(x[0])
    for value in x:
        level = alpha * float(value) + (1.0 - alpha) * level
    return level


def demand_intervals(y: np.ndarray) -> np.ndarray:
    """[periods] gaps between successive non-zero demands; the first counts from the start."""
    where = np.flatnonzero(y > 0)
    return np.diff(np.concatenate([[-1], where])).astype(float)


def draw_sizes(
    mean: float, var: float, is_count: bool, size: tuple[int, ...], rng: np.random.Generator
) -> np.ndarray:
    """Non-zero demand sizes with ``mean`` and (about) ``var``.

    Counts: ``1 + X`` with ``X`` negative binomial (Poisson when under-dispersed) of mean
    ``mean - 1``; otherwise gamma with the given mean and variance.
    """
    if is_count and mean >= 1.0:
        excess = mean - 1.0
        if excess <= 0:
            return np.ones(size)
        if var > excess * (1 + 1e-9):
            r = excess**2 / (var - excess)
            return 1.0 + rng.negative_binomial(r, r / (r + excess), size=size)
        return 1.0 + rng.poisson(excess, size=size)
    if var <= 1e-12 * mean**2:
        return np.full(size, mean)
    shape = mean**2 / var
    return rng.gamma(shape, mean / shape, size=size)


@dataclass(frozen=True)
class OccurrenceSizeFit:
    """Demand in each period: Bernoulli(``probability``) x size(``size_mean``, ``size_var``)."""

    probability: float
    size_mean: float
    size_var: float
    is_count: bool
    model: str
    reason: str = ""

    def point(self, horizon: int) -> np.ndarray:
        return np.full(horizon, self.probability * self.size_mean)

    def sample(self, horizon: int, n_paths: int, rng: np.random.Generator) -> np.ndarray:
        occurs = rng.random((n_paths, horizon)) < self.probability
        sizes = draw_sizes(self.size_mean, self.size_var, self.is_count, (n_paths, horizon), rng)
        return np.where(occurs, sizes, 0.0)


def _size_var(y: np.ndarray) -> float:
    sizes = y[y > 0]
    return float(np.var(sizes, ddof=1)) if len(sizes) > 1 else 0.0


def _is_count(y: np.ndarray) -> bool:
    return bool(np.all(y == np.round(y)))


@dataclass(frozen=True)
class Croston:
    """Croston's method: smoothed size ``z`` over smoothed interval ``p``; forecast ``z / p``.

    alpha : smoothing constant for both sizes and intervals, in (0, 1]
    """

    alpha: float = 0.1
    name: str = "croston"

    def _debias(self) -> float:
        return 1.0

    def fit(self, y: np.ndarray, season_length: int, rng: np.random.Generator) -> SeriesFit:
        trivial = trivial_fit(y, 2, self.name)
        if trivial is not None:
            return trivial
        z = ses_level(y[y > 0], self.alpha)
        p = ses_level(demand_intervals(y), self.alpha)
        q = min(1.0, self._debias() / p)
        return OccurrenceSizeFit(q, z, _size_var(y), _is_count(y), self.name)


@dataclass(frozen=True)
class SBA(Croston):
    """Syntetos–Boylan approximation: Croston scaled by ``1 - alpha / 2`` (less biased)."""

    name: str = "sba"

    def _debias(self) -> float:
        return 1.0 - self.alpha / 2.0


@dataclass(frozen=True)
class TSB:
    """Teunter–Syntetos–Babai: smoothed demand probability (every period, ``alpha_p``) times
    smoothed size (at demands, ``alpha_d``); the probability decays while nothing sells."""

    alpha_d: float = 0.1
    alpha_p: float = 0.1
    name: str = "tsb"

    def fit(self, y: np.ndarray, season_length: int, rng: np.random.Generator) -> SeriesFit:
        trivial = trivial_fit(y, 2, self.name)
        if trivial is not None:
            return trivial
        p = ses_level((y > 0).astype(float), self.alpha_p)
        z = ses_level(y[y > 0], self.alpha_d)
        return OccurrenceSizeFit(p, z, _size_var(y), _is_count(y), self.name)
