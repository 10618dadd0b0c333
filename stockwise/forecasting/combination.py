"""Forecast combination: the mean of ETS and Theta point forecasts.

Combining forecasts is the most reliable accuracy gain on the M competitions (Makridakis
et al. 2020); on M3 the Theta method (Assimakopoulos & Nikolopoulos 2000) scored as well as
ETS, and their errors differ. Theta is statsmodels' ``ThetaModel``: classical
decomposition when a 90 % autocorrelation test finds seasonality (multiplicative for
positive series), SES with drift, theta = 2. The paths are ETS's jointly simulated paths
shifted, step by step, by the difference between the combined and the ETS point forecast,
so they keep ETS's temporal structure and have the combined mean. When Theta cannot be
fitted, or ETS falls back to another model, the fit is ETS's alone and says why.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, replace

import numpy as np
from statsmodels.tsa.forecasting.theta import ThetaModel, ThetaModelResults

from stockwise.forecasting.base import SeriesFit, trivial_fit
from stockwise.forecasting.ets import ETS, ETSFit, as_series


def fit_theta(y: np.ndarray, season_length: int) -> ThetaModelResults:
    """statsmodels' standard Theta method on ``y``; raise ``FloatingPointError`` when its
    forecast is not finite."""
    seasonal = 2 <= season_length and len(y) >= 2 * season_length
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = ThetaModel(
            as_series(y), period=season_length if seasonal else 1, deseasonalize=seasonal
        ).fit()
        ahead = np.asarray(result.forecast(2 * max(season_length, 1)))
    if not np.all(np.isfinite(ahead)):
        raise FloatingPointError("non-finite Theta forecast")
    return result


@dataclass(frozen=True)
class CombinationFit:
    """ETS and Theta fitted to one series; point = their mean, paths = ETS's recentred."""

    ets: ETSFit
    theta: ThetaModelResults
    model: str = "ets+theta"
    reason: str = ""

    def point(self, horizon: int) -> np.ndarray:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theta = np.asarray(self.theta.forecast(horizon), dtype=float)
        return 0.5 * (self.ets.point(horizon) + theta)

    def sample(self, horizon: int, n_paths: int, rng: np.random.Generator) -> np.ndarray:
        shift = self.point(horizon) - self.ets.point(horizon)
        return self.ets.sample(horizon, n_paths, rng) + shift[None, :]


@dataclass(frozen=True)
class ETSTheta:
    """Equal-weight combination of automatic ETS and Theta.

    ets : the ETS method (its ``forms`` restrict the ETS member, e.g. to one refitted form)
    """

    ets: ETS = field(default_factory=ETS)
    name: str = "ets+theta"

    def fit(self, y: np.ndarray, season_length: int, rng: np.random.Generator) -> SeriesFit:
        trivial = trivial_fit(y, 5, self.name)
        if trivial is not None:
            return trivial
        ets = self.ets.fit(y, season_length, rng)
        if not isinstance(ets, ETSFit):
            return ets
        try:
            theta = fit_theta(y, season_length)
        except (FloatingPointError, ValueError, np.linalg.LinAlgError) as err:
            return replace(ets, reason=f"{ets.reason}; Theta failed ({err}): ETS alone")
        return CombinationFit(
            ets,
            theta,
            model=f"ets+theta({ets.form})",
            reason=f"mean of ETS({ets.form}) and Theta; ETS: {ets.reason}",
        )
