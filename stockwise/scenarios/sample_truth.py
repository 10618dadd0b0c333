"""The sample data's own future: its demand process continued past the 156 weeks of history.

``stockwise.data.sample.generate(seed)`` draws weeks 0..155 of
:class:`~stockwise.data.sample.SampleProcess`; :func:`from_sample_process` draws the weeks
after them, with the same levels, store sizes, trend, seasonality, price elasticities and
dispersion, and the seed's calendar of list prices and promotions (known in advance: the
same in every scenario). It is the ground truth to run closed-loop benchmarks against;
a planner draws its own futures from it with another ``scenario_seed``, or forecasts.
"""

from __future__ import annotations

import numpy as np

from stockwise.data.sample import N_WEEKS, sample_process
from stockwise.scenarios.build import from_distribution
from stockwise.scenarios.scenario_set import ScenarioSet


def from_sample_process(
    seed: int, periods: int, n_scenarios: int, scenario_seed: int, *, start: int = 0
) -> ScenarioSet:
    """``n_scenarios`` futures of the sample ``generate(seed)``, weeks ``156 + start`` to
    ``156 + start + periods - 1`` (``start`` = 0: the first planning week).

    Demand per series and week is negative binomial with the process's mean μ and
    variance μ + μ²/k, independent over series and weeks; lead times are drawn per lane
    and week as :func:`~stockwise.scenarios.from_distribution` draws them. Scenario ``s``
    draws from ``default_rng(SeedSequence(scenario_seed).spawn(n_scenarios)[s])``, so it is
    the same whatever ``n_scenarios`` is.

    seed : the sample's seed (its parameters and price/promotion calendar)
    periods : [weeks] horizon, at least 1
    n_scenarios : S, at least 1
    scenario_seed : seed of the draws
    start : [weeks] offset after the history's last week, at least 0

    >>> sc = from_sample_process(0, periods=4, n_scenarios=3, scenario_seed=1)
    >>> sc.demand.shape, sc.lead_times.shape, sc.keys[0]
    ((3, 480, 4), (3, 14, 4), ('SKU001', 'ST01'))
    """
    if periods < 1 or n_scenarios < 1 or start < 0:
        raise ValueError(
            "need periods >= 1, n_scenarios >= 1 and start >= 0, got "
            f"{periods}, {n_scenarios} and {start}"
        )
    process = sample_process(seed)
    mean = process.mean(N_WEEKS + start + np.arange(periods))
    return from_distribution(
        process.keys,
        mean,
        n_scenarios,
        scenario_seed,
        sd=np.sqrt(process.variance(mean)),
        distribution="negative_binomial",
        lanes=process.lanes,
    )
