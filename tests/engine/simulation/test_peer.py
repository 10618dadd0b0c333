"""Against a peer: stockpyl's simulator on the same 3-stage serial system (Snyder & Shen
example 6.1, installation base-stock levels from the textbook), same KPIs within sampling
error (our Student-t error over replications, stockpyl's by batch means of one long run)."""

from __future__ import annotations

import numpy as np
import pytest

from stockwise.engine.policy import BaseStock
from stockwise.engine.simulation import kernel as k
from stockwise.engine.simulation import pack, simulate
from stockwise.scenarios import from_distribution
from tests.engine.simulation.instances import serial, with_local_holding

stockpyl_sim = pytest.importorskip("stockpyl.sim")
instances = pytest.importorskip("stockpyl.instances")

PERIODS, WARMUP, BATCHES = 1500, 50, 20


def batch_means(x: np.ndarray) -> tuple[float, float]:
    """Mean and its standard error from ``BATCHES`` batch means of a long run."""
    b = np.asarray(x[: len(x) // BATCHES * BATCHES]).reshape(BATCHES, -1).mean(axis=1)
    return float(b.mean()), float(b.std(ddof=1) / np.sqrt(BATCHES))


@pytest.fixture(scope="module")
def peer():
    network = instances.load_instance("example_6_1")
    stockpyl_sim.simulation(network=network, num_periods=PERIODS, rand_seed=17, progress_bar=False)
    out = {}
    for node in network.nodes:
        sv = node.state_vars[WARMUP:PERIODS]
        out[f"on_hand N{node.index}"] = batch_means([s.on_hand for s in sv])
        out[f"cost N{node.index}"] = np.array([s.total_cost_incurred for s in sv])
        if node.index == 1:
            out["backorders N1"] = batch_means([s.backorders for s in sv])
    out["cost"] = batch_means(sum(out.pop(f"cost N{j}") for j in (1, 2, 3)))
    levels = {f"N{n.index}": n.inventory_policy.base_stock_level for n in network.nodes}
    holding = {f"N{n.index}": n.local_holding_cost for n in network.nodes}
    return out, levels, holding


def test_same_kpis_as_stockpyl_simulator(peer):
    ref, levels, holding = peer
    ds = serial([2, 1, 1], penalty=37.12)
    net = with_local_holding(pack(ds), holding)
    order = [loc.location for loc in ds.locations]
    policy = BaseStock(np.array([[levels.get(n, np.nan)] for n in order]))  # installation
    sc = from_distribution(
        [("I0", "N1")], np.full((1, 300), 5.0), 100, seed=8, sd=1.0, distribution="normal"
    )
    res = simulate(net, [policy], sc, warmup=WARMUP, dataset_locations=order)
    kpi = res.runs[policy.name].kpi
    periods = res.periods

    def ours(values: np.ndarray) -> tuple[float, float]:
        return float(values.mean()), float(values.std(ddof=1) / np.sqrt(len(values)))

    reps = res.per_replication(policy.name)
    mine = {
        **{
            f"on_hand {n}": ours(kpi[:, net.location_index(n), 0, k.ON_HAND] / periods)
            for n in ("N1", "N2", "N3")
        },
        "backorders N1": ours(kpi[:, net.location_index("N1"), 0, k.BACKLOG] / periods),
        "cost": ours((reps["holding"] + reps["shortage"]).to_numpy() / periods),
    }
    for name, (mean, se) in mine.items():
        ref_mean, ref_se = ref[name]
        assert abs(mean - ref_mean) < 4 * np.hypot(se, ref_se), (name, mean, ref_mean)
    # and both agree with the exact expected cost of these (near-optimal) levels: 47.67
    assert abs(mine["cost"][0] - 47.665) < 0.02 * 47.665
