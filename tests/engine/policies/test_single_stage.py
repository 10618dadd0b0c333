"""Newsvendor, EOQ and safety stock: stockpyl's textbook optima, hand-checked closed forms,
and brute force over the sample for the empirical newsvendor."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, stats

from stockwise.engine.policies import (
    eoq,
    eoq_all_units_discount,
    eoq_with_backorders,
    newsvendor,
    newsvendor_normal,
    newsvendor_profit,
    safety_stock,
)

REL = 1e-6


def test_newsvendor_normal_textbook(textbook):
    cases = textbook["newsvendor_normal"] + textbook["newsvendor_normal_with_lead_time"]
    assert len(cases) == 4
    for case in cases:
        p, want = case["params"], case["result"]
        got = newsvendor_normal(
            p["holding_cost"],
            p["stockout_cost"],
            p["demand_mean"],
            p["demand_sd"],
            lead_time=p.get("lead_time", 0),
        )
        assert got.base_stock_level == pytest.approx(want["base_stock_level"], rel=REL)
        assert got.expected_cost == pytest.approx(want["expected_cost"], rel=REL)


def test_newsvendor_profit_textbook(textbook):
    for case in textbook["newsvendor_normal_explicit_profit"]:
        p, want = case["params"], case["result"]
        q, profit = newsvendor_profit(
            p["revenue"],
            p["purchase_cost"],
            p["salvage_value"],
            stats.norm(p["demand_mean"], p["demand_sd"]),
        )
        assert q == pytest.approx(want["order_quantity"], rel=REL)
        assert profit == pytest.approx(want["expected_profit"], rel=REL)


def test_newsvendor_discrete_and_lognormal_textbook(textbook):
    (poisson,) = textbook["newsvendor_poisson"]
    got = newsvendor(0.18, 0.7, stats.poisson(poisson["params"]["demand_mean"]))
    assert got.base_stock_level == poisson["result"]["base_stock_level"]
    assert got.expected_cost == pytest.approx(poisson["result"]["expected_cost"], rel=REL)

    (custom,) = textbook["newsvendor_discrete_custom_pmf"]
    pmf = custom["params"]["demand_pmf"]
    values = np.array([int(k) for k in pmf])
    dist = stats.rv_discrete(values=(values, [pmf[k] for k in pmf]))
    p = custom["params"]
    got = newsvendor(p["holding_cost"], p["stockout_cost"], dist)
    assert got.base_stock_level == custom["result"]["base_stock_level"]
    assert got.expected_cost == pytest.approx(custom["result"]["expected_cost"], rel=REL)

    (logn,) = textbook["newsvendor_lognormal"]
    p = logn["params"]
    dist = stats.lognorm(p["sigma"], 0, math.exp(p["mu"]))
    got = newsvendor(p["holding_cost"], p["stockout_cost"], dist)
    assert got.base_stock_level == pytest.approx(logn["result"]["base_stock_level"], rel=REL)
    assert got.expected_cost == pytest.approx(logn["result"]["expected_cost"], rel=1e-5)


def test_newsvendor_normal_closed_form_by_hand():
    # h = 1, p = 3: ratio 0.75, z = 0.6744897501960817; S = 100 + 20 z;
    # cost = (h + p) σ φ(z) = 4 * 20 * 0.31777657...
    got = newsvendor_normal(1.0, 3.0, 100.0, 20.0)
    z = 0.6744897501960817
    assert got.base_stock_level == pytest.approx(100 + 20 * z, rel=1e-12)
    assert got.expected_cost == pytest.approx(
        4 * 20 * math.exp(-z * z / 2) / math.sqrt(2 * math.pi)
    )


@pytest.mark.parametrize("seed", range(5))
def test_empirical_newsvendor_is_the_best_sample_point(seed):
    rng = np.random.default_rng(seed)
    sample = rng.gamma(3.0, 10.0, size=301)
    h, p = rng.uniform(0.5, 2), rng.uniform(1, 10)
    got = newsvendor(h, p, sample)

    def cost(level):
        return np.mean(h * np.maximum(level - sample, 0) + p * np.maximum(sample - level, 0))

    brute = min(sample, key=cost)  # a piecewise-linear convex cost is least at a sample point
    assert got.base_stock_level == pytest.approx(brute)
    assert got.expected_cost == pytest.approx(cost(brute), rel=1e-12)


def test_sample_paths_sum_the_lead_time_periods():
    rng = np.random.default_rng(7)
    paths = rng.poisson(5.0, size=(400, 6)).astype(float)
    got = newsvendor(1.0, 4.0, paths, lead_time=2)
    assert got.base_stock_level == newsvendor(1.0, 4.0, paths[:, :3].sum(axis=1)).base_stock_level
    with pytest.raises(ValueError, match="lead_time 6 needs 7 periods"):
        newsvendor(1.0, 4.0, paths, lead_time=6)


def test_eoq_textbook_and_by_hand(textbook):
    (case,) = textbook["eoq"]
    p = case["params"]
    got = eoq(p["fixed_cost"], p["holding_cost"], p["demand_rate"])
    assert got.order_quantity == pytest.approx(case["result"]["Q"], rel=1e-12)
    assert got.cost == pytest.approx(case["result"]["cost"], rel=1e-12)
    # by hand: K = 50, λ = 1000, h = 4 -> Q = sqrt(25000) = 158.113883, cost = sqrt(400000)
    assert eoq(50, 4, 1000).order_quantity == pytest.approx(158.11388300841898)
    assert eoq(50, 4, 1000).cost == pytest.approx(632.4555320336759)
    (back,) = textbook["eoq_with_backorders"]
    p = back["params"]
    got = eoq_with_backorders(
        p["fixed_cost"], p["holding_cost"], p["stockout_cost"], p["demand_rate"]
    )
    assert got.order_quantity == pytest.approx(back["result"]["Q"], rel=1e-12)
    assert got.stockout_fraction == pytest.approx(back["result"]["stockout_fraction"], rel=1e-12)
    assert got.cost == pytest.approx(back["result"]["cost"], rel=1e-12)


@pytest.mark.parametrize("seed", range(8))
def test_all_units_discount_matches_stockpyl(seed):
    from stockpyl.eoq import economic_order_quantity_with_all_units_discounts as oracle

    rng = np.random.default_rng(seed)
    breaks = [0.0] + sorted(rng.uniform(50, 2000, size=3).round().tolist())
    prices = sorted(rng.uniform(1, 10, size=4).round(2).tolist(), reverse=True)
    k, rate, lam = rng.uniform(5, 500), rng.uniform(0.05, 0.4), rng.uniform(100, 5000)
    q, _, cost = oracle(k, rate, lam, breaks, prices)
    got = eoq_all_units_discount(k, rate, lam, breaks, prices)
    assert got.cost == pytest.approx(cost, rel=1e-12)
    assert got.order_quantity == pytest.approx(q, rel=1e-12)


def test_safety_stock_cycle_service_by_hand():
    # μ = 100, σ = 20 per period, L = 4: σ_L = 40, z_0.95 = 1.6448536, SS = 65.794
    got = safety_stock(0.95, 100, 20, 4)
    assert got.protection_sd == pytest.approx(40.0)
    assert got.safety_stock == pytest.approx(1.6448536269514722 * 40)
    assert got.reorder_point == pytest.approx(400 + 1.6448536269514722 * 40)
    # lead-time sd 1 adds μ² σ_L² = 10000: σ = sqrt(4·400 + 10000) = sqrt(11600)
    got = safety_stock(0.95, 100, 20, 4, 1.0)
    assert got.protection_sd == pytest.approx(math.sqrt(11600))
    # periodic review R = 1 protects L + R = 5 periods
    got = safety_stock(0.9, 100, 20, 4, review_period=1)
    assert got.protection_mean == pytest.approx(500)
    assert got.protection_sd == pytest.approx(20 * math.sqrt(5))


def test_safety_stock_fill_rate_leaves_the_target_shortage():
    # E[(X - r)^+] for X ~ N(mean, sd), integrated directly, must equal (1 - β) Q
    beta, q = 0.98, 300.0
    got = safety_stock(beta, 100, 20, 4, 0.5, service="fill_rate", order_quantity=q)
    mean, sd = got.protection_mean, got.protection_sd
    shortage, _ = integrate.quad(
        lambda x: (x - got.reorder_point) * stats.norm.pdf(x, mean, sd),
        got.reorder_point,
        mean + 12 * sd,
    )
    assert shortage == pytest.approx((1 - beta) * q, rel=1e-8)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: newsvendor(-1, 2, stats.norm(5, 1)), "holding_cost must be a positive"),
        (lambda: eoq(10, 0, 5), "holding_cost must be a positive"),
        (lambda: safety_stock(1.2, 10, 2, 1), "service_level must lie strictly"),
        (lambda: safety_stock(0.9, 10, 2, 1, service="fill_rate"), "order_quantity"),
        (
            lambda: eoq_all_units_discount(10, 0.2, 100, [0, 50], [2.0, 3.0]),
            "must not increase",
        ),
        (lambda: newsvendor(1, 2, np.ones((2, 2, 2))), "1-D sample or 2-D paths"),
    ],
)
def test_bad_parameters_say_which_and_why(call, message):
    with pytest.raises(ValueError, match=message):
        call()
