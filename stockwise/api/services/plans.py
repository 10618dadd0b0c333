"""Order plans: build the problem the CLI builds, call ``plan_orders``, store the result."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import asdict, replace
from typing import TYPE_CHECKING

from fastapi.concurrency import run_in_threadpool
from sqlalchemy import Engine
from sqlmodel import Session

from stockwise.api.models import Blob, ForecastRecord, PlanPublic, PlanRecord, PlanRequest
from stockwise.api.services import forecasts
from stockwise.api.storage import dataset_by_id, pack, store_blob, unpack
from stockwise.data import Budget, Constraints, Dataset, ServiceKind, ServiceTarget
from stockwise.engine.planning import OrderPlan, build_problem, plan_orders
from stockwise.scenarios import from_forecast, from_history
from stockwise.solvers import SolveOptions

if TYPE_CHECKING:
    from stockwise.forecasting import ForecastResult

TABLES = ("orders", "service", "usage", "shadow_prices")


def constraints_for(dataset: Dataset, request: PlanRequest) -> Constraints:
    """The dataset's budgets and targets with the request's replacements (as the CLI)."""
    constraints = dataset.constraints
    if request.budget is not None:
        constraints = replace(constraints, budgets=(Budget(request.budget),))
    if request.service_level is not None:
        target = ServiceTarget(ServiceKind(request.service_kind), request.service_level)
        constraints = replace(constraints, service_targets=(target,))
    return constraints


def solve(
    dataset: Dataset,
    request: PlanRequest,
    time_limit: float | None = None,
    forecast: ForecastResult | None = None,
    progress: Callable[[str, float], None] = lambda stage, fraction: None,
) -> OrderPlan:
    """The order plan for ``request``: the calls ``stockwise plan`` makes, in its order.

    time_limit : [s] a cap on the request's own solver time limit (synchronous plans)
    forecast : draw the scenarios from its sample paths (``--forecast``), else from history
    """
    progress("drawing scenarios", 0.1)
    if forecast is not None:
        futures = from_forecast(
            forecast, request.scenarios, request.seed, lanes=dataset.lanes, horizon=request.horizon
        )
    else:
        futures = from_history(dataset, request.horizon, request.scenarios, request.seed)
    progress("building the model", 0.2)
    problem = build_problem(
        dataset,
        futures,
        request.horizon,
        constraints=constraints_for(dataset, request),
        shortage=request.shortage,
        objective=request.objective,
        cycle_service_form=request.cycle_service,
        integer=request.integer,
    )
    progress("solving", 0.3)
    limit = min(request.time_limit, time_limit or request.time_limit)
    options = SolveOptions(time_limit=limit, mip_gap=request.mip_gap)
    return plan_orders(problem, request.solver, options)


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
    dataset = dataset_by_id(engine, request.dataset_id)
    forecast = None
    if request.forecast_id is not None:
        with Session(engine) as session:
            record = session.get(ForecastRecord, request.forecast_id)
        if record is None:
            raise LookupError(f"forecast_id: no forecast {request.forecast_id}")
        forecast = forecasts.load(engine, record)
    plan = solve(dataset, request, time_limit, forecast, progress)
    progress("storing", 0.9)
    with Session(engine) as session:
        return store(session, plan, request, username, job_id)


def table(session: Session, record: PlanRecord, name: str):
    """One of the plan's tables (``orders``, ``service``, ``usage``, ``shadow_prices``)."""
    frames, _, _ = unpack(session.get(Blob, record.blob_id).data)
    return frames[name]


class PlanReader:
    """Stored plans as response JSON, cached: a stored plan never changes, so the cache is
    never stale (``size`` plans kept, least recently stored dropped first). Concurrent
    requests for an uncached plan share one database read."""

    def __init__(self, engine: Engine, size: int = 256) -> None:
        self._engine = engine
        self._size = size
        self._json: OrderedDict[int, bytes] = OrderedDict()
        self._loads: dict[int, asyncio.Future[bytes | None]] = {}

    async def json(self, plan_id: int) -> bytes | None:
        body = self._json.get(plan_id)
        if body is not None:
            return body
        load = self._loads.get(plan_id)
        if load is None:
            load = asyncio.ensure_future(run_in_threadpool(self._load, plan_id))
            self._loads[plan_id] = load
            load.add_done_callback(lambda done: self._loads.pop(plan_id, None))
        return await asyncio.shield(load)  # one caller cancelled does not cancel the rest

    def _load(self, plan_id: int) -> bytes | None:
        with Session(self._engine) as session:
            record = session.get(PlanRecord, plan_id)
            if record is None:
                return None
            body = PlanPublic.model_validate(record).model_dump_json().encode()
        self._json[plan_id] = body
        while len(self._json) > self._size:
            self._json.popitem(last=False)
        return body
