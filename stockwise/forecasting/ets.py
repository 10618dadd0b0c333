"""Exponential smoothing (ETS) on statsmodels' ``ETSModel`` with automatic form choice.

The form with the smallest AICc is kept (Hyndman et al. 2008). Admissible: error A or M,
trend none / additive / additive damped, seasonality none / A / M; multiplicative parts
only for strictly positive series; no additive error with multiplicative seasonality
(numerically unstable, as in R's ``forecast::ets``); seasonal forms only for
``2 <= m <= 24`` and at least two full seasons.

Search: ``"screen"`` (default) ranks every admissible form by AICc with statsforecast's
compiled ETS core (:mod:`stockwise.forecasting.ets_search`) and fits only the best
``top_k`` in statsmodels, keeping the one with the smallest statsmodels AICc;
``"exhaustive"`` fits every admissible form in statsmodels (about 7x slower, same M3
accuracy). Every statsmodels fit is guarded: a form that raises, returns a non-finite
likelihood or a forecast beyond 10x the observed range is skipped, the next screened form
is tried, and the skips are recorded in ``reason``. When no form survives, the series
falls back to seasonal naive and says why.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from statsmodels.tsa.exponential_smoothing.ets import ETSModel, ETSResults

from stockwise.forecasting.base import SeriesFit, trivial_fit
from stockwise.forecasting.ets_search import rank_forms
from stockwise.forecasting.naive import SeasonalNaive

ALL_FORMS = (
    "ANN", "AAN", "AAdN", "ANA", "AAA", "AAdA",
    "MNN", "MAN", "MAdN", "MNA", "MAA", "MAdA", "MNM", "MAM", "MAdM",
)  # fmt: skip
MAX_SEASON = 24
SEARCHES = ("screen", "exhaustive")


@dataclass(frozen=True)
class Form:
    """One ETS form, written as in Hyndman et al. (2008): error, trend (``Ad`` damped), season."""

    error: str
    trend: str
    seasonal: str

    @classmethod
    def parse(cls, code: str) -> Form:
        damped = "d" in code
        plain = code.replace("d", "")
        if len(plain) != 3 or plain[0] not in "AM" or plain[1] not in "NA" or plain[2] not in "NAM":
            raise ValueError(
                f"ETS form {code!r}: expected error A|M, trend N|A|Ad, season N|A|M "
                "(e.g. 'ANN', 'MAdM')"
            )
        return cls(plain[0], plain[1] + ("d" if damped else ""), plain[2])

    @property
    def code(self) -> str:
        return self.error + self.trend + self.seasonal

    @property
    def multiplicative(self) -> bool:
        return self.error == "M" or self.seasonal == "M"

    def n_params(self, m: int) -> int:
        """Smoothing, damping and initial-state parameters (forecast::ets count, + sigma)."""
        count = 2 + (2 if self.trend != "N" else 0) + (1 if self.trend == "Ad" else 0)
        return count + (m if self.seasonal != "N" else 0) + 1

    def model(self, y: pd.Series, m: int) -> ETSModel:
        names = {"A": "add", "M": "mul", "N": None}
        return ETSModel(
            y,
            error=names[self.error],
            trend=names[self.trend[0]],
            damped_trend=self.trend == "Ad",
            seasonal=names[self.seasonal],
            seasonal_periods=m if self.seasonal != "N" else None,
        )


def as_series(y: np.ndarray) -> pd.Series:
    """``y`` indexed by integer periods (statsmodels' ETS predicts only from a pd.Series)."""
    return pd.Series(np.asarray(y, dtype=float), index=pd.RangeIndex(len(y)))


def fit_form(y: np.ndarray, form: Form, m: int) -> ETSResults:
    """Fit one form; raise ``FloatingPointError`` when the fit is unusable."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = form.model(as_series(y), m).fit(disp=False)
        ahead = np.asarray(result.forecast(max(m, 2) * 2))
    if not np.isfinite(result.llf) or not np.isfinite(result.aicc):
        raise FloatingPointError("non-finite likelihood")
    span = float(np.max(y) - min(0.0, float(np.min(y))))
    if not np.all(np.isfinite(ahead)) or np.max(np.abs(ahead)) > 10 * span + 10:
        raise FloatingPointError("forecast diverges")
    return result


@dataclass(frozen=True)
class ETSFit:
    result: ETSResults
    form: str
    model: str = "ets"
    reason: str = ""

    def point(self, horizon: int) -> np.ndarray:
        return np.asarray(self.result.forecast(horizon), dtype=float)

    def sample(self, horizon: int, n_paths: int, rng: np.random.Generator) -> np.ndarray:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            paths = self.result.simulate(horizon, anchor="end", repetitions=n_paths, rng=rng)
        return np.asarray(paths, dtype=float).reshape(horizon, n_paths).T


@dataclass(frozen=True)
class ETS:
    """Automatic ETS: the admissible form with the smallest AICc.

    forms : candidate forms (codes such as ``"AAdN"``); default all fifteen
    search : ``"screen"`` (rank by statsforecast's AICc, fit the best ``top_k`` in
        statsmodels) or ``"exhaustive"`` (fit every form in statsmodels)
    top_k : statsmodels fits per series in screen mode (1 matched exhaustive accuracy on
        M3 monthly; see the M3 benchmark)
    """

    forms: tuple[str, ...] = ALL_FORMS
    search: str = "screen"
    top_k: int = 1
    name: str = "ets"
    _parsed: tuple[Form, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_parsed", tuple(Form.parse(f) for f in self.forms))
        if self.search not in SEARCHES:
            raise ValueError(f"ETS search {self.search!r}: expected one of {SEARCHES}")
        if isinstance(self.top_k, bool) or not isinstance(self.top_k, int) or self.top_k < 1:
            raise ValueError(f"ETS top_k must be a whole number >= 1, got {self.top_k!r}")

    def admissible(self, y: np.ndarray, m: int) -> list[Form]:
        """Forms allowed for ``y`` with season length ``m`` (see the module notes)."""
        positive = bool(np.all(y > 0))
        seasonal = 2 <= m <= MAX_SEASON and len(y) >= 2 * m
        out = []
        for form in self._parsed:
            if form.multiplicative and not positive:
                continue
            if form.seasonal != "N" and not seasonal:
                continue
            if form.error == "A" and form.seasonal == "M":
                continue
            if len(y) < form.n_params(m if form.seasonal != "N" else 1) + 3:
                continue
            out.append(form)
        return out

    def fit(self, y: np.ndarray, season_length: int, rng: np.random.Generator) -> SeriesFit:
        trivial = trivial_fit(y, 5, self.name)
        if trivial is not None:
            return trivial
        candidates = self.admissible(y, season_length)
        wanted, screened = len(candidates), ""
        if self.search == "screen" and len(candidates) > self.top_k:
            ranked = rank_forms(y, candidates, season_length)
            candidates, wanted = [form for _, form in ranked], self.top_k
            shown = ", ".join(f"{f.code} {a:.1f}" for a, f in ranked[: self.top_k + 2])
            screened = f"screened {len(ranked)} forms by statsforecast AICc ({shown}, ...); "
        best: tuple[float, Form, ETSResults] | None = None
        failed: list[str] = []
        fitted = 0
        for form in candidates:
            if fitted == wanted:
                break
            try:
                result = fit_form(y, form, season_length)
            except (FloatingPointError, ValueError, np.linalg.LinAlgError) as err:
                failed.append(f"{form.code}: {err}")
                continue
            fitted += 1
            if best is None or result.aicc < best[0]:
                best = (float(result.aicc), form, result)
        if best is None:
            fallback = SeasonalNaive().fit(y, season_length, rng)
            why = "; ".join(failed) if failed else "no admissible form for this length"
            return replace(fallback, reason=f"ETS failed ({why})")
        aicc, form, result = best
        reason = f"{screened}ETS({form.code}) lowest statsmodels AICc {aicc:.1f} of {fitted}"
        if failed:
            reason += f"; skipped {', '.join(failed)}"
        return ETSFit(result, form.code, model=f"ets({form.code})", reason=reason)
