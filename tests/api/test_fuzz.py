"""Fuzzing the OpenAPI spec with schemathesis: whatever the input, never a 5xx.

A bounded run (a few examples per operation, as admin so requests get past auth); the
longer run is ``benchmarks/test_api.py``. Oracle: the HTTP contract (no server errors).
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings

# Fuzzing these would start long jobs (a 20,000-path forecast, a 10,000-replication
# simulation) that occupy the shared test server's worker; their inputs are covered by
# test_bad_input.py and test_forecast_simulate.py.
SKIP = {"POST /datasets/sample", "POST /plans", "POST /forecasts", "POST /simulations"}


def fuzz(url: str, token: str, examples: int) -> list[str]:
    """Every operation with up to ``examples`` generated cases; the 5xx failures found."""
    schema = schemathesis.openapi.from_url(url + "/openapi.json")
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.label in SKIP:
            continue

        @given(case=operation.as_strategy())
        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case) -> None:
            response = case.call(base_url=url, headers={"Authorization": f"Bearer {token}"})
            if response.status_code >= 500:
                failures.append(
                    f"{case.operation.label}: {response.status_code} {response.text[:200]}"
                )

        check()
    return failures


def test_no_server_errors(live):
    server, tokens = live
    assert fuzz(server.url, tokens["admin"], examples=8) == []
