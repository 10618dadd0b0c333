"""``stockwise simulate``: the command compares policies, writes the report, names bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from stockwise.cli import app
from stockwise.data import write_dataset

runner = CliRunner()


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory, sample_dataset):
    folder = tmp_path_factory.mktemp("data")
    write_dataset(sample_dataset, folder)
    return folder


def test_simulate_writes_a_report_with_every_policy(data_dir, tmp_path):
    whatif = tmp_path / "late.yaml"
    whatif.write_text(
        "name: supplier late\nchanges:\n  - {type: lead_time, origin: SUPPLIER, shift: 2}\n"
    )
    report = tmp_path / "report.html"
    args = ["simulate", str(data_dir), "--items", "2", "--replications", "6", "--periods", "6",
            "--policies", "naive,base-stock,plan", "--replan-every", "3", "--plan-horizon", "5",
            "--plan-scenarios", "3", "--whatif", str(whatif), "--report", str(report)]  # fmt: skip
    out = runner.invoke(app, args)
    assert out.exit_code == 0, out.output
    for name in ("naive", "base-stock", "plan"):
        assert name in out.output
    text = report.read_text()
    assert "what-if: supplier late" in text and text.count("data-plot=") >= 6


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--policies", "naive,magic"], "unknown policy 'magic'"),
        (["--whatif", "BAD"], "changes[0].multiplier"),
        (["--whatif", "UNKNOWN"], "changes[0].items: unknown item 'NOPE'"),
    ],
)
def test_bad_input_names_the_problem(data_dir, tmp_path, extra, message):
    spec = {
        "BAD": "changes:\n  - {type: demand, multiplier: lots}\n",
        "UNKNOWN": "changes:\n  - {type: demand, multiplier: 2, items: [NOPE]}\n",
    }
    if extra[0] == "--whatif":
        path = tmp_path / "w.yaml"
        path.write_text(spec[extra[1]])
        extra = ["--whatif", str(path)]
    out = runner.invoke(app, ["simulate", str(data_dir), "--items", "2", "--replications", "3",
                              "--periods", "3", "--policies", "naive", *extra])  # fmt: skip
    assert out.exit_code == 1
    assert message in " ".join(out.output.split())


def test_out_writes_levels_and_paired_differences_as_one_tidy_table(
    data_dir, sample_dataset, tmp_path
):
    from stockwise.engine.simulation.compare import (
        CompareSettings,
        compare_policies,
        restrict_items,
    )

    out = tmp_path / "summary.csv"
    args = ["simulate", str(data_dir), "--items", "2", "--replications", "6", "--periods", "6",
            "--policies", "naive,base-stock,ss", "--baseline", "base-stock", "--seed", "3",
            "--out", str(out)]  # fmt: skip
    run = runner.invoke(app, args)
    assert run.exit_code == 0, run.output
    assert f"summary written to {out}" in " ".join(run.output.split())
    # progress on stderr (not a terminal here: a line as each policy starts and ends)
    assert "simulating policy 1/3 naive: period 0/6 x 6 replications" in run.output
    assert "simulating policy 3/3 ss: period 6/6 x 6 replications" in run.output
    table = pd.read_csv(out)
    assert list(table.columns) == [
        "policy", "baseline", "kpi", "mean", "lower", "upper", "kind", "confidence"
    ]  # fmt: skip
    # The oracle: the same simulation in-process, read through summary() and paired().
    dataset = restrict_items(sample_dataset, [it.item for it in sample_dataset.items[:2]])
    settings = CompareSettings(replications=6, periods=6, seed=3, replan_every=3,
                               plan_horizon=8, plan_scenarios=8)  # fmt: skip
    result = compare_policies(dataset, ["naive", "base-stock", "ss"], settings)
    summary = result.summary()
    paired = result.paired("base-stock")
    level = table[table["kind"] == "level"]
    assert level["baseline"].isna().all()
    assert list(zip(level["policy"], level["kpi"], strict=True)) == list(
        zip(summary["policy"], summary["metric"], strict=True)
    )
    for ours, theirs in (("mean", "mean"), ("lower", "ci_low"), ("upper", "ci_high")):
        np.testing.assert_allclose(level[ours], summary[theirs], rtol=1e-12)
    diff = table[table["kind"] == "paired_difference"]
    assert set(diff["policy"]) == {"naive", "ss"} and (diff["baseline"] == "base-stock").all()
    assert list(zip(diff["policy"], diff["kpi"], strict=True)) == list(
        zip(paired["policy"], paired["metric"], strict=True)
    )
    for ours, theirs in (("mean", "difference"), ("lower", "ci_low"), ("upper", "ci_high")):
        np.testing.assert_allclose(diff[ours], paired[theirs], rtol=1e-12)
    assert len(table) == len(summary) + len(paired) and (table["confidence"] == 0.95).all()
    # ... and the interval brackets the mean wherever it is defined
    ok = table.dropna(subset=["lower", "upper"])
    assert ((ok["lower"] <= ok["mean"] + 1e-12) & (ok["mean"] <= ok["upper"] + 1e-12)).all()


def test_unknown_baseline_is_named(data_dir):
    out = runner.invoke(app, ["simulate", str(data_dir), "--items", "2", "--replications", "3",
                              "--periods", "3", "--policies", "naive",
                              "--baseline", "magic"])  # fmt: skip
    assert out.exit_code == 1
    assert "--baseline 'magic' is not one of the policies (naive)" in " ".join(out.output.split())
