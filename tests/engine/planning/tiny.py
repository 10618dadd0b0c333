"""Tiny hand-checkable networks for the planning tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

from stockwise.data import (
    Budget,
    Constraints,
    Dataset,
    DemandHistory,
    InventoryState,
    Item,
    Lane,
    Location,
    LocationKind,
    StockPosition,
)
from stockwise.engine.planning import build_problem
from stockwise.scenarios import ScenarioSet

EMPTY_HISTORY = DemandHistory(
    pd.DataFrame(
        {
            "item": pd.Series([], dtype=object),
            "location": pd.Series([], dtype=object),
            "period": pd.Series([], dtype="int64"),
            "quantity": pd.Series([], dtype=float),
            "price": pd.Series([], dtype=float),
            "promo": pd.Series([], dtype=bool),
        }
    )
)


def store_dataset(
    items: list[Item],
    *,
    lead_time: float = 0.0,
    on_hand: dict[str, float] | None = None,
    budget: float | None = None,
    service_targets=(),
    storage: float | None = None,
    fixed_order_cost: float = 0.0,
    transport_cost: float = 0.0,
) -> Dataset:
    """One supplier feeding one store directly."""
    positions = tuple(StockPosition(i, "STORE", q) for i, q in (on_hand or {}).items())
    return Dataset(
        items=tuple(items),
        locations=(
            Location("SUP", LocationKind.SUPPLIER),
            Location("STORE", LocationKind.STORE, storage_capacity=storage),
        ),
        lanes=(
            Lane(
                "SUP",
                "STORE",
                lead_time,
                transport_cost=transport_cost,
                fixed_order_cost=fixed_order_cost,
            ),
        ),
        demand=EMPTY_HISTORY,
        inventory=InventoryState(positions),
        constraints=Constraints(
            budgets=() if budget is None else (Budget(budget),),
            service_targets=tuple(service_targets),
        ),
    )


def store_problem(dataset: Dataset, demand: np.ndarray, **kwargs):
    """Problem with ``demand`` (S x items x T) at the store, equally weighted."""
    keys = [(it.item, "STORE") for it in dataset.items]
    scenarios = ScenarioSet.from_arrays(keys, np.asarray(demand, dtype=float))
    return build_problem(dataset, scenarios, **kwargs)
