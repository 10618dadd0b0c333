"""Budget against service: never a bare "infeasible"; the relaxation is minimal and works."""

from __future__ import annotations

import dataclasses
import functools

import numpy as np
import pytest

from stockwise.data import Item, ServiceKind, ServiceTarget
from stockwise.engine.planning import PlanStatus
from stockwise.engine.planning import plan_orders as solve_plan
from tests.engine.planning.tiny import store_dataset, store_problem

# The amounts are the LP's own (fractional orders).
plan_orders = functools.partial(solve_plan, whole=False)

ITEMS = [
    Item("A", unit_cost=5.0, holding_cost_rate=0.2, shortage_penalty=2.0),
    Item("B", unit_cost=8.0, holding_cost_rate=0.2, shortage_penalty=3.0),
]


def squeezed(budget: float, target: float = 0.95):
    rng = np.random.default_rng(11)
    demand = rng.poisson([[30.0], [20.0]], size=(30, 2, 1)).astype(float)
    ds = store_dataset(
        ITEMS, budget=budget, service_targets=[ServiceTarget(ServiceKind.FILL_RATE, target)]
    )
    return store_problem(ds, demand), demand


def fill(d: np.ndarray, q: float) -> float:
    """In-sample fill rate of a single-period order ``q`` (lead time 0, lost sales)."""
    return float(np.minimum(d, q).sum() / d.sum())


def test_the_budget_holds_and_the_service_targets_give_way():
    # The default: a budget is hard, service is what a planner trades. With 100 to spend
    # the 95 % targets cannot both hold; phase one lowers them as little as it can (in
    # shares of each target), so the plan spends the whole budget.
    problem, demand = squeezed(budget=100.0)
    plan = plan_orders(problem)
    assert plan.status is PlanStatus.RELAXED
    assert {r.constraint for r in plan.relaxations} == {"fill_rate"}
    spend = plan.orders["purchase_cost"].sum()
    assert spend == pytest.approx(100.0, rel=1e-6)
    # The report agrees with the plan it reports on: each relaxed target is the fill rate
    # the plan reaches (recomputed here from the orders and the scenarios).
    orders = plan.quantities[0, :, 0]
    for relax in plan.relaxations:
        i = [it.item for it in ITEMS].index(relax.subject.split(" at ")[0])
        assert relax.required == pytest.approx(fill(demand[:, i, 0], orders[i]), abs=1e-7)
        assert relax.limit == 0.95 and relax.required < 0.95

    # Independent check that the shortfall is the least the budget allows: split the
    # budget between the two items on a fine grid and refine.
    def shortfall(x: float) -> float:
        qa, qb = x / ITEMS[0].unit_cost, (100.0 - x) / ITEMS[1].unit_cost
        return sum(max(0.0, 0.95 - fill(demand[:, i, 0], q)) for i, q in enumerate((qa, qb)))

    grid = np.linspace(0.0, 100.0, 20_001)
    best = min(shortfall(x) for x in grid)
    got = sum(r.limit - r.required for r in plan.relaxations)
    assert got == pytest.approx(best, abs=1e-4)


def test_budget_first_reports_the_budget_the_targets_need():
    # relax_first="limits": the targets hold and the budget moves, by exactly the money
    # that buys a 95 % fill rate on each item.
    problem, demand = squeezed(budget=100.0)
    plan = plan_orders(problem, relax_first="limits")
    assert plan.status is PlanStatus.RELAXED
    (relax,) = plan.relaxations  # only the budget has to move
    assert relax.constraint == "budget" and relax.period == 1 and relax.limit == 100.0
    assert "purchase budget in period 1" in relax.message and "must rise from 100" in relax.message
    # Independent check of the amount: the cheapest way to a 95 % fill rate on each item
    # buys, for one period with lead time 0, exactly the units that serve 95 % of the
    # expected demand when serving is greedy: find it by bisection on each order.
    need = 0.0
    for i, item in enumerate(ITEMS):
        d = demand[:, i, 0]
        lo, hi = 0.0, d.max()
        for _ in range(100):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if np.minimum(d, mid).sum() < 0.95 * d.sum() else (lo, mid)
        need += item.unit_cost * hi
    assert relax.required == pytest.approx(need, rel=1e-6)
    # The plan returned is the optimal plan under the relaxed budget, and it meets the target.
    assert plan.service["fill_rate"].min() >= 0.95 - 1e-7
    # The relaxed problem is feasible on its own; a hair less budget is not.
    enough = plan_orders(dataclasses.replace(problem, budget=np.array([relax.required])))
    assert enough.status is PlanStatus.OPTIMAL
    short = plan_orders(
        dataclasses.replace(problem, budget=np.array([relax.required * 0.999])),
        relax_if_infeasible=False,
    )
    assert short.status is PlanStatus.INFEASIBLE and not short.has_plan


def test_unreachable_service_is_named_when_nothing_else_can_move():
    # Lead time 1 and an empty store: nothing can arrive within a one-period horizon, so no
    # budget helps and the fill-rate targets themselves have to drop to 0.
    rng = np.random.default_rng(12)
    demand = rng.poisson(10.0, size=(10, 1, 1)).astype(float)
    ds = store_dataset(
        ITEMS[:1], lead_time=1.0, service_targets=[ServiceTarget(ServiceKind.FILL_RATE, 0.9)]
    )
    plan = plan_orders(store_problem(ds, demand))
    assert plan.status is PlanStatus.RELAXED
    (relax,) = plan.relaxations
    assert relax.constraint == "fill_rate" and relax.subject == "A at STORE"
    assert relax.required == pytest.approx(0.0, abs=1e-6)
    assert "can reach at most 0.0%" in relax.message
