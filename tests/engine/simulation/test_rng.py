"""The in-kernel generator (xoshiro256** + ziggurat) against the normal distribution."""

from __future__ import annotations

import numba
import numpy as np
import pytest
from numba import njit
from scipy import stats

from stockwise.engine.simulation import rng

N = 1_000_000


@njit
def _normals(states, zig, per_stream):
    """``len(states) x per_stream`` standard normals, one stream per row."""
    out = np.empty((states.shape[0], per_stream))
    mean, sd = np.zeros(per_stream), np.ones(per_stream)
    for r in range(states.shape[0]):
        rng.fill_normal(states[r], zig, mean, sd, out[r])
    return out


@pytest.fixture(scope="module")
def z() -> np.ndarray:
    return _normals(rng.seed_states(11, 4), rng.ziggurat_tables(), N // 4)


def test_ziggurat_layers_have_equal_area():
    """Each of the 256 layers under exp(-x^2 / 2) has the same area: the 255 rectangles
    and the base strip with its tail (computed here with scipy, independently)."""
    k, w, f = rng.ziggurat_tables()
    x = w * 2.0**52  # right edge of each layer; x[0] is the base strip's width V / f(R)
    r = x[-1]
    area = r * np.exp(-r * r / 2) + np.sqrt(2 * np.pi) * stats.norm.sf(r)
    assert np.allclose(x[0] * f[-1], area, rtol=1e-9)  # the base strip
    assert np.allclose(x[2:] * (f[1:-1] - f[2:]), area, rtol=1e-9)
    assert np.allclose(x[1] * (1 - f[1]), area, rtol=1e-6)  # the top one closes the stack
    assert np.allclose(f[1:], np.exp(-(x[1:] ** 2) / 2), rtol=1e-12)
    # acceptance bounds: the share of each layer that lies under the next one
    assert np.array_equal(k[2:], np.floor(x[1:-1] / x[2:] * 2.0**52))
    assert k[0] == np.floor(r / x[0] * 2.0**52) and k[1] == 0


def test_moments_match_the_standard_normal(z):
    x = z.ravel()
    n = len(x)
    assert abs(x.mean()) < 5 / np.sqrt(n)
    assert abs(x.var() - 1) < 5 * np.sqrt(2 / n)
    assert abs(stats.skew(x)) < 5 * np.sqrt(6 / n)
    assert abs(stats.kurtosis(x)) < 5 * np.sqrt(24 / n)


def test_distribution_matches_scipy_norm(z):
    x = z.ravel()
    assert stats.kstest(x, stats.norm.cdf).pvalue > 1e-3
    # 200 equiprobable bins: a wrong ziggurat layer shows as a local excess or deficit
    edges = stats.norm.ppf(np.linspace(0, 1, 201))
    counts, _ = np.histogram(x, edges)
    assert stats.chisquare(counts).pvalue > 1e-3
    # the tail beyond the base layer (|z| > 3.654) and the wedges are drawn apart
    for cut in (2.0, 3.0, 3.654, 4.0):
        p = 2 * stats.norm.sf(cut)
        hits = (np.abs(x) > cut).sum()
        assert abs(hits - len(x) * p) < 5 * np.sqrt(len(x) * p * (1 - p)) + 1


def test_streams_and_lags_are_uncorrelated(z):
    n = z.shape[1]
    bound = 5 / np.sqrt(n)
    for a in range(z.shape[0]):
        assert abs(np.corrcoef(z[a, 1:], z[a, :-1])[0, 1]) < bound
        for b in range(a + 1, z.shape[0]):
            assert abs(np.corrcoef(z[a], z[b])[0, 1]) < bound


def test_replication_streams_depend_on_seed_and_index_only():
    states = rng.seed_states(3, 10)
    assert np.array_equal(rng.seed_states(3, 4, start=6), states[6:])
    assert len({tuple(s) for s in states}) == 10
    assert not np.array_equal(rng.seed_states(4, 10), states)
    # the child states are those of SeedSequence.spawn, the project's convention
    child = np.random.SeedSequence(3).spawn(10)[7]
    assert np.array_equal(states[7], child.generate_state(4, np.uint64))


def test_materialize_is_the_same_for_any_thread_count():
    zig = rng.ziggurat_tables()
    periods, series, lanes = 30, 7, 3
    mean = np.linspace(-2.0, 10.0, periods * series).reshape(periods, series)
    sd = np.full((periods, series), 3.0)
    lead_mean, lead_sd = np.array([1.0, 4.0, 2.5]), np.array([0.0, 2.0, 0.7])
    lead_max = np.maximum(np.ceil(lead_mean + 8 * lead_sd), 1).astype(np.int64)
    out = []
    before = numba.get_num_threads()
    try:
        for threads in (1, numba.config.NUMBA_NUM_THREADS):
            numba.set_num_threads(threads)
            demand = np.empty((16, periods, series))
            lead = np.empty((16, periods, lanes), dtype=np.int64)
            states = rng.seed_states(5, 16)
            rng.materialize(states, zig, mean, sd, lead_mean, lead_sd, lead_max, demand, lead)
            out.append((demand, lead))
    finally:
        numba.set_num_threads(before)
    assert np.array_equal(out[0][0], out[1][0])
    assert np.array_equal(out[0][1], out[1][1])
    demand, lead = out[0]
    assert (demand >= 0).all() and (lead >= 1).all() and (lead <= lead_max).all()
    assert (lead[:, :, 0] == 1).all()  # sd 0: the rounded mean
