"""Replenishment policies the simulator can run: frozen data, no string dispatch.

Parameter arrays are ``locations x items`` in the order of ``Dataset.locations`` and
``Dataset.items`` [units]; NaN means the policy does not stock that item there (sources).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from stockwise.engine.planning.task import PlanSettings


@runtime_checkable
class Policy(Protocol):
    """Anything with a display name that the simulator knows how to run."""

    @property
    def name(self) -> str: ...


@dataclass(frozen=True, eq=False)
class BaseStock:
    """Order up to ``order_up_to`` every review. ``echelon=True`` measures the inventory
    position over the location and everything downstream of it (echelon base stock)."""

    order_up_to: np.ndarray
    echelon: bool = False
    name: str = "base-stock"


@dataclass(frozen=True, eq=False)
class SS:
    """(s, S): when the inventory position is at or below ``reorder_point`` (s), order up
    to ``order_up_to`` (S)."""

    reorder_point: np.ndarray
    order_up_to: np.ndarray
    name: str = "(s,S)"


@dataclass(frozen=True, eq=False)
class RQ:
    """(r, Q): while the inventory position is at or below ``reorder_point`` (r), order
    ``order_quantity`` (Q)."""

    reorder_point: np.ndarray
    order_quantity: np.ndarray
    name: str = "(r,Q)"


@dataclass(frozen=True, eq=False)
class RS:
    """(R, S): every ``review_period`` periods, order up to ``order_up_to``."""

    review_period: int
    order_up_to: np.ndarray
    name: str = "(R,S)"


@dataclass(frozen=True)
class FollowPlan:
    """Follow the optimizer's order plan, re-planning every ``replan_every`` periods over a
    rolling ``horizon`` with ``n_scenarios`` scenarios (the planner's own defaults,
    :class:`~stockwise.engine.planning.PlanSettings`)."""

    replan_every: int = PlanSettings().first_stage
    horizon: int = PlanSettings().horizon
    n_scenarios: int = PlanSettings().scenarios
    name: str = "plan + re-plan"
