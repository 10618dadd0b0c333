"""What a planner should know before trusting a plan: checks of the problem (can the
scenarios show the service the costs ask for? does the horizon reach past the lead times?)
and of the plan (is its service far below the targets, and why?).

Each check returns sentences in a planner's words; ``plan_orders`` puts them in
``OrderPlan.warnings`` next to the status.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cache

import numpy as np
import pandas as pd

from stockwise.engine.planning.problem import Objective, PlanningProblem, Shortage

# A plan's expected fill rate this far below its target (or below this share) is reported.
FILL_SHORTFALL = 0.05
LOW_FILL = 0.90


def implied_service(p: PlanningProblem) -> np.ndarray:
    """``I`` the service level (critical ratio) each item's costs call for: a unit short
    costs ``u`` (penalty, plus price with a profit objective), a unit held a period ``h``,
    so stock should cover demand with probability ``u / (u + h)``."""
    under = p.shortage_penalty.copy()
    if p.objective is Objective.PROFIT:
        under += np.nan_to_num(p.price)
    over = np.maximum(p.holding_cost, 1e-12)
    return under / (under + over)


def scenario_tail(p: PlanningProblem) -> list[str]:
    """Whether ``p``'s scenarios can show the demand the costs or targets say to stock for.

    With equally weighted scenarios a plan cannot stock for more than the largest sampled
    demand; the largest of ``S`` draws sits near the ``S / (S + 1)`` quantile. A service
    level ``α`` needs about ``α / (1 - α)`` scenarios (199 for 99.5 %)."""
    keys = p.demand_keys
    if not len(keys):
        return []
    item_of_key = keys % p.n_items
    wanted = implied_service(p)[item_of_key]
    targets = np.fmax(p.fill_rate[keys], p.cycle_service[keys])
    wanted = np.fmax(wanted, np.nan_to_num(targets, nan=0.0))
    # the largest of S equally weighted draws sits near the S / (S + 1) quantile; with
    # unequal weights, the smallest weight plays the part of 1 / S
    least = float(np.min(p.weights))
    reach = 1.0 - least / (1.0 + least)
    short = wanted > reach + 1e-12
    if not short.any():
        return []
    top = float(wanted[short].max())
    needed = math.ceil(top / (1.0 - top) - 1e-9) if top < 1 else math.inf
    return [
        f"the costs or targets of {int(short.sum())} of {len(keys)} item-locations call for "
        f"service up to {top:.2%}, but {p.n_scenarios} scenarios show demand only up to about "
        f"the {reach:.1%} quantile, so the plan stocks too little for the tail: use at least "
        f"{needed:,} scenarios"
    ]


def horizon_reach(p: PlanningProblem) -> list[str]:
    """Whether the horizon covers the longest supply path (sum of mean lead times along
    the lanes from a source to a demand location) plus the re-plan interval: orders that
    arrive after the horizon are worth only the terminal credit, so a shorter horizon
    under-buys for the far end of the network."""
    reach = _longest_path(p, {lane.key: max(round(lane.lead_time_mean), 0) for lane in p.lanes})
    demand_locations = {p.locations[k // p.n_items] for k in p.demand_keys}
    longest = max((reach(name) for name in demand_locations), default=0)
    needed = longest + p.first_stage
    if p.horizon >= needed:
        return []
    return [
        f"the horizon of {p.horizon} periods is shorter than the longest supply path "
        f"({longest} periods of lead time) plus the re-plan interval ({p.first_stage}): what "
        f"is bought now reaches the last stores only near the end; plan at least {needed} "
        "periods"
    ]


def _longest_path(p: PlanningProblem, lead: dict) -> Callable[[str], int]:
    """Periods from the sources to a location along its slowest path, lane lead times
    ``lead[lane.key]``."""
    inbound: dict[str, list] = {}
    for lane in p.lanes:
        inbound.setdefault(lane.destination, []).append(lane)

    @cache
    def reach(name: str) -> int:
        return max(
            (lead[lane.key] + (0 if lane.origin in p.sources else reach(lane.origin))
             for lane in inbound.get(name, ())),
            default=0,
        )  # fmt: skip

    return reach


def cheap_shortage(p: PlanningProblem) -> list[str]:
    """Items for which losing a sale costs less than buying the unit (cost objective,
    lost sales): the plan would rather lose the sale, which the data may or may not mean."""
    if p.shortage is not Shortage.LOST_SALES or p.objective is Objective.PROFIT:
        return []
    src = p.source_lanes
    transport = np.array([lane.transport_cost for lane in p.lanes])
    cheapest_lane = float(transport[src].min()) if src.any() else 0.0
    landed = p.unit_cost + cheapest_lane
    cheap = np.flatnonzero(p.shortage_penalty < landed)
    if not len(cheap):
        return []
    i = int(cheap[np.argmax(landed[cheap] - p.shortage_penalty[cheap])])
    return [
        f"for {len(cheap)} of {p.n_items} items a lost sale costs less than buying the unit "
        f"(e.g. {p.items[i]}: penalty {p.shortage_penalty[i]:,.2f} < landed cost "
        f"{landed[i]:,.2f}), so the plan prefers losing those sales; raise the penalties or "
        "plan for profit (objective profit) if that is not meant"
    ]


def problem_warnings(p: PlanningProblem) -> list[str]:
    """Every check of the problem, before solving."""
    return [*scenario_tail(p), *horizon_reach(p), *cheap_shortage(p)]


def service_shortfall(p: PlanningProblem, service: pd.DataFrame) -> list[str]:
    """A plan whose expected fill rate is far below its targets, or low, with the likely
    cause: stock and pipeline that cannot last until the first order can arrive."""
    if service.empty:
        return []
    demand = service["expected_demand"].to_numpy()
    if demand.sum() <= 0:
        return []
    fill = 1.0 - service["expected_short"].sum() / demand.sum()
    target = service["fill_rate_target"].to_numpy()
    has = np.isfinite(target)
    below = has & (service["fill_rate"].to_numpy() < target - FILL_SHORTFALL)
    lines = []
    if below.any():
        lines.append(
            f"{int(below.sum())} of {int(has.sum())} item-locations with a fill-rate target "
            f"fall more than {FILL_SHORTFALL:.0%} short of it"
        )
    elif fill < LOW_FILL:
        lines.append(f"the plan serves only {fill:.1%} of expected demand")
    if lines:
        starved = _starved(p)
        if starved:
            lines[-1] += f": {starved}"
    return lines


def _starved(p: PlanningProblem) -> str:
    """Why service is low when stock on hand and on order runs out before anything ordered
    now can arrive (the usual cause: a network that starts empty)."""
    first = p.arrival[:, :, 0].min(axis=0)  # L: earliest arrival of an order placed now
    lead = {lane.key: int(first[l]) for l, lane in enumerate(p.lanes)}  # noqa: E741
    reach = _longest_path(p, lead)
    expected = np.einsum("s,skt->kt", p.weights, p.demand)
    cover_until = []
    for k in p.demand_keys:
        location = p.locations[k // p.n_items]
        first_arrival = reach(location)
        if first_arrival <= 0:
            continue
        stock = p.on_hand[k] + p.pipeline[k, :first_arrival].sum() - p.backorders[k]
        if stock < expected[k, : min(first_arrival, p.horizon)].sum() * 0.5:
            cover_until.append(first_arrival)
    if not cover_until:
        return ""
    share = len(cover_until) / len(p.demand_keys)
    return (
        f"{share:.0%} of the item-locations hold less than half the demand they face before "
        f"the first order placed now can reach them (period {min(cover_until) + 1} at the "
        "earliest): their stock and pipeline at the start are too small"
    )
