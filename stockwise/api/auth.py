"""Who is calling: bearer secrets resolved to a principal, with a short-lived cache."""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from stockwise.api.core.security import authenticate, digest
from stockwise.api.models import Role


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated caller, detached from any database session."""

    id: int
    username: str
    role: Role


class AuthCache:
    """Secrets verified in the last ``ttl`` seconds; a revoked key stops working within ``ttl``.

    Concurrent requests with the same uncached secret share one database lookup, so an
    entry expiring under load costs one query, not one per in-flight request.
    """

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._seen: dict[str, tuple[float, Principal]] = {}
        self._lock = threading.Lock()
        self._generation = 0
        self._lookups: dict[str, asyncio.Future[Principal | None]] = {}

    def cached(self, secret: str) -> Principal | None:
        """The principal if ``secret`` was verified within ``ttl``; no I/O."""
        hit = self._seen.get(digest(secret))
        return hit[1] if hit is not None and hit[0] > time.monotonic() else None

    async def principal(self, engine: Engine, secret: str) -> Principal | None:
        """The cached principal, else :meth:`resolve` in a worker thread, shared by every
        request that asks for the same secret while it runs."""
        if (hit := self.cached(secret)) is not None:
            return hit
        key = digest(secret)
        lookup = self._lookups.get(key)
        if lookup is None:
            lookup = asyncio.ensure_future(run_in_threadpool(self.resolve, engine, secret))
            self._lookups[key] = lookup
            lookup.add_done_callback(lambda done: self._forget(key, done))
        return await asyncio.shield(lookup)  # one caller cancelled does not cancel the rest

    def _forget(self, key: str, lookup: asyncio.Future[Principal | None]) -> None:
        if self._lookups.get(key) is lookup:  # not a newer lookup started after clear()
            del self._lookups[key]

    def resolve(self, engine: Engine, secret: str) -> Principal | None:
        """Verify ``secret`` against the database (and remember the answer for ``ttl``)."""
        key = digest(secret)
        now = time.monotonic()
        generation = self._generation
        with Session(engine) as session:
            user = authenticate(session, secret)
            principal = user and Principal(user.id, user.username, Role(user.role))
        if principal is not None and self.ttl > 0:
            with self._lock:
                if generation != self._generation:  # cleared (revoked) while we read
                    return principal
                if len(self._seen) > 10_000:
                    self._seen.clear()
                self._seen[key] = (now + self.ttl, principal)
        return principal

    def clear(self) -> None:
        with self._lock:
            self._generation += 1
            self._seen.clear()
            self._lookups.clear()
