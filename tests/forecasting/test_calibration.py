"""Known processes: empirical coverage of the predictive quantiles within sampling error."""

from __future__ import annotations

import numpy as np

from stockwise.forecasting import make_forecaster

from .conftest import history_from

N_SERIES, LENGTH, H = 300, 120, 3


def _draw(process, seed: int) -> tuple[np.ndarray, np.ndarray]:
    values = process(np.random.default_rng(seed), (N_SERIES, LENGTH + H))
    return values[:, :LENGTH], values[:, LENGTH:]


def _fit_predict(name: str, train: np.ndarray, **options) -> np.ndarray:
    history = history_from({(f"I{i:03d}", "S"): row for i, row in enumerate(train)})
    return make_forecaster(name, **options).fit(history).predict(H, 1000, seed=1).paths


def test_normal_process_ets_intervals_cover_nominal_share():
    train, future = _draw(lambda rng, size: rng.normal(50.0, 5.0, size), seed=0)
    paths = _fit_predict("ets", train, forms=("ANN",))
    n = future.size  # independent across series; 900 draws
    for width in (0.5, 0.8, 0.95):
        lo, hi = np.quantile(paths, [(1 - width) / 2, (1 + width) / 2], axis=1)
        covered = np.mean((future >= lo) & (future <= hi))
        # paths are rounded (the draws are not counts, but the test adds no rounding)
        assert abs(covered - width) < 3.5 * np.sqrt(width * (1 - width) / n), (width, covered)


def test_poisson_process_tsb_quantiles_are_calibrated():
    train, future = _draw(lambda rng, size: rng.poisson(0.8, size).astype(float), seed=1)
    paths = _fit_predict("tsb", train)
    n = future.size
    for tau in (0.1, 0.5, 0.9):
        q = np.quantile(paths, tau, axis=1, method="inverted_cdf")
        # Discrete outcomes: P(Y < q) <= tau <= P(Y <= q), each up to sampling error.
        tol = 3.5 * np.sqrt(tau * (1 - tau) / n)
        assert np.mean(future < q) <= tau + tol and np.mean(future <= q) >= tau - tol, tau
