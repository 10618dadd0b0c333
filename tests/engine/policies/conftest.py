"""Fixtures for the policy tests: stockpyl's textbook optima, and stockpyl's serial
optimizer made to run under NumPy 2 (stockpyl is the independent oracle)."""

from __future__ import annotations

import json

import pytest

from tests.engine.policies.stockpyl_compat import numpy2_serial
from tests.paths import STOCKPYL_REFS


@pytest.fixture(scope="session")
def textbook():
    """Every case of the shared stockpyl reference file, grouped by case kind."""
    cases = json.loads(STOCKPYL_REFS.read_text())["cases"]
    grouped: dict[str, list[dict]] = {}
    for case in cases:
        grouped.setdefault(case["case"], []).append(case)
    return grouped


@pytest.fixture
def stockpyl_serial():
    """``stockpyl.ssm_serial.optimize_base_stock_levels``, runnable under NumPy 2."""
    with numpy2_serial() as optimize:
        yield optimize
