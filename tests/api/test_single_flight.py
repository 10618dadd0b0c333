"""Concurrent cache misses share one database read (the auth cache and the plan reader).

Oracle: a counting stand-in for the database read, 20 concurrent callers; the answer each
caller gets is the stand-in's answer.
"""

from __future__ import annotations

import asyncio
import time
from types import SimpleNamespace

from stockwise.api import auth
from stockwise.api.auth import AuthCache, Principal
from stockwise.api.models import Role
from stockwise.api.services.plans import PlanReader


def counting_authenticate(calls: list[str]):
    def authenticate(session, secret: str):
        calls.append(secret)
        time.sleep(0.05)  # a slow database: the other callers arrive while it runs
        return SimpleNamespace(id=7, username="ann", role="viewer")

    return authenticate


async def gather(n: int, call):
    return await asyncio.gather(*(call() for _ in range(n)))


def test_concurrent_auth_misses_share_one_lookup(monkeypatch):
    calls: list[str] = []
    monkeypatch.setattr(auth, "authenticate", counting_authenticate(calls))
    cache = AuthCache(ttl=60)

    got = asyncio.run(gather(20, lambda: cache.principal(None, "secret-a")))

    assert calls == ["secret-a"]
    assert set(got) == {Principal(7, "ann", Role.VIEWER)}
    assert cache.cached("secret-a") == Principal(7, "ann", Role.VIEWER)


def test_distinct_secrets_are_looked_up_separately(monkeypatch):
    calls: list[str] = []
    monkeypatch.setattr(auth, "authenticate", counting_authenticate(calls))
    cache = AuthCache(ttl=60)

    async def both():
        return await asyncio.gather(
            gather(5, lambda: cache.principal(None, "secret-a")),
            gather(5, lambda: cache.principal(None, "secret-b")),
        )

    asyncio.run(both())
    assert sorted(calls) == ["secret-a", "secret-b"]


def test_clear_during_a_lookup_keeps_its_answer_out_of_the_cache(monkeypatch):
    """A key revoked while its lookup runs must be re-read by the next request."""
    calls: list[str] = []
    monkeypatch.setattr(auth, "authenticate", counting_authenticate(calls))
    cache = AuthCache(ttl=60)

    async def revoke_midway():
        lookup = asyncio.ensure_future(cache.principal(None, "secret-a"))
        await asyncio.sleep(0.01)
        cache.clear()
        await lookup
        await cache.principal(None, "secret-a")

    asyncio.run(revoke_midway())
    assert calls == ["secret-a", "secret-a"]


def test_concurrent_plan_misses_share_one_read(monkeypatch):
    loads: list[int] = []

    def load(self, plan_id: int) -> bytes:
        loads.append(plan_id)
        time.sleep(0.05)
        self._json[plan_id] = b'{"id": %d}' % plan_id
        return self._json[plan_id]

    monkeypatch.setattr(PlanReader, "_load", load)
    reader = PlanReader(engine=None)

    got = asyncio.run(gather(20, lambda: reader.json(3)))

    assert loads == [3]
    assert set(got) == {b'{"id": 3}'}
