"""Properties of the kernel: conservation of units, determinism, common random numbers."""

from __future__ import annotations

import numba
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stockwise.data import Lane, Location, LocationKind
from stockwise.engine.policy import RQ, RS, SS, BaseStock
from stockwise.engine.simulation import simulate
from stockwise.scenarios import Outage, from_distribution
from tests.engine.simulation.instances import serial


def tree(n_items: int, lead: list[int], sd: float, lane_cap: float | None, storage: float | None):
    """SUPPLIER -> DC -> two stores (a distribution tree where rationing happens)."""
    base = serial([lead[0]], n_items=n_items, holding_rate=0.1, penalty=2.0, fixed_cost=3.0)
    locations = (
        Location("SUPPLIER", LocationKind.SUPPLIER, supply_capacity=60.0),
        Location("N1", LocationKind.DC, storage_capacity=storage),
        Location("A", LocationKind.STORE),
        Location("B", LocationKind.STORE, storage_capacity=storage),
    )
    lanes = (
        Lane("SUPPLIER", "N1", float(lead[0]), sd, 0.1, 3.0, lane_cap),
        Lane("N1", "A", float(lead[1]), sd, 0.05, 1.0, lane_cap),
        Lane("N1", "B", float(lead[2]), sd, 0.05, 1.0),
    )
    return base.__class__(base.items, locations, lanes, base.demand)


policies = st.sampled_from(["base", "echelon", "sS", "rQ", "RS"])


def make_policy(kind: str, rng: np.random.Generator, shape: tuple[int, int]):
    level = rng.uniform(5, 40, shape)
    level[0] = np.nan  # the supplier holds no policy
    if kind in ("base", "echelon"):
        return BaseStock(level * (2 if kind == "echelon" else 1), echelon=kind == "echelon")
    if kind == "sS":
        return SS(level, level + rng.uniform(0, 20, shape))
    if kind == "rQ":
        return RQ(level, rng.uniform(1, 20, shape))
    return RS(3, level)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n_items=st.integers(1, 3),
    lead=st.lists(st.integers(1, 4), min_size=3, max_size=3),
    sd=st.sampled_from([0.0, 1.0]),
    lane_cap=st.sampled_from([None, 15.0]),
    storage=st.sampled_from([None, 40.0]),
    kind=policies,
    lost=st.booleans(),
    outage=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_units_are_conserved_every_period_and_location(
    n_items, lead, sd, lane_cap, storage, kind, lost, outage, seed
):
    ds = tree(n_items, lead, sd, lane_cap, storage)
    keys = [(it.item, store) for store in ("A", "B") for it in ds.items]
    rng = np.random.default_rng(seed)
    mean = rng.uniform(0, 10, (len(keys), 1)) * np.ones((1, 30))
    outages = [Outage(5, 12, origin="SUPPLIER")] if outage else []
    sc = from_distribution(keys, mean, 4, seed, lanes=ds.lanes, outages=outages)
    policy = make_policy(kind, rng, (len(ds.locations), n_items))
    res = simulate(ds, [policy], sc, lost_sales=lost, trace=True)
    tr = res.traces[policy.name]  # R x T x N x I x (arrived, shipped, served, on hand, transit)
    net = res.network
    stock = ~net.is_source
    start = np.zeros_like(tr[:, :1, :, :, 3])
    previous = np.concatenate([start, tr[:, :-1, :, :, 3]], axis=1)
    balance = previous + tr[..., 0] - tr[..., 1] - tr[..., 2] - tr[..., 3]
    np.testing.assert_allclose(balance[:, :, stock], 0.0, atol=1e-9)
    assert (tr[..., 3][:, :, stock] >= -1e-9).all()  # never ship what is not there
    # Whole system: what the sources released is on hand, in transit, or with customers.
    released = tr[..., 1][:, :, ~stock].sum(axis=(2, 3)).cumsum(axis=1)
    held = tr[..., 3][:, :, stock].sum(axis=(2, 3)) + tr[..., 4].sum(axis=(2, 3))
    served = tr[..., 2].sum(axis=(2, 3)).cumsum(axis=1)
    np.testing.assert_allclose(released, held + served, atol=1e-8)
    # Money follows units: purchases minus the stock value gained = cost of goods served.
    reps = res.per_replication(policy.name)
    cogs = (tr[..., 2].sum(axis=1) * net.unit_cost).sum(axis=(1, 2))
    np.testing.assert_allclose(reps["purchase"] - reps["stock_increase"], cogs, atol=1e-7)
    # Supply capacity (60) and the supplier lane's capacity hold every period.
    from_supplier = tr[..., 1][:, :, ~stock].sum(axis=(2, 3))
    assert (from_supplier <= min(60.0, lane_cap or np.inf) + 1e-9).all()
    if outage:  # nothing leaves the supplier while it is down
        assert np.allclose(tr[..., 1][:, 5:12, ~stock], 0.0)


def test_same_seed_is_bit_identical_for_any_thread_count():
    ds = tree(2, [2, 1, 1], 1.0, 15.0, 40.0)
    keys = [(it.item, s) for s in ("A", "B") for it in ds.items]
    sc = from_distribution(keys, np.full((4, 40), 6.0), 64, seed=5, lanes=ds.lanes)
    level = np.full((4, 2), 25.0)
    level[0] = np.nan
    runs = []
    before = numba.get_num_threads()
    try:
        for threads in (1, numba.config.NUMBA_NUM_THREADS):
            numba.set_num_threads(threads)
            res = simulate(ds, [BaseStock(level), SS(level, level + 10)], sc)
            runs.append(res)
    finally:
        numba.set_num_threads(before)
    for name in runs[0].policies:
        assert np.array_equal(runs[0].runs[name].kpi, runs[1].runs[name].kpi)
        assert np.array_equal(runs[0].runs[name].lane_kpi, runs[1].runs[name].lane_kpi)


def test_policies_see_the_same_demand_and_paired_interval_is_narrower():
    ds = serial([2], holding_rate=0.5, penalty=5.0)
    sc = from_distribution([("I0", "N1")], np.full((1, 60), 10.0), 200, seed=9)
    low, high = np.array([[np.nan], [22.0]]), np.array([[np.nan], [25.0]])
    res = simulate(ds, [BaseStock(low, name="low"), BaseStock(high, name="high")], sc, warmup=5)
    low_reps, high_reps = res.per_replication("low"), res.per_replication("high")
    # Backorders are eventually served: same demand → same units demanded per replication.
    demand = res.runs["low"].kpi[:, 1, 0, 0]
    assert np.array_equal(demand, res.runs["high"].kpi[:, 1, 0, 0])
    diff = res.paired("low").set_index("metric").loc["total_cost"]
    summary = res.summary().set_index(["policy", "metric"])
    widths = [
        summary.loc[(name, "total_cost"), "ci_high"] - summary.loc[(name, "total_cost"), "ci_low"]
        for name in ("low", "high")
    ]
    # Common random numbers: the paired interval beats independent sampling's clearly.
    assert diff["ci_high"] - diff["ci_low"] < 0.6 * np.hypot(*widths)
    assert diff["significant"]
    # A higher base-stock level holds more and is short less, in every replication.
    assert (high_reps["on_hand"] > low_reps["on_hand"]).all()
    assert (high_reps["shortage"] <= low_reps["shortage"]).all()
