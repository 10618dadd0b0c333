"""Interval calibration from pooled backtest ratios: hand cases and a known process."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from stockwise.forecasting import LocalForecaster
from stockwise.forecasting.auto import AutoMethod
from stockwise.forecasting.calibration import conformal_factors, spread_ratios, stretch

from .conftest import history_from


def test_spread_ratios_by_hand():
    paths = np.arange(1001.0)[:, None]  # quantiles: 2.5 % 25, 10 % 100, 50 % 500, 90 % 900
    ratios = spread_ratios(paths, np.array([700.0]), is_count=False)
    np.testing.assert_allclose(ratios[:, 0], [200 / 400, 200 / 475])
    below = spread_ratios(paths, np.array([0.0]), is_count=False)
    np.testing.assert_allclose(below[:, 0], [500 / 400, 500 / 475])
    # counts are rounded after stretching: a bound within half a unit already covers
    np.testing.assert_allclose(
        spread_ratios(paths, np.array([700.0]), is_count=True)[:, 0], [199.5 / 400, 199.5 / 475]
    )
    flat = np.zeros((100, 1))
    np.testing.assert_array_equal(spread_ratios(flat, np.array([0.0]), True)[:, 0], [0, 0])
    assert np.all(np.isinf(spread_ratios(flat, np.array([3.0]), True)))


def test_conformal_factors_by_hand():
    ratios = np.repeat(np.arange(1, 101)[:, None] / 50.0, 2, axis=1)  # 0.02 .. 2.00
    # level ceil(101 * w) / 100: the 81st and the 96th smallest ratio
    np.testing.assert_allclose(conformal_factors(ratios), [81 / 50, 96 / 50])


def test_stretch_scales_the_interval_bounds_and_keeps_each_path_rank():
    paths = np.random.default_rng(0).gamma(2.0, 10.0, size=(2001, 4))
    factors = np.array([[1.5, 0.7, 1.0, 2.0], [2.0, 0.8, 1.0, 3.0]])
    out = stretch(paths, factors)
    levels = (0.025, 0.1, 0.5, 0.9, 0.975)
    before, after = np.quantile(paths, levels, axis=0), np.quantile(out, levels, axis=0)
    med = before[2]
    np.testing.assert_allclose(after[2], med)
    for k, (lo, hi) in enumerate(((1, 3), (0, 4))):
        np.testing.assert_allclose(after[lo], med + factors[k] * (before[lo] - med))
        np.testing.assert_allclose(after[hi], med + factors[k] * (before[hi] - med))
    np.testing.assert_array_equal(np.argsort(out, axis=0), np.argsort(paths, axis=0))
    np.testing.assert_allclose(stretch(paths, np.ones((2, 1))), paths)


@dataclass(frozen=True)
class NormalFit:
    mean: float
    sd: float
    model: str = "scaled_normal"
    reason: str = ""

    def point(self, horizon: int) -> np.ndarray:
        return np.full(horizon, self.mean)

    def sample(self, horizon: int, n_paths: int, rng: np.random.Generator) -> np.ndarray:
        return rng.normal(self.mean, self.sd, size=(n_paths, horizon))


@dataclass(frozen=True)
class ScaledNormal:
    """Independent normal draws with the history's mean and ``scale`` x its deviation."""

    scale: float
    name: str = "scaled_normal"

    def fit(self, y: np.ndarray, season_length: int, rng: np.random.Generator) -> NormalFit:
        return NormalFit(float(np.mean(y)), self.scale * float(np.std(y)))


N_SERIES, LENGTH, H = 300, 40, 3


@pytest.mark.parametrize("scale", [0.5, 2.0])
def test_pooled_calibration_restores_nominal_coverage(scale):
    """Normal(50, 5) series; the model's spread is ``scale`` times too wide. Uncalibrated, its
    80 % interval covers 47 % (scale 0.5) or 99 % (scale 2) of the future values."""
    rng = np.random.default_rng(11)
    values = rng.normal(50.0, 5.0, size=(N_SERIES, LENGTH + H))
    history = history_from({(f"I{i:03d}", "S"): row[:LENGTH] for i, row in enumerate(values)})
    future = values[:, LENGTH:]
    method = ScaledNormal(scale)
    candidates = {c: (method,) for c in ("smooth", "erratic", "intermittent", "lumpy")}

    def coverage(calibrate: bool) -> dict[float, float]:
        auto = AutoMethod(horizon=H, candidates=candidates, calibrate=calibrate)
        paths = LocalForecaster(auto).fit(history).predict(H, 1000, seed=2).paths
        out = {}
        for width in (0.8, 0.95):
            lo, hi = np.quantile(paths, [(1 - width) / 2, (1 + width) / 2], axis=1)
            out[width] = float(np.mean((future >= lo) & (future <= hi)))
        return out

    raw, calibrated = coverage(False), coverage(True)
    n_future, n_backtest = future.size, N_SERIES * 3 * 3  # 3 folds, 3 pooled steps
    for width in (0.8, 0.95):
        var = width * (1 - width)
        tolerance = 3.5 * np.sqrt(var / n_future + var / n_backtest)
        assert abs(calibrated[width] - width) < tolerance, (width, calibrated, raw)
        assert abs(raw[width] - width) > tolerance  # uncalibrated, the same check fails


def test_calibration_factor_is_recorded_in_the_reason():
    rng = np.random.default_rng(5)
    history = history_from({(f"I{i:02d}", "S"): rng.normal(50.0, 5.0, LENGTH) for i in range(20)})
    candidates = {c: (ScaledNormal(0.5),) for c in ("smooth", "erratic")}
    fitted = LocalForecaster(AutoMethod(horizon=H, candidates=candidates)).fit(history)
    result = fitted.predict(H, 10, seed=0)
    assert (
        result.models["reason"]
        .str.contains(r"intervals calibrated on scaled_normal backtests: spread x\d")
        .all()
    )
