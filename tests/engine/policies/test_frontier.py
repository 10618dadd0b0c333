"""The efficient frontier is monotone: a larger budget never lowers the best fill rate nor
raises the least cost; a higher target never needs less investment (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from stockwise.engine.policies.frontier import budget_frontier, plot_frontier, target_frontier
from stockwise.engine.policies.saa import SAAProblem


def _problem(seed: int, cells: int, scenarios: int) -> SAAProblem:
    rng = np.random.default_rng(seed)
    return SAAProblem(
        rng.gamma(1.5, 8.0, size=(cells, scenarios)),
        rng.uniform(0.2, 2, cells),
        rng.uniform(2, 30, cells),
        rng.uniform(1, 40, cells),
        rng.uniform(5, 20, cells),
    )


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    cells=st.integers(1, 8),
    scenarios=st.integers(2, 25),
    budgets=st.lists(st.floats(0, 5000), min_size=2, max_size=6),
)
def test_budget_frontier_is_monotone(seed, cells, scenarios, budgets):
    table = budget_frontier(_problem(seed, cells, scenarios), sorted(budgets))
    assert (np.diff(table["max_fill_rate"]) >= -1e-9).all()
    assert (np.diff(table["min_expected_cost"]) <= 1e-7 * table["min_expected_cost"].max()).all()
    assert (table["investment_at_max_fill_rate"] <= table["budget"] * (1 + 1e-9) + 1e-9).all()
    assert (table["cost_budget_shadow_price"] <= 1e-12).all()


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), targets=st.lists(st.floats(0.0, 0.99), min_size=2, max_size=5))
def test_target_frontier_is_monotone(seed, targets):
    table = target_frontier(_problem(seed, 5, 20), sorted(targets))
    assert (np.diff(table["min_investment"]) >= -1e-7).all()
    assert (np.diff(table["min_expected_cost"]) >= -1e-7).all()


def test_default_sweep_spans_no_stock_to_the_cost_optimum(tmp_path):
    problem = _problem(5, 6, 40)
    table = budget_frontier(problem, points=5)
    assert len(table) == 5
    assert table["budget"].iloc[0] == 0.0
    assert table["cost_budget_shadow_price"].iloc[-1] == 0.0  # the optimum needs no more
    path = plot_frontier(table, tmp_path / "frontier.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
