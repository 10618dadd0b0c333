"""``stockwise plan`` end to end on the sample data (tiny horizon and scenario count)."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
import typer.main
from typer.testing import CliRunner

from stockwise.cli import app
from stockwise.data import write_dataset
from stockwise.engine.planning import PlanSettings


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory, sample_dataset):
    folder = tmp_path_factory.mktemp("sample")
    write_dataset(sample_dataset, folder)
    return folder


def run(*args):
    return CliRunner().invoke(app, ["plan", *map(str, args)], catch_exceptions=False)


def test_every_setting_is_an_option_with_the_planners_default():
    command = typer.main.get_command(app).commands["plan"]
    defaults = {param.name: param.default for param in command.params}
    for field in dataclasses.fields(PlanSettings):
        assert defaults[field.name] == getattr(PlanSettings(), field.name), field.name


@pytest.fixture(scope="module")
def tight_budget(data_dir, tmp_path_factory):
    """``stockwise plan --budget 1000`` (far below what the targets need), run once: the
    result and the orders file."""
    out = tmp_path_factory.mktemp("budget") / "plan.csv"
    return run(data_dir, "--horizon", 5, "--scenarios", 3, "--budget", 1000, "--out", out), out


def test_plan_writes_orders_limits_and_the_relaxation_report(data_dir, tight_budget, tmp_path):
    result, out = tight_budget
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())  # rich wraps lines at the terminal width
    assert "The limits cannot all hold" in text
    assert "the purchase budget" not in text  # service gives way first: the budget holds
    orders = pd.read_csv(out)
    assert {"origin", "destination", "item", "period", "quantity", "firm"} <= set(orders.columns)
    assert {"arrival_period", "arrival_start", "projected_stock", "reason"} <= set(orders.columns)
    assert (orders["quantity"] > 0).all() and orders["firm"].any()
    assert "Orders to place now" in text
    spend = orders.groupby("period")["purchase_cost"].sum()  # purchases only on supplier lanes
    assert (spend <= 1000 * (1 + 1e-6)).all(), spend
    relax = pd.read_csv(out.with_name("plan_relaxations.csv"))
    assert not (relax["constraint"] == "budget").any()
    fill = relax[relax["constraint"] == "fill_rate"]
    assert len(fill) >= 1 and (fill["required"] < fill["limit"]).all()
    assert "the fill rate of" in text and "can reach at most" in text
    # Each target gives way exactly to the fill rate the plan reaches.
    limits = pd.read_csv(out.with_name("plan_limits.csv"))
    assert set(limits["constraint"]) >= {"budget", "storage", "fill_rate"}
    reached = limits[limits["constraint"] == "fill_rate"].set_index("subject")["used"]
    for row in fill.itertuples():
        assert reached[row.subject] == pytest.approx(row.required, rel=1e-6, abs=1e-9)

    # Budgets first: the budget of the orders placed now moves, to what the plan spends.
    out = tmp_path / "limits.csv"
    args = ("--horizon", 5, "--scenarios", 3, "--budget", 1000, "--fractional", "--out", out)
    result = run(data_dir, *args, "--relax-first", "limits")
    assert result.exit_code == 0, result.output
    assert "must rise from 1,000 to" in " ".join(result.stdout.split())
    relax = pd.read_csv(tmp_path / "limits_relaxations.csv")
    budget = relax[relax["constraint"] == "budget"]
    assert len(budget) >= 1 and (budget["required"] > 1000).all()
    spend = pd.read_csv(out).groupby("period")["purchase_cost"].sum()
    for row in budget.itertuples():
        if row.period == 1:  # firm: the same in every scenario
            assert spend[row.period] == pytest.approx(row.required, rel=1e-6)
        else:  # projected: the mean over the scenarios, the budget holds in each
            assert spend.get(row.period, 0.0) <= row.required * (1 + 1e-6)


def test_warnings_and_progress_are_shown_and_the_warnings_written(tight_budget):
    result, out = tight_budget
    text = " ".join(result.stdout.split())
    status = text.index("status relaxed")
    warned = out.with_name("plan_warnings.txt").read_text().splitlines()
    # 3 scenarios cannot show the tail of demand the costs ask to stock for
    assert any("scenarios show demand only up to about" in w for w in warned)
    for line in warned:
        assert text.index(f"warning: {line}") > status  # after the status, before the tables
        assert text.index(f"warning: {line}") < text.index("Expected cost")
    # progress on stderr, each step with the time elapsed
    steps = result.stderr.splitlines()
    assert any(s.endswith("building the model") for s in steps), result.stderr
    assert any(" s] solving " in s for s in steps)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--shortage", "sideways"], "'sideways' is not a valid Shortage"),
        (["--solver", "cplex-x"], "unknown solver backend 'cplex-x'"),
        (["--service-level", "1.5"], "must be in (0, 1)"),
        (["--replan-every", "3"], "first_stage must be between 1 and the horizon (2)"),
    ],
)
def test_bad_options_are_named(data_dir, tmp_path, args, message):
    result = CliRunner().invoke(
        app, ["plan", str(data_dir), "--horizon", "2", "--scenarios", "2", *args]
    )
    assert result.exit_code == 1
    assert message in " ".join(result.output.split())


def test_by_item_gives_the_plan_of_the_whole_lp(data_dir, tmp_path):
    """``--by-item`` (Dantzig–Wolfe over items) and ``--no-by-item`` reach the same optimum."""
    cost = {}
    for flag in ("--by-item", "--no-by-item"):
        out = tmp_path / f"{flag[2:]}.csv"
        args = ("--horizon", 4, "--scenarios", 3, "--service-level", 0.5, "--out", out)
        result = run(data_dir, *args, flag)
        assert result.exit_code == 0, result.output
        text = " ".join(result.output.split())
        assert ("dantzig-wolfe" in text) == (flag == "--by-item")
        cost[flag] = float(text.split("expected cost ")[1].split(";")[0].replace(",", ""))
    assert cost["--by-item"] == pytest.approx(cost["--no-by-item"], rel=1e-6)


def test_export_model_writes_the_model_it_plans(data_dir, tmp_path):
    model = tmp_path / "model" / "plan.lp"
    args = ("--horizon", 3, "--scenarios", 2, "--export-model", model, "--out", tmp_path / "p.csv")
    result = run(data_dir, *args)
    assert result.exit_code == 0, result.output
    assert f"model written to {model}" in " ".join(result.stdout.split())
    text = model.read_text()
    assert "\nmin \nobjective:" in text[:200] and "order(SUPPLIER_DC_NORTH_SKU001_t1)" in text
