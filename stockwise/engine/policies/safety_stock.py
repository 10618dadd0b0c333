"""Safety stock and reorder point for a service target, with lead-time variability.

Demand per period ``N(μ_d, σ_d)``, lead time ``L`` with mean ``μ_L`` and sd ``σ_L`` [periods],
review period ``R``. Demand over the protection interval ``L + R`` has mean
``μ_d (μ_L + R)`` and variance ``(μ_L + R) σ_d² + μ_d² σ_L²`` (independent periods).

- cycle service level α: ``z = Φ⁻¹(α)``;
- fill rate β: expected units short per replenishment cycle ``σ G(z) = (1 - β) Q``, with
  ``G`` the standard normal loss and ``Q`` the expected order quantity (``μ_d R`` for
  periodic review).

Safety stock ``z σ``, reorder point (or order-up-to level) ``mean + z σ``.
Reference: Silver, Pyke & Thomas, *Inventory and Production Management*, ch. 6.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from scipy import stats

from stockwise.engine.policies._validate import nonnegative, probability
from stockwise.engine.policies.newsvendor import normal_loss


class Service(StrEnum):
    """Which service target: probability of no stock-out per cycle, or share of demand
    filled from stock."""

    CYCLE_SERVICE = "cycle_service"
    FILL_RATE = "fill_rate"


@dataclass(frozen=True)
class SafetyStockResult:
    """z : safety factor; protection_mean, protection_sd : demand over ``L + R`` [units];
    safety_stock : ``z σ`` [units]; reorder_point : ``mean + z σ`` [units] (the order-up-to
    level for periodic review)."""

    z: float
    protection_mean: float
    protection_sd: float
    safety_stock: float
    reorder_point: float


def protection_demand(
    demand_mean: float,
    demand_sd: float,
    lead_time_mean: float,
    lead_time_sd: float = 0.0,
    review_period: float = 0.0,
) -> tuple[float, float]:
    """Mean and sd of demand over the lead time plus review period [units]."""
    mu = nonnegative("demand_mean", demand_mean)
    sd = nonnegative("demand_sd", demand_sd)
    lt = nonnegative("lead_time_mean", lead_time_mean)
    lt_sd = nonnegative("lead_time_sd", lead_time_sd)
    r = nonnegative("review_period", review_period)
    periods = lt + r
    return mu * periods, math.sqrt(periods * sd * sd + mu * mu * lt_sd * lt_sd)


def safety_factor(
    service_level: float, service: Service | str, sd: float, order_quantity: float
) -> float:
    """z for a cycle-service level, or for a fill rate given the protection sd and the
    expected order quantity [units] (Q in ``σ G(z) = (1-β) Q``)."""
    level = probability("service_level", service_level)
    if Service(service) is Service.CYCLE_SERVICE:
        return float(stats.norm.ppf(level))
    if sd <= 0:
        return 0.0
    q = nonnegative("order_quantity", order_quantity)
    if q <= 0:
        raise ValueError("a fill-rate target needs a positive order_quantity (units per cycle)")
    return float(fill_rate_factors(np.array([(1 - level) * q / sd]))[0])


def fill_rate_factors(loss: np.ndarray) -> np.ndarray:
    """Solve ``G(z) = loss`` element-wise (G: standard normal loss, decreasing) by
    bisection on [-40, 40] to machine precision; ``loss`` > 0."""
    loss = np.asarray(loss, dtype=float)
    lo, hi = np.full(loss.shape, -40.0), np.full(loss.shape, 40.0)
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        above = normal_loss(mid) > loss
        lo, hi = np.where(above, mid, lo), np.where(above, hi, mid)
        if (hi - lo <= 1e-14 * np.maximum(1.0, np.abs(mid))).all():
            break
    return 0.5 * (lo + hi)


def safety_stock(
    service_level: float,
    demand_mean: float,
    demand_sd: float,
    lead_time_mean: float,
    lead_time_sd: float = 0.0,
    *,
    service: Service | str = Service.CYCLE_SERVICE,
    review_period: float = 0.0,
    order_quantity: float | None = None,
) -> SafetyStockResult:
    """Safety stock and reorder point for a cycle-service or fill-rate target.

    Parameters
    ----------
    service_level : α or β in (0, 1)
    demand_mean, demand_sd : μ_d, σ_d [units / period]
    lead_time_mean, lead_time_sd : μ_L, σ_L [periods]
    service : ``"cycle_service"`` or ``"fill_rate"``
    review_period : R [periods]; 0 for continuous review
    order_quantity : expected units per replenishment cycle for a fill-rate target
        (default ``μ_d R`` for periodic review)

    Examples
    --------
    >>> r = safety_stock(0.95, 100, 20, 4)
    >>> round(r.safety_stock, 3), round(r.reorder_point, 3)
    (65.794, 465.794)
    """
    mean, sd = protection_demand(
        demand_mean, demand_sd, lead_time_mean, lead_time_sd, review_period
    )
    if order_quantity is None:
        order_quantity = float(demand_mean) * float(review_period)
        if Service(service) is Service.FILL_RATE and order_quantity <= 0:
            raise ValueError(
                "a fill-rate target needs order_quantity (continuous review) or review_period > 0"
            )
    z = safety_factor(service_level, service, sd, order_quantity)
    return SafetyStockResult(z, mean, sd, z * sd, mean + z * sd)
