"""A deterministic (S = 1) supplier → DC → store chain against plans worked out by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stockwise.data import (
    Dataset,
    InventoryState,
    Item,
    Lane,
    Location,
    LocationKind,
    OnOrder,
    StockPosition,
)
from stockwise.engine.planning import build_problem, plan_orders
from stockwise.scenarios import ScenarioSet
from tests.engine.planning.tiny import EMPTY_HISTORY


def chain(store_on_hand: float, dc_on_hand: float, on_order=()) -> Dataset:
    return Dataset(
        items=(Item("A", unit_cost=10.0, holding_cost_rate=0.01, shortage_penalty=50.0),),
        locations=(
            Location("SUP", LocationKind.SUPPLIER),
            Location("DC", LocationKind.DC),
            Location("ST", LocationKind.STORE),
        ),
        lanes=(
            Lane("SUP", "DC", 1.0, transport_cost=1.0),
            Lane("DC", "ST", 1.0, transport_cost=0.5),
        ),
        demand=EMPTY_HISTORY,
        inventory=InventoryState(
            (StockPosition("A", "ST", store_on_hand), StockPosition("A", "DC", dc_on_hand)),
            tuple(on_order),
        ),
    )


def solve_chain(dataset, demand, **kwargs):
    """One known demand path; the hand-worked costs give stock left at the end no value."""
    scenarios = ScenarioSet.from_arrays([("A", "ST")], np.asarray(demand, float)[None, None, :])
    return plan_orders(build_problem(dataset, scenarios, terminal_value=0.0, **kwargs))


def test_just_in_time_plan_through_the_dc():
    # Store starts with 2, DC with 3; demand 1, 4, 6, 3; both lead times 1 period.
    # Period 1 leaves 1 at the store (held, 0.1); it needs 3 more in period 2, shipped from
    # the DC's 3 in period 1; 6 for period 3 are bought in period 1, passed on in period 2;
    # 3 for period 4 bought in period 2, passed on in period 3. Nothing else pays.
    plan = solve_chain(chain(2, 3), [1, 4, 6, 3])
    sup_dc = plan.quantities[0, 0]
    dc_st = plan.quantities[1, 0]
    np.testing.assert_allclose(sup_dc, [6, 3, 0, 0], atol=1e-9)
    np.testing.assert_allclose(dc_st, [3, 6, 3, 0], atol=1e-9)
    assert plan.objective == pytest.approx(9 * 10 + 9 * 1 + 12 * 0.5 + 1 * 0.1)
    assert plan.costs["shortage penalty"] == pytest.approx(0.0)
    assert plan.service["fill_rate"].iloc[0] == pytest.approx(1.0)


def test_on_order_stock_is_used_before_buying():
    # 5 units on their way to the DC arrive in period 2. Period 3 needs 6 at the DC in
    # period 2: the 5 plus 1 bought in period 1; period 4's 3 are bought in period 2.
    # Shipments to the store are unchanged and only the store's spare unit is held.
    plan = solve_chain(chain(2, 3, [OnOrder("A", "DC", 5.0, 2)]), [1, 4, 6, 3])
    np.testing.assert_allclose(plan.quantities[0, 0], [1, 3, 0, 0], atol=1e-9)
    np.testing.assert_allclose(plan.quantities[1, 0], [3, 6, 3, 0], atol=1e-9)
    assert plan.costs["holding"] == pytest.approx(0.1)
    assert plan.costs["purchase"] == pytest.approx(40.0)


@pytest.mark.parametrize(
    ("shortage", "shipped", "penalty"),
    [("lost_sales", 0.0, 2 * 50.0), ("backorder", 2.0, 2 * 50.0)],
)
def test_unavoidable_shortage_lost_or_backordered(shortage, shipped, penalty):
    # The store is empty and 2 are wanted in period 1; nothing can arrive before period 2.
    # Lost: the sale is gone, nothing is shipped. Backordered: the DC ships 2 in period 1
    # that clear the backlog in period 2; the backlog is penalised for one period.
    plan = solve_chain(chain(0, 5), [2, 0, 0], shortage=shortage)
    assert plan.quantities[1, 0, 0] == pytest.approx(shipped)
    assert plan.costs["shortage penalty"] == pytest.approx(penalty)
    assert plan.service["fill_rate"].iloc[0] == pytest.approx(0.0)


def test_the_dc_cannot_ship_what_it_does_not_have():
    # The DC holds 1; the store wants 4 in period 2; the supplier is 1 period from the DC,
    # so only 1 can reach the store by period 2 and 3 are lost.
    plan = solve_chain(chain(0, 1), [0, 4, 0], shortage="lost_sales")
    assert plan.quantities[1, 0, 0] == pytest.approx(1.0)
    assert plan.service["expected_short"].iloc[0] == pytest.approx(3.0)


def test_orders_table_lists_every_positive_order_with_its_period_label():
    plan = solve_chain(
        chain(2, 3), [1, 4, 6, 3], periods=pd.date_range("2026-01-05", periods=4, freq="W-MON")
    )
    table = plan.orders.sort_values(["origin", "period"])
    assert list(table.columns[:7]) == [
        "origin",
        "destination",
        "item",
        "period",
        "period_start",
        "firm",
        "quantity",
    ]
    # only period 1's orders are placed now; later ones are projections
    assert (table["firm"] == (table["period"] == 1)).all()
    rows = list(table[["origin", "period", "period_start", "quantity"]].itertuples(index=False))
    assert [tuple(r) for r in rows] == [
        ("DC", 1, "2026-01-05", 3.0),
        ("DC", 2, "2026-01-12", 6.0),
        ("DC", 3, "2026-01-19", 3.0),
        ("SUP", 1, "2026-01-05", 6.0),
        ("SUP", 2, "2026-01-12", 3.0),
    ]
