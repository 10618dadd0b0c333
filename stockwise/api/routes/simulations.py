"""Simulations: compare policies (optionally under a what-if), read KPIs, download the report."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, Response
from sqlmodel import col, select

from stockwise.api.deps import Analyst, EngineDep, RowId, SessionDep, Viewer
from stockwise.api.errors import require
from stockwise.api.models import (
    DatasetRecord,
    JobKind,
    SimulationPublic,
    SimulationRecord,
    SimulationRequest,
    WhatIfRecord,
)
from stockwise.api.routes.jobs import JOB_RESPONSES, IdempotencyKey, start_job
from stockwise.api.services import simulations
from stockwise.api.storage import blob_bytes, dataset_by_id

router = APIRouter(prefix="/simulations", tags=["simulations"])


@router.post(
    "",
    status_code=202,
    responses={**JOB_RESPONSES, 422: {"description": "a bad option or what-if change, named"}},
)
def create_simulation(
    body: SimulationRequest,
    who: Analyst,
    session: SessionDep,
    engine: EngineDep,
    request: Request,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Simulate policies on common random numbers, as a job; the what-if spec (inline, or
    stored and named by ``whatif_id``) is checked against the dataset now, so a bad change
    is a 422 here, not a failed job later."""
    require(session, DatasetRecord, body.dataset_id, "dataset_id")
    if body.whatif_id is not None:
        if body.whatif is not None:
            raise HTTPException(422, [_both()])
        require(session, WhatIfRecord, body.whatif_id, "whatif_id")
        body = body.model_copy(update={"whatif": session.get(WhatIfRecord, body.whatif_id).spec})
    simulations.prepare(dataset_by_id(engine, body.dataset_id), body)
    return start_job(session, request, who, JobKind.SIMULATE, body, idempotency_key)


@router.get("", response_model=list[SimulationPublic])
def list_simulations(
    who: Viewer, session: SessionDep, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> list[SimulationRecord]:
    query = select(SimulationRecord).order_by(col(SimulationRecord.id).desc()).limit(limit)
    return list(session.exec(query))


@router.get("/{simulation_id}", response_model=SimulationPublic)
def get_simulation(simulation_id: RowId, who: Viewer, session: SessionDep) -> SimulationRecord:
    """KPIs per policy with confidence intervals (``summary``)."""
    return _simulation(session, simulation_id)


@router.get("/{simulation_id}/report", responses={200: {"content": {"text/html": {}}}})
def get_report(
    simulation_id: RowId, who: Viewer, session: SessionDep, engine: EngineDep
) -> Response:
    """The HTML report (the file ``stockwise simulate --report`` writes), as a download."""
    record = _simulation(session, simulation_id)
    return Response(
        blob_bytes(engine, record.report_blob_id),
        media_type=simulations.HTML,
        headers={"Content-Disposition": f'attachment; filename="simulation-{simulation_id}.html"'},
    )


def _both() -> dict[str, object]:
    msg = "give either whatif (a spec) or whatif_id (a stored spec), not both"
    return {"loc": ["body", "whatif_id"], "msg": msg, "type": "value_error"}


def _simulation(session, simulation_id: int) -> SimulationRecord:
    record = session.get(SimulationRecord, simulation_id)
    if record is None:
        raise HTTPException(404, f"simulation_id: no simulation {simulation_id}")
    return record
