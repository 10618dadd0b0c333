"""``stockwise demo``: the whole pipeline on the built-in sample data.

Each capability adds one step function here; steps run in order and share a ``DemoState``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from stockwise.data import Dataset, load_dataset, write_dataset
from stockwise.data.sample import generate
from stockwise.data.summary import demand_classes
from stockwise.engine.planning.task import PlanSettings

# The demo's plan: the planner's defaults with fewer scenarios, so the demo runs in a
# few minutes (the plan says how many its service levels would need).
DEMO_PLAN = PlanSettings(scenarios=40)


@dataclass
class DemoState:
    """What the demo steps hand to each other."""

    out_dir: Path
    seed: int
    console: Console
    dataset: Dataset | None = None
    results: dict[str, Any] = field(default_factory=dict)


def step_data(state: DemoState) -> None:
    """Generate the sample, write it, load and validate it back, and summarise it."""
    data_dir = state.out_dir / "data"
    write_dataset(generate(state.seed), data_dir)
    dataset = load_dataset(data_dir)
    state.dataset = dataset
    con = state.console
    con.rule("[bold]1. Sample data")
    con.print(f"written to {data_dir} and validated: no problems found")
    kinds: dict[str, list[str]] = {}
    for loc in dataset.locations:
        kinds.setdefault(loc.kind.value, []).append(loc.location)
    net = Table(title="Network")
    for col in ("kind", "count", "locations"):
        net.add_column(col)
    for kind, names in kinds.items():
        net.add_row(
            kind, str(len(names)), ", ".join(names[:6]) + (" ..." if len(names) > 6 else "")
        )
    con.print(net)
    lanes = Table(title="Lanes (by echelon)")
    for col in ("from → to", "lanes", "lead time (periods)", "transport (per unit)"):
        lanes.add_column(col)
    groups: dict[str, list] = {}
    for lane in dataset.lanes:
        groups.setdefault(
            f"{dataset.location(lane.origin).kind.value} → "
            f"{dataset.location(lane.destination).kind.value}",
            [],
        ).append(lane)
    for name, group in groups.items():
        lane = group[0]
        lanes.add_row(
            name,
            str(len(group)),
            f"{lane.lead_time_mean:g} ± {lane.lead_time_sd:g}",
            f"{lane.transport_cost:g}",
        )
    con.print(lanes)
    classes = demand_classes(dataset.demand)
    frame = dataset.demand.frame
    stats = Table(title="Demand history")
    stats.add_column("measure")
    stats.add_column("value", justify="right")
    cats = sorted({i.category for i in dataset.items})
    rows = [
        ("items / categories", f"{len(dataset.items)} / {len(cats)}"),
        ("series (item x store)", f"{len(classes)}"),
        (
            "periods",
            f"{frame['period'].nunique()} ({frame['period'].min():%Y-%m-%d} .. "
            f"{frame['period'].max():%Y-%m-%d})",
        ),
        ("mean demand per series-period", f"{frame['quantity'].mean():.2f} units"),
        ("zero periods", f"{(frame['quantity'] == 0).mean():.1%}"),
        ("promotion periods", f"{frame['promo'].mean():.1%}"),
        ("series with > 50 % zero periods", f"{(classes['zero_share'] > 0.5).mean():.1%}"),
    ]
    for cls, count in classes["demand_class"].value_counts().items():
        rows.append((f"demand class: {cls} (Syntetos–Boylan)", str(count)))
    for name, value in rows:
        stats.add_row(name, value)
    con.print(stats)


def step_policies(state: DemoState) -> None:
    """Safety stocks and order-up-to levels for every location and item: closed form (the
    data's service targets), SAA over the forecast's futures (the least stock meeting the
    targets) when the forecast step ran,
    guaranteed-service placement, and the budget frontier. Stores the optimized base-stock
    policy in ``state.results["base_stock_policy"]`` (the SAA one when a forecast exists)."""
    from stockwise.engine.policies.dataset import budget_frontier_for, plan_policy
    from stockwise.engine.policies.frontier import plot_frontier

    assert state.dataset is not None
    con = state.console
    con.rule("[bold]Policies: safety stock, placement, frontier")
    dataset = state.dataset
    unit_cost = {item.item: item.unit_cost for item in dataset.items}
    plans = {
        "closed form (history)": plan_policy(dataset, "base-stock"),
        "guaranteed service (GSM)": plan_policy(dataset, "gsm"),
    }
    if "forecast" in state.results:
        from stockwise.scenarios import from_forecast

        futures = from_forecast(
            state.results["forecast"], 200, seed=state.seed, lanes=dataset.lanes
        )
        plans["SAA (forecast futures)"] = plan_policy(
            dataset, "base-stock", scenario_set=futures, least_stock=True
        )
    out = state.out_dir / "policies"
    out.mkdir(parents=True, exist_ok=True)
    for name, plan in plans.items():
        slug = name.split(" (")[0].replace(" ", "_")
        plan.table.to_csv(out / f"{slug}.csv", index=False)
    view = Table(title="Safety-stock value by echelon (service targets from the data)")
    view.add_column("echelon")
    view.add_column("cells", justify="right")
    for name in plans:
        view.add_column(name, justify="right")
    kinds = {loc.location: loc.kind.value for loc in dataset.locations}
    for kind in ("dc", "store"):
        rows = [p.table[p.table["location"].map(kinds) == kind] for p in plans.values()]
        values = [(r["safety_stock"] * r["item"].map(unit_cost)).sum() for r in rows]
        view.add_row(kind, str(len(rows[0])), *(f"{v:,.0f}" for v in values))
    con.print(view)
    frontier = budget_frontier_for(dataset, points=6, scenarios=100, seed=state.seed)
    frontier.to_csv(out / "frontier.csv", index=False)
    plot_frontier(frontier, out / "frontier.png")
    table = Table(title="Efficient frontier: expected on-hand inventory value vs service")
    for col in ("budget", "best fill rate", "least cost / period", "∂cost/∂budget"):
        table.add_column(col, justify="right")
    for row in frontier.itertuples():
        table.add_row(
            f"{row.budget:,.0f}",
            f"{row.max_fill_rate:.1%}",
            f"{row.min_expected_cost:,.0f}",
            f"{row.cost_budget_shadow_price:.4f}",
        )
    con.print(table)
    con.print(f"tables and frontier plot written to {out}")
    best = plans.get("SAA (forecast futures)", plans["closed form (history)"])
    state.results["base_stock_policy"] = best.policy
    state.results["gsm_policy"] = plans["guaranteed service (GSM)"].policy


def step_forecast(state: DemoState) -> None:
    """Forecast the sample demand: accuracy on a held-out tail of 8 weeks against seasonal
    naive, then 500 sample paths of the next 13 weeks, stored as ``state.results["forecast"]``
    (a ``ForecastResult``) for the planning steps."""
    from stockwise.forecasting import LocalForecaster, backtest
    from stockwise.forecasting.auto import AutoMethod, fast_candidates
    from stockwise.forecasting.io import save_forecast
    from stockwise.forecasting.naive import SeasonalNaive

    assert state.dataset is not None
    con = state.console
    con.rule("[bold]Forecast: sample paths and held-out accuracy")
    history = state.dataset.demand

    def auto() -> LocalForecaster:  # the fast candidate set keeps the demo to seconds
        return LocalForecaster(AutoMethod(horizon=8, candidates=fast_candidates()))

    def naive() -> LocalForecaster:
        return LocalForecaster(SeasonalNaive())

    held_out = backtest(
        history, {"auto": auto, "seasonal naive": naive}, horizon=8, folds=1, seed=state.seed
    )
    view = Table(title="Last 8 weeks held out (mean over series; coverage: nominal 80 % / 95 %)")
    for col in ("model", "MASE", "RMSSE", "scaled pinball", "80 % covered", "95 % covered"):
        view.add_column(col, justify="right")
    for row in held_out.summary.itertuples():
        view.add_row(
            row.model,
            f"{row.mase:.3f}",
            f"{row.rmsse:.3f}",
            f"{row.spl:.3f}",
            f"{row.cov80:.0%}",
            f"{row.cov95:.0%}",
        )
    con.print(view)
    result = auto().fit(history).predict(horizon=13, n_paths=500, seed=state.seed)
    path = save_forecast(result, state.out_dir / "forecast" / "forecast.npz")
    save_forecast(result, state.out_dir / "forecast" / "quantiles.csv")
    chosen = result.models["model"].value_counts()
    con.print(
        f"{len(result.keys)} series x {result.n_paths} paths x {result.horizon} weeks → {path}; "
        "models chosen: " + ", ".join(f"{name} {count}" for name, count in chosen.items())
    )
    state.results["forecast"] = result


def step_simulate(state: DemoState) -> None:
    """The order plan in closed loop: re-planned every week on a look-ahead that never
    shrinks, against a rule of thumb, optimised base stock (SAA levels) and echelon base
    stock (GSM), on common futures of the sample's own demand process, with storage and the
    purchase budget binding in busy weeks (:mod:`stockwise.engine.simulation.closed_loop`);
    says plainly whether the plan wins; writes the HTML report."""
    from stockwise.engine.simulation.closed_loop import DEMO, run, verdict
    from stockwise.reports import write_report
    from stockwise.reports.tables import comparison_table, paired_table

    con = state.console
    con.rule("[bold]Closed loop: the plan against base-stock policies on the same futures")
    case = dataclasses.replace(DEMO, seed=state.seed)
    con.print(
        f"the sample's first {case.items} items at every location (storage and budget scaled "
        f"to their share); {case.replications} futures x {case.periods} weeks; the plan is "
        f"re-planned every week over {case.horizon} weeks with {case.scenarios} scenarios"
    )
    with con.status("simulating (re-planning every week in every future) ..."):
        result = run(case)
    con.print(comparison_table(result))
    con.print(paired_table(result, "plan"))
    table = verdict(case, result)
    for row in table.itertuples():
        better = "better" if row.plan_better else "NOT better"
        con.print(
            f"plan vs {row.against}: {case.measure} {row.plan_minus_other:+,.0f} "
            f"[{row.ci_low:+,.0f}, {row.ci_high:+,.0f}] per future: the plan is {better} "
            "at 95 % confidence"
        )
    run_ = result.runs["plan"]
    con.print(
        f"re-planning: {run_.plans} plans solved in {run_.planning_time:.1f} s "
        f"({run_.planning_time / max(run_.plans, 1):.2f} s each)"
    )
    report = write_report(
        result,
        state.out_dir / "report.html",
        title="stockwise demo: the re-planned order plan against base-stock policies",
        notes=[
            f"The sample's first {case.items} items at every location, storage and budget "
            "scaled to their share; futures drawn from the sample's own demand process."
        ],
    )
    con.print(f"report written to {report}")
    state.results["simulation"] = result
    state.results["verdict"] = table


def step_plan(state: DemoState) -> None:
    """Plan orders for the next 13 weeks over the forecast's sample paths (from history
    when the forecast step did not run), under the sample's budget, storage and service
    targets, with the planner's own defaults (:class:`PlanSettings`); print the status and
    warnings, the orders to place now and why, the binding limits with their shadow prices,
    and anything that must change."""
    from stockwise.engine.planning import plan_dataset
    from stockwise.engine.planning.report import print_plan

    assert state.dataset is not None
    con = state.console
    con.rule("[bold]Order plan: two-stage stochastic optimization (HiGHS)")
    settings = DEMO_PLAN
    forecast = state.results.get("forecast")
    source = "the forecast's sample paths" if forecast is not None else "the history"
    con.print(
        f"{settings.scenarios} scenarios of {settings.horizon} weeks from {source}, lead "
        "times drawn; orders of this week decided now, later ones adapt to each scenario"
    )
    with con.status("planning ...") as status:
        plan = plan_dataset(
            state.dataset, settings, forecast=forecast, progress=lambda line: status.update(line)
        )
    print_plan(plan, con, top=8)
    if plan.has_plan:
        path = state.out_dir / "plan" / "plan.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        plan.orders.to_csv(path, index=False)
        plan.shadow_prices.to_csv(path.with_name("plan_limits.csv"), index=False)
        con.print(f"{len(plan.orders)} order lines → {path}")
    state.results["plan"] = plan


STEPS: list[Callable[[DemoState], None]] = [
    step_data,
    step_forecast,
    step_plan,
    step_policies,
    step_simulate,
]


def run_demo(out_dir: Path, seed: int, console: Console) -> DemoState:
    """Run every demo step in order; returns the final state (for tests)."""
    state = DemoState(out_dir=out_dir, seed=seed, console=console)
    for step in STEPS:
        step(state)
    return state
