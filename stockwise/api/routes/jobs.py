"""Jobs: status and progress, result link, cancel, retry."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlmodel import Session, col, select

from stockwise.api import audit
from stockwise.api.auth import Principal
from stockwise.api.deps import Analyst, JobId, SessionDep, Viewer
from stockwise.api.models import Job, JobKind, JobPublic, JobState, Role
from stockwise.api.services import jobs

router = APIRouter(prefix="/jobs", tags=["jobs"])
IdempotencyKey = Annotated[
    str | None,
    Header(max_length=200, description="Send the same key again to get the same job back"),
]
# Who may start (and so cancel or retry) each kind of job.
KIND_ROLE = {
    JobKind.FORECAST: Role.ANALYST,
    JobKind.SIMULATE: Role.ANALYST,
    JobKind.PLAN: Role.PLANNER,
}
JOB_RESPONSES = {
    202: {"model": JobPublic, "description": "queued as a job; poll its url (Location)"},
    200: {"model": JobPublic, "description": "this Idempotency-Key's job, queued before"},
}


def start_job(
    session: Session,
    request: Request,
    who: Principal,
    kind: JobKind,
    body: BaseModel,
    idempotency_key: str | None,
) -> JSONResponse:
    """Queue a ``kind`` job for ``body``: 202 and the job (200 for a repeated key)."""
    params = body.model_dump()
    job, new = jobs.submit(session, request.app.state.runner, who, kind, params, idempotency_key)
    if new:
        audit.record(session, who, f"{kind}.submit", f"job:{job.id}", params)
    public = JobPublic.model_validate(job).model_dump(mode="json")
    headers = {"Location": f"/jobs/{job.id}"}
    return JSONResponse(public, status_code=202 if new else 200, headers=headers)


@router.get("", response_model=list[JobPublic])
def list_jobs(
    who: Viewer,
    session: SessionDep,
    state: JobState | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[Job]:
    query = select(Job).order_by(col(Job.created_at).desc()).limit(limit)
    if state is not None:
        query = query.where(Job.state == state)
    return list(session.exec(query))


@router.get("/{job_id}", response_model=JobPublic)
def get_job(job_id: JobId, who: Viewer, session: SessionDep) -> Job:
    """State, progress (0..1) and stage, attempts, error, and ``result_url`` when done."""
    return _job(session, job_id)


@router.post("/{job_id}/cancel", response_model=JobPublic)
def cancel_job(job_id: JobId, who: Analyst, session: SessionDep, request: Request) -> Job:
    """Cancel a queued job now, or a running one at its next stage boundary."""
    job = _job_for(session, job_id, who)
    if JobState(job.state).finished:
        raise HTTPException(409, f"job {job_id} is already {job.state}")
    job = request.app.state.runner.cancel(session, job)
    audit.record(session, who, "job.cancel", f"job:{job_id}")
    return session.get(Job, job_id)


@router.post("/{job_id}/retry", response_model=JobPublic, status_code=202)
def retry_job(job_id: JobId, who: Analyst, session: SessionDep, request: Request) -> Job:
    """Run a failed or cancelled job again."""
    job = _job_for(session, job_id, who)
    if job.state not in (JobState.FAILED, JobState.CANCELLED):
        raise HTTPException(
            409, f"only failed or cancelled jobs can be retried; {job_id} is {job.state}"
        )
    job = request.app.state.runner.retry(session, job)
    audit.record(session, who, "job.retry", f"job:{job_id}")
    return session.get(Job, job_id)


def _job(session, job_id: str) -> Job:
    job = session.get(Job, job_id)
    if job is None:
        raise HTTPException(404, f"job_id: no job {job_id}")
    return job


def _job_for(session, job_id: str, who: Principal) -> Job:
    """The job, if ``who`` may start jobs of its kind (else 403)."""
    job = _job(session, job_id)
    needed = KIND_ROLE[JobKind(job.kind)]
    if not who.role.allows(needed):
        raise HTTPException(403, f"{job.kind} jobs need role '{needed}'; you are '{who.role}'")
    return job
