"""Models by name, for the CLI, the demo and backtests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from stockwise.forecasting.auto import AutoMethod
from stockwise.forecasting.base import SeriesMethod
from stockwise.forecasting.ets import ETS
from stockwise.forecasting.forecaster import Forecaster, LocalForecaster
from stockwise.forecasting.intermittent import SBA, TSB, Croston
from stockwise.forecasting.naive import SeasonalNaive

LOCAL_METHODS: dict[str, Callable[..., SeriesMethod]] = {
    "auto": AutoMethod,
    "ets": ETS,
    "croston": Croston,
    "sba": SBA,
    "tsb": TSB,
    "seasonal_naive": SeasonalNaive,
}
MODEL_NAMES = (*LOCAL_METHODS, "ngboost")


def make_forecaster(
    name: str,
    *,
    horizon: int | None = None,
    n_jobs: int = 1,
    progress: bool = False,
    season_length: int | None = None,
    **options: Any,
) -> Forecaster:
    """A fresh forecaster called ``name`` (one of ``MODEL_NAMES``).

    horizon : the forecast horizon, used by ``auto`` to size its backtest folds
    options : passed to the model's constructor (e.g. ``forms=("ANN",)`` for ``ets``)
    """
    if name == "ngboost":
        from stockwise.forecasting.ngboost_model import NGBoostForecaster

        return NGBoostForecaster(season_length=season_length, **options)
    if name not in LOCAL_METHODS:
        raise ValueError(f"unknown model {name!r}; choose one of {', '.join(MODEL_NAMES)}")
    if name == "auto" and horizon is not None:
        options.setdefault("horizon", horizon)
    return LocalForecaster(
        LOCAL_METHODS[name](**options),
        season_length=season_length,
        n_jobs=n_jobs,
        progress=progress,
    )
