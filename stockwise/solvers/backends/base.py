"""What every backend declares and shares: features, availability, the row-dual split."""

from __future__ import annotations

import importlib.util
from abc import ABC, abstractmethod
from enum import StrEnum
from typing import ClassVar

import numpy as np

from stockwise.solvers.model import LinearModel
from stockwise.solvers.results import SolveOptions, SolverError, SolveResult


class Feature(StrEnum):
    """What a backend can do."""

    LP = "lp"  # continuous linear programs
    MIP = "mip"  # mixed-integer programs
    PURE_INTEGER = "pure_integer"  # integer programs with integer coefficients only
    DUALS = "duals"  # row duals of LPs
    EXPORT = "export"  # write LP / MPS files


class Backend(ABC):
    """One solver behind the common interface.

    Subclasses declare ``name``, ``modules`` (import names that must be installed) and
    ``features``, and implement :meth:`solve`. Solver packages are imported inside
    ``solve`` only, never at module load.
    """

    name: ClassVar[str]
    modules: ClassVar[tuple[str, ...]]
    features: ClassVar[frozenset[Feature]]

    @classmethod
    def available(cls) -> bool:
        """Whether the solver's packages are installed (probed without importing them)."""
        return all(importlib.util.find_spec(m) is not None for m in cls.modules)

    @classmethod
    def check(cls, model: LinearModel) -> None:
        """Raise :class:`SolverError` when this backend cannot take ``model``."""
        if not cls.available():
            raise SolverError(
                f"backend {cls.name!r} needs the package(s) {', '.join(cls.modules)}",
                backend=cls.name,
            )
        integer = model.integrality
        if integer.any() and Feature.MIP not in cls.features:
            if Feature.PURE_INTEGER not in cls.features or not integer.all():
                raise SolverError(
                    f"backend {cls.name!r} cannot solve this mixed-integer model "
                    f"({int(integer.sum())} of {model.n_cols} columns integer)",
                    backend=cls.name,
                )
        if not integer.any() and Feature.LP not in cls.features:
            raise SolverError(f"backend {cls.name!r} cannot solve LPs", backend=cls.name)

    @abstractmethod
    def solve(self, model: LinearModel, options: SolveOptions) -> SolveResult:
        """Solve ``model`` with ``options``; every backend returns the same result type."""


def split_rows(model: LinearModel, row_values: np.ndarray | None) -> dict[str, np.ndarray] | None:
    """Cut a vector over all rows into one array per constraint block."""
    if row_values is None:
        return None
    row_values = np.asarray(row_values, dtype=float)
    return {name: row_values[b.slice].copy() for name, b in model.constraints.items()}


def column_slices(model: LinearModel) -> dict[str, slice]:
    return {name: b.slice for name, b in model.variables.items()}
