"""Forecasts: the calls ``stockwise forecast`` makes; stored in its ``.npz`` format."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from sqlalchemy import Engine
from sqlmodel import Session

from stockwise.api.models import ForecastRecord, ForecastRequest
from stockwise.api.storage import blob_bytes, dataset_by_id, store_blob

if TYPE_CHECKING:
    from stockwise.forecasting import ForecastResult

NPZ = "application/x-npz"


def forecast(
    engine: Engine,
    request: ForecastRequest,
    progress: Callable[[str, float], None] = lambda stage, fraction: None,
) -> ForecastResult:
    from stockwise.forecasting import make_forecaster  # heavy: imported on use

    dataset = dataset_by_id(engine, request.dataset_id)
    progress("fitting", 0.1)
    forecaster = make_forecaster(request.model, horizon=request.horizon)
    return forecaster.fit(dataset.demand).predict(request.horizon, request.paths, request.seed)


def to_npz(result: ForecastResult) -> bytes:
    """The bytes ``stockwise forecast --out FILE.npz`` writes."""
    from stockwise.forecasting.io import save_forecast

    with tempfile.TemporaryDirectory() as folder:
        return save_forecast(result, Path(folder) / "forecast.npz").read_bytes()


@lru_cache(maxsize=8)
def _from_npz(engine: Engine, blob_id: int) -> ForecastResult:
    from stockwise.forecasting.io import load_forecast

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "forecast.npz"
        path.write_bytes(blob_bytes(engine, blob_id))
        return load_forecast(path)


def load(engine: Engine, record: ForecastRecord) -> ForecastResult:
    """The stored forecast (cached: stored forecasts never change)."""
    return _from_npz(engine, record.blob_id)


def quantiles(engine: Engine, record: ForecastRecord) -> pd.DataFrame:
    from stockwise.forecasting.io import quantile_table

    return quantile_table(load(engine, record))


def run(
    engine: Engine,
    request: ForecastRequest,
    username: str,
    *,
    job_id: str | None = None,
    progress: Callable[[str, float], None] = lambda stage, fraction: None,
) -> ForecastRecord:
    result = forecast(engine, request, progress)
    progress("storing", 0.9)
    with Session(engine) as session:
        blob = store_blob(session, to_npz(result), NPZ)
        record = ForecastRecord(
            dataset_id=request.dataset_id,
            params=request.model_dump(),
            series=len(result.keys),
            models=result.models["model"].value_counts().to_dict(),
            blob_id=blob.id,
            job_id=job_id,
            created_by=username,
        )
        session.add(record)
        session.commit()
        session.refresh(record)
        return record


def npz_bytes(engine: Engine, record: ForecastRecord) -> bytes:
    return blob_bytes(engine, record.blob_id)
