"""Proof in closed loop: the re-planned order plan against optimised base stock (SAA
levels), echelon base stock (GSM levels) and a rule of thumb, on at least 200 common
futures of the sample's own demand process, with backorders (judged by cost) and lost
sales (judged by profit). See :mod:`stockwise.engine.simulation.closed_loop` for the
setting: storage and the purchase budget bind in busy weeks, the plan is re-planned every
period on a look-ahead that never shrinks, every policy faces the same limits.

    nice .venv/bin/python -m pytest benchmarks/test_closed_loop.py --benchmark-only -s

``STOCKWISE_BENCH_CL_ITEMS`` (4), ``_REPLICATIONS`` (200), ``_PERIODS`` (20), ``_HORIZON``
(10), ``_SCENARIOS`` (200), ``_WORKERS`` (2) change the case. Results go to
``.benchmarks/closed_loop.json`` and are printed.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from stockwise.engine.simulation.closed_loop import ClosedLoop, run, verdict

OUT = Path(".benchmarks") / "closed_loop.json"


def case(lost_sales: bool) -> ClosedLoop:
    env = os.environ.get
    return ClosedLoop(
        items=int(env("STOCKWISE_BENCH_CL_ITEMS", 4)),
        replications=int(env("STOCKWISE_BENCH_CL_REPLICATIONS", 200)),
        periods=int(env("STOCKWISE_BENCH_CL_PERIODS", 20)),
        horizon=int(env("STOCKWISE_BENCH_CL_HORIZON", 10)),
        scenarios=int(env("STOCKWISE_BENCH_CL_SCENARIOS", 200)),
        workers=int(env("STOCKWISE_BENCH_CL_WORKERS", 2)),
        lost_sales=lost_sales,
    )


@pytest.mark.parametrize("lost_sales", [False, True], ids=["backorders-cost", "lost-sales-profit"])
def test_the_plan_beats_every_simple_policy(benchmark, lost_sales):
    spec = case(lost_sales)
    t0 = time.perf_counter()
    result = benchmark.pedantic(run, args=(spec,), rounds=1, iterations=1)
    wall = time.perf_counter() - t0
    table = verdict(spec, result)
    summary = result.summary()
    shown = summary[summary["metric"].isin([spec.measure, "fill_rate", "holding", "shortage"])]
    run_ = result.runs["plan"]
    print(f"\n{spec}: {wall:.0f} s; {run_.plans} re-plans in {run_.planning_time:.0f} s")
    print(shown.to_string(index=False))
    print(table.to_string(index=False))
    OUT.parent.mkdir(exist_ok=True)
    records = json.loads(OUT.read_text()) if OUT.exists() else {}
    records["lost_sales" if lost_sales else "backorders"] = {
        "case": vars(spec) if hasattr(spec, "__dict__") else str(spec),
        "wall_s": wall,
        "replans": run_.plans,
        "planning_s": run_.planning_time,
        "verdict": table.to_dict("records"),
        "summary": shown.to_dict("records"),
    }
    OUT.write_text(json.dumps(records, indent=1, default=str))
    assert table["plan_better"].all(), table.to_string()
