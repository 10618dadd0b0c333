"""Simulation throughput on the sample network, random draws included.

* stockwise's Numba kernel (``prange`` over replications) on the sample network (1
  supplier, 2 DCs, 12 stores, 40 items: 560 stocked location-items) under the closed-form
  base-stock policy, 365 periods x ``STOCKWISE_BENCH_REPS`` (default 10,000) replications,
  demand and lead times drawn per replication from ``SeedSequence(seed).spawn`` in blocks
  (two threads; NumPy releases the GIL while filling arrays);
* the same model vectorised over replications in NumPy, on the same draws (its holding
  and shortage costs must equal the kernel's: an independent implementation);
* stockpyl's simulator on a 3-stage serial system (Snyder & Shen example 6.1);
* compile time of the kernel in a fresh process with an empty Numba cache, and the time
  to load it from the cache, reported apart;
* scaling: seconds per replication at 62, 250 and 1,000 replications (1.0 = linear).

Throughput is reported with and without the draws (draws fill buffers allocated once), with
its ratio to the NumPy reference measured in the same run, and whether the targets of issue
#6 (>= 1e8 location-item-periods/s with draws, >= 3x NumPy) are met.

Unit: location-item-periods per second (node-periods for stockpyl). Printed and written to
``.benchmarks/simulation.json``::

    .venv/bin/python -m pytest benchmarks/test_simulation.py --benchmark-only -q -s
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from stockwise.data.sample import generate
from stockwise.engine.policies.dataset import plan_policy
from stockwise.engine.simulation import Draws, pack, simulate
from stockwise.engine.simulation.network import SimNetwork

PERIODS = 365
REPS = int(os.environ.get("STOCKWISE_BENCH_REPS", "10000"))
BLOCK = 250
OUT = Path(".benchmarks/simulation.json")
RESULTS: dict[str, dict] = {}


@pytest.fixture(scope="module")
def sample():
    ds = generate(0)
    net = pack(ds)
    policy = plan_policy(ds, "base-stock").policy
    keys, _, hist = ds.demand.to_matrix()
    dem_col = np.full(net.n_locations * net.n_items, -1, dtype=np.int64)
    for j, (item, loc) in enumerate(keys):
        dem_col[net.location_index(loc) * net.n_items + net.item_index(item)] = j
    return ds, net, policy, dem_col, hist.mean(axis=1), hist.std(axis=1)


def draw_buffers(reps: int, n_series: int, n_lanes: int) -> Draws:
    """Arrays for one block of draws, allocated once and refilled block after block (a
    fresh 350 MB block per call spent a third of the drawing time in page faults)."""
    return Draws(
        np.empty((reps, PERIODS, n_series)),
        np.empty(0, dtype=np.int64),
        np.empty((reps, PERIODS, n_lanes), dtype=np.int64),
        np.ones((reps, PERIODS, n_lanes), dtype=np.bool_),
    )


def draw_block(children, mean, sd, net: SimNetwork, dem_col, into: Draws | None = None) -> Draws:
    """Normal demand (truncated at 0) and rounded normal lead times, one generator each,
    written into the first ``len(children)`` replications of ``into`` (new arrays if None)."""
    reps, n_series, n_lanes = len(children), len(mean), len(net.lanes)
    buf = draw_buffers(reps, n_series, n_lanes) if into is None else into
    demand, lead = buf.demand[:reps], buf.lead[:reps]

    def one(r: int) -> None:
        g = np.random.default_rng(children[r])
        z = g.standard_normal((PERIODS, n_series))
        np.multiply(z, sd, out=z)
        np.add(z, mean, out=z)
        np.maximum(z, 0.0, out=demand[r])
        lt = net.lead_mean + net.lead_sd * g.standard_normal((PERIODS, n_lanes))
        lead[r] = np.maximum(np.rint(lt), 1)

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(one, range(reps)))
    return Draws(demand, dem_col, lead, buf.lane_up[:reps])


def numpy_base_stock(net: SimNetwork, level: np.ndarray, d: Draws) -> np.ndarray:
    """The kernel's model for installation base stock on a tree, vectorised over
    replications: per replication ``[holding, shortage]`` cost."""
    reps, n_loc, n_items = d.replications, net.n_locations, net.n_items
    width = int(max(d.lead.max(), net.on_order.shape[2])) + 1
    oh = np.repeat(net.on_hand[None], reps, 0)
    bl = np.repeat(net.backorders[None], reps, 0)
    owed = np.zeros((reps, len(net.lanes), n_items))
    pipe = np.zeros((reps, width, n_loc, n_items))
    pipe[:, : net.on_order.shape[2]] = net.on_order.transpose(2, 0, 1)  # already on order
    transit = np.repeat(net.on_order.sum(axis=2)[None], reps, 0)
    last = np.zeros((reps, len(net.lanes)), dtype=np.int64)
    cost = np.zeros((reps, 2))
    rows = np.arange(reps)
    cols = d.dem_col.reshape(n_loc, n_items)
    outs = [net.out_idx[net.out_ptr[n] : net.out_ptr[n + 1]] for n in range(n_loc)]
    stock = ~net.is_source
    for t in range(d.periods):
        slot = t % width
        oh += pipe[:, slot]
        transit -= pipe[:, slot]
        pipe[:, slot] = 0.0
        for n in range(n_loc - 1, -1, -1):
            if stock[n]:
                dem = np.where(cols[n] >= 0, d.demand[:, t, np.maximum(cols[n], 0)], 0.0)
                old = np.minimum(np.maximum(oh[:, n], 0), bl[:, n])
                oh[:, n] -= old
                new = np.minimum(np.maximum(oh[:, n], 0), dem)
                oh[:, n] -= new
                bl[:, n] += dem - new - old
            out = outs[n]
            if len(out):
                claim = owed[:, out].sum(axis=1)
                if stock[n]:
                    frac = np.where(
                        claim > 0, np.minimum(1, oh[:, n] / np.where(claim > 0, claim, 1)), 0
                    )
                else:
                    frac = (claim > 0).astype(float)
                for lane in out:
                    q = owed[:, lane] * frac
                    owed[:, lane] -= q
                    if stock[n]:
                        oh[:, n] -= q
                    dest = net.lane_dest[lane]
                    arrival = np.maximum(t + d.lead[:, t, lane], last[:, lane])
                    pipe[rows, arrival % width, dest] += q
                    transit[:, dest] += q
                    last[:, lane] = np.where(q.sum(axis=1) > 0, arrival, last[:, lane])
            if stock[n]:
                lane = net.order_lane[n]
                ip = oh[:, n] - bl[:, n] + transit[:, n] + owed[:, lane]
                ip -= owed[:, out].sum(axis=1)
                q = np.maximum(np.nan_to_num(level[n] - ip), 0)
                if np.isfinite(net.storage_capacity[n]):  # orders fit the storage space
                    held = np.maximum(oh[:, n], 0) @ net.volume
                    room = np.maximum(net.storage_capacity[n] - held, 0)
                    placed = q @ net.volume
                    scale = np.where(placed > room, room / np.where(placed > 0, placed, 1), 1)
                    q *= scale[:, None]
                owed[:, lane] += q
        cost[:, 0] += (oh[:, stock] * net.holding[stock]).sum(axis=(1, 2))
        cost[:, 1] += (bl[:, stock] * net.penalty[stock]).sum(axis=(1, 2))
    return cost


def test_kernel_and_numpy_throughput(benchmark, sample):
    ds, net, policy, dem_col, mean, sd = sample
    lip_per_rep = PERIODS * int((~net.is_source).sum()) * net.n_items
    children = np.random.SeedSequence(2026).spawn(REPS)
    buf = draw_buffers(min(BLOCK, REPS), len(mean), len(net.lanes))
    simulate(ds, [policy], draw_block(children[:2], mean, sd, net, dem_col, buf))  # load cache
    timing = {"draws": 0.0, "kernel": 0.0}
    costs = []

    def run_all():
        for start in range(0, REPS, BLOCK):
            t0 = time.perf_counter()
            draws = draw_block(children[start : start + BLOCK], mean, sd, net, dem_col, buf)
            t1 = time.perf_counter()
            res = simulate(ds, [policy], draws)
            timing["draws"] += t1 - t0
            timing["kernel"] += time.perf_counter() - t1
            if start == 0:
                reps = res.per_replication(policy.name)
                costs.append(reps[["holding", "shortage"]].to_numpy())

    benchmark.pedantic(run_all, rounds=1, iterations=1)
    total = timing["draws"] + timing["kernel"]
    # NumPy reference on the first block of the same draws (its cost per replication is
    # flat), in this process right after the kernel.
    reference = draw_block(children[:BLOCK], mean, sd, net, dem_col, buf)
    order = [loc.location for loc in ds.locations]
    level = np.asarray(policy.order_up_to)[[order.index(n) for n in net.locations]]
    t0 = time.perf_counter()
    ref_cost = numpy_base_stock(net, level, reference)
    numpy_s = time.perf_counter() - t0
    np.testing.assert_allclose(ref_cost, costs[0], rtol=1e-6)  # same model, same numbers
    block = reference.replications
    numpy_per_rep = numpy_s / block
    draws_per_rep = timing["draws"] / REPS
    with_draws = lip_per_rep * REPS / total
    vs_numpy = numpy_per_rep / (timing["kernel"] / REPS)
    vs_numpy_with_draws = (numpy_per_rep + draws_per_rep) / (total / REPS)
    RESULTS["sample network, base stock"] = {
        "replications": REPS,
        "periods": PERIODS,
        "location_item_periods": lip_per_rep * REPS,
        "kernel_with_draws_per_s": with_draws,
        "kernel_only_per_s": lip_per_rep * REPS / timing["kernel"],
        "draws_only_per_s": lip_per_rep * REPS / timing["draws"],
        "draws_s": timing["draws"],
        "kernel_s": timing["kernel"],
        "numpy_reference_per_s": lip_per_rep / numpy_per_rep,
        "kernel_vs_numpy": vs_numpy,
        "with_draws_vs_numpy_with_draws": vs_numpy_with_draws,
        "target_1e8_with_draws_met": bool(with_draws >= 1e8),
        "target_3x_numpy_met": bool(vs_numpy >= 3.0),
    }
    benchmark.extra_info.update(RESULTS["sample network, base stock"])


def test_linear_in_replications(benchmark, sample):
    ds, net, policy, dem_col, mean, sd = sample
    sizes = (BLOCK // 4, BLOCK, 4 * BLOCK)
    children = np.random.SeedSequence(7).spawn(sizes[-1])
    draws = [draw_block(children[:n], mean, sd, net, dem_col) for n in sizes]
    simulate(ds, [policy], draws[0])
    times = []

    def run():
        for d in draws:
            t0 = time.perf_counter()
            simulate(ds, [policy], d)
            times.append(time.perf_counter() - t0)

    benchmark.pedantic(run, rounds=1, iterations=1)
    per_rep = [t / n for t, n in zip(times, sizes, strict=True)]
    RESULTS["scaling"] = {
        "reps": list(sizes),
        "seconds": times,
        "seconds_per_replication": per_rep,
        # 1.0 = linear; above 1 the cost per replication grows with the count
        "per_replication_largest_vs_middle": per_rep[2] / per_rep[1],
    }


def test_stockpyl_serial_peer(benchmark):
    sim = pytest.importorskip("stockpyl.sim")
    instances = pytest.importorskip("stockpyl.instances")
    trials, periods = 3, PERIODS

    def run():
        for trial in range(trials):
            network = instances.load_instance("example_6_1")
            sim.simulation(
                network=network, num_periods=periods, rand_seed=trial, progress_bar=False
            )

    t0 = time.perf_counter()
    benchmark.pedantic(run, rounds=1, iterations=1)
    seconds = time.perf_counter() - t0
    RESULTS["stockpyl example 6.1 (3-stage serial)"] = {
        "node_periods_per_s": 3 * periods * trials / seconds,
        "seconds": seconds,
    }


def test_compile_time(benchmark):
    code = (
        "import time, numpy as np; t0 = time.perf_counter();"
        "from stockwise.engine.simulation import simulate;"
        "from stockwise.scenarios import from_distribution;"
        "from stockwise.data.sample import generate; ds = generate(0);"
        "keys, _, h = ds.demand.to_matrix();"
        "sc = from_distribution(keys, np.full((len(keys), 4), 3.0), 2, seed=0, lanes=ds.lanes);"
        "from stockwise.engine.policy import BaseStock;"
        "lv = np.full((len(ds.locations), len(ds.items)), 20.0); t1 = time.perf_counter();"
        "simulate(ds, [BaseStock(lv)], sc); print(time.perf_counter() - t1)"
    )
    seconds = {}

    def run():
        with tempfile.TemporaryDirectory() as cache:
            env = {**os.environ, "NUMBA_CACHE_DIR": cache}
            for label in ("compile (empty cache)", "load from cache"):
                out = subprocess.run(
                    [sys.executable, "-c", code], env=env, capture_output=True, text=True,
                    check=True,
                )  # fmt: skip
                seconds[label] = float(out.stdout.strip().splitlines()[-1])

    benchmark.pedantic(run, rounds=1, iterations=1)
    RESULTS["kernel compile"] = seconds


def teardown_module(module) -> None:
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(RESULTS, indent=2))
    for name, values in RESULTS.items():
        print(f"\n{name}: " + ", ".join(f"{k}={v:,.3g}" if isinstance(v, float) else f"{k}={v}"
                                        for k, v in values.items()))  # fmt: skip
