"""Submit, run, cancel, retry and recover jobs.

A job row moves ``queued → running → succeeded | failed | cancelled``. Every transition is
a conditional UPDATE, so two workers (or a worker and the recovery sweep) never both win.
While a job runs its worker writes a heartbeat; a running job whose heartbeat is older than
``stale_after_seconds`` lost its worker (killed, machine gone) and is re-queued while it has
attempts left, else failed with that reason. Nothing stays "running" forever.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from datetime import timedelta

from huey import Huey
from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from stockwise.api.core.config import Settings
from stockwise.api.jobs.queue import TASK_NAME
from stockwise.api.models import Job, JobState
from stockwise.api.models.base import utcnow

log = logging.getLogger("stockwise.api.jobs")


class Cancelled(Exception):
    """Raised at a checkpoint when the job's owner asked to cancel it."""


class Progress:
    """Handed to a job: report the stage and fraction done; raises ``Cancelled`` if asked."""

    def __init__(self, engine: Engine, job_id: str) -> None:
        self._engine = engine
        self.job_id = job_id

    def __call__(self, stage: str, fraction: float) -> None:
        with Session(self._engine) as session:
            job = session.get(Job, self.job_id)
            if job.cancel_requested:
                raise Cancelled(f"cancelled by request during '{job.stage}'")
            job.stage, job.progress = stage, fraction
            session.add(job)
            session.commit()


JobFunction = Callable[[Engine, Job, Progress], str]  # returns the result URL


class JobRunner:
    """Moves jobs through their states; one per process (API or worker)."""

    def __init__(
        self, engine: Engine, queue: Huey, settings: Settings, kinds: dict[str, JobFunction]
    ) -> None:
        self.engine = engine
        self.queue = queue
        self.settings = settings
        self.kinds = kinds
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}"
        self._task = queue.task(name=TASK_NAME)(self.execute)
        self._stop = threading.Event()

    # -- submitting ------------------------------------------------------------------
    def enqueue(self, job: Job) -> None:
        """Hand a queued job to the queue for attempt ``job.attempts + 1``."""
        self._task(job.id, job.attempts + 1)

    def cancel(self, session: Session, job: Job) -> Job:
        """Cancel a queued job now; ask a running one to stop at its next checkpoint."""
        if job.state == JobState.QUEUED:
            self._transition(
                job.id,
                JobState.QUEUED,
                state=JobState.CANCELLED,
                stage="cancelled",
                finished_at=utcnow(),
                error="cancelled by request",
            )
        elif job.state == JobState.RUNNING:
            self._set(job.id, cancel_requested=True)
        session.refresh(job)
        return job

    def retry(self, session: Session, job: Job) -> Job:
        """Run a failed or cancelled job again, with a fresh allowance of attempts."""
        self._transition(
            job.id,
            job.state,
            state=JobState.QUEUED,
            stage="queued",
            progress=0.0,
            error=None,
            cancel_requested=False,
            finished_at=None,
            heartbeat_at=utcnow(),
            max_attempts=job.attempts + self.settings.max_attempts,
        )
        session.refresh(job)
        self.enqueue(job)
        return job

    # -- running ---------------------------------------------------------------------
    def execute(self, job_id: str, attempt: int) -> None:
        """The queue task: claim attempt ``attempt`` of ``job_id`` and run it."""
        claimed = self._transition(
            job_id,
            JobState.QUEUED,
            where=(Job.attempts == attempt - 1, col(Job.cancel_requested).is_(False)),
            state=JobState.RUNNING,
            attempts=attempt,
            started_at=utcnow(),
            heartbeat_at=utcnow(),
            worker=self.worker_id,
            stage="starting",
        )
        if not claimed:
            return  # cancelled, already run by another worker, or a stale duplicate
        done = threading.Event()
        beat = threading.Thread(target=self._heartbeat, args=(job_id, done), daemon=True)
        beat.start()
        t0 = time.perf_counter()
        with Session(self.engine) as session:
            job = session.get(Job, job_id)
            session.expunge(job)
        outcome: dict = {}
        try:
            url = self.kinds[job.kind](self.engine, job, Progress(self.engine, job_id))
            outcome = {
                "state": JobState.SUCCEEDED,
                "result_url": url,
                "progress": 1.0,
                "stage": "done",
            }
        except Cancelled as err:
            outcome = {"state": JobState.CANCELLED, "error": str(err), "stage": "cancelled"}
        except Exception as err:  # noqa: BLE001 - any failure is reported on the job
            log.exception("job failed", extra={"job_id": job_id})
            outcome = {
                "state": JobState.FAILED,
                "error": f"{type(err).__name__}: {err}",
                "stage": "failed",
            }
        finally:
            done.set()
            beat.join()
        self._transition(
            job_id,
            JobState.RUNNING,
            finished_at=utcnow(),
            duration=time.perf_counter() - t0,
            **outcome,
        )

    def _heartbeat(self, job_id: str, done: threading.Event) -> None:
        while not done.wait(self.settings.heartbeat_seconds):
            self._transition(job_id, JobState.RUNNING, heartbeat_at=utcnow())

    # -- recovering ------------------------------------------------------------------
    def recover(self) -> int:
        """Re-queue or fail jobs whose worker was lost; re-send queued jobs the queue lost.

        Returns the number of jobs acted on.
        """
        cutoff = utcnow() - timedelta(seconds=self.settings.stale_after_seconds)
        acted = 0
        with Session(self.engine) as session:
            lost = session.exec(
                select(Job).where(Job.state == JobState.RUNNING, col(Job.heartbeat_at) < cutoff)
            ).all()
            pending = {task.args[0] for task in self.queue.pending() if task.args}
            waiting = session.exec(
                select(Job).where(Job.state == JobState.QUEUED, col(Job.heartbeat_at) < cutoff)
            ).all()
        for job in lost:
            reason = (
                f"worker {job.worker} stopped responding during attempt {job.attempts} "
                f"(last heartbeat {job.heartbeat_at:%Y-%m-%d %H:%M:%S} UTC)"
            )
            if job.attempts < job.max_attempts:
                won = self._transition(
                    job.id,
                    JobState.RUNNING,
                    where=(Job.heartbeat_at == job.heartbeat_at,),
                    state=JobState.QUEUED,
                    stage="queued",
                    progress=0.0,
                    heartbeat_at=utcnow(),
                    error=reason + "; re-queued",
                )
                if won:
                    self.enqueue(job)
            else:
                won = self._transition(
                    job.id,
                    JobState.RUNNING,
                    where=(Job.heartbeat_at == job.heartbeat_at,),
                    state=JobState.FAILED,
                    stage="failed",
                    finished_at=utcnow(),
                    error=reason + f"; no attempts left of {job.max_attempts}",
                )
            acted += bool(won)
            log.warning("lost job recovered", extra={"job_id": job.id, "reason": reason})
        for job in waiting:
            if job.id not in pending:
                self._set(job.id, heartbeat_at=utcnow())
                self.enqueue(job)
                acted += 1
        return acted

    def start_sweeper(self) -> threading.Thread:
        """Run :meth:`recover` every heartbeat interval until :meth:`stop_sweeper`."""

        def sweep() -> None:
            while not self._stop.wait(self.settings.heartbeat_seconds):
                try:
                    self.recover()
                except Exception:  # noqa: BLE001 - a failed sweep is retried next round
                    log.exception("job recovery sweep failed")

        thread = threading.Thread(target=sweep, name="job-sweeper", daemon=True)
        thread.start()
        return thread

    def stop_sweeper(self) -> None:
        self._stop.set()

    # -- conditional updates ---------------------------------------------------------
    def _transition(
        self, job_id: str, from_state: JobState, where: tuple = (), **values: object
    ) -> bool:
        """Set ``values`` if the job is still in ``from_state`` (and ``where`` holds).

        Returns True if this call changed the row, i.e. won any race for it.
        """
        condition = (Job.id == job_id, Job.state == from_state, *where)
        with Session(self.engine) as session:
            result = session.exec(update(Job).where(*condition).values(**values))
            session.commit()
            return result.rowcount == 1

    def _set(self, job_id: str, **values) -> None:
        with Session(self.engine) as session:
            session.exec(update(Job).where(Job.id == job_id).values(**values))
            session.commit()
