"""Order lines (``lines.py`` through ``plan_orders``) on deterministic networks.

Oracles: one scenario with known lead times, so each line's arrival is its period plus
the lane's lead time and its projected stock is the stock a replay of the plan's orders
leaves at the destination (recomputed here from the orders and the demand, not read from
the LP); hand-built cases where a storage space, a lane or the purchase budget binds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
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
from stockwise.engine.planning import build_problem, plan_orders
from stockwise.scenarios import ScenarioSet
from tests.engine.planning.tiny import EMPTY_HISTORY

DEMAND = np.array([2.0, 4.0, 9.0, 3.0, 5.0, 8.0, 2.0])
LEAD = {("SUP", "DC"): 2, ("DC", "ST"): 1}


def chain() -> Dataset:
    """Supplier → DC (2 periods) → store (1 period, at most 5 units a period)."""
    return Dataset(
        items=(Item("A", unit_cost=10.0, holding_cost_rate=0.01, shortage_penalty=50.0),),
        locations=(
            Location("SUP", LocationKind.SUPPLIER),
            Location("DC", LocationKind.DC),
            Location("ST", LocationKind.STORE),
        ),
        lanes=(Lane("SUP", "DC", 2.0), Lane("DC", "ST", 1.0, capacity=5.0)),
        demand=EMPTY_HISTORY,
        inventory=InventoryState((StockPosition("A", "ST", 6.0), StockPosition("A", "DC", 5.0))),
    )


def replay(orders: np.ndarray) -> dict[str, np.ndarray]:
    """[units] stock at the end of each period at DC and ST when the chain places
    ``orders`` (lanes x T) and the store sells what it has (lost sales)."""
    t_n = len(DEMAND)
    stock = {"DC": np.zeros(t_n), "ST": np.zeros(t_n)}
    dc, st = 5.0, 6.0
    for t in range(t_n):
        into_dc = orders[0, t - 2] if t >= 2 else 0.0
        into_st = orders[1, t - 1] if t >= 1 else 0.0
        dc = dc + into_dc - orders[1, t]
        st = st + into_st
        st -= min(st, DEMAND[t])
        stock["DC"][t], stock["ST"][t] = dc, st
    return stock


@pytest.mark.parametrize("first_stage", [1, 2, 3])
def test_lines_arrive_after_the_lead_time_with_the_stock_the_plan_leaves(first_stage):
    scenarios = ScenarioSet.from_arrays([("A", "ST")], DEMAND[None, None, :])
    problem = build_problem(chain(), scenarios, first_stage=first_stage, terminal_value=0.0)
    plan = plan_orders(problem)
    lines = plan.orders
    assert len(lines) > 0
    stock = replay(plan.quantities[:, 0, :])
    # By hand: the store sells 2 and 4 from its 6, gets 5 a period from period 3 on (9, 3,
    # 5, 8, 2 wanted): 2 left in periods 4 and 5, 5 sales lost in all.
    np.testing.assert_allclose(stock["ST"], [4, 0, 0, 2, 2, 0, 0], atol=1e-9)
    assert plan.service["expected_short"].iloc[0] == pytest.approx(5.0)
    for row in lines.itertuples():
        lead = LEAD[(row.origin, row.destination)]
        assert row.arrival_period == row.period + lead
        assert row.firm == (row.period <= first_stage)
        assert row.projected_stock == pytest.approx(
            stock[row.destination][row.period + lead - 1], abs=1e-6
        )
        assert row.quantity == pytest.approx(
            plan.quantities[list(LEAD).index((row.origin, row.destination)), 0, row.period - 1]
        )
    assert set(lines.loc[lines["firm"], "period"]) <= set(range(1, first_stage + 1))
    assert lines["firm"].sum() == (lines["period"] <= first_stage).sum()


def store(*, storage: float | None = None, capacity: float | None = None, budget=None):
    """One supplier → store lane of 1 period; item of volume 1."""
    return Dataset(
        items=(
            Item("A", unit_cost=4.0, holding_cost_rate=0.05, shortage_penalty=20.0, volume=1.0),
        ),
        locations=(
            Location("SUP", LocationKind.SUPPLIER),
            Location("ST", LocationKind.STORE, storage_capacity=storage),
        ),
        lanes=(Lane("SUP", "ST", 1.0, capacity=capacity),),
        demand=EMPTY_HISTORY,
        constraints=Constraints(budgets=tuple(budget or ())),
    )


def plan_store(dataset: Dataset, demand) -> pd.DataFrame:
    scenarios = ScenarioSet.from_arrays([("A", "ST")], np.array(demand, dtype=float)[None, None])
    return plan_orders(build_problem(dataset, scenarios, terminal_value=0.0))


def line(plan, period: int):
    (row,) = plan.orders[plan.orders["period"] == period].itertuples()
    return row


def test_reason_names_the_storage_space_that_binds_when_the_order_arrives():
    # 25 wanted in period 4; the lane carries 10 a period, the store holds 15 (stock at the
    # end of a period plus what it orders then). Latest is cheapest: 10 ordered in period
    # 3, so only 5 can be on hand at the end of period 3: 5 ordered in period 2, arriving
    # in period 3, where the space is full (5 + 10 = 15). 10 sales are lost.
    plan = plan_store(store(storage=15.0, capacity=10.0), [0, 0, 0, 25])
    np.testing.assert_allclose(plan.quantities[0, 0], [0, 5, 10, 0], atol=1e-9)
    early = line(plan, 2)
    assert early.arrival_period == 3 and early.projected_stock == pytest.approx(5.0)
    assert early.reason == "capped by the storage space of ST in period 3"
    late = line(plan, 3)
    assert late.arrival_period == 4 and late.projected_stock == pytest.approx(0.0)
    # the lane is full in period 3 and so is the space it reserves there (5 + 10)
    assert late.reason == (
        "capped by the capacity of SUP → ST in period 3 and the storage space of ST in period 3"
    )


def test_reason_names_the_storage_space_reserved_when_the_order_is_placed():
    # 20 wanted in period 2; the store has room for 12, reserved when the order is placed
    # in period 1 (the storage row of period 1 binds: 0 on hand + 12 ordered). The line is
    # capped by that space, not by any service it buys.
    plan = plan_store(store(storage=12.0), [0, 20, 0])
    assert plan.quantities[0, 0, 0] == pytest.approx(12.0)
    prices = plan.shadow_prices.set_index(["constraint", "period"])
    assert prices.loc[("storage", 1), "binding"] and prices.loc[("storage", 1), "shadow_price"] < 0
    assert "storage space of ST" in line(plan, 1).reason


def test_reason_names_the_purchase_budget_of_the_period_where_it_binds():
    # 40 to spend a period at 4 a unit: 10 units in period 1 for the 20 wanted in period 2;
    # period 2's order (5 units for period 3) spends 20 of its 40.
    plan = plan_store(store(budget=[Budget(40.0)]), [0, 20, 5])
    np.testing.assert_allclose(plan.quantities[0, 0], [10, 5, 0], atol=1e-9)
    first, second = line(plan, 1), line(plan, 2)
    assert first.reason == "capped by the purchase budget of period 1"
    assert first.purchase_cost == pytest.approx(40.0) and first.projected_stock == 0.0
    assert "budget" not in second.reason and "capped" not in second.reason


def test_reason_names_a_lane_capacity_only_in_the_periods_the_lane_is_full():
    # 15 wanted in period 2 and 3 in period 3 over a lane of 10 a period: period 1's order
    # fills the lane (10), period 2's (3) leaves 7 of it free, so it is not capped.
    plan = plan_store(store(capacity=10.0), [0, 15, 3])
    np.testing.assert_allclose(plan.quantities[0, 0], [10, 3, 0], atol=1e-9)
    assert line(plan, 1).reason == "capped by the capacity of SUP → ST in period 1"
    prices = plan.shadow_prices.set_index(["constraint", "period"])
    assert not prices.loc[("lane_capacity", 2), "binding"]
    assert "capped" not in line(plan, 2).reason
