"""Automatic model choice per series: demand class as the prior, backtest as the evidence.

The Syntetos–Boylan class of the series (ADI / CV²) picks the candidates and the prior
favourite (ETS for smooth and erratic demand, SBA for intermittent and lumpy demand).
Every candidate is scored by a rolling-origin backtest on the series' own history (mean
M5 scaled pinball loss of its sample paths); another candidate replaces the favourite
only when it scores better by more than ``margin`` (relative). A series too short to
backtest keeps the favourite. The choice and the scores are written to ``reason``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from stockwise.data.summary import ADI_CUTOFF, CV2_CUTOFF
from stockwise.forecasting import metrics
from stockwise.forecasting.base import SeriesFit, SeriesMethod, trivial_fit
from stockwise.forecasting.ets import ETS, ETSFit
from stockwise.forecasting.intermittent import SBA, TSB, Croston
from stockwise.forecasting.naive import SeasonalNaive


def demand_class(y: np.ndarray) -> str:
    """Syntetos–Boylan class of one series: smooth, erratic, intermittent, lumpy or zero."""
    sizes = y[y > 0]
    if not len(sizes):
        return "zero"
    adi = len(y) / len(sizes)
    cv2 = float(np.var(sizes) / np.mean(sizes) ** 2)
    if adi < ADI_CUTOFF:
        return "smooth" if cv2 < CV2_CUTOFF else "erratic"
    return "intermittent" if cv2 < CV2_CUTOFF else "lumpy"


def default_candidates() -> dict[str, tuple[SeriesMethod, ...]]:
    """Candidates per demand class; the first one is the prior favourite."""
    smooth = (ETS(), SeasonalNaive())
    sparse = (SBA(), TSB(), Croston(), SeasonalNaive())
    return {"smooth": smooth, "erratic": smooth, "intermittent": sparse, "lumpy": sparse}


def fast_candidates() -> dict[str, tuple[SeriesMethod, ...]]:
    """Candidates without ETS (about 1 ms per series): TSB is smoothing with a fixed constant
    on smooth demand (every period sells), so it stands in for ETS(A,N,N)."""
    smooth = (TSB(), SeasonalNaive(), SBA())
    sparse = (SBA(), TSB(), SeasonalNaive())
    return {"smooth": smooth, "erratic": smooth, "intermittent": sparse, "lumpy": sparse}


@dataclass(frozen=True)
class AutoMethod:
    """Per-series choice among candidates by rolling-origin scaled pinball loss.

    horizon : periods scored per fold (use the forecast horizon)
    folds : backtest origins, ``horizon`` periods apart
    n_paths : paths drawn per candidate and fold
    margin : relative improvement a challenger needs to replace the class favourite. Short
        backtests are noisy: on 72 M3 monthly series (disjoint from the benchmark subset),
        MASE was 0.928 with margin 0.02 and 2 folds, 0.838 with 0.10 and 3 folds, 0.820
        with 0.25 and 3 folds, and 0.813 for ETS alone
    candidates : per demand class, the candidate methods, favourite first
    """

    horizon: int = 6
    folds: int = 3
    n_paths: int = 200
    margin: float = 0.25
    candidates: dict[str, tuple[SeriesMethod, ...]] = field(default_factory=default_candidates)
    name: str = "auto"

    def _score(
        self,
        method: SeriesMethod,
        y: np.ndarray,
        m: int,
        cuts: list[int],
        rng: np.random.Generator,
    ) -> float:
        """Mean pinball loss over the folds ending at ``cuts``, over the first window's mean
        absolute one-step change (infinite when a candidate produces no finite score)."""
        losses = []
        for cut in cuts:
            fit = method.fit(y[:cut], m, rng)
            paths = np.clip(fit.sample(self.horizon, self.n_paths, rng), 0.0, None)
            quantiles = np.quantile(paths, metrics.M5_LEVELS, axis=0)
            actual = y[cut : cut + self.horizon]
            losses.append(np.mean(metrics.pinball(actual, quantiles, metrics.M5_LEVELS)))
        scale = float(np.mean(np.abs(np.diff(y[: cuts[0]])))) or 1.0
        value = float(np.mean(losses)) / scale
        return value if np.isfinite(value) else np.inf

    def fit(self, y: np.ndarray, season_length: int, rng: np.random.Generator) -> SeriesFit:
        trivial = trivial_fit(y, 5, self.name)
        if trivial is not None:
            return trivial
        cls = demand_class(y)
        methods = self.candidates[cls]
        fits = {}
        # ETS picks its form by AICc on the whole history; folds refit that form only.
        scored: list[SeriesMethod] = []
        for method in methods:
            if isinstance(method, ETS):
                full = method.fit(y, season_length, rng)
                fits[method.name] = full
                if isinstance(full, ETSFit):
                    method = ETS(forms=(full.form,))
            scored.append(method)
        min_train = max(10, 2 * season_length if season_length <= 24 else 10)
        cuts = [
            len(y) - self.horizon * (self.folds - j)
            for j in range(self.folds)
            if len(y) - self.horizon * (self.folds - j) >= min_train
        ]
        if not cuts:
            choice = methods[0]
            reason = f"class {cls}; {len(y)} periods too short to backtest: class favourite"
        else:
            scores = [self._score(m, y, season_length, cuts, rng) for m in scored]
            best = int(np.argmin(scores))
            if not scores[best] < scores[0] * (1 - self.margin):
                best = 0
            choice = methods[best]
            table = ", ".join(f"{m.name} {s:.3f}" for m, s in zip(methods, scores, strict=True))
            reason = (
                f"class {cls}; scaled pinball over {len(cuts)} fold(s) of {self.horizon}: "
                f"{table} -> {choice.name}"
            )
        fit = fits.get(choice.name) or choice.fit(y, season_length, rng)
        detail = f"; {fit.reason}" if fit.reason else ""
        return replace(fit, reason=reason + detail)  # type: ignore[type-var]
