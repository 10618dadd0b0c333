"""Jobs: long work (planning, forecasting, simulation) run by a queue worker."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from stockwise.api.models.base import utcnow


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED)


class JobKind(StrEnum):
    FORECAST = "forecast"
    PLAN = "plan"
    SIMULATE = "simulate"


class JobBase(SQLModel):
    kind: JobKind = Field(sa_type=String(16))
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    state: JobState = Field(default=JobState.QUEUED, sa_type=String(16), index=True)
    progress: float = 0.0  # 0..1, by stage
    stage: str = Field(default="queued", max_length=64)
    attempts: int = 0
    max_attempts: int = 2
    error: str | None = None
    result_url: str | None = Field(default=None, max_length=200)
    cancel_requested: bool = False
    created_at: datetime = Field(default_factory=utcnow)
    started_at: datetime | None = None
    finished_at: datetime | None = None
    duration: float | None = None  # [s] run time of the last attempt


class Job(JobBase, table=True):
    __table_args__ = (UniqueConstraint("created_by", "idempotency_key"),)

    id: str = Field(primary_key=True, max_length=36)
    created_by: str = Field(max_length=64)
    idempotency_key: str | None = Field(default=None, max_length=200)
    request_hash: str = Field(default="", max_length=64)
    heartbeat_at: datetime | None = None
    worker: str | None = Field(default=None, max_length=128)


class JobPublic(JobBase):
    id: str
    created_by: str
    idempotency_key: str | None
