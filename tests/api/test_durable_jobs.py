"""Jobs survive: a killed worker's job is re-run, or failed with the reason once out of
attempts; a restart loses no job or result; cancel and retry work; an external worker
runs the queue. SQLite and PostgreSQL (queue: the SQLite file, or Redis when reachable).

Oracle: the job state machine (queued → running → succeeded | failed | cancelled) and the
attempt count, observed from outside while processes are killed and restarted.
"""

from __future__ import annotations

import signal
import uuid

import httpx

from stockwise.api import Settings
from stockwise.api.admin import create_user
from stockwise.api.models import Role
from tests.api.conftest import Server
from tests.api.helpers import wait_for_job
from tests.api.tiny import as_json, tiny_tables

SLOW = {"horizon": 8, "scenarios": 400, "seed": 1}  # a second or more of solving
QUICK = {"horizon": 4, "scenarios": 10, "seed": 1}


def _redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis(socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def _server(tmp_path, database_url: str, **settings) -> tuple[Server, str]:
    """A server (not started) and a planner's password; Redis queue beside PostgreSQL."""
    if database_url.startswith("postgresql") and _redis_reachable():
        settings |= {"redis_url": "redis://127.0.0.1:6379/0", "queue_name": uuid.uuid4().hex}
    server = Server(tmp_path, database_url, **settings)
    create_user(
        Settings(data_dir=tmp_path, database_url=database_url), "pat", "pat-pass-1", Role.PLANNER
    )
    return server, "pat-pass-1"


def _upload(planner: httpx.Client) -> int:
    r = planner.post("/datasets/json", json={"name": "tiny", "tables": as_json(tiny_tables())})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def _kill_when_running(server: Server, planner: httpx.Client, job_id: str, attempt: int) -> dict:
    job = wait_for_job(planner, job_id, ("running",), timeout=60, attempts=attempt)
    server.stop(signal.SIGKILL)
    return job


def test_killed_worker_rerun_failed_with_reason_retried_and_nothing_lost(tmp_path, database_url):
    server, password = _server(tmp_path, database_url, workers=1, max_attempts=2)
    try:
        token = server.start().login("pat", password)
        with server.client(token) as planner:
            dataset = _upload(planner)
            done = planner.post("/plans", json={"dataset_id": dataset, **QUICK}).json()
            done = wait_for_job(planner, done["id"], ("succeeded",))
            plan = planner.get(done["result_url"]).json()
            slow = planner.post("/plans", json={"dataset_id": dataset, **SLOW}).json()["id"]
            _kill_when_running(server, planner, slow, 1)  # the worker dies with its process

        server.start()  # finds the job silent, re-queues it: attempt 2 starts
        with server.client(token) as planner:
            job = _kill_when_running(server, planner, slow, 2)
            assert "stopped responding during attempt 1" in job["error"]

        server.env["STOCKWISE_WORKERS"] = "0"  # nobody runs jobs now: they wait, queued
        server.start()
        with server.client(token) as planner:
            job = wait_for_job(planner, slow, ("failed",), timeout=60)
            assert job["attempts"] == 2 and job["finished_at"]
            assert "during attempt 2" in job["error"] and "no attempts left of 2" in job["error"]
            assert planner.get(done["result_url"]).json() == plan  # nothing lost
            assert planner.get(f"/jobs/{done['id']}").json() == done
            waiting = planner.post("/plans", json={"dataset_id": dataset, **QUICK}).json()["id"]
            doomed = planner.post("/plans", json={"dataset_id": dataset, **QUICK, "seed": 9})
            doomed = doomed.json()["id"]
            assert planner.post(f"/jobs/{doomed}/cancel").json()["state"] == "cancelled"
            assert planner.post(f"/jobs/{doomed}/cancel").status_code == 409
            assert planner.post(f"/jobs/{waiting}/retry").status_code == 409
            assert planner.post(f"/jobs/{slow}/retry").json()["state"] == "queued"
        server.stop()

        server.env["STOCKWISE_WORKERS"] = "1"
        server.start()
        with server.client(token) as planner:
            for job_id, attempts in ((waiting, 1), (slow, 3)):
                job = wait_for_job(planner, job_id, ("succeeded", "failed"))
                assert (job["state"], job["attempts"]) == ("succeeded", attempts), job
            assert planner.get(f"/jobs/{doomed}").json()["state"] == "cancelled"
            metrics = planner.get("/metrics").text
        assert 'stockwise_jobs{kind="plan",state="succeeded"} 3.0' in metrics
        assert 'stockwise_jobs{kind="plan",state="cancelled"} 1.0' in metrics
    finally:
        server.stop()


def test_external_worker_drains_the_queue(tmp_path, database_url):
    server, password = _server(tmp_path, database_url, workers=0)
    try:
        token = server.start().login("pat", password)
        with server.client(token) as planner:
            job = planner.post("/plans", json={"dataset_id": _upload(planner), **QUICK}).json()
            server.start_worker()
            job = wait_for_job(planner, job["id"], ("succeeded", "failed"))
        assert job["state"] == "succeeded" and job["result_url"].startswith("/plans/")
    finally:
        server.stop()


def test_queue_down_is_not_ready_but_jobs_are_kept(tmp_path):
    server, password = _server(
        tmp_path, f"sqlite:///{tmp_path / 'api.db'}", workers=0, redis_url="redis://127.0.0.1:1/0"
    )
    try:
        token = server.start(ready=False).login("pat", password)
        with server.client(token) as planner:
            ready = planner.get("/ready")
            assert ready.status_code == 503
            assert ready.json()["detail"]["database"] == "ok"
            assert "ConnectionError" in ready.json()["detail"]["queue"]
            job = planner.post("/plans", json={"dataset_id": _upload(planner), **QUICK})
            assert job.status_code == 202
            assert planner.get(f"/jobs/{job.json()['id']}").json()["state"] == "queued"
    finally:
        server.stop()
