"""Expected KPIs of a solved order plan, read from the solution arrays."""

from __future__ import annotations

import numpy as np
import pandas as pd

from stockwise.engine.planning.formulation import Formulation
from stockwise.engine.planning.problem import PlanningProblem, Shortage

TOL = 1e-6


def unpack(f: Formulation, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """[units] orders ``S x L x I x T`` of every scenario (first stage repeated), ``on_hand``
    ``S x K x T`` and ``short`` ``S x Kd x T`` from ``x``."""
    lay = f.layout
    return lay.orders(x), lay.stock(x), lay.shortage(x)


def expected_orders(f: Formulation, x: np.ndarray) -> np.ndarray:
    """[units] ``L x I x T`` orders: the first-stage orders as decided, later periods the
    scenario-weighted mean of the recourse orders (a projection, re-planned before then)."""
    return np.einsum("s,slit->lit", f.problem.weights, f.layout.orders(x))


def units_short(p: PlanningProblem, kd: np.ndarray, short: np.ndarray) -> np.ndarray:
    """[units] ``S x Kd x T`` demand of each period not served from stock in that period.

    With lost sales it is the lost units; with backorders, old backorders are served first,
    so the part of period ``t``'s demand left waiting is ``min(demand_t, backlog_t)``.
    """
    if p.shortage is Shortage.LOST_SALES:
        return short
    return np.minimum(p.demand[:, kd, :], short)


def cost_components(f: Formulation, x: np.ndarray) -> pd.Series:
    """[currency] expected cost by component (discounted like the objective)."""
    p = f.problem
    orders, on_hand, short = unpack(f, x)
    gamma = p.discount ** np.arange(p.horizon)
    w = p.weights
    src = p.source_lanes
    item_of_key = np.tile(np.arange(p.n_items), len(p.locations))
    kd = f.demand_keys
    transport = np.array([lane.transport_cost for lane in p.lanes])
    fixed = np.array([lane.fixed_order_cost for lane in p.lanes])
    order = np.einsum("s,slit->lit", w, orders)
    placed = np.einsum("s,slt->lt", w, (orders.sum(axis=2) > TOL).astype(float))  # P(order)
    costs = {
        "purchase": float(np.einsum("lit,i,t->", order[src], p.unit_cost, gamma)),
        "transport": float(np.einsum("lit,l,t->", order, transport, gamma)),
        "fixed ordering": float((placed * fixed[:, None] * gamma).sum()),
        "holding": float(np.einsum("skt,s,k,t->", on_hand, w, p.holding_per_key, gamma)),
        "shortage penalty": float(
            np.einsum("skt,s,k,t->", short, w, p.shortage_penalty[item_of_key[kd]], gamma)
        ),
    }
    if p.terminal_value > 0:
        credit = p.terminal_credit
        late = (p.arrival >= p.horizon).astype(float)  # S x L x T
        left = np.einsum("sk,s,k->", on_hand[:, :, -1], w, credit[item_of_key])
        left += np.einsum("slit,s,slt,i->", orders, w, late, credit)
        backorder = p.shortage is Shortage.BACKORDER
        if backorder:
            left -= np.einsum("sk,s,k->", short[:, :, -1], w, credit[item_of_key[kd]])
        held = p.on_hand + p.pipeline.sum(axis=1) - (p.backorders if backorder else 0.0)
        costs["stock value change"] = -float(left - credit[item_of_key] @ held)
    series = pd.Series(costs, name="expected cost")
    series["total"] = series.sum()
    return series


def service_table(f: Formulation, x: np.ndarray) -> pd.DataFrame:
    """Per demand key: expected demand, in-sample fill rate and stock-out probability."""
    p = f.problem
    _, on_hand, short = unpack(f, x)
    kd = f.demand_keys
    w = p.weights
    demand = p.demand[:, kd, :]
    lost = units_short(p, kd, short)
    expected = np.einsum("s,skt->k", w, demand)
    expected_short = np.einsum("s,skt->k", w, lost)
    with np.errstate(invalid="ignore", divide="ignore"):
        # Clipped to [0, 1]: the solver's feasibility tolerance can leave a shortfall a
        # hair above demand, which printed as a fill rate of "-0.0%".
        fill = np.where(expected > 0, np.clip(1.0 - expected_short / expected, 0.0, 1.0), np.nan)
    stockout = np.einsum("s,skt->k", w, (short > TOL).astype(float)) / p.horizon
    keys = [p.key(k) for k in kd]
    return pd.DataFrame(
        {
            "item": [k[0] for k in keys],
            "location": [k[1] for k in keys],
            "expected_demand": expected,
            "expected_short": expected_short,
            "fill_rate": fill,
            "stockout_probability": stockout,
            "fill_rate_target": p.fill_rate[kd],
            "cycle_service_target": p.cycle_service[kd],
            "expected_end_on_hand": np.einsum("s,sk->k", w, on_hand[:, kd, -1]),
        }
    )


def limit_use(
    f: Formulation, x: np.ndarray, row_duals: dict[str, np.ndarray] | None
) -> pd.DataFrame:
    """Every budget, capacity and service limit: its use, whether it binds, its shadow price.

    shadow_price : ∂(optimal objective)/∂(limit) in the limit's own unit (currency per
        currency of budget, per unit of capacity, per m³, per 1.0 of fill rate); NaN when
        the solver gave no duals
    """
    p, m = f.problem, f.model
    plan_only = np.array(x, dtype=float)
    for name, block in m.variables.items():
        if name.startswith("relax_"):  # the elastic slacks: use is what the plan needs
            plan_only[block.slice] = 0.0
    activity = m.matrix() @ plan_only
    frames = []
    for kind, block in f.limits.items():
        rows = m.constraints[kind].slice
        act = activity[rows]
        n = block.n_entries
        worst = np.full(n, -np.inf)
        np.maximum.at(worst, block.entry_of_row, act)
        used = block.limit + (worst - block.row_bound) / block.to_row_units
        slack = block.row_bound - worst
        binding = slack <= 1e-6 * np.maximum(1.0, np.abs(block.row_bound))
        price = np.full(n, np.nan)
        if row_duals is not None and kind in row_duals:
            price = np.zeros(n)
            np.add.at(price, block.entry_of_row, row_duals[kind])
            price *= block.to_row_units
        frames.append(
            pd.DataFrame(
                {
                    "constraint": str(kind),
                    "subject": block.subject,
                    "period": np.where(block.period >= 0, block.period + 1, 0),
                    "period_start": [
                        p.period_label(t) if t >= 0 else "horizon" for t in block.period
                    ],
                    "limit": block.limit,
                    "used": used,
                    "binding": binding,
                    "shadow_price": price,
                }
            )
        )
    if not frames:
        # typed, so that filtering on ``binding`` keeps every column (an object-dtype
        # empty mask would be read as a list of column labels)
        return pd.DataFrame(
            {
                "constraint": pd.Series(dtype=object),
                "subject": pd.Series(dtype=object),
                "period": pd.Series(dtype=np.int64),
                "period_start": pd.Series(dtype=object),
                "limit": pd.Series(dtype=float),
                "used": pd.Series(dtype=float),
                "binding": pd.Series(dtype=bool),
                "shadow_price": pd.Series(dtype=float),
            }
        )
    return pd.concat(frames, ignore_index=True)


def budget_and_capacity_use(f: Formulation, x: np.ndarray) -> pd.DataFrame:
    """Per period: purchase spend and, per supplier, lane and store with a limit, the use."""
    p = f.problem
    order, on_hand = expected_orders(f, x), f.layout.stock(x)
    src = p.source_lanes
    rows = []
    spend = np.einsum("lit,i->t", order[src], p.unit_cost)
    for t in range(p.horizon):
        rows.append(("purchase spend", "all suppliers", t, spend[t], p.budget[t]))
    for name, cap in p.supply_capacity.items():
        lanes = [j for j, lane in enumerate(p.lanes) if lane.origin == name]
        shipped = order[lanes].sum(axis=(0, 1))
        rows += [("supply", name, t, shipped[t], cap) for t in range(p.horizon)]
    for j, lane in enumerate(p.lanes):
        if np.isfinite(p.lane_capacity[j]):
            moved = order[j].sum(axis=0)
            rows += [
                ("lane", f"{lane.origin} → {lane.destination}", t, moved[t], p.lane_capacity[j])
                for t in range(p.horizon)
            ]
    volume = np.einsum(
        "snit,i->snt",
        on_hand.reshape(p.n_scenarios, len(p.locations), p.n_items, p.horizon),
        p.volume,
    )
    for n, name in enumerate(p.locations):
        if np.isfinite(p.storage_capacity[n]):
            peak = volume[:, n, :].max(axis=0)
            rows += [
                ("storage (worst scenario)", name, t, peak[t], p.storage_capacity[n])
                for t in range(p.horizon)
            ]
    frame = pd.DataFrame(rows, columns=["measure", "subject", "t", "used", "limit"])
    frame.insert(2, "period", frame["t"] + 1)
    frame.insert(3, "period_start", [p.period_label(t) for t in frame["t"]])
    frame = frame.drop(columns="t")
    with np.errstate(invalid="ignore", divide="ignore"):
        frame["share"] = np.where(
            np.isfinite(frame["limit"]), frame["used"] / frame["limit"], np.nan
        )
    return frame
