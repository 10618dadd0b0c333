"""401 without credentials and 403 below the route's role, for every route in the route table.

The table is read from the app itself, so a new route is tested (or flagged) automatically.
Oracle: the role each route declares, and the order viewer < analyst < planner < admin.
"""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute

from stockwise.api import Settings, create_app
from stockwise.api.app import ROUTERS
from stockwise.api.deps import RequireRole
from stockwise.api.models import Role

PUBLIC = {("GET", "/health"), ("GET", "/ready"), ("GET", "/metrics"), ("POST", "/auth/token")}


def required_role(route: APIRoute) -> Role | None:
    stack = list(route.dependant.dependencies)
    while stack:
        dep = stack.pop()
        if isinstance(dep.call, RequireRole):
            return dep.call.role
        stack += dep.dependencies
    return None


ROUTES = [
    (method, route.path, required_role(route))
    for router in ROUTERS
    for route in router.routes
    if isinstance(route, APIRoute)
    for method in sorted(route.methods)
]
PROTECTED = [r for r in ROUTES if (r[0], r[1]) not in PUBLIC]


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def test_route_table_is_complete_and_every_route_declares_a_role():
    schema = create_app(Settings()).openapi()
    documented = {(m.upper(), p) for p, ops in schema["paths"].items() for m in ops}
    assert documented == {(m, p) for m, p, _ in ROUTES}
    assert [r for r in PROTECTED if r[2] is None] == []
    assert {r[2] for r in PROTECTED} == set(Role)  # every role guards something


@pytest.mark.parametrize(("method", "path", "role"), PROTECTED, ids=lambda v: str(v))
def test_route_rejects_missing_wrong_and_weak_credentials(live, method, path, role):
    server, tokens = live
    with server.client() as anonymous:
        r = anonymous.request(method, concrete(path))
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
        r = anonymous.request(method, concrete(path), headers={"X-API-Key": "swk_forged"})
        assert r.status_code == 401
    if role.rank > 0:
        weaker = list(Role)[role.rank - 1]
        with server.client(tokens[weaker]) as client:
            r = client.request(method, concrete(path))
        assert r.status_code == 403, r.text
        assert f"needs role '{role}'" in r.json()["detail"]


def test_api_key_works_until_revoked_and_disabled_users_are_locked_out(live):
    server, tokens = live
    with server.client(tokens["viewer"]) as viewer:
        created = viewer.post("/auth/api-keys", json={"name": "dashboard"})
        assert created.status_code == 201 and created.json()["key"].startswith("swk_")
        key = {"X-API-Key": created.json()["key"]}
        assert viewer.get("/auth/me", headers={"Authorization": ""} | key).status_code == 200
        assert viewer.delete(f"/auth/api-keys/{created.json()['id']}").status_code == 204
    with server.client() as anonymous:
        assert anonymous.get("/auth/me", headers=key).status_code == 401
        assert (
            anonymous.post(
                "/auth/token", data={"username": "viewer", "password": "nope"}
            ).status_code
            == 401
        )
    with server.client(tokens["admin"]) as admin:
        users = {u["username"]: u["id"] for u in admin.get("/users").json()}
        assert (
            admin.patch(f"/users/{users['analyst']}", json={"is_active": False}).status_code == 200
        )
        with server.client(tokens["analyst"]) as analyst:
            assert analyst.get("/datasets").status_code == 401
        admin.patch(f"/users/{users['analyst']}", json={"is_active": True})
        actions = [e["action"] for e in admin.get("/audit").json()]
    assert {"user.update", "api_key.create", "api_key.revoke", "user.create"} <= set(actions)
