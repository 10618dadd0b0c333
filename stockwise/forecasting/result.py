"""``ForecastResult``: demand forecasts as jointly sampled paths (the currency downstream)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

SeriesKey = tuple[str, str]  # (item, location)


@dataclass(frozen=True, eq=False)
class ForecastResult:
    """Sample paths of future demand for many series, and what produced them.

    keys : the (item, location) of each series, in row order of ``paths``
    paths : [units] float64 array ``series x n_paths x horizon``, non-negative; each path is
        one joint draw over the horizon, so sums over a lead time have the right spread
    periods : labels of the ``horizon`` future periods (dates or integers)
    models : one row per series: ``item``, ``location``, ``model`` (what was used),
        ``reason`` (why it was chosen, or why a fallback happened)

    Quantiles are derived from the paths, never the reverse.
    """

    keys: tuple[SeriesKey, ...]
    paths: np.ndarray
    periods: pd.Index
    models: pd.DataFrame

    def __post_init__(self) -> None:
        if self.paths.ndim != 3 or self.paths.shape[0] != len(self.keys):
            raise ValueError(
                f"paths must be series x paths x horizon with {len(self.keys)} series, "
                f"got shape {self.paths.shape}"
            )
        if self.paths.shape[2] != len(self.periods):
            raise ValueError(
                f"paths cover {self.paths.shape[2]} periods but {len(self.periods)} are labelled"
            )

    @property
    def n_paths(self) -> int:
        return int(self.paths.shape[1])

    @property
    def horizon(self) -> int:
        return int(self.paths.shape[2])

    def index(self, item: str, location: str) -> int:
        """Row of the series ``(item, location)`` in ``paths``."""
        return self.keys.index((item, location))

    def mean(self) -> np.ndarray:
        """[units] ``series x horizon`` mean over paths."""
        return self.paths.mean(axis=1)

    def quantiles(self, levels: Sequence[float] = (0.05, 0.5, 0.95)) -> pd.DataFrame:
        """Tidy table ``item, location, period, quantile, value`` from the paths."""
        q = np.quantile(self.paths, np.asarray(levels), axis=1)  # levels x series x horizon
        n_series, horizon = len(self.keys), self.horizon
        items = np.array([k[0] for k in self.keys], dtype=object)
        locations = np.array([k[1] for k in self.keys], dtype=object)
        return pd.DataFrame(
            {
                "item": np.tile(np.repeat(items, horizon), len(levels)),
                "location": np.tile(np.repeat(locations, horizon), len(levels)),
                "period": np.tile(np.asarray(self.periods), n_series * len(levels)),
                "quantile": np.repeat(np.asarray(levels, dtype=float), n_series * horizon),
                "value": q.reshape(-1),
            }
        )
