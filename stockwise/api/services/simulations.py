"""Policy simulations: the calls ``stockwise simulate`` makes, with its HTML report."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from stockwise.api.models import SimulationRecord, SimulationRequest
from stockwise.api.storage import dataset_by_id, pack, store_blob
from stockwise.data import Dataset
from stockwise.scenarios import WhatIf, parse_whatif

HTML = "text/html"


def prepare(dataset: Dataset, request: SimulationRequest) -> tuple[Dataset, WhatIf | None]:
    """The dataset to simulate and the what-if spec, checked against it.

    Raises ``WhatIfError`` naming the offending change and field."""
    from stockwise.engine.simulation.compare import restrict_items  # heavy: numba

    if request.items is not None:
        dataset = restrict_items(dataset, [it.item for it in dataset.items[: request.items]])
    spec = None if request.whatif is None else parse_whatif(request.whatif, dataset, "whatif")
    return dataset, spec


def run(
    engine: Engine,
    request: SimulationRequest,
    username: str,
    *,
    job_id: str | None = None,
    progress: Callable[[str, float], None] = lambda stage, fraction: None,
) -> SimulationRecord:
    from stockwise.engine.simulation.compare import CompareSettings, compare_policies
    from stockwise.reports import write_report

    dataset, spec = prepare(dataset_by_id(engine, request.dataset_id), request)
    settings = CompareSettings(
        replications=request.replications,
        periods=request.periods,
        seed=request.seed,
        replan_every=request.replan_every,
        plan_horizon=request.plan_horizon,
        plan_scenarios=request.plan_scenarios,
    )
    progress("simulating", 0.1)
    result = compare_policies(dataset, request.policies, settings, whatif=spec)
    progress("writing the report", 0.8)
    title = "stockwise policy comparison" + (f" — what-if: {spec.name}" if spec else "")
    with tempfile.TemporaryDirectory() as folder:
        report = write_report(result, Path(folder) / "report.html", title=title).read_bytes()
    summary = result.summary()
    frames = {"summary": summary}
    if len(result.policies) > 1:
        frames["paired"] = result.paired()
    with Session(engine) as session:
        tables = store_blob(session, pack(frames))
        html = store_blob(session, report, HTML)
        record = SimulationRecord(
            dataset_id=request.dataset_id,
            params=request.model_dump(),
            summary=json.loads(summary.to_json(orient="records", double_precision=15)),
            blob_id=tables.id,
            report_blob_id=html.id,
            job_id=job_id,
            created_by=username,
        )
        session.add(record)
        session.commit()
        session.refresh(record)
        return record
