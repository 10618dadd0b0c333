"""Stored order plans: the small facts as columns, the tables in a blob."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from stockwise.api.models.base import utcnow


class PlanBase(SQLModel):
    dataset_id: int = Field(foreign_key="dataset.id", index=True)
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    status: str = Field(max_length=16)
    solver: str = Field(max_length=32)
    objective: float | None = None
    gap: float | None = None
    costs: dict[str, float] = Field(default_factory=dict, sa_column=Column(JSON))
    relaxations: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON))
    summary: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    wall_time: float = 0.0
    n_orders: int = 0


class PlanRecord(PlanBase, table=True):
    __tablename__ = "plan"

    id: int | None = Field(default=None, primary_key=True)
    blob_id: int = Field(foreign_key="blob.id")
    job_id: str | None = Field(default=None, max_length=36)
    created_by: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)


class PlanPublic(PlanBase):
    id: int
    job_id: str | None
    created_by: str
    created_at: datetime


class PlanRequest(SQLModel):
    """What to plan: a stored dataset, the horizon, the scenarios and the solver settings."""

    dataset_id: int = Field(ge=1, le=2**31 - 1, description="A dataset from POST /datasets")
    horizon: int = Field(13, ge=1, le=156, description="[periods] planning horizon")
    scenarios: int = Field(50, ge=1, le=5000, description="Demand scenarios (SAA sample size)")
    seed: int = Field(0, ge=0, le=2**63 - 1, description="Random seed of the scenarios")
    shortage: Literal["backorder", "lost_sales"] = "backorder"
    integer: bool = Field(False, description="Case packs, MOQs, fixed order costs (a MIP)")
    budget: float | None = Field(
        None, gt=0, description="[currency] purchase budget per period, replaces the dataset's"
    )
    fill_rate: float | None = Field(
        None, gt=0, lt=1, description="Fill-rate target for every item and store, in (0, 1)"
    )
    solver: Literal["highs", "pyomo", "ortools", "scipy"] = "highs"
    time_limit: float | None = Field(None, gt=0, description="[s] solver time limit")
    mip_gap: float | None = Field(None, ge=0, lt=1, description="Relative MIP gap")
    relax_if_infeasible: bool = Field(
        True, description="When limits conflict, return what must change (status 'relaxed')"
    )
