"""The HTML report: its numbers are the result's, and its plots render in a real browser."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser

import numpy as np
import pytest

from stockwise.engine.policy import SS, BaseStock
from stockwise.engine.simulation import simulate
from stockwise.reports import write_report
from stockwise.scenarios import from_distribution
from tests.engine.simulation.instances import serial

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def result():
    ds = serial([2, 1], n_items=3, holding_rate=0.2, penalty=4.0, fixed_cost=2.0)
    keys = [(it.item, "N1") for it in ds.items]
    sc = from_distribution(keys, np.full((3, 40), 8.0), 60, seed=2, lanes=ds.lanes)
    level = np.array([[np.nan] * 3, [40.0] * 3, [20.0] * 3])
    policies = [
        BaseStock(level, name="base-stock"),
        BaseStock(level * 0.7, name="lean"),
        SS(level * 0.6, level, name="(s,S)"),
    ]
    return simulate(ds, policies, sc, warmup=5, track=[("I0", "N1"), ("I1", "N1")])


class Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.figures, self.svgs, self.cells, self._cell = [], 0, [], None

    def handle_starttag(self, tag, attrs):
        if tag == "figure":
            self.figures.append(dict(attrs).get("data-plot"))
        elif tag == "svg":
            self.svgs += 1
        elif tag == "td":
            self._cell = ""
        elif tag in ("script", "link", "img", "iframe") and any(
            k in ("src", "href") for k, _ in attrs
        ):
            raise AssertionError(f"external resource in report: {tag} {attrs}")

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data

    def handle_endtag(self, tag):
        if tag == "td":
            self.cells.append(self._cell.strip())
            self._cell = None


def test_report_is_self_contained_and_shows_the_numbers(result, tmp_path):
    path = write_report(result, tmp_path / "report.html", baseline="base-stock")
    text = path.read_text()
    parser = Collect()
    parser.feed(text)
    expected = {"cost-breakdown", "frontier", "fan-I0-N1", "fan-I1-N1"}
    expected |= {f"stockout-{p}" for p in result.policies}
    assert set(parser.figures) == expected
    assert parser.svgs >= len(expected)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", text)  # nothing to fetch
    summary = result.summary().set_index(["policy", "metric"])
    mean = summary.loc[("lean", "total_cost"), "mean"]
    assert any(cell.startswith(f"{mean:,.0f}") for cell in parser.cells)
    diff = result.paired("base-stock").set_index(["policy", "metric"])
    assert "lean − base-stock" in text
    assert diff.loc[("lean", "total_cost"), "difference"] < 0  # leaner stock costs less here


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (make test installs it)")
def test_plots_render_in_headless_chromium(result, tmp_path):
    path = write_report(result, tmp_path / "report.html")
    profile = tmp_path / "profile"
    out = subprocess.run(
        [
            CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", f"--user-data-dir={profile}", "--virtual-time-budget=5000",
            "--dump-dom", path.as_uri(),
        ],
        capture_output=True, text=True, timeout=90, check=False,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    rendered = re.search(r'data-plots-rendered="(\d+)"', out.stdout)
    total = re.search(r'data-plots="(\d+)"', out.stdout)
    assert rendered and total, out.stdout[:500]
    assert int(total.group(1)) == 4 + len(result.policies)
    assert int(rendered.group(1)) == int(total.group(1))
