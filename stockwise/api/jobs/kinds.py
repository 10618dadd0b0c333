"""What each job kind runs: one service call, with progress reported on the job."""

from __future__ import annotations

from sqlalchemy import Engine

from stockwise.api.jobs.runner import JobFunction, Progress
from stockwise.api.models import ForecastRequest, Job, JobKind, PlanRequest, SimulationRequest
from stockwise.api.services import forecasts, plans, simulations


def run_plan(engine: Engine, job: Job, progress: Progress) -> str:
    request = PlanRequest.model_validate(job.params)
    record = plans.run(engine, request, job.created_by, job_id=job.id, progress=progress)
    return f"/plans/{record.id}"


def run_forecast(engine: Engine, job: Job, progress: Progress) -> str:
    request = ForecastRequest.model_validate(job.params)
    record = forecasts.run(engine, request, job.created_by, job_id=job.id, progress=progress)
    return f"/forecasts/{record.id}"


def run_simulation(engine: Engine, job: Job, progress: Progress) -> str:
    request = SimulationRequest.model_validate(job.params)
    record = simulations.run(engine, request, job.created_by, job_id=job.id, progress=progress)
    return f"/simulations/{record.id}"


KINDS: dict[str, JobFunction] = {
    JobKind.FORECAST: run_forecast,
    JobKind.PLAN: run_plan,
    JobKind.SIMULATE: run_simulation,
}
