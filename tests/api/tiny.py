"""A tiny network (one supplier, one DC, two stores, two items) for fast API tests."""

from __future__ import annotations

import numpy as np
import pandas as pd


def tiny_tables(periods: int = 60, seed: int = 7) -> dict[str, pd.DataFrame]:
    """Tables in the input schema: SUP → DC → ST1, ST2; items A, B; weekly demand; a
    purchase budget of 5,000 per period."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2024-01-01", periods=periods, freq="W-MON")
    demand = pd.DataFrame(
        [
            {"item": item, "location": store, "period": d.strftime("%Y-%m-%d"), "quantity": q}
            for item, mean in (("A", 20.0), ("B", 5.0))
            for store in ("ST1", "ST2")
            for d, q in zip(dates, rng.poisson(mean, periods), strict=True)
        ]
    )
    return {
        "items": pd.DataFrame(
            {
                "item": ["A", "B"],
                "unit_cost": [10.0, 4.0],
                "holding_cost_rate": [0.005, 0.005],
                "shortage_penalty": [30.0, 12.0],  # above cost: lost sales are worth avoiding
            }
        ),
        "locations": pd.DataFrame(
            {"location": ["SUP", "DC", "ST1", "ST2"], "kind": ["supplier", "dc", "store", "store"]}
        ),
        "lanes": pd.DataFrame(
            {
                "origin": ["SUP", "DC", "DC"],
                "destination": ["DC", "ST1", "ST2"],
                "lead_time_mean": [2, 1, 1],
                "transport_cost": [0.2, 0.1, 0.1],
            }
        ),
        "demand": demand,
        # a loose budget, so the plan has a limit with a shadow price
        "constraints": pd.DataFrame(
            {"type": ["budget"], "item": [""], "location": [""], "period": [""], "value": [5000.0]}
        ),
    }


def as_json(tables: dict[str, pd.DataFrame]) -> dict[str, list[dict]]:
    return {name: frame.to_dict(orient="records") for name, frame in tables.items()}


def as_csv_files(tables: dict[str, pd.DataFrame]) -> list[tuple[str, tuple[str, bytes, str]]]:
    """Multipart ``files`` for httpx: one CSV per table."""
    return [
        ("files", (f"{name}.csv", frame.to_csv(index=False).encode(), "text/csv"))
        for name, frame in tables.items()
    ]
