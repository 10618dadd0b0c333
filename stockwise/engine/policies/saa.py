"""Stationary base-stock levels for many locations and items by sample-average approximation.

Each *cell* (a location-item pair) follows a base-stock policy with level ``y_i``. Over
``S`` weighted scenarios of the demand ``d_is`` over its protection interval (lead time
plus one review period), the units short ``u_is`` and left on hand ``o_is`` satisfy the
recourse rows ``y_i + u_is - o_is = d_is``. The linear programme

    minimise   Σ_i Σ_s w_s (h_i o_is + p_i u_is)                 (objective "cost")
          or   Σ_i Σ_s w_s u_is                                   (objective "shortage")
    subject to Σ_i c_i Σ_s w_s o_is <= B                          (budget: expected on-hand
                                                                   inventory value)
               Σ_s w_s u_is <= (1 - β_i) μ_i                      (fill-rate target)
               y_i >= floor_i                                     (e.g. a cycle-service
                                                                   quantile)

is solved through :mod:`stockwise.solvers` (HiGHS, ``method="lp"``); its duals price the
budget and each service target. Because cells are coupled only through one budget row and
every cell's cost and budget use are convex piecewise-linear in ``y_i`` with the same
breakpoints (the sorted scenario demands), the LP is also a continuous knapsack over
segments: ``method="greedy"`` (the default) starts each cell at the least level meeting its
target and buys segments in decreasing order of objective saved per unit of budget, the
last one fractionally. Both give the same optimum and the same prices (tested against each
other). The fill-rate row bounds the expected shortage at the end of the
protection interval per review period with expected demand ``μ_i``: the standard
(slightly conservative) periodic-review approximation. Cells are coupled only through the
budget; multi-echelon effects (an upstream stock-out delaying downstream replenishment)
are left to the simulator to measure.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import scipy.sparse as sp

from stockwise.solvers import LinearModel, SolveOptions, TerminationCondition, solve

TIE_BREAK = 1e-9  # holding weight in the shortage objective, so surplus stock is never kept


class Objective(StrEnum):
    """What the LP minimises: expected holding + shortage cost, or expected units short."""

    COST = "cost"
    SHORTAGE = "shortage"


class TargetsUnreachable(ValueError):
    """The service targets cannot be met within the budget; ``required_budget`` says what
    they need [currency]."""

    def __init__(self, message: str, required_budget: float):
        super().__init__(message)
        self.required_budget = required_budget


@dataclass(frozen=True, eq=False)
class SAAProblem:
    """Scenario data for the budgeted base-stock LP.

    demand : ``cells x scenarios`` demand over each cell's protection interval [units]
    holding_cost, stockout_cost : h_i, p_i [currency / unit / period]
    unit_cost : c_i, value of one unit on hand [currency / unit]
    mean_demand : μ_i, expected demand per review period [units] (for fill rates)
    weights : scenario probabilities (default equal)
    names : a label per cell (for messages)
    """

    demand: np.ndarray
    holding_cost: np.ndarray
    stockout_cost: np.ndarray
    unit_cost: np.ndarray
    mean_demand: np.ndarray
    weights: np.ndarray | None = None
    names: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        demand = np.asarray(self.demand, dtype=float)
        if demand.ndim != 2 or demand.size == 0:
            raise ValueError("demand must be a non-empty cells x scenarios array")
        if not np.isfinite(demand).all() or (demand < 0).any():
            raise ValueError("demand must be finite and non-negative")
        object.__setattr__(self, "demand", demand)
        n, s = demand.shape
        for field in ("holding_cost", "stockout_cost", "unit_cost", "mean_demand"):
            arr = np.broadcast_to(np.asarray(getattr(self, field), dtype=float), (n,)).copy()
            if not np.isfinite(arr).all() or (arr < 0).any():
                raise ValueError(f"{field} must be finite and non-negative for every cell")
            object.__setattr__(self, field, arr)
        w = np.full(s, 1.0 / s) if self.weights is None else np.asarray(self.weights, float)
        if w.shape != (s,) or (w < 0).any() or abs(w.sum() - 1) > 1e-8:
            raise ValueError(f"weights must be {s} non-negative probabilities summing to 1")
        object.__setattr__(self, "weights", w)
        if self.names is not None and len(self.names) != n:
            raise ValueError(f"names needs one label per cell ({n}), got {len(self.names)}")

    @property
    def n_cells(self) -> int:
        return self.demand.shape[0]

    def name(self, i: int) -> str:
        return self.names[i] if self.names is not None else f"cell {i}"


@dataclass(frozen=True, eq=False)
class SAAResult:
    """base_stock : y_i [units]; expected_cost : holding + shortage [currency / period];
    investment : expected on-hand inventory value [currency]; fill_rate, cycle_service :
    per cell (in-sample, ``1 - E[short] / μ`` at least 0: the share of a period's demand
    that the expected end-of-interval backorder leaves unmet, accurate when stock-outs are
    rare); aggregate_fill_rate : ``1 - Σ E[short] / Σ μ``, at least 0; budget_shadow_price :
    ∂(objective) / ∂(budget) (≤ 0 when the budget binds; ``None`` without a budget);
    service_shadow_price : ∂(objective) / ∂(fill-rate target) per cell (≥ 0; 0 where the
    target is slack or absent); solve_seconds : wall time of the solve [s]."""

    base_stock: np.ndarray
    expected_cost: float
    expected_shortage: float
    investment: float
    fill_rate: np.ndarray
    cycle_service: np.ndarray
    aggregate_fill_rate: float
    budget_shadow_price: float | None
    service_shadow_price: np.ndarray
    solve_seconds: float


def optimize_base_stock(
    problem: SAAProblem,
    *,
    budget: float | None = None,
    fill_rate: float | np.ndarray | None = None,
    floor: np.ndarray | None = None,
    objective: Objective | str = Objective.COST,
    method: str = "greedy",
    backend: str = "highs",
    options: SolveOptions | None = None,
) -> SAAResult:
    """Solve the budgeted base-stock LP; see the module docstring.

    budget : cap on expected on-hand inventory value [currency]; ``None`` for none
    fill_rate : target per cell (scalar or array; NaN for none) in [0, 1)
    floor : least base-stock level per cell [units] (e.g. the cycle-service quantile)
    method : ``"greedy"`` (exact continuous knapsack) or ``"lp"`` (through
        :mod:`stockwise.solvers` with ``backend`` and ``options``)
    Raises :class:`TargetsUnreachable` (with the budget the targets need) when the targets
    cannot be met within the budget.
    """
    objective = Objective(objective)
    targets = _targets(problem, fill_rate)
    floor = _floor(problem, floor)
    if method == "greedy":
        return _greedy(problem, budget, targets, floor, objective)
    if method != "lp":
        raise ValueError(f"method must be 'greedy' or 'lp', got {method!r}")
    model = _model(problem, budget, targets, floor, objective)
    started = time.perf_counter()
    result = solve(model, backend, options or SolveOptions(method="ipm"))
    elapsed = time.perf_counter() - started
    if result.termination in (
        TerminationCondition.INFEASIBLE,
        TerminationCondition.INFEASIBLE_OR_UNBOUNDED,
    ):
        need = minimum_budget(problem, targets, floor)
        raise TargetsUnreachable(
            f"the service targets need an expected on-hand inventory value of {need:,.2f}; "
            f"the budget is {budget:,.2f}",
            need,
        )
    result.raise_for_status()
    return _summary(problem, result, targets, budget is not None, elapsed)


def minimum_budget(
    problem: SAAProblem, fill_rate: float | np.ndarray | None, floor: np.ndarray | None = None
) -> float:
    """Least expected on-hand inventory value that meets every target [currency]."""
    targets = _targets(problem, fill_rate)
    _, _, _, start = _segments(problem, targets)
    start = np.maximum(start, _floor(problem, floor))
    return float(problem.unit_cost @ _expected_over(problem, start))


def _expected_over(problem: SAAProblem, level: np.ndarray) -> np.ndarray:
    return np.maximum(level[:, None] - problem.demand, 0.0) @ problem.weights


def _floor(problem: SAAProblem, floor) -> np.ndarray:
    if floor is None:
        return np.zeros(problem.n_cells)
    arr = np.broadcast_to(np.asarray(floor, dtype=float), (problem.n_cells,)).copy()
    if not np.isfinite(arr).all():
        raise ValueError("floor must be finite for every cell (0 for none)")
    return np.maximum(arr, 0.0)


def _segments(problem: SAAProblem, targets: np.ndarray):
    """Per cell, the sorted demands, the weight at or below each, the fill-rate floor."""
    order = np.argsort(problem.demand, axis=1, kind="stable")
    values = np.take_along_axis(problem.demand, order, axis=1)
    below = np.cumsum(problem.weights[order], axis=1)  # F after each sorted value
    # E[(D - y)^+] at y = each sorted value: Σ_{j > k} ω_j (v_j - v_k)
    weighted = problem.weights[order] * values
    tail_mass = 1.0 - below
    tail_sum = weighted.sum(axis=1, keepdims=True) - np.cumsum(weighted, axis=1)
    loss_at = np.maximum(tail_sum - tail_mass * values, 0.0)
    start = np.zeros(problem.n_cells)
    for i in np.flatnonzero(~np.isnan(targets)):
        allowed = (1 - targets[i]) * problem.mean_demand[i]
        start[i] = _level_for_loss(values[i], below[i], loss_at[i], allowed)
    return values, below, loss_at, start


def _level_for_loss(values, below, loss_at, allowed) -> float:
    """Smallest y with E[(D - y)^+] <= allowed; E[(D-y)^+] is linear between sorted values
    with slope -(1 - F)."""
    mean = float(loss_at[0] + values[0]) if values[0] > 0 else float(loss_at[0])
    if allowed >= mean:
        return 0.0
    k = int(np.argmax(loss_at <= allowed + 1e-12))  # first sorted value meeting it
    if k == 0:
        # between 0 and v_0 the slope is -1
        return max(float(values[0] - (allowed - loss_at[0])), 0.0)
    slope = 1.0 - below[k - 1]
    return float(values[k - 1] + (loss_at[k - 1] - allowed) / slope)


def _greedy(problem, budget, targets, floor, objective) -> SAAResult:
    started = time.perf_counter()
    n, s = problem.demand.shape
    values, below, _, start = _segments(problem, targets)
    start = np.maximum(start, floor)
    spent = float(problem.unit_cost @ _expected_over(problem, start))
    if budget is not None:
        if not np.isfinite(budget) or budget < 0:
            raise ValueError(f"budget must be a non-negative amount, got {budget!r}")
        if spent > budget * (1 + 1e-12) + 1e-9:
            raise TargetsUnreachable(
                f"the service targets need an expected on-hand inventory value of "
                f"{spent:,.2f}; the budget is {budget:,.2f}",
                spent,
            )
    # segment k of a cell runs from lo = v_{k-1} (0 for k = 0) to v_k with F = F_{k-1}
    lo = np.concatenate([np.zeros((n, 1)), values[:, :-1]], axis=1)
    hi = values
    frac = np.concatenate([np.zeros((n, 1)), below[:, :-1]], axis=1)
    lo = np.maximum(lo, start[:, None])
    length = np.maximum(hi - lo, 0.0)
    h, p, c = (x[:, None] for x in (problem.holding_cost, problem.stockout_cost, problem.unit_cost))
    if objective is Objective.COST:
        gain = p * (1 - frac) - h * frac  # objective saved per unit of y
    else:
        gain = 1 - frac - TIE_BREAK * np.maximum(h, 1.0) * frac
    price = c * frac  # budget used per unit of y
    useful = (length > 0) & (gain > 0)
    cell = np.broadcast_to(np.arange(n)[:, None], (n, s))[useful]
    gain, price, length = gain[useful], price[useful], length[useful]
    with np.errstate(divide="ignore"):
        ratio = np.where(price > 0, gain / np.where(price > 0, price, 1.0), np.inf)
    order = np.argsort(-ratio, kind="stable")
    cell, ratio, price, length = cell[order], ratio[order], price[order], length[order]
    take = length.copy()
    marginal = 0.0
    if budget is not None:
        cost_of = np.cumsum(price * length)
        left = budget - spent
        over = np.flatnonzero(cost_of > left * (1 + 1e-12) + 1e-12)
        if over.size:
            k = int(over[0])
            before = cost_of[k - 1] if k else 0.0
            take[k] = (left - before) / price[k]
            take[k + 1 :] = 0.0
            marginal = float(ratio[k])
    level = start + np.bincount(cell, weights=take, minlength=n)
    lam = marginal
    # fill-rate prices: cells held at their floor by the target
    service_price = np.zeros(n)
    grew = np.bincount(cell, weights=take, minlength=n) > 0
    for i in np.flatnonzero(~np.isnan(targets) & ~grew & (start > floor)):
        k = int(np.searchsorted(values[i], start[i], side="right"))
        f = below[i, k - 1] if k else 0.0
        if objective is Objective.COST:
            slope = problem.holding_cost[i] * f - problem.stockout_cost[i] * (1 - f)
        else:
            slope = -(1 - f)
        pressure = slope + lam * problem.unit_cost[i] * f
        if pressure > 0 and f < 1:
            service_price[i] = pressure / (1 - f) * problem.mean_demand[i]
    elapsed = time.perf_counter() - started
    return _report(
        problem,
        level,
        -lam if budget is not None else None,
        service_price,
        elapsed,
    )


def _targets(problem: SAAProblem, fill_rate) -> np.ndarray:
    if fill_rate is None:
        return np.full(problem.n_cells, np.nan)
    arr = np.broadcast_to(np.asarray(fill_rate, dtype=float), (problem.n_cells,)).copy()
    bad = ~np.isnan(arr) & ((arr < 0) | (arr >= 1))
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(f"fill_rate for {problem.name(i)} must lie in [0, 1), got {arr[i]}")
    return arr


def _model(
    problem: SAAProblem,
    budget: float | None,
    targets: np.ndarray,
    floor: np.ndarray,
    objective: Objective,
) -> LinearModel:
    n, s = problem.demand.shape
    w = problem.weights
    ws = np.tile(w, n)
    if objective is Objective.COST:
        hold, short = problem.holding_cost, problem.stockout_cost
    else:
        hold, short = TIE_BREAK * np.maximum(problem.holding_cost, 1.0), np.ones(n)
    model = LinearModel("base-stock SAA")
    level = model.add_variables("base_stock", n, lb=floor, labels=problem.names)
    on_hand = model.add_variables("on_hand", n * s, lb=0.0, cost=np.repeat(hold, s) * ws)
    units_short = model.add_variables("short", n * s, lb=0.0, cost=np.repeat(short, s) * ws)
    rows = n * s
    eye = sp.identity(rows, format="csr")
    model.add_constraints(
        "recourse",
        {
            level: sp.csr_array(
                (np.ones(rows), (np.arange(rows), np.repeat(np.arange(n), s))), shape=(rows, n)
            ),
            units_short: eye,
            on_hand: -eye,
        },
        lower=problem.demand.ravel(),
        upper=problem.demand.ravel(),
    )
    if budget is not None:
        if not np.isfinite(budget) or budget < 0:
            raise ValueError(f"budget must be a non-negative amount, got {budget!r}")
        model.add_constraints(
            "budget",
            {on_hand: sp.csr_array((np.repeat(problem.unit_cost, s) * ws)[None, :])},
            upper=float(budget),
        )
    cells = np.flatnonzero(~np.isnan(targets))
    if cells.size:
        cols = (cells[:, None] * s + np.arange(s)[None, :]).ravel()
        matrix = sp.csr_array(
            (np.tile(w, cells.size), (np.repeat(np.arange(cells.size), s), cols)),
            shape=(cells.size, rows),
        )
        model.add_constraints(
            "service",
            {units_short: matrix},
            upper=(1 - targets[cells]) * problem.mean_demand[cells],
        )
    return model


def _summary(problem, result, targets, has_budget, elapsed) -> SAAResult:
    level = np.maximum(result.values("base_stock"), 0.0)
    service_price = np.zeros(problem.n_cells)
    cells = np.flatnonzero(~np.isnan(targets))
    if cells.size:
        # ∂obj/∂β_i = -μ_i ∂obj/∂(row bound)
        service_price[cells] = -result.dual("service") * problem.mean_demand[cells]
    budget_price = float(result.dual("budget")[0]) if has_budget else None
    return _report(problem, level, budget_price, service_price, elapsed)


def _report(problem, level, budget_price, service_price, elapsed) -> SAAResult:
    w = problem.weights
    short = np.maximum(problem.demand - level[:, None], 0.0)
    over = np.maximum(level[:, None] - problem.demand, 0.0)
    exp_short, exp_over = short @ w, over @ w
    with np.errstate(invalid="ignore", divide="ignore"):
        fill = np.where(problem.mean_demand > 0, 1 - exp_short / problem.mean_demand, 1.0)
    total_demand = problem.mean_demand.sum()
    return SAAResult(
        base_stock=level,
        expected_cost=float(problem.holding_cost @ exp_over + problem.stockout_cost @ exp_short),
        expected_shortage=float(exp_short.sum()),
        investment=float(problem.unit_cost @ exp_over),
        fill_rate=np.clip(fill, 0.0, 1.0),
        cycle_service=(short <= 1e-9) @ w,
        aggregate_fill_rate=max(1 - float(exp_short.sum()) / total_demand, 0.0)
        if total_demand
        else 1.0,
        budget_shadow_price=budget_price,
        service_shadow_price=service_price,
        solve_seconds=elapsed,
    )
