"""Simulated long-run costs against exact results (stockpyl reference optima).

Each test simulates many independent replications after a warm-up and checks that the
exact expected cost per period lies in the 99 % Student-t interval over replications.
Timing convention: an order placed at the end of period t on a lane with lead time L
arrives at the start of t + L, so a stockpyl single-stage lead time L is our L + 1, and
the serial-system lead times are the same as Snyder & Shen's.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy import stats

from stockwise.engine.policy import RQ, RS, SS, BaseStock
from stockwise.engine.simulation import pack, simulate
from stockwise.engine.simulation.result import interval
from stockwise.scenarios import from_distribution
from tests.engine.simulation.instances import serial, with_local_holding
from tests.paths import STOCKPYL_REFS

REFS = json.loads(STOCKPYL_REFS.read_text())["cases"]
CONFIDENCE = 0.99


def ref(case: str, instance: str) -> dict:
    return next(c for c in REFS if c["case"] == case and c["instance"] == instance)


def cost_interval(result, parts=("holding", "shortage")) -> tuple[float, float, float]:
    reps = result.per_replication(result.policies[0])
    per_period = sum(reps[p] for p in parts) / result.periods
    return interval(per_period.to_numpy(), CONFIDENCE)


def single(levels: list[float]) -> np.ndarray:
    """Parameters for SUPPLIER (none) and the one stocking location."""
    return np.array([[np.nan], levels])


def test_base_stock_matches_newsvendor_with_lead_time():
    case = ref("newsvendor_normal_with_lead_time", "example_4_4")
    p, r = case["params"], case["result"]
    ds = serial([p["lead_time"] + 1], holding_rate=p["holding_cost"], penalty=p["stockout_cost"])
    mean = np.full((1, 300), float(p["demand_mean"]))
    sc = from_distribution(
        [("I0", "N1")], mean, 200, seed=3, sd=p["demand_sd"], distribution="normal"
    )
    res = simulate(ds, [BaseStock(single([r["base_stock_level"]]))], sc, warmup=20)
    mean_cost, lo, hi = cost_interval(res)
    assert lo <= r["expected_cost"] <= hi, (mean_cost, lo, hi)
    assert hi - lo < 0.05 * r["expected_cost"]  # the interval is tight enough to mean something


def test_serial_chen_zheng_levels_match_exact_cost():
    case = ref("serial_SSM_chen_zheng_optimal_echelon_base_stock", "example_6_1")
    nodes = {f"N{n['index']}": n for n in case["params"]["nodes"]}
    levels = case["result"]["optimal_echelon_base_stock_levels"]
    ds = serial([nodes[n]["lead_time"] for n in ("N3", "N2", "N1")], penalty=37.12)
    net = with_local_holding(pack(ds), {n: nodes[n]["local_holding_cost"] for n in nodes})
    order = [loc.location for loc in ds.locations]
    echelon_s = np.array([[levels.get(n[1:], np.nan)] for n in order])
    sc = from_distribution(
        [("I0", "N1")], np.full((1, 300), 5.0), 200, seed=4, sd=1.0, distribution="normal"
    )
    res = simulate(
        net, [BaseStock(echelon_s, echelon=True)], sc, warmup=20, dataset_locations=order
    )
    mean_cost, lo, hi = cost_interval(res)
    exact = case["result"]["expected_cost_per_period"]
    assert lo <= exact <= hi, (mean_cost, lo, hi)
    assert hi - lo < 0.02 * exact


@pytest.mark.parametrize(("s", "big_s"), [(4, 10), (3, 10)])
def test_s_s_matches_zheng_federgruen_exact_cost(s, big_s):
    case = ref("sS_exact_poisson_zheng_federgruen", "example_4_7")
    p = case["params"]
    exact = case["result"]["cost_grid_s_S"][f"{s},{big_s}"]
    ds = serial([1], holding_rate=p["holding_cost"], penalty=p["stockout_cost"], fixed_cost=5)
    sc = from_distribution([("I0", "N1")], np.full((1, 600), 6.0), 300, seed=11)
    policy = SS(single([float(s)]), single([float(big_s)]))
    res = simulate(ds, [policy], sc, warmup=20)
    mean_cost, lo, hi = cost_interval(res, ("holding", "shortage", "ordering"))
    assert lo <= exact <= hi, (mean_cost, lo, hi)
    assert hi - lo < 0.01 * exact  # narrow enough to tell (3, 10) from (4, 10)


@pytest.mark.parametrize("instance", ["example_5_8", "problem_5_2"])
def test_r_q_matches_federgruen_zheng_exact_cost(instance):
    # Continuous review with Poisson demand, approximated by periods of length dt short
    # enough that two demands rarely fall in one period (the undershoot of r is ~0).
    case = ref("rQ_exact_poisson_federgruen_zheng", instance)
    p, r = case["params"], case["result"]
    dt = 0.05 / p["demand_mean"] * 1.5  # about 0.075 expected demands per period
    lead = int(round(p["lead_time"] / dt))
    ds = serial(
        [lead],
        holding_rate=p["holding_cost"] * dt,
        penalty=p["stockout_cost"] * dt,
        fixed_cost=p["fixed_cost"],
    )
    periods = int(200 / (p["demand_mean"] * dt)) + 5 * lead  # ~200 demands per replication
    sc = from_distribution([("I0", "N1")], np.full((1, periods), p["demand_mean"] * dt), 200, 5)
    policy = RQ(single([float(r["r"])]), single([float(r["Q"])]))
    res = simulate(ds, [policy], sc, warmup=5 * lead)
    reps = res.per_replication(policy.name)
    per_time = (reps["holding"] + reps["shortage"] + reps["ordering"]) / (res.periods * dt)
    mean_cost, lo, hi = interval(per_time.to_numpy(), CONFIDENCE)
    exact = r["expected_cost_per_unit_time"]
    assert lo <= exact <= hi, (mean_cost, lo, hi)
    assert hi - lo < 0.03 * exact


def test_r_s_matches_the_periodic_review_closed_form():
    # Review every R periods, order up to S: the end-of-period inventory j periods after an
    # order arrives is S - D(L + j), so the cost per period averages R newsvendor costs.
    review, lead, mu, sigma, h, p, level = 3, 2, 20.0, 5.0, 1.0, 9.0, 95.0
    exact = 0.0
    for j in range(review):
        n = lead + j
        m, s = n * mu, np.sqrt(n) * sigma
        z = (level - m) / s
        loss = s * (stats.norm.pdf(z) - z * stats.norm.sf(z))  # E[(D - S)^+]
        exact += (h * (level - m + loss) + p * loss) / review
    ds = serial([lead], holding_rate=h, penalty=p)
    mean = np.full((1, 600), mu)
    sc = from_distribution([("I0", "N1")], mean, 200, 21, sd=sigma, distribution="normal")
    res = simulate(ds, [RS(review, single([level]))], sc, warmup=30)
    mean_cost, lo, hi = cost_interval(res)
    assert lo <= exact <= hi, (mean_cost, lo, hi, exact)
    assert hi - lo < 0.02 * exact
