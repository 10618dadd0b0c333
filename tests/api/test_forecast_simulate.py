"""The rest of the planner's path over HTTP: forecast → plan from the forecast → simulate
policies under a what-if → download the HTML report. SQLite and PostgreSQL.

Oracles: the same library calls made in-process with the same seeds (forecast paths,
plan, simulated KPIs are deterministic for a seed), the ``.npz`` format ``stockwise
forecast`` writes (``load_forecast`` reads the download), and hand-made bad what-ifs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stockwise.api.models import PlanRequest, SimulationRequest
from stockwise.api.services import plans, simulations
from stockwise.data import from_frames
from stockwise.engine.simulation.compare import CompareSettings, compare_policies
from stockwise.forecasting import make_forecaster
from stockwise.forecasting.io import load_forecast
from tests.api.helpers import wait_for_job
from tests.api.tiny import as_json, tiny_tables

WHATIF = {"name": "supplier late", "changes": [{"type": "lead_time", "origin": "SUP", "shift": 1}]}
SIM = {"policies": ["naive", "base-stock"], "replications": 20, "periods": 8, "seed": 5}


@pytest.fixture(scope="module")
def dataset_id(live) -> int:
    server, tokens = live
    with server.client(tokens["analyst"]) as analyst:
        r = analyst.post("/datasets/json", json={"name": "tiny", "tables": as_json(tiny_tables())})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def test_forecast_then_plan_from_it(live, dataset_id, tmp_path):
    server, tokens = live
    body = {
        "dataset_id": dataset_id,
        "horizon": 6,
        "paths": 200,
        "model": "seasonal_naive",
        "seed": 2,
    }
    with server.client(tokens["analyst"]) as analyst:
        job = analyst.post("/forecasts", json=body).json()
        job = wait_for_job(analyst, job["id"], ("succeeded", "failed"))
        assert job["state"] == "succeeded", job["error"]
        record = analyst.get(job["result_url"]).json()
        (tmp_path / "f.npz").write_bytes(analyst.get(job["result_url"] + "/paths").content)
        quantiles = pd.DataFrame(analyst.get(job["result_url"] + "/quantiles").json())
    downloaded = load_forecast(tmp_path / "f.npz")
    demand = from_frames(tiny_tables()).demand
    expected = make_forecaster("seasonal_naive", horizon=6).fit(demand).predict(6, 200, 2)
    np.testing.assert_array_equal(downloaded.paths, expected.paths)
    assert record["series"] == 4  # 60 weeks of history: seasonal naive falls back, says which
    assert record["models"] == expected.models["model"].value_counts().to_dict()
    np.testing.assert_allclose(quantiles["mean"], expected.mean().reshape(-1))

    plan_body = {
        "dataset_id": dataset_id,
        "forecast_id": record["id"],
        "horizon": 6,
        "scenarios": 15,
    }
    with server.client(tokens["planner"]) as planner:
        plan = planner.post("/plans?wait=true", json=plan_body)
        missing = planner.post("/plans", json={**plan_body, "forecast_id": 9999})
    assert plan.status_code == 201, plan.text
    reference = plans.solve(
        from_frames(tiny_tables()), PlanRequest(**plan_body), forecast=downloaded
    )
    assert plan.json()["objective"] == pytest.approx(reference.objective, rel=1e-9)
    assert missing.status_code == 422
    assert missing.json()["detail"][0] == {
        "loc": ["body", "forecast_id"],
        "msg": "no forecast 9999",
        "type": "unknown_id",
    }


# On a fresh clone the job's worker compiles the Numba simulation kernel cold: ~35 s, far
# more on a loaded machine. The in-process reference (``expected_simulation``) runs first
# and writes the kernel to Numba's on-disk cache, which the worker then loads in seconds;
# the wait still allows for a cold compile in case the cache cannot be used.
SIMULATION_WAIT = 600.0


@pytest.fixture(scope="module")
def expected_simulation() -> pd.DataFrame:
    """The simulation job's oracle: the same call in-process, same seed (compiled here
    before any job is timed)."""
    body = {"dataset_id": 1, "whatif": WHATIF, **SIM}
    dataset, spec = simulations.prepare(from_frames(tiny_tables()), SimulationRequest(**body))
    settings = CompareSettings(
        replications=20, periods=8, seed=5, replan_every=3, plan_horizon=8, plan_scenarios=8
    )
    return compare_policies(dataset, SIM["policies"], settings, whatif=spec).summary()


def test_simulation_under_whatif_and_report(live, dataset_id, expected_simulation):
    expected = expected_simulation
    server, tokens = live
    body = {"dataset_id": dataset_id, "whatif": WHATIF, **SIM}
    with server.client(tokens["analyst"]) as analyst:
        job = analyst.post("/simulations", json=body).json()
        job = wait_for_job(analyst, job["id"], ("succeeded", "failed"), timeout=SIMULATION_WAIT)
        assert job["state"] == "succeeded", job["error"]
        record = analyst.get(job["result_url"]).json()
        report = analyst.get(job["result_url"] + "/report")
    got = pd.DataFrame(record["summary"])
    assert list(got["policy"]) == list(expected["policy"])
    np.testing.assert_allclose(got["mean"], expected["mean"], rtol=1e-14)  # JSON: 15 digits
    assert report.status_code == 200 and report.headers["content-type"].startswith("text/html")
    assert "attachment" in report.headers["content-disposition"]
    assert "what-if: supplier late" in report.text and "base-stock" in report.text


def test_bad_whatif_is_422_naming_the_change(live, dataset_id):
    server, tokens = live
    bad = {"name": "x", "changes": [{"type": "demand", "multiplier": -2}]}
    unknown = {"name": "x", "changes": [{"type": "lead_time", "origin": "NOWHERE", "shift": 1}]}
    with server.client(tokens["analyst"]) as analyst:
        for spec, needle in ((bad, "changes[0].multiplier"), (unknown, "NOWHERE")):
            r = analyst.post("/simulations", json={"dataset_id": dataset_id, "whatif": spec, **SIM})
            assert r.status_code == 422, r.text
            detail = r.json()["detail"][0]
            assert detail["loc"] == ["body", "whatif"] and needle in detail["msg"]
        unknown_job = analyst.post("/jobs/dead-beef/cancel")
    assert unknown_job.status_code == 404
