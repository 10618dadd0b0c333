"""Screen ETS forms by AICc with statsforecast's compiled ETS core, before statsmodels.

statsmodels fits a seasonal form in 30-120 ms (L-BFGS with numerical gradients in
Python); statsforecast estimates the same model (Hyndman et al. 2008, R's
``forecast::ets``: Nelder-Mead on the likelihood, forecast::ets parameter bounds) in C++
several times faster. The screen estimates every admissible form with statsforecast,
ranks the forms by its AICc and hands the estimates over in statsmodels' parameter layout,
so statsmodels evaluates (or refits) only the best few.

Each form gets fresh parameter bounds. statsforecast's own ``ets_f`` search reuses one
bounds array across forms and its ``initparam`` narrows it in place (the trend smoothing
bound drops to the first seasonal form's starting ``alpha``, 0.2 / m), so its automatic
choice can differ from this ranking on trended series.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from stockwise.forecasting.ets import Form

# forecast::ets defaults: alpha, beta, gamma in [1e-4, 0.9999], damping phi in [0.8, 0.98]
LOWER = (1e-4, 1e-4, 1e-4, 0.8)
UPPER = (0.9999, 0.9999, 0.9999, 0.98)


@dataclass(frozen=True)
class Screened:
    """One form as statsforecast estimated it.

    aicc : statsforecast's AICc (``inf`` when it could not fit the form)
    params : the estimates in statsmodels' ``ETSModel`` order (smoothing level, trend,
        seasonal, damping, initial level, trend, seasonals ``s_{-1} .. s_{-m}``); ``None``
        when the screen failed
    """

    form: Form
    aicc: float
    params: np.ndarray | None


def statsmodels_params(par: np.ndarray, form: Form) -> np.ndarray:
    """statsforecast's ``par`` (alpha, beta, gamma, phi, then initial states, seasonals
    summing to 0, or to m when multiplicative) in statsmodels' layout, where the oldest
    seasonal is 0 (1 when multiplicative) and the level (and trend) absorb the shift."""
    alpha, beta, gamma, phi = par[:4]
    states = list(par[4:])
    smoothing = [alpha]
    smoothing += [beta] if form.trend != "N" else []
    smoothing += [gamma] if form.seasonal != "N" else []
    smoothing += [phi] if form.trend == "Ad" else []
    level = states.pop(0)
    trend = [states.pop(0)] if form.trend != "N" else []
    season = np.asarray(states, dtype=float)
    if form.seasonal == "A":
        level, season = level + season[-1], season - season[-1]
    elif form.seasonal == "M":
        scale = season[-1]
        level, trend, season = level * scale, [b * scale for b in trend], season / scale
    return np.array([*smoothing, level, *trend, *season], dtype=float)


def screen_form(y: np.ndarray, form: Form, m: int) -> Screened:
    """statsforecast's estimate of ``form`` on ``y`` with season length ``m``."""
    from statsforecast.ets import etsmodel  # imported on first use: 0.3 s (numba)

    try:
        fit = etsmodel(
            y=np.asarray(y, dtype=np.float64),
            m=m,
            errortype=form.error,
            trendtype=form.trend[0],
            seasontype=form.seasonal,
            damped=form.trend == "Ad",
            alpha=np.nan,
            beta=np.nan,
            gamma=np.nan,
            phi=np.nan,
            lower=np.array(LOWER),
            upper=np.array(UPPER),
            opt_crit="lik",
            nmse=3,
            bounds="both",
        )
    except Exception:  # noqa: BLE001 - the screen only ranks; statsmodels fits are guarded
        return Screened(form, np.inf, None)
    aicc = float(fit["aicc"])
    if not np.isfinite(aicc) or fit.get("fit") is None:
        return Screened(form, np.inf, None)
    params = statsmodels_params(np.asarray(fit["par"], dtype=float), form)
    return Screened(form, aicc, params if np.all(np.isfinite(params)) else None)


def rank_forms(y: np.ndarray, forms: Sequence[Form], m: int) -> list[Screened]:
    """Every form screened, from the smallest statsforecast AICc; forms the screen could
    not fit come last (``aicc`` is ``inf``), in their given order."""
    screened = [screen_form(y, form, m) for form in forms]
    order = sorted(range(len(forms)), key=lambda i: (screened[i].aicc, i))
    return [screened[i] for i in order]
