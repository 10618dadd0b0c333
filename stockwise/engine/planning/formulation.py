"""The order-planning model for rolling decisions, described once as arrays for
``stockwise.solvers``.

A plan is acted on until the next re-plan, then made again from the new state. So only
the orders of the first ``F`` periods (``problem.first_stage``, the re-plan interval) are
one decision shared by all scenarios; every later order and shipment is a recourse
decision of its scenario, made when that scenario's demand and lead times are known up to
then. (The first version shared every period's orders across scenarios: each later
shipment had to suit every sampled future, so the plan waited, and in closed loop it lost
to a base-stock policy. See ``README.md``, "Optimizer".)

Per scenario ``s``: ``on_hand[s, k, t]`` at the end of period ``t`` and ``short[s, k, t]``
(the backlog with backorders, the units lost with lost sales) at the demand keys. One
equality row per scenario, key and period balances the stock:

    on_hand[t] - on_hand[t-1] - short[t] (+ short[t-1] with backorders)
        - arrivals[t] + shipments out[t] = pipeline[t] - demand[t]  (+ initial net stock at t=0)

so a location can only ship what it has (``on_hand >= 0``). The layout of the columns is
:class:`~stockwise.engine.planning.layout.Layout`; every limit a planner sets is a row
block of :mod:`~stockwise.engine.planning.limits`, which the elastic version relaxes with a
penalised slack per limit entry. A terminal condition credits what is left at the end of
the horizon (:attr:`PlanningProblem.terminal_credit`), never above what selling it is worth.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum

import numpy as np

from stockwise.engine.planning import limits as lim
from stockwise.engine.planning.layout import Layout
from stockwise.engine.planning.limits import LimitBlock, LimitKind, Parts, coo
from stockwise.engine.planning.problem import Objective, PlanningProblem, Shortage
from stockwise.solvers import LinearModel, Sense


class RelaxFirst(StrEnum):
    """Which limits the elastic model moves first when they cannot all hold."""

    SERVICE = "service"  # service targets first; budgets and capacities only if unavoidable
    LIMITS = "limits"  # budgets and capacities first, service targets only if unavoidable


# Moving a limit of the kind that goes last costs this many times moving one that goes
# first by the same share of its size.
PRIORITY = 1_000.0


@dataclass(frozen=True, eq=False)
class Formulation:
    """The model and the layout needed to read its solution back.

    slack : whether every limit entry has a priced slack (``relax_<kind>`` columns)
    slack_price : [currency] what moving a limit that goes first by its whole size costs
        (:func:`slack_price`)
    """

    model: LinearModel
    problem: PlanningProblem
    layout: Layout
    limits: dict[LimitKind, LimitBlock]
    slack: bool
    slack_price: float = 0.0

    @property
    def demand_keys(self) -> np.ndarray:
        return self.layout.demand_keys


def slack_price(p: PlanningProblem) -> float:
    """[currency] The price of moving a limit by its whole size in the elastic model: the
    expected shortage penalty of losing every unit of demand over the horizon (at least 1),
    so a limit moves only when keeping it would cost more than losing all sales."""
    expected = np.einsum("s,skt->k", p.weights, p.demand)
    item_of_key = np.arange(p.n_keys) % p.n_items
    return max(1.0, float(expected @ p.shortage_penalty[item_of_key]))


def formulate(
    p: PlanningProblem,
    *,
    slack: bool = False,
    relax_first: RelaxFirst | str = RelaxFirst.SERVICE,
) -> Formulation:
    """The order-planning model of ``p``.

    slack : give every limit entry a priced slack (the elastic model): moving a limit by a
        share ``x`` of its size costs ``x`` times :func:`slack_price` (limits of the kind
        ``relax_first`` names), or ``PRIORITY`` times that (the others); the plan minimises
        its cost plus these prices, so a limit moves only where no plan can keep it
    """
    relax_first = RelaxFirst(relax_first)
    layout = Layout(
        n_scenarios=p.n_scenarios,
        n_lanes=len(p.lanes),
        n_items=p.n_items,
        n_keys=p.n_keys,
        horizon=p.horizon,
        first_stage=p.first_stage,
        demand_keys=p.demand_keys,
    )
    profit = p.objective is Objective.PROFIT
    demand = p.demand.copy()
    if p.shortage is Shortage.LOST_SALES:  # owed units become demand of the first period
        demand[:, :, 0] += p.backorders
    costs, revenue, opening = _costs(p, layout, demand)
    sign = -1.0 if profit else 1.0
    price = slack_price(p) if slack else 0.0
    model = LinearModel(
        "order_plan_elastic" if slack else "order_plan",
        sense=Sense.MAXIMIZE if profit else Sense.MINIMIZE,
        offset=revenue + sign * opening,
    )
    order = model.add_variables(
        "order", layout.n_order, cost=sign * costs["order"], labels=_order_labels(p, layout)
    )
    on_hand = model.add_variables(
        "on_hand",
        layout.n_on_hand,
        cost=sign * costs["on_hand"],
        labels=_stock_labels(p, None),
    )
    kd = layout.demand_keys
    lost_sales_bound = demand[:, kd, :].ravel()
    short = model.add_variables(
        "short",
        layout.n_short,
        ub=np.inf if p.shortage is Shortage.BACKORDER else lost_sales_bound,
        cost=sign * costs["short"],
        labels=_stock_labels(p, kd),
    )
    layout = replace(layout, order=order.start, on_hand=on_hand.start, short=short.start)
    flows = _flows(p, layout)
    parts = Parts(p, layout, model, order, on_hand, short, demand, flows)
    _balance(parts)
    if p.shortage is Shortage.BACKORDER:
        _ship_from_stock(parts)

    blocks: dict[LimitKind, LimitBlock] = {}
    for make in lim.LIMITS:
        limit = make(parts)
        if limit is None or limit.block.entry_of_row.size == 0:
            continue
        block, terms = limit.block, dict(limit.terms)
        upper = block.row_bound[block.entry_of_row]
        if slack:
            later = block.kind.is_service == (relax_first is RelaxFirst.LIMITS)
            weight = block.weight * (PRIORITY if later else 1.0)
            relax = model.add_variables(
                f"relax_{block.kind}", block.n_entries, cost=sign * price * weight
            )
            n_rows = len(block.entry_of_row)
            terms[relax] = coo(
                np.arange(n_rows), block.entry_of_row, -1.0, (n_rows, block.n_entries)
            )
            block = replace(block, weight=weight)
        model.add_constraints(str(block.kind), terms, upper=upper, labels=_limit_labels(p, block))
        blocks[block.kind] = block

    if p.integer:
        _integer_orders(parts, sign)
    return Formulation(model, p, layout, blocks, slack, price)


def _costs(p: PlanningProblem, layout: Layout, demand: np.ndarray) -> tuple[dict, float, float]:
    """Cost coefficients of a minimisation per column of ``order``, ``on_hand`` and
    ``short`` (profit: minus the profit); the revenue of all demand (profit); the terminal
    credit of the stock held at the start (debited, so the credit is the change of stock
    value)."""
    t_n, f_n = p.horizon, p.first_stage
    gamma = p.discount ** np.arange(t_n)
    w = p.weights
    item_of_key = np.tile(np.arange(p.n_items), len(p.locations))
    kd = layout.demand_keys
    backorder = p.shortage is Shortage.BACKORDER
    credit = p.terminal_credit if p.terminal_value > 0 else np.zeros(p.n_items)

    # orders: purchase + transport, less the credit for units still in transit at the end
    per_unit = np.array([lane.transport_cost for lane in p.lanes])[:, None] + np.outer(
        p.source_lanes, p.unit_cost
    )
    late = (p.arrival >= t_n).astype(float)  # S x L x T: arrives after the horizon
    c_first = (
        per_unit[:, :, None] * gamma[None, None, :f_n]
        - np.einsum("s,slt->lt", w, late[:, :, :f_n])[:, None, :] * credit[None, :, None]
    )
    c_later = w[:, None, None, None] * (
        per_unit[None, :, :, None] * gamma[None, None, None, f_n:]
        - late[:, :, None, f_n:] * credit[None, None, :, None]
    )
    c_order = np.concatenate([c_first.ravel(), c_later.ravel()])

    c_hold = w[:, None, None] * p.holding_per_key[None, :, None] * gamma
    c_hold[:, :, -1] -= w[:, None] * credit[item_of_key][None, :]

    price = np.nan_to_num(p.price[item_of_key[kd]])
    c_short = w[:, None, None] * p.shortage_penalty[item_of_key[kd]][None, :, None] * gamma
    revenue = 0.0
    if p.objective is Objective.PROFIT:
        revenue = float(np.einsum("s,skt,k,t->", w, demand[:, kd, :], price, gamma))
        if backorder:
            revenue += float(price @ p.backorders[kd])
            lost = np.append(gamma[:-1] - gamma[1:], gamma[-1])  # revenue lost per backlog unit
        else:
            lost = gamma
        c_short = c_short + w[:, None, None] * price[None, :, None] * lost
    if backorder:  # a unit still owed at the end must be bought later
        c_short[:, :, -1] += w[:, None] * credit[item_of_key[kd]][None, :]
    # The credit counts the change of stock value over the horizon, like the simulator's
    # cost: the stock held at the start (on hand, on order, less what is owed) is debited.
    held = p.on_hand + p.pipeline.sum(axis=1) - (p.backorders if backorder else 0.0)
    opening = float(credit[item_of_key] @ held)
    costs = {"order": c_order, "on_hand": c_hold.ravel(), "short": c_short.ravel()}
    return costs, revenue, opening


def _flows(p: PlanningProblem, layout: Layout) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Triplets of arrivals (-1) and shipments out (+1) in the balance rows (columns within
    the ``order`` block)."""
    k_n, t_n, i_n = p.n_keys, p.horizon, p.n_items
    loc = {name: n for n, name in enumerate(p.locations)}
    dest = np.array([loc[lane.destination] for lane in p.lanes], dtype=np.int64)
    orig = np.array([loc.get(lane.origin, -1) for lane in p.lanes], dtype=np.int64)
    cols = layout.order_columns()  # S x L x I x T
    items = np.arange(i_n)
    s, lane, t = np.nonzero(p.arrival < t_n)
    a = p.arrival[s, lane, t]
    rows_in = ((s * k_n + dest[lane] * i_n)[:, None] + items) * t_n + a[:, None]
    cols_in = cols[s, lane, :, t]
    internal = np.flatnonzero(orig >= 0)
    out = cols[:, internal]  # S x L' x I x T
    rows_out = (
        (
            np.arange(p.n_scenarios)[:, None, None, None] * k_n
            + orig[internal][None, :, None, None] * i_n
        )
        + items[None, None, :, None]
    ) * t_n + np.arange(t_n)[None, None, None, :]
    return (
        np.concatenate([rows_in.ravel(), rows_out.ravel()]),
        np.concatenate([cols_in.ravel(), out.ravel()]),
        np.concatenate([-np.ones(rows_in.size), np.ones(out.size)]),
    )


def _balance(parts: Parts) -> None:
    """One equality row per scenario, key and period (see the module docstring)."""
    p, lay, model = parts.problem, parts.layout, parts.model
    idx = lay.on_hand_columns()
    n = idx.size
    h_part = coo(
        np.concatenate([idx.ravel(), idx[:, :, 1:].ravel()]),
        np.concatenate([idx.ravel(), idx[:, :, :-1].ravel()]),
        np.concatenate([np.ones(n), -np.ones(idx[:, :, 1:].size)]),
        (n, lay.n_on_hand),
    )
    sidx = lay.short_columns()
    srow = idx[:, lay.demand_keys, :]
    b_rows, b_cols, b_vals = [srow.ravel()], [sidx.ravel()], [-np.ones(sidx.size)]
    backorder = p.shortage is Shortage.BACKORDER
    if backorder:
        b_rows.append(srow[:, :, 1:].ravel())
        b_cols.append(sidx[:, :, :-1].ravel())
        b_vals.append(np.ones(sidx[:, :, :-1].size))
    s_part = coo(
        np.concatenate(b_rows), np.concatenate(b_cols), np.concatenate(b_vals), (n, lay.n_short)
    )
    x_part = coo(*parts.flows, (n, lay.n_order))
    rhs = p.pipeline[None, :, :] - parts.demand
    rhs[:, :, 0] += p.on_hand - (p.backorders if backorder else 0.0)
    model.add_constraints(
        "balance",
        {parts.on_hand: h_part, parts.short: s_part, parts.order: x_part},
        lower=rhs.ravel(),
        upper=rhs.ravel(),
        labels=_stock_labels(p, None),
    )


def _ship_from_stock(parts: Parts) -> None:
    """With backorders, a location with demand and outbound lanes ships only from the
    stock on hand before its demand (it cannot ship units its customers are owed)."""
    p, lay, model = parts.problem, parts.layout, parts.model
    s_n, k_n, t_n, i_n = lay.n_scenarios, lay.n_keys, lay.horizon, lay.n_items
    loc = {name: n for n, name in enumerate(p.locations)}
    origins = [loc[lane.origin] for lane in p.lanes if lane.origin in loc]
    mixed = np.intersect1d(lay.demand_keys, np.flatnonzero(np.isin(np.arange(k_n) // i_n, origins)))
    if not len(mixed):
        return
    f_rows, f_cols, f_vals = parts.flows
    row_key = (f_rows // t_n) % k_n
    pick = np.isin(row_key, mixed)
    pos = np.full(k_n, -1)
    pos[mixed] = np.arange(len(mixed))

    def remap(r: np.ndarray) -> np.ndarray:
        return ((r // (k_n * t_n)) * len(mixed) + pos[(r // t_n) % k_n]) * t_n + r % t_n

    n_rows = s_n * len(mixed) * t_n
    own = lay.on_hand_columns()[:, mixed, :]
    bound = np.broadcast_to(p.pipeline[mixed][None], own.shape).copy()
    bound[:, :, 0] += p.on_hand[mixed]
    model.add_constraints(
        "ship_from_stock",
        {
            parts.order: coo(
                remap(f_rows[pick]), f_cols[pick], f_vals[pick], (n_rows, lay.n_order)
            ),
            parts.on_hand: coo(
                remap(own[:, :, 1:].ravel()), own[:, :, :-1].ravel(), -1.0, (n_rows, lay.n_on_hand)
            ),
        },
        upper=bound.ravel(),
    )


def _integer_orders(parts: Parts, cost_sign: float) -> None:
    """First-stage orders on supplier lanes in whole case packs, at least the MOQ when
    placed; a fixed cost per lane and first-stage period with an order (a MIP). Recourse
    orders stay continuous: they are re-planned before they are placed."""
    p, lay, model = parts.problem, parts.layout, parts.model
    i_n, f_n = p.n_items, p.first_stage
    kd = lay.demand_keys
    item_of_key = np.tile(np.arange(i_n), len(p.locations))
    gamma = p.discount ** np.arange(f_n)
    most = np.zeros(i_n)  # the most of each item any plan could use
    np.add.at(most, item_of_key[kd], parts.demand[:, kd, :].sum(axis=2).max(axis=0))
    np.add.at(most, item_of_key, p.backorders)
    most += p.case_pack + p.moq
    first = lay.first_stage_columns()  # L x I x F
    src = np.flatnonzero(p.source_lanes)
    if len(src):
        cells = first[src]
        n = cells.size
        packs = model.add_variables("packs", n, integer=True)
        cp = np.broadcast_to(p.case_pack[None, :, None], cells.shape).ravel()
        model.add_constraints(
            "case_pack",
            {
                parts.order: coo(np.arange(n), cells.ravel(), 1.0, (n, lay.n_order)),
                packs: coo(np.arange(n), np.arange(n), -cp, (n, n)),
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
                    parts.order: coo(e, m_cells, 1.0, (len(e), lay.n_order)),
                    placed: coo(e, e, -moq, (len(e), len(e))),
                },
                lower=0.0,
            )
            model.add_constraints(
                "order_if_placed",
                {
                    parts.order: coo(e, m_cells, 1.0, (len(e), lay.n_order)),
                    placed: coo(e, e, -big, (len(e), len(e))),
                },
                upper=0.0,
            )
    fixed = np.array([lane.fixed_order_cost for lane in p.lanes])
    charged = np.flatnonzero(fixed > 0)
    if len(charged):
        big = np.minimum(p.lane_capacity[charged], most.sum())
        ordered = model.add_variables(
            "lane_ordered",
            len(charged) * f_n,
            ub=1.0,
            integer=True,
            cost=cost_sign * (fixed[charged][:, None] * gamma[None, :]).ravel(),
        )
        cells = first[charged]  # lanes x I x F
        r = np.broadcast_to(
            (np.arange(len(charged))[:, None] * f_n + np.arange(f_n))[:, None, :], cells.shape
        )
        e = np.arange(ordered.size)
        model.add_constraints(
            "fixed_order",
            {
                parts.order: coo(r, cells, 1.0, (ordered.size, lay.n_order)),
                ordered: coo(e, e, -np.repeat(big, f_n), (e.size, e.size)),
            },
            upper=0.0,
        )


def _limit_labels(p: PlanningProblem, block: LimitBlock) -> Callable[[], list[str]]:
    """``subject|period`` per row (``r<row>|...`` where rows repeat per scenario)."""

    def make() -> list[str]:
        rows_of = np.bincount(block.entry_of_row, minlength=block.n_entries)
        seen = np.zeros(block.n_entries, dtype=np.int64)
        labels = []
        for e in block.entry_of_row:
            when = p.period_label(block.period[e]) if block.period[e] >= 0 else "horizon"
            prefix = f"s{seen[e]}|" if rows_of[e] > 1 else ""
            seen[e] += 1
            labels.append(f"{prefix}{block.subject[e]}|{when}")
        return labels

    return make


def _order_labels(p: PlanningProblem, layout: Layout) -> Callable[[], list[str]]:
    """Readable labels of the ``order`` block, made only when asked for (Pyomo, LP export)."""

    def make() -> list[str]:
        lanes = [f"{lane.origin}>{lane.destination}" for lane in p.lanes]
        first = [
            f"{lane}|{item}|t{t + 1}"
            for lane in lanes
            for item in p.items
            for t in range(layout.first_stage)
        ]
        later = [
            f"s{s}|{lane}|{item}|t{t + 1}"
            for s in range(layout.n_scenarios)
            for lane in lanes
            for item in p.items
            for t in range(layout.first_stage, layout.horizon)
        ]
        return first + later

    return make


def _stock_labels(p: PlanningProblem, kd: np.ndarray | None) -> Callable[[], list[str]]:
    def make() -> list[str]:
        keys = range(p.n_keys) if kd is None else kd
        return [
            "s{}|{}@{}|t{}".format(s, *p.key(k), t + 1)
            for s in range(p.n_scenarios)
            for k in keys
            for t in range(p.horizon)
        ]

    return make
