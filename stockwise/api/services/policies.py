"""Replenishment policies: the calls ``stockwise policy`` makes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import Engine
from sqlmodel import Session

from stockwise.api.errors import PolicyInputError
from stockwise.api.models import ForecastRecord
from stockwise.api.services import forecasts
from stockwise.api.storage import dataset_by_id
from stockwise.scenarios import from_forecast

if TYPE_CHECKING:
    from stockwise.engine.policies.dataset import PolicyPlan


class PolicyRequest(BaseModel):
    """The options of ``stockwise policy`` (same defaults)."""

    dataset_id: int = Field(ge=1, le=2**31 - 1, description="A dataset from POST /datasets")
    kind: Literal["base-stock", "ss", "rq", "gsm"] = "base-stock"
    service_level: float | None = Field(
        None, gt=0, lt=1, description="Target for every location and item (default: the data's)"
    )
    service_kind: Literal["fill_rate", "cycle_service"] | None = None
    budget: float | None = Field(
        None, gt=0, description="[currency] cap on expected on-hand inventory value (SAA)"
    )
    scenarios: int = Field(200, ge=1, le=10_000, description="Demand scenarios for the SAA")
    seed: int = Field(0, ge=0, le=2**63 - 1)
    forecast_id: int | None = Field(
        None, ge=1, le=2**31 - 1, description="Base-stock by SAA over this forecast's futures"
    )
    least_stock: bool = Field(False, description="SAA: least stock meeting the targets")


class PolicyResponse(BaseModel):
    kind: str
    table: list[dict[str, Any]] = Field(description="One row per stocked location and item")
    extra: dict[str, Any] = Field(description="Method-specific numbers (shadow price ...)")


def compute(engine: Engine, request: PolicyRequest) -> PolicyPlan:
    from stockwise.engine.policies.dataset import plan_policy  # heavy: imported on use

    dataset = dataset_by_id(engine, request.dataset_id)
    futures = None
    if request.forecast_id is not None:
        with Session(engine) as session:
            record = session.get(ForecastRecord, request.forecast_id)
        if record is None:
            raise LookupError(f"forecast_id: no forecast {request.forecast_id}")
        futures = from_forecast(
            forecasts.load(engine, record),
            request.scenarios,
            seed=request.seed,
            lanes=dataset.lanes,
        )
    try:
        return plan_policy(
            dataset,
            request.kind,
            service_level=request.service_level,
            service_kind=request.service_kind,
            budget=request.budget,
            scenarios=request.scenarios,
            seed=request.seed,
            scenario_set=futures,
            least_stock=request.least_stock,
        )
    except ValueError as err:  # what `stockwise policy` reports as "cannot compute"
        raise PolicyInputError(str(err)) from err
