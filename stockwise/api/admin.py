"""Operator tasks run from the command line: migrate the database, create users, run a worker."""

from __future__ import annotations

import getpass

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from stockwise.api.core.config import Settings
from stockwise.api.core.db import make_engine, migrate
from stockwise.api.core.logging import configure_logging
from stockwise.api.core.security import hash_password
from stockwise.api.jobs import JobRunner, build_queue
from stockwise.api.jobs.kinds import KINDS
from stockwise.api.jobs.queue import CONSUMER_OPTIONS
from stockwise.api.models import AuditEvent, Role, User, UserCreate


def migrate_database(settings: Settings) -> str:
    """Apply every Alembic migration; returns the database URL, password hidden."""
    engine = make_engine(settings.db_url)
    migrate(engine)
    url = engine.url.render_as_string(hide_password=True)
    engine.dispose()
    return url


def create_user(settings: Settings, username: str, password: str, role: Role) -> User:
    """Add a user (the first admin, typically); raises ``ValueError`` if the name is taken.

    The password is validated like the API's (at least 8 characters) and stored hashed.
    """
    body = UserCreate.model_validate({"username": username, "password": password, "role": role})
    engine = make_engine(settings.db_url)
    migrate(engine)
    with Session(engine) as session:
        user = User(
            username=body.username, role=body.role, hashed_password=hash_password(body.password)
        )
        session.add(user)
        session.add(
            AuditEvent(
                username=f"cli:{getpass.getuser()}",
                action="user.create",
                target=f"user:{username}",
                detail={"role": str(role)},
            )
        )
        try:
            session.commit()
        except IntegrityError as err:
            raise ValueError(f"username {username!r} is taken") from err
        session.refresh(user)
    engine.dispose()
    return user


def run_worker(settings: Settings, threads: int) -> None:
    """Drain the job queue in this process until SIGINT/SIGTERM (huey's consumer)."""
    configure_logging(settings.log_level)
    engine = make_engine(settings.db_url)
    if settings.migrate_on_start:
        migrate(engine)
    queue = build_queue(settings)
    runner = JobRunner(engine, queue, settings, KINDS)
    runner.recover()
    runner.start_sweeper()
    try:
        queue.create_consumer(workers=threads, **CONSUMER_OPTIONS).run()
    finally:
        runner.stop_sweeper()
        engine.dispose()
