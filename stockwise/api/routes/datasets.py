"""Datasets: upload files or JSON (validated), the built-in sample, list and read."""

from __future__ import annotations

from pathlib import PurePath
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, UploadFile
from pydantic import BaseModel, Field
from sqlmodel import col, select

from stockwise.api import audit
from stockwise.api.deps import Analyst, RowId, SessionDep, Viewer
from stockwise.api.models import DatasetPublic, DatasetRecord
from stockwise.api.models.base import TEXT
from stockwise.api.services import datasets
from stockwise.api.storage import store_dataset

router = APIRouter(prefix="/datasets", tags=["datasets"])
INVALID = {422: {"description": "every problem found: file, row, column, value, rule"}}


class DatasetJson(BaseModel):
    name: str = Field(min_length=1, max_length=200, pattern=TEXT)
    tables: dict[str, list[dict[str, Any]]] = Field(
        description="Rows per table: items, locations, lanes, demand (+ inventory, on_order, "
        "constraints), each row an object of column: value"
    )


class SampleRequest(BaseModel):
    name: str = Field("sample", min_length=1, max_length=200, pattern=TEXT)
    seed: int = Field(0, ge=0, le=2**63 - 1, description="Same seed, same data")


@router.post("", response_model=DatasetPublic, status_code=201, responses=INVALID)
def upload_files(
    who: Analyst,
    session: SessionDep,
    files: Annotated[list[UploadFile], File(description="items.csv, locations.csv, ...")],
    name: Annotated[str, Form(min_length=1, max_length=200, pattern=TEXT)],
) -> DatasetRecord:
    """Upload CSV (optionally gzipped) or Parquet files, one per table."""
    contents: dict[str, bytes] = {}
    for upload in files:
        filename = PurePath(upload.filename or "").name
        if filename in contents:
            raise HTTPException(422, f"files: {filename!r} was sent twice")
        contents[filename] = upload.file.read()
    dataset = datasets.from_files(contents)
    return _store(session, who, dataset, name, "upload")


@router.post("/json", response_model=DatasetPublic, status_code=201, responses=INVALID)
def upload_json(body: DatasetJson, who: Analyst, session: SessionDep) -> DatasetRecord:
    """Upload tables as JSON rows."""
    return _store(session, who, datasets.from_json(body.tables), body.name, "json")


@router.post("/sample", response_model=DatasetPublic, status_code=201)
def create_sample(body: SampleRequest, who: Analyst, session: SessionDep) -> DatasetRecord:
    """The built-in sample network and sales history (as ``stockwise sample-data``)."""
    from stockwise.data.sample import generate

    return _store(session, who, generate(body.seed), body.name, f"sample seed {body.seed}")


@router.get("", response_model=list[DatasetPublic])
def list_datasets(who: Viewer, session: SessionDep) -> list[DatasetRecord]:
    return list(session.exec(select(DatasetRecord).order_by(col(DatasetRecord.id).desc())))


@router.get("/{dataset_id}", response_model=DatasetPublic)
def get_dataset(dataset_id: RowId, who: Viewer, session: SessionDep) -> DatasetRecord:
    record = session.get(DatasetRecord, dataset_id)
    if record is None:
        raise HTTPException(404, f"dataset_id: no dataset {dataset_id}")
    return record


def _store(session, who, dataset, name: str, source: str) -> DatasetRecord:
    record = store_dataset(session, dataset, name, who.username)
    audit.record(session, who, "dataset.create", f"dataset:{record.id}", {"source": source})
    session.refresh(record)
    return record
