"""The newsvendor (single-period base-stock) problem for any demand description.

Minimise ``h E[(S - D)^+] + p E[(D - S)^+]`` over the base-stock level ``S``; the optimum is
the critical fractile ``F(S*) >= p / (p + h)``. Demand may be a frozen ``scipy.stats``
distribution (continuous or discrete), an empirical sample (optionally weighted), or
sample paths ``n_paths x horizon`` from which the demand over ``lead_time + 1`` periods is
summed path by path (periodic review, so joint sampling over time gives the right
lead-time demand).

Reference: Snyder & Shen, *Fundamentals of Supply Chain Theory*, 2nd ed., ch. 4.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from stockwise.engine.policies._validate import nonnegative, positive


@dataclass(frozen=True)
class NewsvendorResult:
    """base_stock_level : S* [units]; expected_cost : cost per period at S* [currency];
    critical_ratio : p / (p + h)."""

    base_stock_level: float
    expected_cost: float
    critical_ratio: float


def _is_frozen(demand) -> bool:
    """A frozen ``scipy.stats`` distribution, or one built from values (``rv_discrete``)."""
    return hasattr(demand, "ppf") and hasattr(demand, "mean")


def newsvendor(
    holding_cost: float,
    stockout_cost: float,
    demand,
    *,
    weights: np.ndarray | None = None,
    lead_time: int = 0,
) -> NewsvendorResult:
    """Optimal base-stock level and expected cost.

    Parameters
    ----------
    holding_cost : h [currency / unit / period]
    stockout_cost : p [currency / unit short / period]
    demand : frozen ``scipy.stats`` distribution, 1-D sample [units], or 2-D sample paths
        ``n_paths x horizon`` [units per period]
    weights : probability of each sample or path (default equal)
    lead_time : [periods] for sample paths only: demand over periods ``0 .. lead_time`` is
        summed (for a distribution, pass the lead-time demand distribution itself)

    Examples
    --------
    >>> from scipy import stats
    >>> r = newsvendor(0.18, 0.7, stats.norm(50, 8))
    >>> round(r.base_stock_level, 4), round(r.expected_cost, 4)
    (56.604, 1.9976)
    """
    h = positive("holding_cost", holding_cost)
    p = positive("stockout_cost", stockout_cost)
    ratio = p / (p + h)
    if _is_frozen(demand):
        return _parametric(h, p, ratio, demand)
    sample = np.asarray(demand, dtype=float)
    if sample.ndim == 2:
        lead = int(nonnegative("lead_time", lead_time))
        if lead + 1 > sample.shape[1]:
            raise ValueError(
                f"lead_time {lead} needs {lead + 1} periods of sample paths, "
                f"the paths have {sample.shape[1]}"
            )
        sample = sample[:, : lead + 1].sum(axis=1)
    elif sample.ndim != 1:
        raise ValueError("demand must be a scipy.stats distribution, a 1-D sample or 2-D paths")
    return _empirical(h, p, ratio, sample, weights)


def _parametric(h: float, p: float, ratio: float, dist) -> NewsvendorResult:
    level = float(dist.ppf(ratio))
    mean = float(dist.mean())
    family = getattr(dist, "dist", dist)
    if isinstance(family, stats.rv_discrete):
        hi = int(dist.ppf(1 - 1e-14))
        lo = int(max(dist.support()[0], 0))
        k = np.arange(lo, hi + 1)
        shortage = float(np.sum(np.maximum(k - level, 0.0) * dist.pmf(k)))
    elif family.name == "norm":
        mu, sd = float(dist.mean()), float(dist.std())
        shortage = sd * float(normal_loss((level - mu) / sd))
    else:
        shortage = float(dist.expect(lambda x: x - level, lb=level))
    cost = h * (level - mean) + (h + p) * shortage
    return NewsvendorResult(level, cost, ratio)


def _empirical(
    h: float, p: float, ratio: float, sample: np.ndarray, weights: np.ndarray | None
) -> NewsvendorResult:
    if sample.size == 0 or not np.isfinite(sample).all():
        raise ValueError("demand sample must be non-empty and finite")
    w = np.full(sample.size, 1.0 / sample.size) if weights is None else np.asarray(weights, float)
    if w.shape != sample.shape or (w < 0).any() or abs(w.sum() - 1) > 1e-8:
        raise ValueError("weights must be non-negative, one per sample, and sum to 1")
    order = np.argsort(sample, kind="stable")
    cdf = np.cumsum(w[order])
    level = float(sample[order][np.searchsorted(cdf, ratio - 1e-12)])
    cost = float(w @ (h * np.maximum(level - sample, 0) + p * np.maximum(sample - level, 0)))
    return NewsvendorResult(level, cost, ratio)


def normal_loss(z: np.ndarray | float) -> np.ndarray | float:
    """Standard normal first-order loss ``E[(Z - z)^+] = φ(z) - z (1 - Φ(z))``."""
    return stats.norm.pdf(z) - z * stats.norm.sf(z)


def normal_second_loss(z: np.ndarray | float) -> np.ndarray | float:
    """Standard normal second-order loss ``½ E[((Z - z)^+)^2] = ½[(z²+1)(1-Φ(z)) - zφ(z)]``."""
    return 0.5 * ((z * z + 1) * stats.norm.sf(z) - z * stats.norm.pdf(z))


def newsvendor_normal(
    holding_cost: float,
    stockout_cost: float,
    demand_mean: float,
    demand_sd: float,
    *,
    lead_time: float = 0,
) -> NewsvendorResult:
    """Periodic-review base-stock level for normal demand with a deterministic lead time.

    The order placed now covers demand over ``lead_time + 1`` periods,
    ``N((L+1) μ, sqrt(L+1) σ)``; ``S* = (L+1) μ + z σ sqrt(L+1)``, ``z = Φ⁻¹(p/(p+h))``.

    demand_mean, demand_sd : μ, σ [units / period]; lead_time : L [periods]
    """
    mu = nonnegative("demand_mean", demand_mean)
    sd = positive("demand_sd", demand_sd)
    periods = nonnegative("lead_time", lead_time) + 1
    return newsvendor(holding_cost, stockout_cost, stats.norm(mu * periods, sd * np.sqrt(periods)))


def newsvendor_profit(
    revenue: float, purchase_cost: float, salvage_value: float, demand
) -> tuple[float, float]:
    """Order quantity and expected profit with explicit revenue r, cost c, salvage v.

    Overage cost ``c - v``, underage cost ``r - c``; profit = ``(r - c) μ - cost(S*)``.
    Returns ``(order_quantity [units], expected_profit [currency])``.
    """
    r, c, v = float(revenue), float(purchase_cost), float(salvage_value)
    if not r > c > v:
        raise ValueError(f"need revenue > purchase_cost > salvage_value, got {r:g}, {c:g}, {v:g}")
    result = newsvendor(c - v, r - c, demand)
    mean = float(demand.mean()) if _is_frozen(demand) else float(np.mean(demand))
    return result.base_stock_level, (r - c) * mean - result.expected_cost
