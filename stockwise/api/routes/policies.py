"""Policies: reorder points, order-up-to levels and safety stocks, computed on request."""

from __future__ import annotations

import json

from fastapi import APIRouter

from stockwise.api import audit
from stockwise.api.deps import Analyst, EngineDep, SessionDep
from stockwise.api.errors import require
from stockwise.api.models import DatasetRecord, ForecastRecord
from stockwise.api.services import policies
from stockwise.api.services.policies import PolicyRequest, PolicyResponse

router = APIRouter(prefix="/policies", tags=["policies"])


@router.post("", response_model=PolicyResponse, responses={422: {"description": "which option"}})
def compute_policy(
    body: PolicyRequest, who: Analyst, session: SessionDep, engine: EngineDep
) -> PolicyResponse:
    """The policy table ``stockwise policy`` writes, for a stored dataset."""
    require(session, DatasetRecord, body.dataset_id, "dataset_id")
    if body.forecast_id is not None:
        require(session, ForecastRecord, body.forecast_id, "forecast_id")
    plan = policies.compute(engine, body)
    audit.record(session, who, "policy.compute", f"dataset:{body.dataset_id}", body.model_dump())
    table = json.loads(plan.table.to_json(orient="records", double_precision=15))
    return PolicyResponse(kind=body.kind, table=table, extra=plan.extra)
