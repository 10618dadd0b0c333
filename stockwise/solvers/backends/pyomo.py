"""The same model as a Pyomo ``ConcreteModel`` with readable names, solved by any Pyomo solver.

Every variable block becomes a ``Var`` indexed by its labels, every constraint block a
``Constraint`` indexed by its labels, so ``order['SUPPLIER>DC-NORTH|SKU001|t1']`` reads as
what it is; the model can be inspected, extended, exported as LP/MPS, or handed to any
solver Pyomo knows (``appsi_highs`` by default).
"""

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

_TERMINATION = {
    "optimal": TerminationCondition.OPTIMAL,
    "globallyOptimal": TerminationCondition.OPTIMAL,
    "locallyOptimal": TerminationCondition.OPTIMAL,
    "infeasible": TerminationCondition.INFEASIBLE,
    "unbounded": TerminationCondition.UNBOUNDED,
    "infeasibleOrUnbounded": TerminationCondition.INFEASIBLE_OR_UNBOUNDED,
    "maxTimeLimit": TerminationCondition.TIME_LIMIT,
    "maxIterations": TerminationCondition.ITERATION_LIMIT,
    "interrupted": TerminationCondition.INTERRUPTED,
    "error": TerminationCondition.ERROR,
    "solverFailure": TerminationCondition.ERROR,
    "internalSolverError": TerminationCondition.ERROR,
}


def to_pyomo(model: LinearModel):
    """The model as a Pyomo ``ConcreteModel`` (one ``Var``/``Constraint`` per block).

    Each component is named after its block and indexed by the block's labels.
    """
    import pyomo.environ as pyo
    from pyomo.core.expr.numeric_expr import LinearExpression

    m = pyo.ConcreteModel(name=model.name)
    for name in [*model.variables, *model.constraints]:
        if hasattr(m, name) or name in ("objective", "dual"):
            raise ValueError(f"block name {name!r} clashes with a Pyomo model attribute")
    columns = []
    for block in model.variables.values():
        labels = block.label_list()
        var = pyo.Var(labels, dense=True, domain=pyo.Reals)
        setattr(m, block.name, var)
        for j, label in enumerate(labels):
            v = var[label]
            lo, hi = block.lower[j], block.upper[j]
            v.setlb(None if np.isneginf(lo) else float(lo))
            v.setub(None if np.isposinf(hi) else float(hi))
            if block.integer[j]:
                v.domain = pyo.Integers
            columns.append(v)
    a = model.matrix()
    for block in model.constraints.values():
        setattr(
            m, block.name, pyo.Constraint(block.label_list(), rule=_row_rule(block, a, columns))
        )
    cost = model.cost
    nz = np.flatnonzero(cost)
    m.objective = pyo.Objective(
        expr=LinearExpression(
            constant=float(model.offset),
            linear_coefs=[float(cost[j]) for j in nz],
            linear_vars=[columns[j] for j in nz],
        ),
        sense=pyo.maximize if model.sense is Sense.MAXIMIZE else pyo.minimize,
    )
    return m


def _row_rule(block, a, columns):
    """The Pyomo rule that builds row ``label`` of ``block`` from the CSR matrix ``a``."""
    from pyomo.core.expr.numeric_expr import LinearExpression

    position = {label: k for k, label in enumerate(block.label_list())}

    def rule(_m, label):
        k = position[label]
        lo, hi = block.lower[k], block.upper[k]
        span = slice(a.indptr[block.start + k], a.indptr[block.start + k + 1])
        expr = LinearExpression(
            constant=0.0,
            linear_coefs=[float(c) for c in a.data[span]],
            linear_vars=[columns[c] for c in a.indices[span]],
        )
        if lo == hi:
            return expr == float(lo)
        return (
            None if np.isneginf(lo) else float(lo),
            expr,
            None if np.isposinf(hi) else float(hi),
        )

    return rule


def write_model(model: LinearModel, path: str) -> None:
    """Write ``model`` as ``.lp`` or ``.mps`` (by extension) with its readable names."""
    to_pyomo(model).write(str(path), io_options={"symbolic_solver_labels": True})


class PyomoBackend(Backend):
    """Pyomo ``ConcreteModel`` built from the description, solved by ``solver``.

    solver : any name ``pyomo.environ.SolverFactory`` knows; ``appsi_highs`` by default
    """

    name: ClassVar[str] = "pyomo"
    modules: ClassVar[tuple[str, ...]] = ("pyomo", "highspy")
    features: ClassVar[frozenset[Feature]] = frozenset(
        {Feature.LP, Feature.MIP, Feature.DUALS, Feature.EXPORT}
    )

    def __init__(self, solver: str = "appsi_highs") -> None:
        self.solver = solver

    def solve(self, model: LinearModel, options: SolveOptions) -> SolveResult:
        import pyomo.environ as pyo

        t0 = time.perf_counter()
        m = to_pyomo(model)
        if not model.is_mip:
            m.dual = pyo.Suffix(direction=pyo.Suffix.IMPORT)
        build = time.perf_counter() - t0

        opt = pyo.SolverFactory(self.solver)
        if not opt.available(exception_flag=False):
            raise SolverError(f"Pyomo solver {self.solver!r} is not available", backend=self.name)
        appsi = self.solver.startswith("appsi_")
        if appsi:
            if options.time_limit is not None:
                opt.config.time_limit = options.time_limit
            if options.mip_gap is not None:
                opt.config.mip_gap = options.mip_gap
            if self.solver == "appsi_highs":
                if options.threads is not None:
                    opt.highs_options["threads"] = options.threads
                if options.method is not None:
                    opt.highs_options["solver"] = options.method
                opt.highs_options.update(options.native)
        else:
            opt.options.update(options.native)
        t1 = time.perf_counter()
        results = opt.solve(m, tee=options.verbose, load_solutions=False)
        wall = time.perf_counter() - t1
        engine = _engine_time(opt, wall)

        native = results.solver.termination_condition
        termination = _TERMINATION.get(getattr(native, "name", str(native)), None)
        if termination is None:
            termination = _TERMINATION.get(str(native), TerminationCondition.UNKNOWN)
        x = duals = objective = bound = gap = None
        status = SolutionStatus.NO_SOLUTION
        if termination is TerminationCondition.INFEASIBLE:
            status = SolutionStatus.INFEASIBLE
        try:
            m.solutions.load_from(results)
            loaded = True
        except Exception:  # noqa: BLE001 - Pyomo raises several types when there is no solution
            loaded = False
        if loaded and termination in (
            TerminationCondition.OPTIMAL,
            TerminationCondition.TIME_LIMIT,
        ):
            status = (
                SolutionStatus.OPTIMAL
                if termination is TerminationCondition.OPTIMAL
                else SolutionStatus.FEASIBLE
            )
            x = np.array(
                [
                    pyo.value(getattr(m, b.name)[lab], exception=False) or 0.0
                    for b in model.variables.values()
                    for lab in b.label_list()
                ],
                dtype=float,
            )
            objective = float(pyo.value(m.objective))
            if model.is_mip:
                bound = _bound(results)
                if bound is not None and objective != 0:
                    gap = abs(objective - bound) / max(abs(objective), 1e-10)
            else:
                gap = 0.0
                if len(m.dual):  # filled by solvers that report duals
                    duals = split_rows(
                        model,
                        np.array(
                            [
                                m.dual.get(getattr(m, b.name)[lab], 0.0)
                                for b in model.constraints.values()
                                for lab in b.label_list()
                            ],
                            dtype=float,
                        ),
                    )
        return SolveResult(
            backend=f"{self.name}:{self.solver}",
            termination=termination,
            status=status,
            objective=objective,
            x=x,
            duals=duals,
            columns=column_slices(model),
            bound=bound,
            gap=gap,
            timings=Timings(build, max(wall - engine, 0.0), engine),
            message=str(native),
        )


def _engine_time(opt, wall: float) -> float:
    """HiGHS's own run time when Pyomo drives HiGHS, else the whole solve call."""
    highs = getattr(opt, "_solver_model", None)
    if highs is not None and hasattr(highs, "getRunTime"):
        return float(highs.getRunTime())
    return wall


def _bound(results) -> float | None:
    problem = results.problem
    bound = problem.lower_bound if problem.sense == 1 else problem.upper_bound
    try:
        bound = float(bound)
    except (TypeError, ValueError):
        return None
    return bound if np.isfinite(bound) else None
