"""Small textbook networks for the simulator tests, built in stockwise's data model."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from stockwise.data import Dataset, DemandHistory, Item, Lane, Location, LocationKind
from stockwise.engine.simulation import SimNetwork


def serial(
    lead_times: list[int],
    *,
    unit_cost: float = 1.0,
    holding_rate: float = 0.0,
    penalty: float = 1.0,
    fixed_cost: float = 0.0,
    n_items: int = 1,
    capacities: list[float | None] | None = None,
) -> Dataset:
    """SUPPLIER -> N{k} -> ... -> N1 (node 1 faces demand); ``lead_times`` upstream first."""
    k = len(lead_times)
    names = [f"N{j}" for j in range(k, 0, -1)]
    locations = [Location("SUPPLIER", LocationKind.SUPPLIER)] + [
        Location(n, LocationKind.STORE if n == "N1" else LocationKind.DC) for n in names
    ]
    capacities = capacities or [None] * k
    origins = ["SUPPLIER", *names[:-1]]
    lanes = [
        Lane(o, d, float(lt), 0.0, 0.0, fixed_cost, cap)
        for o, d, lt, cap in zip(origins, names, lead_times, capacities, strict=True)
    ]
    items = [
        Item(f"I{i}", unit_cost, holding_rate, penalty, volume=1.0, price=2.0)
        for i in range(n_items)
    ]
    frame = pd.DataFrame(
        {
            "item": [it.item for it in items],
            "location": "N1",
            "period": 0,
            "quantity": 1.0,
            "price": np.nan,
            "promo": False,
        }
    )
    return Dataset(tuple(items), tuple(locations), tuple(lanes), DemandHistory(frame))


def with_local_holding(net: SimNetwork, holding: dict[str, float]) -> SimNetwork:
    """Per-location holding cost (the data model has one per item); units in transit into a
    location are charged at the shipper's local rate (the echelon-cost convention)."""
    h = net.holding.copy()
    th = net.transit_holding.copy()
    for name, value in holding.items():
        h[net.location_index(name)] = value
    for l, lane in enumerate(net.lanes):  # noqa: E741
        th[net.lane_dest[l]] = holding.get(lane.origin, 0.0)
    return dataclasses.replace(net, holding=h, transit_holding=th)
