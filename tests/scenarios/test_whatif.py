"""What-if specs: every change type, the base untouched, and errors that name the field."""

from __future__ import annotations

import json

import numpy as np
import pytest

from stockwise.scenarios import WhatIfError, apply_whatif, from_distribution, load_whatif


@pytest.fixture(scope="module")
def base(sample_dataset):
    keys, _, hist = sample_dataset.demand.to_matrix()
    mean = np.repeat(hist.mean(axis=1, keepdims=True), 10, axis=1)
    return sample_dataset, from_distribution(keys, mean, 20, seed=1, lanes=sample_dataset.lanes)


def test_demand_multiplier_hits_only_the_filtered_series_and_window(base):
    ds, sc = base
    before = sc.demand.copy()
    spec = {"changes": [{"type": "demand", "multiplier": 1.5, "categories": ["beverages"],
                         "locations": ["ST01"], "start": 2, "end": 5}]}  # fmt: skip
    _, new = apply_whatif(spec, ds, sc)
    assert np.array_equal(sc.demand, before)  # the base is never modified
    category = {it.item: it.category for it in ds.items}
    hit = np.array([category[i] == "beverages" and loc == "ST01" for i, loc in sc.keys])
    assert hit.sum() == 10
    np.testing.assert_allclose(new.demand[:, hit, 2:5], 1.5 * before[:, hit, 2:5])
    np.testing.assert_array_equal(new.demand[:, ~hit], before[:, ~hit])
    np.testing.assert_array_equal(new.demand[:, :, 5:], before[:, :, 5:])


def test_lead_time_outage_capacity_budget_cost(base, tmp_path):
    ds, sc = base
    spec = {
        "name": "supplier late, budget cut",
        "changes": [
            {"type": "lead_time", "origin": "SUPPLIER", "shift": 2},
            {"type": "outage", "lanes": [["SUPPLIER", "DC-NORTH"]], "start": 3, "end": 6},
            {"type": "capacity", "location": "DC-NORTH", "multiplier": 0.5},
            {"type": "capacity", "lanes": [["DC-NORTH", "ST01"]], "value": 100},
            {"type": "budget", "multiplier": 0.85},
            {"type": "cost", "field": "unit_cost", "multiplier": 2, "items": ["SKU001"]},
        ],
    }
    path = tmp_path / "w.json"
    path.write_text(json.dumps(spec))
    new_ds, new_sc = apply_whatif(path, ds, sc)
    assert load_whatif(path).name == "supplier late, budget cut"
    supplier = [j for j, key in enumerate(sc.lanes) if key[0] == "SUPPLIER"]
    assert np.array_equal(new_sc.lead_times[:, supplier], sc.lead_times[:, supplier] + 2)
    assert new_ds.lanes[0].lead_time_mean == ds.lanes[0].lead_time_mean + 2
    j = sc.lanes.index(("SUPPLIER", "DC-NORTH"))
    assert not new_sc.lane_up[:, j, 3:6].any() and new_sc.lane_up[:, j, :3].all()
    assert new_sc.lane_up[:, sc.lanes.index(("SUPPLIER", "DC-SOUTH"))].all()
    cap = ds.location("DC-NORTH").storage_capacity
    assert new_ds.location("DC-NORTH").storage_capacity == pytest.approx(0.5 * cap)
    lane = next(ln for ln in new_ds.lanes if ln.key == ("DC-NORTH", "ST01"))
    assert lane.capacity == 100
    assert new_ds.constraints.budget_for(1) == pytest.approx(0.85 * ds.constraints.budget_for(1))
    assert new_ds.item("SKU001").unit_cost == 2 * ds.item("SKU001").unit_cost
    assert new_ds.item("SKU002").unit_cost == ds.item("SKU002").unit_cost
    # base untouched
    assert ds.location("DC-NORTH").storage_capacity == cap and sc.lane_up.all()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"type": "demand"}, r"changes\[0\]\.multiplier: required"),
        ({"type": "demand", "multiplier": "x"}, r"changes\[0\]\.multiplier: expected a number"),
        ({"type": "demand", "multiplier": 2, "items": ["NOPE"]}, r"changes\[0\]\.items: unknown"),
        ({"type": "demand", "multiplier": 2, "start": 5, "end": 2}, r"changes\[0\]\.end"),
        ({"type": "flood"}, r"changes\[0\]\.type: expected one of"),
        ({"type": "lead_time"}, r"needs shift and/or scale"),
        ({"type": "lead_time", "scale": 0}, r"changes\[0\]\.scale: expected a number > 0"),
        ({"type": "demand", "multiplier": 10**400}, r"changes\[0\]\.multiplier: expected a number"),
        ({"type": "demand", "multiplier": float("nan")}, r"\.multiplier: expected a number"),
        ({"type": "outage", "origin": "SUPPLIER", "start": 1}, r"changes\[0\]\.end: required"),
        ({"type": "outage", "origin": "X", "start": 1, "end": 2}, r"origin: unknown location"),
        ({"type": "capacity", "location": "ST01"}, r"exactly one of multiplier or value"),
        ({"type": "cost", "field": "colour", "value": 1}, r"changes\[0\]\.field: expected"),
        ({"type": "budget", "value": 1, "typo": 2}, r"unknown field\(s\) \['typo'\]"),
        ({"type": "capacity", "lanes": [["A"]], "value": 3}, r"\.lanes: expected a list"),
    ],
)
def test_bad_specs_name_the_field(base, change, message):
    ds, sc = base
    with pytest.raises(WhatIfError, match=message):
        apply_whatif({"changes": [change]}, ds, sc)


def test_unreadable_or_empty_files(tmp_path):
    bad = tmp_path / "w.yaml"
    bad.write_text("changes: [oops")
    with pytest.raises(WhatIfError, match="not valid yaml"):
        load_whatif(bad)
    empty = tmp_path / "e.yaml"
    empty.write_text("name: x\n")
    with pytest.raises(WhatIfError, match="changes: expected a non-empty list"):
        load_whatif(empty)
    with pytest.raises(WhatIfError, match="cannot read"):
        load_whatif(tmp_path / "missing.yaml")
