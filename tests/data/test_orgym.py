"""OR-Gym's InvManagement instance in stockwise's data model (``stockwise.data.orgym``).

Independent truth: the benchmark's port of the environment (``episode``) and its LP written
in the environment's own timing (``plan_lp``). With the future known, stockwise's plan from
any state must earn exactly what that LP earns, and the plan's objective must be the profit
the environment pays for it (up to the holding the mapping documents: units already in
transit upstream and units ordered too late to arrive).
"""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.test_orgym import INST, episode, follow, plan_lp, stockwise_plan
from stockwise.data import OnOrder, StockPosition, from_frames, orgym, to_frames

INSTANCE = orgym.InvManagement()


def test_the_dataset_validates_and_round_trips():
    orders = np.array([[20.0, 30.0, 40.0], [25.0, 0.0, 80.0]])
    state = orgym.inventory_state(INSTANCE, 2, [60.0, 70.0, 150.0], orders, backlog=3.0)
    ds = orgym.dataset(INSTANCE, state, history=[22.0, 18.0])
    back = from_frames(to_frames(ds))  # the loader's validation, every rule
    assert back.items == ds.items and back.lanes == ds.lanes and back.locations == ds.locations
    assert back.inventory == ds.inventory
    assert ds.network.order == ("raw-material", "stage-2", "stage-1", "retailer")


def test_state_mapping_by_hand():
    # Period 4; orders placed in periods 0..3. Retailer (lead 3): the order of period 0
    # arrived in period 3 (on hand); the one of period 1 arrives in period 4 (planning
    # period 1). Stage 1 (lead 5, planning 6): period 0's order arrives in the environment
    # in period 5 and can leave in 6, planning period 6 - 4 + 1 = 3.
    orders = np.array([[5.0, 6.0, 7.0], [8.0, 0.0, 0.0], [0.0, 0.0, 0.0], [9.0, 0.0, 0.0]])
    state = orgym.inventory_state(INSTANCE, 4, [1.0, 2.0, 3.0], orders, backlog=4.0)
    assert state.positions == (
        StockPosition("product", "retailer", 1.0, 4.0),
        StockPosition("product", "stage-1", 2.0),
        StockPosition("product", "stage-2", 3.0),
    )
    assert set(state.on_order) == {
        OnOrder("product", "retailer", 8.0, 1),
        OnOrder("product", "retailer", 9.0, 3),
        OnOrder("product", "stage-1", 6.0, 3),
        OnOrder("product", "stage-2", 7.0, 8),  # arrives 10, leaves 11: 11 - 4 + 1
    }
    with pytest.raises(ValueError, match="one row per past period"):
        orgym.inventory_state(INSTANCE, 3, [1.0, 2.0, 3.0], orders)


@pytest.mark.parametrize("backlog", [True, False], ids=["v0 backlog", "v1 lost sales"])
def test_known_future_plan_earns_the_environment_lp_profit(backlog):
    path = np.random.default_rng(11).poisson(INST.mean, INST.periods).astype(float)
    start = 8
    prefix = np.tile([10.0, 25.0, 30.0], (start, 1))  # too little: the retailer runs short
    stock, prefix, owed = replay(prefix, path, backlog)
    assert stock[0] == 0.0 and (owed > 0) == backlog

    future = path[None, start:]
    plan = stockwise_plan(start, stock, prefix, owed, future, backlog)
    ours = plan.quantities[:, 0, :].T
    lp = plan_lp(start, stock, prefix, owed, future, backlog)
    profit = episode(follow(np.vstack([prefix, ours])), path, backlog)
    assert profit == pytest.approx(episode(follow(np.vstack([prefix, lp])), path, backlog))

    gamma = INST.discount
    before = episode(follow(prefix), path[:start], backlog)
    in_transit = sum(  # held upstream in the environment in the period they arrive
        INST.holding[i] * gamma ** (m + INST.lead[i] - start) * prefix[m, i]
        for i in (1, 2)
        for m in range(start)
        if start <= m + INST.lead[i] < INST.periods
    )
    too_late = sum(  # charged on the lane by the model, never held in the environment
        INST.holding[i] * gamma ** (t + INST.lead[i]) * ours[t, i]
        for i in (1, 2)
        for t in range(INST.periods - start)
        if start + t + INST.lead[i] >= INST.periods
    )
    expected = before + gamma**start * (plan.objective - in_transit + too_late)
    assert profit == pytest.approx(expected, abs=1e-6)


def replay(orders: np.ndarray, path: np.ndarray, backlog: bool):
    """Stock, orders as filled, and backlog at the start of period ``len(orders)`` after
    asking for ``orders``."""
    seen = {}

    def decide(n, stock, past, owed):
        seen.update(stock=stock, past=past, owed=owed)
        return orders[n] if n < len(orders) else np.zeros(3)

    episode(decide, path[: len(orders) + 1], backlog)
    return seen["stock"], seen["past"], seen["owed"]
