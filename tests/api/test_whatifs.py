"""Stored what-if specs over HTTP: round trip, the library's error for a bad spec, and a
simulation by ``whatif_id`` equal to the same spec inline. SQLite and PostgreSQL.

Oracles: the spec sent (a round trip returns it unchanged), ``parse_whatif``'s own message
for a hand-made bad spec, and the same simulation with the spec inline (same seed: the
simulated KPIs are deterministic, so they must be equal to the last digit).
"""

from __future__ import annotations

import pytest

from stockwise.scenarios import WhatIfError, parse_whatif
from tests.api.helpers import wait_for_job
from tests.api.tiny import as_json, tiny_tables

WHATIF = {
    "name": "supplier late, demand up",
    "changes": [
        {"type": "lead_time", "origin": "SUP", "shift": 1},
        {"type": "demand", "multiplier": 1.2, "start": 1, "end": 5},
    ],
}
SIM = {"policies": ["naive", "base-stock"], "replications": 10, "periods": 6, "seed": 11}


@pytest.fixture(scope="module")
def dataset_id(live) -> int:
    server, tokens = live
    with server.client(tokens["analyst"]) as analyst:
        r = analyst.post("/datasets/json", json={"name": "tiny", "tables": as_json(tiny_tables())})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def test_spec_round_trip_list_delete_and_audit(live):
    server, tokens = live
    with server.client(tokens["analyst"]) as analyst:
        created = analyst.post("/whatifs", json=WHATIF)
        assert created.status_code == 201, created.text
        whatif_id = created.json()["id"]
        with server.client(tokens["viewer"]) as viewer:
            got = viewer.get(f"/whatifs/{whatif_id}").json()
            listed = [w["id"] for w in viewer.get("/whatifs").json()]
        assert got["spec"] == WHATIF and got["name"] == WHATIF["name"]
        assert got["created_by"] == "analyst" and whatif_id in listed
        assert analyst.delete(f"/whatifs/{whatif_id}").status_code == 204
        gone = analyst.get(f"/whatifs/{whatif_id}")
        assert gone.status_code == 404 and "whatif_id" in gone.json()["detail"]
        assert analyst.delete(f"/whatifs/{whatif_id}").status_code == 404
    with server.client(tokens["admin"]) as admin:
        events = {(e["action"], e["target"]) for e in admin.get("/audit").json()}
    target = f"whatif:{whatif_id}"
    assert {("whatif.create", target), ("whatif.delete", target)} <= events


@pytest.mark.parametrize(
    "spec",
    [
        {"name": "x", "changes": [{"type": "demand", "multiplier": -2}]},
        {"name": "x", "changes": [{"type": "budget", "multiplier": 1, "colour": "red"}]},
        {"name": "x", "changes": []},
        {"name": "x", "changes": [{"type": "weather"}]},
    ],
)
def test_bad_spec_is_422_with_the_library_error(live, spec):
    server, tokens = live
    with pytest.raises(WhatIfError) as expected:
        parse_whatif(spec, source="whatif")
    with server.client(tokens["analyst"]) as analyst:
        r = analyst.post("/whatifs", json=spec)
    assert r.status_code == 422, r.text
    assert r.json()["detail"] == [{"loc": ["body"], "msg": str(expected.value), "type": "whatif"}]


def test_simulation_by_whatif_id_equals_the_spec_inline(live, dataset_id):
    server, tokens = live
    with server.client(tokens["analyst"]) as analyst:
        whatif_id = analyst.post("/whatifs", json=WHATIF).json()["id"]
        summaries = []
        for ref in ({"whatif_id": whatif_id}, {"whatif": WHATIF}):
            job = analyst.post("/simulations", json={"dataset_id": dataset_id, **ref, **SIM})
            assert job.status_code == 202, job.text
            job = wait_for_job(analyst, job.json()["id"], ("succeeded", "failed"))
            assert job["state"] == "succeeded", job["error"]
            record = analyst.get(job["result_url"]).json()
            summaries.append(record["summary"])
        assert record["params"]["whatif"] == WHATIF
        assert "what-if: supplier late" in analyst.get(job["result_url"] + "/report").text
    by_id, inline = summaries
    assert {s["policy"] for s in by_id} == set(SIM["policies"])  # a row per policy and KPI
    assert by_id == inline


def test_simulation_with_unknown_or_ambiguous_whatif_id_is_422(live, dataset_id):
    server, tokens = live
    base = {"dataset_id": dataset_id, **SIM}
    with server.client(tokens["analyst"]) as analyst:
        missing = analyst.post("/simulations", json={**base, "whatif_id": 2**31 - 1})
        stored = analyst.post("/whatifs", json=WHATIF).json()["id"]
        both = analyst.post("/simulations", json={**base, "whatif_id": stored, "whatif": WHATIF})
        bad = {"name": "x", "changes": [{"type": "lead_time", "origin": "NOWHERE", "shift": 1}]}
        unknown_name = analyst.post("/whatifs", json=bad).json()["id"]  # names need a dataset
        late = analyst.post("/simulations", json={**base, "whatif_id": unknown_name})
    assert missing.status_code == 422
    assert missing.json()["detail"][0] == {
        "loc": ["body", "whatif_id"],
        "msg": f"no whatif {2**31 - 1}",
        "type": "unknown_id",
    }
    assert both.status_code == 422 and both.json()["detail"][0]["loc"] == ["body", "whatif_id"]
    assert late.status_code == 422 and "NOWHERE" in late.json()["detail"][0]["msg"]
