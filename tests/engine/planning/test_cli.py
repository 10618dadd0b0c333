"""``stockwise plan`` end to end on the sample data (tiny horizon and scenario count)."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from stockwise.cli import app
from stockwise.data import write_dataset


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory, sample_dataset):
    folder = tmp_path_factory.mktemp("sample")
    write_dataset(sample_dataset, folder)
    return folder


def run(*args):
    return CliRunner().invoke(app, ["plan", *map(str, args)], catch_exceptions=False)


def test_plan_writes_orders_limits_and_the_relaxation_report(data_dir, tmp_path):
    out = tmp_path / "plan.csv"
    result = run(data_dir, "--horizon", 5, "--scenarios", 3, "--budget", 1000, "--out", out)
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())  # rich wraps lines at the terminal width
    assert "The limits cannot all hold" in text
    assert "the purchase budget in period 1" in text and "must rise from 1,000 to" in text
    orders = pd.read_csv(out)
    assert {"origin", "destination", "item", "period", "quantity"} <= set(orders.columns)
    assert (orders["quantity"] > 0).all()
    relax = pd.read_csv(tmp_path / "plan_relaxations.csv")
    budget = relax[relax["constraint"] == "budget"]
    assert len(budget) >= 1
    # The required budget is the least that works, so the relaxed plan spends all of it.
    spend = orders[orders["origin"] == "SUPPLIER"].groupby("period")["purchase_cost"].sum()
    for row in budget.itertuples():
        assert spend.get(row.period, 0.0) == pytest.approx(row.required, rel=1e-6)
    limits = pd.read_csv(tmp_path / "plan_limits.csv")
    assert set(limits["constraint"]) >= {"budget", "storage", "fill_rate"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--shortage", "sideways"], "'sideways' is not a valid Shortage"),
        (["--solver", "cplex-x"], "unknown solver backend 'cplex-x'"),
        (["--service-level", "1.5"], "must be in (0, 1)"),
    ],
)
def test_bad_options_are_named(data_dir, tmp_path, args, message):
    result = CliRunner().invoke(
        app, ["plan", str(data_dir), "--horizon", "2", "--scenarios", "2", *args]
    )
    assert result.exit_code == 1
    assert message in " ".join(result.output.split())


def test_by_item_gives_the_plan_of_the_whole_lp(data_dir, tmp_path):
    """``--by-item`` (Dantzig–Wolfe over items) and ``--whole`` reach the same optimum."""
    cost = {}
    for flag in ("--by-item", "--whole"):
        out = tmp_path / f"{flag[2:]}.csv"
        args = ("--horizon", 4, "--scenarios", 3, "--service-level", 0.5, "--out", out)
        result = run(data_dir, *args, flag)
        assert result.exit_code == 0, result.output
        text = " ".join(result.output.split())
        assert ("dantzig-wolfe" in text) == (flag == "--by-item")
        cost[flag] = float(text.split("expected cost ")[1].split(";")[0].replace(",", ""))
    assert cost["--by-item"] == pytest.approx(cost["--whole"], rel=1e-6)
