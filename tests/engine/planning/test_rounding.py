"""Orders placed now in whole case packs (``rounding.whole_orders``, ``plan_orders(whole=True)``).

Oracles: hand-rounded orders; the newsvendor cost of the rounded order in closed form; the
chain LP optimum <= exact MIP optimum (case packs and MOQs as integers) <= rounded plan,
since a rounded plan is one of the MIP's plans; properties (hypothesis) every rounded
order must have whatever the LP gave.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stockwise.data import (
    Budget,
    Constraints,
    Dataset,
    InventoryState,
    Item,
    Lane,
    Location,
    LocationKind,
    StockPosition,
)
from stockwise.engine.planning import PlanStatus, build_problem, plan_orders
from stockwise.engine.planning.rounding import whole_orders
from stockwise.scenarios import ScenarioSet
from stockwise.solvers import SolveOptions
from tests.engine.planning.tiny import EMPTY_HISTORY, store_dataset, store_problem

TOL = 1e-6


def one_item(pack: int, moq: float, unit_cost: float = 10.0, budget: float | None = None):
    item = Item(
        "A",
        unit_cost=unit_cost,
        holding_cost_rate=0.1,
        shortage_penalty=30.0,
        case_pack=pack,
        moq=moq,
    )
    return store_problem(store_dataset([item], budget=budget), np.full((1, 1, 1), 30.0))


@pytest.mark.parametrize(
    ("lp", "pack", "moq", "nearest", "down"),
    [
        (37.4, 12, 24.0, 36.0, 36.0),  # 3.1 packs: 3
        (42.0, 12, 24.0, 48.0, 36.0),  # 3.5 packs: 4 to the nearest, 3 down
        (13.0, 12, 36.0, 0.0, 0.0),  # below half the MOQ: nothing
        (20.0, 12, 36.0, 36.0, 0.0),  # at least half the MOQ: the MOQ
        (20.0, 12, 30.0, 36.0, 0.0),  # ... in whole packs (30 is 2.5 packs)
        (11.9, 12, 24.0, 0.0, 0.0),
        (5.2, 1, 0.0, 5.0, 5.0),
        (5.5, 1, 0.0, 6.0, 5.0),
    ],
)
def test_supplier_order_rounded_by_hand(lp, pack, moq, nearest, down):
    p = one_item(pack, moq)
    first = np.array([[[lp]]])
    assert whole_orders(p, first)[0, 0, 0] == pytest.approx(nearest)
    assert whole_orders(p, first, down=True)[0, 0, 0] == pytest.approx(down)


def test_budget_cuts_the_order_rounded_up_most_by_a_pack():
    # A: 43 -> 48 (5 units up, 50 of spend), B: 17 -> 20 (3 up, 15 of spend): 580 against
    # a budget of 570 (the LP spends 515). A pack of A, the order rounded up most in money,
    # comes off: 360 + 100 = 460 (a pack of B would have fitted too: 560).
    items = [
        Item("A", unit_cost=10.0, holding_cost_rate=0.1, shortage_penalty=30.0, case_pack=12),
        Item("B", unit_cost=5.0, holding_cost_rate=0.1, shortage_penalty=30.0, case_pack=10),
    ]
    first = np.array([[[43.0], [17.0]]])
    free = store_problem(store_dataset(items), np.full((1, 2, 1), 30.0))
    np.testing.assert_allclose(whole_orders(free, first)[0, :, 0], [48.0, 20.0])
    p = store_problem(store_dataset(items, budget=570.0), np.full((1, 2, 1), 30.0))
    np.testing.assert_allclose(whole_orders(p, first)[0, :, 0], [36.0, 20.0])


def network(
    items, *, budget: float | None = None, dc_stock: dict[str, float] | None = None
) -> Dataset:
    """SUP → DC → S1, S2 and SUP → S2 (a supplier lane and internal lanes out of the DC)."""
    return Dataset(
        items=tuple(items),
        locations=(
            Location("SUP", LocationKind.SUPPLIER),
            Location("DC", LocationKind.DC),
            Location("S1", LocationKind.STORE),
            Location("S2", LocationKind.STORE),
        ),
        lanes=(
            Lane("SUP", "DC", 1.0),
            Lane("DC", "S1", 0.0),
            Lane("DC", "S2", 0.0),
            Lane("SUP", "S2", 1.0),
        ),
        demand=EMPTY_HISTORY,
        inventory=InventoryState(
            tuple(StockPosition(i, "DC", q) for i, q in (dc_stock or {}).items())
        ),
        constraints=Constraints(budgets=() if budget is None else (Budget(budget),)),
    )


def network_problem(items, demand, first_stage=1, **kwargs):
    keys = [(it.item, s) for it in items for s in ("S1", "S2")]
    scenarios = ScenarioSet.from_arrays(keys, np.asarray(demand, dtype=float))
    return build_problem(network(items, **kwargs), scenarios, first_stage=first_stage)


SOURCE, INTERNAL = [0, 3], [1, 2]  # lanes of `network`


def test_internal_lanes_ship_whole_units_by_largest_remainder():
    # From the DC: 3.6 and 2.7 units (6.3 in all): 6 whole units, 3 + 2 and the one left
    # to the larger remainder (0.7, S2).
    items = [Item("A", unit_cost=1.0, holding_cost_rate=0.1, shortage_penalty=5.0)]
    p = network_problem(items, np.ones((1, 2, 1)))
    q = whole_orders(p, np.array([[[0.0]], [[3.6]], [[2.7]], [[0.0]]]))
    np.testing.assert_allclose(q[INTERNAL, 0, 0], [3.0, 3.0])


@st.composite
def rounding_cases(draw):
    """A network of two items, the LP's first-stage orders, packs, MOQs and budgets (at
    least the LP's spend, or none)."""
    first_stage = draw(st.integers(1, 3))
    packs = draw(st.lists(st.integers(1, 24), min_size=2, max_size=2))
    moqs = draw(st.lists(st.one_of(st.just(0.0), st.floats(1.0, 60.0)), min_size=2, max_size=2))
    costs = draw(st.lists(st.floats(0.5, 20.0), min_size=2, max_size=2))
    orders = st.one_of(st.just(0.0), st.floats(0.0, 200.0))
    lp = np.array(draw(st.lists(orders, min_size=4 * 2 * first_stage, max_size=16 * 3)))
    lp = lp[: 4 * 2 * first_stage].reshape(4, 2, first_stage)
    items = [
        Item(n, unit_cost=c, holding_cost_rate=0.1, shortage_penalty=30.0, case_pack=k, moq=m)
        for n, c, k, m in zip("AB", costs, packs, moqs, strict=True)
    ]
    p = network_problem(items, np.ones((1, 4, 3)), first_stage=first_stage)
    spend = np.einsum("lit,i->t", lp[SOURCE], p.unit_cost)
    factor = np.array(draw(st.lists(st.floats(1.0, 2.0), min_size=3, max_size=3)))
    budget = np.full(3, np.inf)
    if draw(st.booleans()):
        budget[:first_stage] = spend * factor[:first_stage]
    return dataclasses.replace(p, budget=budget), lp


@settings(max_examples=200, deadline=None)
@given(case=rounding_cases(), down=st.booleans())
def test_whole_orders_are_packs_above_the_moq_within_budget_and_ship_no_more(case, down):
    p, lp = case
    q = whole_orders(p, lp, down=down)
    assert q.shape == lp.shape
    pack, moq = p.case_pack[None, :, None], p.moq[None, :, None]
    src = q[SOURCE]
    packs = src / pack
    np.testing.assert_allclose(packs, np.round(packs), atol=1e-9)
    assert np.all((src < TOL) | (src >= moq - TOL))
    spend = np.einsum("lit,i->t", src, p.unit_cost)
    assert np.all(spend <= p.budget[: lp.shape[2]] * (1 + 1e-9) + 1e-9)
    if down:
        assert np.all(src <= lp[SOURCE] + TOL)
    elif not np.isfinite(p.budget).any():
        free = np.broadcast_to(moq == 0, src.shape)  # no MOQ, no budget: the nearest pack
        gap = np.abs(src - lp[SOURCE])[free]
        assert np.all(gap <= np.broadcast_to(pack, src.shape)[free] / 2 + TOL)
    # internal lanes: whole units, each the LP's rounded down or up, the DC's total shipped
    # the LP's rounded down (never more than it had)
    inner, lp_inner = q[INTERNAL], lp[INTERNAL]
    np.testing.assert_allclose(inner, np.round(inner), atol=1e-9)
    assert np.all(inner >= np.floor(lp_inner + TOL) - TOL)
    assert np.all(inner <= np.ceil(lp_inner - TOL) + TOL)
    total = inner.sum(axis=0)
    assert np.all(total <= lp_inner.sum(axis=0) + TOL)
    np.testing.assert_allclose(total, np.floor(lp_inner.sum(axis=0) + TOL))


# ---- plan_orders(whole=True) ------------------------------------------------------------


def newsvendor_cost(q: float, demand: np.ndarray, item: Item) -> float:
    """One period, lead time 0, lost sales, no value left at the end."""
    over, under = np.maximum(q - demand, 0.0), np.maximum(demand - q, 0.0)
    return float(
        item.unit_cost * q + item.holding_cost * over.mean() + item.shortage_penalty * under.mean()
    )


@pytest.mark.parametrize(("pack", "moq"), [(12, 24.0), (12, 0.0), (5, 40.0), (1, 0.0)])
def test_rounded_newsvendor_costs_what_its_whole_order_costs(pack, moq):
    rng = np.random.default_rng(pack + int(moq))
    demand = rng.gamma(3.0, 10.0, size=(50, 1, 1)).round(1)
    item = Item(
        "A", unit_cost=3.0, holding_cost_rate=0.2, shortage_penalty=9.0, case_pack=pack, moq=moq
    )
    p = store_problem(store_dataset([item]), demand, terminal_value=0.0)
    lp = plan_orders(p, whole=False)
    plan = plan_orders(p)
    q_lp = np.quantile(demand.ravel(), 6.0 / 9.6, method="inverted_cdf")  # (p - c) / (p + h)
    assert lp.quantities[0, 0, 0] == pytest.approx(q_lp)
    q = plan.quantities[0, 0, 0]
    assert q == pytest.approx(whole_orders(p, np.array([[[q_lp]]]))[0, 0, 0])
    assert plan.status is PlanStatus.OPTIMAL
    assert plan.objective == pytest.approx(newsvendor_cost(q, demand.ravel(), item), rel=1e-9)
    assert plan.bound == pytest.approx(newsvendor_cost(q_lp, demand.ravel(), item), rel=1e-9)
    assert plan.objective >= plan.bound - 1e-9
    assert plan.gap == pytest.approx((plan.objective - plan.bound) / abs(plan.bound))


TWO_ITEMS = [
    Item("A", unit_cost=4.0, holding_cost_rate=0.1, shortage_penalty=11.0, case_pack=6, moq=12),
    Item("B", unit_cost=7.0, holding_cost_rate=0.1, shortage_penalty=15.0, case_pack=4),
]


@pytest.mark.parametrize("budget", [None, 150.0, 90.0])
def test_firm_orders_are_whole_packs_within_budget_and_between_lp_and_mip(budget):
    rng = np.random.default_rng(21)
    demand = rng.gamma(2.0, 6.0, size=(8, 2, 3)).round(2)
    ds = store_dataset(TWO_ITEMS, lead_time=1.0, on_hand={"A": 5.5, "B": 3.2}, budget=budget)
    p = store_problem(ds, demand)
    plan = plan_orders(p)
    assert plan.status is PlanStatus.OPTIMAL
    firm = plan.orders[plan.orders["firm"]]
    assert len(firm) > 0
    for row in firm.itertuples():
        item = TWO_ITEMS[["A", "B"].index(row.item)]
        assert row.quantity / item.case_pack == pytest.approx(round(row.quantity / item.case_pack))
        assert row.quantity >= item.moq - TOL
    spend = firm["purchase_cost"].sum()
    assert spend <= (budget or np.inf) + 1e-6
    lp = plan_orders(p, whole=False)
    mip = plan_orders(dataclasses.replace(p, integer=True), options=SolveOptions(mip_gap=0.0))
    assert plan.bound == pytest.approx(lp.objective, rel=1e-9)
    assert lp.objective <= mip.objective + 1e-6 <= plan.objective + 2e-6
    assert plan.gap == pytest.approx((plan.objective - plan.bound) / abs(plan.bound))


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**16),
    pack=st.integers(1, 12),
    moq=st.sampled_from([0.0, 10.0, 25.0]),
    budget=st.one_of(st.none(), st.floats(20.0, 400.0)),
)
def test_rounded_plans_keep_packs_moqs_budgets_and_their_bound(seed, pack, moq, budget):
    rng = np.random.default_rng(seed)
    demand = rng.gamma(2.0, 8.0, size=(5, 1, 2))
    item = Item(
        "A", unit_cost=5.0, holding_cost_rate=0.1, shortage_penalty=14.0, case_pack=pack, moq=moq
    )
    ds = store_dataset([item], lead_time=1.0, on_hand={"A": 4.4}, budget=budget)
    plan = plan_orders(store_problem(ds, demand))
    assert plan.has_plan
    firm = plan.quantities[0, 0, 0]
    assert firm / pack == pytest.approx(round(firm / pack), abs=1e-9)
    assert firm < TOL or firm >= moq - TOL
    assert firm * 5.0 <= (budget or np.inf) * (1 + 1e-9)
    assert plan.objective >= plan.bound - 1e-7 * max(1.0, abs(plan.bound))
    assert plan.gap == pytest.approx((plan.objective - plan.bound) / abs(plan.bound), abs=1e-12)


def test_the_dc_ships_whole_units_and_no_more_than_the_lp():
    # The DC holds 7.3 of A and 5.6 of B: the LP can ship all of it to the stores now;
    # whole units ship at most 7 and 5.
    items = [
        Item("A", unit_cost=3.0, holding_cost_rate=0.1, shortage_penalty=9.0, case_pack=6),
        Item("B", unit_cost=5.0, holding_cost_rate=0.1, shortage_penalty=12.0, case_pack=4),
    ]
    rng = np.random.default_rng(4)
    demand = rng.gamma(2.0, 3.0, size=(6, 4, 3))
    p = network_problem(items, demand, dc_stock={"A": 7.3, "B": 5.6})
    lp = plan_orders(p, whole=False)
    plan = plan_orders(p)
    assert plan.status is PlanStatus.OPTIMAL
    shipped = plan.quantities[INTERNAL, :, 0]
    np.testing.assert_allclose(shipped, np.round(shipped), atol=1e-9)
    lp_total = lp.quantities[INTERNAL, :, 0].sum(axis=0)
    assert np.all(shipped.sum(axis=0) <= lp_total + TOL)
    assert np.all(shipped.sum(axis=0) <= [7.0, 5.0])
    supplier = plan.quantities[SOURCE, :, 0]
    np.testing.assert_allclose(supplier / [6, 4], np.round(supplier / [6, 4]), atol=1e-9)
    assert plan.objective >= plan.bound - 1e-9


@pytest.mark.parametrize("first_stage", [1, 2])
def test_firm_orders_through_a_dc_are_whole_packs_for_every_first_stage_period(first_stage):
    # 13 units wanted at the store in period 2; the supplier ships to the DC in 1 period,
    # the DC to the store at once; packs of 6. A plan in whole packs exists (12 units, 1
    # lost: 45; or 18 units: 54.6), so the firm supplier order must be a whole pack even
    # when the DC's shipment in period 2 is decided now too (first_stage 2).
    ds = Dataset(
        items=(Item("A", unit_cost=3.0, holding_cost_rate=0.1, shortage_penalty=9.0, case_pack=6),),
        locations=(
            Location("SUP", LocationKind.SUPPLIER),
            Location("DC", LocationKind.DC),
            Location("ST", LocationKind.STORE),
        ),
        lanes=(Lane("SUP", "DC", 1.0), Lane("DC", "ST", 0.0)),
        demand=EMPTY_HISTORY,
    )
    sc = ScenarioSet.from_arrays([("A", "ST")], np.array([[[0.0, 13.0, 0.0]]]))
    p = build_problem(ds, sc, first_stage=first_stage, terminal_value=0.0)
    plan = plan_orders(p)
    firm = plan.orders[plan.orders["firm"]]
    supplier = firm.loc[firm["origin"] == "SUP", "quantity"]
    assert len(supplier) == 1
    assert supplier.iloc[0] % 6 == pytest.approx(0.0, abs=1e-9)
    assert plan.objective == pytest.approx(45.0)
    assert plan.gap == pytest.approx((45.0 - 39.0) / 39.0)
