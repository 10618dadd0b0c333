"""Dantzig–Wolfe decomposition against the whole LP solved by HiGHS and against LP duality.

Random block-angular LPs: each group is a small transportation-like LP (its own rows),
a few linking rows (a shared budget, shared capacities) tie the groups together, and a
master column (a shared slack) appears only in linking rows. Independent truths: the
optimum of the whole LP from HiGHS, and the LP duality certificate of the decomposed
answer (primal feasible, reduced costs of the right sign, dual objective = primal).
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from stockwise.solvers import (
    LinearModel,
    SolutionStatus,
    SolveOptions,
    SolverError,
    TerminationCondition,
    solve,
)
from stockwise.solvers.decomposition import complete_groups, solve_by_blocks


def block_lp(seed: int, n_groups: int = 4, budget: float = 0.6, sense: str = "minimize"):
    """A random block-angular LP and its column groups.

    Group g buys ``x`` (4 columns, unit costs c) to meet a demand row ``sum x >= d``, with
    an auxiliary column ``a = 0.5 * sum x`` on a row of its own (a column whose group must
    be inferred); linking rows: a budget on ``sum p x`` (``budget`` of the way from the
    least any plan can spend to what the cheapest plan spends) that an overtime column
    (master column, cost 3) can stretch by up to 5, and a capacity on the first column of
    every group.
    """
    rng = np.random.default_rng(seed)
    n = 4
    m = LinearModel("blocks", sense=sense)
    sign = -1.0 if sense == "maximize" else 1.0
    cost = rng.uniform(1, 5, (n_groups, n))
    price = rng.uniform(1, 3, (n_groups, n))
    demand = rng.uniform(5, 15, n_groups)
    x = m.add_variables("buy", n_groups * n, ub=20.0, cost=sign * cost.ravel())
    aux = m.add_variables("aux", n_groups, cost=sign * 0.1)
    over = m.add_variables("overtime", 1, ub=5.0, cost=sign * 3.0)
    blocks = sp.kron(sp.eye(n_groups), np.ones((1, n)))
    m.add_constraints("demand", {x: sp.csr_array(blocks)}, lower=demand)
    m.add_constraints(
        "aux_def", {x: sp.csr_array(0.5 * blocks), aux: -sp.eye(n_groups)}, lower=0, upper=0
    )
    least = demand @ price.min(axis=1)
    cheapest_plan = demand @ price[np.arange(n_groups), cost.argmin(axis=1)]
    m.add_constraints(
        "budget",
        {x: sp.csr_array(price.reshape(1, -1)), over: sp.csr_array([[-1.0]])},
        upper=least + budget * (cheapest_plan - least),
    )
    first = np.zeros((1, n_groups * n))
    first[0, ::n] = 1.0
    m.add_constraints("first_cap", {x: sp.csr_array(first)}, upper=demand.sum() / 3)
    groups = np.full(m.n_cols, -1)
    groups[x.slice] = np.repeat(np.arange(n_groups), n)
    return m, groups


def certificate_gap(model: LinearModel, x: np.ndarray, duals: dict[str, np.ndarray]) -> float:
    """|primal - dual objective| of a minimisation from the row duals (duals in the model's
    own sense, ``∂objective/∂bound``), after checking reduced costs' signs at the bounds."""
    sign = -1.0 if model.sense == "maximize" else 1.0
    y = sign * np.concatenate([duals[name] for name in model.constraints])
    c = sign * model.cost
    z = c - model.matrix().T @ y
    lo, up = model.col_lower, model.col_upper
    assert np.all(z[np.isinf(up)] >= -1e-6)  # z < 0 needs a finite upper bound
    rl, ru = model.row_lower, model.row_upper
    dual_obj = np.where(y > 0, np.where(np.isfinite(rl), rl, 0) * y, 0).sum()
    dual_obj += np.where(y < 0, np.where(np.isfinite(ru), ru, 0) * y, 0).sum()
    dual_obj += np.where(z > 0, lo * z, 0).sum()
    dual_obj += np.where(z < 0, np.where(np.isfinite(up), up, 0) * z, 0).sum()
    return abs(c @ x - dual_obj)


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("sense", ["minimize", "maximize"])
def test_same_optimum_as_the_whole_lp_and_a_duality_certificate(seed, sense):
    model, groups = block_lp(seed, sense=sense)
    whole = solve(model, "highs").raise_for_status()
    parts = solve_by_blocks(model, complete_groups(model, groups)).raise_for_status()
    assert parts.termination is TerminationCondition.OPTIMAL
    assert parts.objective == pytest.approx(whole.objective, rel=1e-7)
    ax = model.matrix() @ parts.x
    assert np.all(ax >= model.row_lower - 1e-7) and np.all(ax <= model.row_upper + 1e-7)
    assert np.all(parts.x >= model.col_lower - 1e-9) and np.all(parts.x <= model.col_upper + 1e-9)
    assert certificate_gap(model, parts.x, parts.duals) < 1e-6 * max(1, abs(whole.objective))


def test_the_linking_rows_bind_and_their_prices_match_the_whole_lp():
    """The case where decomposition has work to do: budget and capacity both bind."""
    model, groups = block_lp(3, n_groups=6, budget=0.3)
    whole = solve(model, "highs").raise_for_status()
    parts = solve_by_blocks(model, complete_groups(model, groups)).raise_for_status()
    assert whole.dual("budget")[0] < -1e-6  # binding: the test is not vacuous
    assert parts.objective == pytest.approx(whole.objective, rel=1e-7)
    assert parts.dual("budget") == pytest.approx(whole.dual("budget"), rel=1e-5, abs=1e-7)
    assert "round" in parts.message and not parts.message.startswith("6 groups, 0 linking")


def test_auxiliary_columns_join_their_group_and_shared_ones_stay_in_the_master():
    model, groups = block_lp(0)
    full = complete_groups(model, groups)
    aux = model.variables["aux"].slice
    np.testing.assert_array_equal(full[aux], np.arange(4))
    assert full[model.variables["overtime"].slice][0] == -1


def test_workers_give_the_same_answer():
    model, groups = block_lp(5, budget=0.3)
    groups = complete_groups(model, groups)
    one = solve_by_blocks(model, groups)
    two = solve_by_blocks(model, groups, workers=2)
    assert two.objective == pytest.approx(one.objective, rel=1e-9)
    np.testing.assert_allclose(two.x, one.x, atol=1e-9)


def unbounded_groups_lp(n_groups: int = 3, most: float = 3.0, keep_cost: float = 0.1):
    """Groups whose own LP is unbounded (``buy`` and ``keep`` grow together without end)
    and that only a linking row bounds: each group buys at least its demand, ``buy - keep
    = d``, and all together buy between twice and ``most`` times the total demand. Round 1
    proposals (each group's own optimum) buy too little, and phase I prices ``buy`` alone
    (no cost): each pricing LP is unbounded and proposes a ray."""
    rng = np.random.default_rng(0)
    d = rng.uniform(2, 5, n_groups)
    m = LinearModel("rays")
    buy = m.add_variables("buy", n_groups, ub=np.inf, cost=rng.uniform(1, 2, n_groups))
    keep = m.add_variables("keep", n_groups, ub=np.inf, cost=keep_cost)
    eye = sp.csr_array(sp.eye(n_groups))
    m.add_constraints("demand", {buy: eye, keep: -eye}, lower=d, upper=d)
    m.add_constraints(
        "total",
        {buy: sp.csr_array(np.ones((1, n_groups)))},
        lower=2 * d.sum(),
        upper=most * d.sum(),
    )
    return m, np.tile(np.arange(n_groups), 2)


def test_groups_unbounded_on_their_own_propose_rays():
    model, groups = unbounded_groups_lp()
    whole = solve(model, "highs").raise_for_status()
    parts = solve_by_blocks(model, groups).raise_for_status()
    assert parts.termination is TerminationCondition.OPTIMAL
    assert parts.objective == pytest.approx(whole.objective, rel=1e-7)
    ax = model.matrix() @ parts.x
    assert np.all(ax >= model.row_lower - 1e-7) and np.all(ax <= model.row_upper + 1e-7)
    assert certificate_gap(model, parts.x, parts.duals) < 1e-6 * max(1, abs(whole.objective))


def test_an_unbounded_lp_is_reported_as_unbounded():
    model, groups = unbounded_groups_lp(most=np.inf, keep_cost=-5.0)  # keeping pays, no end
    assert solve(model, "highs").termination in {
        TerminationCondition.UNBOUNDED,
        TerminationCondition.INFEASIBLE_OR_UNBOUNDED,
    }
    result = solve_by_blocks(model, groups)
    assert result.termination is TerminationCondition.UNBOUNDED and not result.has_solution


def test_plain_column_generation_without_smoothing_gives_the_same_answer():
    model, groups = block_lp(3, n_groups=6, budget=0.3)
    groups = complete_groups(model, groups)
    whole = solve(model, "highs").raise_for_status()
    plain = solve_by_blocks(model, groups, smoothing=0.0).raise_for_status()
    assert plain.termination is TerminationCondition.OPTIMAL
    assert plain.objective == pytest.approx(whole.objective, rel=1e-7)
    assert certificate_gap(model, plain.x, plain.duals) < 1e-6 * max(1, abs(whole.objective))


def test_infeasible_linking_rows_are_reported_as_infeasible():
    model, groups = block_lp(1)
    tight = model.with_row_bounds("budget", upper=[1.0])  # cannot buy the demand
    result = solve_by_blocks(tight, complete_groups(tight, groups))
    assert result.termination is TerminationCondition.INFEASIBLE
    assert result.status is SolutionStatus.INFEASIBLE and not result.has_solution
    assert solve(tight, "highs").termination is TerminationCondition.INFEASIBLE


def test_an_infeasible_group_makes_the_lp_infeasible():
    model, groups = block_lp(2)
    bad = model.with_row_bounds("demand", lower=[1e3, 5, 5, 5])  # more than 4 x 20 can buy
    result = solve_by_blocks(bad, complete_groups(bad, groups))
    assert result.termination is TerminationCondition.INFEASIBLE


def test_integers_are_refused():
    model, groups = block_lp(0)
    model.add_variables("setup", 1, ub=1, integer=True)
    with pytest.raises(SolverError, match="LPs only"):
        solve_by_blocks(model, np.append(groups, -1))


def test_groups_must_cover_every_column():
    model, groups = block_lp(0)
    with pytest.raises(ValueError, match="one entry per column"):
        solve_by_blocks(model, groups[:-1], SolveOptions())
