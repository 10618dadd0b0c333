"""Random draws inside the simulation kernel: one xoshiro256** stream per replication and
a ziggurat for standard normals.

* **xoshiro256**\\*\\*** (Blackman & Vigna 2018, "Scrambled linear pseudorandom number
  generators"): 256 bits of state, period 2^256 - 1, every output bit passes BigCrush.
  Replication ``r`` is seeded from ``SeedSequence(seed).spawn(R)[r]``, the project's
  convention, so its draws depend on ``(seed, r)`` only: not on the number of
  replications, threads or kernel segments.
* **Ziggurat** (Marsaglia & Tsang 2000) with 256 layers on 52-bit mantissas, the layout of
  NumPy's ``random_standard_normal``: one 64-bit word gives the layer (8 bits), the sign
  (1 bit) and the abscissa (52 bits); about 99 % of normals cost one word and a table
  look-up, the rest go through the wedge or the tail test.

The tables are built once in NumPy and passed to the kernel as an array (a global array
inside a ``parallel=True`` function would defeat Numba's cache).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

LAYERS = 256
_R = 3.6541528853610088  # right edge of the base layer
_V = 0.00492867323399  # area of each layer (unnormalised density exp(-x^2 / 2))
_M52 = 2.0**52
_DOUBLE = 1.0 / 9007199254740992.0  # 2^-53

_U8 = np.uint64(0xFF)
_U52 = np.uint64((1 << 52) - 1)


def ziggurat_tables() -> np.ndarray:
    """``3 x 256`` float64: acceptance bound ``k`` (a 52-bit integer, stored exactly),
    width ``w`` [1 / 2^52] and density ``f`` per layer (Marsaglia & Tsang's ``zigset``)."""
    k = np.zeros(LAYERS)
    w = np.zeros(LAYERS)
    f = np.zeros(LAYERS)
    dn = tn = _R
    q = _V / math.exp(-0.5 * dn * dn)
    k[0] = math.floor(dn / q * _M52)
    w[0] = q / _M52
    w[-1] = dn / _M52
    f[0] = 1.0
    f[-1] = math.exp(-0.5 * dn * dn)
    for i in range(LAYERS - 2, 0, -1):
        dn = math.sqrt(-2.0 * math.log(_V / dn + math.exp(-0.5 * dn * dn)))
        k[i + 1] = math.floor(dn / tn * _M52)
        tn = dn
        f[i] = math.exp(-0.5 * dn * dn)
        w[i] = dn / _M52
    return np.stack([k, w, f])


def seed_states(seed: int, count: int, start: int = 0) -> np.ndarray:
    """uint64 ``count x 4``: the xoshiro state of replications ``start .. start + count - 1``,
    replication ``r`` from ``SeedSequence(seed).spawn(...)[r]`` (built from its spawn key)."""
    entropy = np.random.SeedSequence(seed).entropy
    states = np.empty((count, 4), dtype=np.uint64)
    for j in range(count):
        child = np.random.SeedSequence(entropy, spawn_key=(start + j,))
        states[j] = child.generate_state(4, np.uint64)
        if not states[j].any():  # the one state xoshiro cannot leave (probability 2^-256)
            states[j, 0] = 1
    return states


@njit(cache=True, inline="always")
def _rotl(x, k):
    return (x << np.uint64(k)) | (x >> np.uint64(64 - k))


@njit(cache=True, inline="always")
def _step(s0, s1, s2, s3):
    """One xoshiro256** step on the state words: ``(64 random bits, s0, s1, s2, s3)``."""
    out = _rotl(s1 * np.uint64(5), 7) * np.uint64(9)
    t = s1 << np.uint64(17)
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = _rotl(s3, 45)
    return out, s0, s1, s2, s3


@njit(cache=True, inline="always")
def _next(s):
    """Advance the state array ``s`` in place; the next 64 random bits."""
    out, s[0], s[1], s[2], s[3] = _step(s[0], s[1], s[2], s[3])
    return out


@njit(cache=True, inline="always")
def _next_double(s):
    """Uniform on [0, 1) with 53 random bits."""
    return float(_next(s) >> np.uint64(11)) * _DOUBLE


@njit(cache=True, error_model="numpy")
def _rejected(s, zig, idx, rabs, x):
    """The rare ends of the ziggurat for a word that missed the fast test: the tail
    (``idx == 0``, Marsaglia 1964) or the wedge; on rejection, draw afresh."""
    while True:
        if idx == 0:
            while True:
                xx = -math.log1p(-_next_double(s)) / _R
                yy = -math.log1p(-_next_double(s))
                if yy + yy > xx * xx:
                    return -(_R + xx) if (rabs >> 8) & 1 else _R + xx
        elif (zig[2, idx - 1] - zig[2, idx]) * _next_double(s) + zig[2, idx] < math.exp(
            -0.5 * x * x
        ):
            return x
        bits = _next(s)
        idx = int(bits & _U8)
        bits >>= np.uint64(8)
        rabs = np.int64((bits >> np.uint64(1)) & _U52)  # exact in a float64
        x = rabs * zig[1, idx]
        if bits & np.uint64(1):
            x = -x
        if rabs < zig[0, idx]:
            return x


@njit(cache=True, error_model="numpy")
def fill_normal(s, zig, mean, sd, out):
    """``out[j] = mean[j] + sd[j] z_j`` with ``z`` standard normals from stream ``s``
    (state words kept in registers; the ~1 % of words that miss go to ``_rejected``)."""
    s0, s1, s2, s3 = s[0], s[1], s[2], s[3]
    for j in range(out.shape[0]):
        bits, s0, s1, s2, s3 = _step(s0, s1, s2, s3)
        idx = int(bits & _U8)
        bits >>= np.uint64(8)
        rabs = np.int64((bits >> np.uint64(1)) & _U52)  # exact in a float64
        x = rabs * zig[1, idx]
        if bits & np.uint64(1):
            x = -x
        if rabs >= zig[0, idx]:
            s[0], s[1], s[2], s[3] = s0, s1, s2, s3
            x = _rejected(s, zig, idx, rabs, x)
            s0, s1, s2, s3 = s[0], s[1], s[2], s[3]
        out[j] = mean[j] + sd[j] * x
    s[0], s[1], s[2], s[3] = s0, s1, s2, s3


@njit(cache=True, error_model="numpy")
def draw_period(s, zig, mean, sd, lead_mean, lead_sd, lead_max, demand, lead_x, lead):
    """One period of one replication from stream ``s``: ``demand[j] = max(mean[j] +
    sd[j] z, 0)`` for every series, then ``lead[l] = min(max(rint(lead_mean[l] +
    lead_sd[l] z), 1), lead_max[l])`` for every lane (all of them, always, so that every
    policy consumes the same stream); ``lead_x`` is scratch of the lanes' length."""
    fill_normal(s, zig, mean, sd, demand)
    for j in range(demand.shape[0]):
        demand[j] = max(demand[j], 0.0)
    fill_normal(s, zig, lead_mean, lead_sd, lead_x)
    for l in range(lead.shape[0]):  # noqa: E741
        x = np.rint(lead_x[l])
        lead[l] = max(int(x), 1) if x < lead_max[l] else lead_max[l]


@njit(cache=True, parallel=True, error_model="numpy")
def materialize(states, zig, mean, sd, lead_mean, lead_sd, lead_max, demand, lead):
    """Write the draws the kernel makes in-line into ``demand`` ``R x T x J`` and ``lead``
    ``R x T x L`` (replication ``r`` from ``states[r]``, which is advanced)."""
    for r in prange(demand.shape[0]):
        s = states[r]
        lead_x = np.empty(lead.shape[2])
        for t in range(demand.shape[1]):
            draw_period(s, zig, mean[t], sd[t], lead_mean, lead_sd, lead_max, demand[r, t],
                        lead_x, lead[r, t])  # fmt: skip
