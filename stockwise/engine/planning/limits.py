"""The limits a planner sets, one function each, as row blocks of the order-planning model.

Each function returns a :class:`Limit`: the rows ``A x <= upper`` over the model's variable
blocks and a :class:`LimitBlock` that maps those rows onto the entries a planner sees (one
budget per period, one storage space per location and period ...). Limits on orders hold
for the first-stage orders once and for each scenario's later orders in that scenario.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import scipy.sparse as sp

from stockwise.engine.planning.layout import Layout
from stockwise.engine.planning.problem import (
    BudgetMode,
    CycleServiceForm,
    PlanningProblem,
    Shortage,
)
from stockwise.solvers import LinearModel, VariableBlock


class LimitKind(StrEnum):
    """What a limit restricts; also the name of its row block."""

    BUDGET = "budget"
    SUPPLY = "supply"
    LANE_CAPACITY = "lane_capacity"
    STORAGE = "storage"
    FILL_RATE = "fill_rate"
    CYCLE_SERVICE = "cycle_service"
    CYCLE_SERVICE_CVAR = "cycle_service_cvar"
    CVAR = "cvar"

    @property
    def is_service(self) -> bool:
        """A service target (what a planner trades first), not a budget or capacity."""
        return self in _SERVICE


_SERVICE = frozenset(
    {LimitKind.FILL_RATE, LimitKind.CYCLE_SERVICE, LimitKind.CYCLE_SERVICE_CVAR, LimitKind.CVAR}
)


@dataclass(frozen=True, eq=False)
class LimitBlock:
    """A block of rows ``A x <= upper`` that a planner sets, reported entry by entry.

    Rows map onto entries (one entry per limit the planner sees: the storage rows of all
    scenarios share the entry of their location and period).

    kind : what is limited
    subject, period : per entry, what is limited and the 0-based period (-1: the horizon)
    limit : per entry, the limit in planner units (currency, units, volume, share)
    row_bound : per entry, the row bound the limit becomes
    to_row_units : per entry, row units per planner unit (to turn a slack into a limit)
    entry_of_row : per row, its entry
    weight : per entry, the elastic penalty per row unit of slack, before the priority of
        its kind (one unit of slack costs about one share of the limit)
    """

    kind: LimitKind
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
class Limit:
    """A limit's rows: ``terms`` (variable block → sparse matrix) and the entry layout."""

    block: LimitBlock
    terms: Mapping[VariableBlock, sp.coo_array]


@dataclass(frozen=True, eq=False)
class Parts:
    """What the limit functions read: the problem, the layout and the model so far.

    demand : [units] ``S x K x T``, owed units added to period 0 with lost sales
    flows : ``(rows, cols, vals)`` of arrivals (-1) and shipments out (+1) in the balance
        rows, columns within the ``order`` block
    """

    problem: PlanningProblem
    layout: Layout
    model: LinearModel
    order: VariableBlock
    on_hand: VariableBlock
    short: VariableBlock
    demand: np.ndarray
    flows: tuple[np.ndarray, np.ndarray, np.ndarray]
    order_columns: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "order_columns", self.layout.order_columns())


def coo(rows, cols, vals, shape) -> sp.coo_array:
    """A COO matrix from index arrays of any shape (``vals`` broadcast to them)."""
    return sp.coo_array(
        (
            np.broadcast_to(np.asarray(vals, dtype=float), np.shape(rows)).ravel(),
            (np.ravel(rows), np.ravel(cols)),
        ),
        shape=shape,
    )


# ---- limits on orders: budget, supply and lane capacity ---------------------------------


def _order_sums(
    parts: Parts,
    kind: LimitKind,
    subjects: list[tuple[str, list[int], np.ndarray]],
    coef: np.ndarray,
    cumulative: bool = False,
) -> Limit | None:
    """Rows ``Σ coef[i] · order[lane, i, t] <= limit[t]`` per subject and period (over the
    periods up to ``t`` when ``cumulative``): one row for a first-stage period, one per
    scenario for a later one.

    subjects : ``(name, lanes, limit per period)`` with ``inf`` for no limit
    coef : per item, units of the limit per unit ordered
    """
    lay, cols = parts.layout, parts.order_columns
    s_n, f_n = lay.n_scenarios, lay.first_stage
    names, periods, limits = [], [], []
    r_all, c_all, v_all, entry_of_row = [], [], [], []
    n_rows = 0
    for name, lanes, limit in subjects:
        if not lanes:
            continue
        for t in np.flatnonzero(np.isfinite(limit)):
            e = len(names)
            names.append(name)
            periods.append(t)
            limits.append(limit[t])
            window = slice(0, t + 1) if cumulative else slice(t, t + 1)
            if t < f_n:  # first-stage periods: one row
                block = cols[:1][:, lanes, :, window]  # 1 x lanes x I x periods
                value = np.broadcast_to(coef[None, None, :, None], block.shape)
                scen, rows = 1, np.full(block.shape, n_rows)
            else:  # a row per scenario
                block = cols[:, lanes, :, window]
                value = np.broadcast_to(coef[None, None, :, None], block.shape)
                scen = s_n
                rows = n_rows + np.broadcast_to(np.arange(scen)[:, None, None, None], block.shape)
            r_all.append(rows.ravel())
            c_all.append(block.ravel())
            v_all.append(value.ravel())
            entry_of_row.append(np.full(scen, e))
            n_rows += scen
    if not names:
        return None
    limit_arr = np.asarray(limits, dtype=float)
    block = LimitBlock(
        kind=kind,
        subject=tuple(names),
        period=np.asarray(periods, dtype=np.int64),
        limit=limit_arr,
        row_bound=limit_arr,
        to_row_units=np.ones(len(names)),
        entry_of_row=np.concatenate(entry_of_row),
        weight=1.0 / np.maximum(limit_arr, 1.0),
    )
    matrix = coo(
        np.concatenate(r_all), np.concatenate(c_all), np.concatenate(v_all), (n_rows, lay.n_order)
    )
    matrix.sum_duplicates()
    return Limit(block, {parts.order: matrix})


def budget(parts: Parts) -> Limit | None:
    """Purchase budget per period (or cumulative): the unit cost of what the supplier
    lanes order."""
    p = parts.problem
    src = np.flatnonzero(p.source_lanes).tolist()
    if not src or not np.isfinite(p.budget).any():
        return None
    cumulative = p.budget_mode is BudgetMode.CUMULATIVE
    limit = np.cumsum(p.budget) if cumulative else p.budget
    subject = "cumulative purchase budget" if cumulative else "purchase budget"
    return _order_sums(parts, LimitKind.BUDGET, [(subject, src, limit)], p.unit_cost, cumulative)


def supply(parts: Parts) -> Limit | None:
    """What each capacitated source ships per period, all items together [units]."""
    p = parts.problem
    subjects = [
        (
            name,
            [j for j, lane in enumerate(p.lanes) if lane.origin == name],
            np.full(p.horizon, cap),
        )
        for name, cap in p.supply_capacity.items()
        if np.isfinite(cap)
    ]
    return _order_sums(parts, LimitKind.SUPPLY, subjects, np.ones(p.n_items))


def lane_capacity(parts: Parts) -> Limit | None:
    """What each capacitated lane carries per period, all items together [units]."""
    p = parts.problem
    subjects = [
        (f"{p.lanes[j].origin} → {p.lanes[j].destination}", [j], np.full(p.horizon, cap))
        for j, cap in enumerate(p.lane_capacity)
        if np.isfinite(cap)
    ]
    return _order_sums(parts, LimitKind.LANE_CAPACITY, subjects, np.ones(p.n_items))


# ---- limits on stock --------------------------------------------------------------------


def storage(parts: Parts) -> Limit | None:
    """Volume at each capacitated location in every period and scenario: the stock on hand
    at the end of the period plus what the location orders in it (space is reserved when an
    order is placed, as the simulator does: it cuts orders that do not fit the space free
    at the review, so a plan that counted only the stock would see its orders cut)."""
    p, lay = parts.problem, parts.layout
    stored = np.flatnonzero(np.isfinite(p.storage_capacity))
    if not len(stored) or not (p.volume > 0).any():
        return None
    s_n, t_n, i_n = lay.n_scenarios, lay.horizon, lay.n_items
    keys = stored[:, None] * i_n + np.arange(i_n)[None, :]  # N' x I
    cols = lay.on_hand_columns()[:, keys, :]  # S x N' x I x T
    row = (  # S x N' x T: a row per scenario, location and period
        np.arange(s_n)[:, None, None] * len(stored) * t_n
        + np.arange(len(stored))[None, :, None] * t_n
        + np.arange(t_n)[None, None, :]
    )
    entry_of_row = np.tile(np.arange(len(stored) * t_n), s_n)  # entry n * T + t
    n_rows = len(entry_of_row)
    cap = np.repeat(p.storage_capacity[stored], t_n)
    n = len(stored) * t_n
    block = LimitBlock(
        kind=LimitKind.STORAGE,
        subject=tuple(p.locations[k] for k in stored for _ in range(t_n)),
        period=np.tile(np.arange(t_n), len(stored)),
        limit=cap,
        row_bound=cap,
        to_row_units=np.ones(n),
        entry_of_row=entry_of_row,
        weight=1.0 / np.maximum(cap, 1e-9),
    )
    rows = row[:, :, None, :]
    volume = p.volume[None, None, :, None]
    matrix = coo(
        np.broadcast_to(rows, cols.shape),
        cols,
        np.broadcast_to(volume, cols.shape),
        (n_rows, lay.n_on_hand),
    )
    position = {n: k for k, n in enumerate(stored)}
    loc = {name: k for k, name in enumerate(p.locations)}
    into = [(j, position[loc[lane.destination]]) for j, lane in enumerate(p.lanes)
            if loc[lane.destination] in position]  # fmt: skip
    if not into:
        return Limit(block, {parts.on_hand: matrix})
    lanes, where = (np.array(v) for v in zip(*into, strict=True))
    ordered = parts.order_columns[:, lanes]  # S x L' x I x T
    o_rows = np.broadcast_to(row[:, where][:, :, None, :], ordered.shape)
    o_vol = np.broadcast_to(volume, (s_n, 1, i_n, t_n))
    o_vol = np.broadcast_to(o_vol, ordered.shape)
    orders = coo(o_rows, ordered, o_vol, (n_rows, lay.n_order))
    orders.sum_duplicates()  # first-stage columns repeat over scenarios, once per row
    return Limit(block, {parts.on_hand: matrix, parts.order: orders})


# ---- service targets --------------------------------------------------------------------


def fill_rate(parts: Parts) -> Limit | None:
    """Expected units short within ``(1 - target)`` of expected demand, per item and
    location (exact with lost sales; with backorders the backlog bounds the units short)."""
    p, lay = parts.problem, parts.layout
    kd = lay.demand_keys
    target = p.fill_rate[kd]
    fr = np.flatnonzero(np.isfinite(target))
    if not len(fr):
        return None
    w = p.weights
    expected = np.einsum("s,skt->k", w, parts.demand[:, kd[fr], :])
    cols = lay.short_columns()[:, fr, :]  # S x F x T
    rows = np.broadcast_to(np.arange(len(fr))[None, :, None], cols.shape)
    block = LimitBlock(
        kind=LimitKind.FILL_RATE,
        subject=tuple("{} at {}".format(*p.key(kd[j])) for j in fr),
        period=np.full(len(fr), -1),
        limit=target[fr],
        row_bound=(1.0 - target[fr]) * expected,
        to_row_units=-expected,  # +1 of target takes `expected` units off the row bound
        entry_of_row=np.arange(len(fr)),
        weight=1.0 / np.maximum(expected, 1e-9),
    )
    coef = np.broadcast_to(w[:, None, None], cols.shape)
    return Limit(block, {parts.short: coo(rows, cols, coef, (len(fr), lay.n_short))})


def cycle_service(parts: Parts) -> Limit | None:
    """Probability of a period without stock-out, per item and location: exactly (a
    binary per scenario and period allows a stock-out, a MIP) or by its conservative CVaR
    form (an LP), as the problem says."""
    p, lay = parts.problem, parts.layout
    alpha = p.cycle_service[lay.demand_keys]
    cs = np.flatnonzero(np.isfinite(alpha))
    if not len(cs):
        return None
    if p.cycle_service_form is CycleServiceForm.CVAR:
        return _cycle_cvar(parts, cs, alpha[cs])
    return _cycle_chance(parts, cs, alpha[cs])


def _cycle_chance(parts: Parts, cs: np.ndarray, alpha: np.ndarray) -> Limit:
    p, lay, model = parts.problem, parts.layout, parts.model
    kd = lay.demand_keys
    s_n, t_n = lay.n_scenarios, lay.horizon
    d_cs = parts.demand[:, kd[cs], :]
    z = model.add_variables("stockout_allowed", s_n * len(cs) * t_n, ub=1.0, integer=True)
    zidx = np.arange(z.size).reshape(s_n, len(cs), t_n)
    if p.shortage is Shortage.BACKORDER:
        big_m = p.backorders[kd[cs]][None, :, None] + np.cumsum(d_cs, axis=2)
    else:
        big_m = d_cs
    n_tie = z.size
    sidx = lay.short_columns()[:, cs, :]
    model.add_constraints(
        "stockout_link",
        {
            parts.short: coo(np.arange(n_tie), sidx.ravel(), 1.0, (n_tie, lay.n_short)),
            z: coo(np.arange(n_tie), zidx.ravel(), -big_m.ravel(), (n_tie, z.size)),
        },
        upper=0.0,
    )
    rows = np.broadcast_to(np.arange(len(cs))[None, :, None], zidx.shape)
    coef = np.broadcast_to(p.weights[:, None, None], zidx.shape)
    block = LimitBlock(
        kind=LimitKind.CYCLE_SERVICE,
        subject=tuple("{} at {}".format(*p.key(kd[j])) for j in cs),
        period=np.full(len(cs), -1),
        limit=alpha,
        row_bound=(1.0 - alpha) * t_n,
        to_row_units=np.full(len(cs), -float(t_n)),
        entry_of_row=np.arange(len(cs)),
        weight=np.full(len(cs), 1.0 / t_n),
    )
    return Limit(block, {z: coo(rows, zidx, coef, (len(cs), z.size))})


def _cycle_cvar(parts: Parts, cs: np.ndarray, alpha: np.ndarray) -> Limit:
    """Conservative LP form of the cycle-service target (Nemirovski and Shapiro, 2006).

    The shortfall ``X[s, t]`` is minus the net inventory the orders give at the end of
    period ``t`` if all shortages were backordered: cumulative demand minus initial stock,
    pipeline and arrivals, plus shipments out. It is a function of the orders alone (the
    model cannot game it by declining sales) and a stock-out, backordered or lost, implies
    ``X > 0``. Over all scenario-periods (probability ``w_s / T`` each), ``CVaR_α(X) <= 0``
    implies ``P(X > 0) <= 1 - α``:

        η + Σ_{s,t} w_s / (T (1 - α)) · v[s, t] <= 0,   v >= X − η,   v >= 0
    """
    p, lay, model = parts.problem, parts.layout, parts.model
    s_n, t_n, c_n, k_n = lay.n_scenarios, lay.horizon, len(cs), lay.n_keys
    keys = lay.demand_keys[cs]
    eta = model.add_variables("cycle_threshold", c_n, lb=-np.inf)
    excess = model.add_variables("cycle_excess", s_n * c_n * t_n)
    r = np.arange(excess.size).reshape(s_n, c_n, t_n)
    # Orders enter X of their own period and of every later one.
    f_rows, f_cols, f_vals = parts.flows
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
        np.cumsum(parts.demand[:, keys, :] - p.pipeline[keys][None], axis=2)
        - p.on_hand[keys][None, :, None]
    )
    if p.shortage is Shortage.BACKORDER:
        net += p.backorders[keys][None, :, None]
    model.add_constraints(
        "cycle_tail",
        {
            excess: sp.eye_array(excess.size, format="coo"),
            eta: coo(
                r, np.broadcast_to(np.arange(c_n)[None, :, None], r.shape), 1.0, (r.size, c_n)
            ),
            parts.order: coo(
                x_rows, np.repeat(f_cols, reps), -np.repeat(f_vals, reps), (r.size, lay.n_order)
            ),
        },
        lower=net.ravel(),
    )
    coef = p.weights[:, None, None] / (t_n * (1.0 - alpha))[None, :, None]
    block = LimitBlock(
        kind=LimitKind.CYCLE_SERVICE_CVAR,
        subject=tuple("{} at {}".format(*p.key(k)) for k in keys),
        period=np.full(c_n, -1),
        limit=np.zeros(c_n),
        row_bound=np.zeros(c_n),
        to_row_units=np.ones(c_n),
        entry_of_row=np.arange(c_n),
        weight=1.0 / np.maximum(p.demand[:, keys, :].mean(axis=(0, 2)), 1.0),
    )
    terms = {
        eta: sp.eye_array(c_n, format="coo"),
        excess: coo(
            np.broadcast_to(np.arange(c_n)[None, :, None], r.shape),
            r,
            np.broadcast_to(coef, r.shape),
            (c_n, excess.size),
        ),
    }
    return Limit(block, terms)


def cvar(parts: Parts) -> Limit | None:
    """CVaR of the total shortage over the horizon per item and location
    (Rockafellar–Uryasev)."""
    p, lay, model = parts.problem, parts.layout, parts.model
    if not p.cvar:
        return None
    s_n = lay.n_scenarios
    pos = {int(k): j for j, k in enumerate(lay.demand_keys)}
    picked = [(c, pos[p.key_index(c.item, c.location)]) for c in p.cvar]
    n_c = len(picked)
    eta = model.add_variables("cvar_threshold", n_c, lb=-np.inf)
    excess = model.add_variables("cvar_excess", s_n * n_c)
    r = np.arange(s_n * n_c).reshape(s_n, n_c)
    sidx = lay.short_columns()
    cols = np.stack([sidx[:, j, :] for _, j in picked], axis=1)  # S x C x T
    model.add_constraints(
        "cvar_tail",
        {
            excess: coo(r.ravel(), r.ravel(), 1.0, (r.size, excess.size)),
            eta: coo(r.ravel(), np.tile(np.arange(n_c), s_n), 1.0, (r.size, n_c)),
            parts.short: coo(
                np.broadcast_to(r[:, :, None], cols.shape), cols, -1.0, (r.size, lay.n_short)
            ),
        },
        lower=0.0,
    )
    alpha = np.array([c.alpha for c, _ in picked])
    limit = np.array([c.limit for c, _ in picked])
    coef = p.weights[:, None] / (1.0 - alpha)[None, :]
    block = LimitBlock(
        kind=LimitKind.CVAR,
        subject=tuple(f"{c.item} at {c.location} (CVaR {c.alpha:.0%})" for c, _ in picked),
        period=np.full(n_c, -1),
        limit=limit,
        row_bound=limit,
        to_row_units=np.ones(n_c),
        entry_of_row=np.arange(n_c),
        weight=1.0 / np.maximum(limit, 1.0),
    )
    terms = {
        eta: sp.eye_array(n_c, format="coo"),
        excess: coo(np.tile(np.arange(n_c), s_n), r.ravel(), coef.ravel(), (n_c, excess.size)),
    }
    return Limit(block, terms)


# In the order the formulation adds them.
LIMITS = (supply, lane_capacity, budget, storage, fill_rate, cycle_service, cvar)
