"""``plan_orders``: solve the order-planning model and report the plan a planner acts on."""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import pandas as pd

from stockwise.engine.planning.decompose import AUTO_COLUMNS, solve_per_item
from stockwise.engine.planning.elastic import Relaxation, find_relaxations, relaxed_model
from stockwise.engine.planning.formulation import Formulation, formulate
from stockwise.engine.planning.kpis import (
    budget_and_capacity_use,
    cost_components,
    limit_use,
    orders_table,
    service_table,
    unpack,
)
from stockwise.engine.planning.problem import PlanningProblem
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

    OPTIMAL = "optimal"  # optimal within the MIP gap asked for
    FEASIBLE = "feasible"  # a plan, stopped early (time limit); see ``gap``
    RELAXED = "relaxed"  # the limits cannot all hold; optimal for the relaxed limits
    INFEASIBLE = "infeasible"  # the limits cannot all hold and relaxing was not asked for
    FAILED = "failed"  # no plan (solver error, or a limit reached before any plan)


LOG = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class OrderPlan:
    """The result of :func:`plan_orders`.

    orders : one row per lane, item and period with an order: ``origin, destination, item,
        period`` (1-based), ``period_start``, ``quantity`` [units], ``purchase_cost``
    quantities : [units] ``lanes x items x periods`` (dataset order), zeros included
    costs : [currency] expected cost by component and ``total``
    objective : optimal expected cost (or profit), discounted, as the solver saw it
    service : per item and location with demand: expected demand and shortage, in-sample
        fill rate, stock-out probability per period, targets
    usage : per period: purchase spend vs budget, supply, lane and storage use vs limits
    shadow_prices : every budget, capacity and service limit: ``limit, used, binding,
        shadow_price`` (∂objective/∂limit in the limit's unit; for a cost objective a
        binding budget has a negative price: one more unit of budget saves that much)
    shadow_prices_from : ``lp``, ``lp with integers fixed`` (a MIP), or ``none``
    relaxations : when the limits cannot all hold, each limit that must move and by how much
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
        lines = [
            f"status {self.status} ({self.termination}) by {self.solver} in "
            f"{self.wall_time:.2f} s; gap {self.gap if self.gap is not None else 'n/a'}",
            f"model: {self.size.get('columns', 0):,} columns ({self.size.get('integers', 0):,} "
            f"integer), {self.size.get('rows', 0):,} rows",
        ]
        if self.has_plan:
            lines.append(
                f"expected cost {self.costs['total']:,.2f}; {len(self.orders)} order lines; "
                f"mean fill rate {self.service['fill_rate'].mean():.1%}"
            )
        lines += [f"must change: {r.message}" for r in self.relaxations]
        return lines


def plan_orders(
    problem: PlanningProblem,
    solver: str = "highs",
    options: SolveOptions | None = None,
    *,
    relax_if_infeasible: bool = True,
    decompose: bool | None = None,
) -> OrderPlan:
    """The order plan for ``problem`` (two-stage SAA over its scenarios).

    solver : a ``stockwise.solvers`` backend name: ``highs`` (default, direct), ``pyomo``,
        ``pyomo:<solver>``, ``ortools`` or ``scipy``
    options : time limit, MIP gap, threads, verbosity, LP method
    relax_if_infeasible : when the limits cannot all hold, find the smallest change of
        limits that can (status ``relaxed``, see ``relaxations``) instead of returning no plan
    decompose : solve the LP item by item (Dantzig–Wolfe over items, HiGHS, in
        ``options.threads`` worker processes, default one per core); ``None`` does so for LPs over
        ``AUTO_COLUMNS`` columns when ``solver`` is ``highs``. Same optimum and shadow prices;
        a MIP is always solved whole.

    Raises ``stockwise.solvers.SolverError`` only when the backend cannot be used at all.
    """
    options = options or SolveOptions()
    t0 = time.perf_counter()
    f = formulate(problem)
    formulate_time = time.perf_counter() - t0
    if decompose is None:
        decompose = solver == "highs" and f.model.n_cols > AUTO_COLUMNS
    if decompose and f.model.is_mip:
        LOG.warning("item by item solves LPs only: this MIP (integer orders) is solved whole")
        decompose = False
    result = _solve(f, solver, options, decompose)
    relaxations: list[Relaxation] = []
    status = _status(result)
    if status is PlanStatus.INFEASIBLE and relax_if_infeasible:
        relaxations, new_bounds, _ = find_relaxations(problem, solver, options)
        f = Formulation(relaxed_model(f, new_bounds), problem, f.demand_keys, f.limits, False)
        result = _solve(f, solver, options, decompose)
        status = PlanStatus.RELAXED if result.has_solution else PlanStatus.FAILED
    return _report(f, result, status, solver, options, relaxations, formulate_time, t0)


def _solve(f: Formulation, solver: str, options: SolveOptions, decompose: bool) -> SolveResult:
    """Solve item by item where asked; the whole LP where that stalls or finds the limits
    infeasible (a verdict the whole LP confirms)."""
    if decompose:
        result = solve_per_item(f, options, workers=options.threads or os.cpu_count() or 1)
        if result.termination is TerminationCondition.OPTIMAL:
            return result
        LOG.warning("item by item ended %s (%s); solving whole", result.termination, result.message)
    return solve(f.model, solver, options)


def _status(result: SolveResult) -> PlanStatus:
    if result.termination is TerminationCondition.OPTIMAL and result.has_solution:
        return PlanStatus.OPTIMAL
    if result.termination in (
        TerminationCondition.INFEASIBLE,
        TerminationCondition.INFEASIBLE_OR_UNBOUNDED,
    ):
        return PlanStatus.INFEASIBLE
    return PlanStatus.FEASIBLE if result.has_solution else PlanStatus.FAILED


def _report(f, result, status, solver, options, relaxations, formulate_time, t0) -> OrderPlan:
    p, model = f.problem, f.model
    size = {"columns": model.n_cols, "rows": model.n_rows, "integers": int(model.integrality.sum())}
    if not result.has_solution:
        empty = pd.DataFrame()
        return OrderPlan(
            status=status,
            termination=result.termination,
            solver=result.backend,
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
            timings=result.timings,
            formulate_time=formulate_time,
            wall_time=time.perf_counter() - t0,
            size=size,
        )
    duals, source = result.duals, "lp"
    if model.is_mip:
        duals, source = _fixed_lp_duals(model, result.x, solver, options), "lp with integers fixed"
    if duals is None:
        source = "none"
    order, _, _ = unpack(f, result.x)
    return OrderPlan(
        status=status,
        termination=result.termination,
        solver=result.backend,
        objective=result.objective,
        gap=result.gap,
        orders=orders_table(p, order),
        quantities=order,
        costs=cost_components(f, result.x),
        service=service_table(f, result.x),
        usage=budget_and_capacity_use(f, result.x),
        shadow_prices=limit_use(f, result.x, duals),
        shadow_prices_from=source,
        relaxations=tuple(relaxations),
        timings=result.timings,
        formulate_time=formulate_time,
        wall_time=time.perf_counter() - t0,
        size=size,
    )


def _fixed_lp_duals(model, x, solver: str, options: SolveOptions):
    """Row duals of the LP left when the MIP's integer decisions are fixed."""
    name = solver if Feature.DUALS in capabilities().get(get_backend(solver).name, ()) else "highs"
    fixed = solve(model.with_fixed_integers(x), name, options)
    return fixed.duals if fixed.has_solution else None
