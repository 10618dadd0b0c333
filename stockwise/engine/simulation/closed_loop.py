"""Closed loop on the sample: the re-planned order plan against the best simple policies,
on common futures of the sample's own demand process.

A plan is judged by what it does when it is followed and made again every period as the
future unfolds, against the policies a planner would otherwise run, on the same futures:

* ``naive``: order up to mean demand x (lead time + 2 periods);
* ``base stock (SAA)``: installation base-stock levels optimised by sample-average
  approximation on draws of the same demand process the plan sees (least expected holding
  and shortage cost, the data's service targets met);
* ``echelon base stock (GSM)``: guaranteed-service (Graves–Willems) safety-stock placement;
* ``plan``: the stochastic order plan re-planned every period over a look-ahead that never
  shrinks (the planning scenarios cover the simulated periods plus the horizon), on its own
  scenarios drawn apart from the simulated futures.

The world is the sample (``stockwise.data.sample.generate``) restricted to its first
items, with the stores' and DCs' storage space scaled to those items' share of the volume
and the purchase budget set by the sample's own rule for them (1.04 x the mean weekly
purchase value of their true mean demand over the simulated weeks), so that both bind in
busy weeks as they do for the whole sample; the simulator enforces them for every
policy. Backorders are judged by total cost, lost sales
by profit (a lost sale costs its margin and the shortage penalty).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from stockwise.data import Budget, Dataset
from stockwise.data.sample import BUDGET_FACTOR, N_WEEKS, generate, sample_process
from stockwise.engine.policies.dataset import plan_policy
from stockwise.engine.policy import FollowPlan, Policy
from stockwise.engine.simulation.compare import (
    CompareSettings,
    compare_policies,
    naive_policy,
    restrict_items,
    restrict_scenarios,
)
from stockwise.engine.simulation.result import SimulationResult
from stockwise.scenarios import ScenarioSet
from stockwise.scenarios.sample_truth import from_sample_process

PLAN = "plan"


@dataclass(frozen=True)
class ClosedLoop:
    """One closed-loop comparison on the sample.

    items : the sample's first ``items`` items (storage and budget scaled to their share)
    replications : common futures simulated
    periods : [weeks] simulated
    horizon, scenarios : the plan's look-ahead [weeks] and sample size
    lost_sales : lost sales judged by profit; else backorders judged by cost
    seed : the sample's seed; the futures, the plan's scenarios and the base-stock SAA
        draws use three seeds spawned from it
    workers : processes solving the re-plans of a period side by side
    """

    items: int = 4
    replications: int = 200
    periods: int = 20
    horizon: int = 10
    scenarios: int = 200
    lost_sales: bool = False
    seed: int = 0
    workers: int = 1

    @property
    def measure(self) -> str:
        """The KPI that judges: ``profit`` with lost sales, else ``total_cost``."""
        return "profit" if self.lost_sales else "total_cost"


# The demo's (and the tests') short case: about a minute on two cores.
DEMO = ClosedLoop(items=2, replications=40, periods=12, horizon=8, scenarios=60, workers=2)


def world(case: ClosedLoop) -> tuple[Dataset, ScenarioSet, ScenarioSet, ScenarioSet]:
    """The dataset, the simulated futures, the plan's scenarios (simulated periods plus the
    horizon) and the draws the base-stock levels are optimised on."""
    sample = generate(case.seed)
    items = [it.item for it in sample.items[: case.items]]
    dataset = _with_budget(restrict_items(sample, items, scale_limits=True), case)
    futures_seed, plan_seed, saa_seed = (
        int(child.generate_state(1)[0]) for child in np.random.SeedSequence(case.seed).spawn(3)
    )

    def draw(periods: int, n: int, scenario_seed: int) -> ScenarioSet:
        return restrict_scenarios(from_sample_process(case.seed, periods, n, scenario_seed), items)

    futures = draw(case.periods, case.replications, futures_seed)
    planning = draw(case.periods + case.horizon, case.scenarios, plan_seed)
    saa = draw(case.periods, max(case.scenarios, 200), saa_seed)
    return dataset, futures, planning, saa


def _with_budget(dataset: Dataset, case: ClosedLoop) -> Dataset:
    """The sample's budget rule for the kept items and the simulated weeks: the weekly
    purchase budget is ``BUDGET_FACTOR`` x the mean weekly purchase value of the true mean
    demand, so it binds in the busier weeks of the window."""
    process = sample_process(case.seed)
    weeks = N_WEEKS + np.arange(case.periods)
    cost = {it.item: it.unit_cost for it in dataset.items}
    value = np.array([cost.get(item, 0.0) for item, _ in process.keys]) @ process.mean(weeks)
    budget = Budget(float(round(BUDGET_FACTOR * value.mean(), -1)))
    return dataclasses.replace(
        dataset, constraints=dataclasses.replace(dataset.constraints, budgets=(budget,))
    )


def policies(case: ClosedLoop, dataset: Dataset, saa: ScenarioSet) -> list[Policy]:
    """The policies compared, the plan last."""
    base = plan_policy(dataset, "base-stock", scenario_set=saa).policy
    gsm = plan_policy(dataset, "gsm").policy
    return [
        naive_policy(dataset),
        dataclasses.replace(base, name="base stock (SAA)"),
        dataclasses.replace(gsm, name="echelon base stock (GSM)"),
        FollowPlan(replan_every=1, horizon=case.horizon, n_scenarios=case.scenarios, name=PLAN),
    ]


def run(case: ClosedLoop, progress: Callable | None = None) -> SimulationResult:
    """Simulate every policy of :func:`policies` on the case's common futures."""
    from stockwise.engine.simulation.run import reporting_progress

    dataset, futures, planning, saa = world(case)
    settings = CompareSettings(
        replications=case.replications,
        periods=case.periods,
        plan_horizon=case.horizon,
        plan_scenarios=case.scenarios,
        replan_every=1,
        plan_workers=case.workers,
        lost_sales=case.lost_sales,
    )
    objs = policies(case, dataset, saa)
    with reporting_progress(progress):
        return compare_policies(
            dataset, objs, settings, scenarios=futures, planning_scenarios=planning
        )


def verdict(case: ClosedLoop, result: SimulationResult) -> pd.DataFrame:
    """The plan minus each other policy on the case's measure (paired over the common
    futures), its interval, and whether the plan is better with 95 % confidence (the
    interval lies wholly on the plan's side of zero)."""
    paired = result.paired(PLAN)
    rows = paired[paired["metric"] == case.measure].copy()
    # paired() gives other - plan; turn it around: plan - other
    rows["difference"], rows["ci_low"], rows["ci_high"] = (
        -rows["difference"],
        -rows["ci_high"],
        -rows["ci_low"],
    )
    better = rows["ci_low"] > 0 if case.lost_sales else rows["ci_high"] < 0
    return pd.DataFrame(
        {
            "against": rows["policy"].to_numpy(),
            "measure": case.measure,
            "plan_minus_other": rows["difference"].to_numpy(),
            "ci_low": rows["ci_low"].to_numpy(),
            "ci_high": rows["ci_high"].to_numpy(),
            "plan_better": better.to_numpy(),
        }
    )
