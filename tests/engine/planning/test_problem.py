"""Building problems: lead times and disruptions per scenario, clear errors on bad input."""

from __future__ import annotations

import numpy as np
import pytest

from stockwise.data import Item, Lane
from stockwise.engine.planning import ProblemError, build_problem, plan_orders
from stockwise.engine.planning.problem import arrival_periods
from stockwise.scenarios import ScenarioSet
from tests.engine.planning.tiny import store_dataset, store_problem

ITEM = Item("A", unit_cost=1.0, holding_cost_rate=0.1, shortage_penalty=2.0)


def test_arrivals_follow_scenario_lead_times_and_wait_out_disruptions():
    lanes = (Lane("S", "D", 2.0),)
    lead = np.array([[[1, 1, 1, 1]], [[0, 3, 0, 2]], [[3, 1, 1, 1]]])
    up = np.array(
        [[[True, True, True, True]], [[True, False, False, True]], [[True, True, True, True]]]
    )
    sc = ScenarioSet(
        keys=(),
        demand=np.zeros((3, 0, 4)),
        weights=np.full(3, 1 / 3),
        lanes=(("S", "D"),),
        lead_times=lead,
        lane_up=up,
    )
    arrival = arrival_periods(lanes, sc, 4)
    np.testing.assert_array_equal(arrival[0, 0], [1, 2, 3, 4])
    # Scenario 2: a drawn lead time of 0 is 1 period, as in the simulator; orders of
    # periods 2 and 3 leave in period 4 (lead time 2 there).
    np.testing.assert_array_equal(arrival[1, 0], [1, 5, 5, 5])
    # Scenario 3: orders never cross: those of periods 2 and 3 wait for period 1's.
    np.testing.assert_array_equal(arrival[2, 0], [3, 3, 3, 4])
    # Without draws, the lane's mean lead time applies to every scenario.
    plain = ScenarioSet(keys=(), demand=np.zeros((2, 0, 3)), weights=np.array([0.5, 0.5]))
    np.testing.assert_array_equal(arrival_periods(lanes, plain, 3)[1, 0], [2, 3, 4])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"horizon": 5}, "horizon must be between 1 and the scenarios' 2 periods, got 5"),
        ({"discount": 1.5}, r"discount must be in \(0, 1\], got 1.5"),
        ({"objective": "profit"}, "needs a price for every item; A has none"),
    ],
)
def test_bad_parameters_are_named(kwargs, message):
    with pytest.raises(ProblemError, match=message):
        store_problem(store_dataset([ITEM]), np.ones((3, 1, 2)), **kwargs)


def test_scenarios_for_unknown_places_are_named():
    sc = ScenarioSet.from_arrays([("A", "NOWHERE")], np.ones((2, 1, 3)))
    with pytest.raises(ProblemError, match=r"series 0 \(A, NOWHERE\): 'NOWHERE' is not a stocking"):
        build_problem(store_dataset([ITEM]), sc)


def test_plan_hedges_against_scenario_lead_times():
    # 10 units wanted in period 2; the lane takes 0 periods in one scenario, 1 in the other.
    # Ordering in period 2 misses the demand half the time (penalty 2 per unit); ordering in
    # period 1 arrives in time in both and costs at most one period of holding (0.1 per unit).
    sc = ScenarioSet(
        keys=(("A", "STORE"),),
        demand=np.array([[[0.0, 10.0]], [[0.0, 10.0]]]),
        weights=np.array([0.5, 0.5]),
        lanes=(("SUP", "STORE"),),
        lead_times=np.array([[[0, 0]], [[1, 1]]]),
    )
    plan = plan_orders(build_problem(store_dataset([ITEM]), sc))
    np.testing.assert_allclose(plan.quantities[0, 0], [10.0, 0.0], atol=1e-9)
    assert plan.objective == pytest.approx(10 * 1.0 + 0.5 * 10 * 0.1)
    # With the mean lead time (0.5 rounds to 0) the same demand is ordered just in time.
    mean = ScenarioSet.from_arrays([("A", "STORE")], sc.demand)
    late = plan_orders(build_problem(store_dataset([ITEM], lead_time=0.5), mean))
    np.testing.assert_allclose(late.quantities[0, 0], [0.0, 10.0], atol=1e-9)
