"""Stored what-if specs: validated once, referenced by id from simulations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from stockwise.api.models.base import utcnow


class WhatIfBase(SQLModel):
    name: str = Field(max_length=200)
    spec: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSON), description="The spec: name, changes"
    )


class WhatIfRecord(WhatIfBase, table=True):
    __tablename__ = "whatif"

    id: int | None = Field(default=None, primary_key=True)
    created_by: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)


class WhatIfPublic(WhatIfBase):
    id: int
    created_by: str
    created_at: datetime
