"""One small interface over HiGHS (direct and through Pyomo), OR-Tools and SciPy.

Describe a model once as arrays, solve it with any backend, read a typed result::

    import numpy as np, scipy.sparse as sp
    from stockwise.solvers import LinearModel, SolveOptions, solve

    m = LinearModel("mix", sense="maximize")
    x = m.add_variables("make", 2, lb=0.0, cost=[3.0, 5.0], labels=["chairs", "tables"])
    m.add_constraints("hours", {x: sp.csr_array([[1.0, 2.0], [3.0, 2.0]])},
                      upper=[14.0, 18.0], labels=["carpentry", "finishing"])
    result = solve(m, "highs", SolveOptions(time_limit=10)).raise_for_status()
    result.objective          # 36.0
    result.values("make")     # array([2., 6.])
    result.dual("hours")      # array([2.25, 0.25]): ∂objective / ∂(hours available)

Public API
----------
``LinearModel``: ``add_variables(name, size, lb, ub, cost, integer, labels)`` and
``add_constraints(name, {block: sparse}, lower, upper, labels)``; ``with_fixed_integers(x)``
gives the LP whose duals price a MIP solution.
``solve(model, backend="highs", options=SolveOptions(...))`` → ``SolveResult``.
``SolveOptions(time_limit, mip_gap, threads, verbose, method, native)``.
``SolveResult``: ``termination`` (:class:`TerminationCondition`), ``status``
(:class:`SolutionStatus`), ``objective``, ``x``, ``values(block)``, ``dual(block)``, ``gap``,
``bound``, ``timings`` (build / handoff / engine seconds), ``raise_for_status()``.
``SolverError``: the one error type. ``available()``, ``capabilities()``: what is installed
and what each backend can do. ``write_model(model, "m.lp")``: LP/MPS export with readable
names (through Pyomo).

Backends: ``highs`` (highspy, from the arrays; the default and fastest), ``pyomo`` (a Pyomo
``ConcreteModel`` with readable names, solved by ``appsi_highs``; ``pyomo:<name>`` for any
other Pyomo solver), ``ortools`` (GLOP / PDLP for LPs, CP-SAT for pure-integer models, SCIP
for MIPs), ``scipy`` (``linprog`` / ``milp``).

Duals follow one convention everywhere: ``∂objective / ∂(row bound)`` in the model's own
sense, so a binding budget row of a cost minimisation has a dual ≤ 0.
"""

from stockwise.solvers.backends.pyomo import to_pyomo, write_model
from stockwise.solvers.model import ConstraintBlock, LinearModel, Sense, VariableBlock
from stockwise.solvers.registry import available, capabilities, get_backend, solve
from stockwise.solvers.results import (
    SolutionStatus,
    SolveOptions,
    SolverError,
    SolveResult,
    TerminationCondition,
    Timings,
)

__all__ = [
    "ConstraintBlock",
    "LinearModel",
    "Sense",
    "SolutionStatus",
    "SolveOptions",
    "SolveResult",
    "SolverError",
    "TerminationCondition",
    "Timings",
    "VariableBlock",
    "available",
    "capabilities",
    "get_backend",
    "solve",
    "to_pyomo",
    "write_model",
]
