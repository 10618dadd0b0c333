"""Policies for the sample dataset and the ``stockwise policy`` / ``frontier`` commands:
shapes in dataset order, demand rolled up the network, closed forms by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from typer.testing import CliRunner

from stockwise.cli import app
from stockwise.data import write_dataset
from stockwise.engine.policies.dataset import cell_data, plan_policy
from stockwise.engine.policy import RQ, SS, BaseStock


@pytest.fixture(scope="module")
def cells(sample_dataset):
    return cell_data(sample_dataset)


def test_upstream_locations_see_the_summed_demand_of_their_stores(sample_dataset, cells):
    frame = sample_dataset.demand.frame
    served = {lane.destination: lane.origin for lane in sample_dataset.lanes}
    frame = frame.assign(dc=frame["location"].map(served))
    by_dc = frame.groupby(["dc", "item", "period"])["quantity"].sum().groupby(["dc", "item"]).mean()
    a = cells.locations.index("DC-SOUTH")
    b = cells.items.index("SKU007")
    assert cells.demand_mean[a, b] == pytest.approx(by_dc[("DC-SOUTH", "SKU007")])
    source = cells.locations.index("SUPPLIER")
    assert not cells.stocked[source].any()
    assert cells.stocked.sum() == 14 * 40


@pytest.mark.parametrize(
    ("kind", "cls"), [("base-stock", BaseStock), ("ss", SS), ("rq", RQ), ("gsm", BaseStock)]
)
def test_every_kind_gives_simulator_arrays_in_dataset_order(sample_dataset, kind, cls):
    plan = plan_policy(sample_dataset, kind)
    assert isinstance(plan.policy, cls)
    arrays = [v for v in vars(plan.policy).values() if isinstance(v, np.ndarray)]
    source = [loc.location for loc in sample_dataset.locations].index("SUPPLIER")
    for values in arrays:
        assert values.shape == (len(sample_dataset.locations), len(sample_dataset.items))
        assert np.isnan(values[source]).all()
        assert np.isfinite(np.delete(values, source, axis=0)).all()
    assert len(plan.table) == 14 * 40
    assert (plan.table["safety_stock"] >= 0).all()


def test_base_stock_level_by_hand(sample_dataset, cells):
    # SKU001 carries a 98 % cycle-service target; store ST03, periodic review every period
    table = plan_policy(sample_dataset, "base-stock").table.set_index(["location", "item"])
    a, b = cells.locations.index("ST03"), cells.items.index("SKU001")
    mu, sd = cells.demand_mean[a, b], cells.demand_sd[a, b]
    lead, lead_sd = cells.lead_time_mean[a, b], cells.lead_time_sd[a, b]
    sigma = math.sqrt((lead + 1) * sd**2 + mu**2 * lead_sd**2)
    want = mu * (lead + 1) + stats.norm.ppf(0.98) * sigma
    assert table.loc[("ST03", "SKU001"), "order_up_to"] == pytest.approx(want, rel=1e-10)


def test_rq_order_quantity_is_the_eoq(sample_dataset, cells):
    table = plan_policy(sample_dataset, "rq").table.set_index(["location", "item"])
    a, b = cells.locations.index("DC-NORTH"), cells.items.index("SKU010")
    want = math.sqrt(
        2 * cells.fixed_order_cost[a, b] * cells.demand_mean[a, b] / cells.holding_cost[a, b]
    )
    assert table.loc[("DC-NORTH", "SKU010"), "order_quantity"] == pytest.approx(want, rel=1e-12)


def test_gsm_places_no_more_stock_cost_than_holding_everywhere(sample_dataset):
    plan = plan_policy(sample_dataset, "gsm", service_level=0.95, service_kind="cycle_service")
    stores = plan.table[plan.table["location"].str.startswith("ST")]
    assert (stores["committed_service_time"] == 0).all()  # stores promise immediate service
    assert plan.extra["safety_stock_cost"] > 0


def test_budgeted_base_stock_spends_at_most_the_budget(sample_dataset):
    plan = plan_policy(
        sample_dataset,
        "base-stock",
        budget=650_000,
        scenarios=60,
        service_level=0.9,
        service_kind="fill_rate",
    )
    assert plan.extra["investment"] <= 650_000 * (1 + 1e-9)
    assert (plan.table["expected_fill_rate"] >= 0.9 - 1e-7).all()
    assert plan.extra["budget_shadow_price"] <= 0


@pytest.fixture(scope="module")
def data_dir(sample_dataset, tmp_path_factory):
    folder = tmp_path_factory.mktemp("sample")
    write_dataset(sample_dataset, folder)
    return folder


def test_policy_command_writes_the_table(data_dir, tmp_path):
    out = tmp_path / "rq.csv"
    result = CliRunner().invoke(app, ["policy", str(data_dir), "--kind", "rq", "--out", str(out)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert {"location", "item", "reorder_point", "order_quantity", "safety_stock"} <= set(table)
    assert len(table) == 14 * 40


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kind", "sS"], "--kind must be one of base-stock | ss | rq | gsm"),
        (["--service-level", "1.2"], "--service-level must lie strictly between 0 and 1"),
        (
            ["--kind", "gsm", "--budget", "100"],
            "--least-stock apply to --kind base-stock",
        ),
        (["--least-stock", "--budget", "10"], "the service targets need an expected on-hand"),
        (["--forecast", "nowhere.npz"], "No such file or directory"),
        (["--budget", "10"], "the service targets need an expected on-hand inventory value"),
    ],
)
def test_policy_command_refuses_bad_options_clearly(data_dir, tmp_path, args, message):
    result = CliRunner().invoke(
        app, ["policy", str(data_dir), "--out", str(tmp_path / "p.csv"), *args]
    )
    assert result.exit_code == 1
    assert message in " ".join(result.output.split())


def test_frontier_command_writes_table_and_plot(data_dir, tmp_path):
    out, plot = tmp_path / "f.csv", tmp_path / "f.png"
    result = CliRunner().invoke(
        app,
        [
            "frontier",
            str(data_dir),
            "--points",
            "4",
            "--scenarios",
            "40",
            "--out",
            str(out),
            "--plot",
            str(plot),
        ],
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert len(table) == 4
    assert (np.diff(table["max_fill_rate"]) >= 0).all()
    assert plot.stat().st_size > 0


def test_simulated_service_meets_the_targets(sample_dataset):
    # the simulator (an independent implementation of periodic review) replays the
    # closed-form base-stock levels; storage caps are lifted, as the levels ignore them
    import dataclasses

    from stockwise.engine.simulation import simulate
    from stockwise.scenarios import from_history

    free = dataclasses.replace(
        sample_dataset,
        locations=tuple(
            dataclasses.replace(loc, storage_capacity=None) for loc in sample_dataset.locations
        ),
    )
    plan = plan_policy(free, "base-stock", service_level=0.95, service_kind="fill_rate")
    result = simulate(free, [plan.policy], from_history(free, 60, 20, seed=5), warmup=25)
    summary = result.summary().set_index("metric")
    assert summary.loc["fill_rate", "ci_low"] >= 0.95


def test_frontier_command_sweeps_targets(data_dir, tmp_path):
    out = tmp_path / "targets.csv"
    result = CliRunner().invoke(
        app,
        [
            "frontier",
            str(data_dir),
            "--targets",
            "0.9,0.8,0.97",
            "--scenarios",
            "40",
            "--out",
            str(out),
            "--plot",
            str(tmp_path / "t.png"),
        ],
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert table["fill_rate_target"].tolist() == [0.8, 0.9, 0.97]
    assert (np.diff(table["min_investment"]) > 0).all()
    bad = CliRunner().invoke(app, ["frontier", str(data_dir), "--targets", "0.9,high"])
    assert bad.exit_code == 1
    assert "--targets must be numbers separated by commas" in " ".join(bad.output.split())


def test_levels_from_a_scenario_set_by_hand(sample_dataset):
    # every store sells exactly 5 units a period and lead times are their lane means:
    # a store (lead time 1) needs 5 x 2 units, a DC (lead time 3, 6 stores) 30 x 4
    from stockwise.scenarios import ScenarioSet

    keys = tuple(sample_dataset.demand.series_keys)
    lanes = tuple(lane.key for lane in sample_dataset.lanes)
    lead = np.array([round(lane.lead_time_mean) for lane in sample_dataset.lanes])
    futures = ScenarioSet(
        keys=keys,
        demand=np.full((4, len(keys), 6), 5.0),
        weights=np.full(4, 0.25),
        lanes=lanes,
        lead_times=np.broadcast_to(lead[None, :, None], (4, len(lanes), 6)).copy(),
    )
    plan = plan_policy(
        sample_dataset,
        "base-stock",
        scenario_set=futures,
        service_level=0.9,
        service_kind="cycle_service",
    )
    table = plan.table.set_index(["location", "item"])
    assert table.loc[("ST05", "SKU011"), "order_up_to"] == pytest.approx(10.0)
    assert table.loc[("DC-NORTH", "SKU011"), "order_up_to"] == pytest.approx(120.0)
    assert table.loc[("DC-NORTH", "SKU011"), "demand_mean"] == pytest.approx(30.0)
    short = ScenarioSet(keys=keys, demand=np.ones((2, len(keys), 3)), weights=np.full(2, 0.5))
    with pytest.raises(ValueError, match="the scenarios cover 3 periods; lead time \\+ review"):
        plan_policy(sample_dataset, "base-stock", scenario_set=short)


def test_least_stock_sits_exactly_on_the_fill_rate_targets(sample_dataset):
    from stockwise.scenarios import from_history

    futures = from_history(sample_dataset, 8, 60, seed=2)
    plan = plan_policy(
        sample_dataset,
        "base-stock",
        scenario_set=futures,
        least_stock=True,
        service_level=0.9,
        service_kind="fill_rate",
    )
    cost_optimal = plan_policy(
        sample_dataset,
        "base-stock",
        scenario_set=futures,
        service_level=0.9,
        service_kind="fill_rate",
    )
    stocked = plan.table["demand_mean"] > 0.5
    np.testing.assert_allclose(plan.table.loc[stocked, "expected_fill_rate"], 0.9, atol=1e-7)
    assert (cost_optimal.table["order_up_to"] >= plan.table["order_up_to"] - 1e-9).all()
    assert cost_optimal.extra["expected_cost"] <= plan.extra["expected_cost"]


def test_policy_command_from_forecast_paths(sample_dataset, data_dir, tmp_path):
    from stockwise.forecasting import ForecastResult
    from stockwise.forecasting.io import save_forecast

    keys = tuple(sample_dataset.demand.series_keys)
    paths = np.random.default_rng(0).poisson(4.0, size=(len(keys), 50, 8)).astype(float)
    saved = save_forecast(
        ForecastResult(
            keys, paths, pd.RangeIndex(8), pd.DataFrame({"model": ["test"] * len(keys)})
        ),
        tmp_path / "fc.npz",
    )
    out = tmp_path / "levels.csv"
    result = CliRunner().invoke(
        app,
        [
            "policy",
            str(data_dir),
            "--forecast",
            str(saved),
            "--least-stock",
            "--service-level",
            "0.9",
            "--service-kind",
            "cycle_service",
            "--scenarios",
            "50",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out).set_index(["location", "item"])
    assert table.loc[("ST01", "SKU001"), "demand_mean"] == pytest.approx(paths[0].mean())
