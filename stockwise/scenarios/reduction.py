"""Scenario reduction: K weighted scenarios that stand in for many (fast forward selection).

Heitsch & Römisch (2003): greedily add the scenario that most reduces the probability-
weighted distance of every scenario to its nearest selected one; each removed scenario
then hands its probability to its nearest selected one. Scenarios are compared on their
*cumulative* demand per series over time, so the lead-time demand over every window that
starts now (what safety stock protects against) is kept close, not just per-period demand.
Nearest-neighbour weights shrink the tails, so the weights are then re-balanced by a small
LP to keep the mean and key quantiles of lead-time demand of the full set.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linprog
from scipy.spatial.distance import cdist

from stockwise.scenarios.scenario_set import ScenarioSet


def _features(scenarios: ScenarioSet) -> np.ndarray:
    """``S x (series * horizon)`` cumulative demand, each series scaled by its mean level."""
    cum = np.cumsum(scenarios.demand, axis=2)
    scale = np.maximum(scenarios.demand.mean(axis=(0, 2)), 1e-9)[None, :, None]
    return (cum / scale).reshape(scenarios.n_scenarios, -1)


def fast_forward_selection(features: np.ndarray, weights: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` scenarios chosen by fast forward selection (in selection order).

    >>> x = np.array([[0.0], [1.0], [2.0], [20.0], [21.0], [22.0], [23.0]])
    >>> fast_forward_selection(x, np.full(7, 1 / 7), 2)  # one scenario per cluster
    array([3, 1])
    """
    dist = cdist(features, features)
    n = len(weights)
    nearest = np.full(n, np.inf)
    chosen: list[int] = []
    free = np.ones(n, dtype=bool)
    for _ in range(k):
        cost = np.minimum(nearest[None, :], dist) @ weights
        cost[~free] = np.inf
        u = int(np.argmin(cost))
        chosen.append(u)
        free[u] = False
        nearest = np.minimum(nearest, dist[u])
    return np.array(chosen)


def lead_time_demand(demand: np.ndarray, leads) -> np.ndarray:
    """[units] ``S x series x len(leads)`` demand summed over the first ``L`` periods."""
    cum = np.cumsum(demand, axis=2)
    return cum[:, :, [min(int(lead), demand.shape[2]) - 1 for lead in leads]]


def match_weights(
    ltd: np.ndarray, targets_mean, targets_q, levels, start: np.ndarray
) -> np.ndarray:
    """Weights of the kept scenarios that best match the full set's mean and quantiles.

    An LP (HiGHS through SciPy): minimise the scaled absolute misses of the weighted mean
    and of the weighted CDF at each full-set quantile, plus a small pull towards ``start``.
    ``ltd`` is ``K x M`` (M = series x lead times); returns ``K`` weights summing to 1.
    """
    k, m = ltd.shape
    scale = np.maximum(ltd.std(axis=0), 1e-9)
    rows_a, rows_b = [(ltd / scale).T], [targets_mean / scale]
    for level, q in zip(levels, targets_q, strict=True):
        rows_a.append((ltd <= q[None, :] + 1e-9).T.astype(float))
        rows_b.append(np.full(m, level))
    a = np.vstack(rows_a)
    b = np.concatenate(rows_b)
    n_rows = a.shape[0]
    # variables: w (k), miss+ and miss- per row (2 n_rows), pull+ / pull- per weight (2k)
    eye_r, eye_k = np.eye(n_rows), np.eye(k)
    a_eq = np.block(
        [
            [a, eye_r, -eye_r, np.zeros((n_rows, 2 * k))],
            [eye_k, np.zeros((k, 2 * n_rows)), eye_k, -eye_k],
            [np.ones((1, k)), np.zeros((1, 2 * n_rows + 2 * k))],
        ]
    )
    b_eq = np.concatenate([b, start, [1.0]])
    cost = np.concatenate([np.zeros(k), np.ones(2 * n_rows), np.full(2 * k, 0.01 * n_rows / k)])
    res = linprog(cost, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
    if res.status != 0:
        return start
    w = np.maximum(res.x[:k], 0.0)
    return w / w.sum()


def reduce_scenarios(
    scenarios: ScenarioSet,
    k: int,
    *,
    lead_times=(1, 2, 4),
    levels=(0.1, 0.5, 0.9),
) -> ScenarioSet:
    """``k`` weighted scenarios chosen from ``scenarios`` by fast forward selection.

    The weights of the removed scenarios go to their nearest kept one; then the weights are
    re-balanced (:func:`match_weights`) so the mean and the ``levels`` quantiles of the
    demand over each of ``lead_times`` periods, per series, stay those of the full set.
    Lead times and outages travel with the kept scenarios.

    >>> from stockwise.scenarios import from_distribution
    >>> big = from_distribution([("A", "S1")], np.full((1, 4), 5.0), 200, seed=0)
    >>> small = reduce_scenarios(big, 10)
    >>> small.n_scenarios, round(float(small.weights.sum()), 6)
    (10, 1.0)
    """
    if not 1 <= k <= scenarios.n_scenarios:
        raise ValueError(f"k must be in 1..{scenarios.n_scenarios}, got {k}")
    feats = _features(scenarios)
    chosen = fast_forward_selection(feats, scenarios.weights, k)
    owner = np.argmin(cdist(feats, feats[chosen]), axis=1)
    weights = np.bincount(owner, weights=scenarios.weights, minlength=k)
    if k > 1 and lead_times:
        ltd = lead_time_demand(scenarios.demand, lead_times).reshape(scenarios.n_scenarios, -1)
        w = scenarios.weights
        order = np.argsort(ltd, axis=0)
        cdf = np.cumsum(w[order], axis=0)
        targets_q = [
            np.take_along_axis(ltd, order, 0)[
                np.minimum((cdf < level).sum(axis=0), len(w) - 1), np.arange(ltd.shape[1])
            ]
            for level in levels
        ]
        weights = match_weights(ltd[chosen], w @ ltd, targets_q, levels, weights)

    def pick(arr: np.ndarray | None) -> np.ndarray | None:
        return None if arr is None else arr[chosen]

    return ScenarioSet(
        keys=scenarios.keys,
        demand=scenarios.demand[chosen],
        weights=weights / weights.sum(),
        lanes=scenarios.lanes,
        lead_times=pick(scenarios.lead_times),
        lane_up=pick(scenarios.lane_up),
        seed=scenarios.seed,
    )
