"""Run stockpyl 1.0.2's serial optimizer under NumPy 2 (a test and benchmark aid; stockpyl
is the independent oracle, never a dependency of the package)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np


class _NumpyCopyShim:
    """stockpyl calls ``np.array(..., copy=False)``, an error under NumPy 2; this passes
    ``copy=None`` (copy only when needed), NumPy 1's meaning."""

    def __getattr__(self, name):
        return getattr(np, name)

    @staticmethod
    def array(obj, *args, copy=True, **kwargs):
        return np.array(obj, *args, copy=None if copy is False else copy, **kwargs)


@contextmanager
def numpy2_serial() -> Iterator:
    """Yield ``stockpyl.ssm_serial.optimize_base_stock_levels`` patched to run under
    NumPy 2; everything is restored on exit."""
    import stockpyl.helpers
    from stockpyl import ssm_serial

    original_np, original_find = stockpyl.helpers.np, ssm_serial.find_nearest

    def find_nearest(array, values, sorted=False, index=None):
        found = original_find(array, values, sorted, index)
        return found[0] if np.ndim(values) == 0 else found  # NumPy 1 took a 1-array as scalar

    stockpyl.helpers.np = _NumpyCopyShim()
    ssm_serial.find_nearest = find_nearest
    try:
        yield ssm_serial.optimize_base_stock_levels
    finally:
        stockpyl.helpers.np = original_np
        ssm_serial.find_nearest = original_find
