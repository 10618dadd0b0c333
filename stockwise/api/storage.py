"""Pack tables and arrays into one compressed blob, and store or load datasets.

A blob is a zip archive: each DataFrame as ``<name>.parquet`` (zstd), each array as
``<name>.npy`` (deflated), plus ``meta.json``. A plan of 10^5 order lines is a few hundred
kilobytes, one row in ``blob``, not 10^5 rows.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine
from sqlmodel import Session

from stockwise.api.models import Blob, DatasetRecord
from stockwise.data import Dataset, from_frames, to_frames

MEDIA_TYPE = "application/vnd.stockwise.bundle+zip"


def pack(
    frames: dict[str, pd.DataFrame],
    arrays: dict[str, np.ndarray] | None = None,
    meta: dict[str, Any] | None = None,
) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, frame in frames.items():
            data = frame.to_parquet(index=False, compression="zstd")
            archive.writestr(f"{name}.parquet", data, zipfile.ZIP_STORED)
        for name, array in (arrays or {}).items():
            out = io.BytesIO()
            np.save(out, array, allow_pickle=False)
            archive.writestr(f"{name}.npy", out.getvalue(), zipfile.ZIP_DEFLATED)
        archive.writestr("meta.json", json.dumps(meta or {}), zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def unpack(data: bytes) -> tuple[dict[str, pd.DataFrame], dict[str, np.ndarray], dict[str, Any]]:
    frames, arrays = {}, {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            stem, _, suffix = name.rpartition(".")
            if suffix == "parquet":
                frames[stem] = pd.read_parquet(io.BytesIO(archive.read(name)))
            elif suffix == "npy":
                arrays[stem] = np.load(io.BytesIO(archive.read(name)), allow_pickle=False)
        meta = json.loads(archive.read("meta.json"))
    return frames, arrays, meta


def store_blob(session: Session, data: bytes, media_type: str = MEDIA_TYPE) -> Blob:
    blob = Blob(
        media_type=media_type, size=len(data), sha256=hashlib.sha256(data).hexdigest(), data=data
    )
    session.add(blob)
    session.flush()
    return blob


def dataset_summary(dataset: Dataset) -> dict[str, Any]:
    periods = dataset.demand.frame["period"]
    return {
        "items": len(dataset.items),
        "locations": len(dataset.locations),
        "lanes": len(dataset.lanes),
        "demand_rows": len(dataset.demand.frame),
        "first_period": str(periods.min()),
        "last_period": str(periods.max()),
    }


def store_dataset(session: Session, dataset: Dataset, name: str, username: str) -> DatasetRecord:
    blob = store_blob(session, pack(to_frames(dataset)))
    record = DatasetRecord(
        name=name, summary=dataset_summary(dataset), blob_id=blob.id, created_by=username
    )
    session.add(record)
    session.commit()
    session.refresh(record)
    return record


@lru_cache(maxsize=8)
def _load_dataset(engine: Engine, blob_id: int) -> Dataset:
    with Session(engine) as session:
        blob = session.get(Blob, blob_id)
        frames, _, _ = unpack(blob.data)
    return from_frames(frames)


def load_dataset(engine: Engine, record: DatasetRecord) -> Dataset:
    """The stored dataset (cached: stored datasets never change)."""
    return _load_dataset(engine, record.blob_id)


def dataset_by_id(engine: Engine, dataset_id: int) -> Dataset:
    """The stored dataset ``dataset_id``; ``LookupError`` naming the id if there is none."""
    with Session(engine) as session:
        record = session.get(DatasetRecord, dataset_id)
    if record is None:
        raise LookupError(f"dataset_id: no dataset {dataset_id}")
    return load_dataset(engine, record)


def blob_bytes(engine: Engine, blob_id: int) -> bytes:
    with Session(engine) as session:
        return session.get(Blob, blob_id).data
