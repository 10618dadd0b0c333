"""Supply and lane capacity prices, cumulative budgets, discounting, shipping from stock."""

from __future__ import annotations

import dataclasses
import functools

import numpy as np
import pytest

from stockwise.data import (
    Budget,
    Constraints,
    Dataset,
    InventoryState,
    Item,
    Lane,
    Location,
    LocationKind,
    StockPosition,
)
from stockwise.engine.planning import build_problem
from stockwise.engine.planning import plan_orders as solve_plan
from stockwise.scenarios import ScenarioSet
from tests.engine.planning.tiny import EMPTY_HISTORY

# These tests check the LP's own optimum and duals: orders stay fractional (no rounding
# to whole units, which `plan_orders` does by default).
plan_orders = functools.partial(solve_plan, whole=False)

ITEMS = (
    Item("A", unit_cost=4.0, holding_cost_rate=0.1, shortage_penalty=10.0),
    Item("B", unit_cost=6.0, holding_cost_rate=0.1, shortage_penalty=14.0),
)


def two_stores(supply=None, lane_cap=None, budgets=(), on_hand=()) -> Dataset:
    return Dataset(
        items=ITEMS,
        locations=(
            Location("SUP", LocationKind.SUPPLIER, supply_capacity=supply),
            Location("S1", LocationKind.STORE),
            Location("S2", LocationKind.STORE),
        ),
        lanes=(Lane("SUP", "S1", 0.0, capacity=lane_cap), Lane("SUP", "S2", 0.0)),
        demand=EMPTY_HISTORY,
        inventory=InventoryState(tuple(StockPosition(i, s, q) for i, s, q in on_hand)),
        constraints=Constraints(budgets=tuple(budgets)),
    )


def scenarios(horizon=1, seed=21, s=30):
    rng = np.random.default_rng(seed)
    keys = [(i.item, loc) for loc in ("S1", "S2") for i in ITEMS]
    return ScenarioSet.from_arrays(keys, rng.poisson(20.0, size=(s, 4, horizon)).astype(float))


@pytest.mark.parametrize(
    ("kwargs", "kind", "field"),
    [
        ({"supply": 50.0}, "supply", "supply_capacity"),
        ({"lane_cap": 25.0}, "lane_capacity", "lane_capacity"),
    ],
)
def test_capacity_shadow_price_is_the_finite_difference(kwargs, kind, field):
    problem = build_problem(two_stores(**kwargs), scenarios())
    plan = plan_orders(problem)
    row = plan.shadow_prices.query("constraint == @kind").iloc[0]
    assert row["binding"] and row["shadow_price"] < 0
    assert row["used"] == pytest.approx(row["limit"])
    delta = 0.5
    if field == "supply_capacity":
        more = dataclasses.replace(problem, supply_capacity={"SUP": 50.0 + delta})
    else:
        more = dataclasses.replace(problem, lane_capacity=problem.lane_capacity + [delta, 0.0])
    diff = (plan_orders(more).objective - plan.objective) / delta
    assert row["shadow_price"] == pytest.approx(diff, rel=1e-6)


def test_cumulative_budget_lets_unspent_money_carry_over():
    # Demand only in period 2, lead time 0, 100 per period. Per period: at most 100 can be
    # spent in period 2. Cumulative: 200 by period 2, so period 2 can spend up to 200.
    keys = [("A", "S1")]
    demand = np.array([[[0.0, 45.0]]])
    ds = dataclasses.replace(two_stores(budgets=(Budget(100.0),)), items=ITEMS[:1])
    sc = ScenarioSet.from_arrays(keys, demand)
    per_period = plan_orders(build_problem(ds, sc))
    cumulative = plan_orders(build_problem(ds, sc, budget_mode="cumulative"))
    np.testing.assert_allclose(per_period.quantities[0, 0], [20.0, 25.0], atol=1e-9)
    np.testing.assert_allclose(cumulative.quantities[0, 0], [0.0, 45.0], atol=1e-9)
    # Per period the plan buys 20 early and holds them one period (0.4 each).
    assert per_period.objective - cumulative.objective == pytest.approx(20 * 0.4)


def test_discount_weights_each_period_cost_by_gamma_to_the_t():
    keys = [("A", "S1")]
    demand = np.array([[[10.0, 10.0, 10.0]]])
    ds = dataclasses.replace(two_stores(), items=ITEMS[:1])
    plan = plan_orders(build_problem(ds, ScenarioSet.from_arrays(keys, demand), discount=0.9))
    np.testing.assert_allclose(plan.quantities[0, 0], [10.0, 10.0, 10.0], atol=1e-9)
    assert plan.objective == pytest.approx(40.0 * (1 + 0.9 + 0.81))


def test_a_dc_with_its_own_demand_ships_only_from_stock_under_backorders():
    # The DC holds 2 and has demand of its own (1 in period 3); the store wants 4 in period 2.
    # The DC cannot ship more than the 2 it holds in period 1, even with backorders allowed.
    ds = Dataset(
        items=ITEMS[:1],
        locations=(
            Location("SUP", LocationKind.SUPPLIER),
            Location("DC", LocationKind.DC),
            Location("ST", LocationKind.STORE),
        ),
        lanes=(Lane("SUP", "DC", 1.0), Lane("DC", "ST", 1.0)),
        demand=EMPTY_HISTORY,
        inventory=InventoryState((StockPosition("A", "DC", 2.0),)),
    )
    sc = ScenarioSet.from_arrays([("A", "DC"), ("A", "ST")], np.array([[[0, 0, 1], [0, 4, 0]]]))
    plan = plan_orders(build_problem(ds, sc, shortage="backorder"))
    assert plan.quantities[1, 0, 0] == pytest.approx(2.0)
    store = plan.service.query("location == 'ST'").iloc[0]
    assert store["expected_short"] == pytest.approx(2.0)
