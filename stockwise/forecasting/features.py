"""Features for the pooled (global) model, the same in training and in path simulation.

Per series ``i`` and period ``t``: recent demand (lags, rolling means and zero shares of
the ``span`` periods before ``t``, on a log1p scale), the series' level and zero share
(target encodings from its training history), calendar position, relative price and the
promotion flag of period ``t``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class FeatureSpec:
    """Which lags [periods] and rolling windows [periods] describe recent demand."""

    lags: tuple[int, ...]
    windows: tuple[int, ...]

    @classmethod
    def for_season(cls, m: int) -> FeatureSpec:
        lags = {1, 2, 3, 4} | ({m} if 1 < m <= 60 else set())
        windows = {4} | ({m, 2 * m} if 1 < m <= 14 else {13} if m > 14 else {8})
        return cls(tuple(sorted(lags)), tuple(sorted(windows)))

    @property
    def span(self) -> int:
        """Periods of history each row needs."""
        return max(*self.lags, *self.windows)

    def recent(self, window: np.ndarray) -> np.ndarray:
        """``rows x span`` demand before ``t`` (oldest first) → ``rows x k`` features."""
        logged = np.log1p(window)
        cols = [logged[:, -lag] for lag in self.lags]
        for w in self.windows:
            cols.append(np.log1p(window[:, -w:].mean(axis=1)))
            cols.append((window[:, -w:] == 0).mean(axis=1))
        return np.column_stack(cols)


def calendar(periods: pd.Index, m: int) -> np.ndarray:
    """``len(periods) x 2`` calendar position: month and day/week within the season."""
    if isinstance(periods, pd.DatetimeIndex):
        if m == 7:
            within = periods.dayofweek.to_numpy()
        elif m == 52:
            within = periods.isocalendar().week.to_numpy(dtype=np.int64)
        else:
            within = periods.month.to_numpy()
        return np.column_stack([periods.month.to_numpy(), within]).astype(float)
    position = np.asarray(periods, dtype=np.int64) % max(m, 1)
    return np.column_stack([position, position]).astype(float)


def static(quantity: np.ndarray) -> np.ndarray:
    """``series x 2``: log1p mean demand and zero share over each series' observed history."""
    observed = ~np.isnan(quantity)
    filled = np.where(observed, quantity, 0.0)
    n = np.maximum(observed.sum(axis=1), 1)
    mean = filled.sum(axis=1) / n
    zeros = (observed & (filled == 0)).sum(axis=1) / n
    return np.column_stack([np.log1p(mean), zeros])


def relative_price(price: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Price over the series' mean historical price; 1 where either is unknown."""
    out = price / reference
    return np.where(np.isfinite(out), out, 1.0)


def design(
    recent: np.ndarray,
    series_static: np.ndarray,
    cal: np.ndarray,
    rel_price: np.ndarray,
    promo: np.ndarray,
) -> np.ndarray:
    """Stack feature blocks (all with one row per prediction) into the design matrix."""
    return np.column_stack([recent, series_static, cal, rel_price, promo.astype(float)])
