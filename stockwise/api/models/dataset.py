"""Uploaded datasets: validated inputs, stored once, referenced by id."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from stockwise.api.models.base import utcnow


class DatasetBase(SQLModel):
    name: str = Field(max_length=200)
    summary: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))


class DatasetRecord(DatasetBase, table=True):
    __tablename__ = "dataset"

    id: int | None = Field(default=None, primary_key=True)
    blob_id: int = Field(foreign_key="blob.id")
    created_by: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)


class DatasetPublic(DatasetBase):
    id: int
    created_by: str
    created_at: datetime
