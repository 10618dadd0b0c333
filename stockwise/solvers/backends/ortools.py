"""OR-Tools: GLOP or PDLP for LPs, CP-SAT for pure-integer programs, SCIP for other MIPs."""

from __future__ import annotations

import time
from typing import ClassVar

import numpy as np

from stockwise.solvers.backends.base import Backend, Feature, column_slices, split_rows
from stockwise.solvers.model import LinearModel, Sense
from stockwise.solvers.results import (
    SolutionStatus,
    SolveOptions,
    SolverError,
    SolveResult,
    TerminationCondition,
    Timings,
)

# CP-SAT needs finite integer domains: unbounded integer columns get this bound.
CPSAT_BOUND = 2**40


class OrToolsBackend(Backend):
    """OR-Tools through ``pywraplp`` (LP: GLOP, or PDLP with ``method="pdlp"``; MIP: SCIP)
    and CP-SAT for models whose columns are all integer with integer row coefficients."""

    name: ClassVar[str] = "ortools"
    modules: ClassVar[tuple[str, ...]] = ("ortools",)
    features: ClassVar[frozenset[Feature]] = frozenset(
        {Feature.LP, Feature.MIP, Feature.PURE_INTEGER, Feature.DUALS}
    )

    def solve(self, model: LinearModel, options: SolveOptions) -> SolveResult:
        integer = model.integrality
        if integer.any() and integer.all() and _integral(model):
            return _solve_cpsat(model, options, self.name)
        return _solve_linear(model, options, self.name)


def _integral(model: LinearModel) -> bool:
    a = model.matrix()
    bounds = np.concatenate([model.row_lower, model.row_upper])
    bounds = bounds[np.isfinite(bounds)]
    return bool(np.all(a.data == np.round(a.data)) and np.all(bounds == np.round(bounds)))


def _solve_linear(model: LinearModel, options: SolveOptions, backend: str) -> SolveResult:
    from ortools.linear_solver import pywraplp

    mip = model.is_mip
    engine_name = "SCIP" if mip else ("PDLP" if options.method == "pdlp" else "GLOP")
    t0 = time.perf_counter()
    solver = pywraplp.Solver.CreateSolver(engine_name)
    if solver is None:
        raise SolverError(f"OR-Tools has no {engine_name} in this build", backend=backend)
    inf = solver.infinity()
    lower, upper, integer = model.col_lower, model.col_upper, model.integrality
    cols = [
        solver.Var(
            -inf if np.isneginf(lower[j]) else float(lower[j]),
            inf if np.isposinf(upper[j]) else float(upper[j]),
            bool(integer[j]),
            f"x{j}",
        )
        for j in range(model.n_cols)
    ]
    a = model.matrix()
    rows = []
    for r, (lo, hi) in enumerate(zip(model.row_lower, model.row_upper, strict=True)):
        ct = solver.RowConstraint(
            -inf if np.isneginf(lo) else float(lo), inf if np.isposinf(hi) else float(hi), f"r{r}"
        )
        for j, v in zip(
            a.indices[a.indptr[r] : a.indptr[r + 1]],
            a.data[a.indptr[r] : a.indptr[r + 1]],
            strict=True,
        ):
            ct.SetCoefficient(cols[j], float(v))
        rows.append(ct)
    objective = solver.Objective()
    for j in np.flatnonzero(model.cost):
        objective.SetCoefficient(cols[j], float(model.cost[j]))
    objective.SetOffset(model.offset)
    if model.sense is Sense.MAXIMIZE:
        objective.SetMaximization()
    else:
        objective.SetMinimization()
    if options.time_limit is not None:
        solver.SetTimeLimit(int(options.time_limit * 1000))
    if options.threads is not None:
        solver.SetNumThreads(int(options.threads))
    if options.verbose:
        solver.EnableOutput()
    params = pywraplp.MPSolverParameters()
    if options.mip_gap is not None and mip:
        params.SetDoubleParam(params.RELATIVE_MIP_GAP, float(options.mip_gap))
    build = time.perf_counter() - t0

    t1 = time.perf_counter()
    code = solver.Solve(params)
    engine = time.perf_counter() - t1
    termination, status = {
        pywraplp.Solver.OPTIMAL: (TerminationCondition.OPTIMAL, SolutionStatus.OPTIMAL),
        pywraplp.Solver.FEASIBLE: (TerminationCondition.TIME_LIMIT, SolutionStatus.FEASIBLE),
        pywraplp.Solver.INFEASIBLE: (TerminationCondition.INFEASIBLE, SolutionStatus.INFEASIBLE),
        pywraplp.Solver.UNBOUNDED: (TerminationCondition.UNBOUNDED, SolutionStatus.NO_SOLUTION),
        pywraplp.Solver.ABNORMAL: (TerminationCondition.ERROR, SolutionStatus.NO_SOLUTION),
    }.get(code, (TerminationCondition.UNKNOWN, SolutionStatus.NO_SOLUTION))
    x = duals = value = bound = gap = None
    if status in (SolutionStatus.OPTIMAL, SolutionStatus.FEASIBLE):
        x = np.array([c.solution_value() for c in cols], dtype=float)
        value = float(objective.Value())
        if mip:
            bound = float(objective.BestBound())
            gap = abs(value - bound) / max(abs(value), 1e-10)
        else:
            gap = 0.0
            duals = split_rows(model, np.array([ct.dual_value() for ct in rows], dtype=float))
    return SolveResult(
        backend=f"{backend}:{engine_name.lower()}",
        termination=termination,
        status=status,
        objective=value,
        x=x,
        duals=duals,
        columns=column_slices(model),
        bound=bound,
        gap=gap,
        timings=Timings(build, 0.0, engine),
        message=f"pywraplp status {code}",
    )


def _solve_cpsat(model: LinearModel, options: SolveOptions, backend: str) -> SolveResult:
    from ortools.sat.python import cp_model

    t0 = time.perf_counter()
    cp = cp_model.CpModel()
    lower = np.ceil(np.clip(model.col_lower, -CPSAT_BOUND, CPSAT_BOUND)).astype(np.int64)
    upper = np.floor(np.clip(model.col_upper, -CPSAT_BOUND, CPSAT_BOUND)).astype(np.int64)
    cols = [
        cp.NewIntVar(int(lo), int(hi), f"x{j}")
        for j, (lo, hi) in enumerate(zip(lower, upper, strict=True))
    ]
    a = model.matrix()
    for r, (lo, hi) in enumerate(zip(model.row_lower, model.row_upper, strict=True)):
        sl = slice(a.indptr[r], a.indptr[r + 1])
        expr = sum(int(v) * cols[j] for j, v in zip(a.indices[sl], a.data[sl], strict=True))
        lo_i = -CPSAT_BOUND * model.n_cols if np.isneginf(lo) else int(round(lo))
        hi_i = CPSAT_BOUND * model.n_cols if np.isposinf(hi) else int(round(hi))
        cp.AddLinearConstraint(expr, lo_i, hi_i)
    nz = np.flatnonzero(model.cost)
    expr = sum(float(model.cost[j]) * cols[j] for j in nz)
    if model.sense is Sense.MAXIMIZE:
        cp.Maximize(expr)
    else:
        cp.Minimize(expr)
    solver = cp_model.CpSolver()
    if options.time_limit is not None:
        solver.parameters.max_time_in_seconds = float(options.time_limit)
    if options.threads is not None:
        solver.parameters.num_workers = int(options.threads)
    if options.mip_gap is not None:
        solver.parameters.relative_gap_limit = float(options.mip_gap)
    solver.parameters.log_search_progress = bool(options.verbose)
    build = time.perf_counter() - t0
    code = solver.Solve(cp)
    termination, status = {
        cp_model.OPTIMAL: (TerminationCondition.OPTIMAL, SolutionStatus.OPTIMAL),
        cp_model.FEASIBLE: (TerminationCondition.TIME_LIMIT, SolutionStatus.FEASIBLE),
        cp_model.INFEASIBLE: (TerminationCondition.INFEASIBLE, SolutionStatus.INFEASIBLE),
        cp_model.MODEL_INVALID: (TerminationCondition.ERROR, SolutionStatus.NO_SOLUTION),
    }.get(code, (TerminationCondition.UNKNOWN, SolutionStatus.NO_SOLUTION))
    x = value = bound = gap = None
    if status in (SolutionStatus.OPTIMAL, SolutionStatus.FEASIBLE):
        x = np.array([solver.Value(c) for c in cols], dtype=float)
        value = float(solver.ObjectiveValue()) + model.offset
        bound = float(solver.BestObjectiveBound()) + model.offset
        gap = abs(value - bound) / max(abs(value), 1e-10)
    return SolveResult(
        backend=f"{backend}:cp-sat",
        termination=termination,
        status=status,
        objective=value,
        x=x,
        duals=None,
        columns=column_slices(model),
        bound=bound,
        gap=gap,
        timings=Timings(build, 0.0, float(solver.WallTime())),
        message=solver.StatusName(code),
    )
