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


@pytest.mark.parametrize("lost", [False, True])
def test_open_loop_plan_reproduces_the_optimizers_in_sample_costs(lost):
    # Simulating the plan (never re-planned) on the very scenarios it was optimized on must
    # give the optimizer's own expected costs: two independent codes, one set of books.
    from stockwise.data import Constraints, Lane, Location, LocationKind
    from stockwise.engine.planning import build_problem, plan_orders

    base = serial([2], n_items=2, holding_rate=0.3, penalty=4.0, fixed_cost=5.0)
    ds = dataclasses.replace(
        base,
        locations=(
            Location("SUPPLIER", LocationKind.SUPPLIER),
            Location("DC", LocationKind.DC),
            Location("A", LocationKind.STORE),
            Location("B", LocationKind.STORE),
        ),
        lanes=(
            Lane("SUPPLIER", "DC", 2.0, 0.0, 0.2, 5.0),
            Lane("DC", "A", 1.0, 0.0, 0.1, 1.0),
            Lane("DC", "B", 1.0, 0.0, 0.1, 1.0),
        ),
        inventory=InventoryState(
            tuple(StockPosition(f"I{i}", loc, 12.0) for i in range(2) for loc in ("DC", "A", "B"))
        ),
    )
    keys = [(f"I{i}", s) for i in range(2) for s in ("A", "B")]
    periods = 8
    sc = from_distribution(keys, np.full((4, periods), 5.0), 6, seed=3, lanes=ds.lanes)
    # every period's orders decided now, the same in every scenario (a static plan), so
    # one array of orders is the whole plan; fractional as the optimizer found them
    problem = build_problem(
        ds,
        sc,
        periods,
        constraints=Constraints(),
        shortage="lost_sales" if lost else "backorder",
        first_stage=periods,
    )
    plan = plan_orders(problem, whole=False)
    assert plan.has_plan

    class Fixed:
        def __call__(self, state, policy):
            return plan.quantities

    policy = FollowPlan(replan_every=periods, horizon=periods)
    res = simulate(ds, [policy], sc, replanner=Fixed(), lost_sales=lost)
    mean = res.per_replication("plan + re-plan").mean()
    assert mean["holding"] == pytest.approx(plan.costs["holding"], rel=1e-6, abs=1e-6)
    assert mean["shortage"] == pytest.approx(plan.costs["shortage penalty"], rel=1e-6, abs=1e-6)
    assert mean["purchase"] == pytest.approx(plan.costs["purchase"], rel=1e-6)
    assert mean["transport"] == pytest.approx(plan.costs["transport"], rel=1e-6)
    assert mean["ordering"] == pytest.approx(plan.costs["fixed ordering"], rel=1e-6)
