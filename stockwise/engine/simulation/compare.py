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
    look-ahead and sample size; cover : periods of cover beyond the lead time (naive);
    lost_sales : unmet customer demand is lost instead of backordered."""

    replications: int = 100
    periods: int = 26
    seed: int = 0
    replan_every: int = 4
    plan_horizon: int = 8
    plan_scenarios: int = 10
    cover: float = 2.0
    warmup: int = 0
    lost_sales: bool = False


def restrict_items(dataset: Dataset, items: Sequence[str]) -> Dataset:
    """The dataset with only ``items`` (demand, stock and costs of the others dropped)."""
    keep = set(items)
    frame = dataset.demand.frame
    inv = dataset.inventory
    return dataclasses.replace(
        dataset,
        items=tuple(it for it in dataset.items if it.item in keep),
        demand=DemandHistory(frame[frame["item"].isin(keep)].reset_index(drop=True)),
        inventory=InventoryState(
            tuple(p for p in inv.positions if p.item in keep),
            tuple(o for o in inv.on_order if o.item in keep),
        ),
    )


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
        replanner = OptimizerReplanner(world, planning_scenarios)
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
