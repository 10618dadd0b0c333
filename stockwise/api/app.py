"""``create_app(settings)``: the FastAPI application, with its resources built in the lifespan."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from prometheus_client import CollectorRegistry

from stockwise.api import errors
from stockwise.api.auth import AuthCache
from stockwise.api.core.config import Settings, get_settings
from stockwise.api.core.db import make_engine, migrate
from stockwise.api.core.logging import configure_logging
from stockwise.api.core.metrics import RequestMetrics, StoredRunsCollector
from stockwise.api.core.middleware import RequestContext
from stockwise.api.jobs import JobRunner, build_queue, start_embedded_worker
from stockwise.api.jobs.kinds import KINDS
from stockwise.api.routes import (
    auth,
    datasets,
    forecasts,
    jobs,
    ops,
    plans,
    policies,
    simulations,
    users,
    whatifs,
)
from stockwise.api.services.plans import PlanReader

log = logging.getLogger("stockwise.api")
ROUTERS = (
    ops.router,
    auth.router,
    users.router,
    datasets.router,
    forecasts.router,
    plans.router,
    policies.router,
    whatifs.router,
    simulations.router,
    jobs.router,
)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The API for ``settings`` (default: from the environment).

    The database engine, queue, job runner and embedded workers start in the lifespan and
    stop with it, so building an app has no side effects.
    """
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(settings.log_level)
        engine = make_engine(settings.db_url)
        if settings.migrate_on_start:
            migrate(engine)
        queue = build_queue(settings)
        runner = JobRunner(engine, queue, settings, KINDS)
        app.state.engine, app.state.queue, app.state.runner = engine, queue, runner
        app.state.plan_reader = PlanReader(engine)
        try:
            runner.recover()
        except Exception:  # noqa: BLE001 - queue down: start anyway, /ready says why
            log.exception("job recovery at startup failed; the sweep will retry")
        consumer = start_embedded_worker(queue, settings.workers) if settings.workers else None
        runner.start_sweeper()
        # Startup objects (modules, engine, app) never die: keep them out of the cyclic
        # collector's scans, else each full collection under load pauses all requests
        # ~110 ms (measured: issue #7 read-latency tail).
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            runner.stop_sweeper()
            if consumer is not None:
                consumer.stop(graceful=True)
            engine.dispose()

    app = FastAPI(
        title="stockwise",
        summary="Probabilistic forecasts and stochastic multi-echelon order plans, as a service",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.auth_cache = AuthCache(settings.auth_cache_seconds)
    app.state.registry = CollectorRegistry()
    app.state.registry.register(StoredRunsCollector(lambda: app.state.engine))
    app.add_middleware(
        RequestContext,
        metrics=RequestMetrics(app.state.registry),
        max_body=settings.max_upload_bytes,
    )
    errors.install(app)
    for router in ROUTERS:
        app.include_router(router)
    return app
