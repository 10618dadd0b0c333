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
from stockwise.engine.planning.kpis import unpack
from stockwise.solvers import SolveOptions, SolveResult
from stockwise.solvers.decomposition import complete_groups, solve_by_blocks

# Above this many columns ``plan_orders`` decomposes an LP by item by default.
AUTO_COLUMNS = 1_500_000


def item_groups(f: Formulation) -> np.ndarray:
    """The item of every column of ``f.model`` (``-1``: a column shared by items, which
    stays in the master), from the layout of the order, on-hand and shortage blocks."""
    p, model = f.problem, f.model
    groups = np.full(model.n_cols, -1, dtype=np.int64)
    # the blocks' own layout, read through unpack: column numbers in place of values
    order, on_hand, short = (
        c.astype(np.int64) for c in unpack(f, np.arange(model.n_cols, dtype=float))
    )
    item_of_key = np.arange(p.n_keys) % p.n_items  # key k = location * I + item
    groups[order] = np.arange(p.n_items)[None, :, None]
    groups[on_hand] = item_of_key[None, :, None]
    groups[short] = item_of_key[f.demand_keys][None, :, None]
    return complete_groups(model, groups)


def solve_per_item(
    f: Formulation, options: SolveOptions | None = None, *, workers: int = 1
) -> SolveResult:
    """Solve the LP of ``f`` item by item; same optimum and duals as solving it whole."""
    return solve_by_blocks(f.model, item_groups(f), options, workers=workers)
