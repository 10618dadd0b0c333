"""Policies over HTTP: the table ``plan_policy`` computes in-process for the same options,
and unreachable targets answered with the engine's message (the budget they need).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stockwise.data import from_frames
from stockwise.engine.policies.dataset import plan_policy
from tests.api.tiny import as_json, tiny_tables


@pytest.fixture(scope="module")
def dataset_id(live) -> int:
    server, tokens = live
    with server.client(tokens["analyst"]) as analyst:
        r = analyst.post("/datasets/json", json={"name": "tiny", "tables": as_json(tiny_tables())})
    return r.json()["id"]


def test_policy_table_matches_the_library(live, dataset_id):
    server, tokens = live
    with server.client(tokens["analyst"]) as analyst:
        r = analyst.post(
            "/policies", json={"dataset_id": dataset_id, "kind": "rq", "service_level": 0.9}
        )
    assert r.status_code == 200, r.text
    got = pd.DataFrame(r.json()["table"])
    expected = plan_policy(from_frames(tiny_tables()), "rq", service_level=0.9).table
    assert list(got.columns) == list(expected.columns)
    assert list(got["location"]) == list(expected["location"])
    np.testing.assert_allclose(got["safety_stock"], expected["safety_stock"], rtol=1e-14)


def test_unreachable_targets_name_the_budget_needed(live, dataset_id):
    server, tokens = live
    body = {"dataset_id": dataset_id, "service_level": 0.95, "budget": 100, "scenarios": 50}
    with server.client(tokens["analyst"]) as analyst:
        r = analyst.post("/policies", json=body)
    assert r.status_code == 422, r.text
    assert "the budget is 100.00" in r.json()["detail"][0]["msg"]
