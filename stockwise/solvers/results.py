"""What a solve returns: why it stopped, what it found, and the numbers (Pyomo-style enums)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np


class SolverError(RuntimeError):
    """A solver could not be used or did not give a usable answer.

    backend : the backend's name; termination : why it stopped, when it ran at all
    """

    def __init__(self, message: str, *, backend: str = "", termination=None) -> None:
        super().__init__(message)
        self.backend = backend
        self.termination = termination


class TerminationCondition(StrEnum):
    """Why the solver stopped."""

    OPTIMAL = "optimal"
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    INFEASIBLE_OR_UNBOUNDED = "infeasible_or_unbounded"
    TIME_LIMIT = "time_limit"
    ITERATION_LIMIT = "iteration_limit"
    INTERRUPTED = "interrupted"
    ERROR = "error"
    UNKNOWN = "unknown"


class SolutionStatus(StrEnum):
    """What the solver found."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    NO_SOLUTION = "no_solution"


@dataclass(frozen=True, slots=True)
class SolveOptions:
    """Options every backend understands.

    time_limit : [s] wall-clock limit, ``None`` for none
    mip_gap : relative MIP gap at which to stop, ``None`` for the solver's default
    threads : number of threads, ``None`` for the solver's default
    verbose : stream the solver's log
    method : LP algorithm where the backend offers a choice: ``"simplex"``, ``"ipm"``
        (interior point) or ``"pdlp"``; ``None`` lets the backend choose
    native : extra options passed to the solver as they are (backend-specific names)
    warm_start : the ``warm_start`` of an earlier :class:`SolveResult` of a model with the
        same columns and rows (only bounds and costs changed): the solver starts from its
        basis; backends that cannot use it ignore it
    """

    time_limit: float | None = None
    mip_gap: float | None = None
    threads: int | None = None
    verbose: bool = False
    method: str | None = None
    native: Mapping[str, Any] = field(default_factory=dict)
    warm_start: Any = None

    def __post_init__(self) -> None:
        if self.time_limit is not None and self.time_limit <= 0:
            raise ValueError(f"time_limit must be positive seconds, got {self.time_limit}")
        if self.mip_gap is not None and not 0 <= self.mip_gap < 1:
            raise ValueError(f"mip_gap must be in [0, 1), got {self.mip_gap}")
        if self.threads is not None and self.threads < 1:
            raise ValueError(f"threads must be at least 1, got {self.threads}")
        if self.method not in (None, "simplex", "ipm", "pdlp"):
            raise ValueError(f"method must be simplex, ipm, pdlp or None, got {self.method!r}")


@dataclass(frozen=True, slots=True)
class Timings:
    """[s] where the time went.

    build : the backend's own model object made from the description (for highspy: the
        ``HighsLp`` arrays; for Pyomo: the ``ConcreteModel``)
    handoff : passing that object to the solving engine, as far as it can be told apart
    engine : the solving engine's own run time (the floor no interface can beat)
    """

    build: float = 0.0
    handoff: float = 0.0
    engine: float = 0.0

    @property
    def total(self) -> float:
        return self.build + self.handoff + self.engine


@dataclass(frozen=True, eq=False)
class SolveResult:
    """The outcome of :func:`stockwise.solvers.solve`.

    objective : optimal (or best found) objective value, including the model's offset
    bound : best proven bound on the objective (MIP), ``None`` when not reported
    gap : relative MIP gap, 0 for a solved LP, ``None`` when unknown
    x : primal value per model column, ``None`` without a solution
    duals : per constraint block, the row duals ∂objective/∂(row bound) in the model's own
        sense (for a binding ``<=`` row of a minimization, ≤ 0); ``None`` when the backend
        gives none (MIPs, CP-SAT, SciPy ``milp``)
    warm_start : an opaque starting point for a re-solve of a model with the same shape
        (HiGHS: the final basis of an LP), ``None`` when the backend gives none
    """

    backend: str
    termination: TerminationCondition
    status: SolutionStatus
    objective: float | None
    x: np.ndarray | None
    duals: dict[str, np.ndarray] | None
    columns: dict[str, slice]
    bound: float | None = None
    gap: float | None = None
    timings: Timings = field(default_factory=Timings)
    message: str = ""
    warm_start: Any = None

    @property
    def has_solution(self) -> bool:
        return self.x is not None and self.status in (
            SolutionStatus.OPTIMAL,
            SolutionStatus.FEASIBLE,
        )

    def values(self, block: str) -> np.ndarray:
        """Primal values of variable block ``block``."""
        if self.x is None:
            raise SolverError(f"no solution ({self.termination})", backend=self.backend)
        return self.x[self.columns[block]]

    def dual(self, block: str) -> np.ndarray:
        """Row duals of constraint block ``block``."""
        if self.duals is None:
            raise SolverError(f"{self.backend} gave no duals for this model", backend=self.backend)
        return self.duals[block]

    def raise_for_status(self) -> SolveResult:
        """Return ``self`` when a solution exists, else raise :class:`SolverError`."""
        if not self.has_solution:
            raise SolverError(
                f"{self.backend}: no solution ({self.termination}). {self.message}".strip(),
                backend=self.backend,
                termination=self.termination,
            )
        return self
