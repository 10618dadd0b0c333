"""SciPy's ``linprog`` (LPs, with duals) and ``milp`` (MIPs), both HiGHS inside: a fallback."""

from __future__ import annotations

import time
from typing import ClassVar

import numpy as np
import scipy.sparse as sp

from stockwise.solvers.backends.base import Backend, Feature, column_slices, split_rows
from stockwise.solvers.model import LinearModel, Sense
from stockwise.solvers.results import (
    SolutionStatus,
    SolveOptions,
    SolveResult,
    TerminationCondition,
    Timings,
)

# scipy.optimize status codes, shared by linprog and milp.
_STATUS = {
    0: (TerminationCondition.OPTIMAL, SolutionStatus.OPTIMAL),
    1: (TerminationCondition.ITERATION_LIMIT, SolutionStatus.NO_SOLUTION),
    2: (TerminationCondition.INFEASIBLE, SolutionStatus.INFEASIBLE),
    3: (TerminationCondition.UNBOUNDED, SolutionStatus.NO_SOLUTION),
    4: (TerminationCondition.ERROR, SolutionStatus.NO_SOLUTION),
}


class ScipyBackend(Backend):
    """``scipy.optimize.linprog(method="highs")`` for LPs, ``scipy.optimize.milp`` for MIPs."""

    name: ClassVar[str] = "scipy"
    modules: ClassVar[tuple[str, ...]] = ("scipy",)
    features: ClassVar[frozenset[Feature]] = frozenset({Feature.LP, Feature.MIP, Feature.DUALS})

    def solve(self, model: LinearModel, options: SolveOptions) -> SolveResult:
        sign = -1.0 if model.sense is Sense.MAXIMIZE else 1.0
        if model.is_mip:
            return self._milp(model, options, sign)
        return self._linprog(model, options, sign)

    def _milp(self, model: LinearModel, options: SolveOptions, sign: float) -> SolveResult:
        from scipy.optimize import Bounds, LinearConstraint, milp

        t0 = time.perf_counter()
        constraints = (
            [LinearConstraint(model.matrix(), model.row_lower, model.row_upper)]
            if model.n_rows
            else []
        )
        opts = {"disp": options.verbose}
        if options.time_limit is not None:
            opts["time_limit"] = options.time_limit
        if options.mip_gap is not None:
            opts["mip_rel_gap"] = options.mip_gap
        build = time.perf_counter() - t0
        t1 = time.perf_counter()
        res = milp(
            sign * model.cost,
            integrality=model.integrality.astype(int),
            bounds=Bounds(model.col_lower, model.col_upper),
            constraints=constraints,
            options=opts,
        )
        engine = time.perf_counter() - t1
        termination, status = _STATUS.get(res.status, _STATUS[4])
        if res.status == 1 and res.x is not None:
            termination, status = TerminationCondition.TIME_LIMIT, SolutionStatus.FEASIBLE
        x = None if res.x is None else np.asarray(res.x, dtype=float)
        value = None if x is None else float(sign * res.fun + model.offset)
        gap = getattr(res, "mip_gap", None)
        bound = getattr(res, "mip_dual_bound", None)
        return SolveResult(
            backend=f"{self.name}:milp",
            termination=termination,
            status=status
            if x is not None or status is SolutionStatus.INFEASIBLE
            else SolutionStatus.NO_SOLUTION,
            objective=value,
            x=x,
            duals=None,
            columns=column_slices(model),
            bound=None if bound is None else float(sign * bound + model.offset),
            gap=None if gap is None else float(gap),
            timings=Timings(build, 0.0, engine),
            message=str(res.message),
        )

    def _linprog(self, model: LinearModel, options: SolveOptions, sign: float) -> SolveResult:
        from scipy.optimize import linprog

        t0 = time.perf_counter()
        a = model.matrix()
        lo, hi = model.row_lower, model.row_upper
        eq = lo == hi
        up = ~eq & np.isfinite(hi)
        down = ~eq & np.isfinite(lo)
        a_ub = sp.vstack([a[np.flatnonzero(up)], -a[np.flatnonzero(down)]]).tocsr()
        b_ub = np.concatenate([hi[up], -lo[down]])
        opts = {"disp": options.verbose, "presolve": True}
        if options.time_limit is not None:
            opts["time_limit"] = options.time_limit
        method = {"simplex": "highs-ds", "ipm": "highs-ipm"}.get(options.method or "", "highs")
        build = time.perf_counter() - t0
        t1 = time.perf_counter()
        res = linprog(
            sign * model.cost,
            A_ub=a_ub if a_ub.shape[0] else None,
            b_ub=b_ub if a_ub.shape[0] else None,
            A_eq=a[np.flatnonzero(eq)] if eq.any() else None,
            b_eq=lo[eq] if eq.any() else None,
            bounds=np.column_stack([model.col_lower, model.col_upper]),
            method=method,
            options=opts,
        )
        engine = time.perf_counter() - t1
        termination, status = _STATUS.get(res.status, _STATUS[4])
        x = duals = value = None
        if res.status == 0:
            x = np.asarray(res.x, dtype=float)
            value = float(sign * res.fun + model.offset)
            # marginals are ∂(sign·objective)/∂b; a ">= lower" row enters as -A x <= -lower.
            y = np.zeros(model.n_rows)
            n_up = int(up.sum())
            if a_ub.shape[0]:
                y[up] += res.ineqlin.marginals[:n_up]
                y[down] -= res.ineqlin.marginals[n_up:]
            if eq.any():
                y[eq] += res.eqlin.marginals
            duals = split_rows(model, sign * y)
        return SolveResult(
            backend=f"{self.name}:linprog",
            termination=termination,
            status=status,
            objective=value,
            x=x,
            duals=duals,
            columns=column_slices(model),
            gap=0.0 if x is not None else None,
            timings=Timings(build, 0.0, engine),
            message=str(res.message),
        )
