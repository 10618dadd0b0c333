"""Forecasts: run one as a job, list, read its summary, quantiles and sample paths."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from sqlmodel import col, select

from stockwise.api.deps import Analyst, EngineDep, RowId, SessionDep, Viewer
from stockwise.api.errors import require
from stockwise.api.models import (
    DatasetRecord,
    ForecastPublic,
    ForecastRecord,
    ForecastRequest,
    JobKind,
)
from stockwise.api.routes.jobs import JOB_RESPONSES, IdempotencyKey, start_job
from stockwise.api.services import forecasts

router = APIRouter(prefix="/forecasts", tags=["forecasts"])


@router.post("", status_code=202, responses=JOB_RESPONSES)
def create_forecast(
    body: ForecastRequest,
    who: Analyst,
    session: SessionDep,
    request: Request,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Forecast demand (sample paths per item and location) for a stored dataset, as a job."""
    require(session, DatasetRecord, body.dataset_id, "dataset_id")
    return start_job(session, request, who, JobKind.FORECAST, body, idempotency_key)


@router.get("", response_model=list[ForecastPublic])
def list_forecasts(
    who: Viewer, session: SessionDep, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> list[ForecastRecord]:
    query = select(ForecastRecord).order_by(col(ForecastRecord.id).desc()).limit(limit)
    return list(session.exec(query))


@router.get("/{forecast_id}", response_model=ForecastPublic)
def get_forecast(forecast_id: RowId, who: Viewer, session: SessionDep) -> ForecastRecord:
    return _forecast(session, forecast_id)


@router.get("/{forecast_id}/quantiles", responses={200: {"content": {"text/csv": {}}}})
async def get_quantiles(
    forecast_id: RowId,
    who: Viewer,
    session: SessionDep,
    engine: EngineDep,
    format: Annotated[str, Query(pattern="^(json|csv)$")] = "json",
) -> Response:
    """Mean and quantiles per item, location and period, derived from the paths."""
    frame = await run_in_threadpool(forecasts.quantiles, engine, _forecast(session, forecast_id))
    if format == "csv":
        return Response(frame.to_csv(index=False), media_type="text/csv")
    return Response(
        frame.to_json(orient="records", date_format="iso", double_precision=15),
        media_type="application/json",
    )


@router.get("/{forecast_id}/paths", responses={200: {"content": {"application/x-npz": {}}}})
def get_paths(forecast_id: RowId, who: Viewer, session: SessionDep, engine: EngineDep) -> Response:
    """Every sample path, as the ``.npz`` that ``stockwise forecast`` writes."""
    record = _forecast(session, forecast_id)
    return Response(
        forecasts.npz_bytes(engine, record),
        media_type=forecasts.NPZ,
        headers={"Content-Disposition": f'attachment; filename="forecast-{forecast_id}.npz"'},
    )


def _forecast(session, forecast_id: int) -> ForecastRecord:
    record = session.get(ForecastRecord, forecast_id)
    if record is None:
        raise HTTPException(404, f"forecast_id: no forecast {forecast_id}")
    return record
