"""OR-Gym InvManagement v0 (backlog) / v1 (lost sales): closed-loop policies on the same
demand paths, scored by the environment's own dynamics and discounted profit.

The instance (Hubbs et al. 2020, ``or_gym/envs/supply_chain/inventory_management.py``): a
4-stage serial chain (retailer 0, stages 1-2, plant 3 with unlimited raw material),
capacities 100/90/80, lead times 3/5/10, initial stock 100/100/200, Poisson(20) demand,
30 periods, discount 0.97, price 2, stage costs r = 1.5/1.0/0.75/0.5, penalties
k = 0.10/0.075/0.05/0.025, holding h = 0.15/0.10/0.05. Event order of one period, as
or-gym 0.5.0's ``_STEP`` runs it (:func:`step`): (0) every stage asks its supplier for its
order, plus in v0 what the supplier still owes it; the request is filled up to the
supplier's capacity and its stock *at the start of the period* (before arrivals); what is
left unfilled is penalised at the supplier's rate (k = 0.075 / 0.05 / 0.025 per unit) in
both versions, and asked again next period in v0 (backlog) or lost in v1; (1) orders
placed ``L`` periods ago arrive; (2) demand (plus backlog) is served at the retailer; (3)
unmet demand is backlogged (v0) or lost (v1), penalised 0.10 per unit and period; (4)
holding on end stock. (An earlier version of the environment aliased its copy of the
request to the filled one, ``Rcopy = R``, so unfilled requests were silently cut: our first
port did that.) :func:`step` is this port, written from the environment's source
independently of stockwise; ``tests/data/test_orgym.py`` checks it period by period against
a transcription of ``_STEP``. It scores every policy, and reports the replenishment units
each left unfilled (``unfilled``, per episode). A policy that places a plan's orders asks
for them less what the environment asks again (:func:`ask`).

Policies, each on the same ``EPISODES`` test paths (one period's orders are whole units:
the environment truncates actions to integers, so plans are rounded to the nearest unit):

* perfect-information oracle: stockwise's order plan (``plan_orders``) of the whole
  episode with the realised demand as its one scenario, followed; the independent LP
  :func:`plan_lp` (written in the environment's own timing) gives the same profit;
* shrinking-horizon LP on mean demand (the published baseline): each period, stockwise's
  plan of the remaining horizon with demand 20 in every period, first orders placed;
* stockwise re-planning: each period, the environment's state becomes a ``Dataset``
  (``stockwise.data.orgym``: on hand, on order with arrival periods, backlog), and
  ``build_problem`` + ``plan_orders`` solve the two-stage SAA over ``SCENARIOS`` Poisson(20)
  futures of the remaining horizon (profit objective, discount 0.97, backorders or lost
  sales, per-stage holding, lane capacities); its first-period orders are placed. The
  planning scenarios are drawn from their own seed (the planner never sees the path);
* base stock on echelon inventory positions, the environment's own rule
  (``base_stock_action``: what each stage owes downstream counts against its position,
  orders are cut to capacity and to the supplier's stock, :func:`base_stock`), at the
  Chen–Zheng levels of stockwise's
  ``serial_base_stock`` (Poisson demand, stockwise's lead times, echelon holding 0.05 per
  stage, shortage cost per unit-period in :func:`chen_zheng_levels`); the same with a stop
  rule (no order that cannot reach the shelf before the episode ends: Chen–Zheng assumes
  an infinite horizon, and the episode values stock left at nothing); and levels tuned
  with the stop rule by Nelder–Mead from Chen–Zheng's on ``TRAIN`` separate training
  paths in the environment (Chen–Zheng also assumes no capacity and backorders, where v1
  loses sales). stockwise has no optimiser of base-stock levels for a finite, capacitated,
  lost-sales episode, so the tuning is the benchmark's own.

Measured here (20 paths, the re-planner's mean profit v0 / v1 by scenario count): 5
futures 530.7 / 522.4, 10: 533.5 / 529.0, 20: 534.0 / 529.8, 50: 533.1 / 532.7 (v0 at 100:
534.6), so 20 is enough; solve time grows faster than the count (22 / 30 / 50 / 190 ms
per period in v0 for 5 / 10 / 20 / 50). stockwise's plan shares all its orders across
scenarios (a static plan, re-solved each period); :func:`plan_lp` with 20 scenarios, whose
later orders differ by scenario, made 534.7 / 531.2 on the same paths: the static plan
loses nothing measurable here. (These were measured on the first port; the planners'
requests never go unfilled, so they stand: with 20 futures the re-planner makes the same
534.0 / 529.8 under 0.5.0's rules.)

Published (v0 / v1): oracle 546.8 / 542.7, shrinking-horizon LP 508.0 / 485.4, PPO 438.8 /
409.8, MIP base stock 388.0 / 378.5::

    nice -n 10 .venv/bin/python -m pytest benchmarks/test_orgym.py --benchmark-only -q -s

``STOCKWISE_ORGYM_SCENARIOS`` and ``STOCKWISE_ORGYM_EPISODES`` override the scenario and
episode counts. Results go to ``.benchmarks/orgym.json`` and are printed.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from scipy import stats
from scipy.optimize import linprog, minimize

from stockwise.data import orgym
from stockwise.engine.planning import build_problem, plan_orders
from stockwise.engine.policies import serial_base_stock
from stockwise.scenarios import ScenarioSet

EPISODES = int(os.environ.get("STOCKWISE_ORGYM_EPISODES", "20"))
SCENARIOS = int(os.environ.get("STOCKWISE_ORGYM_SCENARIOS", "20"))
TRAIN = 50
OUT = Path(".benchmarks/orgym.json")
PUBLISHED = {
    "v0": {"oracle": 546.8, "shrinking-horizon LP": 508.0, "PPO": 438.8, "MIP base stock": 388.0},
    "v1": {"oracle": 542.7, "shrinking-horizon LP": 485.4, "PPO": 409.8, "MIP base stock": 378.5},
}
RESULTS: dict[str, dict] = {}

Decide = Callable[[int, np.ndarray, np.ndarray, np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Instance:
    """The environment's own parameters, per stage (retailer first)."""

    periods: int = 30
    init: tuple[float, ...] = (100.0, 100.0, 200.0)
    price: tuple[float, ...] = (2.0, 1.5, 1.0, 0.75)  # what each stage sells at
    cost: tuple[float, ...] = (1.5, 1.0, 0.75, 0.5)  # what each stage pays
    penalty: tuple[float, ...] = (0.10, 0.075, 0.05, 0.025)
    holding: tuple[float, ...] = (0.15, 0.10, 0.05)
    capacity: tuple[float, ...] = (100.0, 90.0, 80.0)
    lead: tuple[int, ...] = (3, 5, 10)
    mean: float = 20.0
    discount: float = 0.97


INST = Instance()
STOCKWISE = orgym.InvManagement()


@dataclass(frozen=True)
class Step:
    """One period of the environment: the next period's state, what was filled and owed,
    and the reward.

    stock : [units] on hand per stage at the end of the period (the next one's start)
    placed : [units] replenishment orders as filled (shipped by each supplier), per stage
    unfilled : [units] the customer demand left unserved, then each stage's replenishment
        request left unfilled: all penalised (``INST.penalty``, the supplier's rate)
    owed : [units] ``unfilled`` in v0 (carried into the next period: customer demand is
        served first, replenishment requests are asked again), zero in v1 (lost)
    reward : [currency] the period's profit, discounted to period 0
    """

    stock: np.ndarray
    placed: np.ndarray
    unfilled: np.ndarray
    owed: np.ndarray
    reward: float


def step(
    n: int,
    stock: np.ndarray,
    orders: np.ndarray,
    owed: np.ndarray,
    want: np.ndarray,
    demand: float,
    backlog: bool,
) -> Step:
    """Period ``n`` of the environment from its start: ``stock`` on hand per stage,
    ``orders`` the replenishment orders of periods ``0 .. n - 1`` as filled (at least ``n``
    rows), ``owed`` what the previous period left owed (zeros at ``n = 0``: customer
    backlog, then each stage's unfilled request), ``want`` the action (requests per stage,
    cut to whole units), ``demand`` the customer demand."""
    lead, c = INST.lead, np.array(INST.capacity)
    request = np.floor(np.maximum(want, 0.0)) + owed[1:]  # v0: unfilled requests again
    supplier = np.append(stock[1:], np.inf)  # its stock before this period's arrivals
    placed = np.minimum(np.minimum(request, c), supplier)
    stock = stock.copy()
    for i in range(3):
        if n - lead[i] >= 0:
            stock[i] += orders[n - lead[i], i]
    due = demand + owed[0]
    sold = min(stock[0], due)
    stock -= np.array([sold, placed[0], placed[1]])
    unfilled = np.append(due - sold, request - placed)
    revenue = INST.price[0] * sold + np.dot(INST.price[1:], placed)
    bought = np.dot(INST.cost, np.append(placed, placed[2]))
    cost = bought + np.dot(INST.penalty, unfilled) + np.dot(INST.holding, stock)
    return Step(
        stock=stock,
        placed=placed,
        unfilled=unfilled,
        owed=unfilled if backlog else np.zeros(4),
        reward=float(INST.discount**n * (revenue - cost)),
    )


@dataclass(frozen=True)
class Outcome:
    """profit : [currency] discounted over the episode; unfilled : [units] replenishment
    requests left unfilled, summed over periods and stages (each one penalised)."""

    profit: float
    unfilled: float


def simulate(decide: Decide, demand: np.ndarray, backlog: bool) -> Outcome:
    """One episode under ``decide(n, stock, orders, owed)`` (the state at the start of
    period ``n``, as :func:`step` takes it); its length is the demand path's (the first
    periods of an episode, when shorter)."""
    stock = np.array(INST.init)
    orders = np.zeros((len(demand), 3))
    owed = np.zeros(4)
    profit = unfilled = 0.0
    for n in range(len(demand)):
        want = decide(n, stock.copy(), orders[:n].copy(), owed.copy())
        out = step(n, stock, orders, owed, want, demand[n], backlog)
        stock, orders[n], owed = out.stock, out.placed, out.owed
        profit += out.reward
        unfilled += out.unfilled[1:].sum()
    return Outcome(float(profit), float(unfilled))


def episode(decide: Decide, demand: np.ndarray, backlog: bool) -> float:
    """Discounted profit of one episode (:func:`simulate`)."""
    return simulate(decide, demand, backlog).profit


def ask(orders: np.ndarray, owed: np.ndarray) -> np.ndarray:
    """The action that ships ``orders`` [units per stage] when they can be filled: the
    environment asks again for what it still owes (v0), so ask only for the rest."""
    return np.maximum(np.round(orders) - owed[1:], 0.0)


# ---- stockwise: the environment's state as a Dataset, one order plan per decision --------


def stockwise_plan(n, stock, past, owed, demand: np.ndarray, backlog: bool):
    """stockwise's order plan from the environment's state at the start of period ``n``
    over the remaining horizon, ``demand`` ``S x H`` equally likely futures."""
    state = orgym.inventory_state(STOCKWISE, n, stock, past, owed)
    scenarios = ScenarioSet.from_arrays([(orgym.PRODUCT, orgym.STAGES[0])], demand[:, None, :])
    problem = build_problem(
        orgym.dataset(STOCKWISE, state),
        scenarios,
        objective="profit",
        shortage="backorder" if backlog else "lost_sales",
        discount=STOCKWISE.discount,
        location_holding_cost=orgym.location_holding(STOCKWISE),
        terminal_value=0.0,  # the episode ends with the horizon: stock left is worth nothing
    )
    return plan_orders(problem, whole=False)  # orders are rounded as the environment takes them


def stockwise_orders(n, stock, past, owed, demand: np.ndarray, backlog: bool) -> np.ndarray:
    """First-period orders [units] per stage (retailer first) of :func:`stockwise_plan`."""
    plan = stockwise_plan(n, stock, past, owed, demand, backlog)
    if not plan.has_plan:
        raise RuntimeError(f"period {n}: no plan ({plan.status})")
    return np.round(plan.quantities[:, 0, 0])  # lanes are in stage order


# ---- an independent LP in the environment's own timing (check of the mapping) -----------


def plan_lp(n: int, stock, past: np.ndarray, owed: float, demand: np.ndarray, backlog: bool):
    """Orders ``H x 3`` of scenario 0 of the two-stage LP from period ``n`` over the
    remaining horizon in the environment's timing; ``demand`` is ``S x H`` (equally likely
    futures), orders after the first period may differ by scenario."""
    s_n, h_n = demand.shape
    lead, cap = INST.lead, INST.capacity
    # variable layout: first orders (3), then per scenario s and period t >= 1 orders (3),
    # and per s, t: end stock (3), sold, short
    n_first = 3
    per = (h_n - 1) * 3 + h_n * 5
    n_var = n_first + s_n * per

    def order(s, t, i):
        return i if t == 0 else n_first + s * per + (t - 1) * 3 + i

    def stock_end(s, t, i):
        return n_first + s * per + (h_n - 1) * 3 + t * 5 + i

    def sold(s, t):
        return stock_end(s, t, 0) + 3

    def short(s, t):
        return stock_end(s, t, 0) + 4

    cost = np.zeros(n_var)
    rows, cols, vals, lo, hi = [], [], [], [], []
    r = 0

    def add(terms, lower, upper):
        nonlocal r
        for col, val in terms:
            rows.append(r)
            cols.append(col)
            vals.append(val)
        lo.append(lower)
        hi.append(upper)
        r += 1

    w = 1.0 / s_n
    for s in range(s_n):
        for t in range(h_n):
            g = w * INST.discount ** (n + t)
            cost[sold(s, t)] -= g * INST.price[0]
            cost[order(s, t, 2)] += g * INST.cost[3]
            cost[short(s, t)] += g * INST.penalty[0]
            for i in range(3):
                cost[stock_end(s, t, i)] += g * INST.holding[i]
            for i in range(3):  # stock balance of stage i
                terms = [(stock_end(s, t, i), 1.0)]
                rhs = 0.0
                if t == 0:
                    rhs += stock[i]
                else:
                    terms.append((stock_end(s, t - 1, i), -1.0))
                src = t - lead[i]
                if src >= 0:
                    terms.append((order(s, src, i), -1.0))
                elif n + src >= 0:
                    rhs += past[n + src, i]
                terms.append((sold(s, t), 1.0) if i == 0 else (order(s, t, i - 1), 1.0))
                add(terms, rhs, rhs)
            for i in range(2):  # a supplier ships from its stock at the start of the period
                terms = [(order(s, t, i), 1.0)]
                if t == 0:
                    add(terms, -np.inf, stock[i + 1])
                else:
                    add([*terms, (stock_end(s, t - 1, i + 1), -1.0)], -np.inf, 0.0)
            # demand: sold + short = demand (+ previous short when backlogged)
            terms = [(sold(s, t), 1.0), (short(s, t), 1.0)]
            rhs = demand[s, t]
            if backlog:
                if t == 0:
                    rhs += owed
                else:
                    terms.append((short(s, t - 1), -1.0))
            add(terms, rhs, rhs)
    bounds = [(0.0, None)] * n_var
    for s in range(s_n):
        for t in range(h_n):
            for i in range(3):
                bounds[order(s, t, i)] = (0.0, cap[i])
    a = sp.csr_array((vals, (rows, cols)), shape=(r, n_var))
    lo, hi = np.array(lo), np.array(hi)
    eq = lo == hi
    res = linprog(
        cost,
        A_ub=a[~eq & np.isfinite(hi)],
        b_ub=hi[~eq & np.isfinite(hi)],
        A_eq=a[eq],
        b_eq=hi[eq],
        bounds=bounds,
        method="highs",
    )
    if res.status != 0:
        raise RuntimeError(f"period {n}: LP status {res.status}: {res.message}")
    return np.array([[res.x[order(0, t, i)] for i in range(3)] for t in range(h_n)])


def follow(schedule: np.ndarray) -> Decide:
    """Place a precomputed ``periods x 3`` order schedule (:func:`ask`)."""
    return lambda n, st, past, owed: ask(schedule[n], owed)


# ---- base stock on echelon inventory positions ------------------------------------------


def chen_zheng_levels(backlog: bool) -> np.ndarray:
    """Echelon base-stock levels, retailer first, from stockwise's Chen–Zheng solver.

    Shortage cost per unit and period: the penalty plus the revenue's time value
    ``price (1 - γ)`` when backlogged; the lost margin plus the penalty when lost."""
    s = STOCKWISE
    if backlog:
        shortage = s.penalty + s.price * (1 - s.discount)
    else:
        shortage = s.price - s.raw_cost + s.penalty
    local = np.append(s.holding, 0.0)  # the raw material is charged nothing
    echelon = local[:-1] - local[1:]  # retailer first
    result = serial_base_stock(
        echelon[::-1],
        [s.planning_lead_time(i) for i in reversed(range(3))],
        shortage,
        stats.poisson(s.mean),
    )
    return result.echelon_base_stock[::-1]


# Periods from a stage's order to the retailer's shelf (stockwise's lead times: a stage
# ships the period after stock arrives): 3, 3 + 6, 3 + 6 + 11.
REACH = np.cumsum([STOCKWISE.planning_lead_time(i) for i in range(3)])


def base_stock(levels: np.ndarray, stop: bool = False) -> Decide:
    """Order up to echelon ``levels`` (retailer first) on echelon inventory positions, as
    the environment's ``base_stock_action`` does; ``stop``: a stage places no order that
    cannot reach the shelf before the episode ends (units that could never sell earn
    nothing: the episode values no stock left).

    The environment's rule: a stage's position is its on hand plus in transit less what it
    owes downstream (the customer backlog at the retailer, the backlog of the next stage's
    unfilled requests upstream), summed down to the retailer; the order is cut to the
    capacity and to the supplier's stock, so it never goes unfilled (and the backlog term
    stays zero). Without that cut, unfilled requests are penalised and, in v0, asked again
    on top of the next order (v0 at Chen–Zheng levels: 273.9 when the backlog is ignored,
    50.6 when it is counted as here)."""

    def decide(n, st, past, owed):
        transit = np.array([past[max(0, n - INST.lead[i]) :, i].sum() for i in range(3)])
        position = np.cumsum(st + transit - owed[:3])
        supplier = np.append(st[1:], np.inf)
        orders = np.minimum(np.minimum(np.maximum(levels - position, 0.0), INST.capacity), supplier)
        return np.where(n + REACH < INST.periods, orders, 0.0) if stop else orders

    return decide


def tuned_levels(start: np.ndarray, train_paths: np.ndarray, backlog: bool) -> np.ndarray:
    """Echelon levels maximising the mean training profit with the stop rule, Nelder–Mead
    from ``start``."""

    def loss(levels):
        return -np.mean([episode(base_stock(levels, True), p, backlog) for p in train_paths])

    best = minimize(loss, x0=start, method="Nelder-Mead",
                    options={"maxfev": 200, "xatol": 1.0})  # fmt: skip
    return best.x


# ---- evaluation -------------------------------------------------------------------------


def mean_ci(values) -> dict[str, float]:
    """Mean and 95 % t half-width over episodes."""
    v = np.asarray(values, dtype=float)
    half = stats.t.ppf(0.975, v.size - 1) * v.std(ddof=1) / np.sqrt(v.size)
    return {"mean": float(v.mean()), "ci95": float(half)}


def evaluate(backlog: bool, test_paths, train_paths, future) -> dict[str, dict]:
    """Per policy: mean discounted profit ± CI on ``test_paths``, replenishment units left
    unfilled per episode (each penalised), and timings."""
    row: dict[str, dict] = {}

    def score(name: str, decide_of_path) -> list[float]:
        outcomes = [simulate(decide_of_path(p), p, backlog) for p in test_paths]
        profits = [o.profit for o in outcomes]
        row[name] = mean_ci(profits)
        row[name]["unfilled"] = round(float(np.mean([o.unfilled for o in outcomes])), 1)
        return profits

    # Perfect information: one plan of the whole episode, followed.
    plans = iter(
        [stockwise_plan(0, INST.init, np.zeros((0, 3)), 0.0, p[None], backlog) for p in test_paths]
    )
    objective = []

    def oracle(path):
        plan = next(plans)
        objective.append(plan.objective)
        return follow(plan.quantities[:, 0, :].T)

    score("oracle", oracle)
    row["oracle"]["plan objective"] = round(float(np.mean(objective)), 1)
    score(
        "oracle (independent LP)",
        lambda p: follow(plan_lp(0, INST.init, np.zeros((0, 3)), 0.0, p[None], backlog)),
    )

    calls, t0 = [0], time.perf_counter()

    def mean_plan(path):
        def decide(n, st, past, owed):
            calls[0] += 1
            mean = np.full((1, INST.periods - n), INST.mean)
            return ask(stockwise_orders(n, st, past, owed[0], mean, backlog), owed)

        return decide

    baseline = score("shrinking-horizon LP", mean_plan)
    row["shrinking-horizon LP"]["ms per period"] = round(
        1e3 * (time.perf_counter() - t0) / calls[0], 1
    )

    calls[0], t0 = 0, time.perf_counter()
    first: list[float] = []
    engine = [0.0]

    def replan(path):
        def decide(n, st, past, owed):
            calls[0] += 1
            draws = future.poisson(INST.mean, size=(SCENARIOS, INST.periods - n)).astype(float)
            plan = stockwise_plan(n, st, past, owed[0], draws, backlog)
            engine[0] += plan.timings.engine
            if n == 0:
                first.append(plan.objective)
            return ask(plan.quantities[:, 0, 0], owed)

        return decide

    ours = score("stockwise re-planning", replan)
    row["stockwise re-planning"]["ms per period"] = round(
        1e3 * (time.perf_counter() - t0) / calls[0], 1
    )
    row["stockwise re-planning"]["of which HiGHS"] = round(1e3 * engine[0] / calls[0], 1)
    gain = mean_ci(np.subtract(ours, baseline))  # paired: the same paths
    row["stockwise re-planning"]["minus shrinking-horizon LP"] = (
        f"{gain['mean']:.1f} ± {gain['ci95']:.1f}"
    )
    row["stockwise re-planning"]["plan objective at period 0"] = round(float(np.mean(first)), 1)

    cz = chen_zheng_levels(backlog)
    score("base stock (Chen-Zheng)", lambda p: base_stock(cz))
    row["base stock (Chen-Zheng)"]["levels"] = np.round(cz, 1).tolist()
    score("base stock (Chen-Zheng, stop)", lambda p: base_stock(cz, True))
    tuned = tuned_levels(cz, train_paths, backlog)
    tuned_scores = score("base stock (tuned, stop)", lambda p: base_stock(tuned, True))
    row["base stock (tuned, stop)"]["levels"] = np.round(tuned, 1).tolist()
    gain = mean_ci(np.subtract(ours, tuned_scores))
    row["stockwise re-planning"]["minus tuned base stock"] = (
        f"{gain['mean']:.1f} ± {gain['ci95']:.1f}"
    )
    return row


def test_orgym(benchmark):
    assert (STOCKWISE.capacity, STOCKWISE.lead_time, STOCKWISE.holding) == (
        INST.capacity,
        INST.lead,
        INST.holding,
    )
    rng = np.random.default_rng(np.random.SeedSequence(2020))
    test_paths = rng.poisson(INST.mean, size=(EPISODES, INST.periods)).astype(float)
    train_paths = rng.poisson(INST.mean, size=(TRAIN, INST.periods)).astype(float)
    future = np.random.default_rng(np.random.SeedSequence(7))

    def run_all():
        for variant, backlog in (("v0", True), ("v1", False)):
            RESULTS[variant] = evaluate(backlog, test_paths, train_paths, future)

    benchmark.pedantic(run_all, rounds=1, iterations=1)
    RESULTS["settings"] = {"episodes": EPISODES, "scenarios": SCENARIOS, "train": TRAIN}
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps({**RESULTS, "published": PUBLISHED}, indent=2))
    for variant in ("v0", "v1"):
        print(f"\n{variant} (published: {PUBLISHED[variant]})")
        for name, stat in RESULTS[variant].items():
            extra = ", ".join(f"{k}={v}" for k, v in stat.items() if k not in ("mean", "ci95"))
            print(f"  {name:40s} {stat['mean']:8.1f} ± {stat['ci95']:5.1f}  {extra}")
    for variant in ("v0", "v1"):  # the oracle bounds every policy on the same paths
        row = RESULTS[variant]
        assert abs(row["oracle"]["mean"] - row["oracle (independent LP)"]["mean"]) < 1e-6
        for name, stat in row.items():
            assert stat["mean"] <= row["oracle"]["mean"] + 1e-6, name
