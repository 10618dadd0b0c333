"""The ``stockwise`` command.

Each sub-command loads its inputs, calls one library function, and prints the result;
no planning logic lives here.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from stockwise.data import Dataset, ValidationError, load_dataset, write_dataset
from stockwise.data.schema import TABLES
from stockwise.engine.planning import PlanSettings, RelaxFirst

app = typer.Typer(
    help="Probabilistic demand forecasting and multi-echelon inventory planning.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()
err_console = Console(stderr=True)

DataDir = Annotated[Path, typer.Argument(help="Folder with items, locations, lanes, demand ...")]


def load_or_exit(folder: Path) -> Dataset:
    """Load ``folder``; on bad input print every problem and exit with status 1."""
    try:
        return load_dataset(folder)
    except ValidationError as err:
        print_issues(err)
        raise typer.Exit(1) from err


def print_issues(err: ValidationError) -> None:
    err_console.print(f"[bold red]{len(err.issues)} problem(s) found:[/]")
    for issue in err.issues:
        err_console.print(f"  - {issue}", markup=False, highlight=False, soft_wrap=True)


@app.command()
def validate(folder: DataDir) -> None:
    """Check a data folder; print every problem (file, row, column, rule) and exit 1 if any."""
    dataset = load_or_exit(folder)
    console.print(
        f"[green]OK[/]: {len(dataset.items)} items, {len(dataset.locations)} locations, "
        f"{len(dataset.lanes)} lanes, {len(dataset.demand.frame)} demand rows"
    )


@app.command("sample-data")
def sample_data(
    out_dir: Annotated[Path, typer.Argument(help="Folder to write the sample files to")],
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same data")] = 0,
    fmt: Annotated[str, typer.Option("--format", help="csv or parquet")] = "csv",
) -> None:
    """Write the built-in sample retail network and its sales history."""
    from stockwise.data.sample import generate

    paths = write_dataset(generate(seed), out_dir, fmt)
    console.print(f"wrote {len(paths)} files to {out_dir}")


@app.command()
def schema() -> None:
    """Print the input schema: every file, column, unit and whether it is required."""
    for table in TABLES.values():
        view = Table(
            title=f"{table.name} ({'required' if table.required else 'optional'}): {table.doc}"
        )
        for header in ("column", "type", "required", "unit", "meaning"):
            view.add_column(header)
        for c in table.columns:
            kind = c.kind if c.kind != "enum" else " | ".join(c.choices)
            view.add_row(c.name, kind, "yes" if c.required else "no", c.unit, c.doc)
        console.print(view)


@app.command()
def demo(
    out_dir: Annotated[Path, typer.Option(help="Where the demo writes its files")] = Path(
        "demo-out"
    ),
    seed: Annotated[int, typer.Option(help="Random seed")] = 0,
) -> None:
    """Run the main job on the built-in sample data, end to end."""
    from stockwise.demo import run_demo

    run_demo(out_dir, seed, console)


admin_app = typer.Typer(help="Operate the HTTP API: database migrations, users.")
app.add_typer(admin_app, name="admin")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    workers: Annotated[
        int | None, typer.Option(help="Job worker threads in the API process (0: external)")
    ] = None,
) -> None:
    """Run the HTTP API (OpenAPI docs at /docs). Settings: STOCKWISE_* environment variables."""
    import uvicorn

    from stockwise.api import Settings, create_app

    overrides = {} if workers is None else {"workers": workers}
    uvicorn.run(create_app(Settings(**overrides)), host=host, port=port, log_config=None)


@app.command()
def worker(
    threads: Annotated[int, typer.Option(help="Jobs run at once")] = 1,
) -> None:
    """Run jobs from the API's queue in this process (for `serve --workers 0`)."""
    from stockwise.api import Settings
    from stockwise.api.admin import run_worker

    run_worker(Settings(), threads)


@admin_app.command("migrate")
def admin_migrate() -> None:
    """Create or upgrade the API database schema (Alembic)."""
    from stockwise.api import Settings
    from stockwise.api.admin import migrate_database

    console.print(f"database at head: {migrate_database(Settings())}")


@admin_app.command("create-user")
def admin_create_user(
    username: Annotated[str, typer.Argument(help="Login name")],
    role: Annotated[str, typer.Option(help="viewer, analyst, planner or admin")] = "admin",
    password: Annotated[
        str,
        typer.Option(
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            envvar="STOCKWISE_PASSWORD",
            help="Prompted for, or read from STOCKWISE_PASSWORD; at least 8 characters",
        ),
    ] = ...,
) -> None:
    """Create an API user (the first admin, typically)."""
    from pydantic import ValidationError as InvalidInput

    from stockwise.api import Settings
    from stockwise.api.admin import create_user
    from stockwise.api.models import Role

    try:
        user = create_user(Settings(), username, password, Role(role))
    except (ValueError, InvalidInput) as err:
        err_console.print(f"[red]cannot create user:[/] {err}")
        raise typer.Exit(1) from err
    console.print(f"created {user.role} {user.username!r} (id {user.id})")


@app.command()
def policy(
    folder: DataDir,
    kind: Annotated[
        str, typer.Option(help="base-stock | ss | rq | gsm (guaranteed-service placement)")
    ] = "base-stock",
    service_level: Annotated[
        float | None,
        typer.Option(help="Target for every location and item, e.g. 0.95 (default: the data's)"),
    ] = None,
    service_kind: Annotated[
        str | None, typer.Option(help="fill_rate | cycle_service (with --service-level)")
    ] = None,
    budget: Annotated[
        float | None,
        typer.Option(help="Cap on expected on-hand inventory value (base-stock only; SAA)"),
    ] = None,
    scenarios: Annotated[int, typer.Option(help="Demand scenarios for --budget")] = 200,
    seed: Annotated[int, typer.Option(help="Random seed for --budget")] = 0,
    forecast_file: Annotated[
        Path | None,
        typer.Option(
            "--forecast",
            help="Sample paths (.npz from `stockwise forecast`): base-stock levels by SAA "
            "over futures drawn from them instead of history",
        ),
    ] = None,
    least_stock: Annotated[
        bool,
        typer.Option(help="Base-stock by SAA: the least stock meeting the targets, not least cost"),
    ] = False,
    out: Annotated[Path, typer.Option(help="Where to write the table (.csv or .parquet)")] = Path(
        "policy.csv"
    ),
) -> None:
    """Reorder points, order-up-to levels and safety stocks per location and item."""
    from stockwise.engine.policies.dataset import plan_policy

    dataset = load_or_exit(folder)
    try:
        futures = None
        if forecast_file is not None:
            from stockwise.forecasting.io import load_forecast
            from stockwise.scenarios import from_forecast

            futures = from_forecast(
                load_forecast(forecast_file), scenarios, seed=seed, lanes=dataset.lanes
            )
        plan = plan_policy(
            dataset,
            kind,
            service_level=service_level,
            service_kind=service_kind,
            budget=budget,
            scenarios=scenarios,
            seed=seed,
            scenario_set=futures,
            least_stock=least_stock,
        )
    except (ValueError, OSError) as err:
        err_console.print(f"[red]cannot compute the policy:[/] {err}", markup=True)
        raise typer.Exit(1) from err
    _write_table(plan.table, out)
    table = plan.table
    view = Table(title=f"{kind} policy: {len(table)} location x item cells → {out}")
    view.add_column("location")
    view.add_column("items", justify="right")
    view.add_column("safety stock [units]", justify="right")
    view.add_column("safety stock value", justify="right")
    unit_cost = {it.item: it.unit_cost for it in dataset.items}
    table = table.assign(value=table["safety_stock"] * table["item"].map(unit_cost))
    for loc, group in table.groupby("location", sort=False):
        view.add_row(
            str(loc),
            str(len(group)),
            f"{group['safety_stock'].sum():,.0f}",
            f"{group['value'].sum():,.0f}",
        )
    console.print(view)
    for name, value in plan.extra.items():
        console.print(f"{name.replace('_', ' ')}: {value:,.6g}" if value is not None else name)


@app.command()
def frontier(
    folder: DataDir,
    points: Annotated[int, typer.Option(help="Number of budgets to solve for")] = 12,
    scenarios: Annotated[int, typer.Option(help="Demand scenarios per location and item")] = 200,
    seed: Annotated[int, typer.Option(help="Random seed")] = 0,
    out: Annotated[Path, typer.Option(help="Frontier table (.csv or .parquet)")] = Path(
        "frontier.csv"
    ),
    plot: Annotated[Path | None, typer.Option(help="Also draw the frontier to this PNG")] = None,
    targets: Annotated[
        str | None,
        typer.Option(help="Sweep fill-rate targets instead of budgets, e.g. 0.9,0.95,0.98"),
    ] = None,
) -> None:
    """Inventory investment vs best fill rate and least expected cost, budget by budget
    (or, with --targets, the least investment and cost for each fill-rate target)."""
    from stockwise.engine.policies.dataset import budget_frontier_for, target_frontier_for
    from stockwise.engine.policies.frontier import plot_frontier

    dataset = load_or_exit(folder)
    try:
        if targets is None:
            table = budget_frontier_for(dataset, points=points, scenarios=scenarios, seed=seed)
        else:
            levels = _fractions(targets)
            table = target_frontier_for(dataset, levels, scenarios=scenarios, seed=seed)
    except ValueError as err:
        err_console.print(f"[red]cannot trace the frontier:[/] {err}")
        raise typer.Exit(1) from err
    _write_table(table, out)
    view = Table(title=f"Efficient frontier → {out}")
    if targets is None:
        for col in ("budget", "best fill rate", "least cost / period", "∂cost/∂budget"):
            view.add_column(col, justify="right")
        for row in table.itertuples():
            view.add_row(
                f"{row.budget:,.0f}",
                f"{row.max_fill_rate:.2%}",
                f"{row.min_expected_cost:,.0f}",
                f"{row.cost_budget_shadow_price:.4f}",
            )
    else:
        for col in ("fill-rate target", "least investment", "least cost / period"):
            view.add_column(col, justify="right")
        for row in table.itertuples():
            view.add_row(
                f"{row.fill_rate_target:.2%}",
                f"{row.min_investment:,.0f}",
                f"{row.min_expected_cost:,.0f}",
            )
    console.print(view)
    if plot is not None:
        console.print(f"plot written to {plot_frontier(table, plot)}")


def _fractions(text: str) -> list[float]:
    try:
        return [float(part) for part in text.split(",") if part.strip()]
    except ValueError as err:
        raise ValueError(f"--targets must be numbers separated by commas, got {text!r}") from err


def _write_table(table, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix == ".parquet":
        table.to_parquet(out, index=False)
    else:
        table.to_csv(out, index=False)


ModelOption = Annotated[
    str, typer.Option(help="auto | ets | croston | sba | tsb | seasonal_naive | ngboost")
]


@app.command()
def forecast(
    folder: DataDir,
    horizon: Annotated[int, typer.Option(min=1, help="Periods to forecast")] = 8,
    paths: Annotated[int, typer.Option(min=1, help="Sample paths per series")] = 1000,
    model: ModelOption = "auto",
    out: Annotated[
        Path, typer.Option(help=".npz (all paths) or .csv / .parquet (quantile table)")
    ] = Path("forecast.npz"),
    seed: Annotated[int, typer.Option(help="Random seed; same seed, same paths")] = 0,
    n_jobs: Annotated[int, typer.Option(help="Worker processes (-1: all cores)")] = 1,
) -> None:
    """Probabilistic demand forecast: sample paths for every item and location."""
    from stockwise.forecasting import ForecastInputError, make_forecaster
    from stockwise.forecasting.io import save_forecast

    dataset = load_or_exit(folder)
    try:
        forecaster = make_forecaster(model, horizon=horizon, n_jobs=n_jobs, progress=True)
        result = forecaster.fit(dataset.demand).predict(horizon, paths, seed)
        written = save_forecast(result, out)
    except (ForecastInputError, ValueError) as err:
        err_console.print(f"[bold red]cannot forecast:[/] {err}")
        raise typer.Exit(1) from err
    view = Table(title=f"{len(result.keys)} series x {paths} paths x {horizon} periods → {written}")
    for col in ("model", "series", "mean demand / period"):
        view.add_column(col, justify="right")
    means = result.mean().mean(axis=1)
    by_model = result.models.assign(mean=means).groupby("model")["mean"]
    for name, group in sorted(by_model, key=lambda g: -len(g[1])):
        view.add_row(name, str(len(group)), f"{group.mean():.2f}")
    console.print(view)


@app.command()
def backtest(
    folder: DataDir,
    model: Annotated[
        list[str] | None,
        typer.Option(help="Model(s) to compare; repeat the option [default: auto, seasonal_naive]"),
    ] = None,
    horizon: Annotated[int, typer.Option(min=1, help="Periods scored per fold")] = 8,
    folds: Annotated[int, typer.Option(min=1, help="Rolling origins")] = 3,
    paths: Annotated[int, typer.Option(min=1, help="Sample paths per series")] = 500,
    seed: Annotated[int, typer.Option(help="Random seed")] = 0,
    n_jobs: Annotated[int, typer.Option(help="Worker processes (-1: all cores)")] = 1,
    out: Annotated[
        Path | None, typer.Option(help="Write the per-series table (.csv / .parquet)")
    ] = None,
) -> None:
    """Rolling-origin backtest: MASE, RMSSE, scaled pinball, CRPS and interval coverage."""
    from functools import partial

    from stockwise.forecasting import ForecastInputError, make_forecaster
    from stockwise.forecasting import backtest as run_backtest

    model = model or ["auto", "seasonal_naive"]
    dataset = load_or_exit(folder)
    try:
        factories = {
            name: partial(make_forecaster, name, horizon=horizon, n_jobs=n_jobs, progress=True)
            for name in model
        }
        result = run_backtest(
            dataset.demand, factories, horizon=horizon, folds=folds, n_paths=paths, seed=seed
        )
    except (ForecastInputError, ValueError) as err:
        err_console.print(f"[bold red]cannot backtest:[/] {err}")
        raise typer.Exit(1) from err
    if out is not None:
        _write_table(result.table, out)
    view = Table(title=f"Backtest: {folds} folds x {horizon} periods (mean over series)")
    for col in ("model", "MASE", "RMSSE", "scaled pinball", "CRPS", "50%", "80%", "95%"):
        view.add_column(col, justify="right")
    for row in result.summary.itertuples():
        view.add_row(
            row.model,
            f"{row.mase:.3f}",
            f"{row.rmsse:.3f}",
            f"{row.spl:.3f}",
            f"{row.crps:.3f}",
            f"{row.cov50:.0%}",
            f"{row.cov80:.0%}",
            f"{row.cov95:.0%}",
        )
    console.print(view)


@app.command()
def simulate(
    folder: DataDir,
    policies: Annotated[
        str, typer.Option(help="Comma list: naive, base-stock, ss, rq, gsm, plan")
    ] = "naive,base-stock,plan",
    whatif: Annotated[
        Path | None, typer.Option(help="What-if spec (YAML or JSON) to simulate under")
    ] = None,
    replications: Annotated[int, typer.Option(min=2, help="Simulated futures")] = 100,
    periods: Annotated[int, typer.Option(min=1, help="Periods simulated")] = 26,
    seed: Annotated[int, typer.Option(help="Random seed (same seed: same numbers)")] = 0,
    items: Annotated[
        int | None, typer.Option(min=1, help="Only the first N items (a quick look)")
    ] = None,
    replan_every: Annotated[
        int, typer.Option(min=1, help="Re-plan every k periods")
    ] = PlanSettings().first_stage,
    plan_horizon: Annotated[
        int, typer.Option(min=1, help="Plan look-ahead [periods]")
    ] = PlanSettings().horizon,
    plan_scenarios: Annotated[
        int, typer.Option(min=1, help="Scenarios per re-plan")
    ] = PlanSettings().scenarios,
    plan_workers: Annotated[
        int, typer.Option(min=1, help="Processes solving the re-plans of a period side by side")
    ] = os.cpu_count() or 1,
    lost_sales: Annotated[
        bool, typer.Option("--lost-sales", help="Unmet demand is lost (default: backordered)")
    ] = False,
    report: Annotated[Path | None, typer.Option(help="Write the HTML report here")] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Write every KPI's mean and interval per policy, and the paired differences "
            "against the baseline, as one tidy table (.csv / .parquet)"
        ),
    ] = None,
    baseline: Annotated[
        str | None, typer.Option(help="Policy the others are compared with [default: the first]")
    ] = None,
) -> None:
    """Compare replenishment policies by Monte Carlo simulation on the same futures."""
    from stockwise.engine.simulation.compare import (
        CompareSettings,
        compare_policies,
        restrict_items,
    )
    from stockwise.engine.simulation.run import reporting_progress
    from stockwise.reports import write_report
    from stockwise.reports.tables import comparison_table, paired_table
    from stockwise.scenarios import WhatIfError, load_whatif, parse_whatif

    dataset = load_or_exit(folder)
    if items is not None:
        dataset = restrict_items(dataset, [it.item for it in dataset.items[:items]])
    names = [p.strip() for p in policies.split(",") if p.strip()]
    if baseline is not None and baseline not in names:
        err_console.print(
            f"[bold red]error:[/] --baseline {baseline!r} is not one of the policies "
            f"({', '.join(names)})",
            highlight=False,
        )
        raise typer.Exit(1)
    try:
        spec = None
        if whatif is not None:
            spec = load_whatif(whatif)
            parse_whatif(
                {
                    "name": spec.name,
                    "changes": [{"type": c.type, **c.fields} for c in spec.changes],
                },
                dataset,
                str(whatif),
            )
        settings = CompareSettings(
            replications=replications,
            periods=periods,
            seed=seed,
            replan_every=replan_every,
            plan_horizon=plan_horizon,
            plan_scenarios=plan_scenarios,
            plan_workers=plan_workers,
            lost_sales=lost_sales,
        )
        with _SimulationProgress() as shown, reporting_progress(shown):
            result = compare_policies(dataset, names, settings, whatif=spec)
    except (WhatIfError, ValueError) as err:
        err_console.print(f"[bold red]error:[/] {err}", markup=True, highlight=False)
        raise typer.Exit(1) from err
    console.print(comparison_table(result))
    if len(result.policies) > 1:
        console.print(paired_table(result, baseline))
    if report is not None:
        title = "stockwise policy comparison" + (f" — what-if: {spec.name}" if spec else "")
        write_report(result, report, title=title)
        console.print(f"report written to {report}")
    if out is not None:
        _write_table(result.tidy(baseline), out)
        console.print(f"summary written to {out}")


class _SimulationProgress:
    """Shows ``simulate``'s progress on stderr: a live bar per policy on a terminal, else
    a line when a policy starts and ends and at most every ``every`` seconds between."""

    def __init__(self, every: float = 10.0) -> None:
        self.every = every
        self.live = err_console.is_terminal
        self.bar = None
        self.tasks: dict[str, int] = {}
        self.last = 0.0

    def __enter__(self) -> _SimulationProgress:
        if self.live:
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(
                TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[step]}"),
                TimeElapsedColumn(), console=err_console,
            )  # fmt: skip
            self.bar.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)

    def __call__(self, p) -> None:  # p: stockwise.engine.simulation.run.SimulationProgress
        import time

        step = f"period {p.periods_done}/{p.periods} x {p.replications} replications"
        if p.replans:
            step = f"re-plan {p.replans_done}/{p.replans}, {step}"
        done = p.periods_done == p.periods and p.replans_done == p.replans
        if self.bar is not None:
            if p.policy not in self.tasks:
                self.tasks[p.policy] = self.bar.add_task(p.policy, total=1.0, step=step)
            self.bar.update(self.tasks[p.policy], completed=p.fraction, step=step)
            return
        now = time.monotonic()
        first = p.policy not in self.tasks
        if first or done or now - self.last >= self.every:
            self.tasks.setdefault(p.policy, len(self.tasks))
            self.last = now
            label = f"policy {p.index + 1}/{p.policies} {p.policy}"
            err_console.print(f"simulating {label}: {step}", highlight=False, markup=False)


PLAN = PlanSettings()  # the one set of planning defaults (the API's and the demo's too)
PLAN_RELAX_FIRST = RelaxFirst(PLAN.relax_first)


@app.command()
def plan(
    folder: DataDir,
    horizon: Annotated[
        int, typer.Option(min=1, help="Planning periods (at least the longest supply path)")
    ] = PLAN.horizon,
    scenarios: Annotated[int, typer.Option(min=1, help="Demand scenarios (S)")] = PLAN.scenarios,
    first_stage: Annotated[
        int,
        typer.Option(
            "--first-stage",
            "--replan-every",
            min=1,
            help="Periods whose orders are decided now, the same in every scenario (the "
            "re-plan interval); later orders adapt to each scenario",
        ),
    ] = PLAN.first_stage,
    service_level: Annotated[
        float | None,
        typer.Option(help="Target for every item and store, in (0, 1), replacing the data's"),
    ] = PLAN.service_level,
    service_kind: Annotated[
        str, typer.Option(help="fill_rate or cycle_service")
    ] = PLAN.service_kind,
    budget: Annotated[
        float | None, typer.Option(min=0, help="Purchase budget per period, replacing the data's")
    ] = PLAN.budget,
    relax_first: Annotated[
        RelaxFirst,
        typer.Option(
            help="What gives way first when the limits cannot all hold: service targets, or "
            "budgets and capacities"
        ),
    ] = PLAN_RELAX_FIRST,
    solver: Annotated[
        str, typer.Option(help="highs | highs-direct | pyomo | pyomo:<solver> | ortools | scipy")
    ] = PLAN.solver,
    forecast: Annotated[
        Path | None, typer.Option(help="Forecast .npz (stockwise forecast); else from history")
    ] = None,
    shortage: Annotated[str, typer.Option(help="lost_sales or backorder")] = PLAN.shortage,
    objective: Annotated[str, typer.Option(help="cost or profit")] = PLAN.objective,
    cycle_service: Annotated[
        str, typer.Option(help="cvar (conservative LP, fast) or chance (exact MIP)")
    ] = PLAN.cycle_service,
    whole: Annotated[
        bool,
        typer.Option(
            "--whole/--fractional",
            help="Orders of now in whole units, case packs and MOQs (rounded from the LP, the "
            "rest re-planned around them), or the LP's fractional orders",
        ),
    ] = PLAN.whole,
    integer: Annotated[
        bool,
        typer.Option(help="Solve the exact MIP (case packs, MOQs, fixed order costs): slower"),
    ] = PLAN.integer,
    time_limit: Annotated[
        float, typer.Option(min=1, help="Solver time limit [s]")
    ] = PLAN.time_limit,
    mip_gap: Annotated[float, typer.Option(min=0, help="Relative MIP gap")] = PLAN.mip_gap,
    seed: Annotated[int, typer.Option(help="Random seed of the scenarios")] = PLAN.seed,
    out: Annotated[Path, typer.Option(help="Orders table (.csv or .parquet)")] = Path("plan.csv"),
    export_model: Annotated[
        Path | None, typer.Option(help="Also write the model as .lp or .mps (readable names)")
    ] = None,
    by_item: Annotated[
        bool | None,
        typer.Option(
            "--by-item/--no-by-item",
            help="Solve the LP item by item (Dantzig-Wolfe) or as one LP; default: by item "
            "above 1.5 M columns",
        ),
    ] = PLAN.by_item,
) -> None:
    """Optimal order plan over S demand scenarios: the orders to place now, projected later
    orders, KPIs, shadow prices, warnings, and what must change when the targets cannot all
    be met. Progress goes to stderr."""
    from stockwise.engine.planning import ProblemError, plan_dataset, planning_problem
    from stockwise.engine.planning.formulation import formulate
    from stockwise.engine.planning.report import print_plan
    from stockwise.solvers import SolverError, write_model

    dataset = load_or_exit(folder)
    settings = PlanSettings(
        horizon=horizon,
        scenarios=scenarios,
        seed=seed,
        first_stage=first_stage,
        service_level=service_level,
        service_kind=service_kind,
        budget=budget,
        shortage=shortage,
        objective=objective,
        cycle_service=cycle_service,
        integer=integer,
        whole=whole,
        relax_first=relax_first.value,
        solver=solver,
        time_limit=time_limit,
        mip_gap=mip_gap,
        by_item=by_item,
    )
    try:
        paths = None
        if forecast is not None:
            from stockwise.forecasting.io import load_forecast

            paths = load_forecast(forecast)
        with _PlanProgress() as progress:
            if export_model is not None:
                progress(f"writing the model to {export_model}")
                problem = planning_problem(dataset, settings, forecast=paths)
                export_model.parent.mkdir(parents=True, exist_ok=True)
                write_model(formulate(problem).model, str(export_model))
            result = plan_dataset(dataset, settings, forecast=paths, progress=progress)
    except (ProblemError, SolverError, ValueError) as err:
        err_console.print(f"[bold red]cannot plan:[/] {err}", highlight=False)
        raise typer.Exit(1) from err
    if export_model is not None:
        console.print(f"model written to {export_model}")
    print_plan(result, console)
    if not result.has_plan:
        raise typer.Exit(2)
    _write_table(result.orders, out)
    _write_table(result.shadow_prices, out.with_name(f"{out.stem}_limits{out.suffix}"))
    # The files beside plan.csv describe this plan only: a report an earlier run left
    # there (relaxations, warnings) is removed when this plan has none.
    relaxed = out.with_name(f"{out.stem}_relaxations{out.suffix}")
    if result.relaxations:
        _write_table(result.relaxations_table(), relaxed)
    else:
        relaxed.unlink(missing_ok=True)
    warned = out.with_name(f"{out.stem}_warnings.txt")
    if result.warnings:
        warned.write_text("".join(f"{line}\n" for line in result.warnings), encoding="utf-8")
    else:
        warned.unlink(missing_ok=True)
    beside = "limits and shadow prices" + (", warnings" if result.warnings else "")
    beside += ", relaxations" if result.relaxations else ""
    console.print(f"orders written to {out} ({beside} beside it)", highlight=False)


class _PlanProgress:
    """Shows a plan's steps on stderr with the time elapsed: a spinner on a terminal (each
    finished step stays as a line with its duration), else one plain line per step."""

    def __init__(self) -> None:
        self.live = err_console.is_terminal
        self.bar = None
        self.task = None
        self.step = ""
        self.t0 = self.t_step = 0.0

    def __enter__(self) -> _PlanProgress:
        import time

        self.t0 = self.t_step = time.perf_counter()
        if self.live:
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self.bar = Progress(
                SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                console=err_console, transient=True,
            )  # fmt: skip
            self.bar.__enter__()
            self.task = self.bar.add_task("planning", total=None)
        return self

    def __exit__(self, *exc) -> None:
        self._finish_step()
        if self.bar is not None:
            self.bar.__exit__(*exc)

    def __call__(self, line: str) -> None:
        import time

        self._finish_step()
        self.step, self.t_step = line, time.perf_counter()
        if self.bar is not None:
            self.bar.update(self.task, description=line)
        else:
            err_console.print(
                f"[{self.t_step - self.t0:6.1f} s] {line}", highlight=False, markup=False
            )

    def _finish_step(self) -> None:
        import time

        if self.bar is not None and self.step:
            took = time.perf_counter() - self.t_step
            self.bar.console.print(f"  {self.step} ({took:.1f} s)", highlight=False, markup=False)
        self.step = ""


def main() -> None:
    app()


if __name__ == "__main__":
    main()
