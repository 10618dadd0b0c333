"""Scenario sets drawn from forecasts or distributions, with lead-time draws and outages.

Every scenario draws from its own generator, ``default_rng(SeedSequence(seed).spawn(S)[s])``:
scenario ``s`` is the same whatever ``S`` is, and the same seed always gives the same set.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from stockwise.data import Dataset, Lane
from stockwise.scenarios.scenario_set import LaneKey, ScenarioSet, SeriesKey

if TYPE_CHECKING:
    from stockwise.forecasting import ForecastResult


@dataclass(frozen=True, slots=True)
class Outage:
    """A window in which lanes cannot ship (a supplier outage or a closed route).

    origin : every lane leaving this location is down (a supplier outage), or ``None``
    lane : the one ``(origin, destination)`` lane that is down, or ``None``
    start, end : [periods] 0-based, the lanes are down for ``start <= t < end``
    probability : chance the outage happens in a scenario (drawn per scenario)
    """

    start: int
    end: int
    origin: str | None = None
    lane: LaneKey | None = None
    probability: float = 1.0

    def __post_init__(self) -> None:
        if (self.origin is None) == (self.lane is None):
            raise ValueError("outage: give exactly one of 'origin' or 'lane'")
        if not 0 <= self.start < self.end:
            raise ValueError(f"outage: need 0 <= start < end, got {self.start}, {self.end}")
        if not 0.0 <= self.probability <= 1.0:
            raise ValueError(f"outage: probability must be in [0, 1], got {self.probability}")

    def hits(self, lane: LaneKey) -> bool:
        return lane == self.lane or lane[0] == self.origin


def _generators(seed: int, n: int) -> list[np.random.Generator]:
    return [np.random.default_rng(child) for child in np.random.SeedSequence(seed).spawn(n)]


def draw_lead_times(lanes: Sequence[Lane], horizon: int, rng: np.random.Generator) -> np.ndarray:
    """``lanes x horizon`` whole-period lead times: ``round(N(mean, sd))``, at least 1."""
    mean = np.array([ln.lead_time_mean for ln in lanes], dtype=float)[:, None]
    sd = np.array([ln.lead_time_sd for ln in lanes], dtype=float)[:, None]
    draw = mean + sd * rng.standard_normal((len(lanes), horizon))
    return np.maximum(np.rint(draw), 1).astype(np.int64)


def _disruptions(
    lanes: Sequence[Lane], horizon: int, outages: Sequence[Outage], rng: np.random.Generator
) -> np.ndarray:
    up = np.ones((len(lanes), horizon), dtype=bool)
    for outage in outages:
        if rng.random() >= outage.probability:
            continue
        for j, lane in enumerate(lanes):
            if outage.hits(lane.key):
                up[j, outage.start : outage.end] = False
    return up


def _assemble(
    keys: Sequence[SeriesKey],
    demand: np.ndarray,
    lanes: Sequence[Lane],
    rngs: list[np.random.Generator],
    outages: Sequence[Outage],
    lead_times: bool,
    seed: int,
) -> ScenarioSet:
    s_count, _, horizon = demand.shape
    lead = up = None
    if lanes:
        if lead_times:
            lead = np.stack([draw_lead_times(lanes, horizon, g) for g in rngs])
        up = np.stack([_disruptions(lanes, horizon, outages, g) for g in rngs])
    return ScenarioSet(
        keys=tuple(tuple(k) for k in keys),
        demand=demand,
        weights=np.full(s_count, 1.0 / s_count),
        lanes=tuple(ln.key for ln in lanes),
        lead_times=lead,
        lane_up=up,
        seed=seed,
    )


def from_forecast(
    forecast: ForecastResult,
    n_scenarios: int,
    seed: int,
    *,
    lanes: Sequence[Lane] = (),
    horizon: int | None = None,
    outages: Sequence[Outage] = (),
    lead_times: bool = True,
) -> ScenarioSet:
    """``n_scenarios`` futures from the forecast's sample paths.

    Scenario ``s`` takes path ``s`` of every series when there are enough paths, else a
    path index drawn uniformly (the same index for all series, keeping their joint draw).
    With ``lanes``, each scenario also draws lead times (``lead_times=True``) and the
    ``outages``.

    >>> import numpy as np, pandas as pd
    >>> from stockwise.forecasting import ForecastResult
    >>> fc = ForecastResult((("A", "S1"),), np.ones((1, 5, 3)), pd.RangeIndex(3), pd.DataFrame())
    >>> from_forecast(fc, 4, seed=1).demand.shape
    (4, 1, 3)
    """
    horizon = forecast.horizon if horizon is None else int(horizon)
    if not 1 <= horizon <= forecast.horizon:
        raise ValueError(f"horizon must be in 1..{forecast.horizon}, got {horizon}")
    if n_scenarios < 1:
        raise ValueError(f"n_scenarios must be >= 1, got {n_scenarios}")
    rngs = _generators(seed, n_scenarios)
    if forecast.n_paths >= n_scenarios:
        index = np.arange(n_scenarios)
    else:
        index = np.array([g.integers(forecast.n_paths) for g in rngs])
    demand = np.maximum(forecast.paths[:, index, :horizon].transpose(1, 0, 2), 0.0)
    return _assemble(forecast.keys, demand, lanes, rngs, outages, lead_times, seed)


def from_distribution(
    keys: Sequence[SeriesKey],
    mean: np.ndarray,
    n_scenarios: int,
    seed: int,
    *,
    sd: np.ndarray | None = None,
    distribution: str = "poisson",
    lanes: Sequence[Lane] = (),
    outages: Sequence[Outage] = (),
    lead_times: bool = True,
) -> ScenarioSet:
    """Independent demand per series and period.

    mean, sd : [units / period] ``series x horizon`` (``sd`` for ``normal`` and
        ``negative_binomial``; the negative binomial needs ``sd**2 > mean``)
    distribution : ``poisson``, ``normal`` (truncated at 0) or ``negative_binomial``

    >>> sc = from_distribution([("A", "S1")], np.full((1, 4), 5.0), 3, seed=0)
    >>> sc.demand.shape, sc.seed
    ((3, 1, 4), 0)
    """
    mean = np.asarray(mean, dtype=float)
    if mean.ndim != 2 or mean.shape[0] != len(keys):
        raise ValueError(f"mean must be series x horizon with {len(keys)} series")
    if distribution not in ("poisson", "normal", "negative_binomial"):
        raise ValueError(
            f"distribution must be poisson, normal or negative_binomial, got {distribution!r}"
        )
    if distribution != "poisson":
        if sd is None:
            raise ValueError(f"distribution {distribution!r} needs sd")
        sd = np.broadcast_to(np.asarray(sd, dtype=float), mean.shape)
    rngs = _generators(seed, n_scenarios)
    demand = np.empty((n_scenarios, *mean.shape))
    for s, g in enumerate(rngs):
        if distribution == "poisson":
            demand[s] = g.poisson(mean)
        elif distribution == "normal":
            demand[s] = np.maximum(mean + sd * g.standard_normal(mean.shape), 0.0)
        else:
            var = np.maximum(sd**2, mean * (1 + 1e-9))
            p = mean / var
            demand[s] = g.negative_binomial(mean * p / (1 - p), p)
    return _assemble(keys, demand, lanes, rngs, outages, lead_times, seed)


def from_history(
    dataset: Dataset,
    periods: int,
    n_scenarios: int,
    seed: int,
    *,
    window: int = 52,
    outages: Sequence[Outage] = (),
    lead_times: bool = True,
) -> ScenarioSet:
    """Futures without a forecast: each series' mean and spread over its last ``window``
    periods, drawn negative binomial (Poisson where the history is not over-dispersed),
    with lead times drawn for every lane of ``dataset``.

    >>> from stockwise.data.sample import generate
    >>> from_history(generate(0), 6, 10, seed=0).demand.shape
    (10, 480, 6)
    """
    keys, _, history = dataset.demand.to_matrix()
    recent = history[:, -window:]
    mean = np.repeat(recent.mean(axis=1, keepdims=True), periods, axis=1)
    sd = np.repeat(recent.std(axis=1, ddof=1, keepdims=True), periods, axis=1)
    return from_distribution(
        keys,
        mean,
        n_scenarios,
        seed,
        sd=np.nan_to_num(sd),
        distribution="negative_binomial",
        lanes=dataset.lanes,
        outages=outages,
        lead_times=lead_times,
    )
