"""What each job kind runs: one service call, with progress reported on the job."""

from __future__ import annotations

from sqlalchemy import Engine

from stockwise.api.jobs.runner import JobFunction, Progress
from stockwise.api.models import Job, JobKind, PlanRequest
from stockwise.api.services import plans


def run_plan(engine: Engine, job: Job, progress: Progress) -> str:
    request = PlanRequest.model_validate(job.params)
    record = plans.run(engine, request, job.created_by, job_id=job.id, progress=progress)
    return f"/plans/{record.id}"


KINDS: dict[str, JobFunction] = {JobKind.PLAN: run_plan}
