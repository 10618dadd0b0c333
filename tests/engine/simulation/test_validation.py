"""Bad input to the simulator: a clear error naming the parameter and what was expected."""

from __future__ import annotations

import numpy as np
import pytest

from stockwise.engine.policy import RQ, RS, SS, BaseStock, FollowPlan
from stockwise.engine.simulation import Draws, ParametricDraws, pack, simulate
from stockwise.scenarios import from_distribution
from tests.engine.simulation.instances import serial

DS = serial([2])
SC = from_distribution([("I0", "N1")], np.full((1, 5), 3.0), 4, seed=0)
LEVEL = np.array([[np.nan], [10.0]])


@pytest.mark.parametrize(
    ("policies", "kwargs", "message"),
    [
        ([BaseStock(np.ones((3, 1)))], {}, r"order_up_to must be locations x items \(2, 1\)"),
        ([SS(LEVEL, LEVEL - 1)], {}, r"order_up_to \(S\) must be >= reorder_point \(s\)"),
        ([RQ(LEVEL, LEVEL * 0)], {}, r"order_quantity \(Q\) must be > 0"),
        ([RS(0, LEVEL)], {}, "review_period must be >= 1"),
        ([FollowPlan()], {}, "needs a replanner"),
        ([BaseStock(LEVEL), BaseStock(LEVEL)], {}, "policy names must be unique"),
        ([BaseStock(LEVEL)], {"warmup": 5}, r"warmup must be in 0\.\.4"),
        ([BaseStock(LEVEL)], {"discount": 1.5}, r"discount must be in \(0, 1\]"),
        ([BaseStock(LEVEL)], {"periods": 9}, r"periods must be in 1\.\.5"),
        (["base-stock"], {}, "cannot run a str"),
    ],
)
def test_bad_arguments_are_named(policies, kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        simulate(DS, policies, SC, **kwargs)


def test_scenarios_for_another_network_are_named():
    other = from_distribution([("I0", "ELSEWHERE")], np.full((1, 5), 3.0), 2, seed=0)
    with pytest.raises(ValueError, match=r"series 0 \(I0, ELSEWHERE\) is not in the network"):
        simulate(DS, [BaseStock(LEVEL)], other)
    at_source = from_distribution([("I0", "SUPPLIER")], np.full((1, 5), 3.0), 2, seed=0)
    with pytest.raises(ValueError, match="demand at source SUPPLIER"):
        simulate(DS, [BaseStock(LEVEL)], at_source)


def test_draws_that_do_not_fit_the_network_are_named():
    net = pack(DS)
    cols = np.array([-1, 0])  # SUPPLIER, N1
    good = ParametricDraws.normal(net, cols, [3.0], [1.0], 5, 4, seed=0)
    assert simulate(DS, [BaseStock(LEVEL)], good).replications == 4
    with pytest.raises(ValueError, match=r"dem_col must have one entry per location and item"):
        simulate(
            DS, [BaseStock(LEVEL)], ParametricDraws.normal(net, cols[:1], [3.0], [1.0], 5, 4, 0)
        )
    pre = good.materialize()
    with pytest.raises(ValueError, match="draws: 2 lanes, the network has 1"):
        simulate(
            DS,
            [BaseStock(LEVEL)],
            Draws(pre.demand, cols, *(np.repeat(a, 2, axis=2) for a in (pre.lead, pre.lane_up))),
        )
    with pytest.raises(ValueError, match="dem_col points past the 1 demand series"):
        simulate(
            DS, [BaseStock(LEVEL)], Draws(pre.demand, np.array([-1, 1]), pre.lead, pre.lane_up)
        )
    with pytest.raises(ValueError, match=r"mean must be series \(1,\) or periods x series"):
        ParametricDraws.normal(net, cols, np.ones((3, 1)), [1.0], 5, 4, seed=0)
