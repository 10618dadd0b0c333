"""stockwise: probabilistic demand forecasting and stochastic multi-echelon inventory planning."""

__version__ = "0.1.0"
