"""An order plan printed for a planner (rich tables): used by the CLI and the demo."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from stockwise.engine.planning.plan import OrderPlan


def print_plan(plan: OrderPlan, console: Console, top: int = 12) -> None:
    """Status and warnings, expected costs, service, budget use, the orders to place now,
    binding limits with shadow prices, and any limits that must move (the ``top`` largest of
    each list)."""
    for line in plan.summary()[: 3 if plan.has_plan else 2]:
        console.print(line, highlight=False)
    for warning in plan.warnings:
        console.print(f"[bold yellow]warning:[/] {escape(warning)}", highlight=False)
    if not plan.has_plan:
        console.print("[bold red]no plan[/]: " + str(plan.termination))
        _print_relaxations(plan, console, top)
        return
    costs = Table(title="Expected cost (over the horizon, discounted)")
    costs.add_column("component")
    costs.add_column("value", justify="right")
    for name, value in plan.costs.items():
        costs.add_row(name, f"{value:,.2f}")
    console.print(costs)

    service = plan.service
    worst = service.sort_values("fill_rate").head(top // 2)
    view = Table(
        title=f"Service: {len(service)} item-locations; the {len(worst)} lowest fill rates"
    )
    for col in ("item", "location", "expected demand", "fill rate", "target", "P(stock-out)"):
        view.add_column(col, justify="right")
    for r in worst.itertuples():
        target = r.fill_rate_target if np.isfinite(r.fill_rate_target) else r.cycle_service_target
        view.add_row(
            r.item,
            r.location,
            f"{r.expected_demand:,.1f}",
            f"{r.fill_rate:.1%}",
            "-" if not np.isfinite(target) else f"{target:.1%}",
            f"{r.stockout_probability:.1%}",
        )
    view.caption = (
        f"mean fill rate {service['fill_rate'].mean():.1%}, demand-weighted "
        f"{1 - service['expected_short'].sum() / service['expected_demand'].sum():.1%}"
    )
    console.print(view)

    budget = plan.usage[plan.usage["measure"] == "purchase spend"]
    spend = Table(title="Purchase spend per period")
    for col in ("period", "start", "spend", "budget", "use"):
        spend.add_column(col, justify="right")
    for r in budget.itertuples():
        spend.add_row(
            str(r.period),
            r.period_start,
            f"{r.used:,.0f}",
            "-" if not np.isfinite(r.limit) else f"{r.limit:,.0f}",
            "-" if not np.isfinite(r.share) else f"{r.share:.0%}",
        )
    console.print(spend)
    _print_firm_orders(plan, console, top)

    prices = plan.shadow_prices
    binding = prices[prices["binding"]].copy()
    binding["size"] = binding["shadow_price"].abs()
    binding = binding.sort_values("size", ascending=False).head(top)
    view = Table(
        title=f"Binding limits ({int(prices['binding'].sum())} of {len(prices)}); shadow price = "
        f"change of the objective per unit of the limit ({plan.shadow_prices_from})"
    )
    for col in ("limit", "subject", "period", "value", "shadow price"):
        view.add_column(col, justify="right")
    for r in binding.itertuples():
        view.add_row(
            r.constraint,
            r.subject,
            r.period_start,
            f"{r.limit:,.4g}",
            "n/a" if not np.isfinite(r.shadow_price) else f"{r.shadow_price:,.4g}",
        )
    console.print(view)
    _print_relaxations(plan, console, top)


def _print_firm_orders(plan: OrderPlan, console: Console, top: int) -> None:
    """The orders to place now, the ``top`` largest by purchase cost (then quantity): when
    each arrives (expected period), the stock it leaves at its destination, and why."""
    orders = plan.orders
    firm = orders[orders["firm"]] if len(orders) else orders
    projected = len(orders) - len(firm)
    if firm.empty:
        console.print(f"No order to place now ({projected} projected later order lines).")
        return
    shown = firm.sort_values(["purchase_cost", "quantity"], ascending=False).head(top)
    view = Table(
        title=f"Orders to place now: {len(firm)} lines, purchase cost "
        f"{firm['purchase_cost'].sum():,.0f}; the {len(shown)} largest"
    )
    for col in ("lane", "item", "quantity", "cost", "arrives", "stock"):
        view.add_column(col, justify="right", no_wrap=True)
    view.add_column("reason", min_width=20, ratio=1)
    for r in shown.itertuples():
        view.add_row(
            f"{r.origin} → {r.destination}",
            r.item,
            f"{r.quantity:,.0f}" if float(r.quantity).is_integer() else f"{r.quantity:,.2f}",
            f"{r.purchase_cost:,.0f}",
            "after" if pd.isna(r.arrival_period) else f"{r.arrival_period:g}",
            "-" if pd.isna(r.projected_stock) else f"{r.projected_stock:,.0f}",
            r.reason,
        )
    view.caption = (
        "arrives: expected period; stock: expected at the destination then, with the order "
        f"in. {projected} later order lines are projections, re-planned before they are "
        "placed; every line is in the orders table."
    )
    console.print(view)


def _print_relaxations(plan: OrderPlan, console: Console, top: int) -> None:
    if not plan.relaxations:
        return
    counts = Counter(r.constraint for r in plan.relaxations)
    console.print(
        "[bold yellow]The limits cannot all hold.[/] The plan above meets the smallest change "
        "that makes them possible: "
        + ", ".join(f"{n} {kind} limit(s)" for kind, n in counts.items())
    )
    order = ["budget", "supply", "lane_capacity", "storage"]
    ranked = sorted(
        plan.relaxations,
        key=lambda r: (
            order.index(r.constraint) if r.constraint in order else len(order),
            -abs(r.change) / max(abs(r.limit), 1.0),
        ),
    )
    for r in ranked[:top]:
        console.print(f"  - {r.message}", highlight=False)
    if len(ranked) > top:
        console.print(f"  ... and {len(ranked) - top} more (all in the plan's relaxations)")
