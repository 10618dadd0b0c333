"""Prometheus metrics: requests by route, and jobs, plans and solver time from the database.

Job and plan figures are read from the database at scrape time, so they are right whichever
process (API or external worker) ran the job.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric, SummaryMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from stockwise.api.models import Job, PlanRecord


class RequestMetrics:
    """Request count and latency per method, route template and status."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.requests = Counter(
            "stockwise_http_requests",
            "HTTP requests served",
            ["method", "route", "status"],
            registry=registry,
        )
        self.latency = Histogram(
            "stockwise_http_request_duration_seconds",
            "Time to serve a request [s]",
            ["method", "route"],
            buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
            registry=registry,
        )

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)


class StoredRunsCollector(Collector):
    """Jobs by kind and state, job run time, and solver wall time, read from the database."""

    def __init__(self, engine: Callable[[], Engine]) -> None:
        self._engine = engine

    def collect(self) -> Iterator[Metric]:
        by_state = GaugeMetricFamily(
            "stockwise_jobs", "Jobs by kind and state", labels=["kind", "state"]
        )
        durations = SummaryMetricFamily(
            "stockwise_job_duration_seconds", "Run time of finished jobs [s]", labels=["kind"]
        )
        solver = SummaryMetricFamily(
            "stockwise_plan_solve_seconds", "Wall time of plan_orders per stored plan [s]"
        )
        with Session(self._engine()) as session:
            rows = session.exec(
                select(Job.kind, Job.state, func.count()).group_by(Job.kind, Job.state)
            )
            for kind, state, count in rows:
                by_state.add_metric([kind, state], count)
            rows = session.exec(
                select(Job.kind, func.count(), func.sum(Job.duration))
                .where(Job.duration.is_not(None))
                .group_by(Job.kind)
            )
            for kind, count, total in rows:
                durations.add_metric([kind], count_value=count, sum_value=total or 0.0)
            count, total = session.exec(select(func.count(), func.sum(PlanRecord.wall_time))).one()
            solver.add_metric([], count_value=count, sum_value=total or 0.0)
        yield from (by_state, durations, solver)
