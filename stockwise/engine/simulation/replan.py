"""Re-planning between kernel segments: "follow the plan, re-plan every k periods".

The simulator stops every ``replan_every`` periods, hands each replication's state to a
:class:`Replanner`, and follows the returned order quantities until the next stop.
:class:`OptimizerReplanner` solves the stochastic order-plan model
(:func:`stockwise.engine.planning.plan_orders`) from that state over a rolling horizon.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np

from stockwise.data import Constraints, Dataset
from stockwise.engine.policy import FollowPlan
from stockwise.scenarios import ScenarioSet

if TYPE_CHECKING:
    from stockwise.engine.simulation.network import SimNetwork


@dataclass(frozen=True, eq=False)
class PlanState:
    """One replication's state at the start of period ``t`` (before that period's arrivals).

    lost_sales : whether the simulation loses unmet demand (the plan must assume the same)
    on_hand, backorders : [units] ``N x I`` (network order)
    owed : [units] ``L x I`` ordered on each lane and not shipped yet
    arriving : [units] ``N x I x W`` in transit, arriving at the start of ``t + d``
    """

    t: int
    network: SimNetwork
    lost_sales: bool
    on_hand: np.ndarray
    backorders: np.ndarray
    owed: np.ndarray
    arriving: np.ndarray

    @classmethod
    def of(cls, net: SimNetwork, state, r: int, t: int, lost_sales: bool) -> PlanState:
        width = state.pipe.shape[1]
        order = [(t + d) % width for d in range(width)]
        return cls(
            t=t,
            network=net,
            lost_sales=lost_sales,
            on_hand=state.on_hand[r].copy(),
            backorders=state.backlog[r].copy(),
            owed=state.owed[r].copy(),
            arriving=state.pipe[r][order].transpose(1, 2, 0).copy(),
        )


class Replanner(Protocol):
    """Returns [units] ``L x I x H`` orders per lane, item and period from ``state.t`` on.

    A replanner may also offer ``plan_many(states, policy)``, the plans of many
    replications' states at once (in worker processes, say); see :func:`plan_each`."""

    def __call__(self, state: PlanState, policy: FollowPlan) -> np.ndarray: ...


def plan_each(
    replanner: Replanner, states: list[PlanState], policy: FollowPlan
) -> Iterator[np.ndarray]:
    """The plan of every state, in order: through ``replanner.plan_many`` when it has one."""
    many = getattr(replanner, "plan_many", None)
    if many is not None:
        yield from many(states, policy)
    else:
        for state in states:
            yield replanner(state, policy)


@dataclass
class OptimizerReplanner:
    """Re-plan with the stochastic order-plan model over a rolling horizon.

    dataset : the network, costs and limits (its inventory is replaced by each state)
    scenarios : planning scenarios covering the simulated periods plus the horizon, drawn
        independently of the simulated ones (the planner must not see the future)
    solver, time_limit : [s] passed to ``plan_orders``
    service_targets : keep the dataset's service-level targets in each re-plan (slow: a
        cycle-service target is a MIP, and early periods may be unable to meet them);
        by default only the budgets are kept and shortage penalties drive service
    terminal_value : share of unit cost credited per unit on hand or in transit at the end
        of each look-ahead (``build_problem``'s option); 1 by default, so the plan does not
        run its stock down at a horizon that rolls on
    workers : processes that solve the replications' re-plans of a period side by side
        (each keeps its own warm starts); 1 solves them here, one after another

    Re-plans of the same period share one problem shape (only the state differs), so each
    starts from the basis of the one before (``plan_orders(..., warm_start=...)``). The
    plan's objective follows the simulation: profit with lost sales (every item priced; a
    lost sale costs its margin), cost with backorders.

    When every item has a price the plan maximises profit: a unit still owed at the end of
    the look-ahead forfeits its price, which stops the rolling plan from pushing purchases
    past its horizon (a pure cost objective under-buys there: not buying is free).

    Units owed but not yet shipped are handed to the optimizer as the kernel will ship
    them: from the upstream stock on hand now, then from the upstream arrivals as they
    come (a source ships at once), each arriving the lane's mean lead time after it
    leaves. Units the upstream's known stock cannot cover are handed over as if shipped
    now (the plan has no backorders upstream).
    """

    dataset: Dataset
    scenarios: ScenarioSet
    solver: str = "highs"
    time_limit: float = 30.0
    service_targets: bool = False
    terminal_value: float = 1.0
    workers: int = 1
    failures: int = 0

    def __post_init__(self) -> None:
        self._templates: dict[tuple[int, int, bool], object] = {}
        self._last_plan: dict[tuple[int, int, bool], object] = {}
        self._pool = None

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.update(_pool=None, _templates={}, _last_plan={})
        return state

    def plan_many(self, states: list[PlanState], policy: FollowPlan) -> list[np.ndarray]:
        """The plans of ``states`` (one per replication, same period), split over
        ``workers`` processes in contiguous blocks (warm starts run along each block)."""
        if self.workers <= 1 or len(states) < 2:
            return [self(state, policy) for state in states]
        if self._pool is None:
            import multiprocessing as mp
            from concurrent.futures import ProcessPoolExecutor

            local = dataclasses.replace(self, workers=1, failures=0)
            self._pool = ProcessPoolExecutor(
                self.workers,
                mp_context=mp.get_context("spawn"),
                initializer=_start_worker,
                initargs=(local,),
            )
        blocks = np.array_split(np.arange(len(states)), self.workers)
        jobs = [
            self._pool.submit(_plan_block, [states[i] for i in block], policy)
            for block in blocks
            if len(block)
        ]
        plans: list[np.ndarray] = []
        for job in jobs:
            quantities, failed = job.result()
            plans += quantities
            self.failures += failed
        return plans

    def close(self) -> None:
        """Stop the worker processes (if any)."""
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def _template(self, t: int, policy: FollowPlan, lost_sales: bool):
        from stockwise.engine.planning import build_problem

        horizon = min(policy.horizon, self.scenarios.horizon - t)
        if horizon < 1:
            raise ValueError(
                f"planning scenarios cover {self.scenarios.horizon} periods; period {t} is beyond"
            )
        key = (t, horizon, lost_sales)
        if key not in self._templates:
            sc, n = self.scenarios, policy.n_scenarios
            if n > sc.n_scenarios:
                raise ValueError(
                    f"{policy.name}: plans with {n} scenarios, but the planning scenario set "
                    f"has {sc.n_scenarios}; draw at least {n}"
                )
            window = slice(t, t + horizon)
            sliced = ScenarioSet(
                keys=sc.keys,
                demand=sc.demand[:n, :, window],
                weights=np.full(n, 1.0 / n),
                lanes=sc.lanes,
                lead_times=None if sc.lead_times is None else sc.lead_times[:n, :, window],
                lane_up=None if sc.lane_up is None else sc.lane_up[:n, :, window],
            )
            constraints = self.dataset.constraints
            if not self.service_targets:
                constraints = Constraints(budgets=constraints.budgets)
            priced = all(it.price is not None for it in self.dataset.items)
            problem = build_problem(
                self.dataset,
                sliced,
                horizon,
                constraints=constraints,
                objective="profit" if priced and lost_sales else "cost",
                shortage="lost_sales" if lost_sales else "backorder",
                terminal_value=self.terminal_value,
                first_stage=min(policy.replan_every, horizon),
            )
            # the budgets of the simulated periods t .. t + horizon - 1
            budget = [constraints.budget_for(t + 1 + j) for j in range(horizon)]
            self._templates[key] = dataclasses.replace(
                problem, budget=np.array([np.inf if b is None else b for b in budget])
            )
        return key, self._templates[key]

    def __call__(self, state: PlanState, policy: FollowPlan) -> np.ndarray:
        from stockwise.engine.planning import plan_orders
        from stockwise.solvers import SolveOptions

        key, problem = self._template(state.t, policy, state.lost_sales)
        net = state.network
        horizon, n_items = problem.horizon, net.n_items
        on_hand = state.on_hand.copy()
        arriving = state.arriving.copy()
        for lane in range(len(net.lanes)):
            _hand_over_owed(net, lane, state.owed[lane], on_hand, arriving)
        rows = [net.location_index(name) for name in problem.locations]
        pipeline = np.zeros((len(rows) * n_items, horizon))
        span = min(horizon, arriving.shape[2])
        pipeline[:, :span] = arriving[rows][:, :, :span].reshape(len(rows) * n_items, span)
        problem = dataclasses.replace(
            problem,
            on_hand=on_hand[rows].reshape(-1),
            backorders=state.backorders[rows].reshape(-1),
            pipeline=pipeline,
        )
        plan = plan_orders(
            problem,
            self.solver,
            SolveOptions(time_limit=self.time_limit),
            warm_start=self._last_plan.get(key),
            whole=False,  # like the simulated policies, in fractional units
        )
        if not plan.has_plan:
            self.failures += 1
            return np.zeros((len(net.lanes), n_items, horizon))
        if plan.warm_start is not None:
            self._last_plan = {key: plan}  # the next state's re-plan starts from its basis
        return np.asarray(plan.quantities, dtype=float)


_WORKER: OptimizerReplanner | None = None


def _start_worker(replanner: OptimizerReplanner) -> None:
    global _WORKER
    _WORKER = replanner


def _plan_block(states: list[PlanState], policy: FollowPlan) -> tuple[list[np.ndarray], int]:
    assert _WORKER is not None
    before = _WORKER.failures
    plans = [_WORKER(state, policy) for state in states]
    return plans, _WORKER.failures - before


def _hand_over_owed(
    net: SimNetwork, lane: int, owed: np.ndarray, on_hand: np.ndarray, arriving: np.ndarray
) -> None:
    """Move the units [``I``] owed on ``lane`` out of its origin's stock (on hand, then
    arrivals in period order) into its destination's arrivals, in place."""
    origin, dest = net.lane_origin[lane], net.lane_dest[lane]
    lead = max(int(round(net.lanes[lane].lead_time_mean)), 1)
    left = np.asarray(owed, dtype=float).copy()
    width = arriving.shape[2]
    shipped = np.zeros((len(left), width))  # units leaving the origin per period
    if not net.is_source[origin]:  # a source has ample stock
        take = np.minimum(on_hand[origin], left)
        on_hand[origin] -= take
        shipped[:, 0], left = take, left - take
        for d in range(width):
            take = np.minimum(arriving[origin, :, d], left)
            arriving[origin, :, d] -= take
            shipped[:, d] += take
            left = left - take
    shipped[:, 0] += left  # a source's, or beyond the upstream's known stock: shipped now
    arriving[dest, :, lead:] += shipped[:, : max(width - lead, 0)]
