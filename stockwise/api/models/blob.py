"""Large binary payloads (datasets, plans) kept apart from the rows that describe them."""

from __future__ import annotations

from sqlalchemy import Column, LargeBinary
from sqlmodel import Field, SQLModel


class Blob(SQLModel, table=True):
    """Bytes in a self-describing format: a zip of Parquet tables and ``.npy`` arrays."""

    id: int | None = Field(default=None, primary_key=True)
    media_type: str = Field(max_length=64)
    size: int
    sha256: str = Field(max_length=64)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
