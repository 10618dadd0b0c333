"""Every backend against the library of hand-solved problems (cvxpy's solver_test_helpers)."""

from __future__ import annotations

import numpy as np
import pytest

from stockwise.solvers import (
    SolutionStatus,
    SolveOptions,
    SolverError,
    TerminationCondition,
    available,
    capabilities,
    solve,
)
from tests.solvers.problems import PROBLEMS, fixed_charge, production_mix

BACKENDS = ["highs", "pyomo", "ortools", "scipy"]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("problem", PROBLEMS, ids=lambda p: p.name)
def test_backend_matches_known_optimum(backend, problem):
    result = solve(problem.build(), backend)
    if problem.objective is None:
        assert result.termination in (
            TerminationCondition.INFEASIBLE,
            TerminationCondition.INFEASIBLE_OR_UNBOUNDED,
        )
        assert not result.has_solution
        with pytest.raises(SolverError, match="no solution"):
            result.raise_for_status()
        return
    assert result.termination is TerminationCondition.OPTIMAL
    assert result.status is SolutionStatus.OPTIMAL
    assert result.objective == pytest.approx(problem.objective, abs=1e-6)
    for block, values in problem.primal.items():
        np.testing.assert_allclose(result.values(block), values, atol=1e-6)
    for block, values in problem.duals.items():
        np.testing.assert_allclose(result.dual(block), values, atol=1e-6)
    assert result.gap == pytest.approx(0.0, abs=1e-6)
    assert result.timings.total >= result.timings.engine >= 0


def test_every_declared_backend_is_installed_here():
    assert available() == BACKENDS
    assert set(capabilities()) == set(BACKENDS)


def test_fixed_integer_lp_gives_mip_duals():
    # With open fixed at 1, the LP is min ship s.t. ship >= 3.5, ship <= 5: need's dual is 1.
    model = fixed_charge()
    mip = solve(model).raise_for_status()
    assert mip.duals is None
    lp = solve(model.with_fixed_integers(mip.x)).raise_for_status()
    assert lp.objective == pytest.approx(13.5)
    np.testing.assert_allclose(lp.dual("need"), [1.0])
    np.testing.assert_allclose(lp.dual("capacity"), [0.0])


def test_backend_names_and_aliases():
    assert solve(production_mix(), "highs-direct").backend == "highs"
    assert solve(production_mix(), "pyomo:appsi_highs").backend == "pyomo:appsi_highs"
    with pytest.raises(SolverError, match="unknown solver backend 'gurobi-x'"):
        solve(production_mix(), "gurobi-x")
    with pytest.raises(SolverError, match="only the pyomo backend"):
        solve(production_mix(), "scipy:foo")


@pytest.mark.parametrize("backend", ["highs", "scipy"])
def test_interior_point_gives_the_same_optimum(backend):
    result = solve(production_mix(), backend, SolveOptions(method="ipm"))
    assert result.objective == pytest.approx(36.0)
    np.testing.assert_allclose(result.dual("hours"), [2.25, 0.25], atol=1e-6)


def test_pdlp_on_ortools_reaches_the_optimum_approximately():
    result = solve(production_mix(), "ortools", SolveOptions(method="pdlp"))
    assert result.backend == "ortools:pdlp"
    assert result.objective == pytest.approx(36.0, rel=1e-4)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"time_limit": 0}, "time_limit must be positive"),
        ({"mip_gap": 1.5}, r"mip_gap must be in \[0, 1\)"),
        ({"threads": 0}, "threads must be at least 1"),
        ({"method": "barrier"}, "method must be simplex, ipm, pdlp"),
    ],
)
def test_bad_options_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        SolveOptions(**kwargs)
