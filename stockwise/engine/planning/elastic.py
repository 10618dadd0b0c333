"""When the limits cannot all hold: the smallest change of limits that makes a plan possible.

Phase one minimises the weighted slack of every limit entry (budgets and capacities move
first, in shares of their size; service targets only when nothing else helps); each entry
with a slack becomes a :class:`Relaxation` in planner words and in structured form.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stockwise.engine.planning.formulation import Formulation, formulate
from stockwise.engine.planning.problem import PlanningProblem
from stockwise.solvers import LinearModel, SolveOptions, SolveResult, solve

# Slack below this share of the limit (and below 1e-6 absolute) counts as no change.
REL_TOL = 1e-7


@dataclass(frozen=True, slots=True)
class Relaxation:
    """One limit that has to move for a plan to exist.

    constraint : ``budget``, ``supply``, ``lane_capacity``, ``storage``, ``fill_rate``,
        ``cycle_service`` or ``cvar``
    subject : what is limited ("purchase budget", "DC-NORTH", "SKU001 at ST03" ...)
    period : 1-based planning period, 0 for the whole horizon
    limit, required : the limit as given and the smallest limit that works (its unit)
    message : the same, in a planner's words
    """

    constraint: str
    subject: str
    period: int
    period_start: str
    limit: float
    required: float
    message: str

    @property
    def change(self) -> float:
        return self.required - self.limit


def find_relaxations(
    problem: PlanningProblem, solver: str, options: SolveOptions
) -> tuple[list[Relaxation], dict[str, np.ndarray], SolveResult]:
    """Solve the elastic model; the relaxations, the new row bounds per limit block, the result."""
    elastic = formulate(problem, elastic=True)
    result = solve(elastic.model, solver, options).raise_for_status()
    relaxations: list[Relaxation] = []
    new_bounds: dict[str, np.ndarray] = {}
    for kind, block in elastic.limits.items():
        slack = np.maximum(result.values(f"relax_{kind}"), 0.0)
        moved = slack > np.maximum(1e-6, REL_TOL * np.abs(block.row_bound))
        if not moved.any():
            continue
        # Loosen a hair more than the slack so the re-solve is not at the edge of feasibility.
        loosen = np.where(moved, slack * (1 + 1e-9) + 1e-9, 0.0)
        new_bounds[kind] = (block.row_bound + loosen)[block.entry_of_row]
        for e in np.flatnonzero(moved):
            required = block.limit[e] + slack[e] / block.to_row_units[e]
            period = int(block.period[e])
            label = problem.period_label(period) if period >= 0 else "horizon"
            relaxations.append(
                Relaxation(
                    constraint=kind,
                    subject=block.subject[e],
                    period=period + 1,
                    period_start=label,
                    limit=float(block.limit[e]),
                    required=float(required),
                    message=_message(
                        kind, block.subject[e], period, label, block.limit[e], required
                    ),
                )
            )
    return relaxations, new_bounds, result


def relaxed_model(f: Formulation, new_bounds: dict[str, np.ndarray]) -> LinearModel:
    """The planning model with each limit moved to its required value."""
    model = f.model
    for kind, upper in new_bounds.items():
        model = model.with_row_bounds(kind, upper=upper)
    return model


def _message(
    kind: str, subject: str, period: int, label: str, limit: float, required: float
) -> str:
    when = f"in period {period + 1} ({label})" if period >= 0 else "over the horizon"
    change = required - limit
    if kind == "budget":
        return (
            f"the {subject} {when} must rise from {limit:,.0f} to {required:,.0f} (+{change:,.0f})"
        )
    if kind == "supply":
        return (
            f"supplier {subject} must ship {required:,.0f} units {when}; its capacity is "
            f"{limit:,.0f} (+{change:,.0f})"
        )
    if kind == "lane_capacity":
        return (
            f"lane {subject} must carry {required:,.0f} units {when}; its capacity is "
            f"{limit:,.0f} (+{change:,.0f})"
        )
    if kind == "storage":
        return (
            f"{subject} needs {required:,.2f} of storage volume {when}; it has {limit:,.2f} "
            f"(+{change:,.2f})"
        )
    if kind == "fill_rate":
        return (
            f"the fill rate of {subject} can reach at most {required:.1%} {when} given "
            f"lead times, stock and the other limits; the target is {limit:.1%} "
            f"({100 * change:+.1f} pts)"
        )
    if kind == "cycle_service":
        return (
            f"the cycle service level of {subject} can reach at most {required:.1%} {when}; "
            f"the target is {limit:.1%} ({100 * change:+.1f} pts)"
        )
    if kind == "cycle_service_cvar":
        return (
            f"the cycle service target of {subject} cannot be guaranteed within the limits "
            f"above: its tail shortfall (CVaR) must be allowed {required:,.1f} units, not 0"
        )
    return (
        f"the shortage of {subject} must be allowed {required:,.1f} units; "
        f"the limit is {limit:,.1f}"
    )
