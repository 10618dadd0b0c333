"""Guaranteed-service DP: stockpyl's textbook optima (committed service times, cost, base
stock per stage) and stockpyl's Graves–Willems DP run live on random trees."""

from __future__ import annotations

import numpy as np
import pytest

from stockwise.engine.policies import Stage, gsm_cost, gsm_tree
from tests.engine.policies.trees import random_tree

EXACT = 1e-9


def _stages(case):
    stages = []
    for n in case["params"]["nodes"]:
        source = n.get("demand_source") or {}
        stages.append(
            Stage(
                n["index"],
                n["processing_time"],
                n["local_holding_cost"],
                demand_mean=source.get("mean") or 0.0,
                demand_sd=source.get("standard_deviation") or 0.0,
                safety_factor=n["demand_bound_constant"],
                external_inbound_cst=n.get("external_inbound_cst") or 0,
                external_outbound_cst=n.get("external_outbound_cst"),
            )
        )
    edges = [(n["index"], s) for n in case["params"]["nodes"] for s in n["successors"]]
    return stages, edges


def test_textbook_trees_and_serial_systems(textbook):
    cases = textbook["GSM_tree_graves_willems_optimal_CST"] + textbook["GSM_serial_optimal_CST"]
    assert len(cases) == 5
    for case in cases:
        got = gsm_tree(*_stages(case))
        want = case["result"]
        cst = {int(k): v for k, v in want["optimal_committed_service_times"].items()}
        assert got.committed_service_times == cst, case["instance"]
        cost = want.get("optimal_safety_stock_holding_cost", want.get("optimal_cost"))
        assert got.cost == pytest.approx(cost, rel=EXACT)
        for name, node in want.get("per_node", {}).items():
            row = got.stages.loc[int(name)]
            assert row["inbound_service_time"] == node["inbound_CST_SI"]
            assert row["net_lead_time"] == node["net_lead_time"]
            assert row["net_demand_sd"] == pytest.approx(node["net_demand_sd"], rel=EXACT)
            assert row["safety_stock"] == pytest.approx(node["safety_stock"], rel=EXACT, abs=1e-12)
            assert row["base_stock_level"] == pytest.approx(
                node["base_stock_level"], rel=EXACT, abs=1e-12
            )


@pytest.mark.parametrize("seed", range(8))
def test_random_trees_match_stockpyl_live(seed):
    from stockpyl.gsm_tree import optimize_committed_service_times

    stages, edges, network = random_tree(int(np.random.default_rng(seed).integers(5, 16)), seed)
    cst, cost = optimize_committed_service_times(network)
    got = gsm_tree(stages, edges)
    assert got.cost == pytest.approx(cost, rel=EXACT, abs=1e-12)
    if got.committed_service_times != cst:  # ties: stockpyl's answer must cost the same
        assert gsm_cost(stages, edges, cst) == pytest.approx(got.cost, rel=EXACT)


def test_optimum_beats_random_feasible_service_times():
    # exactness without an oracle: no feasible random assignment is cheaper
    stages, edges, _ = random_tree(9, 123)
    best = gsm_tree(stages, edges)
    rng = np.random.default_rng(0)
    by_name = {s.name: s for s in stages}
    preds = {s.name: [o for o, d in edges if d == s.name] for s in stages}
    order = list(best.stages.index)
    for _ in range(300):
        cst = {}
        for name in _topological(order, preds):
            stage = by_name[name]
            inbound = max([stage.external_inbound_cst] + [cst[p] for p in preds[name]])
            cap = inbound + stage.processing_time
            if stage.external_outbound_cst is not None:
                cap = min(cap, stage.external_outbound_cst)
            cst[name] = int(rng.integers(0, cap + 1))
        assert gsm_cost(stages, edges, cst) >= best.cost - 1e-9


def _topological(names, preds):
    done, out = set(), []
    while len(out) < len(names):
        for name in names:
            if name not in done and all(p in done for p in preds[name]):
                done.add(name)
                out.append(name)
    return out


def test_non_trees_and_bad_stages_are_refused():
    a, b, c = (Stage(x, 1, 1.0, demand_sd=1.0) for x in "abc")
    with pytest.raises(ValueError, match="form no tree"):
        gsm_tree([a, b, c], [("a", "b"), ("a", "c"), ("b", "c")])
    with pytest.raises(ValueError, match="unknown stage 'z'"):
        gsm_tree([a, b], [("a", "z")])
    with pytest.raises(ValueError, match="processing_time of stage 'q' must be a whole number"):
        gsm_tree([Stage("q", 1.5, 1.0)], [])
