"""Persistence tables and API schemas, one SQLModel family per entity."""

from stockwise.api.models.audit import AuditEvent, AuditEventPublic
from stockwise.api.models.blob import Blob
from stockwise.api.models.dataset import DatasetPublic, DatasetRecord
from stockwise.api.models.forecast import ForecastPublic, ForecastRecord, ForecastRequest
from stockwise.api.models.job import Job, JobKind, JobPublic, JobState
from stockwise.api.models.plan import PlanPublic, PlanRecord, PlanRequest
from stockwise.api.models.simulation import (
    SimulationPublic,
    SimulationRecord,
    SimulationRequest,
)
from stockwise.api.models.user import (
    ApiToken,
    ApiTokenCreate,
    ApiTokenPublic,
    Role,
    User,
    UserCreate,
    UserPublic,
    UserUpdate,
)
from stockwise.api.models.whatif import WhatIfPublic, WhatIfRecord

__all__ = [
    "ApiToken",
    "ApiTokenCreate",
    "ApiTokenPublic",
    "AuditEvent",
    "AuditEventPublic",
    "Blob",
    "DatasetPublic",
    "DatasetRecord",
    "ForecastPublic",
    "ForecastRecord",
    "ForecastRequest",
    "Job",
    "JobKind",
    "JobPublic",
    "JobState",
    "PlanPublic",
    "PlanRecord",
    "PlanRequest",
    "Role",
    "SimulationPublic",
    "SimulationRecord",
    "SimulationRequest",
    "User",
    "UserCreate",
    "UserPublic",
    "UserUpdate",
    "WhatIfPublic",
    "WhatIfRecord",
]
