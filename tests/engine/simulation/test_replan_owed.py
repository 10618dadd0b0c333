"""The re-planner's hand-over of units owed upstream: they come out of the upstream's
stock (on hand, then arrivals), never in addition to it."""

from __future__ import annotations

import numpy as np
import pytest

from stockwise.engine.policy import FollowPlan
from stockwise.engine.simulation import OptimizerReplanner
from stockwise.engine.simulation.network import pack
from stockwise.engine.simulation.replan import PlanState
from stockwise.scenarios import from_distribution
from tests.engine.simulation.instances import serial

pytest.importorskip("stockwise.engine.planning")

HORIZON = 6


@pytest.mark.parametrize("on_hand", [0.0, 4.0])
def test_owed_units_are_not_counted_twice(on_hand):
    # SUPPLIER -(2)-> N2 -(1)-> N1; N1 faces 10 per period, backordered. N2 owes N1 10
    # units and holds ``on_hand`` with 10 arriving next period: the 10 owed are all the
    # stock in the chain. The 60 demanded in the horizon are all served by its end from
    # 10 + 50 bought in periods 0..2 (bought later, nothing arrives in time); counting the
    # owed units on top of N2's stock would buy only 50 - on_hand.
    ds = serial([2, 1], holding_rate=0.0, penalty=10.0)
    net = pack(ds)
    mean = np.full((1, HORIZON), 10.0)
    scenarios = from_distribution(
        [("I0", "N1")], mean, 1, 0, sd=0.0, distribution="normal", lanes=ds.lanes
    )
    n2 = net.location_index("N2")
    stock = np.zeros((net.n_locations, 1))
    stock[n2] = on_hand
    arriving = np.zeros((net.n_locations, 1, 4))
    arriving[n2, 0, 1] = 10.0 - on_hand
    owed = np.zeros((len(net.lanes), 1))
    owed[net.lane_index("N2", "N1")] = 10.0
    state = PlanState(0, net, False, stock, np.zeros_like(stock), owed, arriving)

    orders = OptimizerReplanner(ds, scenarios)(state, FollowPlan(horizon=HORIZON, n_scenarios=1))

    bought = orders[net.lane_index("SUPPLIER", "N2"), 0]
    assert bought[:3].sum() == pytest.approx(50.0)
    # the owed units reach N1 one period after N2 has them: nothing ships before
    shipped = orders[net.lane_index("N2", "N1"), 0]
    assert shipped[:2].sum() == pytest.approx(0.0)
    assert shipped.sum() == pytest.approx(50.0)
