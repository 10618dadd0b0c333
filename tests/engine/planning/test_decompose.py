"""The order-planning LP solved item by item equals the LP solved whole (HiGHS).

A slice of the sample network (supplier → 2 DCs → 12 stores, 4 items, scenario lead
times) with the purchase budget and the DCs' storage space cut until they bind, so the
decomposition must trade items off against each other through its master.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from stockwise.data import Constraints
from stockwise.data.sample import generate
from stockwise.engine.planning import build_problem, plan_orders
from stockwise.engine.planning.decompose import item_groups, solve_per_item
from stockwise.engine.planning.formulation import formulate
from stockwise.scenarios import from_history
from stockwise.solvers import solve
from tests.solvers.test_decomposition import certificate_gap


@pytest.fixture(scope="module")
def dataset():
    base = generate(0)
    keep = {it.item for it in base.items[:4]}
    frame = base.demand.frame
    return dataclasses.replace(
        base,
        items=tuple(it for it in base.items if it.item in keep),
        demand=dataclasses.replace(
            base.demand, frame=frame[frame["item"].isin(keep)].reset_index(drop=True)
        ),
        inventory=dataclasses.replace(
            base.inventory,
            positions=tuple(p for p in base.inventory.positions if p.item in keep),
            on_order=tuple(o for o in base.inventory.on_order if o.item in keep),
        ),
    )


def tight(dataset, shortage: str):
    """Purchases capped at 40 a week and the DCs' space cut to 0.15 over 10 weeks: the
    plan without them buys more and holds more (checked below: both limits bind)."""
    p = build_problem(
        dataset,
        from_history(dataset, 10, 8, seed=1),
        10,
        shortage=shortage,
        constraints=Constraints(),
    )
    space = p.storage_capacity.copy()
    space[[p.locations.index("DC-NORTH"), p.locations.index("DC-SOUTH")]] = 0.15
    return dataclasses.replace(p, budget=np.full(p.horizon, 40.0), storage_capacity=space)


@pytest.mark.parametrize(
    ("shortage", "binds"),
    [("lost_sales", {"budget", "storage"}), ("backorder", {"budget"})],
)
def test_item_by_item_equals_the_whole_lp(dataset, shortage, binds):
    problem = tight(dataset, shortage)
    f = formulate(problem)
    whole = solve(f.model, "highs").raise_for_status()
    parts = solve_per_item(f, workers=2).raise_for_status()
    assert parts.backend == "highs:dantzig-wolfe"
    assert parts.objective == pytest.approx(whole.objective, rel=1e-7)
    plan = plan_orders(problem, decompose=False, whole=False)
    binding = plan.shadow_prices[plan.shadow_prices["shadow_price"].abs() > 1e-6]
    assert binds <= set(binding["constraint"])  # the limits really bind
    # This LP has several optimal plans and several optimal sets of shadow prices (money
    # can be moved between weeks at no cost), so the item-by-item duals need not equal
    # the whole LP's: they must be *an* optimal dual of the whole LP (LP duality).
    ax = f.model.matrix() @ parts.x
    assert np.all(ax >= f.model.row_lower - 1e-6) and np.all(ax <= f.model.row_upper + 1e-6)
    gap = certificate_gap(f.model, parts.x, parts.duals)
    assert gap < 1e-6 * max(1.0, abs(whole.objective))


def test_every_column_belongs_to_one_item(dataset):
    f = formulate(tight(dataset, "lost_sales"))
    groups = item_groups(f)
    assert (groups >= 0).all()
    # an order column's item, read back through the model's labels
    order = f.model.variables["order"]
    labels = order.label_list()
    items = [it for it in f.problem.items]
    for j in range(0, order.size, 97):
        assert items[groups[order.start + j]] in labels[j]
