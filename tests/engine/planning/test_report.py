"""The planner's printed report, including a dataset with no limits at all."""

from __future__ import annotations

import functools

import numpy as np
import pytest
from rich.console import Console

from stockwise.data import Item
from stockwise.engine.planning import PlanStatus
from stockwise.engine.planning import plan_orders as solve_plan
from stockwise.engine.planning.report import print_plan
from tests.engine.planning.tiny import store_dataset, store_problem

# These tests check the LP's own optimum and duals: orders stay fractional (no rounding
# to whole units, which `plan_orders` does by default).
plan_orders = functools.partial(solve_plan, whole=False)


def test_a_plan_without_any_limit_prints_an_empty_limits_table():
    # no budget, no storage, supply or lane capacity: the plan is the plain newsvendor
    # fractile (p - c)/(p + h) = 8/13, and there is no limit to price
    item = Item("A", unit_cost=4.0, holding_cost_rate=0.25, shortage_penalty=12.0)
    demand = np.random.default_rng(3).gamma(4.0, 25.0, size=(60, 1, 1))
    plan = plan_orders(store_problem(store_dataset([item]), demand, terminal_value=0.0))
    assert plan.status is PlanStatus.OPTIMAL
    expected = np.quantile(demand.ravel(), 8.0 / 13.0, method="inverted_cdf")
    assert plan.quantities[0, 0, 0] == pytest.approx(expected, rel=1e-9)

    prices = plan.shadow_prices
    assert len(prices) == 0
    assert prices["binding"].dtype == bool
    assert list(prices[prices["binding"]].columns) == list(prices.columns)

    console = Console(record=True, width=120)
    print_plan(plan, console)
    text = console.export_text()
    assert "Binding limits (0 of 0)" in text
    assert "Purchase spend per period" in text
