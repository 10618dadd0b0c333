"""Each validation rule: a bad input and the exact message a user sees."""

from __future__ import annotations

import pandas as pd
import pytest

from stockwise.data import ValidationError, from_frames
from tests.data.conftest import tiny_frames


def problems(frames: dict[str, pd.DataFrame]) -> list[str]:
    with pytest.raises(ValidationError) as info:
        from_frames(frames)
    return [str(issue) for issue in info.value.issues]


def with_value(table: str, row: int, column: str, value: str) -> dict[str, pd.DataFrame]:
    frames = tiny_frames()
    frames[table].loc[row, column] = value
    return frames


def test_tiny_dataset_is_valid(frames):
    ds = from_frames(frames)
    assert [i.item for i in ds.items] == ["A", "B"]
    assert ds.item("A").case_pack == 6 and ds.item("B").case_pack == 1  # blank → default 1
    assert ds.location("SUP").storage_capacity is None  # blank → unlimited
    assert ds.constraints.budget_for(3) == 100.0
    assert ds.constraints.service_target("A", "S1").target == 0.95


@pytest.mark.parametrize(
    ("table", "row", "column", "value", "expected"),
    [
        (
            "demand",
            1,
            "quantity",
            "-3",
            "demand.csv, row 2 (line 3), column quantity: value '-3': must be ≥ 0",
        ),
        (
            "items",
            0,
            "unit_cost",
            "abc",
            "items.csv, row 1 (line 2), column unit_cost: value 'abc': expected a number",
        ),
        (
            "items",
            1,
            "unit_cost",
            "-1",
            "items.csv, row 2 (line 3), column unit_cost: value '-1': must be ≥ 0",
        ),
        (
            "items",
            0,
            "shortage_penalty",
            "NaN",
            "items.csv, row 1 (line 2), column shortage_penalty: value 'NaN': NaN is not allowed",
        ),
        (
            "items",
            0,
            "holding_cost_rate",
            "",
            "items.csv, row 1 (line 2), column holding_cost_rate: value '': "
            "required value is missing",
        ),
        (
            "items",
            0,
            "case_pack",
            "0",
            "items.csv, row 1 (line 2), column case_pack: value '0': must be ≥ 1",
        ),
        (
            "items",
            0,
            "case_pack",
            "2.5",
            "items.csv, row 1 (line 2), column case_pack: value '2.5': expected a whole number",
        ),
        (
            "lanes",
            0,
            "lead_time_mean",
            "-1",
            "lanes.csv, row 1 (line 2), column lead_time_mean: value '-1': must be ≥ 0",
        ),
        (
            "lanes",
            0,
            "lead_time_mean",
            "inf",
            "lanes.csv, row 1 (line 2), column lead_time_mean: value 'inf': must be finite",
        ),
        (
            "locations",
            2,
            "kind",
            "shop",
            "locations.csv, row 3 (line 4), column kind: value 'shop': "
            "expected one of supplier, plant, dc, store",
        ),
        (
            "demand",
            3,
            "period",
            "2024-13-45",
            "demand.csv, row 4 (line 5), column period: value '2024-13-45': "
            "expected an integer period or an ISO date (YYYY-MM-DD)",
        ),
        (
            "demand",
            0,
            "item",
            "Z",
            "demand.csv, row 1 (line 2), column item: value 'Z': unknown item",
        ),
        (
            "lanes",
            1,
            "destination",
            "S9",
            "lanes.csv, row 2 (line 3), column destination: value 'S9': unknown location",
        ),
        (
            "constraints",
            1,
            "value",
            "1.5",
            "constraints.csv, row 2 (line 3), column value: value '1.5': "
            "a fill_rate target must be strictly between 0 and 1",
        ),
        (
            "constraints",
            0,
            "type",
            "budgett",
            "constraints.csv, row 1 (line 2), column type: value 'budgett': "
            "expected one of budget, fill_rate, cycle_service",
        ),
    ],
)
def test_value_rules(table, row, column, value, expected):
    assert problems(with_value(table, row, column, value)) == [expected]


def test_missing_required_column():
    frames = tiny_frames()
    frames["lanes"] = frames["lanes"].drop(columns="lead_time_mean")
    assert problems(frames) == ["lanes.csv, column lead_time_mean: required column is missing"]


def test_missing_required_file():
    frames = tiny_frames()
    del frames["lanes"]
    assert problems(frames) == ["lanes.csv: required file is missing"]


def test_duplicate_key():
    frames = tiny_frames()
    frames["demand"].loc[3, "item"] = "A"
    assert problems(frames) == [
        "demand.csv, row 4 (line 5), column item,location,period: "
        "value 'item=A, location=S1, period=2': duplicate key"
    ]


def test_mixed_period_forms():
    frames = with_value("demand", 0, "period", "2024-01-01")
    assert problems(frames) == [
        "demand.csv, row 1 (line 2), column period: value '2024-01-01': "
        "mixes integer periods and dates; use one form"
    ]


def test_cycle_in_lanes():
    frames = tiny_frames()
    frames["lanes"] = pd.concat(
        [
            frames["lanes"],
            pd.DataFrame({"origin": ["S1"], "destination": ["DC"], "lead_time_mean": ["1"]}),
        ],
        ignore_index=True,
    )
    (message,) = problems(frames)
    assert message.startswith("lanes.csv, row 2 (line 3), column origin,destination: ")
    assert message.endswith(
        ("lanes form a cycle: DC -> S1 -> DC", "lanes form a cycle: S1 -> DC -> S1")
    )


def test_demand_location_without_supply_path():
    frames = tiny_frames()
    frames["lanes"] = frames["lanes"].iloc[1:].reset_index(drop=True)  # drop SUP -> DC
    assert problems(frames) == [
        "locations.csv, row 3 (line 4), column location: value 'S1': "
        "has demand but no supply path from a supplier or plant"
    ]


def test_every_problem_is_reported_at_once():
    frames = with_value("demand", 1, "quantity", "-3")
    frames["items"].loc[0, "unit_cost"] = "x"
    frames["lanes"].loc[1, "lead_time_mean"] = "-2"
    assert len(problems(frames)) == 3


def test_a_table_nobody_knows_is_named():
    frames = tiny_frames()
    frames["stores"] = pd.DataFrame({"a": [1]})
    assert problems(frames) == [
        "stores: unknown table; expected one of ['constraints', 'demand', 'inventory', "
        "'items', 'lanes', 'locations', 'on_order']"
    ]
