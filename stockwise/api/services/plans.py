"""Order plans: build the problem the CLI builds, call ``plan_orders``, store the result."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict

from sqlalchemy import Engine
from sqlmodel import Session

from stockwise.api.models import Blob, DatasetRecord, PlanRecord, PlanRequest
from stockwise.api.storage import load_dataset, pack, store_blob, unpack
from stockwise.data import Budget, Constraints, Dataset, ServiceKind, ServiceTarget
from stockwise.engine.planning import (
    OrderPlan,
    ProblemError,
    build_problem,
    history_scenarios,
    plan_orders,
)
from stockwise.solvers import SolveOptions

TABLES = ("orders", "service", "usage", "shadow_prices")


def constraints_for(dataset: Dataset, request: PlanRequest) -> Constraints:
    """The dataset's budgets and targets, with the request's overrides."""
    base = dataset.constraints
    budgets = base.budgets if request.budget is None else (Budget(request.budget),)
    targets = base.service_targets
    if request.fill_rate is not None:
        targets = (ServiceTarget(ServiceKind.FILL_RATE, request.fill_rate),)
    return Constraints(budgets=budgets, service_targets=targets)


def solve(
    dataset: Dataset,
    request: PlanRequest,
    time_limit: float | None = None,
    progress: Callable[[str, float], None] = lambda stage, fraction: None,
) -> OrderPlan:
    """The order plan for ``request`` (the same calls as ``stockwise plan``)."""
    progress("drawing scenarios", 0.1)
    try:
        scenarios = history_scenarios(dataset, request.horizon, request.scenarios, request.seed)
    except ValueError as err:  # the history cannot supply this horizon
        raise ProblemError(f"horizon: {err}") from err
    progress("building the model", 0.2)
    problem = build_problem(
        dataset,
        scenarios,
        request.horizon,
        constraints=constraints_for(dataset, request),
        shortage=request.shortage,
        integer=request.integer,
    )
    progress("solving", 0.3)
    limit = min(filter(None, (request.time_limit, time_limit)), default=None)
    options = SolveOptions(time_limit=limit, mip_gap=request.mip_gap)
    return plan_orders(
        problem, request.solver, options, relax_if_infeasible=request.relax_if_infeasible
    )


def store(
    session: Session, plan: OrderPlan, request: PlanRequest, username: str, job_id: str | None
) -> PlanRecord:
    frames = {name: getattr(plan, name) for name in TABLES}
    blob = store_blob(session, pack(frames, {"quantities": plan.quantities}))
    record = PlanRecord(
        dataset_id=request.dataset_id,
        params=request.model_dump(),
        status=str(plan.status),
        solver=plan.solver,
        objective=plan.objective,
        gap=plan.gap,
        costs={k: float(v) for k, v in plan.costs.items()},
        relaxations=[asdict(r) for r in plan.relaxations],
        summary=plan.summary(),
        wall_time=plan.wall_time,
        n_orders=len(plan.orders),
        blob_id=blob.id,
        job_id=job_id,
        created_by=username,
    )
    session.add(record)
    session.commit()
    session.refresh(record)
    return record


def run(
    engine: Engine,
    request: PlanRequest,
    username: str,
    *,
    job_id: str | None = None,
    time_limit: float | None = None,
    progress: Callable[[str, float], None] = lambda stage, fraction: None,
) -> PlanRecord:
    """Load the dataset, solve, store; the stored plan."""
    with Session(engine) as session:
        record = session.get(DatasetRecord, request.dataset_id)
        if record is None:
            raise LookupError(f"dataset_id: no dataset {request.dataset_id}")
        dataset = load_dataset(engine, record)
    plan = solve(dataset, request, time_limit, progress)
    progress("storing", 0.9)
    with Session(engine) as session:
        return store(session, plan, request, username, job_id)


def table(session: Session, record: PlanRecord, name: str):
    """One of the plan's tables (``orders``, ``service``, ``usage``, ``shadow_prices``)."""
    frames, _, _ = unpack(session.get(Blob, record.blob_id).data)
    return frames[name]
