"""Plan a dataset: the one place where ``stockwise plan``, ``POST /plans`` and the demo turn
a dataset and a planner's choices into an order plan, with one set of defaults."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

from stockwise.data import Budget, Dataset, ServiceKind, ServiceTarget
from stockwise.engine.planning.plan import OrderPlan, Progress, plan_orders
from stockwise.engine.planning.problem import PlanningProblem, build_problem
from stockwise.scenarios import from_forecast, from_history
from stockwise.solvers import SolveOptions

if TYPE_CHECKING:
    from stockwise.forecasting import ForecastResult


@dataclass(frozen=True)
class PlanSettings:
    """A planner's choices for one order plan (the options of ``stockwise plan``).

    horizon : [periods] look-ahead; at least the longest supply path plus ``first_stage``
    scenarios : demand futures (S); the service the costs ask for needs about
        ``α / (1 - α)`` of them (the plan warns when it has too few)
    seed : of the scenarios
    first_stage : [periods] orders decided now, the same in every scenario (the re-plan
        interval); later orders adapt to each scenario
    service_level, service_kind : a target for every item and store instead of the data's
    budget : [currency] purchase budget per period instead of the data's
    shortage, objective, cycle_service : see :func:`build_problem`
    integer : solve the exact MIP (case packs, MOQs, fixed order costs) instead of
        rounding the LP's orders of now (``whole``)
    whole : orders of now in whole units, case packs and MOQs (rounded from the LP)
    relax_first : what gives way when the limits cannot all hold (``service`` | ``limits``)
    solver, time_limit [s], mip_gap, by_item : see :func:`plan_orders`
    """

    horizon: int = 13
    scenarios: int = 100
    seed: int = 0
    first_stage: int = 1
    service_level: float | None = None
    service_kind: str = "fill_rate"
    budget: float | None = None
    shortage: str = "lost_sales"
    objective: str = "cost"
    cycle_service: str = "cvar"
    integer: bool = False
    whole: bool = True
    relax_first: str = "service"
    solver: str = "highs"
    time_limit: float = 300.0
    mip_gap: float = 0.01
    by_item: bool | None = None


def planning_problem(
    dataset: Dataset,
    settings: PlanSettings = PlanSettings(),
    *,
    forecast: ForecastResult | None = None,
) -> PlanningProblem:
    """The planning problem ``settings`` ask for: scenarios from ``forecast``'s sample
    paths (else from the history), the data's limits with the settings' replacements."""
    constraints = dataset.constraints
    if settings.budget is not None:
        constraints = dataclasses.replace(constraints, budgets=(Budget(settings.budget),))
    if settings.service_level is not None:
        target = ServiceTarget(ServiceKind(settings.service_kind), settings.service_level)
        constraints = dataclasses.replace(constraints, service_targets=(target,))
    if forecast is not None:
        futures = from_forecast(
            forecast,
            settings.scenarios,
            settings.seed,
            lanes=dataset.lanes,
            horizon=settings.horizon,
        )
    else:
        futures = from_history(dataset, settings.horizon, settings.scenarios, settings.seed)
    return build_problem(
        dataset,
        futures,
        settings.horizon,
        constraints=constraints,
        shortage=settings.shortage,
        objective=settings.objective,
        cycle_service_form=settings.cycle_service,
        integer=settings.integer,
        first_stage=settings.first_stage,
    )


def plan_dataset(
    dataset: Dataset,
    settings: PlanSettings = PlanSettings(),
    *,
    forecast: ForecastResult | None = None,
    progress: Progress | None = None,
) -> OrderPlan:
    """The order plan for ``dataset`` under ``settings`` (see :class:`PlanSettings`).

    Raises :class:`~stockwise.engine.planning.ProblemError` (or ``ValueError``) naming the
    setting or field that does not fit.
    """
    say = progress or (lambda line: None)
    say(f"drawing {settings.scenarios} scenarios of {settings.horizon} periods")
    problem = planning_problem(dataset, settings, forecast=forecast)
    options = SolveOptions(time_limit=settings.time_limit, mip_gap=settings.mip_gap)
    return plan_orders(
        problem,
        settings.solver,
        options,
        relax_first=settings.relax_first,
        decompose=settings.by_item,
        whole=settings.whole,
        progress=progress,
    )
