"""Password hashing (Argon2 through pwdlib) and bearer secrets (login tokens, API keys)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from pwdlib import PasswordHash
from sqlmodel import Session, select

from stockwise.api.models import ApiToken, User
from stockwise.api.models.base import utcnow

_hasher = PasswordHash.recommended()  # Argon2id with the library's current parameters
TOKEN_PREFIX = {"login": "swt_", "api_key": "swk_"}


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, hashed: str) -> bool:
    return _hasher.verify(password, hashed)


def digest(secret: str) -> str:
    """The stored form of a bearer secret: SHA-256 hex (secrets are 256-bit random)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_token(
    session: Session, user: User, kind: str, name: str = "", ttl: timedelta | None = None
) -> tuple[str, ApiToken]:
    """Create a secret for ``user``; returns the secret (shown once) and its stored row."""
    secret = TOKEN_PREFIX[kind] + secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=user.id,
        kind=kind,
        name=name,
        token_hash=digest(secret),
        expires_at=utcnow() + ttl if ttl else None,
    )
    session.add(row)
    session.commit()
    session.refresh(row)
    return secret, row


def authenticate(session: Session, secret: str) -> User | None:
    """The active user a secret stands for, or ``None`` (unknown, revoked, expired)."""
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == digest(secret))).first()
    if row is None or row.revoked or (row.expires_at is not None and row.expires_at < utcnow()):
        return None
    user = session.get(User, row.user_id)
    return user if user is not None and user.is_active else None
