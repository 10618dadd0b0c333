"""FastAPI dependencies as typed ``Annotated`` aliases; every route declares its minimum role.

Dependencies that do no I/O are ``async`` so FastAPI calls them on the event loop instead
of handing each to the thread pool; the one that may query (credentials not in the cache)
hands only that query to the pool.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Request, Security, status
from fastapi.security import APIKeyHeader, OAuth2PasswordBearer
from huey import Huey
from sqlalchemy import Engine
from sqlmodel import Session

from stockwise.api.auth import AuthCache, Principal
from stockwise.api.core.config import Settings
from stockwise.api.models import Role

oauth2 = OAuth2PasswordBearer(tokenUrl="/auth/token", auto_error=False)
api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False)


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_engine(request: Request) -> Engine:
    return request.app.state.engine


def get_session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine) as session:
        yield session


async def get_queue(request: Request) -> Huey:
    return request.app.state.queue


async def get_auth_cache(request: Request) -> AuthCache:
    return request.app.state.auth_cache


MAX_ID = 2**31 - 1  # ids are 32-bit integers in every supported database
RowId = Annotated[int, Path(ge=1, le=MAX_ID, description="Row id")]
JobId = Annotated[str, Path(max_length=36, pattern=r"^[0-9a-fA-F-]+$", description="Job id")]
SettingsDep = Annotated[Settings, Depends(get_settings)]
AuthCacheDep = Annotated[AuthCache, Depends(get_auth_cache)]
EngineDep = Annotated[Engine, Depends(get_engine)]
SessionDep = Annotated[Session, Depends(get_session)]
QueueDep = Annotated[Huey, Depends(get_queue)]


async def current_principal(
    request: Request,
    bearer: Annotated[str | None, Security(oauth2)],
    api_key: Annotated[str | None, Security(api_key_header)],
) -> Principal:
    secret = bearer or api_key
    cache: AuthCache = request.app.state.auth_cache
    principal = secret and await cache.principal(request.app.state.engine, secret)
    if not principal:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "missing, unknown, expired or revoked credentials: send 'Authorization: Bearer "
            "<token>' (from POST /auth/token) or 'X-API-Key: <key>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    request.scope.setdefault("state", {})["username"] = principal.username
    return principal


class RequireRole:
    """Dependency: the caller must hold ``role`` or a stronger one (403 otherwise)."""

    def __init__(self, role: Role) -> None:
        self.role = role

    async def __call__(
        self, principal: Annotated[Principal, Depends(current_principal)]
    ) -> Principal:
        if not principal.role.allows(self.role):
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                f"this needs role '{self.role}' or higher; user '{principal.username}' is "
                f"'{principal.role}'",
            )
        return principal


Viewer = Annotated[Principal, Depends(RequireRole(Role.VIEWER))]
Analyst = Annotated[Principal, Depends(RequireRole(Role.ANALYST))]
Planner = Annotated[Principal, Depends(RequireRole(Role.PLANNER))]
Admin = Annotated[Principal, Depends(RequireRole(Role.ADMIN))]
