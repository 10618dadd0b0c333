"""Budgeted base-stock SAA: the LP (HiGHS through stockwise.solvers) and the knapsack fast
path agree on optimum and shadow prices; duals match finite differences; the single-stage
LP converges to the newsvendor optimum as the sample grows."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from stockwise.engine.policies import newsvendor
from stockwise.engine.policies.saa import (
    SAAProblem,
    TargetsUnreachable,
    minimum_budget,
    optimize_base_stock,
)


def _problem(seed, cells=12, scenarios=30) -> SAAProblem:
    rng = np.random.default_rng(seed)
    return SAAProblem(
        rng.gamma(2.0, 10.0, size=(cells, scenarios)),
        rng.uniform(0.5, 2, cells),
        rng.uniform(5, 20, cells),
        rng.uniform(5, 50, cells),
        rng.uniform(10, 30, cells),
        weights=rng.dirichlet(np.ones(scenarios)),
    )


@pytest.mark.parametrize(
    "settings",
    [
        {"budget": 0.5},
        {"budget": 0.5, "fill_rate": 0.85},
        {"budget": 0.3, "fill_rate": 0.85, "objective": "shortage"},
        {"fill_rate": 0.95},
        {"budget": 0.7, "floor": "quantile"},
        {},
    ],
    ids=["budget", "budget+fill", "shortage", "fill", "floor", "free"],
)
@pytest.mark.parametrize("seed", range(3))
def test_lp_and_knapsack_agree(seed, settings):
    problem = _problem(seed)
    settings = dict(settings)
    if settings.get("floor") == "quantile":
        settings["floor"] = np.quantile(problem.demand, 0.6, axis=1)
    if "budget" in settings:  # a share of the way from the least feasible to the free optimum
        targets = {k: settings[k] for k in ("fill_rate", "floor") if k in settings}
        low = minimum_budget(problem, targets.get("fill_rate"), targets.get("floor"))
        high = optimize_base_stock(problem, **targets).investment
        settings["budget"] = low + settings["budget"] * (high - low)
    lp = optimize_base_stock(problem, method="lp", **settings)
    fast = optimize_base_stock(problem, **settings)
    assert fast.expected_cost == pytest.approx(lp.expected_cost, rel=1e-7)
    assert fast.expected_shortage == pytest.approx(lp.expected_shortage, rel=1e-6, abs=1e-9)
    assert fast.investment == pytest.approx(lp.investment, rel=1e-7, abs=1e-7)
    if "budget" in settings:
        assert fast.budget_shadow_price == pytest.approx(lp.budget_shadow_price, rel=1e-5, abs=1e-9)
    np.testing.assert_allclose(
        fast.service_shadow_price, lp.service_shadow_price, rtol=1e-4, atol=1e-6
    )
    if "fill_rate" in settings:
        assert (fast.fill_rate >= settings["fill_rate"] - 1e-9).all()
    if "floor" in settings:
        assert (fast.base_stock >= settings["floor"] - 1e-9).all()


def test_budget_shadow_price_is_the_finite_difference():
    problem = _problem(11)
    budget = _between(problem, 0.8, 0.4)
    step = 1.0
    base = optimize_base_stock(problem, budget=budget, fill_rate=0.8)
    more = optimize_base_stock(problem, budget=budget + step, fill_rate=0.8)
    assert (more.expected_cost - base.expected_cost) / step == pytest.approx(
        base.budget_shadow_price, rel=0.05
    )
    assert base.budget_shadow_price < 0
    assert base.investment == pytest.approx(budget)


def _between(problem, fill_rate, share):
    low = minimum_budget(problem, fill_rate)
    return low + share * (optimize_base_stock(problem, fill_rate=fill_rate).investment - low)


def test_service_shadow_price_is_the_finite_difference():
    problem = _problem(12)
    cell = int(np.argmax(optimize_base_stock(problem, fill_rate=0.97).service_shadow_price))
    targets = np.full(problem.n_cells, np.nan)
    targets[cell] = 0.97
    budget = _between(problem, targets, 0.5)
    base = optimize_base_stock(problem, budget=budget, fill_rate=targets)
    targets[cell] += 1e-4
    more = optimize_base_stock(problem, budget=budget, fill_rate=targets)
    slope = (more.expected_cost - base.expected_cost) / 1e-4
    assert base.service_shadow_price[cell] > 0
    assert slope == pytest.approx(base.service_shadow_price[cell], rel=0.05)


@pytest.mark.parametrize("method", ["lp", "greedy"])
def test_single_stage_converges_to_the_newsvendor(method):
    h, p = 1.0, 9.0
    truth = stats.gamma(4.0, scale=25.0)
    optimum = truth.ppf(p / (p + h))
    rng = np.random.default_rng(2024)
    density = truth.pdf(optimum)
    errors = []
    for n in (101, 1001, 10001):  # 0.9 n not whole: the sample quantile is unique
        sample = truth.rvs(size=n, random_state=rng)
        problem = SAAProblem(sample[None, :], h, p, 1.0, truth.mean())
        got = optimize_base_stock(problem, method=method).base_stock[0]
        # the SAA optimum is the sample quantile ...
        assert got == pytest.approx(newsvendor(h, p, sample).base_stock_level, rel=1e-7)
        # ... whose sampling sd is sqrt(α(1-α)/n) / f(q)
        sd = np.sqrt(0.9 * 0.1 / n) / density
        assert abs(got - optimum) < 4 * sd
        errors.append(abs(got - optimum))
    assert errors[-1] < 4 * np.sqrt(0.9 * 0.1 / 10001) / density


def test_unreachable_targets_say_what_budget_they_need():
    problem = _problem(3)
    need = minimum_budget(problem, 0.95)
    with pytest.raises(
        TargetsUnreachable, match="need an expected on-hand inventory value of"
    ) as info:
        optimize_base_stock(problem, budget=0.5 * need, fill_rate=0.95)
    assert info.value.required_budget == pytest.approx(need)
    with pytest.raises(TargetsUnreachable) as lp_info:
        optimize_base_stock(problem, budget=0.5 * need, fill_rate=0.95, method="lp")
    assert lp_info.value.required_budget == pytest.approx(need)
    # exactly the required budget is enough
    at_need = optimize_base_stock(problem, budget=need * (1 + 1e-9), fill_rate=0.95)
    assert (at_need.fill_rate >= 0.95 - 1e-7).all()


def test_bad_problem_data_is_named():
    with pytest.raises(ValueError, match="cells x scenarios"):
        SAAProblem(np.ones(3), 1.0, 2.0, 1.0, 1.0)
    with pytest.raises(ValueError, match="stockout_cost must be finite and non-negative"):
        SAAProblem(np.ones((2, 3)), 1.0, -2.0, 1.0, 1.0)
    with pytest.raises(ValueError, match="weights must be 3"):
        SAAProblem(np.ones((2, 3)), 1.0, 2.0, 1.0, 1.0, weights=np.ones(3))
    problem = SAAProblem(np.ones((2, 3)), 1.0, 2.0, 1.0, 1.0, names=("A at X", "B at X"))
    with pytest.raises(ValueError, match="fill_rate for B at X"):
        optimize_base_stock(problem, fill_rate=np.array([0.5, 1.5]))
    with pytest.raises(ValueError, match="method must be"):
        optimize_base_stock(problem, method="magic")
