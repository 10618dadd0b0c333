"""Probabilistic demand forecasting: models that return sample paths."""

from stockwise.forecasting.result import ForecastResult

__all__ = ["ForecastResult"]
