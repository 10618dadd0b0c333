"""Efficient frontiers: inventory investment against service level and expected cost.

Each point re-solves the budgeted base-stock problem of :mod:`.saa`. Along a budget sweep
the feasible set only grows, so the best achievable fill rate never falls and the least
expected cost never rises as the budget grows. A target sweep gives, for each fill-rate
target, the least investment that reaches it and the least cost of doing so.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from stockwise.engine.policies.saa import (
    Objective,
    SAAProblem,
    minimum_budget,
    optimize_base_stock,
)

BUDGET_COLUMNS = (
    "budget",
    "max_fill_rate",
    "investment_at_max_fill_rate",
    "min_expected_cost",
    "fill_rate_at_min_cost",
    "investment_at_min_cost",
    "cost_budget_shadow_price",
)


def budget_frontier(
    problem: SAAProblem,
    budgets: Sequence[float] | None = None,
    *,
    points: int = 15,
    floor: np.ndarray | None = None,
) -> pd.DataFrame:
    """One row per budget [currency]: the best fill rate it can buy (objective "shortage")
    and the least expected holding + shortage cost within it (objective "cost").

    budgets : default ``points`` budgets from the least investment the floor needs to the
        investment of the unconstrained cost optimum
    Columns: ``budget``, ``max_fill_rate``, ``investment_at_max_fill_rate``,
    ``min_expected_cost`` [currency / period], ``fill_rate_at_min_cost``,
    ``investment_at_min_cost``, ``cost_budget_shadow_price`` (∂cost/∂budget, ≤ 0).
    """
    if budgets is None:
        if points < 2:
            raise ValueError(f"points must be at least 2, got {points}")
        low = minimum_budget(problem, None, floor)
        high = optimize_base_stock(problem, floor=floor).investment
        budgets = np.linspace(low, max(high, low), points)
    rows = []
    for budget in budgets:
        best_service = optimize_base_stock(
            problem, budget=float(budget), floor=floor, objective=Objective.SHORTAGE
        )
        best_cost = optimize_base_stock(problem, budget=float(budget), floor=floor)
        rows.append(
            (
                float(budget),
                best_service.aggregate_fill_rate,
                best_service.investment,
                best_cost.expected_cost,
                best_cost.aggregate_fill_rate,
                best_cost.investment,
                best_cost.budget_shadow_price,
            )
        )
    return pd.DataFrame(rows, columns=list(BUDGET_COLUMNS))


def target_frontier(problem: SAAProblem, targets: Sequence[float]) -> pd.DataFrame:
    """One row per fill-rate target (applied to every cell): the least investment that
    meets it and the least expected cost with it. Columns: ``fill_rate_target``,
    ``min_investment``, ``min_expected_cost``, ``investment_at_min_cost``."""
    rows = []
    for target in targets:
        need = minimum_budget(problem, target)
        cheapest = optimize_base_stock(problem, fill_rate=target)
        rows.append((float(target), need, cheapest.expected_cost, cheapest.investment))
    return pd.DataFrame(
        rows,
        columns=[
            "fill_rate_target",
            "min_investment",
            "min_expected_cost",
            "investment_at_min_cost",
        ],
    )


def plot_frontier(table: pd.DataFrame, path: str | Path, *, currency: str = "") -> Path:
    """Write a two-panel PNG (Agg backend) of a :func:`budget_frontier` table (investment
    vs best fill rate, vs least cost) or a :func:`target_frontier` table (target vs least
    investment, vs least cost)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4), constrained_layout=True)
    unit = f" [{currency}]" if currency else ""
    value = f"expected on-hand inventory value{unit}"
    cost = f"expected holding + shortage cost per period{unit}"
    if "fill_rate_target" in table:
        target = 100 * table["fill_rate_target"]
        left.plot(target, table["min_investment"], "o-")
        left.set_xlabel("fill-rate target [%]")
        left.set_ylabel(f"least {value}")
        left.set_title("Service target vs investment")
        right.plot(target, table["min_expected_cost"], "o-", color="C1")
        right.set_xlabel("fill-rate target [%]")
        right.set_ylabel(f"least {cost}")
        right.set_title("Service target vs expected cost")
    else:
        left.plot(table["investment_at_max_fill_rate"], 100 * table["max_fill_rate"], "o-")
        left.set_xlabel(value)
        left.set_ylabel("best achievable fill rate [%]")
        left.set_title("Investment vs service")
        right.plot(table["investment_at_min_cost"], table["min_expected_cost"], "o-", color="C1")
        right.set_xlabel(value)
        right.set_ylabel(cost)
        right.set_title("Investment vs expected cost")
    for ax in (left, right):
        ax.grid(alpha=0.3)
    path = Path(path)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
