"""Creating jobs, with idempotency keys: the same key and request give the same job."""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from typing import Any

from fastapi import HTTPException, status
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from stockwise.api.auth import Principal
from stockwise.api.jobs import JobRunner
from stockwise.api.models import Job, JobKind
from stockwise.api.models.base import utcnow

log = logging.getLogger("stockwise.api.jobs")


def request_hash(kind: JobKind, params: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps([kind, params], sort_keys=True).encode()).hexdigest()


def submit(
    session: Session,
    runner: JobRunner,
    who: Principal,
    kind: JobKind,
    params: dict[str, Any],
    idempotency_key: str | None,
) -> tuple[Job, bool]:
    """Queue a job; returns it and whether it is new (False: the key was seen before)."""
    digest = request_hash(kind, params)
    if idempotency_key is not None:
        existing = _by_key(session, who.username, idempotency_key)
        if existing is not None:
            return _same_request(existing, digest, idempotency_key), False
    job = Job(
        id=str(uuid.uuid4()),
        kind=kind,
        params=params,
        created_by=who.username,
        idempotency_key=idempotency_key,
        request_hash=digest,
        max_attempts=runner.settings.max_attempts,
        heartbeat_at=utcnow(),
    )
    session.add(job)
    try:
        session.commit()
    except IntegrityError:  # the same key, sent twice at once: the first one won
        session.rollback()
        existing = _by_key(session, who.username, idempotency_key)
        return _same_request(existing, digest, idempotency_key), False
    session.refresh(job)
    try:
        runner.enqueue(job)
    except Exception:  # noqa: BLE001 - the row is saved: the recovery sweep re-sends it
        log.warning("queue unreachable; job saved, will be sent later", extra={"job_id": job.id})
    return job, True


def _by_key(session: Session, username: str, key: str) -> Job | None:
    query = select(Job).where(Job.created_by == username, Job.idempotency_key == key)
    return session.exec(query).first()


def _same_request(job: Job, digest: str, key: str) -> Job:
    if job.request_hash != digest:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            f"Idempotency-Key {key!r} was used for a different request (job {job.id}); "
            "use a new key for a new request",
        )
    return job
