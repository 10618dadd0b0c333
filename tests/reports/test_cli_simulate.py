"""``stockwise simulate``: the command compares policies, writes the report, names bad input."""

from __future__ import annotations

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
