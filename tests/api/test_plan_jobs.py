"""A plan job in-process, on SQLite and PostgreSQL: it reports the planner's steps as the
job's stage and progress, and stores the plan's warnings and bound; the request's defaults
are the planner's own (``PlanSettings``), so the API and ``stockwise plan`` cannot drift.

Oracle: the job row read back after every step (PostgreSQL refuses a stage longer than
its column), and ``plan_dataset`` called directly with the same settings.
"""

from __future__ import annotations

import dataclasses
import uuid

import pytest
from sqlmodel import Session, select

from stockwise.api.core.db import make_engine, migrate
from stockwise.api.jobs.kinds import run_plan
from stockwise.api.jobs.runner import Cancelled, Progress
from stockwise.api.models import Job, JobKind, JobState, PlanPublic, PlanRecord, PlanRequest
from stockwise.api.storage import store_dataset
from stockwise.data import from_frames
from stockwise.engine.planning import PlanSettings, plan_dataset
from tests.api.tiny import tiny_tables

# Targets the budget cannot pay for: the planner relaxes them (an elastic solve, a step
# whose line is longer than the job's stage column).
TIGHT = {"horizon": 5, "scenarios": 5, "seed": 2, "budget": 50.0, "service_level": 0.99}


def test_the_request_defaults_are_the_planners():
    request = PlanRequest(dataset_id=1)
    assert request.settings() == PlanSettings()
    fields = set(PlanRequest.model_fields) - {"dataset_id", "forecast_id"}
    assert fields == {f.name for f in dataclasses.fields(PlanSettings)}
    assert request.settings(time_limit=5.0).time_limit == 5.0  # a cap (synchronous plans)


class Recorded(Progress):
    """The runner's own progress reporter, and the job row as stored after each report."""

    def __init__(self, engine, job_id: str) -> None:
        super().__init__(engine, job_id)
        self.stored: list[tuple[str, float]] = []

    def __call__(self, stage: str, fraction: float) -> None:
        super().__call__(stage, fraction)
        with Session(self._engine) as session:
            job = session.get(Job, self.job_id)
            self.stored.append((job.stage, job.progress))


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    migrate(engine)
    yield engine
    engine.dispose()


def _job(engine, params: dict) -> Job:
    job = Job(
        id=str(uuid.uuid4()),
        kind=JobKind.PLAN,
        params=params,
        state=JobState.RUNNING,
        created_by="pat",
        stage="starting",
    )
    with Session(engine) as session:
        session.add(job)
        session.commit()
        session.refresh(job)
        session.expunge(job)
    return job


def test_a_plan_job_reports_the_planners_steps_and_stores_its_warnings(engine):
    dataset = from_frames(tiny_tables())
    with Session(engine) as session:
        dataset_id = store_dataset(session, dataset, "tiny", "pat").id
    request = PlanRequest(dataset_id=dataset_id, **TIGHT)
    job = _job(engine, request.model_dump())
    progress = Recorded(engine, job.id)

    url = run_plan(engine, job, progress)

    stages = [stage for stage, _ in progress.stored]
    assert stages[0] == "drawing 5 scenarios of 5 periods"
    assert stages[1] == "building the model"
    assert stages[2].startswith("solving ") and "columns" in stages[2]
    elastic = next(s for s in stages if s.startswith("the limits cannot all hold"))
    assert len(elastic) == 64 and elastic.endswith("…")  # cut to the column's width
    assert stages[-1] == "storing"
    fractions = [fraction for _, fraction in progress.stored]
    assert fractions == sorted(fractions) and 0 < fractions[0] and fractions[-1] < 1

    expected = plan_dataset(dataset, request.settings())
    with Session(engine) as session:
        record = session.get(PlanRecord, int(url.rsplit("/", 1)[1]))
        public = PlanPublic.model_validate(record)
    assert public.status == "relaxed" and public.job_id == job.id
    assert public.warnings == list(expected.warnings) and public.warnings
    assert public.bound == pytest.approx(expected.bound, rel=1e-9)
    assert public.objective == pytest.approx(expected.objective, rel=1e-9)
    assert public.params["relax_first"] == "service" and public.params["first_stage"] == 1

    # a cancel asked for while the planner works stops it at its next step, storing nothing
    with Session(engine) as session:
        row = session.get(Job, job.id)
        row.cancel_requested = True
        session.add(row)
        session.commit()
    with pytest.raises(Cancelled):
        run_plan(engine, job, Progress(engine, job.id))
    with Session(engine) as session:
        assert len(session.exec(select(PlanRecord)).all()) == 1
