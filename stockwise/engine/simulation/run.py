"""``simulate``: run policies on the same scenarios and collect a ``SimulationResult``."""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import functools
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from stockwise.data import Dataset
from stockwise.engine.policy import RQ, RS, SS, BaseStock, FollowPlan, Policy
from stockwise.engine.simulation import kernel as k
from stockwise.engine.simulation import rng
from stockwise.engine.simulation.network import SimNetwork, pack
from stockwise.engine.simulation.replan import PlanState, Replanner, plan_each
from stockwise.engine.simulation.result import PolicyRun, SimulationResult
from stockwise.scenarios import ScenarioSet


@dataclass(frozen=True, eq=False)
class Draws:
    """The random inputs every policy shares: ``demand`` ``R x T x J`` [units] with
    ``dem_col`` mapping stock key ``n * I + i`` to a column (``-1``: none), ``lead`` int
    ``R x T x L`` [periods], ``lane_up`` bool ``R x T x L``."""

    demand: np.ndarray
    dem_col: np.ndarray
    lead: np.ndarray
    lane_up: np.ndarray

    @property
    def replications(self) -> int:
        return int(self.demand.shape[0])

    @property
    def periods(self) -> int:
        return int(self.demand.shape[1])


LEAD_SDS = 8.0  # parametric lead times are capped at mean + 8 sd (P < 1e-15 per draw)


@dataclass(frozen=True, eq=False)
class ParametricDraws:
    """Random inputs drawn inside the kernel, from replication ``r``'s own stream
    (``SeedSequence(seed).spawn(R)[r]``, see :mod:`.rng`): every policy simulated on them
    sees the same draws, and no ``R x T x J`` array is stored.

    mean, sd : [units] ``T x J`` per period and series: demand ``max(N(mean, sd), 0)``
    dem_col : as in :class:`Draws`
    lead_mean, lead_sd : [periods] ``L``: lead times ``max(round(N(mean, sd)), 1)``, capped
        at ``ceil(mean + 8 sd)``
    lane_up : bool ``T x L`` (the same outage windows in every replication)
    first : the index of the first replication (its stream is ``spawn(...)[first]``), so
        that a long run can be simulated block by block with the same numbers
    """

    mean: np.ndarray
    sd: np.ndarray
    dem_col: np.ndarray
    lead_mean: np.ndarray
    lead_sd: np.ndarray
    lane_up: np.ndarray
    seed: int
    replications: int
    first: int = 0

    def __post_init__(self) -> None:
        if self.replications < 1 or self.first < 0:
            raise ValueError(
                f"replications must be >= 1 and first >= 0, got {self.replications}, {self.first}"
            )
        if self.mean.ndim != 2 or self.sd.shape != self.mean.shape:
            raise ValueError(
                f"mean and sd must both be periods x series, got {self.mean.shape} and "
                f"{self.sd.shape}"
            )
        for name in ("mean", "sd", "lead_mean", "lead_sd"):
            x = getattr(self, name)
            if not np.isfinite(x).all() or (name.endswith("sd") and (x < 0).any()):
                raise ValueError(f"{name} must be finite" + (" and >= 0" * name.endswith("sd")))
        lanes = len(self.lead_mean)
        if self.lead_sd.shape != (lanes,) or self.lane_up.shape != (self.periods, lanes):
            raise ValueError(
                f"lead_sd must have {lanes} lanes and lane_up be periods x lanes "
                f"{(self.periods, lanes)}, got {self.lead_sd.shape} and {self.lane_up.shape}"
            )
        if self.dem_col.max(initial=-1) >= self.mean.shape[1]:
            raise ValueError(f"dem_col points past the {self.mean.shape[1]} series")

    @classmethod
    def normal(
        cls, net: SimNetwork, dem_col: np.ndarray, mean, sd, periods: int, replications: int,
        seed: int,
    ) -> ParametricDraws:  # fmt: skip
        """Demand ``mean`` and ``sd`` per series (``J``) or per period and series
        (``T x J``); lead times from the network's lanes, every lane always up."""
        shape = (int(periods), np.shape(mean)[-1])

        def table(x, name: str) -> np.ndarray:
            x = np.asarray(x, dtype=float)
            if x.shape not in (shape, shape[1:]):
                raise ValueError(f"{name} must be series {shape[1:]} or periods x series "
                                 f"{shape}, got {x.shape}")  # fmt: skip
            return np.ascontiguousarray(np.broadcast_to(x, shape))

        return cls(
            table(mean, "mean"),
            table(sd, "sd"),
            np.asarray(dem_col, dtype=np.int64),
            net.lead_mean.astype(float),
            net.lead_sd.astype(float),
            np.ones((int(periods), len(net.lanes)), dtype=np.bool_),
            int(seed),
            int(replications),
        )

    @property
    def periods(self) -> int:
        return int(self.mean.shape[0])

    @property
    def lead_max(self) -> np.ndarray:
        """[periods] int ``L``: the cap on each lane's lead time."""
        return np.maximum(np.ceil(self.lead_mean + LEAD_SDS * self.lead_sd), 1).astype(np.int64)

    def block(self, start: int, count: int) -> ParametricDraws:
        """Replications ``start .. start + count - 1`` of these draws, the same numbers."""
        if not (0 <= start and 1 <= count and start + count <= self.replications):
            raise ValueError(f"block {start}+{count} is outside 0..{self.replications}")
        return dataclasses.replace(self, replications=count, first=self.first + start)

    def states(self, start: int = 0, count: int | None = None) -> np.ndarray:
        """The generator states of replications ``start ..`` (all by default)."""
        count = self.replications - start if count is None else count
        return rng.seed_states(self.seed, count, self.first + start)

    def materialize(self, start: int = 0, count: int | None = None) -> Draws:
        """The very numbers the kernel draws for replications ``start .. start + count - 1``,
        as pre-drawn :class:`Draws` (for reference implementations and checks)."""
        states = self.states(start, count)
        reps, lanes = len(states), len(self.lead_mean)
        demand = np.empty((reps, self.periods, self.mean.shape[1]))
        lead = np.empty((reps, self.periods, lanes), dtype=np.int64)
        rng.materialize(states, rng.ziggurat_tables(), self.mean, self.sd, self.lead_mean,
                        self.lead_sd, self.lead_max, demand, lead)  # fmt: skip
        up = np.ascontiguousarray(np.broadcast_to(self.lane_up, (reps, *self.lane_up.shape)))
        return Draws(demand, self.dem_col, lead, up)


def draws_from_scenarios(
    net: SimNetwork, scenarios: ScenarioSet, periods: int | None = None
) -> Draws:
    """Lay the scenario set out for the kernel (one scenario = one replication).

    Raises ``ValueError`` naming the series or lane that the network does not have.
    """
    periods = scenarios.horizon if periods is None else int(periods)
    if not 1 <= periods <= scenarios.horizon:
        raise ValueError(f"periods must be in 1..{scenarios.horizon}, got {periods}")
    n_items = net.n_items
    dem_col = np.full(net.n_locations * n_items, -1, dtype=np.int64)
    for j, (item, location) in enumerate(scenarios.keys):
        if item not in net.items or location not in net.locations:
            raise ValueError(f"scenarios: series {j} ({item}, {location}) is not in the network")
        n = net.location_index(location)
        if net.is_source[n]:
            raise ValueError(f"scenarios: series {j} has demand at source {location}")
        dem_col[n * n_items + net.item_index(item)] = j
    demand = np.ascontiguousarray(scenarios.demand[:, :, :periods].transpose(0, 2, 1))
    s_count, n_lanes = scenarios.n_scenarios, len(net.lanes)
    lead = np.empty((s_count, periods, n_lanes), dtype=np.int64)
    up = np.ones((s_count, periods, n_lanes), dtype=np.bool_)
    position = {key: j for j, key in enumerate(scenarios.lanes)}
    for l, lane in enumerate(net.lanes):  # noqa: E741
        j = position.get(lane.key)
        if j is not None and scenarios.lead_times is not None:
            lead[:, :, l] = np.maximum(scenarios.lead_times[:, j, :periods], 1)
        else:
            lead[:, :, l] = max(int(round(lane.lead_time_mean)), 1)
        if j is not None and scenarios.lane_up is not None:
            up[:, :, l] = scenarios.lane_up[:, j, :periods]
    return Draws(demand, dem_col, lead, up)


def policy_arrays(policy: Policy, net: SimNetwork, dataset_locations: Sequence[str]):
    """``(kind, p1, p2, review, echelon)`` for the kernel, with parameters permuted from
    dataset location order to the network's topological order."""
    shape = (len(dataset_locations), net.n_items)
    perm = np.array([list(dataset_locations).index(name) for name in net.locations])

    def arr(x, name: str) -> np.ndarray:
        a = np.asarray(x, dtype=float)
        if a.shape != shape:
            raise ValueError(
                f"{policy.name}: {name} must be locations x items {shape}, got {a.shape}"
            )
        return np.ascontiguousarray(a[perm])

    nan = np.full((net.n_locations, net.n_items), np.nan)
    if isinstance(policy, BaseStock):
        return k.BASE_STOCK, arr(policy.order_up_to, "order_up_to"), nan, 1, policy.echelon
    if isinstance(policy, SS):
        s, big_s = (
            arr(policy.reorder_point, "reorder_point"),
            arr(policy.order_up_to, "order_up_to"),
        )
        if (big_s < s).any():
            raise ValueError(f"{policy.name}: order_up_to (S) must be >= reorder_point (s)")
        return k.S_S, s, big_s, 1, False
    if isinstance(policy, RQ):
        q = arr(policy.order_quantity, "order_quantity")
        if (q[~np.isnan(q)] <= 0).any():
            raise ValueError(f"{policy.name}: order_quantity (Q) must be > 0")
        return k.R_Q, arr(policy.reorder_point, "reorder_point"), q, 1, False
    if isinstance(policy, RS):
        if policy.review_period < 1:
            raise ValueError(f"{policy.name}: review_period must be >= 1")
        return k.R_S, arr(policy.order_up_to, "order_up_to"), nan, policy.review_period, False
    if isinstance(policy, FollowPlan):
        return k.PLAN, nan, nan, 1, False
    raise TypeError(f"the simulator cannot run a {type(policy).__name__}")


@dataclass
class _State:
    on_hand: np.ndarray
    backlog: np.ndarray
    owed: np.ndarray
    pipe: np.ndarray
    transit: np.ndarray
    last_arr: np.ndarray

    @classmethod
    def initial(cls, net: SimNetwork, reps: int, width: int) -> _State:
        n, i, lanes = net.n_locations, net.n_items, len(net.lanes)
        pipe = np.zeros((reps, width, n, i))
        ahead = net.on_order.shape[2]
        pipe[:, :ahead] = net.on_order.transpose(2, 0, 1)
        return cls(
            on_hand=np.repeat(net.on_hand[None], reps, axis=0),
            backlog=np.repeat(net.backorders[None], reps, axis=0),
            owed=np.zeros((reps, lanes, i)),
            pipe=pipe,
            transit=np.repeat(net.on_order.sum(axis=2)[None], reps, axis=0),
            last_arr=np.zeros((reps, lanes), dtype=np.int64),
        )


def _stock_value(net: SimNetwork, state: _State) -> np.ndarray:
    """[currency] per replication: stock on hand and in transit at unit cost."""
    units = (state.on_hand + state.transit)[:, ~net.is_source]
    return (units * net.unit_cost).sum(axis=(1, 2))


def _check_draws(net: SimNetwork, draws: Draws | ParametricDraws) -> None:
    """Raise ``ValueError`` naming the field when ``draws`` do not fit the network (the
    kernel reads them without bounds checks)."""
    keys = net.n_locations * net.n_items
    if draws.dem_col.shape != (keys,):
        raise ValueError(
            f"draws: dem_col must have one entry per location and item ({keys}), "
            f"got shape {draws.dem_col.shape}"
        )
    if isinstance(draws, Draws):
        series, lanes = draws.demand.shape[2], draws.lead.shape[2]
        shape = draws.demand.shape[:2]
        if draws.lead.shape[:2] != shape or draws.lane_up.shape != (*shape, lanes):
            raise ValueError(
                f"draws: demand, lead and lane_up must share replications x periods {shape} "
                f"and lanes, got {draws.lead.shape} and {draws.lane_up.shape}"
            )
    else:
        series, lanes = draws.mean.shape[1], len(draws.lead_mean)
    if lanes != len(net.lanes):
        raise ValueError(f"draws: {lanes} lanes, the network has {len(net.lanes)}")
    if draws.dem_col.max(initial=-1) >= series:
        raise ValueError(f"draws: dem_col points past the {series} demand series")


def _random_inputs(draws: Draws | ParametricDraws) -> tuple:
    """The kernel's random-input arguments: pre-drawn arrays, or the parameters of the
    in-kernel draws (the unused side gets small placeholders of the same types)."""
    if isinstance(draws, Draws):
        return (
            np.ascontiguousarray(draws.demand, dtype=float),
            np.ascontiguousarray(draws.dem_col, dtype=np.int64),
            np.ascontiguousarray(draws.lead, dtype=np.int64),
            np.ascontiguousarray(draws.lane_up, dtype=np.bool_),
            False,
            np.zeros((1, 4), dtype=np.uint64),
            np.zeros((3, rng.LAYERS)),
            np.zeros((1, 1)),
            np.zeros((1, 1)),
            np.zeros(1),
            np.zeros(1),
            np.ones(1, dtype=np.int64),
        )
    return (
        np.zeros((1, 1, 1)),
        np.ascontiguousarray(draws.dem_col, dtype=np.int64),
        np.ones((1, 1, 1), dtype=np.int64),
        np.ascontiguousarray(draws.lane_up[None], dtype=np.bool_),
        True,
        draws.states(),
        rng.ziggurat_tables(),
        draws.mean,
        draws.sd,
        draws.lead_mean,
        draws.lead_sd,
        draws.lead_max,
    )


def fast_leaves(net: SimNetwork) -> np.ndarray:
    """bool ``N``: locations the kernel may run through its fast path (one inbound lane and
    no outbound lane: the stores of a distribution network)."""
    inbound, outbound = np.diff(net.in_ptr), np.diff(net.out_ptr)
    return (~net.is_source) & (inbound == 1) & (outbound == 0)


@dataclass(frozen=True)
class SimulationProgress:
    """How far :func:`simulate` has got with one policy (passed to its ``progress``).

    policy : the policy's name; ``index`` its position among the ``policies`` simulated
    periods_done, periods : periods simulated so far, of the horizon; every replication
        advances together (they run in parallel), so ``replications x periods_done``
        replication-periods are done
    replications : how many replications
    replans_done, replans : re-plans solved so far, of all this policy needs (one per
        replication at each re-planning period; 0 and 0 for a policy that does not re-plan)
    """

    policy: str
    index: int
    policies: int
    periods_done: int
    periods: int
    replications: int
    replans_done: int = 0
    replans: int = 0

    @property
    def fraction(self) -> float:
        """Share of this policy's work done, in [0, 1]: the share of periods simulated or,
        for a re-planning policy (solving takes nearly all its time), re-plans solved plus
        that share, over re-plans + 1."""
        sim = self.periods_done / max(self.periods, 1)
        if self.replans == 0:
            return sim
        return (self.replans_done + sim) / (self.replans + 1)


ProgressCallback = Callable[[SimulationProgress], None]

_PROGRESS: contextvars.ContextVar[ProgressCallback | None] = contextvars.ContextVar(
    "stockwise_simulation_progress", default=None
)


@contextlib.contextmanager
def reporting_progress(progress: ProgressCallback | None) -> Iterator[None]:
    """Within the block, :func:`simulate` calls given no ``progress`` report to
    ``progress`` (for callers that reach ``simulate`` through a function that does not
    pass a callback on, such as ``compare_policies``). Scoped to the context (thread or
    task), like :mod:`decimal`'s local context."""
    token = _PROGRESS.set(progress)
    try:
        yield
    finally:
        _PROGRESS.reset(token)


def _report(progress, name, index, count, horizon, reps, total_plans, t, plans) -> None:
    if progress is not None:
        progress(SimulationProgress(name, index, count, t, horizon, reps, plans, total_plans))


def _run(net, random, code, state, kpi, lane_kpi, track, traj, trace, plan, leaf, budget, t0, t1,
         settings):  # fmt: skip
    kind, p1, p2, review, echelon = code
    warmup, discount, lost_sales = settings
    k.run_kernel(
        t0, t1, warmup, discount, lost_sales, net.is_source, net.lane_dest, net.order_lane,
        net.in_ptr, net.in_idx, net.out_ptr, net.out_idx, net.desc_ptr, net.desc_idx,
        net.unit_cost, net.holding, net.transit_holding, net.penalty, net.price, net.volume,
        net.transport, net.fixed_order, net.lane_capacity, net.storage_capacity,
        net.supply_capacity, budget, kind, p1, p2, review, echelon, plan, leaf, *random,
        state.on_hand, state.backlog, state.owed, state.pipe, state.transit, state.last_arr, kpi,
        lane_kpi, track, traj, trace,
    )  # fmt: skip


def simulate(
    model: Dataset | SimNetwork,
    policies: Sequence[Policy],
    scenarios: ScenarioSet | Draws | ParametricDraws,
    *,
    periods: int | None = None,
    warmup: int = 0,
    lost_sales: bool = False,
    discount: float = 1.0,
    track: Sequence[tuple[str, str]] = (),
    replanner: Replanner | None = None,
    confidence: float = 0.95,
    dataset_locations: Sequence[str] | None = None,
    trace: bool = False,
    fast_path: bool = True,
    progress: ProgressCallback | None = None,
) -> SimulationResult:
    """Simulate each policy on every scenario of ``scenarios`` (one replication each).

    model : a dataset (packed with :func:`pack`) or an already packed network
    policies : :mod:`stockwise.engine.policy` objects; parameter arrays in dataset order
        (``dataset_locations`` gives that order for a packed network)
    periods : [periods] simulated, by default the scenarios' horizon; KPIs count from
        ``warmup`` on, costs discounted by ``discount**t``
    lost_sales : unmet customer demand is lost (penalty once) instead of backordered
    track : ``(item, location)`` pairs whose net inventory is kept per period (fan charts)
    scenarios : a scenario set (one scenario per replication), pre-drawn :class:`Draws`, or
        :class:`ParametricDraws` drawn inside the kernel
    replanner : re-plans :class:`FollowPlan` policies between kernel segments
    trace : keep every period's flows in ``result.traces`` (memory ``R x T x N x I x 5``;
        for checks and tests)
    fast_path : let stores take the kernel's fused fast path (same results; ``False``
        runs every location through the general path, for tests)
    progress : called with a :class:`SimulationProgress` when a policy starts, after every
        kernel segment and after every re-plan (default: the callback of an enclosing
        :func:`reporting_progress` block, if any); it runs on this thread between kernel
        calls, so a slow callback slows the simulation

    The network's purchase budgets (``net.budget``, from ``dataset.constraints``) bind
    every policy alike: see the kernel's module docstring.

    Same ``scenarios`` → bit-identical results, whatever the number of threads.
    """
    net = pack(model) if isinstance(model, Dataset) else model
    if dataset_locations is None:
        if isinstance(model, Dataset):
            dataset_locations = [loc.location for loc in model.locations]
        else:
            dataset_locations = list(net.locations)
    draws = (
        scenarios
        if isinstance(scenarios, Draws | ParametricDraws)
        else draws_from_scenarios(net, scenarios, periods)
    )
    _check_draws(net, draws)
    if not 0 <= warmup < draws.periods:
        raise ValueError(f"warmup must be in 0..{draws.periods - 1}, got {warmup}")
    if not 0 < discount <= 1:
        raise ValueError(f"discount must be in (0, 1], got {discount}")
    for p in policies:
        if not isinstance(p, BaseStock | SS | RQ | RS | FollowPlan):
            raise TypeError(
                f"the simulator cannot run a {type(p).__name__}; "
                "give BaseStock, SS, RQ, RS or FollowPlan objects"
            )
    names = [p.name for p in policies]
    if len(set(names)) != len(names):
        raise ValueError(f"policy names must be unique, got {names}")
    reps, horizon = draws.replications, draws.periods
    longest = draws.lead.max(initial=1) if isinstance(draws, Draws) else draws.lead_max.max()
    width = int(max(longest, net.on_order.shape[2])) + 1
    track_idx = np.array(
        [net.location_index(loc) * net.n_items + net.item_index(item) for item, loc in track],
        dtype=np.int64,
    )
    settings = (int(warmup), float(discount), bool(lost_sales))
    runs: dict[str, PolicyRun] = {}
    traces: dict[str, np.ndarray] = {}
    random = _random_inputs(draws)
    leaf = fast_leaves(net) if fast_path else np.zeros(net.n_locations, dtype=np.bool_)
    budget = np.ascontiguousarray(net.budgets(horizon), dtype=float)
    progress = progress if progress is not None else _PROGRESS.get()
    for index, policy in enumerate(policies):
        code = policy_arrays(policy, net, dataset_locations)
        # every policy starts from the same generator states: common random numbers
        inputs = (*random[:5], random[5].copy(), *random[6:])
        state = _State.initial(net, reps, width)
        kpi = np.zeros((reps, net.n_locations, k.N_KPI, net.n_items))
        lane_kpi = np.zeros((reps, len(net.lanes), k.N_LANE_KPI))
        traj = np.zeros((reps, horizon if len(track_idx) else 0, len(track_idx)))
        tr = np.zeros(
            (reps, horizon, net.n_locations, net.n_items, k.N_TRACE) if trace else (0,) * 5
        )
        t_start = time.perf_counter()
        planning, plans = 0.0, 0
        is_plan = isinstance(policy, FollowPlan)
        if is_plan and replanner is None:
            raise ValueError(f"{policy.name}: a FollowPlan policy needs a replanner")
        plan = np.zeros((reps, horizon, len(net.lanes), net.n_items) if is_plan else (1,) * 4)
        replans = set(range(0, horizon, policy.replan_every)) if is_plan else {0}
        stops = sorted(replans | {warmup, horizon})
        value = np.zeros((reps, 2))  # discounted stock value after the warm-up and at the end
        total_plans = reps * len(replans) if is_plan else 0
        report = functools.partial(
            _report, progress, policy.name, index, len(policies), horizon, reps, total_plans
        )
        report(0, 0)
        for t0, t1 in zip(stops[:-1], stops[1:], strict=True):
            if t0 == warmup:
                value[:, 0] = _stock_value(net, state) * discount**warmup
            if is_plan and t0 in replans:
                p0 = time.perf_counter()
                states = [PlanState.of(net, state, r, t0, bool(lost_sales)) for r in range(reps)]
                for r, q in enumerate(plan_each(replanner, states, policy)):
                    span = min(q.shape[2], horizon - t0)
                    plan[r, t0 : t0 + span] = q[:, :, :span].transpose(2, 0, 1)
                    plans += 1
                    report(t0, plans)
                planning += time.perf_counter() - p0
            _run(
                net, inputs, code, state, kpi, lane_kpi, track_idx, traj, tr, plan, leaf, budget,
                t0, t1, settings,
            )  # fmt: skip
            report(t1, plans)
        value[:, 1] = _stock_value(net, state) * discount**horizon
        runs[policy.name] = PolicyRun(
            policy.name,
            kpi.transpose(0, 1, 3, 2),  # R x N x I x KPI, as PolicyRun documents
            lane_kpi,
            traj,
            value,
            time.perf_counter() - t_start,
            planning,
            plans,
        )
        traces[policy.name] = tr
    return SimulationResult(
        network=net,
        runs=runs,
        periods=horizon - warmup,
        warmup=warmup,
        track=tuple(tuple(x) for x in track),
        confidence=confidence,
        seed=getattr(scenarios, "seed", None),
        traces=traces if trace else {},
    )
