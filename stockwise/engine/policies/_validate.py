"""Uniform parameter checks: every message names the parameter and what was expected."""

from __future__ import annotations

import math

import numpy as np


def positive(name: str, value: float) -> float:
    """``value`` as a float, or ValueError unless it is finite and > 0."""
    value = float(value)
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    return value


def nonnegative(name: str, value: float) -> float:
    """``value`` as a float, or ValueError unless it is finite and >= 0."""
    value = float(value)
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a non-negative number, got {value!r}")
    return value


def probability(name: str, value: float) -> float:
    """``value`` as a float, or ValueError unless 0 < value < 1."""
    value = float(value)
    if not 0 < value < 1:
        raise ValueError(f"{name} must lie strictly between 0 and 1, got {value!r}")
    return value


def pmf(name: str, values) -> np.ndarray:
    """A probability mass function over 0, 1, 2, ... units: non-negative, sums to 1."""
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a 1-D array of probabilities for 0, 1, 2, ... units")
    if (arr < 0).any() or not np.isfinite(arr).all():
        raise ValueError(f"{name} must hold finite non-negative probabilities")
    if abs(arr.sum() - 1.0) > 1e-8:
        raise ValueError(f"{name} must sum to 1, sums to {arr.sum():.10g}")
    return arr
