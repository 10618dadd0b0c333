"""Stored order plans: the small facts as columns, the tables in a blob."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import ValidationInfo, field_validator
from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from stockwise.api.models.base import utcnow
from stockwise.engine.planning import PlanSettings

DEFAULT = PlanSettings()  # the defaults of ``stockwise plan``: one set, never copied


class PlanBase(SQLModel):
    dataset_id: int = Field(foreign_key="dataset.id", index=True)
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    status: str = Field(max_length=16)
    solver: str = Field(max_length=32)
    objective: float | None = None
    bound: float | None = None  # the LP optimum: no plan with whole orders costs less
    gap: float | None = None
    costs: dict[str, float] = Field(default_factory=dict, sa_column=Column(JSON))
    relaxations: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON))
    summary: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    warnings: list[str] = Field(default_factory=list, sa_column=Column(JSON))
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
    """What to plan: a stored dataset and the options of ``stockwise plan`` (the defaults of
    :class:`~stockwise.engine.planning.PlanSettings`)."""

    dataset_id: int = Field(ge=1, le=2**31 - 1, description="A dataset from POST /datasets")
    horizon: int = Field(
        DEFAULT.horizon,
        ge=1,
        le=156,
        description="[periods] planning horizon; at least the longest supply path plus first_stage",
    )
    scenarios: int = Field(DEFAULT.scenarios, ge=1, le=5000, description="Demand scenarios (S)")
    seed: int = Field(DEFAULT.seed, ge=0, le=2**63 - 1, description="Random seed of the scenarios")
    first_stage: int = Field(
        DEFAULT.first_stage,
        ge=1,
        le=156,
        description="[periods] orders decided now, the same in every scenario (the re-plan "
        "interval); later orders adapt to each scenario. At most the horizon",
    )
    forecast_id: int | None = Field(
        None, ge=1, le=2**31 - 1, description="Scenarios from this forecast; else from history"
    )
    service_level: float | None = Field(
        DEFAULT.service_level,
        gt=0,
        lt=1,
        description="Target for every item and store, replacing the data's",
    )
    service_kind: Literal["fill_rate", "cycle_service"] = DEFAULT.service_kind
    budget: float | None = Field(
        DEFAULT.budget,
        ge=0,
        description="[currency] purchase budget per period, replacing the data's",
    )
    relax_first: Literal["service", "limits"] = Field(
        DEFAULT.relax_first,
        description="What gives way first when the limits cannot all hold: service targets, "
        "or budgets and capacities",
    )
    solver: Literal["highs", "highs-direct", "pyomo", "ortools", "scipy"] = DEFAULT.solver
    shortage: Literal["lost_sales", "backorder"] = DEFAULT.shortage
    objective: Literal["cost", "profit"] = DEFAULT.objective
    cycle_service: Literal["cvar", "chance"] = Field(
        DEFAULT.cycle_service, description="cvar (conservative LP, fast) or chance (exact MIP)"
    )
    whole: bool = Field(
        DEFAULT.whole,
        description="Orders of now in whole units, case packs and MOQs (rounded from the LP); "
        "false: the LP's fractional orders",
    )
    integer: bool = Field(
        DEFAULT.integer,
        description="Solve the exact MIP (case packs, MOQs, fixed order costs): slower",
    )
    time_limit: float = Field(
        DEFAULT.time_limit, ge=1, le=86_400, description="[s] solver time limit"
    )
    mip_gap: float = Field(DEFAULT.mip_gap, ge=0, lt=1, description="Relative MIP gap")
    by_item: bool | None = Field(
        DEFAULT.by_item,
        description="Solve the LP item by item (Dantzig-Wolfe) or whole; null: by item for "
        "large LPs",
    )

    @field_validator("first_stage")
    @classmethod
    def _within_horizon(cls, first_stage: int, info: ValidationInfo) -> int:
        horizon = info.data.get("horizon")
        if horizon is not None and first_stage > horizon:
            raise ValueError(f"must be at most the horizon ({horizon}), got {first_stage}")
        return first_stage

    def settings(self, time_limit: float | None = None) -> PlanSettings:
        """The planner's settings this request asks for; ``time_limit`` [s] caps the
        request's own (synchronous plans)."""
        fields = self.model_dump(exclude={"dataset_id", "forecast_id"})
        fields["time_limit"] = min(self.time_limit, time_limit or self.time_limit)
        return PlanSettings(**fields)
