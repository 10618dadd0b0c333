"""Interval calibration: stretch the path spread around the median, conformal style.

A model's simulated spread is often wrong: ETS ignores parameter uncertainty (too narrow),
occurrence x size paths of small counts are too wide. The rolling-origin backtest shows by
how much. For each fold, step and interval width ``w`` (80 %, 95 %), the *spread ratio* is
``|actual - median|`` over the distance from the median to the interval bound on the
actual's side: the actual lies inside the interval exactly when the ratio is <= 1. The
ratios of many series are pooled per model family and step (with the neighbouring steps,
for stability); the ``w``-quantile of a pool (with the split-conformal ``(n + 1) / n``
correction) is the factor ``s_w`` by which the spread must grow for the interval to cover
``w`` of the backtest actuals. Factors are kept within ``FACTOR_RANGE``.

Applying the factors is a monotone, piecewise-linear map of each path value, per step:
deviations from the median are multiplied by ``s_80`` out to the 80 % bound, by ``s_95``
beyond the 95 % bound and interpolated between, so both intervals get their factor. Being
monotone per step, it keeps each path's rank, hence the joint structure over time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from stockwise.forecasting.base import SeriesFit

WIDTHS = (0.8, 0.95)
LEVELS = (0.025, 0.1, 0.5, 0.9, 0.975)  # lower 95, lower 80, median, upper 80, upper 95
MIN_POOL = 30  # ratios per step below which a family borrows the pool of all families
FACTOR_RANGE = (0.5, 4.0)  # stretch factors are clipped to this range


def spread_ratios(paths: np.ndarray, actual: np.ndarray, is_count: bool) -> np.ndarray:
    """``widths x horizon`` spread ratios of ``actual`` against ``n_paths x horizon`` paths.

    Zero when the actual equals the median; infinite when the actual is off a median whose
    interval has no spread on that side (no stretch can cover it). Count paths are rounded
    after stretching, so a bound covers an actual already within half a unit of it: the
    deviation is then reduced by 0.5.
    """
    lo95, lo80, med, hi80, hi95 = np.quantile(paths, LEVELS, axis=0)
    above = actual >= med
    dev = np.abs(actual - med)
    if is_count:
        dev = np.maximum(dev - 0.5, 0.0)
    out = np.empty((len(WIDTHS), len(actual)))
    for k, (lo, hi) in enumerate(((lo80, hi80), (lo95, hi95))):
        half = np.where(above, hi - med, med - lo)
        safe = np.where(half > 0, half, 1.0)
        out[k] = np.where(half > 0, dev / safe, np.where(dev > 0, np.inf, 0.0))
    return out


def conformal_factors(ratios: np.ndarray) -> np.ndarray:
    """``widths`` factors from ``n x widths`` pooled spread ratios (split-conformal level),
    clipped to ``FACTOR_RANGE``: small counts often sit on the median (ratio 0), and a
    factor near 0 would collapse the paths onto it; a ratio can also be infinite."""
    n = ratios.shape[0]
    ordered = np.sort(ratios, axis=0)
    out = np.empty(len(WIDTHS))
    for k, width in enumerate(WIDTHS):
        rank = int(np.ceil((n + 1) * width))  # 1-based rank of the conformal quantile
        out[k] = ordered[rank - 1, k] if rank <= n else np.inf
    return np.clip(out, *FACTOR_RANGE)


def _stretch_side(dev: np.ndarray, b80: np.ndarray, b95: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Monotone map of deviations ``dev >= 0`` with bounds ``b80 <= b95`` and factors ``s``."""
    new80 = s[0] * b80
    new95 = np.maximum(s[1] * b95, new80)
    gap = b95 - b80
    slope = np.where(gap > 0, (new95 - new80) / np.where(gap > 0, gap, 1.0), s[1])
    return np.where(
        dev <= b80,
        s[0] * dev,
        np.where(dev <= b95, new80 + (dev - b80) * slope, new95 + (dev - b95) * s[1]),
    )


def stretch(paths: np.ndarray, factors: np.ndarray) -> np.ndarray:
    """Paths with the spread around each step's median stretched by ``factors``.

    factors : ``widths x steps`` (``s_80``, ``s_95`` per step); steps beyond its last
        column use the last column
    """
    horizon = paths.shape[1]
    steps = np.minimum(np.arange(horizon), factors.shape[1] - 1)
    s = factors[:, steps][:, None, :]  # widths x 1 x horizon
    lo95, lo80, med, hi80, hi95 = np.quantile(paths, LEVELS, axis=0)
    dev = paths - med
    up = _stretch_side(np.maximum(dev, 0.0), hi80 - med, hi95 - med, s[:, 0])
    down = _stretch_side(np.maximum(-dev, 0.0), med - lo80, med - lo95, s[:, 0])
    return med + np.where(dev >= 0, up, -down)


@dataclass(frozen=True)
class CalibratedFit:
    """A fit whose paths are stretched by pooled backtest factors (none until pooled).

    base : the fitted model
    family : the pool it belongs to (model name before any ``(form)``)
    ratios : ``folds x widths x horizon`` spread ratios of its own backtest (may be empty)
    factors : ``widths x horizon`` stretch factors, ``None`` for the raw spread
    """

    base: SeriesFit
    family: str
    ratios: np.ndarray
    factors: np.ndarray | None = None
    model: str = ""
    reason: str = ""

    def point(self, horizon: int) -> np.ndarray:
        return self.base.point(horizon)

    def sample(self, horizon: int, n_paths: int, rng: np.random.Generator) -> np.ndarray:
        paths = self.base.sample(horizon, n_paths, rng)
        if self.factors is None:
            return paths
        return stretch(paths, self.factors)


def family_of(model: str) -> str:
    """Model family for pooling: the name before any ``(form)``."""
    return model.split("(")[0]


def pool_factors(fits: Sequence[SeriesFit]) -> list[SeriesFit]:
    """Every ``CalibratedFit`` gets the factors of its family's pooled backtest ratios.

    A family with fewer than ``MIN_POOL`` backtest folds borrows the pool of all
    families; when even that is too small the spread stays as simulated. The factors at
    steps 1 and the last are written to the fit's reason.
    """
    calibrated = [f for f in fits if isinstance(f, CalibratedFit)]
    if not calibrated:
        return list(fits)
    everything = _stack([f.ratios for f in calibrated])
    by_family: dict[str, np.ndarray | None] = {}
    for family in {f.family for f in calibrated}:
        own = _stack([f.ratios for f in calibrated if f.family == family])
        by_family[family] = _factors(own, everything)
    out: list[SeriesFit] = []
    for fit in fits:
        factors = by_family.get(fit.family) if isinstance(fit, CalibratedFit) else None
        if not isinstance(fit, CalibratedFit) or factors is None:
            out.append(fit)
            continue
        note = (
            f"; intervals calibrated on {fit.family} backtests: spread x"
            f"{factors[0, 0]:.2f}/{factors[1, 0]:.2f} (80/95 %) at step 1, "
            f"x{factors[0, -1]:.2f}/{factors[1, -1]:.2f} at step {factors.shape[1]}"
        )
        out.append(replace(fit, factors=factors, reason=fit.reason + note))
    return out


def _stack(ratios: list[np.ndarray]) -> np.ndarray:
    """``n x widths x horizon`` from per-series ``folds x widths x horizon`` arrays."""
    parts = [r for r in ratios if r.size]
    if not parts:
        return np.empty((0, len(WIDTHS), 0))
    horizon = min(r.shape[2] for r in parts)
    return np.concatenate([r[:, :, :horizon] for r in parts])


def _factors(own: np.ndarray, everything: np.ndarray) -> np.ndarray | None:
    """``widths x horizon`` factors from ``own`` ratios, else the pool of all; ``None`` when
    neither has ``MIN_POOL`` ratios at the first step."""
    for pool in (own, everything):
        horizon = pool.shape[2]
        if pool.shape[0] >= MIN_POOL and horizon > 0:
            near = [slice(max(0, h - 1), min(horizon, h + 2)) for h in range(horizon)]
            return np.stack([conformal_factors(_flat(pool[:, :, steps])) for steps in near], axis=1)
    return None


def _flat(ratios: np.ndarray) -> np.ndarray:
    """``n x widths x steps`` ratios as ``(n * steps) x widths``."""
    return ratios.transpose(0, 2, 1).reshape(-1, ratios.shape[1])
