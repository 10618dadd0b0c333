"""Holding cost per location (``build_problem(location_holding_cost=...)``): hand-worked
DC → store plans where the cheaper place to hold decides when stock moves."""

from __future__ import annotations

import numpy as np
import pytest

from stockwise.data import (
    Dataset,
    InventoryState,
    Item,
    Lane,
    Location,
    LocationKind,
    StockPosition,
)
from stockwise.engine.planning import ProblemError, build_problem, plan_orders
from stockwise.scenarios import ScenarioSet
from tests.engine.planning.tiny import EMPTY_HISTORY

ITEM = Item("A", unit_cost=10.0, holding_cost_rate=0.05, shortage_penalty=50.0)


def dc_store(dc_on_hand: float) -> Dataset:
    """Supplier → DC → store, the DC → store lane without lead time."""
    return Dataset(
        items=(ITEM,),
        locations=(
            Location("SUP", LocationKind.SUPPLIER),
            Location("DC", LocationKind.DC),
            Location("ST", LocationKind.STORE),
        ),
        lanes=(Lane("SUP", "DC", 5.0), Lane("DC", "ST", 0.0)),
        demand=EMPTY_HISTORY,
        inventory=InventoryState((StockPosition("A", "DC", dc_on_hand),)),
    )


def plan(holding: dict[str, float] | None):
    # 10 units at the DC; the store needs them in period 2 and nothing before.
    scenarios = ScenarioSet.from_arrays([("A", "ST")], np.array([[[0.0, 10.0]]]))
    # hand-worked costs: stock left at the end is worth nothing here
    problem = build_problem(
        dc_store(10.0), scenarios, location_holding_cost=holding, terminal_value=0.0
    )
    return plan_orders(problem)


@pytest.mark.parametrize(
    ("holding", "ship_first", "held"),
    [
        ({"DC": 1.0, "ST": 0.1}, 10.0, 10 * 0.1),  # cheaper at the store: move early
        ({"DC": 0.1, "ST": 1.0}, 0.0, 10 * 0.1),  # cheaper at the DC: move just in time
        ({"DC": 1.0}, 10.0, 10 * ITEM.holding_cost),  # the store keeps the item's 0.5
        (None, None, 10 * ITEM.holding_cost),  # the item's cost everywhere: either way
    ],
)
def test_stock_is_held_where_it_is_cheaper(holding, ship_first, held):
    result = plan(holding)
    shipped = result.quantities[1, 0]
    assert shipped.sum() == pytest.approx(10.0)
    if ship_first is not None:
        assert shipped[0] == pytest.approx(ship_first)
    assert result.costs["holding"] == pytest.approx(held)
    assert result.objective == pytest.approx(held)


@pytest.mark.parametrize(
    ("holding", "message"),
    [
        ({"SUP": 1.0}, "'SUP' is not a stocking location"),
        ({"NOWHERE": 1.0}, "'NOWHERE' is not a stocking location"),
        ({"DC": -0.1}, "location_holding_cost for 'DC' must be a finite cost >= 0"),
        ({"DC": float("nan")}, "location_holding_cost for 'DC' must be a finite cost >= 0"),
    ],
)
def test_bad_location_holding_is_named(holding, message):
    scenarios = ScenarioSet.from_arrays([("A", "ST")], np.array([[[0.0, 10.0]]]))
    with pytest.raises(ProblemError, match=message):
        build_problem(dc_store(10.0), scenarios, location_holding_cost=holding)
