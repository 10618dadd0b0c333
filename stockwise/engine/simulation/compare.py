"""Compare named policies on a dataset, optionally under a what-if: the CLI's and the
demo's one call.

Policy names:

- ``base-stock``, ``ss``, ``rq``, ``gsm``: computed by
  :func:`stockwise.engine.policies.dataset.plan_policy`
  from the *base* dataset, then simulated in the (what-if) world, as a planner would run
  yesterday's parameters into tomorrow's disruption;
- ``naive``: a rule of thumb, order up to mean demand x (lead time + 2 periods of cover);
- ``plan``: follow the stochastic order plan, re-planned every ``replan_every`` periods
  on the (what-if) data, with planning scenarios drawn apart from the simulated ones.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from stockwise.data import Dataset, DemandHistory, InventoryState
from stockwise.engine.planning.task import PlanSettings
from stockwise.engine.policy import BaseStock, FollowPlan, Policy
from stockwise.engine.simulation.replan import OptimizerReplanner
from stockwise.engine.simulation.result import SimulationResult
from stockwise.engine.simulation.run import simulate
from stockwise.scenarios import ScenarioSet, WhatIf, from_history

STATIC = ("base-stock", "ss", "rq", "gsm")
POLICY_NAMES = (*STATIC, "naive", "plan")


@dataclass(frozen=True)
class CompareSettings:
    """replications : simulated futures; periods : simulated horizon [periods];
    replan_every, plan_horizon [periods], plan_scenarios : the re-planning policy's rhythm,
    look-ahead and sample size (the planner's own defaults, ``PlanSettings``: re-plan
    every period over 13 periods); plan_workers : processes solving re-plans side by side;
    cover : periods of cover beyond the lead time (naive); lost_sales : unmet customer
    demand is lost instead of backordered."""

    replications: int = 100
    periods: int = 26
    seed: int = 0
    replan_every: int = PlanSettings().first_stage
    plan_horizon: int = PlanSettings().horizon
    plan_scenarios: int = PlanSettings().scenarios
    plan_workers: int = 1
    cover: float = 2.0
    warmup: int = 0
    lost_sales: bool = False


def restrict_items(
    dataset: Dataset, items: Sequence[str], *, scale_limits: bool = False, window: int = 52
) -> Dataset:
    """The dataset with only ``items`` (demand, stock and costs of the others dropped).

    scale_limits : shrink every storage capacity and purchase budget to the kept items'
        share of it (their share of the volume demanded at that location, and of the
        purchase value of all demand, over the last ``window`` periods), so limits that
        bind for the whole dataset still bind for the subset; otherwise limits stay as
        they are (and a subset rarely meets them)
    """
    keep = set(items)
    frame = dataset.demand.frame
    inv = dataset.inventory
    kept = tuple(it for it in dataset.items if it.item in keep)
    locations, constraints = dataset.locations, dataset.constraints
    if scale_limits:
        recent = frame[frame["period"].isin(sorted(frame["period"].unique())[-window:])]
        volume = {it.item: it.volume for it in dataset.items}
        cost = {it.item: it.unit_cost for it in dataset.items}
        share_of = recent.assign(
            vol=recent["quantity"] * recent["item"].map(volume),
            val=recent["quantity"] * recent["item"].map(cost),
            kept=recent["item"].isin(keep),
        )
        served = {loc.location: _downstream(dataset, loc.location) for loc in locations}
        locations = tuple(
            dataclasses.replace(
                loc,
                storage_capacity=loc.storage_capacity
                * _share(share_of[share_of["location"].isin(served[loc.location])], "vol"),
            )
            if loc.storage_capacity is not None
            else loc
            for loc in locations
        )
        budget_share = _share(share_of, "val")
        constraints = dataclasses.replace(
            constraints,
            budgets=tuple(
                dataclasses.replace(b, amount=b.amount * budget_share) for b in constraints.budgets
            ),
        )
    return dataclasses.replace(
        dataset,
        items=kept,
        locations=locations,
        constraints=constraints,
        demand=DemandHistory(frame[frame["item"].isin(keep)].reset_index(drop=True)),
        inventory=InventoryState(
            tuple(p for p in inv.positions if p.item in keep),
            tuple(o for o in inv.on_order if o.item in keep),
        ),
    )


def _downstream(dataset: Dataset, name: str) -> set[str]:
    """``name`` and every location it supplies, directly or through others."""
    found, todo = {name}, [name]
    while todo:
        for lane in dataset.network.outbound(todo.pop()):
            if lane.destination not in found:
                found.add(lane.destination)
                todo.append(lane.destination)
    return found


def _share(frame, column: str) -> float:
    total = float(frame[column].sum())
    return float(frame.loc[frame["kept"], column].sum()) / total if total > 0 else 1.0


def restrict_scenarios(scenarios: ScenarioSet, items: Sequence[str]) -> ScenarioSet:
    """The scenario set with only the series of ``items``."""
    keep = [j for j, (item, _) in enumerate(scenarios.keys) if item in set(items)]
    return dataclasses.replace(
        scenarios,
        keys=tuple(scenarios.keys[j] for j in keep),
        demand=scenarios.demand[:, keep],
    )


def restrict_policy(policy: Policy, columns: Sequence[int]) -> Policy:
    """The policy with only the item ``columns`` of its ``locations x items`` arrays."""
    changes = {
        f.name: np.asarray(getattr(policy, f.name))[:, list(columns)]
        for f in dataclasses.fields(policy)
        if isinstance(getattr(policy, f.name), np.ndarray)
    }
    return dataclasses.replace(policy, **changes)


def naive_policy(dataset: Dataset, cover: float = 2.0) -> BaseStock:
    """Rule of thumb: order up to mean demand per period x (lead time + ``cover``)."""
    from stockwise.engine.policies.dataset import cell_data

    cells = cell_data(dataset)
    level = cells.demand_mean * (cells.lead_time_mean + cover)
    return BaseStock(np.where(cells.stocked, level, np.nan), name="naive")


def make_policies(
    names: Sequence[str], dataset: Dataset, settings: CompareSettings
) -> list[Policy]:
    """Policy objects for ``names`` (see the module docstring); unknown names raise
    ``ValueError`` listing the valid ones."""
    from stockwise.engine.policies.dataset import plan_policy

    policies: list[Policy] = []
    for name in names:
        if name not in POLICY_NAMES:
            raise ValueError(f"unknown policy {name!r}; choose from {', '.join(POLICY_NAMES)}")
        if name in STATIC:
            policy = plan_policy(dataset, name).policy
            policies.append(dataclasses.replace(policy, name=name))
        elif name == "naive":
            policies.append(naive_policy(dataset, settings.cover))
        else:
            policies.append(
                FollowPlan(
                    settings.replan_every,
                    settings.plan_horizon,
                    settings.plan_scenarios,
                    name="plan",
                )
            )
    return policies


def compare_policies(
    dataset: Dataset,
    policies: Sequence[str | Policy],
    settings: CompareSettings = CompareSettings(),
    *,
    whatif: WhatIf | None = None,
    scenarios: ScenarioSet | None = None,
    planning_scenarios: ScenarioSet | None = None,
    track: Sequence[tuple[str, str]] | None = None,
    extra: Mapping[str, Policy] | None = None,
) -> SimulationResult:
    """Simulate ``policies`` (names or policy objects) on the same futures.

    scenarios : the simulated futures (default :func:`stockwise.scenarios.from_history`,
        ``settings.replications`` of them)
    planning_scenarios : what the re-planning policy plans with (default: drawn like the
        simulated ones from another seed, covering the periods plus the plan horizon)
    track : ``(item, location)`` pairs for fan charts (default: the two busiest series)
    """
    world = dataset
    if scenarios is None:
        scenarios = from_history(dataset, settings.periods, settings.replications, settings.seed)
    if planning_scenarios is None:
        planning_scenarios = from_history(
            dataset,
            settings.periods + settings.plan_horizon,
            settings.plan_scenarios,
            settings.seed + 1,
        )
    if whatif is not None:
        world, scenarios = whatif.apply(dataset, scenarios)
        _, planning_scenarios = whatif.apply(dataset, planning_scenarios)
    objs = [make_policies([p], dataset, settings)[0] if isinstance(p, str) else p for p in policies]
    objs += list((extra or {}).values())
    if track is None:
        busiest = np.argsort(-scenarios.demand.mean(axis=(0, 2)))[:2]
        track = [scenarios.keys[j] for j in busiest]
    replanner = None
    if any(isinstance(p, FollowPlan) for p in objs):
        replanner = OptimizerReplanner(world, planning_scenarios, workers=settings.plan_workers)
    try:
        return simulate(
            world,
            objs,
            scenarios,
            periods=settings.periods,
            warmup=settings.warmup,
            track=track,
            replanner=replanner,
            lost_sales=settings.lost_sales,
        )
    finally:
        if replanner is not None:
            replanner.close()
