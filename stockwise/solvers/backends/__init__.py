"""The backends, in order of preference (the first available one is the default)."""

from __future__ import annotations

from stockwise.solvers.backends.base import Backend, Feature
from stockwise.solvers.backends.highs import HighsBackend
from stockwise.solvers.backends.ortools import OrToolsBackend
from stockwise.solvers.backends.pyomo import PyomoBackend
from stockwise.solvers.backends.scipy import ScipyBackend

BACKENDS: dict[str, type[Backend]] = {
    "highs": HighsBackend,
    "pyomo": PyomoBackend,
    "ortools": OrToolsBackend,
    "scipy": ScipyBackend,
}

__all__ = ["BACKENDS", "Backend", "Feature"]
