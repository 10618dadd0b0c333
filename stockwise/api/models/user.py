"""Users, their roles, and the tokens (login tokens and API keys) that stand for them."""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum

from pydantic import field_validator
from sqlalchemy import String
from sqlmodel import Field, SQLModel

from stockwise.api.models.base import TEXT, utcnow

USERNAME = re.compile(r"[A-Za-z0-9_.@-]+")


class Role(StrEnum):
    """Roles in increasing power; each role may do everything the ones before it may."""

    VIEWER = "viewer"  # read datasets, plans, reports, jobs
    ANALYST = "analyst"  # + upload datasets, run forecasts and simulations
    PLANNER = "planner"  # + run and change order plans
    ADMIN = "admin"  # + manage users, read the audit log

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def allows(self, needed: Role) -> bool:
        return self.rank >= needed.rank


class UserBase(SQLModel):
    username: str = Field(min_length=1, max_length=64, unique=True, index=True)
    role: Role = Field(default=Role.VIEWER, sa_type=String(16))
    is_active: bool = True

    @field_validator("username")
    @classmethod
    def _plain_name(cls, value: str) -> str:
        if not USERNAME.fullmatch(value):
            raise ValueError("use letters, digits and . _ @ - only")
        return value


class User(UserBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    hashed_password: str
    created_at: datetime = Field(default_factory=utcnow)


class UserCreate(UserBase):
    password: str = Field(min_length=8, max_length=256)


class UserUpdate(SQLModel):
    role: Role | None = None
    is_active: bool | None = None
    password: str | None = Field(default=None, min_length=8, max_length=256)


class UserPublic(UserBase):
    id: int
    created_at: datetime


class ApiTokenBase(SQLModel):
    name: str = Field(default="", max_length=100)


class ApiToken(ApiTokenBase, table=True):
    """A bearer secret: a login token (expires) or an API key (until revoked).

    Only the SHA-256 of the secret is stored; the secret is shown once, when issued.
    """

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    kind: str = Field(max_length=16)  # "login" | "api_key"
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime | None = None
    revoked: bool = False


class ApiTokenCreate(ApiTokenBase):
    @field_validator("name")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("give the key a name, e.g. the system that uses it")
        if not re.fullmatch(TEXT, value):
            raise ValueError("no control characters")
        return value


class ApiTokenPublic(ApiTokenBase):
    id: int
    kind: str
    created_at: datetime
    expires_at: datetime | None
    revoked: bool
