"""Orders a planner can place: the LP's first-stage orders turned into whole units, whole
case packs at least the MOQ on supplier lanes, within the purchase budget.

``plan_orders`` solves the LP (its duals are the shadow prices), rounds the orders placed
now with :func:`whole_orders`, fixes them and re-solves the rest of the plan; the cost of
that plan against the LP's optimum (a bound on every plan that places whole packs) is the
reported gap. ``build_problem(..., integer=True)`` solves the exact MIP instead.
"""

from __future__ import annotations

import numpy as np

from stockwise.engine.planning.problem import PlanningProblem

TOL = 1e-6


def whole_orders(p: PlanningProblem, first: np.ndarray, *, down: bool = False) -> np.ndarray:
    """[units] ``L x I x F`` first-stage orders in whole units.

    first : the LP's first-stage orders ``L x I x F``
    down : round every order down (a fallback when rounding to the nearest breaks a limit)

    Supplier lanes: the nearest whole number of case packs (down with ``down``); an order
    below the MOQ becomes the MOQ (in whole packs) when it is at least half of it, else 0;
    then, per period with a budget, the orders rounded up most are cut by a pack at a time
    until the spend fits. Other lanes: whole units whose total per origin, item and period
    is the LP's total rounded down (so no location ships stock it does not have), spread
    by largest remainder.
    """
    q = np.maximum(np.asarray(first, dtype=float), 0.0).copy()
    src = p.source_lanes
    pack = p.case_pack[None, :, None]
    moq = p.moq[None, :, None]
    lp = q[src]
    placed = np.floor(lp / pack + (TOL if down else 0.5)) * pack
    short_of_moq = (moq > 0) & (placed < moq - TOL)
    # below the MOQ: the MOQ in whole packs when the LP asked for at least half of it
    up_to_moq = short_of_moq & (lp >= moq / 2) & (not down)
    moq_packs = np.ceil(moq / pack - TOL) * pack
    placed = np.where(up_to_moq, moq_packs, np.where(short_of_moq, 0.0, placed))
    q[src] = _within_budget(p, placed, lp)
    internal = ~src
    if internal.any():
        q[internal] = _whole_units(p, q[internal], np.flatnonzero(internal))
    return q


def _within_budget(p: PlanningProblem, placed: np.ndarray, lp: np.ndarray) -> np.ndarray:
    """Cut the supplier orders (``lanes x I x F``) rounded up most, a pack at a time, until
    each first-stage period's spend is within its budget."""
    cost = p.unit_cost[None, :]
    for t in range(placed.shape[2]):
        budget = p.budget[t]
        if not np.isfinite(budget):
            continue
        for _ in range(placed[:, :, t].size * 4):
            spend = float((placed[:, :, t] * cost).sum())
            if spend <= budget * (1 + 1e-9):
                break
            up = np.where(placed[:, :, t] > 0, (placed[:, :, t] - lp[:, :, t]) * cost, -np.inf)
            lane, item = np.unravel_index(int(np.argmax(up)), up.shape)
            pack, moq = p.case_pack[item], p.moq[item]
            left = placed[lane, item, t] - pack
            placed[lane, item, t] = left if left >= moq - TOL else 0.0
    return placed


def _whole_units(p: PlanningProblem, q: np.ndarray, lanes: np.ndarray) -> np.ndarray:
    """Whole units per lane whose total per origin, item and period is the LP's total
    rounded down, by largest remainder."""
    out = np.floor(q + TOL)
    origins = np.array([p.lanes[j].origin for j in lanes])
    for origin in np.unique(origins):
        rows = np.flatnonzero(origins == origin)
        total = np.floor(q[rows].sum(axis=0) + TOL)  # I x F
        missing = (total - out[rows].sum(axis=0)).astype(np.int64)
        remainder = q[rows] - out[rows]
        order = np.argsort(-remainder, axis=0, kind="stable")
        for i, t in zip(*np.nonzero(missing > 0), strict=True):
            out[rows[order[: missing[i, t], i, t]], i, t] += 1.0
    return out
