"""When the limits cannot all hold: the plan under the least costly change of limits.

The elastic model gives every limit entry a slack priced in shares of the limit's size
(:func:`~stockwise.engine.planning.formulation.formulate` with ``slack=True``): by default
service targets move first (a planner trades service before money or space) at the price
of losing every sale per whole target, and budgets and capacities cost ``PRIORITY`` times
more, so they move only when no service level helps (``RelaxFirst``). When the strict
model is infeasible, ``plan_orders`` solves this one: one solve gives the plan and the
limits it moved (so the report always agrees with the plan), and its optimum is the same
whatever solver finds it. (A two-phase version, smallest change first, then the
cheapest plan under it, took over 300 s in its first phase on the sample where the plan
itself took 5: with every cost zero, that LP is highly degenerate.)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stockwise.engine.planning.formulation import Formulation
from stockwise.engine.planning.limits import LimitKind

# Slack below this share of the limit (and below 1e-6 absolute) counts as no change.
REL_TOL = 1e-7


@dataclass(frozen=True, slots=True)
class Relaxation:
    """One limit that has to move for a plan to exist.

    constraint : the limit's kind (``budget``, ``supply``, ``lane_capacity``, ``storage``,
        ``fill_rate``, ``cycle_service``, ``cycle_service_cvar`` or ``cvar``)
    subject : what is limited ("purchase budget", "DC-NORTH", "SKU001 at ST03" ...)
    period : 1-based planning period, 0 for the whole horizon
    limit, required : the limit as given and the limit the plan needs (its unit)
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


def relaxations_of(f: Formulation, x: np.ndarray) -> list[Relaxation]:
    """The limits the elastic solution ``x`` moves, with the limit it needs."""
    problem = f.problem
    found: list[Relaxation] = []
    for kind, block in f.limits.items():
        slack = np.maximum(x[f.model.variables[f"relax_{kind}"].slice], 0.0)
        moved = slack > np.maximum(1e-6, REL_TOL * np.abs(block.row_bound))
        for e in np.flatnonzero(moved):
            required = block.limit[e] + slack[e] / block.to_row_units[e]
            period = int(block.period[e])
            label = problem.period_label(period) if period >= 0 else "horizon"
            found.append(
                Relaxation(
                    constraint=str(kind),
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
    return found


def _message(
    kind: LimitKind, subject: str, period: int, label: str, limit: float, required: float
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
