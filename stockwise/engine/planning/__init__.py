"""The stochastic multi-echelon order plan: two-stage sample-average approximation.

Public API (stable; the simulator's re-planning policy and the HTTP API call it)::

    from stockwise.engine.planning import build_problem, plan_orders

    problem = build_problem(dataset, scenarios, horizon=13)   # a PlanningProblem
    plan = plan_orders(problem, solver="highs", options=SolveOptions(time_limit=60))
    plan.orders          # lane, item, period, quantity
    plan.costs           # expected cost by component
    plan.service         # fill rate, stock-out probability per item and location
    plan.shadow_prices   # every budget / capacity / service limit: use and shadow price
    plan.relaxations     # when infeasible: what must move, and by how much

``build_problem`` options: ``constraints`` (budgets and service targets instead of the
dataset's), ``shortage`` (``backorder`` | ``lost_sales``), ``objective`` (``cost`` |
``profit``), ``budget_mode`` (``per_period`` | ``cumulative``), ``cycle_service_form``
(``chance``: exact, a MIP | ``cvar``: conservative LP), ``discount``, ``integer``
(case packs, MOQs and fixed order costs on supplier lanes: a MIP), ``cvar``
(:class:`CvarLimit` per item and location), ``periods`` (labels), ``terminal_value``,
``location_holding_cost`` (holding per location where stock gains value downstream).

For quick re-plans, change the state of an existing problem with ``dataclasses.replace``
(``on_hand``, ``backorders``, ``pipeline``, ``demand``, ``arrival``) instead of rebuilding it.
"""

from stockwise.engine.planning.elastic import Relaxation
from stockwise.engine.planning.formulation import RelaxFirst
from stockwise.engine.planning.limits import LimitKind
from stockwise.engine.planning.plan import OrderPlan, PlanStatus, plan_orders
from stockwise.engine.planning.problem import (
    BudgetMode,
    CvarLimit,
    CycleServiceForm,
    Objective,
    PlanningProblem,
    ProblemError,
    Shortage,
    build_problem,
)
from stockwise.engine.planning.task import PlanSettings, plan_dataset, planning_problem

__all__ = [
    "BudgetMode",
    "CvarLimit",
    "CycleServiceForm",
    "LimitKind",
    "Objective",
    "OrderPlan",
    "PlanSettings",
    "PlanStatus",
    "PlanningProblem",
    "ProblemError",
    "Relaxation",
    "RelaxFirst",
    "Shortage",
    "build_problem",
    "plan_dataset",
    "plan_orders",
    "planning_problem",
]
