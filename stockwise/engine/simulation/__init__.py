"""Monte Carlo simulation of replenishment policies on a multi-echelon network.

>>> from stockwise.data.sample import generate
>>> from stockwise.engine.policy import BaseStock
>>> from stockwise.engine.simulation import pack, simulate
>>> from stockwise.scenarios import from_distribution
>>> import numpy as np
>>> ds = generate(0)
>>> keys, _, hist = ds.demand.to_matrix()
>>> sc = from_distribution(keys, np.repeat(hist.mean(1, keepdims=True), 8, 1), 20, seed=1,
...                        lanes=ds.lanes)
>>> levels = np.full((len(ds.locations), len(ds.items)), 30.0)
>>> res = simulate(ds, [BaseStock(levels)], sc)
>>> res.replications, res.periods
(20, 8)
"""

from stockwise.engine.simulation.network import SimNetwork, pack
from stockwise.engine.simulation.replan import OptimizerReplanner, PlanState, Replanner
from stockwise.engine.simulation.result import METRICS, PolicyRun, SimulationResult
from stockwise.engine.simulation.run import (
    Draws,
    ParametricDraws,
    draws_from_scenarios,
    simulate,
)

__all__ = [
    "METRICS",
    "Draws",
    "OptimizerReplanner",
    "ParametricDraws",
    "PlanState",
    "PolicyRun",
    "Replanner",
    "SimNetwork",
    "SimulationResult",
    "draws_from_scenarios",
    "pack",
    "simulate",
]
