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
    """What to plan: a stored dataset and the options of ``stockwise plan`` (same defaults)."""

    dataset_id: int = Field(ge=1, le=2**31 - 1, description="A dataset from POST /datasets")
    horizon: int = Field(8, ge=1, le=156, description="[periods] planning horizon")
    scenarios: int = Field(20, ge=1, le=5000, description="Demand scenarios (S)")
    seed: int = Field(0, ge=0, le=2**63 - 1, description="Random seed of the scenarios")
    forecast_id: int | None = Field(
        None, ge=1, le=2**31 - 1, description="Scenarios from this forecast; else from history"
    )
    service_level: float | None = Field(
        None, gt=0, lt=1, description="Target for every item and store, replacing the data's"
    )
    service_kind: Literal["fill_rate", "cycle_service"] = "fill_rate"
    budget: float | None = Field(
        None, ge=0, description="[currency] purchase budget per period, replacing the data's"
    )
    solver: Literal["highs", "highs-direct", "pyomo", "ortools", "scipy"] = "highs"
    shortage: Literal["lost_sales", "backorder"] = "lost_sales"
    objective: Literal["cost", "profit"] = "cost"
    cycle_service: Literal["cvar", "chance"] = Field(
        "cvar", description="cvar (conservative LP, fast) or chance (exact MIP)"
    )
    integer: bool = Field(False, description="Case packs, MOQs and fixed order costs (a MIP)")
    time_limit: float = Field(300.0, ge=1, le=86_400, description="[s] solver time limit")
    mip_gap: float = Field(0.01, ge=0, lt=1, description="Relative MIP gap")
