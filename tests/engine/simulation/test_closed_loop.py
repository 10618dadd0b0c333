"""The closed-loop proof, short: the re-planned plan against optimised base stock, echelon
base stock and a rule of thumb on common futures of the sample's own demand process
(``benchmarks/test_closed_loop.py`` runs it at full size: 200 futures, both modes)."""

from __future__ import annotations

import numpy as np
import pytest

from stockwise.engine.simulation.closed_loop import DEMO, run, verdict, world

SHORT = DEMO  # the demo's case: 2 items, 40 futures x 12 weeks, 60 planning scenarios


def test_limits_bind_in_the_closed_loop_world():
    # The world is built so that storage and the purchase budget bind in busy weeks: the
    # true mean purchase value of some weeks exceeds the scaled budget, and the mean
    # stock a location needs at its busiest exceeds its scaled space.
    dataset, futures, planning, saa = world(SHORT)
    budget = dataset.constraints.budget_for(1)
    cost = {it.item: it.unit_cost for it in dataset.items}
    weekly = (
        np.einsum(
            "skt,k->t",
            futures.demand,
            np.array([cost[item] for item, _ in futures.keys]),
        )
        / futures.n_scenarios
    )
    assert budget is not None and weekly.max() > budget > weekly.min()
    assert futures.n_scenarios == SHORT.replications
    assert planning.horizon == SHORT.periods + SHORT.horizon  # the look-ahead never shrinks
    assert planning.n_scenarios == SHORT.scenarios
    assert saa.n_scenarios >= 200


@pytest.mark.slow
def test_the_replanned_plan_beats_base_stock_and_the_rule_of_thumb_on_cost():
    result = run(SHORT)
    table = verdict(SHORT, result).set_index("against")
    assert result.runs["plan"].plans == SHORT.replications * SHORT.periods
    assert table.loc["naive", "plan_better"], table
    assert table.loc["base stock (SAA)", "plan_better"], table
