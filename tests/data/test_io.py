"""Round trips through files and DataFrames, and loading errors that name the file."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from stockwise.data import ValidationError, from_frames, load_dataset, to_frames, write_dataset


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_sample_round_trips_through_files(sample_dataset, tmp_path, fmt):
    write_dataset(sample_dataset, tmp_path, fmt)
    loaded = load_dataset(tmp_path)
    assert loaded == sample_dataset
    assert loaded.demand.has_dates


def test_sample_round_trips_through_frames(sample_dataset):
    assert from_frames(to_frames(sample_dataset)) == sample_dataset


def test_sample_has_what_the_issue_promises(sample_dataset):
    ds = sample_dataset
    kinds = pd.Series([loc.kind.value for loc in ds.locations]).value_counts().to_dict()
    assert kinds == {"supplier": 1, "dc": 2, "store": 12}
    assert len(ds.items) == 40 and len({i.category for i in ds.items}) == 4
    frame = ds.demand.frame
    assert frame["period"].nunique() == 156
    zero_share = frame.groupby(["item", "location"])["quantity"].apply(lambda q: (q == 0).mean())
    assert (zero_share > 0.5).mean() == pytest.approx(0.25, abs=0.02)
    smooth = zero_share[zero_share < 0.5].index
    by_series = frame.set_index(["item", "location"]).loc[smooth].groupby(level=[0, 1])
    dispersion = by_series["quantity"].var() / by_series["quantity"].mean()
    assert dispersion.median() > 1.5  # over-dispersed counts (Poisson would give 1)
    assert frame["promo"].any() and {i.case_pack for i in ds.items} > {1}
    assert all(lane.lead_time_sd > 0 for lane in ds.lanes)


def test_same_seed_same_data_other_seed_other_data():
    from stockwise.data.sample import generate

    assert generate(3) == generate(3)
    assert generate(3).demand != generate(4).demand


def test_missing_folder_and_files(tmp_path):
    with pytest.raises(ValidationError) as info:
        load_dataset(tmp_path / "nope")
    assert str(info.value.issues[0]).endswith("nope: is not a folder")
    with pytest.raises(ValidationError) as info:
        load_dataset(tmp_path)
    assert [str(i) for i in info.value.issues] == [
        f"{name}.csv: required file is missing"
        for name in ("items", "locations", "lanes", "demand")
    ]


def test_two_formats_of_one_table_are_ambiguous(sample_dataset, tmp_path):
    write_dataset(sample_dataset, tmp_path)
    to_frames(sample_dataset)["items"].to_parquet(tmp_path / "items.parquet")
    with pytest.raises(ValidationError) as info:
        load_dataset(tmp_path)
    assert [str(i) for i in info.value.issues] == [
        "items: found as items.csv and items.parquet; keep one"
    ]


def test_unreadable_file_is_named(sample_dataset, tmp_path):
    write_dataset(sample_dataset, tmp_path)
    (tmp_path / "lanes.csv").unlink()
    (tmp_path / "lanes.parquet").write_bytes(b"not a parquet file")
    with pytest.raises(ValidationError) as info:
        load_dataset(tmp_path)
    (issue,) = info.value.issues
    assert issue.file == "lanes.parquet" and issue.rule.startswith("cannot be read")


def test_validate_command_names_file_row_column_and_rule(sample_dataset, tmp_path):
    write_dataset(sample_dataset, tmp_path)
    lines = (tmp_path / "demand.csv").read_text().splitlines()
    fields = lines[41].split(",")
    fields[3] = "-7"  # quantity
    lines[41] = ",".join(fields)
    (tmp_path / "demand.csv").write_text("\n".join(lines) + "\n")
    run = subprocess.run(
        [sys.executable, "-m", "stockwise.cli", "validate", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1
    assert "demand.csv, row 41 (line 42), column quantity: value '-7': must be ≥ 0" in run.stderr

    ok = subprocess.run(
        [sys.executable, "-m", "stockwise.cli", "validate", str(tmp_path / "missing")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 1 and "is not a folder" in ok.stderr
