"""Order-plan LP (the rolling model: orders of now shared, later orders per scenario): the
time to one plan and to a warm re-plan by each way of solving it, in the same run.

Instances come from the sample network (1 supplier, 2 DCs, 12 stores), with items copied
to reach the size asked for, 13 weekly periods and S demand scenarios (negative binomial
around each series' last-year mean, lead times drawn); budget, storage and lane limits (no
service targets, so one solve). Each (size, path) runs in a fresh process so its peak
memory (max RSS) is its own. Paths:

* ``simplex``: HiGHS dual simplex with devex pricing, straight from the arrays (the
  planner's default); ``warm``: the same, re-solved from its basis after the stock on hand
  changed (a re-plan);
* ``ipm``: HiGHS interior point; ``pyomo``: the same model through Pyomo (appsi_highs),
  small sizes only;
* ``items``: item by item (Dantzig–Wolfe, 2 worker processes).

The issue's targets (2 cores): the sample (480 store item-locations and the DCs) x 13 x
200: one plan <= 10 s, a warm re-plan <= 2 s; 1,008 item-locations x 13 x 200 <= 30 s
within 8 GB.

    make bench                                  # sizes up to the sample with 50 scenarios
    STOCKWISE_BENCH_BIG=1 nice .venv/bin/python -m pytest benchmarks/test_planning.py \
        --benchmark-only -s                     # adds the 200-scenario sizes

Each solve stops at ``STOCKWISE_BENCH_TIME_LIMIT`` (600 s). Results go to
``.benchmarks/planning.json`` and are printed at the end.
"""

from __future__ import annotations

import dataclasses
import json
import multiprocessing as mp
import os
import resource
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pytest


@dataclasses.dataclass(frozen=True)
class BenchSpec:
    """One instance size: ``n_items`` x 12 stores item-locations, ``horizon`` x ``scenarios``."""

    name: str
    n_items: int
    scenarios: int
    horizon: int = 13
    pyomo: bool = True  # Pyomo at the largest size needs tens of GB: skipped there
    big: bool = False


SPECS = [
    BenchSpec("120 il x 13 x 10", n_items=10, scenarios=10),
    BenchSpec("120 il x 13 x 50", n_items=10, scenarios=50, pyomo=False),
    BenchSpec("480 il x 13 x 20 (sample)", n_items=40, scenarios=20, pyomo=False),
    BenchSpec("480 il x 13 x 50 (sample)", n_items=40, scenarios=50, pyomo=False),
    BenchSpec("480 il x 13 x 200 (sample)", n_items=40, scenarios=200, pyomo=False, big=True),
    BenchSpec("1008 il x 13 x 200", n_items=84, scenarios=200, pyomo=False, big=True),
]
TIME_LIMIT = float(os.environ.get("STOCKWISE_BENCH_TIME_LIMIT", "600"))
RESULTS: dict[str, dict[str, dict[str, float]]] = {}


def instance(spec: BenchSpec):
    """The planning problem of ``spec`` (deterministic: seed 0)."""
    from stockwise.data import Constraints
    from stockwise.data.sample import generate
    from stockwise.engine.planning import build_problem
    from stockwise.scenarios import from_history

    base = generate(0)
    copies = -(-spec.n_items // len(base.items))
    items, positions, orders = [], [], []
    for c in range(copies):
        tag = "" if c == 0 else f"-{c}"
        items += [dataclasses.replace(it, item=it.item + tag) for it in base.items]
        positions += [dataclasses.replace(p, item=p.item + tag) for p in base.inventory.positions]
        orders += [dataclasses.replace(o, item=o.item + tag) for o in base.inventory.on_order]
    keep = {it.item for it in items[: spec.n_items]}
    frame = base.demand.frame
    frames = [frame.assign(item=frame["item"] + ("" if c == 0 else f"-{c}")) for c in range(copies)]
    demand = dataclasses.replace(base.demand, frame=_concat(frames, keep))
    budget = dataclasses.replace(
        base.constraints.budgets[0], amount=base.constraints.budgets[0].amount * spec.n_items / 40
    )
    # Space and capacities grow with the copies, like the budget: with 84 items on the
    # sample's own storage the DCs would start at 175 % of their space (an infeasible LP).
    grow = max(1.0, spec.n_items / len(base.items))
    dataset = dataclasses.replace(
        base,
        items=tuple(it for it in items if it.item in keep),
        locations=tuple(_scaled(loc, grow) for loc in base.locations),
        lanes=tuple(
            dataclasses.replace(
                lane, capacity=None if lane.capacity is None else lane.capacity * grow
            )
            for lane in base.lanes
        ),
        demand=demand,
        inventory=dataclasses.replace(
            base.inventory,
            positions=tuple(p for p in positions if p.item in keep),
            on_order=tuple(o for o in orders if o.item in keep),
        ),
        constraints=Constraints(budgets=(budget,)),
    )
    scenarios = from_history(dataset, spec.horizon, spec.scenarios, seed=0)
    return build_problem(dataset, scenarios, spec.horizon)


def _scaled(location, factor: float):
    """``location`` with its storage space and supply capacity times ``factor``."""
    return dataclasses.replace(
        location,
        storage_capacity=None
        if location.storage_capacity is None
        else location.storage_capacity * factor,
        supply_capacity=None
        if location.supply_capacity is None
        else location.supply_capacity * factor,
    )


def _scaled_lane(lane, factor: float):
    return dataclasses.replace(
        lane, capacity=None if lane.capacity is None else lane.capacity * factor
    )


def _concat(frames, keep):
    import pandas as pd

    out = pd.concat(frames, ignore_index=True)
    return out[out["item"].isin(keep)].reset_index(drop=True)


def run_path(spec: BenchSpec, path: str) -> dict[str, float]:
    """Formulate and solve one instance on one path; timings [s] and peak memory [MB]."""
    from stockwise.engine.planning.decompose import solve_per_item
    from stockwise.engine.planning.formulation import formulate
    from stockwise.engine.planning.plan import HIGHS_PLANNING
    from stockwise.solvers import SolveOptions, solve

    problem = instance(spec)
    t0 = time.perf_counter()
    f = formulate(problem)
    model = f.model
    formulate_s = time.perf_counter() - t0
    simplex = SolveOptions(time_limit=TIME_LIMIT, native=HIGHS_PLANNING)
    if path == "items":
        result = solve_per_item(f, SolveOptions(time_limit=TIME_LIMIT), workers=2)
    elif path in ("simplex", "warm"):
        result = solve(model, "highs", simplex)
        if path == "warm" and result.warm_start is not None:
            # a re-plan: the stock on hand moved by up to 10 %, the rest as before
            rng = np.random.default_rng(1)
            moved = dataclasses.replace(
                problem, on_hand=problem.on_hand * rng.uniform(0.9, 1.1, problem.n_keys)
            )
            t0 = time.perf_counter()
            model = formulate(moved).model
            formulate_s = time.perf_counter() - t0
            result = solve(
                model, "highs", dataclasses.replace(simplex, warm_start=result.warm_start)
            )
    else:
        result = solve(
            model,
            "highs" if path == "ipm" else "pyomo",
            SolveOptions(time_limit=TIME_LIMIT, method="ipm"),
        )
    return {
        "columns": model.n_cols,
        "rows": model.n_rows,
        "nonzeros": int(model.matrix().nnz),
        "formulate_s": formulate_s,
        "build_s": result.timings.build,
        "handoff_s": result.timings.handoff,
        "engine_s": result.timings.engine,
        "objective": float("nan") if result.objective is None else result.objective,
        "termination": str(result.termination),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "workers_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "message": result.message,
    }


def _in_fresh_process(spec: BenchSpec, path: str) -> dict[str, float]:
    # not a Pool: its daemonic worker could not start the item-by-item path's workers
    with ProcessPoolExecutor(1, mp_context=mp.get_context("spawn")) as pool:
        return pool.submit(run_path, spec, path).result()


CASES = [
    pytest.param(spec, path, id=f"{spec.name} | {path}")
    for spec in SPECS
    for path in ("simplex", "warm", "ipm", "pyomo", "items")
    if path != "pyomo" or spec.pyomo
]


@pytest.mark.parametrize(("spec", "path"), CASES)
def test_planning_lp(benchmark, spec, path):
    if spec.big and not os.environ.get("STOCKWISE_BENCH_BIG"):
        pytest.skip("set STOCKWISE_BENCH_BIG=1 for the 200-scenario sizes")
    benchmark.group = spec.name
    out = benchmark.pedantic(_in_fresh_process, args=(spec, path), rounds=1, iterations=1)
    benchmark.extra_info.update(out)
    RESULTS.setdefault(spec.name, {})[path] = out
    other = RESULTS[spec.name].get("simplex")
    if (
        path not in ("simplex", "warm")
        and other
        and out["termination"] == other["termination"] == "optimal"
    ):
        assert out["objective"] == pytest.approx(other["objective"], rel=1e-6)


def teardown_module() -> None:
    if not RESULTS:
        return
    lines = [
        f"{'size':28} {'path':7} {'cols':>9} {'build':>8} {'handoff':>8} {'engine':>8} "
        f"{'(b+h)/eng':>9} {'peak MB':>8} {'workers':>8}"
    ]
    for name, paths in RESULTS.items():
        for path, r in paths.items():
            overhead = r["build_s"] + r["handoff_s"] + (r["formulate_s"] if path != "items" else 0)
            lines.append(
                f"{name:28} {path:7} {r['columns']:>9,} {r['build_s']:>8.2f} "
                f"{r['handoff_s']:>8.2f} {r['engine_s']:>8.2f} "
                f"{overhead / max(r['engine_s'], 1e-9):>9.3f} {r['peak_mb']:>8.0f} "
                f"{r['workers_peak_mb']:>8.0f} {r['termination']} {r['message']}"
            )
    print("\n" + "\n".join(lines))
    out = Path(".benchmarks")
    out.mkdir(exist_ok=True)
    (out / "planning.json").write_text(json.dumps(RESULTS, indent=2))
