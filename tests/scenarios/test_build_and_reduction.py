"""Scenario sets: seeded draws, and reduction that keeps lead-time demand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stockwise.data import Lane
from stockwise.forecasting import ForecastResult
from stockwise.scenarios import (
    Outage,
    ScenarioSet,
    from_distribution,
    from_forecast,
    reduce_scenarios,
)

KEYS = [("A", "S1"), ("B", "S1")]
LANES = [Lane("SUP", "S1", 3.0, 1.0), Lane("SUP", "S2", 2.0, 0.0)]


def test_same_seed_same_set_and_scenario_s_does_not_depend_on_the_count():
    mean = np.full((2, 6), 4.0)
    a = from_distribution(KEYS, mean, 10, seed=7, lanes=LANES)
    b = from_distribution(KEYS, mean, 10, seed=7, lanes=LANES)
    c = from_distribution(KEYS, mean, 25, seed=7, lanes=LANES)
    assert np.array_equal(a.demand, b.demand) and np.array_equal(a.lead_times, b.lead_times)
    assert np.array_equal(a.demand, c.demand[:10])  # spawned streams: a prefix is stable
    assert not np.array_equal(a.demand, from_distribution(KEYS, mean, 10, seed=8).demand)


def test_lead_time_draws_and_outages():
    sc = from_distribution(
        KEYS, np.full((2, 400), 4.0), 300, seed=1, lanes=LANES,
        outages=[Outage(2, 5, origin="SUP", probability=0.5)],
    )  # fmt: skip
    lead = sc.lead_times
    assert lead.min() >= 1
    assert abs(lead[:, 0].mean() - 3.0) < 0.05 and abs(lead[:, 0].std() - 1.0) < 0.1
    assert (lead[:, 1] == 2).all()  # sd 0: the mean
    down = ~sc.lane_up[:, 0, 2:5].any(axis=1)
    assert abs(down.mean() - 0.5) < 0.1  # drawn per scenario
    assert sc.lane_up[:, :, :2].all() and sc.lane_up[:, :, 5:].all()
    assert np.array_equal(sc.lane_up[:, 0], sc.lane_up[:, 1])  # same supplier, both lanes


def test_from_forecast_keeps_joint_paths():
    rng = np.random.default_rng(0)
    paths = rng.gamma(2.0, 3.0, size=(2, 50, 5))
    fc = ForecastResult(tuple(KEYS), paths, pd.RangeIndex(5), pd.DataFrame())
    sc = from_forecast(fc, 50, seed=0, horizon=4)
    assert np.array_equal(sc.demand, paths[:, :, :4].transpose(1, 0, 2))
    more = from_forecast(fc, 200, seed=0)  # resampled path indices, same index per series
    pairs = {tuple(more.demand[s, :, 0]) for s in range(200)}
    assert pairs <= {tuple(paths[:, p, 0]) for p in range(50)}
    with pytest.raises(ValueError, match="horizon"):
        from_forecast(fc, 5, seed=0, horizon=9)


LEADS, LEVELS = (1, 3, 6), (0.1, 0.5, 0.9)


def misses(full, small) -> np.ndarray:
    """Per series and lead time: |CDF miss| at the full set's 10/50/90 % quantiles of
    lead-time demand, and |mean miss| in standard deviations."""
    out = []
    for lead in LEADS:
        ltd_full = full.demand[:, :, :lead].sum(axis=2)
        ltd_small = small.demand[:, :, :lead].sum(axis=2)
        for j in range(ltd_full.shape[1]):
            x = ltd_full[:, j]
            for q in LEVELS:
                exact = np.quantile(x, q, method="inverted_cdf")
                out.append(abs(small.weights[ltd_small[:, j] <= exact].sum() - (x <= exact).mean()))
            out.append(abs(small.weights @ ltd_small[:, j] - x.mean()) / x.std())
    return np.array(out)


def test_reduction_keeps_mean_and_quantiles_of_lead_time_demand():
    rng = np.random.default_rng(3)
    mean = rng.uniform(2, 20, size=(6, 8))
    full = from_distribution(
        [(f"I{j}", "S") for j in range(6)], mean, 1000, seed=2, sd=0.6 * mean,
        distribution="negative_binomial",
    )  # fmt: skip
    reduced = misses(full, reduce_scenarios(full, 40, lead_times=LEADS, levels=LEVELS))
    selection_only = misses(full, reduce_scenarios(full, 40, lead_times=()))
    pick = np.random.default_rng(5).choice(1000, 40, replace=False)
    random = misses(full, ScenarioSet.from_arrays(full.keys, full.demand[pick]))
    # 40 random draws miss a CDF by ~sqrt(q(1-q)/40) = 0.05..0.08; the reduction does better.
    assert reduced.mean() < 0.035 and reduced.max() < 0.15
    assert reduced.mean() < 0.6 * selection_only.mean() < 0.6 * random.mean()


def test_reduction_merges_duplicates_into_weights():
    base = from_distribution(KEYS, np.full((2, 3), 5.0), 4, seed=0, lanes=LANES)
    demand = np.concatenate([base.demand[:1].repeat(3, 0), base.demand[1:2]])  # 3 copies + 1
    sc = type(base).from_arrays(KEYS, demand)
    small = reduce_scenarios(sc, 2)
    assert sorted(small.weights.round(6)) == [0.25, 0.75]
    with pytest.raises(ValueError, match="k must be"):
        reduce_scenarios(sc, 5)
