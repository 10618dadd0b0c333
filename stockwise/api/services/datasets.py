"""Datasets from uploaded files or JSON, validated by the loader the CLI uses."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from stockwise.data import Dataset, Issue, ValidationError, from_frames, load_dataset
from stockwise.data.io import SUFFIXES
from stockwise.data.schema import TABLES


def table_of(filename: str) -> str | None:
    """The table a file name stands for (``demand.csv`` → ``demand``), or None."""
    for suffix in SUFFIXES:
        if filename.endswith(suffix) and filename[: -len(suffix)] in TABLES:
            return filename[: -len(suffix)]
    return None


def from_files(files: dict[str, bytes]) -> Dataset:
    """Validate uploaded files (``items.csv``, ``demand.parquet`` ...) with ``load_dataset``."""
    unknown = [name for name in files if table_of(name) is None]
    if unknown:
        expected = ", ".join(f"{t}.csv" for t in TABLES)
        raise ValidationError(
            [
                Issue(
                    name,
                    None,
                    None,
                    None,
                    f"unknown file name; expected {expected} (or .csv.gz / .parquet)",
                )
                for name in unknown
            ]
        )
    with tempfile.TemporaryDirectory(prefix="stockwise-upload-") as folder:
        for name, data in files.items():
            (Path(folder) / name).write_bytes(data)
        return load_dataset(folder)


def from_json(tables: dict[str, list[dict[str, Any]]]) -> Dataset:
    """Validate tables given as lists of row objects with ``from_frames``."""
    return from_frames({name: pd.DataFrame.from_records(rows) for name, rows in tables.items()})
