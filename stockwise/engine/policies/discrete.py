"""Discrete demand on 0, 1, 2, ... units: probability mass functions, lead-time demand, and
the one-period expected cost ``G(y) = h E[(y - D)^+] + p E[(D - y)^+]`` vectorised over y."""

from __future__ import annotations

import numpy as np
from scipy import stats

from stockwise.engine.policies._validate import nonnegative, pmf

TAIL = 1e-14


def as_pmf(demand, name: str = "demand") -> np.ndarray:
    """A pmf over 0, 1, 2, ... from a frozen discrete ``scipy.stats`` distribution (truncated
    where the upper tail is below 1e-14, the tail mass added to the last point) or an array."""
    if hasattr(demand, "dist"):
        if not isinstance(demand.dist, stats.rv_discrete):
            raise ValueError(f"{name} must be a discrete distribution or a pmf array")
        if demand.support()[0] < 0:
            raise ValueError(f"{name} must not take negative values")
        hi = int(demand.ppf(1 - TAIL))
        values = demand.pmf(np.arange(hi + 1))
        values[-1] += max(1.0 - values.sum(), 0.0)
        return values / values.sum()
    return pmf(name, demand)


def poisson_pmf(mean: float) -> np.ndarray:
    """Poisson(``mean``) pmf over 0, 1, ..., truncated where the upper tail is below 1e-14
    (the tail added to the last point); no frozen distribution (freezing costs ~2 ms)."""
    mean = nonnegative("mean", mean)
    hi = int(stats.poisson.ppf(1 - TAIL, mean)) if mean > 0 else 0
    values = stats.poisson.pmf(np.arange(hi + 1), mean)
    values[-1] += max(1.0 - values.sum(), 0.0)
    return values / values.sum()


def convolve_power(per_period: np.ndarray, periods: int) -> np.ndarray:
    """pmf of the sum of ``periods`` independent draws (``periods = 0``: all mass at 0)."""
    out = np.ones(1)
    for _ in range(int(periods)):
        out = np.convolve(out, per_period)
        keep = np.flatnonzero(np.cumsum(out[::-1]) > TAIL * 1e-2)
        out = out[: out.size - int(keep[0])] if keep.size else out
    return out


def lead_time_pmf(demand, periods: float) -> np.ndarray:
    """pmf of demand over ``periods``: exact for a frozen Poisson at any real ``periods``,
    by convolution for an integer number of periods otherwise."""
    periods = nonnegative("periods", periods)
    if hasattr(demand, "dist") and demand.dist.name == "poisson":
        return poisson_pmf(float(demand.mean()) * periods)
    if periods != int(periods):
        raise ValueError(
            f"a fractional lead time ({periods}) needs Poisson or normal demand; "
            "a general pmf convolves over whole periods"
        )
    return convolve_power(as_pmf(demand), int(periods))


class OnePeriodCost:
    """``G(y) = h E[(y - D)^+] + p E[(D - y)^+] = h (y - μ) + (h + p) E[(D - y)^+]`` for
    integer y, from a pmf over 0, 1, 2, ... [currency / period]."""

    def __init__(self, holding_cost: float, stockout_cost: float, pmf_: np.ndarray):
        self.h, self.p = float(holding_cost), float(stockout_cost)
        self.mean = float(np.arange(pmf_.size) @ pmf_)
        # E[(D - y)^+] = sum_{j >= y} P(D > j) for y >= 0
        self._cdf = np.cumsum(pmf_)
        survival = 1.0 - self._cdf
        survival[survival < 0] = 0.0
        self._loss = np.concatenate([np.cumsum(survival[::-1])[::-1], [0.0]])
        self._loss_list = self._loss.tolist()

    def loss(self, y: np.ndarray) -> np.ndarray:
        """Expected units short ``E[(D - y)^+]``."""
        y = np.asarray(y, dtype=np.int64)
        inside = self._loss[np.clip(y, 0, self._loss.size - 1)]
        return np.where(y < 0, self.mean - y, inside)

    def __call__(self, y: np.ndarray | int) -> np.ndarray | float:
        if isinstance(y, int | np.integer):  # scalar fast path: the exact algorithms loop
            k = int(y)
            loss = self.mean - k if k < 0 else self._loss_list[min(k, len(self._loss_list) - 1)]
            return self.h * (k - self.mean) + (self.h + self.p) * loss
        y = np.asarray(y, dtype=np.int64)
        return self.h * (y - self.mean) + (self.h + self.p) * self.loss(y)

    def argmin(self) -> int:
        """The smallest y with ``P(D <= y) >= p / (p + h)`` (the newsvendor level)."""
        ratio = self.p / (self.p + self.h)
        return int(np.searchsorted(self._cdf, ratio - 1e-12))
