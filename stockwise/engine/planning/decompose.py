"""The order-planning LP solved item by item (Dantzig–Wolfe over items).

Without shared limits the plan of one item never affects another's, so the LP falls apart
into one LP per item; purchase budgets, storage space and lane or supply capacity are the
rows that tie items together, and they become the master of a Dantzig–Wolfe decomposition
(:mod:`stockwise.solvers.decomposition`).

Since later orders adapt per scenario, budgets and storage are limits per scenario, so the
master holds about ``S x (T - 1) + S x locations x T`` rows and column generation needs
many rounds whenever a limit binds: on 10 items x 13 weeks x 50 scenarios with a binding
budget it took 45 s where the whole LP took 8 s (2 rounds and 3.3 s against 8.1 s when
nothing binds). So ``plan_orders`` solves the whole LP unless asked (``decompose=True``).
"""

from __future__ import annotations

import numpy as np

from stockwise.engine.planning.formulation import Formulation
from stockwise.solvers import SolveOptions, SolveResult
from stockwise.solvers.decomposition import complete_groups, solve_by_blocks


def item_groups(f: Formulation) -> np.ndarray:
    """The item of every column of ``f.model`` (``-1``: a column shared by items, which
    stays in the master), from the layout of the order, on-hand and shortage blocks."""
    return complete_groups(f.model, f.layout.item_of_columns(f.model.n_cols))


def solve_per_item(
    f: Formulation, options: SolveOptions | None = None, *, workers: int = 1
) -> SolveResult:
    """Solve the LP of ``f`` item by item; same optimum and duals as solving it whole."""
    return solve_by_blocks(f.model, item_groups(f), options, workers=workers)
