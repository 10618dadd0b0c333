"""Draws made inside the kernel (``ParametricDraws``): the same numbers as the pre-drawn
path, the same for every policy and thread count, and the stated demand model."""

from __future__ import annotations

import numba
import numpy as np
import pytest
from scipy import stats

from stockwise.data.sample import generate
from stockwise.engine.policy import RQ, SS, BaseStock
from stockwise.engine.simulation import ParametricDraws, pack, simulate
from stockwise.engine.simulation import kernel as k


@pytest.fixture(scope="module")
def sample():
    ds = generate(0)
    net = pack(ds)
    keys, _, hist = ds.demand.to_matrix()
    dem_col = np.full(net.n_locations * net.n_items, -1, dtype=np.int64)
    for j, (item, loc) in enumerate(keys):
        dem_col[net.location_index(loc) * net.n_items + net.item_index(item)] = j
    mean, sd = hist.mean(axis=1), hist.std(axis=1)
    level = np.full((len(ds.locations), len(ds.items)), np.nan)
    stocked = [i for i, loc in enumerate(ds.locations) if not loc.is_source]
    level[stocked] = 3 * mean.mean()
    level[[i for i, loc in enumerate(ds.locations) if loc.kind.value == "dc"]] *= 4
    policies = [
        BaseStock(level, name="base"),
        BaseStock(level * 1.5, echelon=True, name="echelon"),
        SS(level * 0.6, level, name="sS"),
        RQ(level * 0.5, np.maximum(level * 0.3, 1.0), name="rQ"),
    ]
    return ds, net, dem_col, mean, sd, policies


def _equal(a, b) -> None:
    for name in a.policies:
        assert np.array_equal(a.runs[name].kpi, b.runs[name].kpi)
        assert np.array_equal(a.runs[name].lane_kpi, b.runs[name].lane_kpi)


@pytest.mark.parametrize("lost_sales", [False, True])
def test_in_kernel_draws_equal_the_materialized_draws(sample, lost_sales):
    ds, net, dem_col, mean, sd, policies = sample
    draws = ParametricDraws.normal(net, dem_col, mean, sd, 30, 24, seed=8)
    kwargs = {"warmup": 7, "lost_sales": lost_sales, "discount": 0.99}  # 2 kernel segments
    inline = simulate(ds, policies, draws, **kwargs)
    _equal(inline, simulate(ds, policies, draws.materialize(), **kwargs))
    # a block of replications is the same numbers as those replications of the whole run
    for part in (draws.materialize(start=10, count=5), draws.block(10, 5)):
        res = simulate(ds, policies[:1], part, **kwargs)
        for name in ("kpi", "lane_kpi"):
            whole = getattr(inline.runs["base"], name)[10:15]
            assert np.array_equal(getattr(res.runs["base"], name), whole)


def test_same_seed_same_results_for_any_thread_count_and_common_demand(sample):
    ds, net, dem_col, mean, sd, policies = sample
    draws = ParametricDraws.normal(net, dem_col, mean, sd, 20, 32, seed=3)
    runs = []
    before = numba.get_num_threads()
    try:
        for threads in (1, numba.config.NUMBA_NUM_THREADS):
            numba.set_num_threads(threads)
            runs.append(simulate(ds, policies, draws))
    finally:
        numba.set_num_threads(before)
    _equal(*runs)
    demand = [runs[0].runs[p.name].kpi[..., k.DEMAND] for p in policies]
    assert all(np.array_equal(demand[0], d) for d in demand[1:])
    other = simulate(ds, policies[:1], ParametricDraws.normal(net, dem_col, mean, sd, 20, 32, 4))
    assert not np.array_equal(other.runs["base"].kpi[..., k.DEMAND], demand[0])


def test_draws_follow_the_stated_model(sample):
    _, net, dem_col, _, _, _ = sample
    mean = np.array([5.0, 0.5, -1.0])  # truncation at 0 matters for the last two
    sd = np.array([2.0, 1.0, 1.5])
    cols = np.full(net.n_locations * net.n_items, -1, dtype=np.int64)
    cols[-3:] = [0, 1, 2]
    draws = ParametricDraws.normal(net, cols, mean, sd, 50, 400, seed=1).materialize()
    x = draws.demand.reshape(-1, 3)
    a = mean / sd
    expected = mean * stats.norm.cdf(a) + sd * stats.norm.pdf(a)  # E[max(N(m, s), 0)]
    assert (np.abs(x.mean(axis=0) - expected) < 5 * x.std(axis=0) / np.sqrt(len(x))).all()
    assert np.allclose((x == 0).mean(axis=0), stats.norm.cdf(-a), atol=0.01)
    # lead times: round(N(mean, sd)) floored at 1, each lane's frequencies
    for lane in range(len(net.lanes)):
        m, s = net.lead_mean[lane], net.lead_sd[lane]
        lead = draws.lead[:, :, lane].ravel()
        for value in range(1, int(m + 3 * s) + 1):
            lo = -np.inf if value == 1 else value - 0.5
            p = stats.norm.cdf(value + 0.5, m, s) - stats.norm.cdf(lo, m, s) if s > 0 else 0.0
            if s > 0:
                tol = 5 * np.sqrt(p * (1 - p) / len(lead)) + 1e-9
                assert abs((lead == value).mean() - p) <= tol
            else:
                assert (lead == max(round(m), 1)).all()


def test_bad_parameters_are_named(sample):
    _, net, dem_col, mean, sd, _ = sample
    with pytest.raises(ValueError, match="sd must be finite and >= 0"):
        ParametricDraws.normal(net, dem_col, mean, -sd, 10, 4, seed=0)
    with pytest.raises(ValueError, match="replications must be >= 1"):
        ParametricDraws.normal(net, dem_col, mean, sd, 10, 0, seed=0)
    with pytest.raises(ValueError, match="dem_col points past"):
        ParametricDraws.normal(net, dem_col, mean[:3], sd[:3], 10, 4, seed=0)
