"""The order lines a planner reads: what to order, when it arrives, the stock it protects
and why the plan orders that much."""

from __future__ import annotations

import numpy as np
import pandas as pd

from stockwise.engine.planning.checks import implied_service
from stockwise.engine.planning.formulation import Formulation
from stockwise.engine.planning.limits import LimitKind

TOL = 1e-6


def order_lines(f: Formulation, x: np.ndarray, limits: pd.DataFrame) -> pd.DataFrame:
    """One row per lane, item and period with an expected order [units].

    Columns: ``origin, destination, item, period, period_start, firm, quantity,
    purchase_cost, arrival_period, arrival_start, projected_stock, stockout_risk, reason``.

    firm : an order to place now (first stage); later lines are projections (the
        scenario-weighted mean of orders that adapt to demand and are re-planned first)
    arrival_period : 1-based, expected over the scenarios (lead times vary); ``NaN`` when
        it arrives after the horizon
    projected_stock : [units] expected stock at the destination at the end of the arrival
        period, with this order in
    stockout_risk : probability that the destination (a location with demand) is short in
        the arrival period
    reason : the binding limit that caps the line, or the service it buys
    limits : ``OrderPlan.shadow_prices`` (binding limits and their prices)
    """
    p, lay = f.problem, f.layout
    orders = lay.orders(x)  # S x L x I x T
    w = p.weights
    expected = np.einsum("s,slit->lit", w, orders)
    lane, item, t = np.nonzero(expected > TOL)
    qty = expected[lane, item, t]
    t_n = p.horizon
    arrival = p.arrival[:, lane, t]  # S x rows
    inside = arrival < t_n
    p_inside = np.einsum("s,sr->r", w, inside.astype(float))
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_arrival = np.einsum("s,sr->r", w, np.where(inside, arrival, 0)) / p_inside
    mean_arrival = np.where(p_inside > 0.5, mean_arrival, np.nan)
    a_round = np.where(np.isfinite(mean_arrival), np.rint(np.nan_to_num(mean_arrival)), -1)
    a_round = a_round.astype(np.int64)
    loc = {name: n for n, name in enumerate(p.locations)}
    dest_key = (
        np.array([loc[p.lanes[j].destination] for j in lane], dtype=np.int64) * p.n_items + item
    )
    stock = lay.stock(x)
    short = lay.shortage(x)
    kd_pos = np.full(p.n_keys, -1)
    kd_pos[lay.demand_keys] = np.arange(len(lay.demand_keys))
    projected = np.full(len(lane), np.nan)
    risk = np.full(len(lane), np.nan)
    ok = a_round >= 0
    projected[ok] = np.einsum("s,sr->r", w, stock[:, dest_key[ok], a_round[ok]])
    has_demand = ok & (kd_pos[dest_key] >= 0)
    risk[has_demand] = np.einsum(
        "s,sr->r",
        w,
        (short[:, kd_pos[dest_key[has_demand]], a_round[has_demand]] > TOL).astype(float),
    )
    src = p.source_lanes[lane]
    frame = pd.DataFrame(
        {
            "origin": [p.lanes[j].origin for j in lane],
            "destination": [p.lanes[j].destination for j in lane],
            "item": [p.items[i] for i in item],
            "period": t + 1,
            "period_start": [p.period_label(tt) for tt in t],
            "firm": t < p.first_stage,
            "quantity": np.round(qty, 6),
            "purchase_cost": np.where(src, qty * p.unit_cost[item], 0.0),
            "arrival_period": np.round(mean_arrival + 1, 1),
            "arrival_start": [p.period_label(a) if a >= 0 else "after horizon" for a in a_round],
            "projected_stock": np.round(projected, 3),
            "stockout_risk": risk,
        }
    )
    frame["reason"] = _reasons(f, frame, lane, a_round, limits)
    return frame


def _reasons(
    f: Formulation, frame: pd.DataFrame, lane: np.ndarray, arrival: np.ndarray, limits
) -> list[str]:
    """The binding limit that caps each line, else the service it buys."""
    p = f.problem
    binding = limits[limits["binding"]] if len(limits) else limits
    budget = set(binding.loc[binding["constraint"] == LimitKind.BUDGET, "period"].tolist())
    storage = set(
        zip(
            binding.loc[binding["constraint"] == LimitKind.STORAGE, "subject"],
            binding.loc[binding["constraint"] == LimitKind.STORAGE, "period"],
            strict=True,
        )
    )
    caps = binding[binding["constraint"].isin([LimitKind.LANE_CAPACITY, LimitKind.SUPPLY])]
    capped = set(zip(caps["subject"], caps["period"], strict=True))
    implied = implied_service(p)
    reasons = []
    for row, j, a in zip(frame.itertuples(index=False), lane, arrival, strict=True):
        lane_name = f"{row.origin} → {row.destination}"
        caps_of_line = []  # every binding limit that caps the line
        if p.source_lanes[j] and row.period in budget:
            caps_of_line.append(f"the purchase budget of period {row.period}")
        for who in (lane_name, row.origin):
            if (who, row.period) in capped:
                caps_of_line.append(f"the capacity of {who} in period {row.period}")
        for when in dict.fromkeys([row.period, a + 1 if a >= 0 else None]):
            if when is not None and (row.destination, when) in storage:  # reserved, arrival
                caps_of_line.append(f"the storage space of {row.destination} in period {when}")
        if caps_of_line:
            reasons.append("capped by " + " and ".join(caps_of_line))
        elif a < 0:
            reasons.append("arrives after the horizon: stock for the periods beyond it")
        elif np.isfinite(row.stockout_risk):
            reasons.append(
                f"keeps the risk of running short at {row.destination} in period {a + 1} at "
                f"{row.stockout_risk:.1%} (the costs ask for at most "
                f"{1 - implied[p.items.index(row.item)]:.1%})"
            )
        else:
            reasons.append(
                f"stocks {row.destination} for the locations it supplies: expected "
                f"{row.projected_stock:,.0f} units on hand in period {a + 1}"
            )
    return reasons
