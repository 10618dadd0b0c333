"""Who is calling: bearer secrets resolved to a principal, with a short-lived cache."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session

from stockwise.api.core.security import authenticate, digest
from stockwise.api.models import Role


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated caller, detached from any database session."""

    id: int
    username: str
    role: Role


class AuthCache:
    """Secrets verified in the last ``ttl`` seconds; a revoked key stops working within ``ttl``."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._seen: dict[str, tuple[float, Principal]] = {}
        self._lock = threading.Lock()

    def cached(self, secret: str) -> Principal | None:
        """The principal if ``secret`` was verified within ``ttl``; no I/O."""
        hit = self._seen.get(digest(secret))
        return hit[1] if hit is not None and hit[0] > time.monotonic() else None

    def resolve(self, engine: Engine, secret: str) -> Principal | None:
        """Verify ``secret`` against the database (and remember the answer for ``ttl``)."""
        key = digest(secret)
        now = time.monotonic()
        with Session(engine) as session:
            user = authenticate(session, secret)
            principal = user and Principal(user.id, user.username, Role(user.role))
        if principal is not None and self.ttl > 0:
            with self._lock:
                if len(self._seen) > 10_000:
                    self._seen.clear()
                self._seen[key] = (now + self.ttl, principal)
        return principal

    def clear(self) -> None:
        with self._lock:
            self._seen.clear()
