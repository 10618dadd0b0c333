"""The order-planning LP solved item by item (Dantzig–Wolfe over items).

Without shared limits the plan of one item never affects another's, so the LP falls apart
into one LP per item; purchase budgets, storage space and lane or supply capacity are the
rows that tie items together, and they become the master of a Dantzig–Wolfe decomposition
(:mod:`stockwise.solvers.decomposition`). On 1,008 item-locations x 13 weeks x 200
scenarios the whole LP did not finish in HiGHS's interior point (over 20 minutes for one
iteration); item by item it is a few seconds per item.
"""

from __future__ import annotations

import numpy as np

from stockwise.engine.planning.formulation import Formulation
from stockwise.solvers import SolveOptions, SolveResult
from stockwise.solvers.decomposition import complete_groups, solve_by_blocks

# Above this many columns ``plan_orders`` decomposes an LP by item by default.
AUTO_COLUMNS = 1_500_000


def item_groups(f: Formulation) -> np.ndarray:
    """The item of every column of ``f.model`` (``-1``: a column shared by items, which
    stays in the master), from the layout of the order, on-hand and shortage blocks."""
    return complete_groups(f.model, f.layout.item_of_columns(f.model.n_cols))


def solve_per_item(
    f: Formulation, options: SolveOptions | None = None, *, workers: int = 1
) -> SolveResult:
    """Solve the LP of ``f`` item by item; same optimum and duals as solving it whole."""
    return solve_by_blocks(f.model, item_groups(f), options, workers=workers)
