"""``simulate(progress=...)`` reports every kernel segment and every re-plan, cheaply,
without changing the results."""

from __future__ import annotations

import numpy as np

from stockwise.engine.policy import BaseStock, FollowPlan
from stockwise.engine.simulation import simulate
from stockwise.engine.simulation.run import SimulationProgress, reporting_progress
from stockwise.scenarios import from_distribution
from tests.engine.simulation.instances import serial

DS = serial([2])
SC = from_distribution([("I0", "N1")], np.full((1, 7), 3.0), 4, seed=0)
LEVEL = np.array([[np.nan], [10.0]])


class Orders:
    """A re-planner that orders 3 units a period on every lane."""

    def __call__(self, state, policy):
        return np.full((1, 1, policy.horizon), 3.0)


def test_progress_reports_segments_and_replans_in_order():
    seen: list[SimulationProgress] = []
    policies = [BaseStock(LEVEL, name="base"), FollowPlan(replan_every=3, horizon=4, name="plan")]
    res = simulate(DS, policies, SC, warmup=2, replanner=Orders(), progress=seen.append)
    quiet = simulate(DS, policies, SC, warmup=2, replanner=Orders())
    for name in res.policies:  # reporting changes nothing
        assert np.array_equal(res.runs[name].kpi, quiet.runs[name].kpi)
    base = [p for p in seen if p.policy == "base"]
    plan = [p for p in seen if p.policy == "plan"]
    assert seen == base + plan  # one policy after the other
    # base: its start, then one report per kernel segment (0..2 warm-up, 2..7)
    assert [(p.periods_done, p.replans_done, p.replans) for p in base] == [
        (0, 0, 0),
        (2, 0, 0),
        (7, 0, 0),
    ]
    assert {(p.index, p.policies, p.periods, p.replications) for p in base} == {(0, 2, 7, 4)}
    # plan: re-plans at periods 0, 3, 6 for each of 4 replications; segments 0-2-3-6-7
    assert plan[0] == SimulationProgress("plan", 1, 2, 0, 7, 4, 0, 12)
    assert plan[-1] == SimulationProgress("plan", 1, 2, 7, 7, 4, 12, 12)
    expected = [(0, 0), *((0, r) for r in range(1, 5)), (2, 4), (3, 4)]  # start, 4 re-plans,
    expected += [*((3, r) for r in range(5, 9)), (6, 8)]  # segments 0-2 and 2-3, ...
    expected += [*((6, r) for r in range(9, 13)), (7, 12)]
    assert [(p.periods_done, p.replans_done) for p in plan] == expected
    fractions = [p.fraction for p in plan]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0
    assert base[-1].fraction == 1.0


def test_reporting_progress_reaches_simulate_calls_inside_the_block():
    seen: list[SimulationProgress] = []
    with reporting_progress(seen.append):
        simulate(DS, [BaseStock(LEVEL)], SC)
        inner: list[SimulationProgress] = []
        simulate(DS, [BaseStock(LEVEL)], SC, progress=inner.append)  # its own wins
    simulate(DS, [BaseStock(LEVEL)], SC)  # outside: nobody listens
    assert [p.periods_done for p in seen] == [0, 7]
    assert [p.periods_done for p in inner] == [0, 7]
