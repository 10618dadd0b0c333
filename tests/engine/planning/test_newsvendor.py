"""Single-period cases with exact answers: the empirical critical fractile, and a budgeted
multi-item newsvendor solved independently as a continuous knapsack over sorted segments."""

from __future__ import annotations

import dataclasses
import functools

import numpy as np
import pytest

from stockwise.data import Item
from stockwise.engine.planning import PlanStatus
from stockwise.engine.planning import plan_orders as solve_plan
from tests.engine.planning.tiny import store_dataset, store_problem

# These tests check the LP's own optimum and duals: orders stay fractional (no rounding
# to whole units, which `plan_orders` does by default).
plan_orders = functools.partial(solve_plan, whole=False)


def newsvendor_item(name="A", cost=4.0, rate=0.25, penalty=12.0, price=None) -> Item:
    return Item(name, unit_cost=cost, holding_cost_rate=rate, shortage_penalty=penalty, price=price)


@pytest.mark.parametrize("shortage", ["lost_sales", "backorder"])
def test_single_period_order_is_the_empirical_critical_fractile(shortage):
    # cost c q + h (q - D)+ + p (D - q)+ is minimal at the smallest q with F(q) >= (p - c)/(p + h)
    rng = np.random.default_rng(1)
    demand = rng.gamma(4.0, 25.0, size=(200, 1, 1))
    item = newsvendor_item()  # c = 4, h = 1, p = 12: fractile 8/13
    # a single-period newsvendor: stock left at the end is worth nothing (no salvage)
    plan = plan_orders(
        store_problem(store_dataset([item]), demand, shortage=shortage, terminal_value=0.0)
    )
    ratio = (12.0 - 4.0) / (12.0 + 1.0)
    expected = np.quantile(demand.ravel(), ratio, method="inverted_cdf")
    assert plan.status is PlanStatus.OPTIMAL
    assert plan.quantities[0, 0, 0] == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("shortage", ["lost_sales", "backorder"])
def test_profit_objective_moves_the_fractile_by_the_price(shortage):
    # A unit short also loses the price r (a backlog left at the end of the horizon is never
    # sold): fractile (r + p - c) / (r + p + h).
    rng = np.random.default_rng(2)
    demand = rng.lognormal(3.0, 0.5, size=(150, 1, 1))
    item = newsvendor_item(penalty=1.0, price=6.0)  # c = 4, h = 1, p = 1, r = 6: 3/8
    plan = plan_orders(
        store_problem(
            store_dataset([item]),
            demand,
            objective="profit",
            shortage=shortage,
            terminal_value=0.0,
        )
    )
    expected = np.quantile(demand.ravel(), 3.0 / 8.0, method="inverted_cdf")
    assert plan.quantities[0, 0, 0] == pytest.approx(expected, rel=1e-9)
    q = plan.quantities[0, 0, 0]
    d = demand.ravel()
    profit = np.mean(
        6.0 * np.minimum(d, q) - 4.0 * q - 1.0 * np.maximum(q - d, 0) - np.maximum(d - q, 0)
    )
    assert plan.objective == pytest.approx(profit, rel=1e-9)


def sorted_segment_solution(demand, cost, holding, penalty, budget):
    """Exact budgeted newsvendor: items x scenarios demand, spend c·q <= budget.

    The expected cost of item i is convex piecewise linear in q_i with slope
    c_i + h_i k/S - p_i (S - k)/S between the k-th and (k+1)-th smallest demand; buying
    segments in decreasing saving per unit of money is optimal (a continuous knapsack).
    Returns the orders and the saving per unit of budget of the last segment bought.
    """
    n, s = demand.shape
    d = np.sort(demand, axis=1)
    starts = np.concatenate([np.zeros((n, 1)), d[:, :-1]], axis=1)
    widths = d - starts
    k = np.arange(s)
    slope = cost[:, None] + holding[:, None] * k / s - penalty[:, None] * (s - k) / s
    saving = -slope / cost[:, None]  # per unit of money
    order = np.zeros(n)
    left, price = budget, 0.0
    spent = 1e-9 * budget if np.isfinite(budget) else 0.0  # what is left, up to rounding
    for flat in np.argsort(-saving, axis=None, kind="stable"):
        i, j = divmod(int(flat), s)
        if saving[i, j] <= 0 or left <= spent:
            break
        if widths[i, j] <= 0:  # tied demands: an empty segment prices nothing
            continue
        take = min(widths[i, j], left / cost[i])
        order[i] += take
        left -= take * cost[i]
        price = saving[i, j]
    return order, price


def expected_cost(q, demand, cost, holding, penalty):
    over = np.maximum(q[:, None] - demand, 0).mean(axis=1)
    under = np.maximum(demand - q[:, None], 0).mean(axis=1)
    return float(cost @ q + holding @ over + penalty @ under)


def test_budgeted_items_match_the_sorted_segment_solution_and_its_price():
    rng = np.random.default_rng(3)
    n, s = 12, 40
    cost = rng.uniform(2, 10, n).round(2)
    rate = rng.uniform(0.05, 0.3, n).round(3)
    penalty = (cost * rng.uniform(1.5, 4.0, n)).round(2)
    demand = rng.gamma(2.0, 30.0, size=(s, n)).round(1)
    items = [
        Item(f"I{i:02d}", unit_cost=cost[i], holding_cost_rate=rate[i], shortage_penalty=penalty[i])
        for i in range(n)
    ]
    holding = np.array([it.holding_cost for it in items])
    unconstrained, _ = sorted_segment_solution(demand.T, cost, holding, penalty, np.inf)
    budget = 0.6 * float(cost @ unconstrained)  # binds
    problem = store_problem(
        store_dataset(items, budget=budget), demand[:, :, None], terminal_value=0.0
    )
    plan = plan_orders(problem)
    oracle, saving = sorted_segment_solution(demand.T, cost, holding, penalty, budget)

    assert plan.objective == pytest.approx(
        expected_cost(oracle, demand.T, cost, holding, penalty), rel=1e-9
    )
    np.testing.assert_allclose(plan.quantities[0, :, 0], oracle, atol=1e-6)
    row = plan.shadow_prices.query("constraint == 'budget'").iloc[0]
    assert row["binding"]
    assert row["used"] == pytest.approx(budget)
    # ∂cost/∂budget = −(saving per unit of money of the marginal segment) ...
    assert row["shadow_price"] == pytest.approx(-saving, rel=1e-9)
    # ... and equals the finite difference of the optimal cost.
    delta = 1.0
    more = dataclasses.replace(problem, budget=problem.budget + delta)
    diff = (plan_orders(more).objective - plan.objective) / delta
    assert row["shadow_price"] == pytest.approx(diff, rel=1e-6)
