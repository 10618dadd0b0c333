"""Order plans: ``plan_dataset`` with the request's settings (the call ``stockwise plan``
makes), its steps reported as the job's progress, the result stored."""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import asdict
from typing import TYPE_CHECKING

from fastapi.concurrency import run_in_threadpool
from sqlalchemy import Engine
from sqlmodel import Session

from stockwise.api.models import Blob, ForecastRecord, PlanPublic, PlanRecord, PlanRequest
from stockwise.api.models.job import Job
from stockwise.api.services import forecasts
from stockwise.api.storage import dataset_by_id, pack, store_blob, unpack
from stockwise.data import Dataset
from stockwise.engine.planning import OrderPlan, plan_dataset

if TYPE_CHECKING:
    from stockwise.forecasting import ForecastResult

TABLES = ("orders", "service", "usage", "shadow_prices")
LOG = logging.getLogger("stockwise.api.plans")

JobProgress = Callable[[str, float], None]  # stage, fraction done (0..1)

# The fraction of the job done when the planner starts a step (known by how its line
# starts); a step not listed here moves the fraction half way to STORING.
STEPS = (
    ("drawing", 0.05),
    ("building", 0.1),
    ("solving", 0.2),
    ("the limits cannot all hold", 0.5),  # the elastic model: a second solve
    ("placing", 0.7),  # whole orders: the rest re-solved around them
)
STORING = 0.9
STAGE_CHARS = Job.__table__.c.stage.type.length  # the column is VARCHAR(64)


def job_progress(progress: JobProgress) -> Callable[[str], None]:
    """The planner's progress lines as the job's stage (cut to the column's width) and
    a fraction that only grows."""
    done = 0.0

    def step(line: str) -> None:
        nonlocal done
        known = (f for start, f in STEPS if line.startswith(start))
        fraction = next(known, done + (STORING - done) / 2)
        done = max(done, min(fraction, STORING))
        stage = line if len(line) <= STAGE_CHARS else line[: STAGE_CHARS - 1] + "…"
        LOG.debug("plan step: %s", line)
        progress(stage, done)

    return step


def solve(
    dataset: Dataset,
    request: PlanRequest,
    time_limit: float | None = None,
    forecast: ForecastResult | None = None,
    progress: JobProgress = lambda stage, fraction: None,
) -> OrderPlan:
    """The order plan for ``request``: what ``stockwise plan`` computes for the same options.

    time_limit : [s] a cap on the request's own solver time limit (synchronous plans)
    forecast : draw the scenarios from its sample paths (``--forecast``), else from history
    progress : called with the stage and the fraction done at each step of the planner
    """
    settings = request.settings(time_limit)
    return plan_dataset(dataset, settings, forecast=forecast, progress=job_progress(progress))


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
        bound=plan.bound,
        gap=plan.gap,
        costs={k: float(v) for k, v in plan.costs.items()},
        relaxations=[asdict(r) for r in plan.relaxations],
        summary=plan.summary(),
        warnings=list(plan.warnings),
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
    progress: JobProgress = lambda stage, fraction: None,
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
    progress("storing", STORING)
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
