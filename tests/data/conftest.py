"""A tiny hand-made dataset, as DataFrames of strings (as read from CSV)."""

from __future__ import annotations

import pandas as pd
import pytest


def tiny_frames() -> dict[str, pd.DataFrame]:
    return {
        "items": pd.DataFrame(
            {
                "item": ["A", "B"],
                "unit_cost": ["2.5", "4"],
                "holding_cost_rate": ["0.01", "0.01"],
                "shortage_penalty": ["3", "5"],
                "case_pack": ["6", ""],
            }
        ),
        "locations": pd.DataFrame(
            {
                "location": ["SUP", "DC", "S1"],
                "kind": ["supplier", "dc", "store"],
                "storage_capacity": ["", "100", "10"],
            }
        ),
        "lanes": pd.DataFrame(
            {
                "origin": ["SUP", "DC"],
                "destination": ["DC", "S1"],
                "lead_time_mean": ["2", "1"],
            }
        ),
        "demand": pd.DataFrame(
            {
                "item": ["A", "A", "B", "B"],
                "location": ["S1"] * 4,
                "period": ["1", "2", "1", "2"],
                "quantity": ["3", "0", "1", "2"],
            }
        ),
        "constraints": pd.DataFrame(
            {"type": ["budget", "fill_rate"], "value": ["100", "0.95"], "period": ["", ""]}
        ),
    }


@pytest.fixture
def frames() -> dict[str, pd.DataFrame]:
    return tiny_frames()
