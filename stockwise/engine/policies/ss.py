"""Optimal (s, S) policy for discrete demand: the exact algorithm of Zheng & Federgruen.

Periodic review, backorders, fixed cost K per order. When the inventory position is at or
below s, order up to S. With ``G(y)`` the one-period expected holding + backorder cost
at position y (demand over ``lead_time + 1`` periods) and ``m``, ``M`` the renewal
functions of per-period demand, the long-run cost per period is

    c(s, S) = (K + Σ_{d=0}^{S-s-1} m(d) G(S - d)) / M(S - s).

Reference: Y.-S. Zheng and A. Federgruen, Finding optimal (s, S) policies is about as
simple as evaluating a single policy, *Operations Research* 39(4):654–665, 1991.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stockwise.engine.policies._validate import nonnegative, positive
from stockwise.engine.policies.discrete import OnePeriodCost, as_pmf, lead_time_pmf


@dataclass(frozen=True)
class SSResult:
    """reorder_point : s [units]; order_up_to : S [units]; expected_cost : long-run cost
    per period [currency / period]."""

    reorder_point: int
    order_up_to: int
    expected_cost: float


class SSCost:
    """Exact long-run cost of any (s, S) policy; renewal functions grow as needed.

    holding_cost, stockout_cost : h, p [currency / unit / period]; fixed_cost : K
    [currency / order]; demand : per-period pmf over 0, 1, ... or a frozen discrete
    ``scipy.stats`` distribution; lead_time : [periods]
    """

    def __init__(self, holding_cost, stockout_cost, fixed_cost, demand, lead_time=0):
        h = positive("holding_cost", holding_cost)
        p = positive("stockout_cost", stockout_cost)
        self.fixed_cost = positive("fixed_cost", fixed_cost)
        self.pmf = as_pmf(demand)
        if self.pmf[0] >= 1.0:
            raise ValueError("demand is always zero: no (s, S) policy ever orders")
        lead = nonnegative("lead_time", lead_time)
        covered = self.pmf if lead == 0 else lead_time_pmf(demand, lead + 1)
        self.G = OnePeriodCost(h, p, covered)
        self._m = np.array([1.0 / (1.0 - self.pmf[0])])

    def renewal(self, n: int) -> np.ndarray:
        """``m(0 .. n-1)``: expected number of periods the position spends d units below S."""
        m = self._m
        if m.size < n:
            m = np.concatenate([m, np.empty(n - m.size)])
            p = np.zeros(n + 1)
            p[: min(self.pmf.size, n + 1)] = self.pmf[: n + 1]
            for j in range(self._m.size, n):
                m[j] = m[0] * (p[1 : j + 1] @ m[j - 1 :: -1][:j])
            self._m = m
        return m[:n]

    def __call__(self, s: int, S: int) -> float:
        n = int(S) - int(s)
        if n <= 0:
            raise ValueError(f"need s < S, got s={s}, S={S}")
        m = self.renewal(n)
        return float((self.fixed_cost + m @ self.G(S - np.arange(n))) / m.sum())


def ss_optimal(
    holding_cost: float,
    stockout_cost: float,
    fixed_cost: float,
    demand,
    *,
    lead_time: int = 0,
) -> SSResult:
    """Exact optimal (s, S) by Zheng & Federgruen (1991).

    Examples
    --------
    >>> from scipy import stats
    >>> r = ss_optimal(1, 4, 5, stats.poisson(6))
    >>> r.reorder_point, r.order_up_to, round(r.expected_cost, 6)
    (4, 10, 8.034112)
    """
    cost = SSCost(holding_cost, stockout_cost, fixed_cost, demand, lead_time)
    G = cost.G
    y_star = G.argmin()
    s, S0 = y_star, y_star
    while True:
        s -= 1
        if cost(s, S0) <= G(s):
            break
    best = cost(s, S0)
    S = S0 + 1
    while G(S) <= best:
        candidate = cost(s, S)
        if candidate < best:
            S0 = S
            while cost(s, S0) <= G(s + 1):
                s += 1
            best = cost(s, S0)
        S += 1
    return SSResult(int(s), int(S0), best)


def ss_power_approximation(
    holding_cost: float,
    stockout_cost: float,
    fixed_cost: float,
    demand_mean: float,
    demand_sd: float,
    *,
    lead_time: float = 0,
) -> tuple[float, float]:
    """(s, S) by the revised power approximation (a heuristic, for normal-like demand).

    ``Q = 1.30 μ^0.494 (K/h)^0.506 (1 + σ_L²/μ²)^0.116``, ``z = sqrt(Q h / (σ_L p))``,
    ``s = 0.973 μ_L + σ_L (0.183/z + 1.063 - 2.192 z)``, ``S = s + Q`` with ``μ_L, σ_L²``
    the mean and variance of demand over ``lead_time + 1`` periods.
    Reference: R. Ehrhardt and C. Mosier, A revision of the power approximation for
    computing (s, S) policies, *Management Science* 30(5):618–622, 1984.

    >>> [round(v, 4) for v in ss_power_approximation(0.18, 0.7, 2.5, 50, 8)]
    [40.1946, 74.2902]
    """
    h = positive("holding_cost", holding_cost)
    p = positive("stockout_cost", stockout_cost)
    k = positive("fixed_cost", fixed_cost)
    mu = positive("demand_mean", demand_mean)
    periods = nonnegative("lead_time", lead_time) + 1
    sd = positive("demand_sd", demand_sd) * np.sqrt(periods)
    q = 1.30 * mu**0.494 * (k / h) ** 0.506 * (1 + (sd / mu) ** 2) ** 0.116
    z = np.sqrt(q / sd * h / p)
    s = 0.973 * mu * periods + sd * (0.183 / z + 1.063 - 2.192 * z)
    return float(s), float(s + q)
