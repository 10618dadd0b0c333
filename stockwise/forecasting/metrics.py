"""Accuracy of point and probabilistic forecasts for one series.

Scaled errors follow Hyndman & Koehler (2006) (MASE, scale: in-sample mean absolute
seasonal difference) and the M5 competition (RMSSE and scaled pinball, scale: in-sample
one-step differences). ``actual`` and forecasts are arrays over the horizon; paths are
``n_paths x horizon``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

M5_LEVELS = (0.005, 0.025, 0.165, 0.25, 0.5, 0.75, 0.835, 0.975, 0.995)
INTERVALS = (0.5, 0.8, 0.95)


def _scale(insample: np.ndarray, lag: int, power: int) -> float:
    diffs = np.abs(insample[lag:] - insample[:-lag]) ** power
    value = float(diffs.mean()) if len(diffs) else np.nan
    return value if value > 0 else np.nan


def mase(actual: np.ndarray, forecast: np.ndarray, insample: np.ndarray, m: int = 1) -> float:
    """Mean absolute error over the in-sample mean absolute lag-``m`` difference."""
    lag = m if len(insample) > m else 1
    return float(np.mean(np.abs(actual - forecast))) / _scale(insample, lag, 1)


def rmsse(actual: np.ndarray, forecast: np.ndarray, insample: np.ndarray) -> float:
    """Root mean squared error over the in-sample mean squared one-step difference (M5)."""
    return float(np.sqrt(np.mean((actual - forecast) ** 2) / _scale(insample, 1, 2)))


def smape(actual: np.ndarray, forecast: np.ndarray) -> float:
    """[%] symmetric MAPE as in M3: ``200 * mean(|y - f| / (|y| + |f|))`` (0/0 counts 0)."""
    den = np.abs(actual) + np.abs(forecast)
    ratio = np.divide(np.abs(actual - forecast), den, out=np.zeros_like(den), where=den > 0)
    return float(200.0 * np.mean(ratio))


def pinball(actual: np.ndarray, quantiles: np.ndarray, levels: Sequence[float]) -> np.ndarray:
    """Pinball loss per level, averaged over the horizon; ``quantiles`` is levels x horizon."""
    tau = np.asarray(levels, dtype=float)[:, None]
    diff = actual[None, :] - quantiles
    return np.mean(np.maximum(tau * diff, (tau - 1.0) * diff), axis=1)


def scaled_pinball(
    actual: np.ndarray,
    quantiles: np.ndarray,
    insample: np.ndarray,
    levels: Sequence[float] = M5_LEVELS,
) -> float:
    """M5 scaled pinball loss: mean over ``levels`` of pinball / in-sample mean |Δy|."""
    return float(np.mean(pinball(actual, quantiles, levels))) / _scale(insample, 1, 1)


def crps(actual: np.ndarray, paths: np.ndarray) -> float:
    """Continuous ranked probability score of the path ensemble, averaged over the horizon.

    Per period, ``E|X - y| - E|X - X'| / 2`` with the empirical distribution of the paths
    (Gneiting & Raftery 2007), computed in ``O(n log n)`` from sorted draws.
    """
    n = paths.shape[0]
    x = np.sort(paths, axis=0)
    first = np.mean(np.abs(x - actual[None, :]), axis=0)
    weights = (2.0 * np.arange(1, n + 1) - n - 1)[:, None]
    spread = np.sum(weights * x, axis=0) / n**2
    return float(np.mean(first - spread))


def coverage(
    actual: np.ndarray, paths: np.ndarray, widths: Sequence[float] = INTERVALS
) -> dict[float, float]:
    """Share of periods whose actual lies inside each central interval of the paths."""
    out = {}
    for width in widths:
        lo, hi = np.quantile(paths, [(1 - width) / 2, (1 + width) / 2], axis=0)
        out[width] = float(np.mean((actual >= lo) & (actual <= hi)))
    return out
