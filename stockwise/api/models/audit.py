"""The audit log: who ran or changed what, and when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from stockwise.api.models.base import utcnow


class AuditEventBase(SQLModel):
    at: datetime = Field(default_factory=utcnow, index=True)
    username: str = Field(max_length=64)
    action: str = Field(max_length=64)  # e.g. "dataset.create", "plan.run", "user.update"
    target: str = Field(default="", max_length=128)  # e.g. "dataset:3"
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    request_id: str = Field(default="", max_length=64)


class AuditEvent(AuditEventBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    user_id: int | None = Field(default=None, foreign_key="user.id")


class AuditEventPublic(AuditEventBase):
    id: int
