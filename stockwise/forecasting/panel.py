"""Turn a ``DemandHistory`` into a checked panel of equally spaced series.

Handling of awkward input (documented and logged, never silent):

- negative or non-finite quantities, and duplicate (item, location, period) rows, raise
  ``ForecastInputError`` naming the series, the period and the value;
- a period missing inside a series (a gap) is read as zero demand and logged;
- a series that starts later than others is fitted from its first period only;
- periods are dates on a regular grid (frequency inferred) or consecutive integers.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from stockwise.data.model import DemandHistory
from stockwise.forecasting.result import SeriesKey

log = logging.getLogger(__name__)


class ForecastInputError(ValueError):
    """The demand history cannot be forecast as given; the message says where and why."""


@dataclass(frozen=True, eq=False)
class Panel:
    """Equally spaced series on one period grid.

    keys : (item, location) per row
    periods : the full history grid (dates or integers), length T
    quantity : [units] ``series x T``; NaN before a series' first period
    price : [currency / unit] ``series x T``, NaN when unknown
    promo : ``series x T`` bool
    start : index of each series' first period on the grid
    is_count : every quantity is a whole number (paths are then rounded)
    season_length : periods per seasonal cycle (52 weekly, 7 daily, 12 monthly, 1 otherwise)
    """

    keys: tuple[SeriesKey, ...]
    periods: pd.Index
    quantity: np.ndarray
    price: np.ndarray
    promo: np.ndarray
    start: np.ndarray
    is_count: bool
    season_length: int

    def series(self, i: int) -> np.ndarray:
        """[units] the observed history of series ``i`` (from its first period)."""
        return self.quantity[i, self.start[i] :]

    def future_periods(self, horizon: int) -> pd.Index:
        """Labels of the ``horizon`` periods after the history."""
        last = self.periods[-1]
        if isinstance(self.periods, pd.DatetimeIndex):
            return pd.date_range(last, periods=horizon + 1, freq=self.periods.freq)[1:]
        return pd.Index(np.arange(last + 1, last + 1 + horizon))


def season_length_for(periods: pd.Index) -> int:
    """Periods per year-long cycle for a date grid (52 weekly, 12 monthly, 7 daily ...)."""
    if not isinstance(periods, pd.DatetimeIndex) or len(periods) < 3:
        return 1
    step = pd.Series(periods).diff().median()
    days = step / pd.Timedelta(days=1)
    if 0.9 <= days <= 1.1:
        return 7
    if 6.5 <= days <= 7.5:
        return 52
    if 27 <= days <= 32:
        return 12
    if 88 <= days <= 93:
        return 4
    return 1


def _grid(observed: pd.Index) -> pd.Index:
    if pd.api.types.is_datetime64_any_dtype(observed):
        observed = pd.DatetimeIndex(observed)
        if len(observed) < 2:
            raise ForecastInputError(
                f"dated demand has a single period ({observed[0]:%Y-%m-%d}): the period length "
                "cannot be inferred; give at least two periods, or integer periods"
            )
        freq = pd.infer_freq(observed) if len(observed) >= 3 else None
        if freq is None:
            step = pd.Series(observed).diff().min()
            days = step / pd.Timedelta(days=1)
            if 27 <= days <= 31:
                freq = "MS" if (observed.day == 1).all() else "ME"
            else:
                freq = pd.tseries.frequencies.to_offset(step)
        return pd.date_range(observed[0], observed[-1], freq=freq)
    values = np.asarray(observed, dtype=np.int64)
    return pd.Index(np.arange(values.min(), values.max() + 1))


def make_panel(history: DemandHistory, season_length: int | None = None) -> Panel:
    """Check ``history`` and lay it out on a regular grid; see the module notes."""
    frame = history.frame
    if frame.empty:
        raise ForecastInputError("demand history is empty: nothing to forecast")
    qty = frame["quantity"].to_numpy(dtype=float)
    bad = ~np.isfinite(qty) | (qty < 0)
    if bad.any():
        row = frame.loc[bad].iloc[0]
        raise ForecastInputError(
            f"demand quantity must be a finite number >= 0: item {row['item']!r}, "
            f"location {row['location']!r}, period {row['period']} has {row['quantity']} "
            f"({int(bad.sum())} such row(s))"
        )
    dup = frame.duplicated(["item", "location", "period"])
    if dup.any():
        row = frame.loc[dup].iloc[0]
        raise ForecastInputError(
            f"duplicate period in demand: item {row['item']!r}, location {row['location']!r}, "
            f"period {row['period']} appears more than once ({int(dup.sum())} duplicate row(s))"
        )
    observed = pd.Index(np.sort(frame["period"].unique()))
    grid = _grid(observed)
    if len(grid) > 20 * len(observed) + 10:
        raise ForecastInputError(
            f"periods are not on a regular grid: {len(observed)} distinct periods would need "
            f"{len(grid)} grid periods; give consecutive integers or regularly spaced dates"
        )
    keys = list(frame[["item", "location"]].drop_duplicates().itertuples(index=False, name=None))
    key_index = {k: i for i, k in enumerate(keys)}
    rows = np.fromiter(
        (key_index[k] for k in zip(frame["item"], frame["location"], strict=True)),
        dtype=np.int64,
        count=len(frame),
    )
    cols = grid.get_indexer(pd.Index(frame["period"]))
    if (cols < 0).any():
        raise ForecastInputError(
            f"period {frame['period'].iloc[int(np.argmax(cols < 0))]} is off the inferred "
            f"grid ({grid.freq if hasattr(grid, 'freq') else 'step 1'}); use regular periods"
        )
    shape = (len(keys), len(grid))
    quantity = np.full(shape, np.nan)
    quantity[rows, cols] = qty
    price = np.full(shape, np.nan)
    price[rows, cols] = frame["price"].to_numpy(dtype=float)
    promo = np.zeros(shape, dtype=bool)
    promo[rows, cols] = frame["promo"].to_numpy(dtype=bool)
    start = np.full(len(keys), len(grid), dtype=np.int64)
    np.minimum.at(start, rows, cols)
    after_start = np.arange(len(grid))[None, :] >= start[:, None]
    gaps = after_start & np.isnan(quantity)
    if gaps.any():
        per_series = gaps.sum(axis=1)
        worst = int(np.argmax(per_series))
        log.warning(
            "%d missing period(s) inside %d series read as zero demand (most: %s at %s, %d)",
            int(gaps.sum()),
            int((per_series > 0).sum()),
            keys[worst][0],
            keys[worst][1],
            int(per_series[worst]),
        )
        quantity[gaps] = 0.0
    is_count = bool(np.all(qty == np.round(qty)))
    m = season_length if season_length is not None else season_length_for(grid)
    return Panel(
        keys=tuple(keys),
        periods=grid,
        quantity=quantity,
        price=price,
        promo=promo,
        start=start,
        is_count=is_count,
        season_length=int(m),
    )
