"""Case packs, minimum order quantities and fixed order costs (a MIP) against enumeration."""

from __future__ import annotations

import numpy as np
import pytest

from stockwise.data import Item
from stockwise.engine.planning import plan_orders
from tests.engine.planning.tiny import store_dataset, store_problem


def brute_force(demand, item, fixed, candidates):
    """Least expected one-period cost over the allowed order quantities."""

    def cost(q):
        over = np.maximum(q - demand, 0).mean()
        under = np.maximum(demand - q, 0).mean()
        return (
            item.unit_cost * q
            + item.holding_cost * over
            + item.shortage_penalty * under
            + fixed * (q > 0)
        )

    costs = [cost(q) for q in candidates]
    return candidates[int(np.argmin(costs))], min(costs)


@pytest.mark.parametrize(
    ("pack", "moq", "fixed"), [(12, 36.0, 0.0), (6, 0.0, 80.0), (24, 48.0, 30.0)]
)
def test_orders_are_whole_packs_above_the_moq_and_optimal(pack, moq, fixed):
    rng = np.random.default_rng(pack)
    demand = rng.gamma(2.0, 20.0, size=(40, 1, 1)).round()
    item = Item(
        "A", unit_cost=3.0, holding_cost_rate=0.3, shortage_penalty=9.0, case_pack=pack, moq=moq
    )
    ds = store_dataset([item], fixed_order_cost=fixed)
    plan = plan_orders(store_problem(ds, demand, integer=True, terminal_value=0.0))
    q = plan.quantities[0, 0, 0]
    assert q == pytest.approx(round(q / pack) * pack, abs=1e-6)
    assert q < 1e-6 or q >= moq - 1e-6
    candidates = [0.0] + [k * pack for k in range(1, 40) if k * pack >= moq]
    best_q, best_cost = brute_force(demand.ravel(), item, fixed, candidates)
    assert q == pytest.approx(best_q)
    assert plan.objective == pytest.approx(best_cost, rel=1e-9)
    assert plan.size["integers"] > 0


def test_multi_period_plan_keeps_packs_in_every_period():
    rng = np.random.default_rng(9)
    demand = rng.poisson(15.0, size=(20, 1, 4)).astype(float)
    item = Item(
        "A", unit_cost=2.0, holding_cost_rate=0.1, shortage_penalty=8.0, case_pack=10, moq=20.0
    )
    # every period's orders decided now (a static plan): all of them in whole packs
    problem = store_problem(
        store_dataset([item], lead_time=1.0), demand, integer=True, first_stage=4
    )
    plan = plan_orders(problem)
    q = plan.quantities[0, 0]
    np.testing.assert_allclose(q, np.round(q / 10) * 10, atol=1e-6)
    assert np.all((q < 1e-6) | (q >= 20 - 1e-6))
    assert plan.orders["quantity"].sum() > 0
