""" "Follow the plan, re-plan every k periods" with the stochastic order-plan optimizer."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from stockwise.data import InventoryState, StockPosition
from stockwise.engine.policy import FollowPlan
from stockwise.engine.simulation import OptimizerReplanner, simulate
from stockwise.scenarios import Outage, from_distribution
from tests.engine.simulation.instances import serial

pytest.importorskip("stockwise.engine.planning")

PERIODS = 12


def instance():
    ds = serial([2], holding_rate=1.0, penalty=10.0)
    state = InventoryState((StockPosition("I0", "N1", 25.0),))
    return dataclasses.replace(ds, inventory=state)


def constant(ds, periods: int, n: int, seed: int, outages=()):
    mean = np.full((1, periods), 10.0)
    return from_distribution(
        [("I0", "N1")], mean, n, seed, sd=0.0, distribution="normal", lanes=ds.lanes,
        outages=outages,
    )  # fmt: skip


@pytest.mark.parametrize("every", [1, 3])
def test_replanning_on_known_demand_matches_the_hand_computed_plan(every):
    # 25 on hand, 10 demanded per period, lead time 2: periods 0 and 1 use the stock on
    # hand (15 and 5 left, holding 20), then arrivals cover demand exactly: no shortage.
    ds = instance()
    policy = FollowPlan(replan_every=every, horizon=6, n_scenarios=4)
    planner = OptimizerReplanner(ds, constant(ds, PERIODS + 6, 4, seed=1))
    res = simulate(ds, [policy], constant(ds, PERIODS, 3, seed=0), replanner=planner)
    reps = res.per_replication(policy.name)
    assert planner.failures == 0
    np.testing.assert_allclose(reps["holding"], 20.0, atol=1e-6)
    np.testing.assert_allclose(reps["shortage"], 0.0, atol=1e-6)
    # 120 demanded - 25 on hand + 20 ordered in the last 2 periods for the planned future
    np.testing.assert_allclose(reps["purchase"], 115.0, atol=1e-6)
    assert res.runs[policy.name].plans == 3 * -(-PERIODS // every)


def test_replanning_prebuilds_stock_before_a_known_outage():
    # The supplier cannot ship in periods 4..7: the plan orders ahead so nothing is short.
    ds = instance()
    outage = [Outage(4, 8, origin="SUPPLIER")]
    policy = FollowPlan(replan_every=1, horizon=8, n_scenarios=2)
    planner = OptimizerReplanner(ds, constant(ds, PERIODS + 8, 2, seed=1, outages=outage))
    res = simulate(ds, [policy], constant(ds, PERIODS, 2, seed=0, outages=outage),
                   replanner=planner)  # fmt: skip
    reps = res.per_replication(policy.name)
    np.testing.assert_allclose(reps["shortage"], 0.0, atol=1e-6)
    assert (reps["holding"] > 20.0 + 1.0).all()  # it had to hold stock through the outage
