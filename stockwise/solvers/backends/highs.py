"""HiGHS through highspy, straight from the model's arrays (the default backend)."""

from __future__ import annotations

import time
from typing import ClassVar

import numpy as np

from stockwise.solvers.backends.base import Backend, Feature, column_slices, split_rows
from stockwise.solvers.model import LinearModel, Sense
from stockwise.solvers.results import (
    SolutionStatus,
    SolveOptions,
    SolveResult,
    TerminationCondition,
    Timings,
)

_TERMINATION = {
    "kOptimal": TerminationCondition.OPTIMAL,
    "kInfeasible": TerminationCondition.INFEASIBLE,
    "kUnbounded": TerminationCondition.UNBOUNDED,
    "kUnboundedOrInfeasible": TerminationCondition.INFEASIBLE_OR_UNBOUNDED,
    "kTimeLimit": TerminationCondition.TIME_LIMIT,
    "kIterationLimit": TerminationCondition.ITERATION_LIMIT,
    "kSolutionLimit": TerminationCondition.ITERATION_LIMIT,
    "kInterrupt": TerminationCondition.INTERRUPTED,
    "kHighsInterrupt": TerminationCondition.INTERRUPTED,
    "kModelEmpty": TerminationCondition.OPTIMAL,
    "kLoadError": TerminationCondition.ERROR,
    "kModelError": TerminationCondition.ERROR,
    "kPresolveError": TerminationCondition.ERROR,
    "kSolveError": TerminationCondition.ERROR,
    "kPostsolveError": TerminationCondition.ERROR,
    "kMemoryLimit": TerminationCondition.ERROR,
}
_METHOD = {"simplex": "simplex", "ipm": "ipm", "pdlp": "pdlp"}


class HighsBackend(Backend):
    """HiGHS via highspy: a ``HighsLp`` filled from NumPy arrays and passed in one call."""

    name: ClassVar[str] = "highs"
    modules: ClassVar[tuple[str, ...]] = ("highspy",)
    features: ClassVar[frozenset[Feature]] = frozenset(
        {Feature.LP, Feature.MIP, Feature.DUALS, Feature.EXPORT}
    )

    def solve(self, model: LinearModel, options: SolveOptions) -> SolveResult:
        highs, build, handoff = load(model, options)
        highs.run()
        return read_result(highs, model, Timings(build, handoff, highs.getRunTime()), self.name)


def load(model: LinearModel, options: SolveOptions):
    """A ``Highs`` instance holding ``model`` with ``options`` set; and build / hand-off [s]."""
    import highspy

    t0 = time.perf_counter()
    a = model.matrix().tocsc()
    lp = highspy.HighsLp()
    lp.num_col_ = model.n_cols
    lp.num_row_ = model.n_rows
    lp.col_cost_ = model.cost
    lp.col_lower_ = model.col_lower
    lp.col_upper_ = model.col_upper
    lp.row_lower_ = model.row_lower
    lp.row_upper_ = model.row_upper
    lp.offset_ = model.offset
    lp.sense_ = (
        highspy.ObjSense.kMaximize if model.sense is Sense.MAXIMIZE else highspy.ObjSense.kMinimize
    )
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = a.indptr.astype(np.int32)
    lp.a_matrix_.index_ = a.indices.astype(np.int32)
    lp.a_matrix_.value_ = a.data.astype(float)
    lp.a_matrix_.num_col_ = model.n_cols
    lp.a_matrix_.num_row_ = model.n_rows
    integer = model.integrality
    if integer.any():
        lp.integrality_ = [
            highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous
            for i in integer
        ]
    build = time.perf_counter() - t0

    highs = highspy.Highs()
    highs.setOptionValue("output_flag", bool(options.verbose))
    if options.time_limit is not None:
        highs.setOptionValue("time_limit", float(options.time_limit))
    if options.mip_gap is not None:
        highs.setOptionValue("mip_rel_gap", float(options.mip_gap))
    if options.threads is not None:
        highs.setOptionValue("threads", int(options.threads))
    if options.method is not None:
        highs.setOptionValue("solver", _METHOD[options.method])
    for key, value in options.native.items():
        highs.setOptionValue(key, value)
    t1 = time.perf_counter()
    highs.passModel(lp)
    if options.warm_start is not None and not integer.any():
        highs.setBasis(options.warm_start)
    return highs, build, time.perf_counter() - t1


def read_result(highs, model: LinearModel, timings: Timings, backend: str) -> SolveResult:
    """Translate a ``Highs`` instance after ``run()`` into a :class:`SolveResult`."""
    status_name = highs.getModelStatus().name
    termination = _TERMINATION.get(status_name, TerminationCondition.UNKNOWN)
    info = highs.getInfo()
    has_primal = info.primal_solution_status == 2  # kSolutionStatusFeasible
    mip = model.is_mip
    if termination is TerminationCondition.OPTIMAL:
        status = SolutionStatus.OPTIMAL
    elif termination is TerminationCondition.INFEASIBLE:
        status = SolutionStatus.INFEASIBLE
    elif has_primal:
        status = SolutionStatus.FEASIBLE
    else:
        status = SolutionStatus.NO_SOLUTION
    x = duals = warm = None
    objective = bound = gap = None
    if status in (SolutionStatus.OPTIMAL, SolutionStatus.FEASIBLE):
        solution = highs.getSolution()
        x = np.asarray(solution.col_value, dtype=float)
        objective = float(info.objective_function_value)
        if mip:
            bound, gap = float(info.mip_dual_bound), float(info.mip_gap)
        else:
            gap = 0.0
            if solution.dual_valid:
                duals = split_rows(model, np.asarray(solution.row_dual, dtype=float))
            basis = highs.getBasis()
            warm = basis if basis.valid else None
    return SolveResult(
        backend=backend,
        termination=termination,
        status=status,
        objective=objective,
        x=x,
        duals=duals,
        columns=column_slices(model),
        bound=bound,
        gap=gap,
        timings=timings,
        message=highs.modelStatusToString(highs.getModelStatus()),
        warm_start=warm,
    )


def write(model: LinearModel, path: str) -> None:
    """Write ``model`` as an LP or MPS file (by the file's extension) through HiGHS."""
    highs, _, _ = load(model, SolveOptions())
    highs.writeModel(str(path))
