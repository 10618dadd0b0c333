"""Console tables (rich) of a policy comparison, for the CLI and the demo."""

from __future__ import annotations

from rich.table import Table

from stockwise.engine.simulation.result import SimulationResult

SHOWN = ("total_cost", "fill_rate", "cycle_service", "investment", "stockout_periods")


def _fmt(x: float, metric: str) -> str:
    if metric in ("fill_rate", "cycle_service"):
        return f"{x:.1%}"
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.2f}"


def comparison_table(result: SimulationResult, metrics=SHOWN) -> Table:
    """One row per policy: mean ± interval half-width of each metric."""
    summary = result.summary().set_index(["policy", "metric"])
    table = Table(
        title=f"Policies on the same {result.replications} futures x {result.periods} periods "
        f"(mean ± {result.confidence:.0%} half-width)"
    )
    table.add_column("policy")
    for metric in metrics:
        table.add_column(metric.replace("_", " "), justify="right")
    for name in result.policies:
        cells = []
        for metric in metrics:
            row = summary.loc[(name, metric)]
            half = (row["ci_high"] - row["ci_low"]) / 2
            cells.append(f"{_fmt(row['mean'], metric)} ± {_fmt(half, metric)}")
        table.add_row(name, *cells)
    return table


def paired_table(result: SimulationResult, baseline: str | None = None) -> Table:
    """Total cost and fill rate of each policy minus the baseline, paired per future."""
    paired = result.paired(baseline).set_index(["policy", "metric"])
    base = baseline or result.policies[0]
    table = Table(title=f"Paired differences against {base} (common random numbers)")
    for col in ("policy", "Δ total cost", "Δ fill rate", "significant (cost)"):
        table.add_column(col, justify="right" if col != "policy" else "left")
    for name in result.policies:
        if name == base:
            continue
        cost, fill = paired.loc[(name, "total_cost")], paired.loc[(name, "fill_rate")]
        table.add_row(
            name,
            f"{cost['difference']:+,.0f} [{cost['ci_low']:+,.0f}, {cost['ci_high']:+,.0f}]",
            f"{fill['difference']:+.1%} [{fill['ci_low']:+.1%}, {fill['ci_high']:+.1%}]",
            "yes" if cost["significant"] else "no",
        )
    return table
