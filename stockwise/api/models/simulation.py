"""Stored policy simulations: KPI tables in a blob, the HTML report in another."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from stockwise.api.models.base import utcnow
from stockwise.engine.planning.task import PlanSettings

PolicyName = Literal["naive", "base-stock", "ss", "rq", "gsm", "plan"]


class SimulationBase(SQLModel):
    dataset_id: int = Field(foreign_key="dataset.id", index=True)
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    summary: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON), description="KPIs per policy with CIs"
    )


class SimulationRecord(SimulationBase, table=True):
    __tablename__ = "simulation"

    id: int | None = Field(default=None, primary_key=True)
    blob_id: int = Field(foreign_key="blob.id")
    report_blob_id: int = Field(foreign_key="blob.id")
    job_id: str | None = Field(default=None, max_length=36)
    created_by: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)


class SimulationPublic(SimulationBase):
    id: int
    job_id: str | None
    created_by: str
    created_at: datetime


class SimulationRequest(SQLModel):
    """The options of ``stockwise simulate`` (same defaults); ``whatif`` is the spec's
    mapping (``name``, ``changes``) as in a what-if YAML/JSON file, or ``whatif_id`` names
    one stored by POST /whatifs (its spec is copied into the job when it is submitted)."""

    dataset_id: int = Field(ge=1, le=2**31 - 1, description="A dataset from POST /datasets")
    policies: list[PolicyName] = Field(
        default_factory=lambda: ["naive", "base-stock", "plan"], min_length=1, max_length=6
    )
    whatif: dict[str, Any] | None = Field(None, description="What-if spec: name, changes")
    whatif_id: int | None = Field(
        None, ge=1, le=2**31 - 1, description="A stored spec from POST /whatifs (not with whatif)"
    )
    replications: int = Field(100, ge=2, le=10_000, description="Simulated futures")
    periods: int = Field(26, ge=1, le=520, description="Periods simulated")
    seed: int = Field(0, ge=0, le=2**63 - 1)
    items: int | None = Field(None, ge=1, description="Only the first N items (a quick look)")
    replan_every: int = Field(
        PlanSettings().first_stage, ge=1, le=52, description="Re-plan every k periods"
    )
    plan_horizon: int = Field(
        PlanSettings().horizon, ge=1, le=156, description="Plan look-ahead [periods]"
    )
    plan_scenarios: int = Field(
        PlanSettings().scenarios, ge=1, le=1000, description="Scenarios per re-plan"
    )
