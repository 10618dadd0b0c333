"""Fixtures for the policy tests: stockpyl's textbook optima and a NumPy-2 shim for
stockpyl's serial optimizer (test-only; stockpyl is the independent oracle)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tests.paths import STOCKPYL_REFS


@pytest.fixture(scope="session")
def textbook():
    """Every case of the shared stockpyl reference file, grouped by case kind."""
    cases = json.loads(STOCKPYL_REFS.read_text())["cases"]
    grouped: dict[str, list[dict]] = {}
    for case in cases:
        grouped.setdefault(case["case"], []).append(case)
    return grouped


class _NumpyCopyShim:
    """stockpyl 1.0.2 calls ``np.array(..., copy=False)``, an error under NumPy 2; this
    passes ``copy=None`` (copy only when needed), NumPy 1's meaning."""

    def __getattr__(self, name):
        return getattr(np, name)

    @staticmethod
    def array(obj, *args, copy=True, **kwargs):
        return np.array(obj, *args, copy=None if copy is False else copy, **kwargs)


@pytest.fixture
def stockpyl_serial(monkeypatch):
    """``stockpyl.ssm_serial.optimize_base_stock_levels`` made to run under NumPy 2."""
    import stockpyl.helpers
    from stockpyl import ssm_serial

    original = stockpyl.helpers.find_nearest
    monkeypatch.setattr(stockpyl.helpers, "np", _NumpyCopyShim())

    def find_nearest(array, values, sorted=False, index=None):
        found = original(array, values, sorted, index)
        return found[0] if np.ndim(values) == 0 else found  # NumPy 1 took a 1-array as scalar

    monkeypatch.setattr(ssm_serial, "find_nearest", find_nearest)
    return ssm_serial.optimize_base_stock_levels
