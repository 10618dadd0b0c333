"""``PlanningProblem``: the network, state, costs, limits and scenarios of one order plan,
as arrays in a fixed layout (the input of the formulation)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd

from stockwise.data import Constraints, Dataset, Lane, ServiceKind
from stockwise.scenarios import ScenarioSet


class Shortage(StrEnum):
    """What happens to demand that cannot be served from stock."""

    BACKORDER = "backorder"  # served later, penalised every period it waits
    LOST_SALES = "lost_sales"  # gone, penalised once


class Objective(StrEnum):
    """What the plan optimises."""

    COST = "cost"  # minimise expected cost
    PROFIT = "profit"  # maximise expected revenue minus cost (items need a price)


class CycleServiceForm(StrEnum):
    """How a cycle-service target (chance of a period without stock-out) is imposed."""

    CHANCE = "chance"  # exact: a binary per scenario and period may allow a stock-out (MIP)
    CVAR = "cvar"  # conservative LP: CVaR of the shortfall D − available stock <= 0


class BudgetMode(StrEnum):
    """How purchase budgets bind."""

    PER_PERIOD = "per_period"  # spend of each period within that period's budget
    CUMULATIVE = "cumulative"  # spend up to each period within the budgets up to it


@dataclass(frozen=True, slots=True)
class CvarLimit:
    """Conditional value at risk of the shortage of ``item`` at ``location`` over the horizon.

    alpha : tail level in (0, 1); the mean of the worst ``1 - alpha`` share of scenarios
    limit : [units] largest allowed CVaR of the total shortage over the horizon
    """

    item: str
    location: str
    alpha: float
    limit: float


class ProblemError(ValueError):
    """The inputs do not make a planning problem; the message names the field and value."""


@dataclass(frozen=True, eq=False)
class PlanningProblem:
    """One two-stage order-planning problem, in arrays.

    Layout: ``items`` (I) and stocking ``locations`` (N, every non-source location) in
    dataset order; stock keys ``k = n * I + i``; ``lanes`` (L) in dataset order; periods
    ``t = 0 .. T-1``; scenarios ``s = 0 .. S-1``.

    demand : [units] ``S x N*I x T`` (zero where no demand arises)
    weights : ``S`` scenario probabilities
    arrival : ``S x L x T`` int, the period in which an order placed on lane ``l`` in
        period ``t`` arrives in scenario ``s`` (``>= T``: after the horizon)
    on_hand, backorders : [units] ``N*I`` at the start of period 0
    pipeline : [units] ``N*I x T`` already on order, arriving at the start of each period
    budget : [currency] ``T`` purchase budget per period (``inf``: none)
    supply_capacity : [units / period] per location (``inf``: none; sources only)
    lane_capacity : [units / period] per lane, all items together (``inf``: none)
    storage_capacity : [volume] per stocking location (``inf``: none)
    fill_rate : ``N*I`` fill-rate target per stock key (NaN: none)
    cycle_service : ``N*I`` target probability of a period without stock-out (NaN: none),
        averaged over the horizon's periods; imposed exactly (``cycle_service_form``
        ``chance``, a MIP) or by the conservative CVaR approximation (``cvar``, an LP)
    discount : per-period discount factor γ; period ``t`` costs are weighted by γ**t
    integer : orders on supplier lanes in whole case packs, at least the MOQ when placed,
        and a fixed cost per lane and period with an order (a MIP)
    key_holding : [currency / unit / period] ``N*I`` holding cost per stock key where it
        differs by location (e.g. value added downstream); ``None``: the items'
        ``holding_cost`` at every location (see :attr:`holding_per_key`)
    terminal_value : share of the unit cost, in [0, 1], credited per unit left at the end
        of the horizon: on hand, in transit (ordered, arriving after the last period) and,
        with backorders, debited per unit still owed; 0 values that stock at nothing, so a
        rolling plan under-buys in its last periods (see :attr:`terminal_credit`)
    first_stage : [periods] the orders placed in periods ``0 .. first_stage - 1`` (those
        executed before the next re-plan) are one decision for every scenario; later orders
        and shipments adapt to each scenario (recourse). ``horizon`` makes every order one
        decision (a static plan).
    """

    items: tuple[str, ...]
    locations: tuple[str, ...]
    sources: tuple[str, ...]
    lanes: tuple[Lane, ...]
    periods: pd.Index
    demand: np.ndarray
    weights: np.ndarray
    arrival: np.ndarray
    on_hand: np.ndarray
    backorders: np.ndarray
    pipeline: np.ndarray
    unit_cost: np.ndarray
    holding_cost: np.ndarray
    shortage_penalty: np.ndarray
    price: np.ndarray
    volume: np.ndarray
    case_pack: np.ndarray
    moq: np.ndarray
    budget: np.ndarray
    supply_capacity: dict[str, float]
    lane_capacity: np.ndarray
    storage_capacity: np.ndarray
    fill_rate: np.ndarray
    cycle_service: np.ndarray
    cvar: tuple[CvarLimit, ...] = ()
    shortage: Shortage = Shortage.LOST_SALES
    objective: Objective = Objective.COST
    budget_mode: BudgetMode = BudgetMode.PER_PERIOD
    cycle_service_form: CycleServiceForm = CycleServiceForm.CHANCE
    discount: float = 1.0
    integer: bool = False
    terminal_value: float = 1.0
    key_holding: np.ndarray | None = None
    first_stage: int = 1

    @property
    def holding_per_key(self) -> np.ndarray:
        """[currency / unit / period] ``N*I`` holding cost of each stock key."""
        if self.key_holding is not None:
            return self.key_holding
        return np.tile(self.holding_cost, len(self.locations))

    @property
    def terminal_credit(self) -> np.ndarray:
        """[currency / unit] ``I`` value of a unit left at the end of the horizon:
        ``terminal_value * unit_cost``, discounted like a cost of period ``T``, and never
        more than selling the unit is worth (with lost sales, the shortage penalty it
        avoids, plus its price when the plan maximises profit), so keeping a unit never
        beats selling it."""
        credit = self.terminal_value * self.unit_cost
        if self.shortage is Shortage.LOST_SALES:
            worth = self.shortage_penalty.copy()
            if self.objective is Objective.PROFIT:
                worth += np.nan_to_num(self.price)
            credit = np.minimum(credit, worth)
        return credit * self.discount**self.horizon

    @property
    def n_items(self) -> int:
        return len(self.items)

    @property
    def n_keys(self) -> int:
        return len(self.locations) * len(self.items)

    @property
    def horizon(self) -> int:
        return int(self.demand.shape[2])

    @property
    def n_scenarios(self) -> int:
        return int(self.demand.shape[0])

    def key(self, k: int) -> tuple[str, str]:
        """``(item, location)`` of stock key ``k``."""
        n, i = divmod(int(k), self.n_items)
        return self.items[i], self.locations[n]

    def key_index(self, item: str, location: str) -> int:
        return self.locations.index(location) * self.n_items + self.items.index(item)

    @property
    def demand_keys(self) -> np.ndarray:
        """Stock keys where demand arises (or backorders are owed)."""
        return np.flatnonzero((self.demand.sum(axis=(0, 2)) > 0) | (self.backorders > 0))

    @property
    def source_lanes(self) -> np.ndarray:
        """Boolean per lane: the lane starts at a supplier or plant (a purchase)."""
        return np.array([lane.origin in self.sources for lane in self.lanes], dtype=bool)

    def period_label(self, t: int) -> str:
        value = self.periods[t]
        return f"{value:%Y-%m-%d}" if isinstance(value, pd.Timestamp) else str(value)


def build_problem(
    dataset: Dataset,
    scenarios: ScenarioSet,
    horizon: int | None = None,
    *,
    constraints: Constraints | None = None,
    shortage: Shortage | str = Shortage.LOST_SALES,
    objective: Objective | str = Objective.COST,
    budget_mode: BudgetMode | str = BudgetMode.PER_PERIOD,
    cycle_service_form: CycleServiceForm | str = CycleServiceForm.CHANCE,
    discount: float = 1.0,
    integer: bool = False,
    cvar: tuple[CvarLimit, ...] = (),
    periods: pd.Index | None = None,
    terminal_value: float = 1.0,
    location_holding_cost: Mapping[str, float] | None = None,
    first_stage: int = 1,
) -> PlanningProblem:
    """The planning problem for ``dataset`` over the first ``horizon`` periods of ``scenarios``.

    constraints : budgets and service targets to use instead of ``dataset.constraints``
    periods : labels of the planning periods; by default the periods that follow the
        demand history (weekly dates for the sample), else ``1 .. horizon``
    terminal_value : share of the unit cost in [0, 1] credited per unit of ending on-hand
        stock and pipeline (per location and item) at the end of the horizon, capped at what
        selling the unit is worth; 1 by default (0: stock left over is worth nothing, so the
        plan stops buying in its last periods)
    location_holding_cost : [currency / unit / period] holding cost of every item at the
        named stocking locations, instead of the items' own (where stock gains value
        downstream); locations not named keep the items' holding cost
    first_stage : [periods] orders decided now, shared by every scenario (the re-plan
        interval; 1 by default); later orders adapt to each scenario

    Raises :class:`ProblemError` naming the offending field when the inputs do not fit.
    """
    horizon = scenarios.horizon if horizon is None else int(horizon)
    if not 1 <= horizon <= scenarios.horizon:
        raise ProblemError(
            f"horizon must be between 1 and the scenarios' {scenarios.horizon} periods, "
            f"got {horizon}"
        )
    if not 0 < discount <= 1:
        raise ProblemError(f"discount must be in (0, 1], got {discount}")
    terminal_value = float(terminal_value)
    if not 1 <= first_stage <= horizon:
        raise ProblemError(
            f"first_stage must be between 1 and the horizon ({horizon}) periods, got {first_stage}"
        )
    if not 0 <= terminal_value <= 1:  # above 1, buying to hold would make money
        raise ProblemError(
            f"terminal_value must be a share of unit cost in [0, 1], got {terminal_value}"
        )
    shortage, objective = Shortage(shortage), Objective(objective)
    budget_mode = BudgetMode(budget_mode)
    constraints = dataset.constraints if constraints is None else constraints
    network = dataset.network
    items = tuple(it.item for it in dataset.items)
    sources = network.sources
    locations = tuple(loc.location for loc in dataset.locations if not loc.is_source)
    n_items, n_loc = len(items), len(locations)
    loc_index = {name: n for n, name in enumerate(locations)}
    item_index = {name: i for i, name in enumerate(items)}
    for lane in dataset.lanes:
        if lane.destination in sources:
            raise ProblemError(
                f"lane {lane.origin}->{lane.destination}: a lane cannot deliver to a source"
            )

    s_count = scenarios.n_scenarios
    demand = np.zeros((s_count, n_loc * n_items, horizon))
    for j, (item, location) in enumerate(scenarios.keys):
        if item not in item_index:
            raise ProblemError(f"scenarios: unknown item {item!r} in series {j}")
        if location not in loc_index:
            raise ProblemError(
                f"scenarios: series {j} ({item}, {location}): {location!r} is not a "
                "stocking location of the network"
            )
        demand[:, loc_index[location] * n_items + item_index[item], :] = scenarios.demand[
            :, j, :horizon
        ]

    keys = [(item, loc) for loc in locations for item in items]
    on_hand = np.array([dataset.inventory.on_hand(i, n) for i, n in keys], dtype=float)
    backorders = np.array([dataset.inventory.backorders(i, n) for i, n in keys], dtype=float)
    pipeline = np.zeros((n_loc * n_items, horizon))
    for o in dataset.inventory.on_order:
        if o.location not in loc_index or o.item not in item_index:
            raise ProblemError(f"on_order: ({o.item}, {o.location}) is not a stock key")
        if 1 <= o.arrival_period <= horizon:
            k = loc_index[o.location] * n_items + item_index[o.item]
            pipeline[k, o.arrival_period - 1] += o.quantity

    item_objs = dataset.items
    price = np.array([np.nan if it.price is None else it.price for it in item_objs])
    if objective is Objective.PROFIT and np.isnan(price).any():
        missing = items[int(np.argmax(np.isnan(price)))]
        raise ProblemError(f"objective 'profit' needs a price for every item; {missing} has none")

    fill_rate = np.full(n_loc * n_items, np.nan)
    cycle = np.full(n_loc * n_items, np.nan)
    for k, (item, loc) in enumerate(keys):
        target = constraints.service_target(item, loc)
        if target is None or demand[:, k, :].sum() <= 0:
            continue
        if not 0 < target.target < 1:
            raise ProblemError(f"service target for ({item}, {loc}) must be in (0, 1)")
        if target.kind is ServiceKind.FILL_RATE:
            fill_rate[k] = target.target
        else:
            cycle[k] = target.target
    for limit in cvar:
        if (limit.item, limit.location) not in set(keys):
            raise ProblemError(f"cvar: ({limit.item}, {limit.location}) is not a stock key")
        if not 0 < limit.alpha < 1 or limit.limit < 0:
            raise ProblemError(
                f"cvar for ({limit.item}, {limit.location}): alpha in (0, 1), limit >= 0"
            )

    key_holding = None
    if location_holding_cost:
        key_holding = np.tile([it.holding_cost for it in dataset.items], n_loc).astype(float)
        for name, cost in location_holding_cost.items():
            if name not in loc_index:
                raise ProblemError(
                    f"location_holding_cost: {name!r} is not a stocking location of the network"
                )
            if not (np.isfinite(cost) and cost >= 0):
                raise ProblemError(
                    f"location_holding_cost for {name!r} must be a finite cost >= 0, got {cost}"
                )
            key_holding[loc_index[name] * n_items : (loc_index[name] + 1) * n_items] = cost

    budget = np.array(
        [
            np.inf if (b := constraints.budget_for(t + 1)) is None else float(b)
            for t in range(horizon)
        ]
    )
    if (budget < 0).any():
        raise ProblemError(f"budget must be >= 0, got {budget.min()}")

    return PlanningProblem(
        items=items,
        locations=locations,
        sources=sources,
        lanes=dataset.lanes,
        periods=_periods(dataset, horizon) if periods is None else pd.Index(periods)[:horizon],
        demand=demand,
        weights=np.asarray(scenarios.weights, dtype=float),
        arrival=arrival_periods(dataset.lanes, scenarios, horizon),
        on_hand=on_hand,
        backorders=backorders,
        pipeline=pipeline,
        unit_cost=np.array([it.unit_cost for it in item_objs], dtype=float),
        holding_cost=np.array([it.holding_cost for it in item_objs], dtype=float),
        shortage_penalty=np.array([it.shortage_penalty for it in item_objs], dtype=float),
        price=price,
        volume=np.array([it.volume for it in item_objs], dtype=float),
        case_pack=np.array([it.case_pack for it in item_objs], dtype=float),
        moq=np.array([it.moq for it in item_objs], dtype=float),
        budget=budget,
        supply_capacity={
            name: float(dataset.location(name).supply_capacity)
            for name in sources
            if dataset.location(name).supply_capacity is not None
        },
        lane_capacity=np.array(
            [np.inf if lane.capacity is None else lane.capacity for lane in dataset.lanes]
        ),
        storage_capacity=np.array(
            [
                np.inf if (c := dataset.location(n).storage_capacity) is None else float(c)
                for n in locations
            ]
        ),
        fill_rate=fill_rate,
        cycle_service=cycle,
        cvar=tuple(cvar),
        shortage=shortage,
        objective=objective,
        budget_mode=budget_mode,
        cycle_service_form=CycleServiceForm(cycle_service_form),
        discount=float(discount),
        integer=bool(integer),
        terminal_value=terminal_value,
        key_holding=key_holding,
        first_stage=int(first_stage),
    )


def arrival_periods(lanes: tuple[Lane, ...], scenarios: ScenarioSet, horizon: int) -> np.ndarray:
    """``S x L x T`` arrival period of an order placed on each lane in each period.

    The lead time is the scenario's draw when the scenario set has one for the lane, else
    the lane's mean lead time rounded to whole periods. As in the simulator, a drawn lead
    time is at least one period and orders never cross on a lane (an order arrives no
    earlier than the one placed before it); a lane whose mean lead time rounds to 0 (a
    planning idealisation the simulator does not have) delivers in the period ordered. An
    order placed while the lane is down (``lane_up`` False) leaves in the next period the
    lane is up.
    """
    s_count, n_lanes = scenarios.n_scenarios, len(lanes)
    lead = np.empty((s_count, n_lanes, horizon), dtype=np.int64)
    up = np.ones((s_count, n_lanes, horizon), dtype=bool)
    position = {key: j for j, key in enumerate(scenarios.lanes)}
    for l, lane in enumerate(lanes):  # noqa: E741 - l is the lane index throughout
        j = position.get(lane.key)
        if j is not None and scenarios.lead_times is not None:
            floor = 1 if round(lane.lead_time_mean) >= 1 else 0
            lead[:, l, :] = np.maximum(scenarios.lead_times[:, j, :horizon], floor)
        else:
            lead[:, l, :] = int(round(lane.lead_time_mean))
        if j is not None and scenarios.lane_up is not None:
            up[:, l, :] = scenarios.lane_up[:, j, :horizon]
    t = np.arange(horizon)
    arrival = np.where(up, t + lead, np.iinfo(np.int32).max)
    # Orders placed while the lane is down wait for the next period it is up.
    for tt in range(horizon - 2, -1, -1):
        arrival[:, :, tt] = np.where(up[:, :, tt], arrival[:, :, tt], arrival[:, :, tt + 1])
    return np.maximum.accumulate(arrival, axis=2)  # orders never cross


def _periods(dataset: Dataset, horizon: int) -> pd.Index:
    history = dataset.demand.periods
    if dataset.demand.has_dates and len(history) >= 2:
        step = history[-1] - history[-2]
        return pd.DatetimeIndex([history[-1] + step * (t + 1) for t in range(horizon)])
    if len(history) and np.issubdtype(np.asarray(history).dtype, np.integer):
        return pd.Index(int(history[-1]) + 1 + np.arange(horizon))
    return pd.RangeIndex(1, horizon + 1)
