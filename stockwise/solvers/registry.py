"""Choosing a backend by name and solving with it."""

from __future__ import annotations

from stockwise.solvers.backends import BACKENDS, Backend, Feature
from stockwise.solvers.model import LinearModel
from stockwise.solvers.results import SolveOptions, SolverError, SolveResult

ALIASES = {"highs-direct": "highs", "highspy": "highs", "or-tools": "ortools"}


def get_backend(name: str = "highs") -> Backend:
    """The backend called ``name``: ``highs`` (alias ``highs-direct``), ``pyomo`` (Pyomo with
    ``appsi_highs``) or ``pyomo:<solver>`` for any Pyomo solver, ``ortools``, ``scipy``."""
    base, _, sub = name.partition(":")
    base = ALIASES.get(base.lower(), base.lower())
    if base not in BACKENDS:
        raise SolverError(
            f"unknown solver backend {name!r}; expected one of {', '.join(available())}",
            backend=name,
        )
    cls = BACKENDS[base]
    if sub:
        if base != "pyomo":
            raise SolverError(f"only the pyomo backend takes a sub-solver, got {name!r}")
        return cls(sub)
    return cls()


def available() -> list[str]:
    """Names of the backends whose packages are installed, in order of preference."""
    return [name for name, cls in BACKENDS.items() if cls.available()]


def capabilities() -> dict[str, frozenset[Feature]]:
    """What each backend can do (declared, not probed)."""
    return {name: cls.features for name, cls in BACKENDS.items()}


def solve(
    model: LinearModel, backend: str = "highs", options: SolveOptions | None = None
) -> SolveResult:
    """Solve ``model`` with the backend named ``backend`` (see :func:`get_backend`).

    Returns a :class:`SolveResult` whatever the outcome (check ``.status`` or call
    ``.raise_for_status()``); raises :class:`SolverError` only when the backend cannot be
    used for this model at all (not installed, or no MIP support).
    """
    chosen = get_backend(backend)
    chosen.check(model)
    return chosen.solve(model, options or SolveOptions())
