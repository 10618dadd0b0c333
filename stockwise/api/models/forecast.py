"""Stored forecasts: sample paths in the CLI's ``.npz`` format, a summary as columns."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from stockwise.api.models.base import utcnow


class ForecastBase(SQLModel):
    dataset_id: int = Field(foreign_key="dataset.id", index=True)
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    series: int = 0
    models: dict[str, int] = Field(
        default_factory=dict, sa_column=Column(JSON), description="Series per model used"
    )


class ForecastRecord(ForecastBase, table=True):
    __tablename__ = "forecast"

    id: int | None = Field(default=None, primary_key=True)
    blob_id: int = Field(foreign_key="blob.id")
    job_id: str | None = Field(default=None, max_length=36)
    created_by: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)


class ForecastPublic(ForecastBase):
    id: int
    job_id: str | None
    created_by: str
    created_at: datetime


class ForecastRequest(SQLModel):
    """The options of ``stockwise forecast`` (same defaults)."""

    dataset_id: int = Field(ge=1, le=2**31 - 1, description="A dataset from POST /datasets")
    horizon: int = Field(8, ge=1, le=156, description="[periods] to forecast")
    paths: int = Field(1000, ge=1, le=20_000, description="Sample paths per series")
    model: Literal["auto", "ets", "croston", "sba", "tsb", "seasonal_naive", "ngboost"] = "auto"
    seed: int = Field(0, ge=0, le=2**63 - 1, description="Same seed, same paths")
