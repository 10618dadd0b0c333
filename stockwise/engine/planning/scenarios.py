"""Demand scenarios straight from history, for planning before (or without) forecasts."""

from __future__ import annotations

import numpy as np

from stockwise.data import Dataset
from stockwise.scenarios import ScenarioSet

SEASON = 52  # periods per year (weekly data)


def history_scenarios(
    dataset: Dataset,
    horizon: int,
    n_scenarios: int,
    seed: int = 0,
    *,
    season: int = SEASON,
    window: int = 6,
) -> ScenarioSet:
    """Seasonal block bootstrap: each scenario replays ``horizon`` consecutive periods of
    the history, for all series at once, starting within ``±window`` periods of the same
    season in an earlier year (or anywhere when the history is shorter than a season plus
    the horizon). Whole blocks keep the correlation over time and across series.

    >>> from stockwise.data.sample import generate
    >>> sc = history_scenarios(generate(0), horizon=4, n_scenarios=10, seed=1)
    >>> sc.demand.shape
    (10, 480, 4)
    """
    if horizon < 1 or n_scenarios < 1:
        raise ValueError(f"horizon and n_scenarios must be >= 1, got {horizon}, {n_scenarios}")
    keys, _, history = dataset.demand.to_matrix()
    n_hist = history.shape[1]
    if n_hist < horizon:
        raise ValueError(f"history has {n_hist} periods, fewer than the horizon {horizon}")
    next_period = n_hist  # index of the first future period
    starts = [
        next_period - year * season + offset
        for year in range(1, n_hist // season + 1)
        for offset in range(-window, window + 1)
    ]
    starts = [s for s in starts if 0 <= s <= n_hist - horizon]
    if not starts:
        starts = list(range(n_hist - horizon + 1))
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    chosen = rng.choice(np.asarray(starts), size=n_scenarios, replace=True)
    demand = np.stack([history[:, s : s + horizon] for s in chosen])
    return ScenarioSet(
        keys=tuple(keys),
        demand=np.maximum(demand, 0.0),
        weights=np.full(n_scenarios, 1.0 / n_scenarios),
        seed=seed,
    )
