"""The kernel's fused fast path for stores gives the general path's results exactly."""

from __future__ import annotations

import numpy as np
import pytest

from stockwise.data.sample import generate
from stockwise.engine.policy import RQ, RS, SS, BaseStock
from stockwise.engine.simulation import ParametricDraws, pack, simulate
from stockwise.engine.simulation.run import fast_leaves


@pytest.fixture(scope="module")
def sample():
    ds = generate(0)
    net = pack(ds)
    keys, _, hist = ds.demand.to_matrix()
    dem_col = np.full(net.n_locations * net.n_items, -1, dtype=np.int64)
    for j, (item, loc) in enumerate(keys):
        dem_col[net.location_index(loc) * net.n_items + net.item_index(item)] = j
    draws = ParametricDraws.normal(net, dem_col, hist.mean(1), hist.std(1), 40, 16, seed=2)
    return ds, net, draws


def test_stores_take_the_fast_path(sample):
    ds, net, _ = sample
    stores = [net.location_index(loc.location) for loc in ds.locations if loc.kind.value == "store"]
    assert np.flatnonzero(fast_leaves(net)).tolist() == sorted(stores)


@pytest.mark.parametrize("lost_sales", [False, True])
def test_fast_path_equals_general_path(sample, lost_sales):
    ds, _, draws = sample
    rng = np.random.default_rng(4)
    level = rng.uniform(5, 60, (len(ds.locations), len(ds.items)))
    level[[loc.is_source for loc in ds.locations]] = np.nan
    level[0, :3] = np.nan  # some items not stocked anywhere upstream
    policies = [
        BaseStock(level, name="base"),
        BaseStock(level * 2, echelon=True, name="echelon"),
        SS(level * 0.5, level, name="sS"),
        RQ(level * 0.5, np.maximum(level * 0.25, 1.0), name="rQ"),
        RS(3, level * 1.2, name="RS"),
    ]
    kwargs = {"warmup": 5, "lost_sales": lost_sales, "discount": 0.98}
    fast = simulate(ds, policies, draws, **kwargs)
    general = simulate(ds, policies, draws, fast_path=False, **kwargs)
    for p in policies:
        assert np.array_equal(fast.runs[p.name].kpi, general.runs[p.name].kpi)
        assert np.array_equal(fast.runs[p.name].lane_kpi, general.runs[p.name].lane_kpi)
        assert fast.runs[p.name].kpi[..., 0].sum() > 0  # demand was simulated
