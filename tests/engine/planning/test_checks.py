"""The planner's warnings (``checks.py``) against hand-computed cases.

Oracles: the critical ratio ``α = p / (p + h)`` in exact arithmetic (so ``α / (1 - α)`` is
``p / h``); the largest of ``S`` equally weighted draws sits near the ``S / (S + 1)``
quantile (the expected CDF value of the sample maximum), so ``S`` scenarios reach a service
``α`` exactly when ``S >= α / (1 - α)``; longest supply paths summed by hand.
"""

from __future__ import annotations

import dataclasses
import math
import re
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stockwise.data import (
    Dataset,
    InventoryState,
    Item,
    Lane,
    Location,
    LocationKind,
    ServiceKind,
    ServiceTarget,
    StockPosition,
)
from stockwise.engine.planning import build_problem, plan_orders
from stockwise.engine.planning.checks import (
    cheap_shortage,
    horizon_reach,
    scenario_tail,
    service_shortfall,
)
from stockwise.scenarios import ScenarioSet, from_history
from tests.engine.planning.tiny import EMPTY_HISTORY, store_dataset, store_problem

# ---- scenario_tail ----------------------------------------------------------------------


def tail_problem(penalty: float, holding: float, n_scenarios: int, target: float | None = None):
    """One item with critical ratio ``penalty / (penalty + holding)`` at one store."""
    item = Item("A", unit_cost=8.0, holding_cost_rate=holding / 8.0, shortage_penalty=penalty)
    targets = () if target is None else (ServiceTarget(ServiceKind.FILL_RATE, target),)
    demand = np.arange(1.0, n_scenarios + 1.0).reshape(n_scenarios, 1, 1)
    return store_problem(store_dataset([item], service_targets=targets), demand)


def scenarios_named(warnings: list[str]) -> int:
    (line,) = warnings
    return int(re.search(r"use at least ([\d,]+) scenarios", line).group(1).replace(",", ""))


@pytest.mark.parametrize(
    ("penalty", "holding", "n_scenarios"),
    [
        (19.0, 1.0, 18),  # α = 95 %: 19 scenarios needed
        (19.0, 1.0, 19),
        (19.0, 1.0, 20),
        (4.0, 1.0, 3),  # α = 80 %: 4 needed
        (4.0, 1.0, 4),
        (9.0, 2.0, 4),  # α = 9/11: 4.5, so 5 needed
        (9.0, 2.0, 5),
        (3.0, 1.0, 1),
    ],
)
def test_scenario_tail_warns_when_the_scenarios_cannot_reach_the_critical_ratio(
    penalty, holding, n_scenarios
):
    needed = math.ceil(Fraction(penalty) / Fraction(holding))  # ceil(α / (1 - α)), exact
    warnings = scenario_tail(tail_problem(penalty, holding, n_scenarios))
    assert bool(warnings) == (n_scenarios < needed)
    if warnings:
        assert scenarios_named(warnings) == needed
        alpha = penalty / (penalty + holding)
        assert f"service up to {alpha:.2%}" in warnings[0]


def test_scenario_tail_counts_a_fill_rate_target_above_the_critical_ratio():
    # costs ask for 75 % (3 scenarios), the target for 99 %: 99 scenarios
    warnings = scenario_tail(tail_problem(3.0, 1.0, 50, target=0.99))
    assert scenarios_named(warnings) == 99
    assert scenario_tail(tail_problem(3.0, 1.0, 99, target=0.99)) == []


@settings(max_examples=60, deadline=None)
@given(
    penalty=st.integers(1, 60),
    holding=st.integers(1, 8),
    target=st.one_of(st.none(), st.sampled_from([0.5, 0.8, 0.9, 0.95, 0.98, 0.99])),
)
def test_scenario_tail_is_silenced_by_the_scenarios_it_asks_for(penalty, holding, target):
    # Whatever the threshold, following the advice must end the warning, and one scenario
    # fewer than the advice must still draw it (the advice is the least that works).
    few = scenario_tail(tail_problem(float(penalty), float(holding), 1, target))
    alpha = max(penalty / (penalty + holding), target or 0.0)
    if alpha <= 0.5:  # one scenario reaches its median, S / (S + 1) = 1/2: enough
        assert few == []
        return
    assert few
    needed = scenarios_named(few)
    assert scenario_tail(tail_problem(float(penalty), float(holding), needed, target)) == []
    if needed > 1:
        assert scenario_tail(tail_problem(float(penalty), float(holding), needed - 1, target))


# ---- horizon_reach ----------------------------------------------------------------------


def two_echelon(dc_lead: float = 3.0, store_lead: float = 1.0, direct: float | None = None):
    """Supplier → DC → store (and optionally supplier → store), demand at the store."""
    lanes = [Lane("SUP", "DC", dc_lead), Lane("DC", "ST", store_lead)]
    if direct is not None:
        lanes.append(Lane("SUP", "ST", direct))
    return Dataset(
        items=(Item("A", unit_cost=10.0, holding_cost_rate=0.01, shortage_penalty=50.0),),
        locations=(
            Location("SUP", LocationKind.SUPPLIER),
            Location("DC", LocationKind.DC),
            Location("ST", LocationKind.STORE),
        ),
        lanes=tuple(lanes),
        demand=EMPTY_HISTORY,
        inventory=InventoryState((StockPosition("A", "ST", 5.0),)),
    )


def chain_problem(dataset: Dataset, horizon: int, first_stage: int = 1, demand: float = 4.0):
    sc = ScenarioSet.from_arrays([("A", "ST")], np.full((1, 1, horizon), demand))
    return build_problem(dataset, sc, first_stage=first_stage)


@pytest.mark.parametrize(
    ("dc_lead", "store_lead", "direct", "first_stage", "needed"),
    [
        (3.0, 1.0, None, 1, 5),  # 3 + 1 periods of lead time, re-plan every period
        (3.0, 1.0, None, 2, 6),
        (3.0, 1.0, 2.0, 1, 5),  # the faster direct lane does not shorten the slowest path
        (1.0, 1.0, 4.0, 1, 5),  # ... and a slower one lengthens it
        (2.6, 0.4, None, 3, 6),  # mean lead times round to 3 and 0
    ],
)
def test_horizon_reach_warns_below_the_longest_path_plus_first_stage(
    dc_lead, store_lead, direct, first_stage, needed
):
    ds = two_echelon(dc_lead, store_lead, direct)
    short = horizon_reach(chain_problem(ds, needed - 1, first_stage))
    assert len(short) == 1
    assert f"plan at least {needed} periods" in short[0]
    assert f"({needed - first_stage} periods of lead time)" in short[0]
    assert horizon_reach(chain_problem(ds, needed, first_stage)) == []


# ---- cheap_shortage ---------------------------------------------------------------------

CHEAP_ITEMS = [
    Item("A", unit_cost=10.0, holding_cost_rate=0.1, shortage_penalty=4.0),  # landed 10.6
    Item("B", unit_cost=5.0, holding_cost_rate=0.1, shortage_penalty=5.5),  # landed 5.6
    Item("C", unit_cost=3.0, holding_cost_rate=0.1, shortage_penalty=9.0),  # landed 3.6
    Item("D", unit_cost=2.0, holding_cost_rate=0.1, shortage_penalty=2.6),  # landed 2.6: even
]


def cheap_problem(**kwargs):
    ds = store_dataset(CHEAP_ITEMS, transport_cost=0.6)
    return store_problem(ds, np.full((1, len(CHEAP_ITEMS), 1), 5.0), **kwargs)


def test_cheap_shortage_names_the_items_whose_lost_sale_costs_less_than_the_landed_unit():
    # A (4 < 10.6) and B (5.5 < 5.6) are cheaper to lose than to buy and ship; C is not;
    # D's penalty equals its landed cost. The example named is the widest gap, A's.
    (line,) = cheap_shortage(cheap_problem())
    assert "for 2 of 4 items" in line
    assert "e.g. A: penalty 4.00 < landed cost 10.60" in line
    for item in ("C", "D"):
        assert f"{item}:" not in line


@pytest.mark.parametrize("kwargs", [{"shortage": "backorder"}, {"objective": "profit"}])
def test_cheap_shortage_is_silent_when_shortage_is_not_a_cheap_way_out(kwargs):
    items = [dataclasses.replace(it, price=1.0) for it in CHEAP_ITEMS]
    ds = store_dataset(items, transport_cost=0.6)
    problem = store_problem(ds, np.full((1, len(items), 1), 5.0), **kwargs)
    assert cheap_shortage(problem) == []


# ---- service_shortfall ------------------------------------------------------------------


def test_service_shortfall_blames_an_empty_network(sample_dataset):
    # The sample's items, locations, lanes, demand and targets with nothing on hand or on
    # order. Lead times at their means: supplier → DC 3 periods, DC → store 1, so nothing
    # ordered now reaches a store before period 5; every store with demand in periods 1-4
    # holds less than half of it (it holds nothing).
    empty = dataclasses.replace(sample_dataset, inventory=InventoryState())
    scenarios = dataclasses.replace(from_history(empty, 6, 3, seed=0), lead_times=None)
    problem = build_problem(empty, scenarios, 6, cycle_service_form="cvar")
    plan = plan_orders(problem, whole=False)
    expected = np.einsum("s,skt->kt", scenarios.weights, scenarios.demand)
    served = expected.sum(axis=1) > 0
    starved = (expected[:, :4].sum(axis=1) > 0).sum() / served.sum()
    (line,) = [w for w in plan.warnings if "too small" in w]
    assert "item-locations with a fill-rate target fall more than 5% short" in line
    assert f"{starved:.0%} of the item-locations hold less than half the demand" in line
    assert "(period 5 at the earliest)" in line
    assert "their stock and pipeline at the start are too small" in line


@pytest.mark.parametrize(("on_hand", "starved"), [(0.0, True), (9.0, True), (10.0, False)])
def test_service_shortfall_blames_the_stock_only_below_half_the_demand_before_the_first_arrival(
    on_hand, starved
):
    # Lead time 2: the first order arrives in period 3, after 2 x 10 units of demand.
    # Holding less than half of those 20 units is "too small"; a 95 % fill-rate target
    # over 4 periods cannot be met either way (at most (on_hand + 20) / 40).
    item = Item("A", unit_cost=5.0, holding_cost_rate=0.1, shortage_penalty=20.0)
    ds = store_dataset(
        [item],
        lead_time=2.0,
        on_hand={"A": on_hand},
        service_targets=[ServiceTarget(ServiceKind.FILL_RATE, 0.95)],
    )
    problem = store_problem(ds, np.full((1, 1, 4), 10.0))
    plan = plan_orders(problem, whole=False)
    fill = plan.service["fill_rate"].iloc[0]
    assert fill == pytest.approx((on_hand + 20.0) / 40.0)
    (line,) = service_shortfall(problem, plan.service)
    assert line.startswith("1 of 1 item-locations with a fill-rate target fall more than 5%")
    assert ("their stock and pipeline at the start are too small" in line) == starved
    if starved:
        assert "100% of the item-locations" in line and "(period 3 at the earliest)" in line
