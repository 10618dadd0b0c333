"""Rolling decisions: recourse after the first stage, and the capped terminal credit.

Oracles: brute-force enumeration of every order on a grid through a simulation of the
store (the LP's data are whole numbers, so its optimum sits on whole-number orders), and
hand-computed plans where keeping a unit and selling it are compared by the costs alone.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stockwise.data import Item
from stockwise.engine.planning import PlanStatus, build_problem
from stockwise.engine.planning import plan_orders as solve_plan
from stockwise.engine.planning.formulation import formulate
from stockwise.scenarios import ScenarioSet
from stockwise.solvers import solve
from tests.engine.planning.tiny import store_dataset, store_problem

# The amounts are the LP's own (fractional orders, no rounding to whole packs).
plan_orders = functools.partial(solve_plan, whole=False)

C, H, P = 4.0, 1.0, 12.0
ITEM = Item("A", unit_cost=C, holding_cost_rate=H / C, shortage_penalty=P)
# Two scenarios that agree on period 1 and differ from period 2 on; lead time 1.
DEMAND = np.array([[2.0, 5.0, 20.0], [2.0, 25.0, 10.0]])
WEIGHTS = np.array([0.3, 0.7])
ON_HAND = 3.0


def simulated_cost(orders: np.ndarray, demand: np.ndarray, credit: float) -> np.ndarray:
    """Cost of one scenario for every order plan in ``orders`` (``T`` arrays that broadcast
    together), lead time 1, lost sales, demand served from stock as it comes; the stock at
    the end and the last period's order (still in transit) earn ``credit`` a unit, the stock
    at the start is debited at the same rate."""
    stock = np.full(np.broadcast(*orders).shape, ON_HAND)
    cost = np.zeros_like(stock)
    for t, d in enumerate(demand):
        available = stock + (orders[t - 1] if t else 0.0)
        lost, stock = np.maximum(d - available, 0.0), np.maximum(available - d, 0.0)
        cost = cost + C * orders[t] + H * stock + P * lost
    return cost - credit * (stock + orders[-1] - ON_HAND)


GRID = np.arange(0.0, 31.0)  # [units] every order tried (the optimum orders at most 25)


def brute_force(first_stage: int, credit: float, grid=GRID):
    """Least expected cost when the orders of the first ``first_stage`` periods are shared
    and each scenario picks its later orders knowing its demand; the optimal shared orders
    (every grid point within 1e-9 of the least cost)."""
    horizon = DEMAND.shape[1]
    mesh = np.meshgrid(*[grid] * horizon, indexing="ij", sparse=True)
    later = tuple(range(first_stage, horizon))
    per_scenario = [simulated_cost(mesh, d, credit).min(axis=later) for d in DEMAND]
    expected = sum(w * c for w, c in zip(WEIGHTS, per_scenario, strict=True))
    best = float(expected.min())
    return best, grid[np.argwhere(expected <= best + 1e-9)]


def problem(first_stage: int, terminal_value: float):
    sc = ScenarioSet.from_arrays([("A", "STORE")], DEMAND[:, None, :], WEIGHTS)
    ds = store_dataset([ITEM], lead_time=1.0, on_hand={"A": ON_HAND})
    return build_problem(ds, sc, first_stage=first_stage, terminal_value=terminal_value)


def scenario_orders(p) -> np.ndarray:
    """[units] ``S x T`` the orders each scenario places in the LP's optimum."""
    f = formulate(p)
    result = solve(f.model, "highs").raise_for_status()
    return f.layout.orders(result.x)[:, 0, 0, :]


@pytest.mark.parametrize("terminal_value", [0.0, 0.5])
@pytest.mark.parametrize("first_stage", [1, 2, 3])
def test_shared_then_recourse_orders_match_enumeration(first_stage, terminal_value):
    p = problem(first_stage, terminal_value)
    best, shared = brute_force(first_stage, min(terminal_value * C, P))  # the capped credit
    plan = plan_orders(p)
    assert plan.status is PlanStatus.OPTIMAL
    assert plan.objective == pytest.approx(best, rel=1e-9)
    assert plan.costs["total"] == pytest.approx(best, rel=1e-9)
    orders = scenario_orders(p)
    assert len(shared) == 1  # the enumeration has one best set of shared orders
    np.testing.assert_allclose(orders[:, :first_stage], shared[[0, 0]], atol=1e-7)


def test_later_orders_adapt_to_each_scenario():
    # Worked by hand (first stage 1, lead time 1, c 4, h 1, p 12, no terminal credit).
    # Period 1: 3 on hand, 2 sold, 1 held; the order q arrives for period 2 (demand 5 or
    # 25). Below 4 units each one saves a lost sale in both scenarios. From 4 to 24 a unit
    # saves a lost sale in scenario 1 (12) and in scenario 0 is held a period (1) instead of
    # bought in period 2 (4): 4 + 0.3 (1 - 4) - 0.7 * 12 < 0. Past 24 it is held two
    # periods in scenario 0 (+2) and replaces a period-2 order in scenario 1 (1 - 4):
    # 4 + 0.3 * 2 + 0.7 * (-3) > 0. So q = 24; scenario 0 holds 20 for its period 3 and
    # orders nothing more, scenario 1 runs out and orders its period 3's 10 in period 2.
    orders = scenario_orders(problem(1, 0.0))
    np.testing.assert_allclose(orders[:, 0], [24.0, 24.0], atol=1e-7)
    np.testing.assert_allclose(orders[:, 1], [0.0, 10.0], atol=1e-7)
    cost = C * 24 + H * 1 + 0.3 * (H * 20) + 0.7 * (C * 10)  # 131
    assert plan_orders(problem(1, 0.0)).objective == pytest.approx(cost)


def test_a_static_plan_places_the_same_orders_in_every_scenario():
    # first_stage = horizon: every order is one decision; it can only cost more than
    # adapting later orders to each scenario.
    static = scenario_orders(problem(3, 0.0))
    np.testing.assert_allclose(static, static[[0, 0]], atol=1e-9)
    assert plan_orders(problem(3, 0.0)).objective > plan_orders(problem(1, 0.0)).objective + 1.0


# ---- the terminal credit never beats selling ---------------------------------------------


def test_cost_objective_sells_stock_rather_than_keep_it_for_its_credit():
    # Unit cost 10, lost-sale penalty 4, holding 0.5: at terminal_value 1 an uncapped credit
    # (10 a unit) would keep all 10 units on hand and lose the 6 sales (holding 5, penalty
    # 24, stock value unchanged: 29 against 2 + (10 - 4) * 10 = 62). Capped at the penalty
    # (4), selling wins: holding 4 * 0.5 = 2, stock value falls by (10 - 4) * 4 = 24.
    item = Item("A", unit_cost=10.0, holding_cost_rate=0.05, shortage_penalty=4.0)
    p = store_problem(store_dataset([item], on_hand={"A": 10.0}), np.full((1, 1, 1), 6.0))
    plan = plan_orders(p)
    assert plan.service["expected_short"].iloc[0] == pytest.approx(0.0, abs=1e-9)
    assert plan.service["expected_end_on_hand"].iloc[0] == pytest.approx(4.0)
    assert plan.objective == pytest.approx(26.0)
    assert plan.costs["stock value change"] == pytest.approx(24.0)
    np.testing.assert_allclose(p.terminal_credit, [4.0])


def test_profit_objective_credit_is_at_most_price_plus_penalty():
    # Price 3 and penalty 1: a unit sold is worth 4, so is a unit kept (not its cost, 10).
    # Selling the 6 units: revenue 18, holding 2, stock value falls by 24: profit -8.
    item = Item("A", unit_cost=10.0, holding_cost_rate=0.05, shortage_penalty=1.0, price=3.0)
    p = store_problem(
        store_dataset([item], on_hand={"A": 10.0}), np.full((1, 1, 1), 6.0), objective="profit"
    )
    plan = plan_orders(p)
    assert plan.service["expected_short"].iloc[0] == pytest.approx(0.0, abs=1e-9)
    assert plan.objective == pytest.approx(-8.0)
    np.testing.assert_allclose(p.terminal_credit, [4.0])


@settings(max_examples=40, deadline=None)
@given(
    data=st.data(),
    unit_cost=st.floats(1.0, 20.0),
    rate=st.floats(0.01, 0.5),
    penalty_share=st.floats(0.05, 1.5),
    price_share=st.floats(0.0, 0.5),
    profit=st.booleans(),
    value=st.one_of(st.just(1.0), st.floats(0.0, 1.0)),
    discount=st.one_of(st.just(1.0), st.floats(0.8, 1.0)),
    on_hand=st.integers(0, 40),
)
def test_keeping_a_unit_never_beats_selling_it(
    data, unit_cost, rate, penalty_share, price_share, profit, value, discount, on_hand
):
    # Nothing ordered arrives within the horizon, so every unit sold comes from the stock
    # at the start. Serving demand as it comes from that stock is optimal exactly when a
    # unit kept to the end (credit, less holding) is never worth more than a unit sold: the
    # plan's shortage, its ending stock and its objective are those of serving greedily.
    horizon = data.draw(st.integers(1, 3))
    demand = np.array(
        data.draw(
            st.lists(
                st.lists(st.integers(0, 20), min_size=horizon, max_size=horizon),
                min_size=1,
                max_size=3,
            )
        ),
        dtype=float,
    )
    # penalty and price as shares of the unit cost, so a unit often costs more than its sale
    penalty, price = penalty_share * unit_cost, price_share * unit_cost
    item = Item(
        "A",
        unit_cost=unit_cost,
        holding_cost_rate=rate,
        shortage_penalty=penalty,
        price=price if profit else None,
    )
    ds = store_dataset([item], lead_time=float(horizon), on_hand={"A": float(on_hand)})
    p = store_problem(
        ds,
        demand[:, None, :],
        objective="profit" if profit else "cost",
        terminal_value=value,
        discount=discount,
    )
    worth = penalty + (price if profit else 0.0)
    credit = min(value * unit_cost, worth) * discount**horizon

    gamma = discount ** np.arange(horizon)
    weights = np.full(len(demand), 1.0 / len(demand))
    stock = np.full(len(demand), float(on_hand))
    lost_total = np.zeros(len(demand))
    value_of_plan = np.zeros(len(demand))  # profit (or minus the cost) of serving greedily
    for t in range(horizon):
        sold = np.minimum(stock, demand[:, t])
        lost, stock = demand[:, t] - sold, stock - sold
        lost_total += lost
        revenue = price * sold if profit else 0.0
        value_of_plan += gamma[t] * (revenue - penalty * lost - item.holding_cost * stock)
    value_of_plan += credit * (stock - on_hand)
    expected = float(weights @ value_of_plan) * (1.0 if profit else -1.0)

    plan = plan_orders(p)
    if demand.sum() > 0:
        assert plan.service["expected_short"].iloc[0] == pytest.approx(
            weights @ lost_total, abs=1e-6
        )
        end = plan.service["expected_end_on_hand"].iloc[0]
        assert end == pytest.approx(weights @ stock, abs=1e-6)
    assert plan.objective == pytest.approx(expected, rel=1e-7, abs=1e-6)
    assert p.terminal_credit[0] == pytest.approx(credit, rel=1e-12)
