"""Economic order quantity: the classic EOQ, planned backorders, all-units quantity discounts.

Deterministic demand at rate λ, fixed cost K per order, holding cost h per unit per period.
Reference: Snyder & Shen, ch. 3.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from stockwise.engine.policies._validate import nonnegative, positive


@dataclass(frozen=True)
class EOQResult:
    """order_quantity : Q* [units]; cost : cost per period [currency / period] (with unit
    purchase cost for the discount model); stockout_fraction : share of each cycle in
    backorder (0 without backorders); unit_cost : price paid per unit (discount model)."""

    order_quantity: float
    cost: float
    stockout_fraction: float = 0.0
    unit_cost: float | None = None


def eoq(fixed_cost: float, holding_cost: float, demand_rate: float) -> EOQResult:
    """``Q* = sqrt(2 K λ / h)``, cost ``sqrt(2 K λ h)``.

    >>> r = eoq(8, 0.225, 1300)
    >>> round(r.order_quantity, 4), round(r.cost, 4)
    (304.0468, 68.4105)
    """
    k = nonnegative("fixed_cost", fixed_cost)
    h = positive("holding_cost", holding_cost)
    lam = nonnegative("demand_rate", demand_rate)
    return EOQResult(math.sqrt(2 * k * lam / h), math.sqrt(2 * k * lam * h))


def eoq_with_backorders(
    fixed_cost: float, holding_cost: float, stockout_cost: float, demand_rate: float
) -> EOQResult:
    """EOQ with planned backorders at cost p per unit per period:
    ``Q* = sqrt(2 K λ (h + p) / (h p))``, stockout fraction ``h / (h + p)``,
    cost ``sqrt(2 K λ h p / (h + p))``."""
    k = nonnegative("fixed_cost", fixed_cost)
    h = positive("holding_cost", holding_cost)
    p = positive("stockout_cost", stockout_cost)
    lam = nonnegative("demand_rate", demand_rate)
    q = math.sqrt(2 * k * lam * (h + p) / (h * p))
    return EOQResult(q, math.sqrt(2 * k * lam * h * p / (h + p)), h / (h + p))


def eoq_all_units_discount(
    fixed_cost: float,
    holding_cost_rate: float,
    demand_rate: float,
    breakpoints: Sequence[float],
    unit_costs: Sequence[float],
) -> EOQResult:
    """EOQ when every unit of an order of size ``Q in [b_j, b_{j+1})`` costs ``c_j``.

    Cost per period ``c_j λ + K λ / Q + i c_j Q / 2`` (holding cost ``i c_j``). In each
    price region the best Q is the region's EOQ clipped into the region; the best region
    wins.

    breakpoints : ``b_0 = 0 < b_1 < ...`` [units]; unit_costs : ``c_j`` [currency / unit]
    holding_cost_rate : i [1 / period], a share of the unit cost
    """
    k = nonnegative("fixed_cost", fixed_cost)
    rate = positive("holding_cost_rate", holding_cost_rate)
    lam = nonnegative("demand_rate", demand_rate)
    b = [float(x) for x in breakpoints]
    c = [positive(f"unit_costs[{j}]", x) for j, x in enumerate(unit_costs)]
    if not b or b[0] != 0 or any(b1 <= b0 for b0, b1 in zip(b, b[1:], strict=False)):
        raise ValueError(f"breakpoints must start at 0 and increase strictly, got {b}")
    if len(c) != len(b):
        raise ValueError(f"unit_costs needs one price per breakpoint ({len(b)}), got {len(c)}")
    if any(c1 > c0 for c0, c1 in zip(c, c[1:], strict=False)):
        raise ValueError(f"unit_costs must not increase with the quantity, got {c}")
    best: EOQResult | None = None
    for j, cj in enumerate(c):
        q = math.sqrt(2 * k * lam / (rate * cj))
        q = max(q, b[j])
        if j + 1 < len(b) and q >= b[j + 1]:
            continue  # the region's best lies at or above the next breakpoint: a cheaper region
        cost = cj * lam + (k * lam / q if q > 0 else 0.0) + rate * cj * q / 2
        if best is None or cost < best.cost:
            best = EOQResult(q, cost, 0.0, cj)
    assert best is not None  # the last region always admits a quantity
    return best
