"""Policies for a whole :class:`~stockwise.data.Dataset`: per location and item, in dataset
order, as a table for planners and as the simulator's policy objects.

Every stocked location (not a supplier or plant) with an inbound lane gets a cell per item.
Demand per period at a store is estimated from its history; an upstream location sees the
summed history of the locations it supplies (each location is supplied by its first
inbound lane, its *primary* lane). The replenishment lead time is that lane's mean and sd.
All methods assume periodic review every period and backorders.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd
from scipy import stats

from stockwise.data import Dataset, ServiceKind
from stockwise.engine.policies.eoq import eoq
from stockwise.engine.policies.frontier import budget_frontier, target_frontier
from stockwise.engine.policies.gsm import Stage, gsm_tree
from stockwise.engine.policies.saa import SAAProblem, minimum_budget, optimize_base_stock
from stockwise.engine.policies.safety_stock import fill_rate_factors
from stockwise.engine.policy import RQ, SS, BaseStock, Policy
from stockwise.scenarios import ScenarioSet

DEFAULT_SERVICE = 0.95


class Kind(StrEnum):
    """Which policy to compute."""

    BASE_STOCK = "base-stock"
    SS = "ss"
    RQ = "rq"
    GSM = "gsm"


@dataclass(frozen=True, eq=False)
class CellData:
    """Per (location, item), ``locations x items`` arrays in dataset order.

    stocked : whether the location holds the item (a non-source location with a lane in)
    history : ``locations x items x periods`` demand per period seen there [units]
    demand_mean, demand_sd : per period [units]; lead_time_mean, lead_time_sd : of the
    primary inbound lane [periods]; fixed_order_cost : per order on that lane [currency];
    holding_cost, stockout_cost [currency / unit / period]; unit_cost [currency / unit];
    service_kind, service_target : the target that applies (dataset or override)
    """

    locations: tuple[str, ...]
    items: tuple[str, ...]
    stocked: np.ndarray
    history: np.ndarray
    demand_mean: np.ndarray
    demand_sd: np.ndarray
    lead_time_mean: np.ndarray
    lead_time_sd: np.ndarray
    fixed_order_cost: np.ndarray
    holding_cost: np.ndarray
    stockout_cost: np.ndarray
    unit_cost: np.ndarray
    service_kind: np.ndarray
    service_target: np.ndarray
    supplier: tuple[str | None, ...]


def cell_data(
    dataset: Dataset,
    *,
    service_level: float | None = None,
    service_kind: ServiceKind | str | None = None,
) -> CellData:
    """Estimate per-cell demand, lead times, costs and service targets from ``dataset``.

    service_level, service_kind : override every target (default: the dataset's targets,
        else a 95 % fill rate)
    """
    if service_level is not None and not 0 < service_level < 1:
        raise ValueError(f"--service-level must lie strictly between 0 and 1, got {service_level}")
    locs = tuple(loc.location for loc in dataset.locations)
    items = tuple(item.item for item in dataset.items)
    li = {name: i for i, name in enumerate(locs)}
    ii = {name: j for j, name in enumerate(items)}
    net = dataset.network
    keys, _, matrix = dataset.demand.to_matrix()
    history = np.zeros((len(locs), len(items), matrix.shape[1]))
    for (item, loc), row in zip(keys, matrix, strict=True):
        history[li[loc], ii[item]] += row
    primary = {name: (net.inbound(name) or (None,))[0] for name in locs}
    for name in reversed(net.order):  # downstream first: pass demand up the primary lane
        lane = primary[name]
        if lane is not None:
            history[li[lane.origin]] += history[li[name]]
    shape = (len(locs), len(items))
    stocked = np.zeros(shape, dtype=bool)
    lt_mean, lt_sd, fixed = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    for name in locs:
        lane = primary[name]
        if lane is None or dataset.location(name).is_source:
            continue
        row = li[name]
        stocked[row] = True
        lt_mean[row], lt_sd[row], fixed[row] = (
            lane.lead_time_mean,
            lane.lead_time_sd,
            lane.fixed_order_cost,
        )
    kinds = np.empty(shape, dtype=object)
    targets = np.full(shape, np.nan)
    kind_override = ServiceKind(service_kind) if service_kind is not None else None
    for a, loc in enumerate(locs):
        for b, item in enumerate(items):
            target = dataset.constraints.service_target(item, loc)
            kind = kind_override or (target.kind if target else ServiceKind.FILL_RATE)
            level = (
                service_level
                if service_level is not None
                else (target.target if target else DEFAULT_SERVICE)
            )
            kinds[a, b], targets[a, b] = kind, level
    cost = np.array([it.unit_cost for it in dataset.items])
    return CellData(
        locations=locs,
        items=items,
        stocked=stocked,
        history=history,
        demand_mean=history.mean(axis=2),
        demand_sd=history.std(axis=2, ddof=1) if history.shape[2] > 1 else np.zeros(shape),
        lead_time_mean=lt_mean,
        lead_time_sd=lt_sd,
        fixed_order_cost=fixed,
        holding_cost=np.broadcast_to([it.holding_cost for it in dataset.items], shape).copy(),
        stockout_cost=np.broadcast_to([it.shortage_penalty for it in dataset.items], shape).copy(),
        unit_cost=np.broadcast_to(cost, shape).copy(),
        service_kind=kinds,
        service_target=targets,
        supplier=tuple(primary[name].origin if primary[name] else None for name in locs),
    )


@dataclass(frozen=True, eq=False)
class PolicyPlan:
    """table : one row per stocked location and item; policy : the simulator's object;
    extra : method-specific numbers (budget shadow price, GSM cost ...)."""

    table: pd.DataFrame
    policy: Policy
    extra: dict


def plan_policy(
    dataset: Dataset,
    kind: Kind | str,
    *,
    service_level: float | None = None,
    service_kind: ServiceKind | str | None = None,
    budget: float | None = None,
    scenarios: int = 200,
    seed: int = 0,
    scenario_set: ScenarioSet | None = None,
    least_stock: bool = False,
) -> PolicyPlan:
    """Reorder points, order-up-to levels and safety stocks per location and item.

    kind : ``base-stock`` (closed-form safety stock with lead-time variability; with a
        ``budget`` or a ``scenario_set``, the SAA model of :mod:`.saa` over lead-time
        demand scenarios: bootstrapped history, or the scenario set's futures),
        ``ss`` (s = reorder point, S = s + EOQ), ``rq`` (r = reorder point, Q = EOQ), ``gsm``
        (guaranteed-service safety-stock placement per item, Graves–Willems)
    budget : cap on expected on-hand inventory value [currency] (``base-stock`` only)
    scenarios, seed : bootstrap sample size and seed for the budgeted model
    scenario_set : futures of demand per (item, store) and lead times per lane, e.g. drawn
        from a forecast's sample paths; see :func:`saa_problem_from_scenarios`
    least_stock : (SAA) the least expected on-hand stock that meets every service target
        (levels at the targets) instead of the least expected holding + shortage cost
        subject to them (levels at or above the targets); within ``budget`` if given
    """
    kind = _choice(Kind, kind, "--kind")
    if service_kind is not None:
        service_kind = _choice(ServiceKind, service_kind, "--service-kind")
    uses_saa = budget is not None or scenario_set is not None or least_stock
    if uses_saa and kind is not Kind.BASE_STOCK:
        raise ValueError(
            "--budget, --forecast and --least-stock apply to --kind base-stock (the SAA model)"
        )
    cells = cell_data(dataset, service_level=service_level, service_kind=service_kind)
    if kind is Kind.GSM:
        return _gsm(dataset, cells)
    if scenario_set is not None:
        problem = saa_problem_from_scenarios(cells, scenario_set)
        return _budgeted(cells, budget, problem, least_stock)
    if budget is not None or least_stock:
        return _budgeted(cells, budget, saa_problem(cells, scenarios, seed), least_stock)
    return _closed_form(cells, kind)


def _choice(enum, value, option: str):
    try:
        return enum(value)
    except ValueError:
        allowed = " | ".join(member.value for member in enum)
        raise ValueError(f"{option} must be one of {allowed}; got {value!r}") from None


def _frame(cells: CellData, columns: dict[str, np.ndarray]) -> pd.DataFrame:
    a, b = np.nonzero(cells.stocked)
    base = {
        "location": np.array(cells.locations, dtype=object)[a],
        "item": np.array(cells.items, dtype=object)[b],
        "demand_mean": cells.demand_mean[a, b],
        "demand_sd": cells.demand_sd[a, b],
        "lead_time_mean": cells.lead_time_mean[a, b],
        "lead_time_sd": cells.lead_time_sd[a, b],
        "service_kind": [str(k) for k in cells.service_kind[a, b]],
        "service_target": cells.service_target[a, b],
    }
    base.update({name: values[a, b] for name, values in columns.items()})
    return pd.DataFrame(base)


def _masked(cells: CellData, values: np.ndarray) -> np.ndarray:
    return np.where(cells.stocked, values, np.nan)


def _closed_form(cells: CellData, kind: Kind) -> PolicyPlan:
    shape = cells.stocked.shape
    order_qty = np.zeros(shape)
    for a, b in zip(*np.nonzero(cells.stocked), strict=True):
        if kind is Kind.BASE_STOCK:
            order_qty[a, b] = cells.demand_mean[a, b]  # one review period's demand
        else:  # at least one unit: the simulator needs Q > 0 even where demand is nil
            q = eoq(cells.fixed_order_cost[a, b], cells.holding_cost[a, b], cells.demand_mean[a, b])
            order_qty[a, b] = max(q.order_quantity, 1.0)
    safety, reorder = _safety(cells, order_qty)
    if kind is Kind.BASE_STOCK:
        table = _frame(cells, {"safety_stock": safety, "order_up_to": reorder})
        return PolicyPlan(table, BaseStock(order_up_to=_masked(cells, reorder)), {})
    if kind is Kind.SS:
        up_to = reorder + order_qty
        table = _frame(
            cells,
            {
                "safety_stock": safety,
                "reorder_point": reorder,
                "order_up_to": up_to,
                "order_quantity": order_qty,
            },
        )
        return PolicyPlan(table, SS(_masked(cells, reorder), _masked(cells, up_to)), {})
    table = _frame(
        cells, {"safety_stock": safety, "reorder_point": reorder, "order_quantity": order_qty}
    )
    return PolicyPlan(table, RQ(_masked(cells, reorder), _masked(cells, order_qty)), {})


def _safety(cells: CellData, order_qty: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Safety stock and reorder point (order-up-to level) per cell for periodic review
    every period, vectorised (the formulas of :func:`.safety_stock.safety_stock`)."""
    mu, sd = cells.demand_mean, cells.demand_sd
    periods = cells.lead_time_mean + 1.0
    sigma = np.sqrt(periods * sd**2 + mu**2 * cells.lead_time_sd**2)
    target = cells.service_target
    fill = cells.service_kind == ServiceKind.FILL_RATE
    z = stats.norm.ppf(target)
    need = fill & (sigma > 0) & (mu > 0)
    q = np.maximum(order_qty, mu)
    z[need] = fill_rate_factors((1 - target[need]) * q[need] / sigma[need])
    z[fill & ~need] = 0.0
    safety = np.where(cells.stocked, np.maximum(z * sigma, 0.0), np.nan)
    reorder = np.where(cells.stocked, mu * periods + z * sigma, np.nan)
    return safety, reorder


def protection_scenarios(cells: CellData, scenarios: int, seed: int) -> np.ndarray:
    """``stocked cells x scenarios`` demand over lead time + one review period [units]:
    a lead time drawn from a normal with the lane's mean and sd (rounded, at least 0) and
    that many + 1 periods of history drawn with replacement (common draws across items of
    a location, so the sample keeps cross-item correlation)."""
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    a, b = np.nonzero(cells.stocked)
    periods = cells.history.shape[2]
    lead = np.maximum(
        np.rint(
            rng.normal(
                cells.lead_time_mean[:, 0],
                cells.lead_time_sd[:, 0],
                (scenarios, len(cells.locations)),
            )
        ),
        0,
    ).astype(np.int64)
    span = int(lead.max()) + 1
    picks = rng.integers(0, periods, size=(scenarios, len(cells.locations), span))
    out = np.empty((a.size, scenarios))
    for row, (loc, item) in enumerate(zip(a, b, strict=True)):
        draws = cells.history[loc, item][picks[:, loc, :]]
        mask = np.arange(span)[None, :] <= lead[:, loc][:, None]
        out[row] = (draws * mask).sum(axis=1)
    return out


def saa_problem(cells: CellData, scenarios: int = 200, seed: int = 0) -> SAAProblem:
    """The budgeted base-stock problem over the stocked cells (row-major in dataset order)."""
    if scenarios < 1:
        raise ValueError(f"scenarios must be at least 1, got {scenarios}")
    a, b = np.nonzero(cells.stocked)
    demand = protection_scenarios(cells, scenarios, seed)
    return SAAProblem(
        demand,
        cells.holding_cost[a, b],
        cells.stockout_cost[a, b],
        cells.unit_cost[a, b],
        cells.demand_mean[a, b],
        names=tuple(f"{cells.items[j]} at {cells.locations[i]}" for i, j in zip(a, b, strict=True)),
    )


def budget_frontier_for(
    dataset: Dataset,
    *,
    budgets: list[float] | None = None,
    points: int = 12,
    scenarios: int = 200,
    seed: int = 0,
) -> pd.DataFrame:
    """The investment vs service / cost frontier (:func:`.frontier.budget_frontier`) of the
    dataset's stocked locations and items, without service floors."""
    problem = saa_problem(cell_data(dataset), scenarios, seed)
    return budget_frontier(problem, budgets, points=points)


def target_frontier_for(
    dataset: Dataset, targets: list[float], *, scenarios: int = 200, seed: int = 0
) -> pd.DataFrame:
    """For each fill-rate target (applied to every stocked location and item), the least
    investment that meets it and the least expected cost (:func:`.frontier.target_frontier`)."""
    bad = [t for t in targets if not 0 <= t < 1]
    if bad:
        raise ValueError(f"--targets must lie in [0, 1), got {bad}")
    problem = saa_problem(cell_data(dataset), scenarios, seed)
    return target_frontier(problem, sorted(targets))


def saa_problem_from_scenarios(cells: CellData, scenario_set: ScenarioSet) -> SAAProblem:
    """The budgeted base-stock problem with one scenario per future of ``scenario_set``:
    its demand summed over the lead time of an order placed now on the primary lane (the
    set's draw, else the lane's mean, rounded) plus one review period. An upstream
    location sums the demand of the locations it supplies, future by future. Expected
    demand per period is the set's weighted mean."""
    li = {name: i for i, name in enumerate(cells.locations)}
    ii = {name: j for j, name in enumerate(cells.items)}
    n_loc, n_item = cells.stocked.shape
    count, horizon = scenario_set.n_scenarios, scenario_set.horizon
    futures = np.zeros((n_loc, n_item, count, horizon))
    for row, (item, loc) in enumerate(scenario_set.keys):
        if item in ii and loc in li:
            futures[li[loc], ii[item]] += scenario_set.demand[:, row, :]
    for name in _downstream_first(cells):
        supplier = cells.supplier[li[name]]
        if supplier is not None:
            futures[li[supplier]] += futures[li[name]]
    lead = np.rint(np.broadcast_to(cells.lead_time_mean[:, 0], (count, n_loc))).astype(np.int64)
    lane_row = {key: j for j, key in enumerate(scenario_set.lanes)}
    for name in cells.locations:
        supplier = cells.supplier[li[name]]
        j = lane_row.get((supplier, name))
        if j is not None and scenario_set.lead_times is not None:
            lead[:, li[name]] = scenario_set.lead_times[:, j, 0]
    a, b = np.nonzero(cells.stocked)
    needed = lead[:, np.unique(a)].max(axis=0, initial=0) + 1
    if needed.size and needed.max() > horizon:
        loc = cells.locations[np.unique(a)[int(np.argmax(needed))]]
        raise ValueError(
            f"the scenarios cover {horizon} periods; lead time + review at {loc} needs "
            f"{needed.max()} (draw scenarios over a longer horizon)"
        )
    cover = np.arange(horizon)[None, None, :] <= lead[:, :, None]  # scenario x loc x period
    demand = np.einsum("lisp,slp->lis", futures, cover)
    mean = (futures.mean(axis=3) @ scenario_set.weights)[a, b]
    return SAAProblem(
        demand[a, b],
        cells.holding_cost[a, b],
        cells.stockout_cost[a, b],
        cells.unit_cost[a, b],
        mean,
        weights=scenario_set.weights,
        names=tuple(f"{cells.items[j]} at {cells.locations[i]}" for i, j in zip(a, b, strict=True)),
    )


def _downstream_first(cells: CellData) -> list[str]:
    depth = {}
    for name in cells.locations:
        hops, at = 0, name
        while cells.supplier[cells.locations.index(at)] is not None:
            at = cells.supplier[cells.locations.index(at)]
            hops += 1
        depth[name] = hops
    return sorted(cells.locations, key=lambda n: -depth[n])


def _budgeted(
    cells: CellData, budget: float | None, problem: SAAProblem, least_stock: bool = False
) -> PolicyPlan:
    a, b = np.nonzero(cells.stocked)
    demand = problem.demand
    kinds = cells.service_kind[a, b]
    targets = cells.service_target[a, b]
    fill = np.where(kinds == ServiceKind.FILL_RATE, targets, np.nan)
    floor = np.zeros(a.size)
    for row in np.flatnonzero(kinds == ServiceKind.CYCLE_SERVICE):
        floor[row] = np.quantile(demand[row], targets[row], method="inverted_cdf")
    if least_stock:  # the least stock that meets every target (a smaller budget: an error)
        need = minimum_budget(problem, fill, floor)
        budget = need if budget is None else min(budget, need)
    result = optimize_base_stock(problem, budget=budget, fill_rate=fill, floor=floor)
    level = np.full(cells.stocked.shape, np.nan)
    level[a, b] = result.base_stock
    expected = _spread(cells, problem.mean_demand) * (cells.lead_time_mean + 1)
    columns = {
        "demand_mean": _spread(cells, problem.mean_demand),
        "safety_stock": level - expected,
        "order_up_to": level,
        "expected_fill_rate": _spread(cells, result.fill_rate),
        "fill_rate_shadow_price": _spread(cells, result.service_shadow_price),
    }
    extra = {
        "budget": budget,
        "investment": result.investment,
        "expected_cost": result.expected_cost,
        "aggregate_fill_rate": float(result.aggregate_fill_rate),
        "budget_shadow_price": result.budget_shadow_price,
    }
    return PolicyPlan(_frame(cells, columns), BaseStock(order_up_to=level), extra)


def _spread(cells: CellData, values: np.ndarray) -> np.ndarray:
    out = np.full(cells.stocked.shape, np.nan)
    out[np.nonzero(cells.stocked)] = values
    return out


def _gsm(dataset: Dataset, cells: CellData) -> PolicyPlan:
    """Per item, one guaranteed-service tree over the primary lanes; the outside supplier
    quotes 0, stores promise 0. Processing time = lane lead time (rounded up) + one review
    period; z from the cycle-service target (a fill-rate target is used as one)."""
    shape = cells.stocked.shape
    cst, safety, level = (np.full(shape, np.nan) for _ in range(3))
    cost = 0.0
    li = {name: i for i, name in enumerate(cells.locations)}
    for b, _item in enumerate(cells.items):
        stages, edges = [], []
        for a, name in enumerate(cells.locations):
            if not cells.stocked[a, b]:
                continue
            own = cells.history[a, b]
            downstream = [n for n in cells.locations if cells.supplier[li[n]] == name]
            stages.append(
                Stage(
                    name,
                    int(np.ceil(cells.lead_time_mean[a, b] - 1e-9)) + 1,
                    cells.holding_cost[a, b],
                    demand_mean=0.0 if downstream else float(own.mean()),
                    demand_sd=0.0 if downstream else float(cells.demand_sd[a, b]),
                    safety_factor=float(stats.norm.ppf(cells.service_target[a, b])),
                    external_outbound_cst=None if downstream else 0,
                )
            )
            supplier = cells.supplier[a]
            if supplier is not None and cells.stocked[li[supplier], b]:
                edges.append((supplier, name))
        result = gsm_tree(stages, edges)
        cost += result.cost
        for name, row in result.stages.iterrows():
            a = li[name]
            cst[a, b] = row["committed_service_time"]
            safety[a, b] = row["safety_stock"]
            level[a, b] = row["base_stock_level"]
    table = _frame(
        cells, {"committed_service_time": cst, "safety_stock": safety, "order_up_to": level}
    )
    return PolicyPlan(table, BaseStock(order_up_to=level), {"safety_stock_cost": cost})
