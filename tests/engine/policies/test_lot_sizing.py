"""Wagner–Whitin: stockpyl's textbook optima, stockpyl live on random horizons, and brute
force over every set of order periods."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from stockwise.engine.policies import wagner_whitin


def test_textbook(textbook):
    cases = textbook["wagner_whitin"]
    assert len(cases) == 2
    for case in cases:
        p = case["params"]
        got = wagner_whitin(p["demand"], p["fixed_cost"], p["holding_cost"])
        assert got.order_quantities.tolist() == case["result"]["order_quantities_by_period"]
        assert got.cost == pytest.approx(case["result"]["total_cost"], rel=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_random_horizons_match_stockpyl_and_brute_force(seed):
    from stockpyl.wagner_whitin import wagner_whitin as oracle

    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 9))
    demand = rng.integers(0, 200, n).astype(float).tolist()
    k, h = float(rng.uniform(20, 500)), float(rng.uniform(0.1, 3))
    got = wagner_whitin(demand, k, h)
    _, cost, _, _ = oracle(n, h, k, [0, *demand])
    assert got.cost == pytest.approx(cost, rel=1e-9)
    brute = min(_plan_cost(demand, k, h, orders) for orders in _order_sets(n))
    assert got.cost == pytest.approx(brute, rel=1e-12)
    assert got.order_quantities.sum() == pytest.approx(sum(demand))


def _order_sets(n):
    for mask in itertools.product([False, True], repeat=n - 1):
        yield (True, *mask)


def _plan_cost(demand, k, h, orders):
    cost, stock = 0.0, 0.0
    starts = [t for t, o in enumerate(orders) if o] + [len(demand)]
    for a, b in itertools.pairwise(starts):
        lot = sum(demand[a:b])
        cost += k if lot > 0 else 0.0
        for t in range(a, b):
            stock = lot - sum(demand[a : t + 1])
            cost += h * stock
    return cost
