"""The purchase budget binds in the simulator as it does in the plan: sources ship (and are
paid, units x unit cost) only as far as what is left of the period's budget; the rest
stays owed and ships later."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stockwise.data import (
    Budget,
    Constraints,
    Dataset,
    DemandHistory,
    Item,
    Lane,
    Location,
    LocationKind,
)
from stockwise.engine.policy import RQ, SS, BaseStock
from stockwise.engine.simulation import Draws, pack, simulate
from stockwise.engine.simulation import kernel as k
from stockwise.engine.simulation.compare import CompareSettings, compare_policies
from stockwise.scenarios import Outage, from_distribution, parse_whatif


def _dataset(items, locations, lanes, budgets=()) -> Dataset:
    stocking = [loc.location for loc in locations if not loc.is_source]
    frame = pd.DataFrame(
        [
            (it.item, loc, t, 1.0 + t % 3, np.nan, False)
            for it in items
            for loc in stocking
            for t in range(8)
        ],
        columns=["item", "location", "period", "quantity", "price", "promo"],
    )
    return Dataset(
        tuple(items),
        tuple(locations),
        tuple(lanes),
        DemandHistory(frame),
        constraints=Constraints(tuple(budgets)),
    )


def supplier_dc(budgets=()) -> Dataset:
    """SUPPLIER -> DC (lead time 1); the DC faces demand for A (unit cost 2) and B (4)."""
    return _dataset(
        [Item("A", 2.0, 0.1, 1.0), Item("B", 4.0, 0.1, 1.0)],
        [Location("SUPPLIER", LocationKind.SUPPLIER), Location("DC", LocationKind.DC)],
        [Lane("SUPPLIER", "DC", 1.0)],
        budgets,
    )


def fixed_draws(net, demand: np.ndarray, lead: int = 1) -> Draws:
    """One replication with the given ``T x I`` demand at the last location, fixed lead."""
    periods, n_items = demand.shape
    dem_col = np.full(net.n_locations * n_items, -1, dtype=np.int64)
    dem_col[(net.n_locations - 1) * n_items + np.arange(n_items)] = np.arange(n_items)
    lanes = len(net.lanes)
    return Draws(
        demand[None].astype(float),
        dem_col,
        np.full((1, periods, lanes), lead, dtype=np.int64),
        np.ones((1, periods, lanes), dtype=np.bool_),
    )


def test_pack_reads_a_budget_per_period():
    net = pack(supplier_dc([Budget(30.0), Budget(12.0, period=3)]))
    assert net.budget.tolist() == [30.0, 30.0, 12.0, 30.0]  # the last one: every later period
    assert net.budgets(6).tolist() == [30.0, 30.0, 12.0, 30.0, 30.0, 30.0]
    assert net.budgets(2).tolist() == [30.0, 30.0]
    only = pack(supplier_dc([Budget(12.0, period=2)]))
    assert only.budgets(4).tolist() == [np.inf, 12.0, np.inf, np.inf]
    assert pack(supplier_dc()).budgets(3).tolist() == [np.inf] * 3


@pytest.mark.parametrize("trace", [True, False])  # general path / the stores' fast path
def test_budget_binds_as_computed_by_hand(trace):
    # Base stock 10 of A (2 each) and 5 of B (4 each); budget 30 per period, 12 in period 3
    # (t = 2, 0-based). Demand: t1 (4, 2), t2 (6, 3).
    #  t0: orders (10, 5) cost 40 > 30: factor 0.75 ships (7.5, 3.75), spends 30;
    #      (2.5, 1.25) stays owed.
    #  t1: (7.5, 3.75) arrive, demand leaves (3.5, 1.75); position 3.5 + 2.5 owed = 6 and
    #      1.75 + 1.25 = 3: orders (4, 2); owed (6.5, 3.25) cost 26 <= 30: all shipped.
    #  t2: (6.5, 3.25) arrive: (10, 5), demand leaves (4, 2): orders (6, 3) cost 24 > 12:
    #      factor 0.5 ships (3, 1.5), spends 12; (3, 1.5) owed.
    #  t3: (3, 1.5) arrive: (7, 3.5); position with the owed units is (10, 5): no order; the
    #      owed (3, 1.5) cost 12 <= 30: shipped.  t4: they arrive: (10, 5); nothing to do.
    ds = supplier_dc([Budget(30.0), Budget(12.0, period=3)])
    net = pack(ds)
    demand = np.array([[0, 0], [4, 2], [6, 3], [0, 0], [0, 0]], dtype=float)
    policy = BaseStock(np.array([[np.nan, np.nan], [10.0, 5.0]]))
    res = simulate(ds, [policy], fixed_draws(net, demand), trace=trace)
    run = res.runs[policy.name]
    dc = net.location_index("DC")
    shipped = [[7.5, 3.75], [6.5, 3.25], [3.0, 1.5], [3.0, 1.5], [0.0, 0.0]]
    if trace:
        tr = res.traces[policy.name][0]  # T x N x I x (arrived, shipped, ...)
        np.testing.assert_allclose(tr[:, net.location_index("SUPPLIER"), :, 1], shipped)
        np.testing.assert_allclose(tr[:, dc, :, 0], [[0, 0], *shipped[:-1]])  # lead time 1
        spend = tr[:, net.location_index("SUPPLIER"), :, 1] @ net.unit_cost
        np.testing.assert_allclose(spend, [30.0, 26.0, 12.0, 12.0, 0.0])
        np.testing.assert_allclose(tr[-1, dc, :, 3], [10.0, 5.0])  # on hand at the end
    np.testing.assert_allclose(run.kpi[0, dc, :, k.RECEIVED], [20.0, 10.0])  # all of it
    np.testing.assert_allclose(run.kpi[0, dc, :, k.PURCHASE], [40.0, 40.0])  # [currency]
    assert run.lane_kpi[0, 0, k.SHIPPED] == pytest.approx(30.0)  # units shipped on the lane


def test_budget_is_shared_first_come_first_served_in_visiting_order():
    # Two suppliers each owe 10 units (cost 1); a budget of 12: the supplier visited first
    # (the later one in the network's location order) ships 10, the other 2 of its 10.
    ds = _dataset(
        [Item("A", 1.0, 0.1, 1.0)],
        [
            Location("S1", LocationKind.SUPPLIER),
            Location("S2", LocationKind.SUPPLIER),
            Location("D1", LocationKind.DC),
            Location("D2", LocationKind.DC),
        ],
        [Lane("S1", "D1", 1.0), Lane("S2", "D2", 1.0)],
        [Budget(12.0)],
    )
    net = pack(ds)
    first, second = sorted(
        (net.location_index(s) for s in ("S1", "S2")), reverse=True
    )  # visited downstream first: the highest index first
    keys = [("A", "D1"), ("A", "D2")]
    sc = from_distribution(keys, np.zeros((2, 2)), 1, seed=0, lanes=ds.lanes)
    policy = BaseStock(np.array([[np.nan], [np.nan], [10.0], [10.0]]))
    res = simulate(ds, [policy], sc, trace=True)
    tr = res.traces[policy.name][0]
    assert tr[0, first, 0, 1] == pytest.approx(10.0)
    assert tr[0, second, 0, 1] == pytest.approx(2.0)
    assert tr[1, second, 0, 1] == pytest.approx(8.0)  # the rest of its order, a period later


def two_sources(n_items, lead, sd, lane_cap, supply, costs, budgets) -> Dataset:
    """S1 -> DC -> stores A, B, and S2 -> store C directly: two sources share the budget."""
    items = [Item(f"I{i}", costs[i], 0.1, 2.0, volume=1.0) for i in range(n_items)]
    locations = [
        Location("S1", LocationKind.SUPPLIER, supply_capacity=supply),
        Location("S2", LocationKind.SUPPLIER),
        Location("DC", LocationKind.DC),
        Location("A", LocationKind.STORE),
        Location("B", LocationKind.STORE),
        Location("C", LocationKind.STORE),
    ]
    lanes = [
        Lane("S1", "DC", float(lead[0]), sd, 0.1, 3.0, lane_cap),
        Lane("DC", "A", float(lead[1]), sd, 0.05, 1.0, lane_cap),
        Lane("DC", "B", float(lead[2]), sd, 0.05, 1.0),
        Lane("S2", "C", float(lead[3]), sd, 0.1, 2.0),
    ]
    return _dataset(items, locations, lanes, budgets)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n_items=st.integers(1, 3),
    lead=st.lists(st.integers(1, 4), min_size=4, max_size=4),
    sd=st.sampled_from([0.0, 1.0]),
    lane_cap=st.sampled_from([None, 15.0]),
    supply=st.sampled_from([None, 40.0]),
    general=st.sampled_from([None, 0.0, 5.0, 40.0, 150.0]),
    specific=st.lists(st.tuples(st.integers(1, 30), st.floats(0.0, 200.0)), max_size=4),
    kind=st.sampled_from(["base", "echelon", "sS", "rQ"]),
    lost=st.booleans(),
    outage=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_spend_stays_within_the_budget_and_units_are_conserved(
    n_items, lead, sd, lane_cap, supply, general, specific, kind, lost, outage, seed
):
    rng = np.random.default_rng(seed)
    budgets = [Budget(a, p) for p, a in specific]
    if general is not None:
        budgets.append(Budget(general))
    ds = two_sources(n_items, lead, sd, lane_cap, supply, rng.uniform(0.5, 5.0, 3), budgets)
    keys = [(it.item, store) for store in ("A", "B", "C") for it in ds.items]
    mean = rng.uniform(0, 10, (len(keys), 1)) * np.ones((1, 30))
    outages = [Outage(5, 12, origin="S1")] if outage else []
    sc = from_distribution(keys, mean, 3, seed, lanes=ds.lanes, outages=outages)
    level = rng.uniform(5, 40, (len(ds.locations), n_items))
    level[:2] = np.nan  # the suppliers hold no policy
    policy = {
        "base": BaseStock(level),
        "echelon": BaseStock(level * 2, echelon=True),
        "sS": SS(level, level + rng.uniform(0, 20, level.shape)),
        "rQ": RQ(level, rng.uniform(1, 20, level.shape)),
    }[kind]
    res = simulate(ds, [policy], sc, lost_sales=lost, trace=True)
    tr = res.traces[policy.name]  # R x T x N x I x (arrived, shipped, served, on hand, transit)
    net = res.network
    src, stock = net.is_source, ~net.is_source
    # Money: what the sources ship in a period, at unit cost, is within its budget.
    spend = (tr[..., 1][:, :, src] * net.unit_cost).sum(axis=(2, 3))
    limit = net.budgets(tr.shape[1])
    assert (spend <= limit * (1 + 1e-12) + 1e-9).all()
    if general == 0.0 and not specific:
        assert spend.sum() == 0.0  # nothing can be bought
    # ... and the purchase KPI is that spend, summed.
    np.testing.assert_allclose(res.per_replication(policy.name)["purchase"], spend.sum(axis=1))
    # Units: every stocking location balances every period, nothing negative is shipped ...
    previous = np.concatenate([np.zeros_like(tr[:, :1, ..., 3]), tr[:, :-1, ..., 3]], axis=1)
    balance = previous + tr[..., 0] - tr[..., 1] - tr[..., 2] - tr[..., 3]
    np.testing.assert_allclose(balance[:, :, stock], 0.0, atol=1e-9)
    assert (tr[..., 1] >= 0).all() and (tr[..., 3][:, :, stock] >= -1e-9).all()
    # ... and what the sources released is on hand, in transit, or with customers.
    released = tr[..., 1][:, :, src].sum(axis=(2, 3)).cumsum(axis=1)
    held = tr[..., 3][:, :, stock].sum(axis=(2, 3)) + tr[..., 4].sum(axis=(2, 3))
    served = tr[..., 2].sum(axis=(2, 3)).cumsum(axis=1)
    np.testing.assert_allclose(released, held + served, atol=1e-8)
    if supply is not None:  # supply capacity still holds
        assert (tr[:, :, net.location_index("S1"), :, 1].sum(axis=2) <= supply + 1e-9).all()


@pytest.mark.parametrize("budgets", [[Budget(np.inf)], [Budget(1e300), Budget(1e300, period=2)]])
def test_an_infinite_or_ample_budget_changes_nothing(budgets):
    free = two_sources(2, [2, 1, 1, 3], 1.0, 15.0, 40.0, [1.0, 3.0], [])
    ample = dataclasses.replace(free, constraints=Constraints(tuple(budgets)))
    keys = [(it.item, store) for store in ("A", "B", "C") for it in free.items]
    sc = from_distribution(keys, np.full((len(keys), 25), 6.0), 8, seed=3, lanes=free.lanes)
    level = np.full((6, 2), 25.0)
    level[:2] = np.nan
    policies = [
        BaseStock(level),
        SS(level, level + 10),
        BaseStock(level * 3, echelon=True, name="e"),
    ]
    a, b = simulate(free, policies, sc), simulate(ample, policies, sc)
    for p in policies:
        assert np.array_equal(a.runs[p.name].kpi, b.runs[p.name].kpi)
        assert np.array_equal(a.runs[p.name].lane_kpi, b.runs[p.name].lane_kpi)


def test_whatif_budget_change_reaches_the_simulation():
    ds = supplier_dc([Budget(30.0), Budget(12.0, period=3)])
    cut = parse_whatif({"name": "cut", "changes": [{"type": "budget", "multiplier": 0.5}]}, ds)
    world, _ = cut.apply(ds)
    assert pack(world).budgets(5).tolist() == [15.0, 15.0, 6.0, 15.0, 15.0]
    set_to = parse_whatif({"changes": [{"type": "budget", "value": 7.0}]}, supplier_dc())
    assert pack(set_to.apply(supplier_dc())[0]).budgets(2).tolist() == [7.0, 7.0]
    # Through compare_policies (the CLI's call): the simulated world spends within the cut.
    policy = BaseStock(np.array([[np.nan, np.nan], [40.0, 20.0]]), name="base")
    settings_ = CompareSettings(replications=4, periods=6, seed=1)
    base = compare_policies(ds, [policy], settings_)
    under = compare_policies(ds, [policy], settings_, whatif=cut)
    limit = pack(world).budgets(6).sum()
    purchase = under.per_replication("base")["purchase"]
    assert (purchase <= limit + 1e-9).all()
    assert (purchase < base.per_replication("base")["purchase"]).all()
