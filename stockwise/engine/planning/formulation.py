"""The two-stage SAA order-planning model, described once as arrays for ``stockwise.solvers``.

First stage: ``order[l, i, t]`` [units] placed on lane ``l`` for item ``i`` in period ``t``.
Second stage, per scenario ``s``: ``on_hand[s, k, t]`` at the end of period ``t`` and
``short[s, k, t]`` (the backlog with backorders, the units lost with lost sales) at the
demand keys. One equality row per scenario, key and period balances the stock:

    on_hand[t] - on_hand[t-1] - short[t] (+ short[t-1] with backorders)
        - arrivals[t] + shipments out[t] = pipeline[t] - demand[t]  (+ initial net stock at t=0)

so a location can only ship what it has (``on_hand >= 0``). Every limit a planner sets
(budget, supply, lane and storage capacity, service targets) is a named row block that the
elastic version relaxes with a penalised slack per limit entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp

from stockwise.engine.planning.problem import (
    BudgetMode,
    CycleServiceForm,
    Objective,
    PlanningProblem,
    Shortage,
)
from stockwise.solvers import LinearModel, Sense

# Relaxing a service target costs this many times relaxing a budget or capacity by the same
# share, so the elastic model moves budgets and capacities first.
SERVICE_WEIGHT = 1_000.0


@dataclass(frozen=True, eq=False)
class LimitBlock:
    """A block of rows ``A x <= upper`` that a planner sets, reported entry by entry.

    Rows map onto entries (one entry per limit the planner sees: storage rows of all
    scenarios share the entry of their location and period).

    kind : ``budget``, ``supply``, ``lane_capacity``, ``storage``, ``fill_rate``,
        ``cycle_service`` or ``cvar``
    subject, period : per entry, what is limited and the 0-based period (-1: the horizon)
    limit : per entry, the limit in planner units (currency, units, volume, share)
    row_bound : per entry, the row bound the limit becomes
    to_row_units : per entry, row units per planner unit (to turn a slack into a limit)
    entry_of_row : per row, its entry
    weight : per entry, the elastic penalty per row unit of slack
    """

    kind: str
    subject: tuple[str, ...]
    period: np.ndarray
    limit: np.ndarray
    row_bound: np.ndarray
    to_row_units: np.ndarray
    entry_of_row: np.ndarray
    weight: np.ndarray

    @property
    def n_entries(self) -> int:
        return len(self.subject)


@dataclass(frozen=True, eq=False)
class Formulation:
    """The model and the layout needed to read its solution back."""

    model: LinearModel
    problem: PlanningProblem
    demand_keys: np.ndarray
    limits: dict[str, LimitBlock]
    elastic: bool


def _coo(rows, cols, vals, shape) -> sp.coo_array:
    return sp.coo_array(
        (
            np.broadcast_to(np.asarray(vals, dtype=float), np.shape(rows)).ravel(),
            (np.ravel(rows), np.ravel(cols)),
        ),
        shape=shape,
    )


def formulate(p: PlanningProblem, *, elastic: bool = False) -> Formulation:
    """The order-planning model of ``p``.

    elastic : add a slack to every limit entry and minimise their weighted sum only (the
        phase-one model that finds the smallest change of limits that makes ``p`` feasible)
    """
    s_n, k_n, t_n, i_n, l_n = p.n_scenarios, p.n_keys, p.horizon, p.n_items, len(p.lanes)
    gamma = p.discount ** np.arange(t_n)
    w = p.weights
    item_of_key = np.tile(np.arange(i_n), len(p.locations))
    kd = p.demand_keys
    kd_n = len(kd)
    src_lane = p.source_lanes
    loc = {name: n for n, name in enumerate(p.locations)}
    dest = np.array([loc[lane.destination] for lane in p.lanes], dtype=np.int64)
    orig = np.array([loc.get(lane.origin, -1) for lane in p.lanes], dtype=np.int64)
    backorder = p.shortage is Shortage.BACKORDER
    profit = p.objective is Objective.PROFIT

    demand = p.demand.copy()
    if not backorder:  # owed units become demand of the first period
        demand[:, :, 0] += p.backorders
    d_kd = demand[:, kd, :]

    # ---- objective: cost coefficients of a minimisation ---------------------------------
    per_unit = np.array([lane.transport_cost for lane in p.lanes])[:, None] + np.outer(
        src_lane, p.unit_cost
    )
    c_order = per_unit[:, :, None] * gamma
    c_hold = w[:, None, None] * p.holding_per_key[None, :, None] * gamma
    price = np.nan_to_num(p.price[item_of_key[kd]])
    c_short = w[:, None, None] * p.shortage_penalty[item_of_key[kd]][None, :, None] * gamma
    revenue = 0.0
    if profit:
        revenue = float(np.einsum("s,skt,k,t->", w, d_kd, price, gamma))
        if backorder:
            revenue += float(price @ p.backorders[kd])
            lost = np.append(gamma[:-1] - gamma[1:], gamma[-1])  # revenue lost per backlog unit
        else:
            lost = gamma
        c_short = c_short + w[:, None, None] * price[None, :, None] * lost
    if p.terminal_value > 0:  # stock left at the end is worth a share of its unit cost
        credit = p.terminal_credit
        c_hold[:, :, -1] -= w[:, None] * credit[item_of_key][None, :]
        in_transit = np.einsum("s,slt->lt", w, p.arrival >= t_n)  # P(arrives after T)
        c_order = c_order - in_transit[:, None, :] * credit[None, :, None]
        if backorder:  # a unit still owed must be bought later
            c_short[:, :, -1] += w[:, None] * credit[item_of_key[kd]][None, :]
    c_order, c_hold = c_order.ravel(), c_hold.ravel()
    sign = -1.0 if profit else 1.0
    scale = 0.0 if elastic else 1.0

    model = LinearModel(
        "order_plan_elastic" if elastic else "order_plan",
        sense=Sense.MAXIMIZE if profit and not elastic else Sense.MINIMIZE,
        offset=revenue * scale,
    )
    order = model.add_variables(
        "order",
        l_n * i_n * t_n,
        cost=sign * scale * c_order,
        labels=_labels(p, "order"),
    )
    on_hand = model.add_variables(
        "on_hand", s_n * k_n * t_n, cost=sign * scale * c_hold, labels=_labels(p, "on_hand")
    )
    short_ub = np.inf if backorder else d_kd.ravel()
    short = model.add_variables(
        "short",
        s_n * kd_n * t_n,
        ub=short_ub,
        cost=sign * scale * c_short.ravel(),
        labels=_labels(p, "short", kd),
    )

    # ---- stock balance: one equality row per scenario, key and period ---------------------
    idx = np.arange(s_n * k_n * t_n).reshape(s_n, k_n, t_n)
    rows = [idx.ravel(), idx[:, :, 1:].ravel()]
    cols = [idx.ravel(), idx[:, :, :-1].ravel()]
    vals = [np.ones(idx.size), -np.ones(idx[:, :, 1:].size)]
    h_part = _coo(
        np.concatenate(rows), np.concatenate(cols), np.concatenate(vals), (idx.size, on_hand.size)
    )
    sidx = np.arange(s_n * kd_n * t_n).reshape(s_n, kd_n, t_n)
    srow = idx[:, kd, :]
    b_rows, b_cols, b_vals = [srow.ravel()], [sidx.ravel()], [-np.ones(sidx.size)]
    if backorder:
        b_rows.append(srow[:, :, 1:].ravel())
        b_cols.append(sidx[:, :, :-1].ravel())
        b_vals.append(np.ones(sidx[:, :, :-1].size))
    s_part = _coo(
        np.concatenate(b_rows),
        np.concatenate(b_cols),
        np.concatenate(b_vals),
        (idx.size, short.size),
    )
    f_rows, f_cols, f_vals = _flows(p, dest, orig)
    x_part = _coo(f_rows, f_cols, f_vals, (idx.size, order.size))
    rhs = p.pipeline[None, :, :] - demand
    rhs[:, :, 0] += p.on_hand - (p.backorders if backorder else 0.0)
    model.add_constraints(
        "balance",
        {on_hand: h_part, short: s_part, order: x_part},
        lower=rhs.ravel(),
        upper=rhs.ravel(),
        labels=_labels(p, "on_hand"),
    )

    # ---- with backorders, a location with demand and outbound lanes ships from stock only ----
    mixed = np.intersect1d(kd, np.flatnonzero(np.isin(np.arange(k_n) // i_n, orig[orig >= 0])))
    if backorder and len(mixed):
        _ship_from_stock(model, p, mixed, idx, f_rows, f_cols, f_vals, on_hand, order)

    limits: dict[str, LimitBlock] = {}

    def add_limit(block: LimitBlock, terms) -> None:
        if block.entry_of_row.size == 0:
            return
        upper = block.row_bound[block.entry_of_row]
        if elastic:
            slack = model.add_variables(f"relax_{block.kind}", block.n_entries, cost=block.weight)
            terms = dict(terms)
            terms[slack] = _coo(
                np.arange(len(block.entry_of_row)),
                block.entry_of_row,
                -1.0,
                (len(block.entry_of_row), block.n_entries),
            )
        model.add_constraints(block.kind, terms, upper=upper, labels=_limit_labels(p, block))
        limits[block.kind] = block

    oidx = np.arange(order.size).reshape(l_n, i_n, t_n)

    # ---- supply capacity of sources ------------------------------------------------------
    caps = [(name, cap) for name, cap in p.supply_capacity.items() if np.isfinite(cap)]
    if caps:
        r, c = [], []
        for e, (name, _) in enumerate(caps):
            lanes = [j for j, lane in enumerate(p.lanes) if lane.origin == name]
            block = oidx[lanes]  # lanes x I x T
            r.append(e * t_n + np.broadcast_to(np.arange(t_n), block.shape).ravel())
            c.append(block.ravel())
        cap = np.array([c_ for _, c_ in caps])
        add_limit(
            _entries("supply", [n for n, _ in caps], t_n, np.repeat(cap, t_n), 1.0),
            {order: _coo(np.concatenate(r), np.concatenate(c), 1.0, (len(caps) * t_n, order.size))},
        )

    # ---- lane capacity -------------------------------------------------------------------
    capped = np.flatnonzero(np.isfinite(p.lane_capacity))
    if len(capped):
        block = oidx[capped]  # lanes x I x T
        r = np.arange(len(capped))[:, None, None] * t_n + np.arange(t_n)[None, None, :]
        add_limit(
            _entries(
                "lane_capacity",
                [f"{p.lanes[j].origin} → {p.lanes[j].destination}" for j in capped],
                t_n,
                np.repeat(p.lane_capacity[capped], t_n),
                1.0,
            ),
            {
                order: _coo(
                    np.broadcast_to(r, block.shape), block, 1.0, (len(capped) * t_n, order.size)
                )
            },
        )

    # ---- purchase budget -----------------------------------------------------------------
    src = np.flatnonzero(src_lane)
    if len(src) and np.isfinite(p.budget).any():
        spend = oidx[src]  # src lanes x I x T, coefficient unit cost
        coef = np.broadcast_to(p.unit_cost[None, :, None], spend.shape)
        if p.budget_mode is BudgetMode.CUMULATIVE:
            limit = np.cumsum(p.budget)
            periods = np.flatnonzero(np.isfinite(limit))
            # row of period t sums the spend of every period up to t
            tt = np.broadcast_to(np.arange(t_n)[None, None, :], spend.shape).ravel()
            r = np.concatenate([np.full(int((tt <= t).sum()), e) for e, t in enumerate(periods)])
            c = np.concatenate([spend.ravel()[tt <= t] for t in periods])
            v = np.concatenate([coef.ravel()[tt <= t] for t in periods])
            subject = "cumulative purchase budget"
        else:
            limit = p.budget
            periods = np.flatnonzero(np.isfinite(limit))
            keep = np.isin(np.arange(t_n), periods)
            row_of_t = np.cumsum(keep) - 1
            mask = np.broadcast_to(keep[None, None, :], spend.shape)
            r = np.broadcast_to(row_of_t[None, None, :], spend.shape)[mask]
            c, v = spend[mask], coef[mask]
            subject = "purchase budget"
        block = LimitBlock(
            kind="budget",
            subject=tuple(subject for _ in periods),
            period=periods,
            limit=limit[periods],
            row_bound=limit[periods],
            to_row_units=np.ones(len(periods)),
            entry_of_row=np.arange(len(periods)),
            weight=1.0 / np.maximum(limit[periods], 1.0),
        )
        add_limit(block, {order: _coo(r, c, v, (len(periods), order.size))})

    # ---- storage volume, every scenario -------------------------------------------------
    stored = np.flatnonzero(np.isfinite(p.storage_capacity))
    if len(stored) and (p.volume > 0).any():
        keys = stored[:, None] * i_n + np.arange(i_n)[None, :]  # N' x I
        cols_ = idx[:, keys, :]  # S x N' x I x T
        r = (
            np.arange(s_n)[:, None, None, None] * len(stored) * t_n
            + np.arange(len(stored))[None, :, None, None] * t_n
            + np.arange(t_n)[None, None, None, :]
        )
        vol = np.broadcast_to(p.volume[None, None, :, None], cols_.shape)
        entries = _entries(
            "storage",
            [p.locations[n] for n in stored],
            t_n,
            np.repeat(p.storage_capacity[stored], t_n),
            1.0,
        )
        entries = _with_rows(entries, np.tile(np.arange(len(stored) * t_n), s_n))
        add_limit(
            entries,
            {
                on_hand: _coo(
                    np.broadcast_to(r, cols_.shape),
                    cols_,
                    vol,
                    (s_n * len(stored) * t_n, on_hand.size),
                )
            },
        )

    # ---- fill rate: expected units short within (1 - target) of expected demand -------------
    target = p.fill_rate[kd]
    fr = np.flatnonzero(np.isfinite(target))
    if len(fr):
        expected = np.einsum("s,skt->k", w, d_kd[:, fr, :])
        cols_ = sidx[:, fr, :]  # S x F x T
        r = np.broadcast_to(np.arange(len(fr))[None, :, None], cols_.shape)
        coef = np.broadcast_to(w[:, None, None], cols_.shape)
        bound = (1.0 - target[fr]) * expected
        block = LimitBlock(
            kind="fill_rate",
            subject=tuple("{} at {}".format(*p.key(kd[j])) for j in fr),
            period=np.full(len(fr), -1),
            limit=target[fr],
            row_bound=bound,
            to_row_units=-expected,  # +1 of target takes `expected` units off the row bound
            entry_of_row=np.arange(len(fr)),
            weight=SERVICE_WEIGHT / np.maximum(expected, 1e-9),
        )
        add_limit(block, {short: _coo(r, cols_, coef, (len(fr), short.size))})

    # ---- cycle service: a binary per scenario and period allows a stock-out ----------------
    alpha = p.cycle_service[kd]
    cs = np.flatnonzero(np.isfinite(alpha))
    if len(cs) and p.cycle_service_form is CycleServiceForm.CVAR:
        _add_cycle_cvar(
            model, p, kd, cs, alpha[cs], (f_rows, f_cols, f_vals), demand, order, add_limit
        )
    elif len(cs):
        z = model.add_variables("stockout_allowed", s_n * len(cs) * t_n, ub=1.0, integer=True)
        zidx = np.arange(z.size).reshape(s_n, len(cs), t_n)
        if backorder:
            big_m = p.backorders[kd[cs]][None, :, None] + np.cumsum(d_kd[:, cs, :], axis=2)
        else:
            big_m = d_kd[:, cs, :]
        n_tie = z.size
        model.add_constraints(
            "stockout_link",
            {
                short: _coo(np.arange(n_tie), sidx[:, cs, :].ravel(), 1.0, (n_tie, short.size)),
                z: _coo(np.arange(n_tie), zidx.ravel(), -big_m.ravel(), (n_tie, z.size)),
            },
            upper=0.0,
        )
        r = np.broadcast_to(np.arange(len(cs))[None, :, None], zidx.shape)
        coef = np.broadcast_to(w[:, None, None], zidx.shape)
        block = LimitBlock(
            kind="cycle_service",
            subject=tuple("{} at {}".format(*p.key(kd[j])) for j in cs),
            period=np.full(len(cs), -1),
            limit=alpha[cs],
            row_bound=(1.0 - alpha[cs]) * t_n,
            to_row_units=np.full(len(cs), -float(t_n)),
            entry_of_row=np.arange(len(cs)),
            weight=np.full(len(cs), SERVICE_WEIGHT / t_n),
        )
        add_limit(block, {z: _coo(r, zidx, coef, (len(cs), z.size))})

    # ---- CVaR of the total shortage over the horizon (Rockafellar–Uryasev) ----------------
    if p.cvar:
        _add_cvar(model, p, kd, sidx, short, add_limit)

    if p.integer:
        _add_integer_orders(model, p, order, oidx, d_kd, kd, item_of_key, gamma, sign * scale)

    return Formulation(model, p, kd, limits, elastic)


def _flows(p: PlanningProblem, dest: np.ndarray, orig: np.ndarray):
    """Triplets of arrivals (-1) and shipments out (+1) in the balance rows."""
    s_n, k_n, t_n, i_n = p.n_scenarios, p.n_keys, p.horizon, p.n_items
    items = np.arange(i_n)
    s, lane, t = np.nonzero(p.arrival < t_n)
    a = p.arrival[s, lane, t]
    rows_in = ((s[:, None] * k_n + dest[lane][:, None] * i_n + items) * t_n + a[:, None]).ravel()
    cols_in = ((lane[:, None] * i_n + items) * t_n + t[:, None]).ravel()
    internal = np.flatnonzero(orig >= 0)
    ss, ll, tt = np.meshgrid(np.arange(s_n), internal, np.arange(t_n), indexing="ij")
    ss, ll, tt = ss.ravel(), ll.ravel(), tt.ravel()
    rows_out = ((ss[:, None] * k_n + orig[ll][:, None] * i_n + items) * t_n + tt[:, None]).ravel()
    cols_out = ((ll[:, None] * i_n + items) * t_n + tt[:, None]).ravel()
    return (
        np.concatenate([rows_in, rows_out]),
        np.concatenate([cols_in, cols_out]),
        np.concatenate([-np.ones(rows_in.size), np.ones(rows_out.size)]),
    )


def _ship_from_stock(model, p, mixed, idx, f_rows, f_cols, f_vals, on_hand, order) -> None:
    """Shipments out of a demand location within the stock on hand before its demand."""
    s_n, k_n, t_n = p.n_scenarios, p.n_keys, p.horizon
    row_key = (f_rows // t_n) % k_n
    pick = np.isin(row_key, mixed)
    pos = np.full(k_n, -1)
    pos[mixed] = np.arange(len(mixed))
    remap = lambda r: ((r // (k_n * t_n)) * len(mixed) + pos[(r // t_n) % k_n]) * t_n + r % t_n  # noqa: E731
    n_rows = s_n * len(mixed) * t_n
    own = idx[:, mixed, :]
    prev_rows = remap(own[:, :, 1:].ravel())
    bound = np.broadcast_to(p.pipeline[mixed][None], own.shape).copy()
    bound[:, :, 0] += p.on_hand[mixed]
    model.add_constraints(
        "ship_from_stock",
        {
            order: _coo(remap(f_rows[pick]), f_cols[pick], f_vals[pick], (n_rows, order.size)),
            on_hand: _coo(prev_rows, own[:, :, :-1].ravel(), -1.0, (n_rows, on_hand.size)),
        },
        upper=bound.ravel(),
    )


def _add_cvar(model, p, kd, sidx, short, add_limit) -> None:
    s_n = p.n_scenarios
    pos = {int(k): j for j, k in enumerate(kd)}
    picked = [(c, pos[p.key_index(c.item, c.location)]) for c in p.cvar]
    n_c = len(picked)
    eta = model.add_variables("cvar_threshold", n_c, lb=-np.inf)
    excess = model.add_variables("cvar_excess", s_n * n_c)
    r = np.arange(s_n * n_c).reshape(s_n, n_c)
    cols = np.stack([sidx[:, j, :] for _, j in picked], axis=1)  # S x C x T
    model.add_constraints(
        "cvar_tail",
        {
            excess: _coo(r.ravel(), r.ravel(), 1.0, (r.size, excess.size)),
            eta: _coo(r.ravel(), np.tile(np.arange(n_c), s_n), 1.0, (r.size, n_c)),
            short: _coo(
                np.broadcast_to(r[:, :, None], cols.shape), cols, -1.0, (r.size, short.size)
            ),
        },
        lower=0.0,
    )
    alpha = np.array([c.alpha for c, _ in picked])
    limit = np.array([c.limit for c, _ in picked])
    coef = p.weights[:, None] / (1.0 - alpha)[None, :]
    block = LimitBlock(
        kind="cvar",
        subject=tuple(f"{c.item} at {c.location} (CVaR {c.alpha:.0%})" for c, _ in picked),
        period=np.full(n_c, -1),
        limit=limit,
        row_bound=limit,
        to_row_units=np.ones(n_c),
        entry_of_row=np.arange(n_c),
        weight=SERVICE_WEIGHT / np.maximum(limit, 1.0),
    )
    add_limit(
        block,
        {
            eta: sp.eye_array(n_c, format="coo"),
            excess: _coo(np.tile(np.arange(n_c), s_n), r.ravel(), coef.ravel(), (n_c, excess.size)),
        },
    )


def _add_cycle_cvar(model, p, kd, cs, alpha, flows, demand, order, add_limit) -> None:
    """Conservative LP form of the cycle-service target (Nemirovski and Shapiro, 2006).

    The shortfall ``X[s, t]`` is minus the net inventory the orders give at the end of
    period ``t`` if all shortages were backordered: cumulative demand minus initial stock,
    pipeline and arrivals, plus shipments out. It is a function of the orders alone (the
    model cannot game it by declining sales) and a stock-out, backordered or lost, implies
    ``X > 0``. Over all scenario-periods (probability ``w_s / T`` each), ``CVaR_α(X) <= 0``
    implies ``P(X > 0) <= 1 - α``:

        η + Σ_{s,t} w_s / (T (1 - α)) · v[s, t] <= 0,   v >= X − η,   v >= 0
    """
    s_n, t_n, c_n, k_n = p.n_scenarios, p.horizon, len(cs), p.n_keys
    keys = kd[cs]
    eta = model.add_variables("cycle_threshold", c_n, lb=-np.inf)
    excess = model.add_variables("cycle_excess", s_n * c_n * t_n)
    r = np.arange(excess.size).reshape(s_n, c_n, t_n)
    # Orders enter X of their own period and of every later one.
    f_rows, f_cols, f_vals = flows
    pos = np.full(k_n, -1)
    pos[keys] = np.arange(c_n)
    key_of_row = (f_rows // t_n) % k_n
    pick = pos[key_of_row] >= 0
    f_rows, f_cols, f_vals = f_rows[pick], f_cols[pick], f_vals[pick]
    start = f_rows % t_n
    base = ((f_rows // (k_n * t_n)) * c_n + pos[key_of_row[pick]]) * t_n
    reps = t_n - start
    offsets = np.arange(reps.sum()) - np.repeat(np.cumsum(reps) - reps, reps)
    x_rows = np.repeat(base + start, reps) + offsets
    net = (
        np.cumsum(demand[:, keys, :] - p.pipeline[keys][None], axis=2)
        - p.on_hand[keys][None, :, None]
    )
    if p.shortage is Shortage.BACKORDER:
        net += p.backorders[keys][None, :, None]
    model.add_constraints(
        "cycle_tail",
        {
            excess: sp.eye_array(excess.size, format="coo"),
            eta: _coo(
                r, np.broadcast_to(np.arange(c_n)[None, :, None], r.shape), 1.0, (r.size, c_n)
            ),
            order: _coo(
                x_rows, np.repeat(f_cols, reps), -np.repeat(f_vals, reps), (r.size, order.size)
            ),
        },
        lower=net.ravel(),
    )
    coef = p.weights[:, None, None] / (t_n * (1.0 - alpha))[None, :, None]
    block = LimitBlock(
        kind="cycle_service_cvar",
        subject=tuple("{} at {}".format(*p.key(k)) for k in keys),
        period=np.full(c_n, -1),
        limit=np.zeros(c_n),
        row_bound=np.zeros(c_n),
        to_row_units=np.ones(c_n),
        entry_of_row=np.arange(c_n),
        weight=SERVICE_WEIGHT / np.maximum(p.demand[:, keys, :].mean(axis=(0, 2)), 1.0),
    )
    add_limit(
        block,
        {
            eta: sp.eye_array(c_n, format="coo"),
            excess: _coo(
                np.broadcast_to(np.arange(c_n)[None, :, None], r.shape),
                r,
                np.broadcast_to(coef, r.shape),
                (c_n, excess.size),
            ),
        },
    )


def _add_integer_orders(model, p, order, oidx, d_kd, kd, item_of_key, gamma, cost_sign) -> None:
    """Case packs and MOQs on supplier lanes; a fixed cost per lane and period ordered."""
    i_n, t_n = p.n_items, p.horizon
    most = np.zeros(i_n)  # the most of each item any plan could use
    np.add.at(most, item_of_key[kd], d_kd.sum(axis=2).max(axis=0))
    np.add.at(most, item_of_key, p.backorders)
    most += p.case_pack + p.moq
    src = np.flatnonzero(p.source_lanes)
    if len(src):
        cells = oidx[src]  # src lanes x I x T
        n = cells.size
        packs = model.add_variables("packs", n, integer=True)
        cp = np.broadcast_to(p.case_pack[None, :, None], cells.shape).ravel()
        model.add_constraints(
            "case_pack",
            {
                order: _coo(np.arange(n), cells.ravel(), 1.0, (n, order.size)),
                packs: _coo(np.arange(n), np.arange(n), -cp, (n, n)),
            },
            lower=0.0,
            upper=0.0,
        )
        with_moq = np.broadcast_to((p.moq > 0)[None, :, None], cells.shape).ravel()
        if with_moq.any():
            m_cells = cells.ravel()[with_moq]
            moq = np.broadcast_to(p.moq[None, :, None], cells.shape).ravel()[with_moq]
            big = np.broadcast_to(most[None, :, None], cells.shape).ravel()[with_moq]
            placed = model.add_variables("order_placed", len(m_cells), ub=1.0, integer=True)
            e = np.arange(len(m_cells))
            model.add_constraints(
                "moq",
                {
                    order: _coo(e, m_cells, 1.0, (len(e), order.size)),
                    placed: _coo(e, e, -moq, (len(e), len(e))),
                },
                lower=0.0,
            )
            model.add_constraints(
                "order_if_placed",
                {
                    order: _coo(e, m_cells, 1.0, (len(e), order.size)),
                    placed: _coo(e, e, -big, (len(e), len(e))),
                },
                upper=0.0,
            )
    fixed = np.array([lane.fixed_order_cost for lane in p.lanes])
    charged = np.flatnonzero(fixed > 0)
    if len(charged):
        big = np.minimum(p.lane_capacity[charged], most.sum())
        ordered = model.add_variables(
            "lane_ordered",
            len(charged) * t_n,
            ub=1.0,
            integer=True,
            cost=cost_sign * (fixed[charged][:, None] * gamma[None, :]).ravel(),
        )
        cells = oidx[charged]  # lanes x I x T
        r = np.broadcast_to(
            (np.arange(len(charged))[:, None] * t_n + np.arange(t_n))[:, None, :], cells.shape
        )
        e = np.arange(ordered.size)
        model.add_constraints(
            "fixed_order",
            {
                order: _coo(r, cells, 1.0, (ordered.size, order.size)),
                ordered: _coo(e, e, -np.repeat(big, t_n), (e.size, e.size)),
            },
            upper=0.0,
        )


def _entries(
    kind: str, subjects: list[str], t_n: int, limit: np.ndarray, unit: float
) -> LimitBlock:
    """One entry per subject and period, one row per entry."""
    n = len(subjects) * t_n
    return LimitBlock(
        kind=kind,
        subject=tuple(s for s in subjects for _ in range(t_n)),
        period=np.tile(np.arange(t_n), len(subjects)),
        limit=limit,
        row_bound=limit * unit,
        to_row_units=np.full(n, unit),
        entry_of_row=np.arange(n),
        weight=1.0 / np.maximum(limit, 1e-9),
    )


def _with_rows(block: LimitBlock, entry_of_row: np.ndarray) -> LimitBlock:
    return replace(block, entry_of_row=entry_of_row)


def _limit_labels(p: PlanningProblem, block: LimitBlock) -> Callable[[], list[str]]:
    """``subject|period`` per row (``s<scenario>|...`` where rows repeat per scenario)."""

    def make() -> list[str]:
        n = block.n_entries
        labels = []
        for r, e in enumerate(block.entry_of_row):
            when = p.period_label(block.period[e]) if block.period[e] >= 0 else "horizon"
            scenario = f"s{r // n}|" if len(block.entry_of_row) > n else ""
            labels.append(f"{scenario}{block.subject[e]}|{when}")
        return labels

    return make


def _labels(
    p: PlanningProblem, block: str, kd: np.ndarray | None = None
) -> Callable[[], list[str]]:
    """Readable labels, made only when asked for (the Pyomo path and LP export)."""

    def make() -> list[str]:
        t_n = p.horizon
        if block == "order":
            return [
                f"{lane.origin}>{lane.destination}|{item}|t{t + 1}"
                for lane in p.lanes
                for item in p.items
                for t in range(t_n)
            ]
        keys = range(p.n_keys) if kd is None else kd
        return [
            "s{}|{}@{}|t{}".format(s, *p.key(k), t + 1)
            for s in range(p.n_scenarios)
            for k in keys
            for t in range(t_n)
        ]

    return make
