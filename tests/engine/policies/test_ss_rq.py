"""(s, S) and (r, Q): stockpyl's textbook optima and stockpyl run live on random instances."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from stockwise.engine.policies import (
    SSCost,
    rq_normal,
    rq_normal_cost,
    rq_poisson,
    ss_optimal,
    ss_power_approximation,
)

EXACT = 1e-9


def test_ss_textbook_optimum_and_cost_grid(textbook):
    cases = textbook["sS_exact_poisson_zheng_federgruen"]
    assert len(cases) == 2
    for case in cases:
        p, want = case["params"], case["result"]
        demand = stats.poisson(p["demand_mean"])
        got = ss_optimal(p["holding_cost"], p["stockout_cost"], p["fixed_cost"], demand)
        assert (got.reorder_point, got.order_up_to) == (want["s"], want["S"])
        assert got.expected_cost == pytest.approx(want["expected_cost_per_period"], rel=EXACT)
        cost = SSCost(p["holding_cost"], p["stockout_cost"], p["fixed_cost"], demand)
        for key, value in want["cost_grid_s_S"].items():
            s, big_s = (int(v) for v in key.split(","))
            assert cost(s, big_s) == pytest.approx(value, rel=EXACT)


@pytest.mark.parametrize("seed", range(6))
def test_ss_matches_stockpyl_on_random_instances(seed):
    from stockpyl.ss import s_s_discrete_exact

    rng = np.random.default_rng(seed)
    h, p, k = rng.uniform(0.5, 3), rng.uniform(2, 30), rng.uniform(1, 80)
    mean = rng.uniform(1, 12)
    s, big_s, cost = s_s_discrete_exact(h, p, k, True, mean)
    got = ss_optimal(h, p, k, stats.poisson(mean))
    assert got.expected_cost == pytest.approx(cost, rel=EXACT)
    assert (got.reorder_point, got.order_up_to) == (s, big_s)


def test_ss_with_custom_pmf_matches_stockpyl():
    from stockpyl.ss import s_s_discrete_exact

    pmf = np.array([0.1, 0.2, 0.3, 0.15, 0.1, 0.1, 0.05])
    padded = np.pad(pmf, (0, 30))  # stockpyl indexes the pmf up to S - s
    s, big_s, cost = s_s_discrete_exact(
        1.0, 9.0, 20.0, False, demand_hi=padded.size - 1, demand_pmf=list(padded)
    )
    got = ss_optimal(1.0, 9.0, 20.0, pmf)
    assert (got.reorder_point, got.order_up_to) == (s, big_s)
    assert got.expected_cost == pytest.approx(cost, rel=EXACT)


def test_ss_optimum_beats_every_neighbour_with_lead_time():
    # exactness check without an oracle: no (s, S) in a wide window does better
    cost = SSCost(1.0, 9.0, 30.0, stats.poisson(4.0), lead_time=2)
    best = ss_optimal(1.0, 9.0, 30.0, stats.poisson(4.0), lead_time=2)
    grid = [
        cost(s, big_s)
        for s in range(best.reorder_point - 8, best.reorder_point + 9)
        for big_s in range(s + 1, best.order_up_to + 12)
    ]
    assert best.expected_cost == pytest.approx(min(grid), rel=EXACT)


def test_rq_poisson_textbook(textbook):
    cases = textbook["rQ_exact_poisson_federgruen_zheng"]
    assert len(cases) == 2
    for case in cases:
        p, want = case["params"], case["result"]
        got = rq_poisson(
            p["holding_cost"], p["stockout_cost"], p["fixed_cost"], p["demand_mean"], p["lead_time"]
        )
        assert (got.reorder_point, got.order_quantity) == (want["r"], want["Q"])
        assert got.expected_cost == pytest.approx(want["expected_cost_per_unit_time"], rel=EXACT)


@pytest.mark.parametrize("seed", range(6))
def test_rq_poisson_matches_stockpyl_on_random_instances(seed):
    from stockpyl.rq import r_q_poisson_exact

    rng = np.random.default_rng(100 + seed)
    args = (
        rng.uniform(1, 20),
        rng.uniform(20, 200),
        rng.uniform(5, 150),
        rng.uniform(0.5, 8),
        rng.uniform(0.2, 3),
    )
    r, q, cost = r_q_poisson_exact(*args)
    got = rq_poisson(*args)
    assert (got.reorder_point, got.order_quantity) == (r, q)
    assert got.expected_cost == pytest.approx(cost, rel=EXACT)


def test_rq_normal_textbook(textbook):
    cases = textbook["rQ_normal"]
    assert len(cases) == 3
    for case in cases:
        p = case["params"]
        want = case["result"]["numerical_optimum_of_exact_r_q_cost"]
        args = (
            p["holding_cost"],
            p["stockout_cost"],
            p["fixed_cost"],
            p["demand_mean"],
            p["demand_sd"],
            p["lead_time"],
        )
        got = rq_normal(*args)
        # r can sit near 0 (problem 5.1: r = -1.99), so compare on the scale of Q
        assert got.reorder_point == pytest.approx(want["r"], abs=1e-6 * want["Q"])
        assert got.order_quantity == pytest.approx(want["Q"], rel=1e-6)
        assert got.expected_cost == pytest.approx(want["cost"], rel=EXACT)


@pytest.mark.parametrize("seed", range(4))
def test_rq_normal_cost_matches_stockpyl_quadrature(seed):
    from stockpyl.rq import r_q_cost

    rng = np.random.default_rng(200 + seed)
    args = (
        rng.uniform(0.1, 3),
        rng.uniform(5, 60),
        rng.uniform(5, 100),
        rng.uniform(100, 2000),
        rng.uniform(10, 200),
        rng.uniform(0.05, 2),
    )
    r, q = rng.uniform(0, 500), rng.uniform(20, 600)
    assert rq_normal_cost(r, q, *args) == pytest.approx(r_q_cost(r, q, *args), rel=1e-8)
    best = rq_normal(*args)
    for dr, dq in [(1, 0), (-1, 0), (0, 1), (0, -1)]:
        assert best.expected_cost <= rq_normal_cost(
            best.reorder_point + dr, best.order_quantity + dq, *args
        )


def test_ss_power_approximation_textbook(textbook):
    cases = textbook["sS_power_approximation_normal"]
    assert len(cases) == 2
    for case in cases:
        p = case["params"]
        s, big_s = ss_power_approximation(
            p["holding_cost"], p["stockout_cost"], p["fixed_cost"], p["demand_mean"], p["demand_sd"]
        )
        assert s == pytest.approx(case["result"]["s"], rel=1e-12)
        assert big_s == pytest.approx(case["result"]["S"], rel=1e-12)
