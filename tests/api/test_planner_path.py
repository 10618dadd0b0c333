"""The planner's path over real HTTP, on SQLite and PostgreSQL: upload → plan job → read.

Oracle: the plan equals the one ``stockwise plan`` writes for the same data, options and
seed (a CLI subprocess), and the one the library computes in-process.
"""

from __future__ import annotations

import functools
import json
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stockwise.api.models import PlanRequest
from stockwise.api.services import plans
from stockwise.data import from_frames
from tests.api.helpers import wait_for_job
from tests.api.tiny import as_csv_files, as_json, tiny_tables

PLAN = {"horizon": 8, "scenarios": 30, "seed": 3}


@pytest.fixture(scope="module")
def dataset_id(live) -> int:
    server, tokens = live
    with server.client(tokens["analyst"]) as analyst:
        r = analyst.post("/datasets", files=as_csv_files(tiny_tables()), data={"name": "tiny"})
    assert r.status_code == 201, r.text
    assert r.json()["summary"]["demand_rows"] == 240 and r.json()["summary"]["items"] == 2
    return r.json()["id"]


def test_plan_job_matches_the_cli_and_is_idempotent(live, dataset_id):
    server, tokens = live
    body = {"dataset_id": dataset_id, **PLAN}
    key = {"Idempotency-Key": uuid.uuid4().hex}
    with server.client(tokens["planner"]) as planner:
        first = planner.post("/plans", json=body, headers=key)
        again = planner.post("/plans", json=body, headers=key)
        clash = planner.post("/plans", json={**body, "seed": 4}, headers=key)
        assert (first.status_code, again.status_code, clash.status_code) == (202, 200, 422)
        assert again.json()["id"] == first.json()["id"]
        assert "different request" in clash.json()["detail"]
        job = wait_for_job(planner, first.json()["id"], ("succeeded", "failed"))
        assert job["state"] == "succeeded", job["error"]
        assert job["progress"] == 1.0 and job["attempts"] == 1
        plan = planner.get(job["result_url"]).json()
        orders = pd.DataFrame(planner.get(job["result_url"] + "/orders").json())

    assert len(orders) > 10  # a plan that orders: the comparison below is not vacuous
    cli = _cli_plan(tuple(PLAN.items()))
    assert list(orders.columns) == list(cli.columns)
    np.testing.assert_allclose(orders["quantity"], cli["quantity"], rtol=1e-9)
    assert (
        orders[["origin", "destination", "item"]] == cli[["origin", "destination", "item"]]
    ).all(None)

    expected = plans.solve(from_frames(tiny_tables()), PlanRequest(**body))
    assert plan["status"] == str(expected.status) == "optimal"
    assert plan["objective"] == pytest.approx(expected.objective, rel=1e-9)
    assert plan["bound"] == pytest.approx(expected.bound, rel=1e-9)
    assert plan["bound"] <= plan["objective"] * (1 + 1e-9)  # whole orders cost at least the LP
    # The network starts empty (no stock, nothing on order): service is low, and the plan
    # says why, as with the README's example.
    assert plan["warnings"] == list(expected.warnings)
    assert any("stock and pipeline at the start are too small" in w for w in plan["warnings"])
    assert plan["params"]["first_stage"] == 1 and plan["params"]["relax_first"] == "service"
    assert plan["n_orders"] == len(expected.orders) == len(orders)
    np.testing.assert_allclose(orders["quantity"], expected.orders["quantity"], rtol=1e-9)
    assert list(orders["item"]) == list(expected.orders["item"])


@functools.cache
def _cli_plan(options: tuple[tuple[str, object], ...]) -> pd.DataFrame:
    """The orders ``stockwise plan`` writes for the tiny data (run once per options)."""
    folder = Path(tempfile.mkdtemp(prefix="stockwise-cli-"))
    for name, frame in tiny_tables().items():
        frame.to_csv(folder / f"{name}.csv", index=False)
    args = [f"--{k.replace('_', '-')}={v}" for k, v in options]
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "stockwise.cli",
            "plan",
            str(folder),
            *args,
            "--out",
            str(folder / "plan.csv"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return pd.read_csv(folder / "plan.csv")


def test_sync_plan_and_infeasibility_report(live, dataset_id):
    """Targets the budget cannot pay for: the fill-rate targets give way (the budget holds),
    or, with ``relax_first: limits``, the budget does."""
    server, tokens = live
    tight = {"dataset_id": dataset_id, **PLAN, "budget": 50, "service_level": 0.99}
    with server.client(tokens["planner"]) as planner:
        ok = planner.post("/plans?wait=true", json={"dataset_id": dataset_id, **PLAN})
        service = planner.post("/plans?wait=true", json=tight)
        limits = planner.post("/plans?wait=true", json={**tight, "relax_first": "limits"})
        csv = planner.get(f"/plans/{ok.json()['id']}/shadow_prices?format=csv")
        usage = pd.DataFrame(planner.get(f"/plans/{service.json()['id']}/usage").json())
    assert ok.status_code == 201 and ok.json()["status"] == "optimal"
    assert service.status_code == 201, service.text
    report = service.json()
    assert report["status"] == "relaxed"
    assert {r["constraint"] for r in report["relaxations"]} == {"fill_rate"}
    assert all(r["limit"] == 0.99 and r["required"] < 0.99 for r in report["relaxations"])
    assert "can reach at most" in report["relaxations"][0]["message"]
    assert any("fall more than 5% short" in w for w in report["warnings"])
    spend = usage[usage["measure"] == "purchase spend"]
    assert (spend["used"] <= 50 * (1 + 1e-6)).all()

    assert limits.status_code == 201, limits.text
    budget = [r for r in limits.json()["relaxations"] if r["constraint"] == "budget"]
    assert budget and all(r["limit"] == 50 and r["required"] > 50 for r in budget)
    assert "must rise from 50" in budget[0]["message"]
    assert csv.headers["content-type"].startswith("text/csv") and "shadow_price" in csv.text


def test_json_upload_audit_metrics_and_request_id(live, dataset_id):
    server, tokens = live
    with server.client(tokens["analyst"]) as analyst:
        r = analyst.post(
            "/datasets/json", json={"name": "tiny-json", "tables": as_json(tiny_tables())}
        )
        assert r.status_code == 201, r.text
        rid = f"rid-{uuid.uuid4().hex[:8]}"
        listed = analyst.get("/datasets", headers={"X-Request-ID": rid})
    assert listed.headers["x-request-id"] == rid
    assert {d["id"] for d in listed.json()} >= {dataset_id, r.json()["id"]}
    with server.client(tokens["admin"]) as admin:
        events = admin.get("/audit", params={"username": "analyst"}).json()
    assert [e["action"] for e in events][:2] == ["dataset.create", "dataset.create"]
    assert events[0]["target"] == f"dataset:{r.json()['id']}"

    metrics = server.client().get("/metrics").text
    assert 'stockwise_http_requests_total{method="GET",route="/datasets",status="200"}' in metrics
    assert 'stockwise_jobs{kind="plan",state="succeeded"}' in metrics

    lines = [
        json.loads(x)
        for x in (server.data_dir / "server.log").read_text().splitlines()
        if x.startswith("{")
    ]
    mine = [x for x in lines if x.get("request_id") == rid]
    assert mine and mine[-1]["route"] == "/datasets" and mine[-1]["status"] == 200
    assert mine[-1]["user"] == "analyst"
