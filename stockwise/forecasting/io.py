"""Write and read forecasts: every path (``.npz``) or a tidy quantile table (CSV/Parquet)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from stockwise.forecasting.result import ForecastResult

TABLE_LEVELS = (0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95)


def quantile_table(result: ForecastResult, levels: Sequence[float] = TABLE_LEVELS) -> pd.DataFrame:
    """Wide table: ``item, location, period, mean, q0.05, ...`` from the paths."""
    tidy = result.quantiles(levels)
    wide = tidy.pivot_table(
        index=["item", "location", "period"], columns="quantile", values="value", sort=False
    )
    wide.columns = [f"q{level:g}" for level in wide.columns]
    wide = wide.reset_index()
    wide.insert(3, "mean", result.mean().reshape(-1))
    return wide


def save_forecast(result: ForecastResult, path: Path) -> Path:
    """``.npz``: all paths, keys, periods and the model table (reload with
    ``load_forecast``); ``.csv`` / ``.parquet``: the quantile table."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    if suffix == ".npz":
        np.savez_compressed(
            path,
            paths=result.paths,
            keys=np.array(result.keys, dtype=str).reshape(-1, 2),
            periods=np.asarray(result.periods.astype(str), dtype=str),
            period_kind=np.array("datetime" if _is_dates(result.periods) else "int"),
            models=np.array(json.dumps(result.models.to_dict("records"))),
        )
    elif suffix == ".csv":
        quantile_table(result).to_csv(path, index=False)
    elif suffix == ".parquet":
        quantile_table(result).to_parquet(path, index=False)
    else:
        raise ValueError(f"--out {path}: use a .npz (all paths), .csv or .parquet (quantiles) file")
    return path


def load_forecast(path: Path) -> ForecastResult:
    """Read a forecast written by ``save_forecast`` as ``.npz``."""
    with np.load(path, allow_pickle=False) as data:
        periods = pd.Index(data["periods"])
        if str(data["period_kind"]) == "datetime":
            periods = pd.DatetimeIndex(periods)
        else:
            periods = periods.astype(np.int64)
        return ForecastResult(
            keys=tuple((str(i), str(loc)) for i, loc in data["keys"]),
            paths=data["paths"],
            periods=periods,
            models=pd.DataFrame(json.loads(str(data["models"]))),
        )


def _is_dates(index: pd.Index) -> bool:
    return isinstance(index, pd.DatetimeIndex)
