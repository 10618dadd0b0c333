"""Screen ETS forms by AICc with statsforecast's compiled ETS core, before statsmodels fits.

statsmodels fits a seasonal form in 30-100 ms (an L-BFGS search with numerical gradients
in Python); statsforecast evaluates the same likelihood and AICc (Hyndman et al. 2008,
R's ``forecast::ets``) in C++ about 10x faster. The screen ranks every admissible form by
statsforecast's AICc, so that statsmodels needs to fit only the best few.

Each form gets fresh parameter bounds. statsforecast's own ``ets_f`` search reuses one
bounds array across forms and its ``initparam`` narrows it in place (the trend smoothing
bound drops to the first seasonal form's starting ``alpha``, 0.2 / m), so its automatic
choice can differ from this ranking on trended series.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from statsforecast.ets import etsmodel

if TYPE_CHECKING:
    from stockwise.forecasting.ets import Form

# forecast::ets defaults: alpha, beta, gamma in [1e-4, 0.9999], damping phi in [0.8, 0.98]
LOWER = (1e-4, 1e-4, 1e-4, 0.8)
UPPER = (0.9999, 0.9999, 0.9999, 0.98)


def screen_aicc(y: np.ndarray, form: Form, m: int) -> float:
    """statsforecast's AICc of ``form`` fitted to ``y`` (``inf`` when it cannot fit)."""
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
        return np.inf
    aicc = float(fit["aicc"])
    return aicc if np.isfinite(aicc) else np.inf


def rank_forms(y: np.ndarray, forms: Sequence[Form], m: int) -> list[tuple[float, Form]]:
    """``(AICc, form)`` from best to worst by the screen; forms it cannot fit come last
    with ``inf``, in their given order."""
    scored = [(screen_aicc(y, form, m), i, form) for i, form in enumerate(forms)]
    return [(aicc, form) for aicc, _, form in sorted(scored, key=lambda s: (s[0], s[1]))]
