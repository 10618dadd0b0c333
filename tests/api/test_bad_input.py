"""Every bad input gets a 4xx naming the file, row, column or parameter, and the reason.

Oracle: hand-made broken inputs whose offending place is known.
"""

from __future__ import annotations

import pytest

from tests.api.tiny import as_csv_files, as_json, tiny_tables


@pytest.fixture(scope="module")
def client(live):
    server, tokens = live
    with server.client(tokens["planner"]) as client:
        yield client


def _detail(response, status: int):
    assert response.status_code == status, response.text
    return response.json()["detail"]


def test_schema_error_names_file_row_column(client):
    tables = tiny_tables()
    tables["demand"] = tables["demand"].astype({"quantity": object})
    tables["demand"].loc[4, "quantity"] = "lots"  # data row 5 of demand.csv
    tables["items"].loc[1, "unit_cost"] = -4.0
    issues = _detail(client.post("/datasets", files=as_csv_files(tables), data={"name": "x"}), 422)
    where = {(i["file"], i["row"], i["column"]) for i in issues}
    assert ("demand.csv", 5, "quantity") in where and ("items.csv", 2, "unit_cost") in where
    bad = next(i for i in issues if i["column"] == "quantity")
    assert bad["value"] == "lots" and bad["rule"] and bad["loc"] == ["demand.csv", 5, "quantity"]


def test_malformed_csv_missing_and_unknown_files(client):
    files = as_csv_files(tiny_tables())
    files[0] = ("files", ("items.csv", b'item,unit_cost\n"A,10\nB,4,9,9\n', "text/csv"))
    issues = _detail(client.post("/datasets", files=files, data={"name": "x"}), 422)
    assert any(i["file"] == "items.csv" and "cannot be read" in i["rule"] for i in issues)

    missing = [f for f in as_csv_files(tiny_tables()) if f[1][0] != "lanes.csv"]
    issues = _detail(client.post("/datasets", files=missing, data={"name": "x"}), 422)
    assert [(i["file"], i["rule"]) for i in issues] == [("lanes.csv", "required file is missing")]

    extra = [*as_csv_files(tiny_tables()), ("files", ("prices.csv", b"a\n1\n", "text/csv"))]
    issues = _detail(client.post("/datasets", files=extra, data={"name": "x"}), 422)
    assert issues[0]["file"] == "prices.csv" and "unknown file name" in issues[0]["rule"]


def test_json_schema_error_names_row(client):
    tables = as_json(tiny_tables())
    tables["lanes"][2]["origin"] = "NOWHERE"
    issues = _detail(client.post("/datasets/json", json={"name": "x", "tables": tables}), 422)
    assert any(i["row"] == 3 and i["column"] == "origin" for i in issues), issues


def test_oversized_upload_is_413_with_the_limit(client):
    big = [("files", ("demand.csv", b"x" * 1_200_000, "text/csv"))]
    response = client.post("/datasets", files=big, data={"name": "big"})
    assert response.status_code == 413
    assert "1000000 bytes" in response.json()["detail"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"horizon": -1}, "horizon"),
        ({"scenarios": 0}, "scenarios"),
        ({"service_level": 1.0}, "service_level"),
        ({"service_level": 0}, "service_level"),
        ({"time_limit": 0}, "time_limit"),
        ({"budget": -5}, "budget"),
        ({"mip_gap": 1.5}, "mip_gap"),
        ({"solver": "cplex"}, "solver"),
        ({"first_stage": 0}, "first_stage"),
        ({"horizon": 4, "first_stage": 5}, "first_stage"),
        ({"relax_first": "budget"}, "relax_first"),
        ({"whole": "sometimes"}, "whole"),
    ],
)
def test_impossible_parameters_name_the_field(client, change, field):
    detail = _detail(client.post("/plans", json={"dataset_id": 1, **change}), 422)
    assert [d["loc"] for d in detail] == [["body", field]]


def test_unknown_ids_and_tables(live, client):
    unknown = _detail(client.post("/plans", json={"dataset_id": 999}), 422)
    assert unknown == [
        {"loc": ["body", "dataset_id"], "msg": "no dataset 999", "type": "unknown_id"}
    ]
    assert "no plan 999" in _detail(client.get("/plans/999"), 404)
    assert "no job dead-beef" in _detail(client.get("/jobs/dead-beef"), 404)
    assert "no dataset 999" in _detail(client.get("/datasets/999"), 404)
    assert _detail(client.get("/plans/1/prices"), 422)[0]["loc"] == ["path", "table"]


def test_text_that_a_database_would_refuse_is_422(live):
    server, tokens = live
    with server.client(tokens["admin"]) as admin:
        user = admin.post("/users", json={"username": "a b", "password": "long-enough"})
        audit = admin.get("/audit", params={"username": "x\x00y"})
        job = admin.get("/jobs/not a job id")
        key = admin.post("/auth/api-keys", json={"name": "tab\there"})
    assert _detail(user, 422)[0]["loc"] == ["body", "username"]
    assert _detail(audit, 422)[0]["loc"] == ["query", "username"]
    assert _detail(job, 422)[0]["loc"] == ["path", "job_id"]
    assert _detail(key, 422)[0]["loc"] == ["body", "name"]


def test_parquet_and_gzipped_csv_uploads_load_like_csv(client):
    import gzip
    import io

    files = []
    for n, (name, frame) in enumerate(tiny_tables().items()):
        if n % 2:
            buffer = io.BytesIO()
            frame.to_parquet(buffer, index=False)
            files.append(
                ("files", (f"{name}.parquet", buffer.getvalue(), "application/octet-stream"))
            )
        else:
            data = gzip.compress(frame.to_csv(index=False).encode())
            files.append(("files", (f"{name}.csv.gz", data, "application/gzip")))
    r = client.post("/datasets", files=files, data={"name": "mixed"})
    assert r.status_code == 201, r.text
    assert r.json()["summary"]["demand_rows"] == 240 and r.json()["summary"]["lanes"] == 3
