"""Terminal value: stock left at the end of the horizon is credited a share of unit cost.

Oracles: the newsvendor with a salvage value (closed-form critical fractile) and a
hand-computed two-scenario lead-time case for stock still in transit at the end.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest

from stockwise.data import Item
from stockwise.engine.planning import PlanStatus, ProblemError, build_problem
from stockwise.engine.planning import plan_orders as solve_plan
from stockwise.scenarios import ScenarioSet
from tests.engine.planning.tiny import store_dataset, store_problem

# These tests check the LP's own optimum and duals: orders stay fractional (no rounding
# to whole units, which `plan_orders` does by default).
plan_orders = functools.partial(solve_plan, whole=False)

C, H, P = 4.0, 1.0, 12.0
ITEM = Item("A", unit_cost=C, holding_cost_rate=H / C, shortage_penalty=P)


@pytest.mark.parametrize("value", [0.0, 0.5, 1.0])
@pytest.mark.parametrize("shortage", ["lost_sales", "backorder"])
def test_single_period_order_is_the_salvage_value_newsvendor_fractile(shortage, value):
    # leftover units earn v·c. Lost sales: c + (h - v c) F(q) - p (1 - F(q)) = 0, so
    # F(q) = (p - c) / (p + h - v c). Backorders also owe v·c per unit still short:
    # F(q) = (p - c + v c) / (p + h), which at v = 1 is the stationary ratio p / (p + h).
    rng = np.random.default_rng(7)
    demand = rng.gamma(4.0, 25.0, size=(300, 1, 1))
    problem = store_problem(store_dataset([ITEM]), demand, shortage=shortage, terminal_value=value)
    plan = plan_orders(problem)
    if shortage == "lost_sales":
        ratio = (P - C) / (P + H - value * C)
    else:
        ratio = (P - C + value * C) / (P + H)
    q = np.quantile(demand.ravel(), ratio, method="inverted_cdf")
    assert plan.status is PlanStatus.OPTIMAL
    assert plan.quantities[0, 0, 0] == pytest.approx(q, rel=1e-9)

    d = demand.ravel()
    left, owed = np.maximum(q - d, 0.0).mean(), np.maximum(d - q, 0.0).mean()
    credit = value * C * (left - (owed if shortage == "backorder" else 0.0))
    assert plan.costs["total"] == pytest.approx(plan.objective, rel=1e-9)
    assert plan.objective == pytest.approx(C * q + H * left + P * owed - credit, rel=1e-9)


@pytest.mark.parametrize(("value", "order", "cost"), [(0.0, 0.0, 60.0), (0.75, 10.0, 55.0)])
def test_stock_in_transit_at_the_end_is_credited_too(value, order, cost):
    # 10 units wanted in period 1 of 2; the lane takes 1 period in one scenario (in time)
    # and 2 in the other (arrives after the horizon). Lost-sales penalty 6, unit cost 4.
    # Ordering q <= 10 in period 0 costs 4 q - 0.5 (6 q) - 0.5 (v 4 q) for the units that
    # arrive late but are still worth v·c: per unit 1 - 2 v, so it pays once v > 1/2.
    # v = 0: no order, 10 lost in both: 60. v = 0.75: order 10, 40 - 15 + 0.5 * 60 = 55.
    item = Item("A", unit_cost=4.0, holding_cost_rate=0.25, shortage_penalty=6.0)
    sc = ScenarioSet(
        keys=(("A", "STORE"),),
        demand=np.array([[[0.0, 10.0]], [[0.0, 10.0]]]),
        weights=np.array([0.5, 0.5]),
        lanes=(("SUP", "STORE"),),
        lead_times=np.array([[[1, 1]], [[2, 2]]]),
    )
    plan = plan_orders(build_problem(store_dataset([item]), sc, terminal_value=value))
    np.testing.assert_allclose(plan.quantities[0, 0], [order, 0.0], atol=1e-9)
    assert plan.objective == pytest.approx(cost)
    assert plan.costs["total"] == pytest.approx(cost)


@pytest.mark.parametrize("value", [-0.1, 1.5])
def test_terminal_value_outside_zero_one_is_refused(value):
    demand = np.full((1, 1, 1), 5.0)
    with pytest.raises(ProblemError, match="terminal_value"):
        store_problem(store_dataset([ITEM]), demand, terminal_value=value)
