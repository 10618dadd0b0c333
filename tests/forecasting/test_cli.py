"""The forecast and backtest commands on written sample data."""

from __future__ import annotations

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from stockwise.cli import app
from stockwise.data import write_dataset
from stockwise.forecasting.io import load_forecast


def test_forecast_writes_paths_that_reload(tmp_path, sample_dataset):
    write_dataset(sample_dataset, tmp_path / "data")
    out = tmp_path / "f.npz"
    args = ["forecast", str(tmp_path / "data"), "--horizon", "3", "--paths", "20"]
    run = CliRunner().invoke(app, [*args, "--model", "tsb", "--out", str(out)])
    assert run.exit_code == 0, run.output
    result = load_forecast(out)
    assert result.paths.shape == (480, 20, 3) and result.models["model"].eq("tsb").all()
    assert result.periods[0] == sample_dataset.demand.periods[-1] + pd.Timedelta(weeks=1)
    csv = tmp_path / "q.csv"
    run = CliRunner().invoke(app, [*args, "--model", "sba", "--out", str(csv)])
    table = pd.read_csv(csv)
    assert run.exit_code == 0 and len(table) == 480 * 3
    assert np.all(np.diff(table.filter(like="q0").to_numpy(), axis=1) >= 0)


def test_backtest_prints_summary_and_writes_table(tmp_path, sample_dataset):
    write_dataset(sample_dataset, tmp_path / "data")
    out = tmp_path / "bt.csv"
    args = ["backtest", str(tmp_path / "data"), "--model", "sba", "--model", "seasonal_naive"]
    run = CliRunner().invoke(
        app, [*args, "--horizon", "4", "--folds", "2", "--paths", "50", "--out", str(out)]
    )
    assert run.exit_code == 0, run.output
    assert "scaled pinball" in run.output
    assert len(pd.read_csv(out)) == 480 * 2 * 2


def test_unknown_model_is_a_clear_error(tmp_path, sample_dataset):
    write_dataset(sample_dataset, tmp_path / "data")
    run = CliRunner().invoke(app, ["forecast", str(tmp_path / "data"), "--model", "prophet"])
    assert run.exit_code == 1 and "unknown model 'prophet'" in run.output
