"""The huey queue: SQLite file (embedded default) or Redis, and the worker that drains it."""

from __future__ import annotations

from huey import Huey, RedisHuey, SqliteHuey
from huey.consumer import Consumer

from stockwise.api.core.config import Settings

TASK_NAME = "stockwise.run_job"
# An idle SQLite queue is polled; huey backs off up to 10 s by default, which delays a new
# job (and a graceful shutdown) by as much. Half a second of polling costs nothing.
# On shutdown a running job gets 10 s to finish; after that it is abandoned (the threads are
# daemons) and, its heartbeat gone silent, re-run or failed by the next process to start.
CONSUMER_OPTIONS = {
    "worker_type": "thread",
    "periodic": False,
    "max_delay": 0.5,
    "shutdown_timeout": 10.0,
}


def build_queue(settings: Settings) -> Huey:
    """The queue named by ``settings``: Redis when ``redis_url`` is set, else a SQLite file."""
    if settings.redis_url:
        return RedisHuey(settings.queue_name, url=settings.redis_url, results=False)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(settings.queue_name, filename=str(settings.queue_path), results=False)


class _ThreadConsumer(Consumer):
    """A consumer that leaves signal handling to its host (uvicorn owns SIGINT/SIGTERM)."""

    def _set_signal_handlers(self) -> None:
        pass


def start_embedded_worker(queue: Huey, threads: int) -> Consumer:
    """Start ``threads`` worker threads in this process; stop them with ``.stop()``."""
    consumer = _ThreadConsumer(queue, workers=threads, **CONSUMER_OPTIONS)
    consumer.start()
    return consumer
