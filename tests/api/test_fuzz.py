"""Fuzzing the OpenAPI spec with schemathesis: whatever the input, never a 5xx.

A bounded run (a few examples per operation, as admin so requests get past auth); the
longer run is ``benchmarks/test_api.py``. Oracle: the HTTP contract (no server errors).
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings

# Fuzzing these would only grow the database or start long solves; their inputs are covered
# by test_bad_input.py.
SKIP = {"POST /datasets/sample", "POST /plans"}


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
