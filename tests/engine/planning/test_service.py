"""Service-level forms: fill rate (linear), cycle service (chance constraint), CVaR."""

from __future__ import annotations

import dataclasses
import functools

import numpy as np
import pytest

from stockwise.data import Item, ServiceKind, ServiceTarget
from stockwise.engine.planning import CvarLimit
from stockwise.engine.planning import plan_orders as solve_plan
from tests.engine.planning.tiny import store_dataset, store_problem

# These tests check the LP's own optimum and duals: orders stay fractional (no rounding
# to whole units, which `plan_orders` does by default).
plan_orders = functools.partial(solve_plan, whole=False)

# Shortage is cheap, so without a target the plan orders little: targets bind.
CHEAP_SHORTAGE = Item("A", unit_cost=5.0, holding_cost_rate=0.2, shortage_penalty=2.0)


@pytest.mark.parametrize("target", [0.9, 0.97])
def test_binding_fill_rate_target_is_met_exactly_in_sample(target):
    rng = np.random.default_rng(5)
    demand = rng.poisson(20.0, size=(60, 1, 3)).astype(float)
    ds = store_dataset(
        [CHEAP_SHORTAGE], service_targets=[ServiceTarget(ServiceKind.FILL_RATE, target)]
    )
    # every period's order decided now, the same in every scenario (a static plan)
    problem = store_problem(ds, demand, first_stage=3)
    plan = plan_orders(problem)
    # In-sample fill rate recomputed from the scenarios and the plan, independently of the LP:
    # with lead time 0 and lost sales, stock at the end of t is (stock + order − demand)+.
    stock, served = 0.0, np.zeros(60)
    stock = np.zeros(60)
    for t in range(3):
        avail = stock + plan.quantities[0, 0, t]
        served += np.minimum(avail, demand[:, 0, t])
        stock = np.maximum(avail - demand[:, 0, t], 0.0)
    assert served.sum() / demand.sum() == pytest.approx(target, abs=1e-7)
    assert plan.service["fill_rate"].iloc[0] == pytest.approx(target, abs=1e-7)
    row = plan.shadow_prices.query("constraint == 'fill_rate'").iloc[0]
    assert row["binding"] and row["shadow_price"] > 0
    # Its shadow price is ∂cost/∂target: compare with a finite difference.
    step = 1e-3
    harder = dataclasses.replace(problem, fill_rate=problem.fill_rate + step)
    diff = (plan_orders(harder).objective - plan.objective) / step
    assert row["shadow_price"] == pytest.approx(diff, rel=1e-6)


def test_cycle_service_chance_constraint_orders_the_empirical_quantile():
    # One period, 16 scenarios, α = 0.875: at most 2 of 16 scenarios may stock out, so the
    # cheapest order covers the 14th smallest demand.
    rng = np.random.default_rng(6)
    demand = rng.uniform(10, 50, size=(16, 1, 1))
    ds = store_dataset(
        [CHEAP_SHORTAGE], service_targets=[ServiceTarget(ServiceKind.CYCLE_SERVICE, 0.875)]
    )
    plan = plan_orders(store_problem(ds, demand))
    assert plan.quantities[0, 0, 0] == pytest.approx(np.sort(demand.ravel())[13], rel=1e-7)
    assert plan.service["stockout_probability"].iloc[0] == pytest.approx(2 / 16)
    assert plan.shadow_prices_from == "lp with integers fixed"


def empirical_cvar(shortage: np.ndarray, alpha: float) -> float:
    """CVaR of equally likely outcomes: the mean of the worst (1 − α) share (fractional)."""
    worst = np.sort(shortage)[::-1]
    tail = (1 - alpha) * len(worst)
    whole = int(np.floor(tail))
    return float((worst[:whole].sum() + (tail - whole) * worst[whole : whole + 1].sum()) / tail)


def test_cvar_limit_gives_the_smallest_order_whose_tail_shortage_fits():
    # Shortage cost is cheap, so the plan orders the least q with CVaR_0.9((D − q)+) <= 5.
    rng = np.random.default_rng(7)
    demand = rng.gamma(3.0, 10.0, size=(50, 1, 1))
    ds = store_dataset([CHEAP_SHORTAGE])
    plan = plan_orders(store_problem(ds, demand, cvar=(CvarLimit("A", "STORE", 0.9, 5.0),)))
    d = demand.ravel()
    lo, hi = 0.0, d.max()
    for _ in range(200):  # bisection: CVaR of (D − q)+ falls as q rises
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if empirical_cvar(np.maximum(d - mid, 0), 0.9) > 5.0 else (lo, mid)
    assert plan.quantities[0, 0, 0] == pytest.approx(hi, rel=1e-6)


def test_cvar_form_of_cycle_service_is_a_conservative_lp():
    # The LP approximation must guarantee the stock-out probability in sample, at a cost no
    # lower than the exact chance-constrained MIP, over several periods with lead time 1.
    rng = np.random.default_rng(8)
    demand = rng.poisson(12.0, size=(12, 1, 3)).astype(float)
    target = ServiceTarget(ServiceKind.CYCLE_SERVICE, 0.75)
    ds = store_dataset(
        [CHEAP_SHORTAGE], lead_time=1.0, on_hand={"A": 20.0}, service_targets=[target]
    )
    exact = plan_orders(store_problem(ds, demand))
    approx = plan_orders(store_problem(ds, demand, cycle_service_form="cvar"))
    assert approx.size["integers"] == 0 and exact.size["integers"] > 0
    assert exact.service["stockout_probability"].iloc[0] <= 0.25 + 1e-9
    # The approximation holds even when every sale that can be served is served (the exact
    # model may ration stock to protect later periods): replay with lost sales, lead time 1.
    stock = np.full(12, 20.0)
    stockouts = 0
    for t in range(3):
        avail = stock + (approx.quantities[0, 0, t - 1] if t else 0.0)
        stockouts += (demand[:, 0, t] > avail + 1e-9).sum()
        stock = np.maximum(avail - demand[:, 0, t], 0.0)
    assert stockouts / (12 * 3) <= 0.25 + 1e-9
    assert approx.objective >= exact.objective - 1e-6
