"""Optimal echelon base-stock levels of a serial system: Clark–Scarf via Chen–Zheng.

Stages are listed from the most upstream (fed by an outside supplier with ample stock) to
the stage that faces customer demand. Stage j has echelon holding cost ``h_j`` and lead
time ``L_j``; backorders at the last stage cost ``p`` per unit per period. Numbering the
stages ``1 .. N`` from downstream (as Chen & Zheng do), with ``D_j`` the demand over
``L_j`` periods and ``H = Σ h_j``:

    ḡ_0(x) = (p + H) x⁻,   ĝ_j(x) = h_j x + ḡ_{j-1}(x),   g_j(y) = E[ĝ_j(y - D_j)],
    S_j* = argmin g_j,   ḡ_j(x) = g_j(min(S_j*, x)),   optimal cost = g_N(S_N*).

The functions live on a grid of step ``dx`` (1 unit for discrete demand: exact); each
expectation is one FFT convolution with the lead-time demand pmf. Demand is non-negative,
so every ``ĝ_j`` is linear below 0 and is extended to the left exactly. For normal demand
the pmf puts the probability of each cell ``[(k - ½)dx, (k + ½)dx)`` at ``k dx`` (the
negative tail at 0), and the minimiser is refined by a parabola through the three grid
points around it.

References: A. J. Clark and H. Scarf, Optimal policies for a multi-echelon inventory
problem, *Management Science* 6(4):475–490, 1960. F. Chen and Y.-S. Zheng, Lower bounds for
multi-echelon stochastic inventory systems, *Management Science* 40(11):1426–1443, 1994.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import signal, stats

from stockwise.engine.policies._validate import nonnegative, positive
from stockwise.engine.policies.discrete import lead_time_pmf

TAIL = 1e-12


@dataclass(frozen=True)
class SerialResult:
    """Per stage, upstream first. echelon_base_stock : S_j^e [units]; local_base_stock :
    ``S_j^e - S_{j+1}^e`` (the next stage downstream) [units]; expected_cost : cost per
    period [currency / period]; grid_step : dx [units]."""

    echelon_base_stock: np.ndarray
    local_base_stock: np.ndarray
    expected_cost: float
    grid_step: float


def _is_normal(demand) -> bool:
    return hasattr(demand, "dist") and demand.dist.name == "norm"


def _normal_pmf(mean: float, sd: float, dx: float) -> np.ndarray:
    if sd == 0:
        k = int(round(mean / dx))
        out = np.zeros(k + 1)
        out[k] = 1.0
        return out
    dist = stats.norm(mean, sd)
    k_max = int(np.ceil(dist.ppf(1 - TAIL) / dx)) + 1
    edges = (np.arange(k_max + 1) + 0.5) * dx
    cdf = dist.cdf(edges)
    out = np.diff(cdf, prepend=0.0)
    out[-1] += dist.sf(edges[-1])
    return out


def _expect_below(values: np.ndarray, pmf: np.ndarray) -> np.ndarray:
    """``out[i] = Σ_k pmf[k] f(x_i - k dx)`` with f linear to the left of the grid."""
    k = pmf.size - 1
    if k == 0:
        return values * pmf[0]
    slope = values[1] - values[0]
    left = values[0] + slope * np.arange(-k, 0)
    extended = np.concatenate([left, values])
    return signal.fftconvolve(extended, pmf, mode="valid")


def serial_base_stock(
    echelon_holding_costs: Sequence[float],
    lead_times: Sequence[float],
    stockout_cost: float,
    demand,
    *,
    echelon_base_stock: Sequence[float] | None = None,
    grid_step: float | None = None,
) -> SerialResult:
    """Optimal echelon base-stock levels and cost of a serial system (Chen–Zheng).

    Parameters
    ----------
    echelon_holding_costs : h_j per stage, upstream first [currency / unit / period]
    lead_times : L_j per stage, upstream first [periods] (whole periods for a pmf)
    stockout_cost : p [currency / unit backordered / period]
    demand : per-period demand at the last stage: frozen ``scipy.stats.norm``,
        ``scipy.stats.poisson``, another discrete distribution, or a pmf over 0, 1, ...
    echelon_base_stock : evaluate these levels (upstream first) instead of optimising
    grid_step : dx [units] for normal demand (default: 1/100 of the smallest lead-time
        demand sd)

    Examples
    --------
    >>> from scipy import stats
    >>> r = serial_base_stock([2, 2, 3], [2, 1, 1], 37.12, stats.norm(5, 1))
    >>> np.round(r.echelon_base_stock, 2).tolist(), round(r.expected_cost, 2)
    ([22.71, 12.02, 6.49], 47.66)
    """
    h = np.array(
        [nonnegative(f"echelon_holding_costs[{j}]", v) for j, v in enumerate(echelon_holding_costs)]
    )[::-1]
    lead = np.array([nonnegative(f"lead_times[{j}]", v) for j, v in enumerate(lead_times)])[::-1]
    if h.size == 0 or h.size != lead.size:
        raise ValueError(
            f"echelon_holding_costs ({h.size}) and lead_times ({lead.size}) need one value "
            "per stage"
        )
    p = positive("stockout_cost", stockout_cost)
    fixed = None
    if echelon_base_stock is not None:
        fixed = np.asarray(echelon_base_stock, dtype=float)[::-1]
        if fixed.shape != h.shape:
            raise ValueError(f"echelon_base_stock needs {h.size} levels, got {fixed.size}")

    normal = _is_normal(demand)
    if normal:
        mu, sd = float(demand.mean()), float(demand.std())
        total = stats.norm(mu * lead.sum(), sd * np.sqrt(lead.sum()))
        x_hi = float(total.ppf(1 - TAIL)) if sd > 0 else mu * lead.sum()
        if grid_step is None:
            sds = sd * np.sqrt(lead[lead > 0])
            grid_step = (sds.min() / 100) if sds.size and sd > 0 else max(mu, 1.0) / 100
            grid_step = max(grid_step, x_hi / 400_000)
        dx = positive("grid_step", grid_step)
        pmfs = [_normal_pmf(mu * L, sd * np.sqrt(L), dx) for L in lead]
    else:
        dx = 1.0
        pmfs = [lead_time_pmf(demand, L) for L in lead]
        x_hi = float(sum(pmf.size - 1 for pmf in pmfs))
    if fixed is not None:
        x_hi = max(x_hi, float(fixed.max()) + 2 * dx)
    x_lo = -max(10 * dx, 0.05 * x_hi)
    if fixed is not None:
        x_lo = min(x_lo, float(fixed.min()) - 10 * dx)
    i_lo, i_hi = int(np.floor(x_lo / dx)), int(np.ceil(x_hi / dx))
    x = np.arange(i_lo, i_hi + 1) * dx

    g_bar = (p + h.sum()) * np.maximum(-x, 0.0)
    levels = np.empty(h.size)
    cost = 0.0
    for j in range(h.size):
        g = _expect_below(h[j] * x + g_bar, pmfs[j])
        if fixed is None:
            level, cost = _minimum(x, g, refine=normal)
        else:
            level = fixed[j]
            cost = float(np.interp(level, x, g))
        levels[j] = level
        g_bar = np.where(x < level, g, cost)
    echelon = levels[::-1].copy()
    local = echelon - np.append(echelon[1:], 0.0)
    return SerialResult(echelon, local, float(cost), dx)


def _minimum(x: np.ndarray, g: np.ndarray, *, refine: bool) -> tuple[float, float]:
    i = int(np.argmin(g))
    if not refine or i == 0 or i == g.size - 1:
        return float(x[i]), float(g[i])
    left, mid, right = g[i - 1], g[i], g[i + 1]
    curvature = left - 2 * mid + right
    if curvature <= 0:
        return float(x[i]), float(mid)
    offset = 0.5 * (left - right) / curvature
    dx = x[1] - x[0]
    return float(x[i] + offset * dx), float(mid - 0.25 * (left - right) * offset)
