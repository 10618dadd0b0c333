"""Durable jobs: rows in the ``job`` table are the truth, huey carries the work to a worker."""

from stockwise.api.jobs.queue import build_queue, start_embedded_worker
from stockwise.api.jobs.runner import JobRunner

__all__ = ["JobRunner", "build_queue", "start_embedded_worker"]
