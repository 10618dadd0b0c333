"""Optimal (r, Q) policy under continuous review with backorders.

With ``g(y)`` the expected holding + backorder cost rate at inventory position y (lead-time
demand D_L) and demand rate λ, the cost per unit time is
``C(r, Q) = (K λ + Σ_{y=r+1}^{r+Q} g(y)) / Q`` (discrete) or ``(K λ + ∫_r^{r+Q} g(y) dy) / Q``.

- Poisson demand: exact, by Federgruen & Zheng, An efficient algorithm for computing an
  optimal (r, Q) policy in continuous review stochastic inventory systems, *Operations
  Research* 40(4):808–813, 1992.
- Normal lead-time demand: the exact continuous cost in closed form through the
  second-order loss function, minimised at its stationary point, where
  ``g(r) = g(r + Q) = C(r, Q)`` (Zipkin, *Foundations of Inventory Management*, §6.4).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

from stockwise.engine.policies._validate import nonnegative, positive
from stockwise.engine.policies.discrete import OnePeriodCost, poisson_pmf
from stockwise.engine.policies.eoq import eoq
from stockwise.engine.policies.newsvendor import normal_loss, normal_second_loss


@dataclass(frozen=True)
class RQResult:
    """reorder_point : r [units]; order_quantity : Q [units]; expected_cost : cost per unit
    time [currency / time]."""

    reorder_point: float
    order_quantity: float
    expected_cost: float


def rq_poisson(
    holding_cost: float,
    stockout_cost: float,
    fixed_cost: float,
    demand_rate: float,
    lead_time: float,
) -> RQResult:
    """Exact optimal integer (r, Q) for Poisson demand (Federgruen & Zheng 1992).

    demand_rate : λ [units / time]; lead_time : L [time]; costs per unit time.

    >>> r = rq_poisson(20, 150, 100, 1.5, 2)
    >>> r.reorder_point, r.order_quantity, round(r.expected_cost, 6)
    (3, 5, 107.923581)
    """
    h = positive("holding_cost", holding_cost)
    p = positive("stockout_cost", stockout_cost)
    k = positive("fixed_cost", fixed_cost)
    lam = positive("demand_rate", demand_rate)
    lt = nonnegative("lead_time", lead_time)
    g = OnePeriodCost(h, p, poisson_pmf(lam * lt))

    def cost(r: int, q: int) -> float:
        return float((k * lam + g(np.arange(r + 1, r + q + 1)).sum()) / q)

    q, r = 1, g.argmin() - 1
    best = cost(r, q)
    while True:
        r_next = r - 1 if g(r) < g(r + q + 1) else r
        candidate = cost(r_next, q + 1)
        if candidate > best:
            return RQResult(int(r), int(q), best)
        r, q, best = r_next, q + 1, candidate


def rq_normal_cost(
    reorder_point: float,
    order_quantity: float,
    holding_cost: float,
    stockout_cost: float,
    fixed_cost: float,
    demand_mean: float,
    demand_sd: float,
    lead_time: float,
) -> float:
    """Exact cost per unit time of (r, Q) when lead-time demand is ``N(λL, σ sqrt(L))``.

    ``∫_r^{r+Q} g = h[(r+Q-μ)² - (r-μ)²]/2 + (h+p) σ² [L₂(z_r) - L₂(z_{r+Q})]`` with
    ``L₂`` the standard normal second-order loss.
    """
    mu, sigma = demand_mean * lead_time, demand_sd * math.sqrt(lead_time)
    r, q = reorder_point, order_quantity
    h, p = holding_cost, stockout_cost
    integral = h * ((r + q - mu) ** 2 - (r - mu) ** 2) / 2 + (h + p) * sigma**2 * (
        normal_second_loss((r - mu) / sigma) - normal_second_loss((r + q - mu) / sigma)
    )
    return float((fixed_cost * demand_mean + integral) / q)


def rq_normal(
    holding_cost: float,
    stockout_cost: float,
    fixed_cost: float,
    demand_mean: float,
    demand_sd: float,
    lead_time: float,
) -> RQResult:
    """Optimal continuous (r, Q) for normal lead-time demand ``N(λL, σ sqrt(L))``.

    demand_mean, demand_sd : λ, σ [units / time]; lead_time : L [time].
    Solves ``g(r) = g(r + Q)`` and ``g(r) = C(r, Q)``, started from the EOQ and the
    newsvendor level.

    >>> r = rq_normal(0.225, 7.5, 8, 1300, 150, 1 / 12)
    >>> round(r.reorder_point, 3), round(r.order_quantity, 3)
    (126.867, 328.449)
    """
    h = positive("holding_cost", holding_cost)
    p = positive("stockout_cost", stockout_cost)
    k = positive("fixed_cost", fixed_cost)
    lam = positive("demand_rate", demand_mean)
    sd = positive("demand_sd", demand_sd)
    lt = positive("lead_time", lead_time)
    mu, sigma = lam * lt, sd * math.sqrt(lt)

    def g(y):
        return h * (y - mu) + (h + p) * sigma * normal_loss((y - mu) / sigma)

    def cost(r, q):
        return rq_normal_cost(r, q, h, p, k, lam, sd, lt)

    def conditions(x):
        r, q = x
        return [g(r + q) - g(r), g(r) - cost(r, q)]

    q0 = eoq(k, h, lam).order_quantity
    r0 = mu + sigma * stats.norm.ppf(p / (p + h)) - q0 / 2
    solution = optimize.root(conditions, [r0, q0], method="hybr", options={"xtol": 1e-13})
    if not solution.success or solution.x[1] <= 0:
        start = optimize.minimize(
            lambda x: cost(x[0], x[1]) if x[1] > 0 else np.inf,
            [r0, q0],
            method="Nelder-Mead",
            options={"xatol": 1e-6, "fatol": 1e-10, "maxiter": 20000},
        ).x
        solution = optimize.root(conditions, start, method="hybr", options={"xtol": 1e-13})
    r, q = (float(v) for v in solution.x)
    return RQResult(r, q, cost(r, q))
