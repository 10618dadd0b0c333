"""Dynamic lot sizing with known demand: the Wagner–Whitin dynamic programme.

Periods ``1 .. T`` with demand ``d_t``, fixed cost K per order and holding cost h per unit
left at the end of a period. Some optimal plan orders only when the stock runs out
(zero-inventory ordering), so with ``θ_t`` the least cost of periods ``1 .. t``:

    θ_t = min_{1 <= s <= t} θ_{s-1} + K + h Σ_{u=s}^{t} (u - s) d_u.

Reference: H. M. Wagner and T. M. Whitin, Dynamic version of the economic lot size model,
*Management Science* 5(1):89–96, 1958.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from stockwise.engine.policies._validate import nonnegative


@dataclass(frozen=True)
class LotSizingResult:
    """order_quantities : units ordered at the start of each period; cost : fixed +
    holding over the horizon [currency]."""

    order_quantities: np.ndarray
    cost: float


def wagner_whitin(
    demand: Sequence[float], fixed_cost: float, holding_cost: float
) -> LotSizingResult:
    """Least-cost order plan for known demand per period (Wagner–Whitin).

    >>> r = wagner_whitin([90, 120, 80, 70], fixed_cost=500, holding_cost=2)
    >>> r.order_quantities.tolist(), r.cost
    ([210.0, 0.0, 150.0, 0.0], 1380.0)
    """
    d = np.array([nonnegative(f"demand[{t}]", v) for t, v in enumerate(demand)])
    k = nonnegative("fixed_cost", fixed_cost)
    h = nonnegative("holding_cost", holding_cost)
    n = d.size
    periods = np.arange(1, n + 1)
    units = np.concatenate([[0.0], np.cumsum(d)])  # Σ_{u<=t} d_u
    moments = np.concatenate([[0.0], np.cumsum(periods * d)])  # Σ_{u<=t} u d_u
    best = np.zeros(n + 1)
    last_order = np.zeros(n + 1, dtype=np.int64)
    for t in range(1, n + 1):
        starts = periods[:t]  # order in period s covers s .. t
        covered = units[t] - units[starts - 1]
        held = h * ((moments[t] - moments[starts - 1]) - starts * covered)
        total = best[starts - 1] + np.where(covered > 0, k, 0.0) + held
        j = int(np.argmin(total))
        best[t], last_order[t] = total[j], starts[j]
    orders = np.zeros(n)
    t = n
    while t > 0:
        s = last_order[t]
        orders[s - 1] = d[s - 1 : t].sum()
        t = s - 1
    return LotSizingResult(orders, float(best[n]))
