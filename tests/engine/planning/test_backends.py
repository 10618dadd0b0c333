"""The planning model gives the same optimum and prices on every solver backend."""

from __future__ import annotations

import functools

import numpy as np
import pytest

from stockwise.data import Item, ServiceKind, ServiceTarget
from stockwise.engine.planning import plan_orders as solve_plan
from tests.engine.planning.tiny import store_dataset, store_problem

# These tests check the LP's own optimum and duals: orders stay fractional (no rounding
# to whole units, which `plan_orders` does by default).
plan_orders = functools.partial(solve_plan, whole=False)


@pytest.fixture(scope="module")
def problem():
    rng = np.random.default_rng(13)
    items = [
        Item("A", unit_cost=4.0, holding_cost_rate=0.2, shortage_penalty=9.0, volume=0.02),
        Item("B", unit_cost=7.0, holding_cost_rate=0.1, shortage_penalty=6.0, volume=0.05),
    ]
    demand = rng.poisson([[12.0, 10.0, 14.0], [6.0, 8.0, 5.0]], size=(8, 2, 3)).astype(float)
    ds = store_dataset(
        items,
        lead_time=1.0,
        on_hand={"A": 10.0, "B": 5.0},
        budget=80.0,
        storage=1.0,
        service_targets=[ServiceTarget(ServiceKind.FILL_RATE, 0.6)],
    )
    return store_problem(ds, demand)


@pytest.mark.parametrize("backend", ["pyomo", "ortools", "scipy"])
def test_backends_agree_with_highs(problem, backend):
    reference = plan_orders(problem, "highs")
    other = plan_orders(problem, backend)
    assert other.objective == pytest.approx(reference.objective, rel=1e-7)
    np.testing.assert_allclose(
        other.shadow_prices["shadow_price"], reference.shadow_prices["shadow_price"], atol=1e-6
    )
    assert reference.shadow_prices["binding"].any()
