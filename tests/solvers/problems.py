"""Small problems with known optimal objective, primal and dual values (worked by hand).

Each ``Problem`` builds a fresh ``LinearModel``; ``duals`` are ∂objective/∂(row bound).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from stockwise.solvers import LinearModel


@dataclass(frozen=True)
class Problem:
    name: str
    build: Callable[[], LinearModel]
    objective: float | None  # None: infeasible
    primal: dict[str, list[float]] = field(default_factory=dict)
    duals: dict[str, list[float]] = field(default_factory=dict)


def production_mix() -> LinearModel:
    # max 3a + 5b  s.t.  a + 2b <= 14,  3a + 2b <= 18  →  (2, 6), 36; duals 9/4, 1/4.
    m = LinearModel("production_mix", sense="maximize")
    x = m.add_variables("make", 2, cost=[3.0, 5.0], labels=["chairs", "tables"])
    m.add_constraints("hours", {x: sp.csr_array([[1.0, 2.0], [3.0, 2.0]])}, upper=[14.0, 18.0])
    return m


def transportation() -> LinearModel:
    # Supplies 20, 40 (<=); demands 25, 25 (=); costs [[1, 3], [2, 1]].
    # Optimum ships 20 s1→d1, 5 s2→d1, 25 s2→d2: 55. Duals: s1 −1, s2 0, d1 2, d2 1.
    m = LinearModel("transportation")
    x = m.add_variables("ship", 4, cost=[1.0, 3.0, 2.0, 1.0])  # s1d1, s1d2, s2d1, s2d2
    m.add_constraints(
        "supply", {x: sp.csr_array([[1.0, 1.0, 0, 0], [0, 0, 1.0, 1.0]])}, upper=[20.0, 40.0]
    )
    m.add_constraints(
        "demand",
        {x: sp.csr_array([[1.0, 0, 1.0, 0], [0, 1.0, 0, 1.0]])},
        lower=[25.0, 25.0],
        upper=[25.0, 25.0],
    )
    return m


def ranged_free() -> LinearModel:
    # min 2x + y + 10, x and y free, 1 <= x − y <= 3, x + y >= 0.
    # y = −x on the second row, then x − y = 2x >= 1: x = 0.5, y = −0.5, objective 10.5.
    # Duals solve (2, 1) = y1 (1, −1) + y2 (1, 1): y1 = 0.5, y2 = 1.5.
    m = LinearModel("ranged_free", offset=10.0)
    v = m.add_variables("v", 2, lb=-np.inf, cost=[2.0, 1.0], labels=["x", "y"])
    m.add_constraints("range", {v: sp.csr_array([[1.0, -1.0]])}, lower=1.0, upper=3.0)
    m.add_constraints("sum", {v: sp.csr_array([[1.0, 1.0]])}, lower=0.0)
    return m


def knapsack() -> LinearModel:
    # Values 10, 13, 7, 8; weights 3, 4, 2, 3; capacity 7: take items 1 and 2 (value 23).
    m = LinearModel("knapsack", sense="maximize")
    x = m.add_variables("take", 4, ub=1.0, cost=[10.0, 13.0, 7.0, 8.0], integer=True)
    m.add_constraints("weight", {x: sp.csr_array([[3.0, 4.0, 2.0, 3.0]])}, upper=7.0)
    return m


def fixed_charge() -> LinearModel:
    # min 10 open + ship  s.t.  ship >= 3.5, ship <= 5 open, open binary → 13.5.
    m = LinearModel("fixed_charge")
    ship = m.add_variables("ship", 1, cost=1.0)
    open_ = m.add_variables("open", 1, ub=1.0, cost=10.0, integer=True)
    m.add_constraints("need", {ship: sp.csr_array([[1.0]])}, lower=3.5)
    m.add_constraints(
        "capacity", {ship: sp.csr_array([[1.0]]), open_: sp.csr_array([[-5.0]])}, upper=0.0
    )
    return m


def infeasible() -> LinearModel:
    m = LinearModel("infeasible")
    x = m.add_variables("x", 2, cost=1.0)
    m.add_constraints("too_much", {x: sp.csr_array([[1.0, 1.0]])}, lower=5.0)
    m.add_constraints("too_little", {x: sp.csr_array([[1.0, 1.0]])}, upper=3.0)
    return m


PROBLEMS = [
    Problem("production_mix", production_mix, 36.0, {"make": [2.0, 6.0]}, {"hours": [2.25, 0.25]}),
    Problem(
        "transportation",
        transportation,
        55.0,
        {"ship": [20.0, 0.0, 5.0, 25.0]},
        {"supply": [-1.0, 0.0], "demand": [2.0, 1.0]},
    ),
    Problem("ranged_free", ranged_free, 10.5, {"v": [0.5, -0.5]}, {"range": [0.5], "sum": [1.5]}),
    Problem("knapsack", knapsack, 23.0, {"take": [1.0, 1.0, 0.0, 0.0]}),
    Problem("fixed_charge", fixed_charge, 13.5, {"ship": [3.5], "open": [1.0]}),
    Problem("infeasible", infeasible, None),
]
