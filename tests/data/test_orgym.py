"""OR-Gym's InvManagement instance in stockwise's data model (``stockwise.data.orgym``),
and the benchmark's port of the environment it is scored by.

The port (``benchmarks/test_orgym.py``: ``step``, ``simulate``, ``base_stock``) against
the environment itself: a transcription of or-gym 0.5.0's ``_STEP`` (below, attributed),
driven side by side on random orders (fractional, negative, beyond capacity and supplier
stock) and demand, state, fills, backlogs and reward compared every period, v0 and v1.

Then, with the port as independent truth, with its LP written in the environment's own
timing (``plan_lp``): with the future known, stockwise's plan from any state must earn
exactly what that LP earns, and the plan's objective must be the profit the environment
pays for it (up to the holding the mapping documents: units already in transit upstream
and units ordered too late to arrive).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.test_orgym import (
    INST,
    base_stock,
    episode,
    follow,
    plan_lp,
    simulate,
    step,
    stockwise_plan,
)
from stockwise.data import OnOrder, StockPosition, from_frames, orgym, to_frames

INSTANCE = orgym.InvManagement()


def test_the_dataset_validates_and_round_trips():
    orders = np.array([[20.0, 30.0, 40.0], [25.0, 0.0, 80.0]])
    state = orgym.inventory_state(INSTANCE, 2, [60.0, 70.0, 150.0], orders, backlog=3.0)
    ds = orgym.dataset(INSTANCE, state, history=[22.0, 18.0])
    back = from_frames(to_frames(ds))  # the loader's validation, every rule
    assert back.items == ds.items and back.lanes == ds.lanes and back.locations == ds.locations
    assert back.inventory == ds.inventory
    assert ds.network.order == ("raw-material", "stage-2", "stage-1", "retailer")


def test_state_mapping_by_hand():
    # Period 4; orders placed in periods 0..3. Retailer (lead 3): the order of period 0
    # arrived in period 3 (on hand); the one of period 1 arrives in period 4 (planning
    # period 1). Stage 1 (lead 5, planning 6): period 0's order arrives in the environment
    # in period 5 and can leave in 6, planning period 6 - 4 + 1 = 3.
    orders = np.array([[5.0, 6.0, 7.0], [8.0, 0.0, 0.0], [0.0, 0.0, 0.0], [9.0, 0.0, 0.0]])
    state = orgym.inventory_state(INSTANCE, 4, [1.0, 2.0, 3.0], orders, backlog=4.0)
    assert state.positions == (
        StockPosition("product", "retailer", 1.0, 4.0),
        StockPosition("product", "stage-1", 2.0),
        StockPosition("product", "stage-2", 3.0),
    )
    assert set(state.on_order) == {
        OnOrder("product", "retailer", 8.0, 1),
        OnOrder("product", "retailer", 9.0, 3),
        OnOrder("product", "stage-1", 6.0, 3),
        OnOrder("product", "stage-2", 7.0, 8),  # arrives 10, leaves 11: 11 - 4 + 1
    }
    with pytest.raises(ValueError, match="one row per past period"):
        orgym.inventory_state(INSTANCE, 3, [1.0, 2.0, 3.0], orders)


@pytest.mark.parametrize("backlog", [True, False], ids=["v0 backlog", "v1 lost sales"])
def test_known_future_plan_earns_the_environment_lp_profit(backlog):
    path = np.random.default_rng(11).poisson(INST.mean, INST.periods).astype(float)
    start = 8
    prefix = np.tile([10.0, 25.0, 30.0], (start, 1))  # too little: the retailer runs short
    stock, prefix, owed_all = replay(prefix, path, backlog)
    owed = owed_all[0]  # customer backlog; no request went unfilled
    assert stock[0] == 0.0 and (owed > 0) == backlog and not owed_all[1:].any()

    future = path[None, start:]
    plan = stockwise_plan(start, stock, prefix, owed, future, backlog)
    ours = plan.quantities[:, 0, :].T
    lp = plan_lp(start, stock, prefix, owed, future, backlog)
    profit = episode(follow(np.vstack([prefix, ours])), path, backlog)
    assert profit == pytest.approx(episode(follow(np.vstack([prefix, lp])), path, backlog))

    gamma = INST.discount
    before = episode(follow(prefix), path[:start], backlog)
    in_transit = sum(  # held upstream in the environment in the period they arrive
        INST.holding[i] * gamma ** (m + INST.lead[i] - start) * prefix[m, i]
        for i in (1, 2)
        for m in range(start)
        if start <= m + INST.lead[i] < INST.periods
    )
    too_late = sum(  # charged on the lane by the model, never held in the environment
        INST.holding[i] * gamma ** (t + INST.lead[i]) * ours[t, i]
        for i in (1, 2)
        for t in range(INST.periods - start)
        if start + t + INST.lead[i] >= INST.periods
    )
    expected = before + gamma**start * (plan.objective - in_transit + too_late)
    assert profit == pytest.approx(expected, abs=1e-6)


def replay(orders: np.ndarray, path: np.ndarray, backlog: bool):
    """Stock, orders as filled, and backlog at the start of period ``len(orders)`` after
    asking for ``orders``."""
    seen = {}

    def decide(n, stock, past, owed):
        seen.update(stock=stock, past=past, owed=owed)
        return orders[n] if n < len(orders) else np.zeros(3)

    episode(decide, path[: len(orders) + 1], backlog)
    return seen["stock"], seen["past"], seen["owed"]


# ---- the environment itself, as the oracle of the benchmark's port ----------------------
#
# Transcribed from or-gym 0.5.0 (PyPI wheel or_gym-0.5.0-py3-none-any.whl),
# or_gym/envs/supply_chain/inventory_management.py, InvManagementMasterEnv: the defaults of
# __init__, _RESET, _STEP, _update_base_stock_policy_state and base_stock_action, line for
# line. or_gym cannot be imported here: it pins gym <= 0.19 and uses ``np.Inf``, which
# NumPy 2 removed. Changes: ``np.inf`` for ``np.Inf``; demand is the user-supplied path
# (``dist = 5``); no gym spaces nor observation (``_update_state``), so _STEP returns only
# the reward and ``done``; base_stock_action reads the position from ``self.state``, where
# _update_base_stock_policy_state leaves it (0.5.0 assigns that method's return value,
# None, and fails).
#
# or-gym: Copyright (c) 2020 Christian Hubbs, Owais Sarwar, Hector Perez; MIT License.
# Permission is hereby granted, free of charge, to any person obtaining a copy of this
# software and associated documentation files (the "Software"), to deal in the Software
# without restriction, including without limitation the rights to use, copy, modify,
# merge, publish, distribute, sublicense, and/or sell copies of the Software, and to
# permit persons to whom the Software is furnished to do so, subject to the following
# conditions: The above copyright notice and this permission notice shall be included in
# all copies or substantial portions of the Software. THE SOFTWARE IS PROVIDED "AS IS",
# WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE
# WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN
# NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR
# OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT
# OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.


class OrGymInvManagement:
    """or-gym 0.5.0's InvManagementMasterEnv (v0: ``backlog=True``, v1: ``False``)."""

    def __init__(self, backlog: bool, user_D):
        self.periods = 30
        self.I0 = [100, 100, 200]
        self.p = 2
        self.r = [1.5, 1.0, 0.75, 0.5]
        self.k = [0.10, 0.075, 0.05, 0.025]
        self.h = [0.15, 0.10, 0.05]
        self.c = [100, 90, 80]
        self.L = [3, 5, 10]
        self.backlog = backlog
        self.dist = 5
        self.alpha = 0.97
        self.user_D = user_D
        self.init_inv = np.array(list(self.I0))
        self.num_periods = self.periods
        self.unit_price = np.append(self.p, self.r[:-1])  # cost to stage 1 is price to stage 2
        self.unit_cost = np.array(self.r)
        self.demand_cost = np.array(self.k)
        self.holding_cost = np.append(self.h, 0)  # holding cost at last stage is 0
        self.supply_capacity = np.array(list(self.c))
        self.lead_time = np.array(list(self.L))
        self.discount = self.alpha
        self.user_D = np.array(list(self.user_D))
        self.num_stages = len(self.init_inv) + 1
        self.demand_dist = self.user_D
        self._RESET()

    def _RESET(self):
        periods = self.num_periods
        m = self.num_stages
        I0 = self.init_inv
        self.I = np.zeros([periods + 1, m - 1])
        self.T = np.zeros([periods + 1, m - 1])
        self.R = np.zeros([periods, m - 1])
        self.D = np.zeros(periods)
        self.S = np.zeros([periods, m])
        self.B = np.zeros([periods, m])
        self.LS = np.zeros([periods, m])
        self.P = np.zeros(periods)
        self.period = 0
        self.I[0, :] = np.array(I0)
        self.T[0, :] = np.zeros(m - 1)
        self.action_log = np.zeros((periods, m - 1))

    def _update_base_stock_policy_state(self):
        n = self.period
        if n >= 1:
            IP = np.cumsum(self.I[n, :] + self.T[n, :] - self.B[n - 1, :-1])
        else:
            IP = np.cumsum(self.I[n, :] + self.T[n, :])
        self.state = IP

    def _STEP(self, action):  # or-gym's names throughout
        R = np.maximum(action, 0).astype(int)
        n = self.period
        L = self.lead_time
        I = self.I[n, :].copy()  # noqa: E741
        T = self.T[n, :].copy()
        m = self.num_stages
        c = self.supply_capacity
        self.action_log[n] = R.copy()
        Im1 = np.append(I[1:], np.inf)
        if n >= 1:  # add backlogged replenishment orders to current request
            R = R + self.B[n - 1, 1:]
        Rcopy = R.copy()  # copy original replenishment quantity
        R[R >= c] = c[R >= c]  # enforce capacity constraint
        R[R >= Im1] = Im1[R >= Im1]  # enforce available inventory constraint
        self.R[n, :] = R
        RnL = np.zeros(m - 1)
        for i in range(m - 1):
            if n - L[i] >= 0:
                RnL[i] = self.R[n - L[i], i].copy()
                I[i] = I[i] + RnL[i]
        D0 = self.demand_dist[n]  # user specified demand
        D = D0
        self.D[n] = D0
        if n >= 1:
            D = D0 + self.B[n - 1, 0].copy()  # add backlogs to demand
        S0 = min(I[0], D)
        S = np.append(S0, R)
        self.S[n, :] = S
        I = I - S[:-1]  # noqa: E741
        T = T - RnL + R
        self.I[n + 1, :] = I
        self.T[n + 1, :] = T
        U = np.append(D, Rcopy) - S  # unfulfilled demand and replenishment orders
        if self.backlog:
            B = U
            LS = np.zeros(m)
        else:
            LS = U
            B = np.zeros(m)
        self.B[n, :] = B
        self.LS[n, :] = LS
        p = self.unit_price
        r = self.unit_cost
        k = self.demand_cost
        h = self.holding_cost
        a = self.discount
        II = np.append(I, 0)
        RR = np.append(R, S[-1])
        P = a**n * np.sum(p * S - (r * RR + k * U + h * II))
        self.P[n] = P
        self.period += 1
        return P, self.period >= self.num_periods

    def base_stock_action(self, z):
        n = self.period
        c = self.supply_capacity
        self._update_base_stock_policy_state()
        IP = self.state
        R = z - IP
        Im1 = np.append(self.I[n, 1:], np.inf)
        Rpos = np.column_stack((np.zeros(len(R)), R))
        A = np.column_stack((c, np.max(Rpos, axis=1), Im1))
        R = np.min(A, axis=1)
        return R


# ---- the port against it, period by period -----------------------------------------------


def drive(actions: np.ndarray, demand: np.ndarray, backlog: bool) -> OrGymInvManagement:
    """Run the environment and the port (``step``) side by side on the same actions and
    demand; every period the port's state, fills, backlog and reward must be the
    environment's. Returns the environment at the end."""
    env = OrGymInvManagement(backlog, demand)
    stock, orders, owed = np.array(INST.init), np.zeros((len(demand), 3)), np.zeros(4)
    for n in range(len(demand)):
        np.testing.assert_array_equal(stock, env.I[n])
        np.testing.assert_array_equal(owed, env.B[n - 1] if n else np.zeros(4))
        out = step(n, stock, orders, owed, actions[n], demand[n], backlog)
        reward, done = env._STEP(actions[n])
        assert done == (n == len(demand) - 1)
        np.testing.assert_array_equal(out.placed, env.R[n])
        np.testing.assert_array_equal(out.stock, env.I[n + 1])
        np.testing.assert_array_equal(out.owed, env.B[n])
        np.testing.assert_array_equal(out.unfilled, env.B[n] + env.LS[n])
        assert out.reward == pytest.approx(reward, rel=1e-12, abs=1e-12)
        stock, orders[n], owed = out.stock, out.placed, out.owed
    return env


orders_of_any_size = st.lists(  # negative, fractional, above capacity and supplier stock
    st.tuples(*[st.floats(-10.0, 260.0, allow_nan=False)] * 3), min_size=30, max_size=30
)


@settings(max_examples=60, deadline=None)
@given(
    backlog=st.booleans(),
    actions=orders_of_any_size,
    demand=st.lists(st.integers(0, 60), min_size=30, max_size=30),
)
def test_the_port_steps_as_the_environment(backlog, actions, demand):
    drive(np.array(actions), np.array(demand, dtype=float), backlog)


@pytest.mark.parametrize("backlog", [True, False], ids=["v0 backlog", "v1 lost sales"])
def test_the_port_on_orders_beyond_supply(backlog):
    rng = np.random.default_rng(3)
    demand = rng.poisson(INST.mean, INST.periods).astype(float)
    actions = rng.uniform(0.0, 200.0, (INST.periods, 3))
    env = drive(actions, demand, backlog)
    requested = np.floor(actions) + np.vstack([np.zeros(3), env.B[:-1, 1:]])  # v0: again
    cut_by_capacity = requested >= np.array(INST.capacity)
    cut_by_stock = env.R < np.minimum(requested, INST.capacity)
    assert cut_by_capacity[:, 2].any() and cut_by_stock[:, :2].any()  # both limits bite
    unfilled = (env.B if backlog else env.LS)[:, 1:]
    assert (unfilled > 0).any(axis=0).all() and unfilled.sum() > 1000  # every stage: penalised


@pytest.mark.parametrize("backlog", [True, False], ids=["v0 backlog", "v1 lost sales"])
def test_episode_gives_decide_the_environment_state(backlog):
    rng = np.random.default_rng(5)
    demand = rng.poisson(INST.mean, INST.periods).astype(float)
    actions = rng.uniform(0.0, 150.0, (INST.periods, 3))
    env = OrGymInvManagement(backlog, demand)

    def decide(n, stock, past, owed):
        np.testing.assert_array_equal(stock, env.I[n])
        np.testing.assert_array_equal(past, env.R[:n])
        np.testing.assert_array_equal(owed, env.B[n - 1] if n else np.zeros(4))
        env._STEP(actions[n])
        return actions[n]

    outcome = simulate(decide, demand, backlog)
    assert outcome.profit == pytest.approx(env.P.sum(), rel=1e-12)
    assert outcome.unfilled == (env.B if backlog else env.LS)[:, 1:].sum() > 0


@pytest.mark.parametrize("backlog", [True, False], ids=["v0 backlog", "v1 lost sales"])
def test_base_stock_is_the_environments_rule(backlog):
    # Random orders first, so that stages owe each other (v0), then base stock: the
    # benchmark's rule must ask for what the environment's base_stock_action asks for.
    rng = np.random.default_rng(9)
    demand = rng.poisson(INST.mean, INST.periods).astype(float)
    levels = np.array([70.0, 190.5, 410.0])
    env = OrGymInvManagement(backlog, demand)
    rule = base_stock(levels)
    owed_seen = 0.0

    def decide(n, stock, past, owed):
        nonlocal owed_seen
        action = rng.uniform(0.0, 200.0, 3) if n < 12 else rule(n, stock, past, owed)
        if n >= 12:
            np.testing.assert_array_equal(action, env.base_stock_action(levels))
            owed_seen += owed[1:3].sum()
        env._STEP(action)
        return action

    outcome = simulate(decide, demand, backlog)
    assert outcome.profit == pytest.approx(env.P.sum(), rel=1e-12)
    assert (owed_seen > 0) == backlog
