"""Liveness, readiness and Prometheus metrics (no credentials: probes and scrapers call them)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from stockwise.api.core.db import ping
from stockwise.api.deps import EngineDep, QueueDep

router = APIRouter(tags=["operations"])


@router.get("/health")
async def health() -> dict[str, str]:
    """The process is up (answered on the event loop: no thread-pool hop, no I/O)."""
    return {"status": "ok"}


@router.get("/ready", responses={503: {"description": "database or queue unreachable"}})
def ready(engine: EngineDep, queue: QueueDep) -> dict[str, str]:
    """The database and the job queue answer."""
    checks = {}
    for name, probe in (("database", lambda: ping(engine)), ("queue", queue.pending_count)):
        try:
            probe()
            checks[name] = "ok"
        except Exception as err:  # noqa: BLE001 - any failure means not ready
            checks[name] = f"{type(err).__name__}: {err}"
    if any(v != "ok" for v in checks.values()):
        raise HTTPException(503, checks)
    return checks


@router.get("/metrics", response_class=Response)
def metrics(request: Request) -> Response:
    """Prometheus text format: requests, latency, jobs by state, job and solver time."""
    return Response(generate_latest(request.app.state.registry), media_type=CONTENT_TYPE_LATEST)
