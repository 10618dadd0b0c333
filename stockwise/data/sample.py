"""A realistic retail sample: 1 supplier, 2 DCs, 12 stores, 40 items, 156 weeks of sales.

The demand model per item and store, week t (multiplicative):

    μ_t = base · (1 + g·t/52) · (1 + a·sin(2π(t - φ)/52)) · (p_t / p_0)^ε · lift^{promo_t}

with g a yearly trend, a the seasonal amplitude (phase φ per category), ε < 0 the price
elasticity, step changes in the list price p_t and promotion weeks with a discount and a
lift. Sales are negative-binomial around μ_t (over-dispersed counts). A quarter of the
series (10 slow-moving items at every store) are intermittent: more than half zero weeks.
Storage capacities fit 2.5 weeks (3 at DCs) of a 75th-percentile week: they bind in peak season.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stockwise.data.io import make_demand_frame
from stockwise.data.model import (
    Budget,
    Constraints,
    Dataset,
    DemandHistory,
    InventoryState,
    Item,
    Lane,
    Location,
    LocationKind,
    OnOrder,
    ServiceKind,
    ServiceTarget,
    StockPosition,
)

N_WEEKS = 156
N_ITEMS = 40
N_STORES = 12
CATEGORIES = ("pantry", "beverages", "household", "personal_care")
# Week of the seasonal peak, per category (beverages peak in summer, pantry in winter).
PEAK_WEEK = {"pantry": 48, "beverages": 28, "household": 14, "personal_care": 22}
START = pd.Timestamp("2023-01-02")  # a Monday: periods are week starts


def generate(seed: int = 0) -> Dataset:
    """The sample dataset; the same ``seed`` always gives the same dataset.

    >>> ds = generate(7)
    >>> len(ds.items), len(ds.locations), ds.demand.frame["period"].nunique()
    (40, 15, 156)
    """
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    items = _items(rng)
    stores = [f"ST{s + 1:02d}" for s in range(N_STORES)]
    dcs = ["DC-NORTH", "DC-SOUTH"]
    store_dc = {s: dcs[i * len(dcs) // N_STORES] for i, s in enumerate(stores)}

    demand, store_weekly_volume = _demand(rng, items, stores)
    # Capacity fits 2.5 (stores) or 3 (DCs) weeks of the 75th-percentile week: peak weeks overflow.
    busy_volume = np.quantile(store_weekly_volume, 0.75, axis=1)

    locations = [Location("SUPPLIER", LocationKind.SUPPLIER)]
    for dc in dcs:
        served = [i for i, s in enumerate(stores) if store_dc[s] == dc]
        locations.append(
            Location(dc, LocationKind.DC, round(3.0 * float(busy_volume[served].sum()), 1))
        )
    for i, store in enumerate(stores):
        locations.append(Location(store, LocationKind.STORE, round(2.5 * float(busy_volume[i]), 2)))

    lanes = [
        Lane(
            "SUPPLIER",
            dc,
            lead_time_mean=3.0,
            lead_time_sd=0.8,
            transport_cost=0.15,
            fixed_order_cost=250.0,
        )
        for dc in dcs
    ] + [
        Lane(
            store_dc[s],
            s,
            lead_time_mean=1.0,
            lead_time_sd=0.3,
            transport_cost=0.08,
            fixed_order_cost=40.0,
        )
        for s in stores
    ]

    inventory = _inventory(rng, items, demand, store_dc)
    mean_purchase = sum(
        it.unit_cost * demand.loc[demand["item"] == it.item, "quantity"].sum() / N_WEEKS
        for it in items
    )
    constraints = Constraints(
        budgets=(Budget(float(round(1.1 * mean_purchase, -2))),),
        service_targets=(
            ServiceTarget(ServiceKind.FILL_RATE, 0.95),
            *(ServiceTarget(ServiceKind.CYCLE_SERVICE, 0.98, item=it.item) for it in items[:4]),
        ),
    )
    return Dataset(
        items=tuple(items),
        locations=tuple(locations),
        lanes=tuple(lanes),
        demand=DemandHistory(make_demand_frame(demand)),
        inventory=inventory,
        constraints=constraints,
    )


def _items(rng: np.random.Generator) -> list[Item]:
    items = []
    for k in range(N_ITEMS):
        category = CATEGORIES[k % len(CATEGORIES)]
        cost = round(float(rng.lognormal(np.log(6.0), 0.6)), 2)
        price = round(cost * float(rng.uniform(1.3, 1.9)), 2)
        case_pack = int(rng.choice([1, 6, 12, 24], p=[0.2, 0.35, 0.3, 0.15]))
        items.append(
            Item(
                item=f"SKU{k + 1:03d}",
                category=category,
                unit_cost=cost,
                holding_cost_rate=round(0.25 / 52, 6),  # 25 % a year, weekly periods
                shortage_penalty=round(price - cost + 0.25 * price, 2),
                price=price,
                volume=round(float(rng.uniform(0.0008, 0.012)), 5),
                case_pack=case_pack,
                moq=float(case_pack * int(rng.integers(1, 4))),
            )
        )
    return items


def _demand(
    rng: np.random.Generator, items: list[Item], stores: list[str]
) -> tuple[pd.DataFrame, np.ndarray]:
    """Demand rows and each store's weekly demand volume (stores x weeks) [m³]."""
    t = np.arange(N_WEEKS)
    slow = set(rng.choice(N_ITEMS, size=N_ITEMS // 4, replace=False).tolist())
    store_size = rng.lognormal(0.0, 0.35, size=len(stores))
    frames = []
    volume = np.zeros((len(stores), N_WEEKS))
    for k, item in enumerate(items):
        list_price = np.full(N_WEEKS, item.price)
        for change in np.sort(rng.choice(np.arange(20, N_WEEKS), size=2, replace=False)):
            list_price[change:] *= rng.uniform(0.95, 1.1)
        elasticity = rng.uniform(-2.0, -0.8)
        promo = rng.random(N_WEEKS) < (0.0 if k in slow else 0.08)
        discount = np.where(promo, rng.uniform(0.15, 0.3, N_WEEKS), 0.0)
        price = np.round(list_price * (1 - discount), 2)
        lift = np.where(promo, rng.uniform(1.4, 2.4), 1.0)
        amplitude = rng.uniform(0.15, 0.45)
        seasonal = 1 + amplitude * np.cos(2 * np.pi * (t - PEAK_WEEK[item.category]) / 52)
        trend = 1 + rng.normal(0.05, 0.08) * t / 52
        shape = np.clip(trend, 0.3, None) * seasonal * (price / item.price) ** elasticity * lift
        if k in slow:
            base, dispersion = rng.uniform(0.15, 0.45), 0.6  # intermittent: P(0) > 0.5
        else:
            base, dispersion = rng.lognormal(np.log(25.0), 0.7), rng.uniform(3.0, 12.0)
        for s, store in enumerate(stores):
            mu = base * store_size[s] * shape
            # Negative binomial with mean mu and variance mu + mu²/dispersion.
            qty = rng.negative_binomial(dispersion, dispersion / (dispersion + mu))
            volume[s] += mu * item.volume
            frames.append(
                pd.DataFrame(
                    {
                        "item": item.item,
                        "location": store,
                        "period": START + pd.to_timedelta(7 * t, unit="D"),
                        "quantity": qty.astype(float),
                        "price": price,
                        "promo": promo,
                    }
                )
            )
    return pd.concat(frames, ignore_index=True), volume


def _inventory(
    rng: np.random.Generator,
    items: list[Item],
    demand: pd.DataFrame,
    store_dc: dict[str, str],
) -> InventoryState:
    recent = demand[demand["period"] >= demand["period"].max() - pd.Timedelta(weeks=8)]
    weekly = recent.groupby(["item", "location"])["quantity"].mean()
    positions, on_order = [], []
    dc_weekly: dict[tuple[str, str], float] = {}
    for (item, store), mean in weekly.items():
        cover = rng.uniform(0.5, 2.5)
        positions.append(StockPosition(item, store, float(np.round(mean * cover))))
        key = (item, store_dc[store])
        dc_weekly[key] = dc_weekly.get(key, 0.0) + float(mean)
    for (item, dc), mean in sorted(dc_weekly.items()):
        positions.append(StockPosition(item, dc, float(np.round(mean * rng.uniform(1.5, 4.0)))))
        if rng.random() < 0.5:
            on_order.append(OnOrder(item, dc, float(np.round(mean * 2)), int(rng.integers(1, 3))))
    return InventoryState(tuple(positions), tuple(on_order))
