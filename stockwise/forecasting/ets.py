"""Exponential smoothing (ETS) on statsmodels' ``ETSModel`` with automatic form choice.

The form with the smallest AICc is kept (Hyndman et al. 2008). Admissible: error A or M,
trend none / additive / additive damped, seasonality none / A / M; multiplicative parts
only for strictly positive series; no additive error with multiplicative seasonality
(numerically unstable, as in R's ``forecast::ets``); seasonal forms only for
``2 <= m <= 24`` and at least two full seasons.

Search: ``"screen"`` (default) estimates every admissible form with statsforecast's
compiled ETS core and ranks them by its AICc (:mod:`stockwise.forecasting.ets_search`);
the best ``top_k`` become statsmodels ``ETSModel`` results at those estimates (or, with
``refit=True``, re-estimated by statsmodels' own optimizer) and the one with the smallest
statsmodels AICc is kept. Likelihood, states, forecasts and sample paths are always
statsmodels'. ``"exhaustive"`` fits every admissible form with statsmodels' optimizer
(the search before screening; several times slower). Every statsmodels result is guarded:
a form that raises, returns a non-finite likelihood or a forecast beyond 10x the observed
range is skipped, the next screened form is tried, and the skips are recorded in
``reason``. When no form survives, the series falls back to seasonal naive and says why.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from statsmodels.tsa.exponential_smoothing.ets import ETSModel, ETSResults

from stockwise.forecasting.base import SeriesFit, trivial_fit
from stockwise.forecasting.ets_search import Screened, rank_forms
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


def fit_form(y: np.ndarray, form: Form, m: int, params: np.ndarray | None = None) -> ETSResults:
    """statsmodels' result for one form: fitted by its optimizer, or at ``params`` (its
    parameter layout) when given; raise ``FloatingPointError`` when it is unusable."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = form.model(as_series(y), m)
        result = model.fit(disp=False) if params is None else model.smooth(params)
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
    search : ``"screen"`` (rank by statsforecast's AICc, keep the best ``top_k`` for
        statsmodels) or ``"exhaustive"`` (fit every form with statsmodels' optimizer)
    top_k : forms per series that statsmodels evaluates in screen mode. On M3 monthly
        (every 4th series) k = 1, 2, 3 all gave MASE 0.852 at statsforecast's estimates;
        refitted by statsmodels 0.862, 0.855, 0.860 at 1.4, 1.8, 2.3x the screen's time
    refit : in screen mode, re-estimate those forms with statsmodels' optimizer instead of
        taking statsforecast's estimates (slower, and less accurate on M3 monthly)
    """

    forms: tuple[str, ...] = ALL_FORMS
    search: str = "screen"
    top_k: int = 1
    refit: bool = False
    name: str = "ets"
    _parsed: tuple[Form, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_parsed", tuple(Form.parse(f) for f in self.forms))
        if self.search not in SEARCHES:
            raise ValueError(f"ETS search {self.search!r}: expected one of {SEARCHES}")
        if isinstance(self.top_k, bool) or not isinstance(self.top_k, int) or self.top_k < 1:
            raise ValueError(f"ETS top_k must be a whole number >= 1, got {self.top_k!r}")
        if not isinstance(self.refit, bool):
            raise ValueError(f"ETS refit must be True or False, got {self.refit!r}")

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

    def candidates(self, y: np.ndarray, m: int) -> tuple[list[Screened], int, str]:
        """Forms to try in order, how many statsmodels results to keep, and the screen's
        summary for ``reason`` (empty when nothing was screened)."""
        forms = self.admissible(y, m)
        if self.search == "exhaustive" or (self.refit and len(forms) <= self.top_k):
            return [Screened(form, np.inf, None) for form in forms], len(forms), ""
        ranked = rank_forms(y, forms, m)
        shown = ", ".join(f"{s.form.code} {s.aicc:.1f}" for s in ranked[: self.top_k + 2])
        more = ", ..." if len(ranked) > self.top_k + 2 else ""
        how = "refitted by statsmodels" if self.refit else "at statsforecast's estimates"
        summary = (
            f"screened {len(ranked)} forms by statsforecast AICc ({shown}{more}); "
            f"best {self.top_k} {how}; "
        )
        if self.refit:
            ranked = [Screened(s.form, s.aicc, None) for s in ranked]
        return ranked, self.top_k, summary

    def fit(self, y: np.ndarray, season_length: int, rng: np.random.Generator) -> SeriesFit:
        trivial = trivial_fit(y, 5, self.name)
        if trivial is not None:
            return trivial
        candidates, wanted, screened = self.candidates(y, season_length)
        best: tuple[float, Form, ETSResults] | None = None
        failed: list[str] = []
        kept = 0
        for candidate in candidates:
            if kept == wanted:
                break
            form = candidate.form
            try:
                result = fit_form(y, form, season_length, candidate.params)
            except (FloatingPointError, ValueError, np.linalg.LinAlgError) as err:
                failed.append(f"{form.code}: {err}")
                continue
            kept += 1
            if best is None or result.aicc < best[0]:
                best = (float(result.aicc), form, result)
        if best is None:
            fallback = SeasonalNaive().fit(y, season_length, rng)
            why = "; ".join(failed) if failed else "no admissible form for this length"
            return replace(fallback, reason=f"ETS failed ({why})")
        aicc, form, result = best
        reason = f"{screened}ETS({form.code}) lowest statsmodels AICc {aicc:.1f} of {kept}"
        if failed:
            reason += f"; skipped {', '.join(failed)}"
        return ETSFit(result, form.code, model=f"ets({form.code})", reason=reason)
