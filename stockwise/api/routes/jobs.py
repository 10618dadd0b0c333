"""Jobs: status and progress, result link, cancel, retry."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from sqlmodel import col, select

from stockwise.api import audit
from stockwise.api.deps import Planner, SessionDep, Viewer
from stockwise.api.models import Job, JobPublic, JobState

router = APIRouter(prefix="/jobs", tags=["jobs"])


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
def get_job(job_id: str, who: Viewer, session: SessionDep) -> Job:
    """State, progress (0..1) and stage, attempts, error, and ``result_url`` when done."""
    return _job(session, job_id)


@router.post("/{job_id}/cancel", response_model=JobPublic)
def cancel_job(job_id: str, who: Planner, session: SessionDep, request: Request) -> Job:
    """Cancel a queued job now, or a running one at its next stage boundary."""
    job = _job(session, job_id)
    if JobState(job.state).finished:
        raise HTTPException(409, f"job {job_id} is already {job.state}")
    job = request.app.state.runner.cancel(session, job)
    audit.record(session, who, "job.cancel", f"job:{job_id}")
    return session.get(Job, job_id)


@router.post("/{job_id}/retry", response_model=JobPublic, status_code=202)
def retry_job(job_id: str, who: Planner, session: SessionDep, request: Request) -> Job:
    """Run a failed or cancelled job again."""
    job = _job(session, job_id)
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
