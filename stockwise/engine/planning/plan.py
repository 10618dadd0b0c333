"""``plan_orders``: solve the order-planning model and report the plan a planner acts on.

The steps: check the problem (scenario tail, horizon, penalties); solve the LP (its duals
are the shadow prices); when the limits cannot all hold, the elastic model's plan under the
smallest change of limits; then the orders placed now in whole units and case packs
(:mod:`.rounding`), with the rest of the plan re-solved around them and the cost gap to the
LP's optimum reported; last, the plan's own checks (service far below its targets?).
"""

from __future__ import annotations

import dataclasses
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from stockwise.engine.planning.checks import problem_warnings, service_shortfall
from stockwise.engine.planning.decompose import solve_per_item
from stockwise.engine.planning.elastic import Relaxation, relaxations_of
from stockwise.engine.planning.formulation import Formulation, RelaxFirst, formulate
from stockwise.engine.planning.kpis import (
    budget_and_capacity_use,
    cost_components,
    expected_orders,
    limit_use,
    service_table,
)
from stockwise.engine.planning.limits import LimitKind
from stockwise.engine.planning.lines import order_lines
from stockwise.engine.planning.problem import PlanningProblem
from stockwise.engine.planning.rounding import whole_orders
from stockwise.solvers import (
    SolveOptions,
    SolveResult,
    TerminationCondition,
    Timings,
    capabilities,
    get_backend,
    solve,
)
from stockwise.solvers.backends.base import Feature


class PlanStatus(StrEnum):
    """How the plan came about."""

    OPTIMAL = "optimal"  # optimal (LP), within the MIP gap asked for, or rounded (see gap)
    FEASIBLE = "feasible"  # a plan, stopped early (time limit); see ``gap``
    RELAXED = "relaxed"  # the limits cannot all hold; optimal for the relaxed limits
    INFEASIBLE = "infeasible"  # the limits cannot all hold and relaxing was not asked for
    FAILED = "failed"  # no plan (solver error, or a limit reached before any plan)


LOG = logging.getLogger(__name__)

Progress = Callable[[str], None]


@dataclass(frozen=True, eq=False)
class OrderPlan:
    """The result of :func:`plan_orders`.

    orders : one row per lane, item and period with an order (see
        :func:`~stockwise.engine.planning.lines.order_lines`): ``firm`` lines are the orders
        to place now (whole units and case packs unless ``whole=False``), later lines the
        expected orders of the scenarios, each with its arrival, projected stock and reason
    quantities : [units] ``lanes x items x periods`` (dataset order), zeros included: the
        firm orders, then the expected later orders
    costs : [currency] expected cost by component and ``total``
    objective : expected cost (or profit) of the plan, discounted, as the solver saw it
    bound : the LP optimum, a bound on every plan with whole orders (``objective`` when
        the plan is the LP's own)
    gap : relative gap between ``objective`` and ``bound`` (the price of whole orders), or
        the MIP gap of an exact integer plan
    service : per item and location with demand: expected demand and shortage, in-sample
        fill rate, stock-out probability per period, targets
    usage : per period: purchase spend vs budget, supply, lane and storage use vs limits
    shadow_prices : every budget, capacity and service limit: ``limit, used, binding,
        shadow_price`` (∂objective/∂limit in the limit's unit; for a cost objective a
        binding budget has a negative price: one more unit of budget saves that much)
    shadow_prices_from : ``lp``, ``lp with integers fixed`` (a MIP), or ``none``
    relaxations : when the limits cannot all hold, each limit that must move and by how much
    warnings : what a planner should know before trusting the plan (too few scenarios for
        the service asked, a short horizon, service far below the targets and why)
    warm_start : the LP's final basis, for a re-plan of the same shape
    """

    status: PlanStatus
    termination: TerminationCondition
    solver: str
    objective: float | None
    gap: float | None
    orders: pd.DataFrame
    quantities: np.ndarray
    costs: pd.Series
    service: pd.DataFrame
    usage: pd.DataFrame
    shadow_prices: pd.DataFrame
    shadow_prices_from: str
    relaxations: tuple[Relaxation, ...] = ()
    timings: Timings = field(default_factory=Timings)
    formulate_time: float = 0.0
    wall_time: float = 0.0
    size: dict[str, int] = field(default_factory=dict)
    bound: float | None = None
    warnings: tuple[str, ...] = ()
    warm_start: Any = field(default=None, repr=False)

    @property
    def has_plan(self) -> bool:
        return self.status in (PlanStatus.OPTIMAL, PlanStatus.FEASIBLE, PlanStatus.RELAXED)

    def relaxations_table(self) -> pd.DataFrame:
        """The relaxations as a table: constraint, subject, period, limit, required, change."""
        columns = ["constraint", "subject", "period", "period_start", "limit", "required"]
        frame = pd.DataFrame(
            [[getattr(r, c) for c in columns] for r in self.relaxations], columns=columns
        )
        frame["change"] = frame["required"] - frame["limit"]
        frame["message"] = [r.message for r in self.relaxations]
        return frame

    def summary(self) -> list[str]:
        """A few lines a planner reads first."""
        gap = "n/a" if self.gap is None else f"{self.gap:.2%}"
        lines = [
            f"status {self.status} ({self.termination}) by {self.solver} in "
            f"{self.wall_time:.2f} s; gap {gap}",
            f"model: {self.size.get('columns', 0):,} columns ({self.size.get('integers', 0):,} "
            f"integer), {self.size.get('rows', 0):,} rows",
        ]
        if self.has_plan:
            firm = self.orders[self.orders["firm"]] if len(self.orders) else self.orders
            demand = self.service["expected_demand"].sum() if len(self.service) else 0.0
            short = self.service["expected_short"].sum() if len(self.service) else 0.0
            fill = 1.0 - short / demand if demand > 0 else float("nan")
            lines.append(
                f"expected cost {self.costs['total']:,.2f}; {len(firm)} order lines to place "
                f"now, {len(self.orders) - len(firm)} projected; expected fill rate {fill:.1%}"
            )
        lines += [f"warning: {w}" for w in self.warnings]
        lines += [f"must change: {r.message}" for r in self.relaxations]
        return lines


def plan_orders(
    problem: PlanningProblem,
    solver: str = "highs",
    options: SolveOptions | None = None,
    *,
    relax_if_infeasible: bool = True,
    relax_first: RelaxFirst | str = RelaxFirst.SERVICE,
    decompose: bool | None = None,
    whole: bool = True,
    warm_start: OrderPlan | None = None,
    progress: Progress | None = None,
) -> OrderPlan:
    """The order plan for ``problem`` (two-stage SAA over its scenarios).

    solver : a ``stockwise.solvers`` backend name: ``highs`` (default, direct), ``pyomo``,
        ``pyomo:<solver>``, ``ortools`` or ``scipy``
    options : time limit, MIP gap, threads, verbosity, LP method
    relax_if_infeasible : when the limits cannot all hold, solve the elastic model (every
        limit may move, at a price; see :mod:`.elastic`): the plan under the least costly
        change of limits (status ``relaxed``, see ``relaxations``) instead of no plan
    relax_first : ``service`` (default) moves service targets first and budgets and
        capacities only when nothing else helps; ``limits`` the other way round
    decompose : solve the LP item by item (Dantzig–Wolfe over items, HiGHS, in
        ``options.threads`` worker processes, default one per core): same optimum and
        shadow prices, but slower than the whole LP whenever a limit binds (see
        :mod:`.decompose`); ``None`` or ``False`` solves it whole; a MIP is always whole
    whole : the orders placed now in whole units, whole case packs and at least the MOQ on
        supplier lanes (rounded from the LP, the rest of the plan re-solved around them);
        ``False`` keeps the LP's fractional orders. ``problem.integer`` solves the exact MIP.
    warm_start : an earlier plan of a problem of the same shape (same scenarios, lanes,
        items, horizon and limits; only stock, pipeline or demand changed, as in a re-plan):
        the solver starts from its final basis
    progress : called with a line at each step (building, solving, relaxing, rounding)

    Raises ``stockwise.solvers.SolverError`` only when the backend cannot be used at all.
    """
    options = _tuned(options or SolveOptions(), solver)
    say = progress or (lambda line: None)
    t0 = time.perf_counter()
    warnings = problem_warnings(problem)
    say("building the model")
    f = formulate(problem)
    formulate_time = time.perf_counter() - t0
    decompose = bool(decompose)
    if decompose and f.model.is_mip:
        LOG.warning("item by item solves LPs only: this MIP (integer orders) is solved whole")
        decompose = False
    first = options
    if warm_start is not None and warm_start.warm_start is not None and not decompose:
        first = dataclasses.replace(options, warm_start=warm_start.warm_start)
    how = "item by item" if decompose else "whole"
    say(f"solving {f.model.n_cols:,} columns x {f.model.n_rows:,} rows with {solver} ({how})")
    result = _solve(f, solver, first, decompose)
    status = _status(result)
    relaxations: list[Relaxation] = []
    if status is PlanStatus.INFEASIBLE and relax_if_infeasible:
        say("the limits cannot all hold: the least costly change of limits (elastic)")
        f = formulate(problem, slack=True, relax_first=relax_first)
        result = _solve(f, solver, options, decompose)
        status = PlanStatus.RELAXED if result.has_solution else PlanStatus.FAILED
        if result.has_solution:
            relaxations = relaxations_of(f, result.x)
    placed, rounded = f, None
    if whole and result.has_solution and not f.model.is_mip:
        say("placing the orders of now in whole units and case packs")
        placed, rounded, note = _whole_plan(f, result, solver, options, relax_first)
        if note:
            warnings.append(note)
        if rounded is not None and placed.slack:
            relaxations = relaxations_of(placed, rounded.x)
            if relaxations and status is PlanStatus.OPTIMAL:
                status = PlanStatus.RELAXED  # whole packs cannot meet every target
    plan = _report(
        f, result, placed, rounded, status, solver, options, relaxations, formulate_time, t0
    )
    extra = service_shortfall(problem, plan.service) if plan.has_plan else []
    return dataclasses.replace(plan, warnings=tuple(warnings + extra))


# HiGHS's dual simplex with devex pricing instead of dual steepest edge: on the planning LP
# (4 items x 14 locations x 10 weeks x 200 scenarios) a warm re-plan took 0.6 s instead of
# 1.9 s, a cold solve 11.7 s instead of 14.4 s (same optimum); see README "Optimizer".
HIGHS_PLANNING = {"simplex_dual_edge_weight_strategy": 1}


def _tuned(options: SolveOptions, solver: str) -> SolveOptions:
    """``options`` with the planning LP's HiGHS settings where the caller set none."""
    if not solver.startswith("highs") or options.method not in (None, "simplex"):
        return options
    native = {**HIGHS_PLANNING, **options.native}
    return dataclasses.replace(options, native=native)


def _solve(f: Formulation, solver: str, options: SolveOptions, decompose: bool) -> SolveResult:
    """Solve item by item where asked; the whole LP where that stalls or finds the limits
    infeasible (a verdict the whole LP confirms)."""
    if decompose:
        result = solve_per_item(f, options, workers=options.threads or os.cpu_count() or 1)
        if result.termination is TerminationCondition.OPTIMAL:
            return result
        LOG.warning("item by item ended %s (%s); solving whole", result.termination, result.message)
    return solve(f.model, solver, options)


def _whole_plan(
    f: Formulation, lp: SolveResult, solver: str, options: SolveOptions, relax_first
) -> tuple[Formulation, SolveResult | None, str]:
    """The plan with its first-stage orders rounded (to the nearest, else down) and fixed,
    the rest re-solved. Budgets and capacities may not move further than the LP moved
    them; where whole packs cannot meet a service target the LP met, the target gives way
    (the elastic model, the change reported). ``None`` and a note when no rounding works."""
    p, lay = f.problem, f.layout
    elastic = f if f.slack else formulate(p, slack=True, relax_first=relax_first)
    moved = (
        {n: lp.x[b.slice] for n, b in f.model.variables.items() if n.startswith("relax_")}
        if f.slack
        else {}
    )
    lp_orders = lay.first_stage_orders(lp.x)
    src = p.source_lanes
    for g in dict.fromkeys([f, elastic]):
        warm = _warm(options, lp, g is f)
        for down in (False, True):
            q = whole_orders(p, lp_orders, down=down)
            result = solve(_fixed(g, q, moved), solver, warm)
            if result.has_solution:
                return g, result, ""
            # the purchases first, then the shipments the rounded purchases leave room for
            # (with several first-stage periods, a DC ships what it bought in them)
            bought = solve(_fixed(g, q, moved, lanes=src), solver, warm)
            if not bought.has_solution:
                continue
            q = np.where(src[:, None, None], q, whole_orders(p, lay.first_stage_orders(bought.x)))
            result = solve(_fixed(g, q, moved), solver, warm)
            if result.has_solution:
                return g, result, ""
    return (
        f,
        None,
        (
            "rounding the orders of now to whole case packs breaks a budget or capacity whichever "
            "way they are rounded: the orders shown are the LP's, fractional"
        ),
    )


def _fixed(
    g: Formulation, q: np.ndarray, moved: dict[str, np.ndarray], lanes: np.ndarray | None = None
):
    """``g``'s model with the first-stage orders fixed at ``q`` (on ``lanes`` only, a
    boolean per lane, when given) and the budgets and capacities moved no further than
    ``moved`` (0 where absent); service slacks free."""
    model = g.model.copy()
    block = model.variables["order"]
    lower, upper = block.lower.copy(), block.upper.copy()
    cols = g.layout.first_stage_columns()
    if lanes is not None:
        cols, q = cols[lanes], q[lanes]
    lower[cols.ravel()] = upper[cols.ravel()] = q.ravel()
    model.variables["order"] = dataclasses.replace(block, lower=lower, upper=upper)
    p = g.problem
    for kind in g.limits:
        relax = model.variables.get(f"relax_{kind}")
        if relax is None or kind.is_service:
            continue
        limit = moved.get(f"relax_{kind}", np.zeros(relax.size)) * (1 + 1e-9) + 1e-9
        if kind is LimitKind.STORAGE:  # room for a case pack of each item, rounded up
            limit = limit + float(p.volume @ p.case_pack)
        model.variables[relax.name] = dataclasses.replace(relax, upper=limit)
    return model


def _warm(options: SolveOptions, lp: SolveResult, same_shape: bool) -> SolveOptions:
    return dataclasses.replace(options, warm_start=lp.warm_start if same_shape else None)


def _status(result: SolveResult) -> PlanStatus:
    if result.termination is TerminationCondition.OPTIMAL and result.has_solution:
        return PlanStatus.OPTIMAL
    if result.termination in (
        TerminationCondition.INFEASIBLE,
        TerminationCondition.INFEASIBLE_OR_UNBOUNDED,
    ):
        return PlanStatus.INFEASIBLE
    return PlanStatus.FEASIBLE if result.has_solution else PlanStatus.FAILED


def _report(
    f, lp, placed, rounded, status, solver, options, relaxations, formulate_time, t0
) -> OrderPlan:
    """The plan a planner reads: duals, bound and shadow prices from the LP (``f``, ``lp``),
    orders and KPIs from the plan placed (``placed``, ``rounded``; the LP's own without)."""
    p, model = f.problem, f.model
    size = {"columns": model.n_cols, "rows": model.n_rows, "integers": int(model.integrality.sum())}
    if not lp.has_solution:
        empty = pd.DataFrame()
        return OrderPlan(
            status=status,
            termination=lp.termination,
            solver=lp.backend,
            objective=None,
            gap=None,
            orders=empty,
            quantities=np.zeros((len(p.lanes), p.n_items, p.horizon)),
            costs=pd.Series(dtype=float),
            service=empty,
            usage=empty,
            shadow_prices=limit_use(f, np.zeros(model.n_cols), None).iloc[0:0],
            shadow_prices_from="none",
            relaxations=tuple(relaxations),
            timings=lp.timings,
            formulate_time=formulate_time,
            wall_time=time.perf_counter() - t0,
            size=size,
        )
    duals, source = lp.duals, "lp"
    if model.is_mip:
        duals, source = _fixed_lp_duals(model, lp.x, solver, options), "lp with integers fixed"
    if duals is None:
        source = "none"
    priced = _slack_cost(model)  # the elastic model's price of moving limits (0 otherwise)
    bound = lp.objective if not model.is_mip else lp.bound
    bound = None if bound is None else bound - float(priced @ lp.x)
    x, objective, gap = lp.x, lp.objective - float(priced @ lp.x), lp.gap
    if rounded is not None:
        x = rounded.x
        objective = rounded.objective - float(_slack_cost(placed.model) @ rounded.x)
        gap = abs(objective - bound) / max(abs(bound), 1e-9)
    shadow = limit_use(placed, x, duals)  # use of the plan placed, prices of the LP
    order = expected_orders(placed, x)
    return OrderPlan(
        status=status,
        termination=lp.termination,
        solver=lp.backend,
        objective=objective,
        gap=gap,
        orders=order_lines(placed, x, shadow),
        quantities=order,
        costs=cost_components(placed, x),
        service=service_table(placed, x),
        usage=budget_and_capacity_use(placed, x),
        shadow_prices=shadow,
        shadow_prices_from=source,
        relaxations=tuple(relaxations),
        timings=lp.timings,
        formulate_time=formulate_time,
        wall_time=time.perf_counter() - t0,
        size=size,
        bound=bound,
        warm_start=None if relaxations else lp.warm_start,
    )


def _slack_cost(model) -> np.ndarray:
    """The objective coefficients of the elastic slacks (0 elsewhere)."""
    cost = np.zeros(model.n_cols)
    for name, block in model.variables.items():
        if name.startswith("relax_"):
            cost[block.slice] = block.cost
    return cost


def _fixed_lp_duals(model, x, solver: str, options: SolveOptions):
    """Row duals of the LP left when the MIP's integer decisions are fixed."""
    name = solver if Feature.DUALS in capabilities().get(get_backend(solver).name, ()) else "highs"
    fixed = solve(model.with_fixed_integers(x), name, options)
    return fixed.duals if fixed.has_solution else None
