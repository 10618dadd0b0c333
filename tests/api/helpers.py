"""Small helpers shared by the API tests."""

from __future__ import annotations

import time

import httpx


def wait_for_job(
    client: httpx.Client,
    job_id: str,
    states: tuple[str, ...],
    timeout: float = 90,
    attempts: int | None = None,
) -> dict:
    """Poll ``/jobs/{job_id}`` until its state is one of ``states`` (on attempt ``attempts``
    when given); the job."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/jobs/{job_id}").json()
        if job["state"] in states and attempts in (None, job["attempts"]):
            return job
        time.sleep(0.1)
    raise TimeoutError(f"job {job_id} still {job['state']} after {timeout} s: {job}")
