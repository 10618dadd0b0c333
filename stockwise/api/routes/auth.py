"""Log in (OAuth2 password flow), and manage one's own API keys."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel
from sqlmodel import select

from stockwise.api import audit
from stockwise.api.core.security import issue_token, verify_password
from stockwise.api.deps import AuthCacheDep, RowId, SessionDep, SettingsDep, Viewer
from stockwise.api.models import ApiToken, ApiTokenCreate, ApiTokenPublic, User, UserPublic

router = APIRouter(prefix="/auth", tags=["auth"])


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int  # [s]


class NewApiKey(ApiTokenPublic):
    key: str  # shown once


@router.post("/token", response_model=Token, responses={401: {"description": "bad login"}})
def login(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: SessionDep,
    settings: SettingsDep,
) -> Token:
    """Exchange username and password for a bearer token."""
    user = session.exec(select(User).where(User.username == form.username)).first()
    if (
        user is None
        or not user.is_active
        or not verify_password(form.password, user.hashed_password)
    ):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "wrong username or password, or the user is disabled",
            headers={"WWW-Authenticate": "Bearer"},
        )
    ttl = timedelta(minutes=settings.token_ttl_minutes)
    secret, _ = issue_token(session, user, "login", ttl=ttl)
    return Token(access_token=secret, expires_in=int(ttl.total_seconds()))


@router.get("/me", response_model=UserPublic)
def me(who: Viewer, session: SessionDep) -> User:
    """The calling user."""
    return session.get(User, who.id)


@router.post("/api-keys", response_model=NewApiKey, status_code=201)
def create_api_key(body: ApiTokenCreate, who: Viewer, session: SessionDep) -> NewApiKey:
    """A new API key for the calling user, with the caller's role; the key is shown once."""
    secret, row = issue_token(session, session.get(User, who.id), "api_key", name=body.name)
    created = NewApiKey(key=secret, **row.model_dump())
    audit.record(session, who, "api_key.create", f"api_key:{row.id}", {"name": body.name})
    return created


@router.get("/api-keys", response_model=list[ApiTokenPublic])
def list_api_keys(who: Viewer, session: SessionDep) -> list[ApiToken]:
    """The caller's API keys (never the secrets)."""
    query = select(ApiToken).where(ApiToken.user_id == who.id, ApiToken.kind == "api_key")
    return list(session.exec(query))


@router.delete("/api-keys/{key_id}", status_code=204)
def revoke_api_key(
    key_id: RowId, who: Viewer, session: SessionDep, auth_cache: AuthCacheDep
) -> None:
    """Revoke one of the caller's API keys."""
    row = session.get(ApiToken, key_id)
    if row is None or row.user_id != who.id or row.kind != "api_key":
        raise HTTPException(404, f"key_id: you have no API key {key_id}")
    row.revoked = True
    session.add(row)
    audit.record(session, who, "api_key.revoke", f"api_key:{key_id}")
    auth_cache.clear()
