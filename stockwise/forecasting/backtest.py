"""Rolling-origin backtests: refit at ``folds`` origins, score the next ``horizon`` periods.

Fold ``j`` (0 = oldest) trains on every period before ``T - horizon - step * (folds-1-j)``
and is scored on the ``horizon`` periods after it. Each model is a ``Forecaster`` factory
so that every fold starts from a fresh, unfitted model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from stockwise.data.model import DemandHistory
from stockwise.forecasting import metrics
from stockwise.forecasting.forecaster import Forecaster
from stockwise.forecasting.panel import make_panel

METRICS = ("mase", "rmsse", "spl", "crps", "scaled_crps", "cov50", "cov80", "cov95")


def score(actual: np.ndarray, paths: np.ndarray, insample: np.ndarray, m: int) -> dict:
    """Every backtest metric for one series and fold; ``paths`` is ``n_paths x horizon``."""
    point = paths.mean(axis=0)
    quantiles = np.quantile(paths, metrics.M5_LEVELS, axis=0)
    scale = np.mean(np.abs(np.diff(insample))) if len(insample) > 1 else np.nan
    cover = metrics.coverage(actual, paths)
    crps = metrics.crps(actual, paths)
    return {
        "mase": metrics.mase(actual, point, insample, m),
        "rmsse": metrics.rmsse(actual, point, insample),
        "spl": metrics.scaled_pinball(actual, quantiles, insample),
        "crps": crps,
        "scaled_crps": crps / scale if scale and scale > 0 else np.nan,
        "cov50": cover[0.5],
        "cov80": cover[0.8],
        "cov95": cover[0.95],
    }


@dataclass(frozen=True)
class BacktestResult:
    """``table``: one row per series, model and fold (``item, location, model, fold, origin,
    chosen`` and the metrics); ``summary``: per model, the mean of each metric."""

    table: pd.DataFrame
    summary: pd.DataFrame


def summarise(table: pd.DataFrame) -> pd.DataFrame:
    """Mean of each metric per model (NaN scores, from flat histories, are left out)."""
    numeric = table.replace([np.inf, -np.inf], np.nan)
    out = numeric.groupby("model", sort=False)[list(METRICS)].mean()
    out.insert(0, "series_folds", numeric.groupby("model", sort=False).size())
    return out.reset_index()


def backtest(
    history: DemandHistory,
    models: dict[str, Callable[[], Forecaster]],
    *,
    horizon: int,
    folds: int = 3,
    step: int | None = None,
    n_paths: int = 500,
    seed: int = 0,
    season_length: int | None = None,
) -> BacktestResult:
    """Rolling-origin backtest of every model in ``models`` (name → factory).

    Future prices and promotions of each test window are passed to ``predict`` (they are
    planned in advance). Series with no history before an origin are skipped in that fold.
    """
    if folds < 1 or horizon < 1:
        raise ValueError(f"folds and horizon must be >= 1, got folds={folds}, horizon={horizon}")
    step = horizon if step is None else step
    panel = make_panel(history, season_length)
    grid = panel.periods
    first_cut = len(grid) - horizon - step * (folds - 1)
    if first_cut < 3:
        raise ValueError(
            f"history of {len(grid)} periods is too short for {folds} folds of horizon "
            f"{horizon} with step {step}"
        )
    frame = history.frame
    key_row = {k: i for i, k in enumerate(panel.keys)}
    rows = []
    for fold in range(folds):
        cut = first_cut + step * fold
        origin, test = grid[cut - 1], grid[cut : cut + horizon]
        train = DemandHistory(frame[frame["period"] <= origin].reset_index(drop=True))
        future = frame[frame["period"].isin(test)].drop(columns="quantity")
        for name, factory in models.items():
            forecaster = factory().fit(train)
            result = forecaster.predict(horizon, n_paths, seed + fold, future=future)
            for s, key in enumerate(result.keys):
                i = key_row[key]
                actual = panel.quantity[i, cut : cut + horizon]
                insample = panel.quantity[i, panel.start[i] : cut]
                chosen = result.models.iloc[s]["model"]
                rows.append(
                    {
                        "item": key[0],
                        "location": key[1],
                        "model": name,
                        "fold": fold,
                        "origin": origin,
                        "chosen": chosen,
                        **score(actual, result.paths[s], insample, panel.season_length),
                    }
                )
    table = pd.DataFrame(rows)
    return BacktestResult(table=table, summary=summarise(table))
