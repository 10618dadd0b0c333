"""User administration and the audit log (admin only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from stockwise.api import audit
from stockwise.api.core.security import hash_password
from stockwise.api.deps import Admin, AuthCacheDep, RowId, SessionDep
from stockwise.api.models import (
    AuditEvent,
    AuditEventPublic,
    User,
    UserCreate,
    UserPublic,
    UserUpdate,
)
from stockwise.api.models.base import TEXT

router = APIRouter(tags=["users"])


@router.get("/users", response_model=list[UserPublic])
def list_users(who: Admin, session: SessionDep) -> list[User]:
    return list(session.exec(select(User).order_by(User.id)))


@router.post("/users", response_model=UserPublic, status_code=201)
def create_user(body: UserCreate, who: Admin, session: SessionDep) -> User:
    user = User(
        username=body.username,
        role=body.role,
        is_active=body.is_active,
        hashed_password=hash_password(body.password),
    )
    session.add(user)
    try:
        session.commit()
    except IntegrityError as err:
        raise HTTPException(409, f"username: {body.username!r} is taken") from err
    session.refresh(user)
    audit.record(session, who, "user.create", f"user:{user.username}", {"role": user.role})
    return user


@router.patch("/users/{user_id}", response_model=UserPublic)
def update_user(
    user_id: RowId, body: UserUpdate, who: Admin, session: SessionDep, auth_cache: AuthCacheDep
) -> User:
    """Change a user's role, disable or enable them, or set a new password."""
    user = session.get(User, user_id)
    if user is None:
        raise HTTPException(404, f"user_id: no user {user_id}")
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    if "password" in changes:
        user.hashed_password = hash_password(changes.pop("password"))
        changes["password"] = "changed"
    for field in ("role", "is_active"):
        if field in changes:
            setattr(user, field, changes[field])
    session.add(user)
    audit.record(session, who, "user.update", f"user:{user.username}", changes)
    auth_cache.clear()  # a new role or a disabled user takes effect now
    session.refresh(user)
    return user


@router.get("/audit", response_model=list[AuditEventPublic])
def audit_log(
    who: Admin,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    username: Annotated[str | None, Query(max_length=64, pattern=TEXT)] = None,
    action: Annotated[str | None, Query(max_length=64, pattern=TEXT)] = None,
) -> list[AuditEvent]:
    """The newest audit events first; filter by user or action."""
    query = select(AuditEvent).order_by(col(AuditEvent.id).desc()).limit(limit)
    if username:
        query = query.where(AuditEvent.username == username)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(session.exec(query))
