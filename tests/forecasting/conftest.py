"""Small demand histories for the forecasting tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stockwise.data.io import make_demand_frame
from stockwise.data.model import DemandHistory


def history_from(
    series: dict[tuple[str, str], np.ndarray], start: str = "2024-01-01", freq: str = "W-MON"
) -> DemandHistory:
    """A ``DemandHistory`` with one row per value; periods are dates from ``start``."""
    frames = []
    for (item, location), values in series.items():
        frames.append(
            pd.DataFrame(
                {
                    "item": item,
                    "location": location,
                    "period": pd.date_range(start, periods=len(values), freq=freq),
                    "quantity": np.asarray(values, dtype=float),
                }
            )
        )
    return DemandHistory(make_demand_frame(pd.concat(frames, ignore_index=True)))


@pytest.fixture(scope="session")
def small_history(sample_dataset) -> DemandHistory:
    """Six sample series (smooth to lumpy), the last 80 weeks: fast enough for every model."""
    frame = sample_dataset.demand.frame
    keys = [("SKU001", "ST01"), ("SKU002", "ST03"), ("SKU010", "ST05"), ("SKU021", "ST02"),
            ("SKU033", "ST07"), ("SKU040", "ST12")]  # fmt: skip
    picked = frame.set_index(["item", "location"]).loc[keys].reset_index()
    periods = np.sort(picked["period"].unique())[-80:]
    return DemandHistory(picked[picked["period"].isin(periods)].reset_index(drop=True))
