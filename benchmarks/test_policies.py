"""Exact policy methods against stockpyl 1.0.2 on the same instances, in the same run.

Each case is timed for both implementations (pytest-benchmark group = case); the answers
are checked to agree before timing. At the end of the module the speed-up of stockwise
over stockpyl per case is printed and written to ``.benchmarks/policies_ratios.json``.

    make bench   # or: .venv/bin/python -m pytest benchmarks/test_policies.py --benchmark-only
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from stockwise.engine.policies import gsm_tree, rq_poisson, serial_base_stock, ss_optimal
from tests.engine.policies.stockpyl_compat import numpy2_serial
from tests.engine.policies.trees import random_tree

RESULTS: dict[str, dict[str, float]] = {}
EXACT_TAILS = dict.fromkeys(
    (
        "ltd_lower_tail_prob",
        "ltd_upper_tail_prob",
        "sum_ltd_lower_tail_prob",
        "sum_ltd_upper_tail_prob",
    ),
    1e-13,
)


def _serial_normal():
    """Example 6.1 (3 stages, N(5, 1)); stockpyl's default discretisation."""
    args = dict(echelon_holding_cost=[2, 2, 3], lead_time=[2, 1, 1], stockout_cost=37.12)

    def ours():
        return serial_base_stock(
            args["echelon_holding_cost"], args["lead_time"], args["stockout_cost"], stats.norm(5, 1)
        )

    def theirs():
        with numpy2_serial() as optimize:
            return optimize(num_nodes=3, demand_mean=5, demand_standard_deviation=1, **args)

    def agree(a, b):
        levels = np.array([b[0][3], b[0][2], b[0][1]], dtype=float)
        assert np.abs(a.echelon_base_stock - levels).max() < 0.05
        assert abs(a.expected_cost - b[1]) / b[1] < 2e-4

    return ours, theirs, agree


def _serial_poisson():
    """Problem 6.2(b): 5 stages, Poisson(64), exact tails in both."""
    h, lead, p = [1, 1, 1, 2, 2], [0.5] * 5, 24
    demand = stats.poisson(64)

    def ours():
        return serial_base_stock(h, lead, p, demand)

    def theirs():
        from stockpyl.demand_source import DemandSource

        with numpy2_serial() as optimize:
            return optimize(
                num_nodes=5,
                echelon_holding_cost=h,
                lead_time=lead,
                stockout_cost=p,
                demand_source=DemandSource(type="P", mean=64),
                **EXACT_TAILS,
            )

    def agree(a, b):
        np.testing.assert_array_equal(a.echelon_base_stock, [b[0][5 - j] for j in range(5)])
        assert a.expected_cost == pytest.approx(b[1], rel=1e-9)

    return ours, theirs, agree


def _ss(mean, h, p, k):
    demand = stats.poisson(mean)

    def ours():
        return ss_optimal(h, p, k, demand)

    def theirs():
        from stockpyl.ss import s_s_discrete_exact

        return s_s_discrete_exact(h, p, k, True, mean)

    def agree(a, b):
        assert (a.reorder_point, a.order_up_to) == (b[0], b[1])
        assert a.expected_cost == pytest.approx(b[2], rel=1e-9)

    return ours, theirs, agree


def _rq(h, p, k, rate, lead):
    def ours():
        return rq_poisson(h, p, k, rate, lead)

    def theirs():
        from stockpyl.rq import r_q_poisson_exact

        return r_q_poisson_exact(h, p, k, rate, lead)

    def agree(a, b):
        assert (a.reorder_point, a.order_quantity) == (b[0], b[1])
        assert a.expected_cost == pytest.approx(b[2], rel=1e-9)

    return ours, theirs, agree


def _gsm(n, seed):
    stages, edges, network = random_tree(n, seed)

    def ours():
        return gsm_tree(stages, edges)

    def theirs():
        from stockpyl.gsm_tree import optimize_committed_service_times

        return optimize_committed_service_times(network)

    def agree(a, b):
        assert a.cost == pytest.approx(b[1], rel=1e-9)

    return ours, theirs, agree


CASES = {
    "serial-normal-3-stages (ex. 6.1)": _serial_normal,
    "serial-poisson-5-stages (prob. 6.2b)": _serial_poisson,
    "ss-poisson-6 (ex. 4.7)": lambda: _ss(6, 1, 4, 5),
    "ss-poisson-40": lambda: _ss(40, 1, 20, 400),
    "rq-poisson (ex. 5.8)": lambda: _rq(20, 150, 100, 1.5, 2),
    "rq-poisson-rate-40": lambda: _rq(2, 40, 500, 40, 1.5),
    "gsm-tree-60-nodes": lambda: _gsm(60, 1),
    "gsm-tree-120-nodes": lambda: _gsm(120, 2),
}


@pytest.fixture(scope="module", autouse=True)
def ratio_report(request):
    yield
    rows = {}
    for case, times in RESULTS.items():
        if {"stockwise", "stockpyl"} <= times.keys():
            rows[case] = {**times, "speedup": times["stockpyl"] / times["stockwise"]}
    if not rows:
        return
    out = Path(".benchmarks")
    out.mkdir(exist_ok=True)
    (out / "policies_ratios.json").write_text(json.dumps(rows, indent=2))
    lines = ["", "stockwise vs stockpyl (mean seconds per call, same run):"]
    for case, row in rows.items():
        lines.append(
            f"  {case:40s} stockwise {row['stockwise']:.3e}  stockpyl {row['stockpyl']:.3e}"
            f"  speed-up {row['speedup']:8.1f}x"
        )
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print("\n".join(lines))


@pytest.mark.parametrize("impl", ["stockwise", "stockpyl"])
@pytest.mark.parametrize("case", list(CASES))
def test_exact_policy_speed(benchmark, case, impl):
    ours, theirs, agree = CASES[case]()
    if impl == "stockwise":
        agree(ours(), theirs())
    fn = ours if impl == "stockwise" else theirs
    benchmark.group = case
    if impl == "stockpyl":  # seconds per call: a couple of rounds is enough
        benchmark.pedantic(fn, rounds=2, iterations=1, warmup_rounds=0)
    else:
        benchmark(fn)
    RESULTS.setdefault(case, {})[impl] = benchmark.stats.stats.mean
