"""Real servers for the API tests: uvicorn in a subprocess, on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

POSTGRES_URL = os.environ.get(
    "STOCKWISE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
ADMIN_PASSWORD = "admin-pass-123"
ROLES = ("viewer", "analyst", "planner", "admin")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``stockwise serve`` in a subprocess; ``start``/``stop`` keep the same database."""

    def __init__(self, data_dir: Path, database_url: str, **settings: object) -> None:
        self.data_dir = data_dir
        self.env = {
            **os.environ,
            "STOCKWISE_DATA_DIR": str(data_dir),
            "DATABASE_URL": database_url,
            "STOCKWISE_HEARTBEAT_SECONDS": "0.5",
            "STOCKWISE_STALE_AFTER_SECONDS": "3",
            "STOCKWISE_LOG_LEVEL": "INFO",
            **{f"STOCKWISE_{k.upper()}": str(v) for k, v in settings.items()},
        }
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.workers: list[subprocess.Popen] = []
        self.log = open(data_dir / "server.log", "ab")  # noqa: SIM115 - closed in stop()

    def cli(self, *args: str, **env: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "stockwise.cli", *args],
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=120,
        )

    def start(self, ready: bool = True) -> Server:
        """Start and wait for ``/ready`` (or only ``/health`` when ``ready`` is off)."""
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "stockwise.cli", "serve", "--port", str(self.port)],
            env=self.env,
            stdout=self.log,
            stderr=self.log,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, (self.data_dir / "server.log").read_text()[-3000:]
            try:
                probe = "/ready" if ready else "/health"
                if httpx.get(self.url + probe, timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise TimeoutError(f"server did not answer {probe} in 60 s")

    def start_worker(self) -> subprocess.Popen:
        worker = subprocess.Popen(
            [sys.executable, "-m", "stockwise.cli", "worker"],
            env=self.env,
            stdout=self.log,
            stderr=self.log,
        )
        self.workers.append(worker)
        return worker

    def stop(self, sig: int = signal.SIGTERM) -> None:
        for proc in [self.proc, *self.workers]:
            if proc is not None and proc.poll() is None:
                proc.send_signal(sig)
                proc.wait(30)
        self.proc, self.workers = None, []

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=120)

    def login(self, username: str, password: str) -> str:
        r = httpx.post(self.url + "/auth/token", data={"username": username, "password": password})
        assert r.status_code == 200, r.text
        return r.json()["access_token"]

    def add_users(self) -> dict[str, str]:
        """The first admin through the CLI, one user per role through the API: tokens."""
        done = self.cli("admin", "create-user", "admin", STOCKWISE_PASSWORD=ADMIN_PASSWORD)
        assert done.returncode == 0, done.stderr
        tokens = {"admin": self.login("admin", ADMIN_PASSWORD)}
        with self.client(tokens["admin"]) as admin:
            for role in ROLES[:-1]:
                body = {"username": role, "password": f"{role}-pass-123", "role": role}
                assert admin.post("/users", json=body).status_code == 201
                tokens[role] = self.login(role, f"{role}-pass-123")
        return tokens


def _postgres_database() -> Iterator[str]:
    """A fresh database on the test server, dropped afterwards."""
    admin_url = make_url(POSTGRES_URL)
    try:
        engine = create_engine(
            admin_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3}
        )
        engine.connect().close()
    except Exception as err:  # noqa: BLE001 - any connection failure means: skip
        pytest.skip(f"PostgreSQL at {admin_url.render_as_string()} unreachable: {err}")
    name = f"stockwise_test_{uuid.uuid4().hex[:12]}"
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request, tmp_path) -> Iterator[str]:
    """A new, empty database of each kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'api.db'}"
    else:
        yield from _postgres_database()


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def live(request, tmp_path_factory) -> Iterator[tuple[Server, dict[str, str]]]:
    """A running server (shared by the session's tests) and a token per role."""
    data_dir = tmp_path_factory.mktemp(f"api-{request.param}")
    if request.param == "sqlite":
        urls = iter([f"sqlite:///{data_dir / 'api.db'}"])
    else:
        urls = _postgres_database()
    url = next(urls)
    server = Server(data_dir, url, max_upload_bytes=1_000_000).start()
    try:
        yield server, server.add_users()
    finally:
        server.stop()
        next(urls, None)
