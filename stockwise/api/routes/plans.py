"""Order plans: run one (as a job, or synchronously with ?wait=true), list, read its tables."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlmodel import col, select

from stockwise.api import audit
from stockwise.api.deps import MAX_ID, Planner, RowId, SessionDep, SettingsDep, Viewer
from stockwise.api.errors import require
from stockwise.api.models import (
    DatasetRecord,
    ForecastRecord,
    JobKind,
    PlanPublic,
    PlanRecord,
    PlanRequest,
)
from stockwise.api.routes.jobs import JOB_RESPONSES, IdempotencyKey, start_job
from stockwise.api.services import plans

router = APIRouter(prefix="/plans", tags=["plans"])


class PlanTable(StrEnum):
    ORDERS = "orders"
    SERVICE = "service"
    USAGE = "usage"
    SHADOW_PRICES = "shadow_prices"


@router.post(
    "",
    status_code=202,
    responses={
        **JOB_RESPONSES,
        201: {"model": PlanPublic, "description": "?wait=true: the plan, solved now"},
        422: {"description": "a parameter or the dataset does not fit: which and why"},
    },
)
def create_plan(
    body: PlanRequest,
    who: Planner,
    session: SessionDep,
    settings: SettingsDep,
    request: Request,
    wait: Annotated[bool, Query(description="Solve now, within the sync time limit")] = False,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Plan orders for a stored dataset (the options and defaults of ``stockwise plan``).
    An infeasible request still returns a plan: status ``relaxed`` with ``relaxations``
    saying which limit must move and by how much. ``warnings`` says what to know before
    trusting a plan (too few scenarios for the service asked, a short horizon, service far
    below the targets and why). A job reports the planner's steps as its stage."""
    require(session, DatasetRecord, body.dataset_id, "dataset_id")
    if body.forecast_id is not None:
        require(session, ForecastRecord, body.forecast_id, "forecast_id")
    if wait:
        engine = request.app.state.engine
        record = plans.run(engine, body, who.username, time_limit=settings.sync_time_limit)
        audit.record(session, who, "plan.run", f"plan:{record.id}", {"wait": True})
        public = PlanPublic.model_validate(record)
        return JSONResponse(public.model_dump(mode="json"), status_code=201)
    return start_job(session, request, who, JobKind.PLAN, body, idempotency_key)


@router.get("", response_model=list[PlanPublic])
def list_plans(
    who: Viewer,
    session: SessionDep,
    dataset_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[PlanRecord]:
    query = select(PlanRecord).order_by(col(PlanRecord.id).desc()).limit(limit)
    if dataset_id is not None:
        query = query.where(PlanRecord.dataset_id == dataset_id)
    return list(session.exec(query))


@router.get("/{plan_id}", response_model=PlanPublic)
async def get_plan(plan_id: RowId, who: Viewer, request: Request) -> Response:
    """Status, expected costs, the LP bound, warnings, the infeasibility report
    (``relaxations``) and summary."""
    body = await request.app.state.plan_reader.json(plan_id)
    if body is None:
        raise HTTPException(404, f"plan_id: no plan {plan_id}")
    return Response(body, media_type="application/json")


@router.get("/{plan_id}/{table}", responses={200: {"content": {"text/csv": {}}}})
def get_plan_table(
    plan_id: RowId,
    table: PlanTable,
    who: Viewer,
    session: SessionDep,
    format: Annotated[str, Query(pattern="^(json|csv)$")] = "json",
) -> Response:
    """One table of the plan: orders, service, usage or shadow_prices, as JSON rows or CSV."""
    frame = plans.table(session, _plan(session, plan_id), table.value)
    if format == "csv":
        return Response(frame.to_csv(index=False), media_type="text/csv")
    return Response(
        frame.to_json(orient="records", date_format="iso", double_precision=15),
        media_type="application/json",
    )


def _plan(session, plan_id: int) -> PlanRecord:
    record = session.get(PlanRecord, plan_id)
    if record is None:
        raise HTTPException(404, f"plan_id: no plan {plan_id}")
    return record
