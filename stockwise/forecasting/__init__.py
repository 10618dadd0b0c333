"""Probabilistic demand forecasting: models that return sample paths.

>>> from stockwise.data.sample import generate
>>> from stockwise.forecasting import make_forecaster
>>> history = generate(0).demand
>>> result = make_forecaster("sba").fit(history).predict(horizon=4, n_paths=100, seed=1)
>>> result.paths.shape
(480, 100, 4)
"""

from stockwise.forecasting.backtest import BacktestResult, backtest
from stockwise.forecasting.forecaster import Forecaster, LocalForecaster
from stockwise.forecasting.panel import ForecastInputError
from stockwise.forecasting.registry import MODEL_NAMES, make_forecaster
from stockwise.forecasting.result import ForecastResult

__all__ = [
    "MODEL_NAMES",
    "BacktestResult",
    "ForecastInputError",
    "ForecastResult",
    "Forecaster",
    "LocalForecaster",
    "backtest",
    "make_forecaster",
]
