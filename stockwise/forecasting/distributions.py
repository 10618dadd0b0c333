"""A negative-binomial distribution for NGBoost (it ships none: NGBoost issue #281).

Retail counts are over-dispersed and often zero; the Poisson forces variance = mean. The
negative binomial with mean ``mu`` and size ``r`` has variance ``mu + mu² / r``.

Internal parameters (what the boosting fits): ``log mu`` and ``log r``. The log score's
gradient is analytic. ``mu`` and ``r`` are orthogonal (the Fisher information has no
cross term); the ``log mu`` information is ``mu r / (mu + r)`` exactly, and the ``log r``
information, which has no closed form, is estimated from the squared score of a few
draws per row (the estimator NGBoost's generic ``LogScore.metric`` uses).
"""

from __future__ import annotations

import numpy as np
from ngboost.distns.distn import RegressionDistn
from ngboost.scores import LogScore
from scipy import special, stats

MAX_LOG_R = np.log(1e4)  # beyond this size the distribution is Poisson for all purposes
METRIC_DRAWS = 12


def nb_logpmf(y: np.ndarray, mu: np.ndarray, r: np.ndarray) -> np.ndarray:
    """log P(Y = y) of NB(mean ``mu``, size ``r``)."""
    return (
        special.gammaln(y + r)
        - special.gammaln(r)
        - special.gammaln(y + 1)
        + r * np.log(r / (r + mu))
        + special.xlogy(y, mu / (r + mu))
    )


def _d_log_r(y: np.ndarray, mu: np.ndarray, r: np.ndarray) -> np.ndarray:
    """d log P / d log r."""
    return r * (
        special.digamma(y + r) - special.digamma(r) + np.log(r / (r + mu)) + (mu - y) / (r + mu)
    )


class NegativeBinomialLogScore(LogScore):
    """Negative log-likelihood, its gradient and the (partly estimated) Fisher information."""

    def score(self, Y):
        return -nb_logpmf(Y, self.mu, self.r)

    def d_score(self, Y):
        D = np.empty((len(Y), 2))
        D[:, 0] = self.r * (self.mu - Y) / (self.r + self.mu)
        D[:, 1] = -_d_log_r(Y, self.mu, self.r)
        return D

    def metric(self):
        FI = np.zeros((len(self.mu), 2, 2))
        FI[:, 0, 0] = self.mu * self.r / (self.mu + self.r)
        rng = np.random.default_rng(len(self.mu))
        draws = rng.negative_binomial(
            self.r, self.r / (self.r + self.mu), (METRIC_DRAWS, len(self.mu))
        )
        FI[:, 1, 1] = np.mean(_d_log_r(draws, self.mu, self.r) ** 2, axis=0) + 1e-9
        return FI


class NegativeBinomial(RegressionDistn):
    """Negative binomial for NGBoost: mean ``mu`` [units], size ``r`` (dispersion 1 / r)."""

    n_params = 2
    scores = [NegativeBinomialLogScore]

    def __init__(self, params):
        self._params = params
        self.mu = np.exp(np.clip(params[0], -30.0, 30.0))
        self.r = np.exp(np.clip(params[1], -10.0, MAX_LOG_R))

    @staticmethod
    def fit(Y):
        """Moment estimates of ``(log mu, log r)`` for the unconditional distribution."""
        mean = max(float(np.mean(Y)), 1e-3)
        excess = float(np.var(Y)) - mean
        r = mean**2 / excess if excess > 1e-9 else np.exp(MAX_LOG_R)
        return np.array([np.log(mean), np.log(min(r, np.exp(MAX_LOG_R)))])

    def sample(self, m):
        p = self.r / (self.r + self.mu)
        return np.random.default_rng().negative_binomial(self.r, p, (m, len(self.mu)))

    def draw(self, rng: np.random.Generator) -> np.ndarray:
        """One draw per row from ``rng`` (seeded sampling for forecast paths)."""
        return rng.negative_binomial(self.r, self.r / (self.r + self.mu)).astype(float)

    def mean(self):
        return self.mu

    def var(self):
        return self.mu + self.mu**2 / self.r

    def logpmf(self, Y):
        return nb_logpmf(Y, self.mu, self.r)

    def ppf(self, q):
        return stats.nbinom.ppf(q, self.r, self.r / (self.r + self.mu))

    @property
    def params(self):
        return {"mu": self.mu, "r": self.r}
