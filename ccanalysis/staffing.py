"""Staffing: Erlang B, Erlang C and Erlang A (M/M/n+M), vectorised and exact where it counts.

Hour- and FTE-based payment models are priced from the agents an interval's volume needs, so the staffing
search must be exact: every integer ceiling (traffic ÷ maximum occupancy, raw agents ÷ (1 − shrinkage),
the smallest agent count above the traffic) is taken on exact rationals built from the inputs' decimal
text, never on a float quotient (343 / 0.7 = 490.00000000000006 in floats; the answer is 490).

Units: volume is contacts per interval, times (`aht_s`, `threshold_s`, `interval_s`, `patience_s`,
`asa_target_s`) are seconds, traffic is in Erlangs (volume × aht_s ÷ interval_s), targets and
shrinkage are fractions (0.8, not 80). Queue metrics are floats (they are probabilities of a model);
staffed hours are exact decimals and FTE exact fractions, because they feed plan costing.

Numerics: Erlang B is computed as 1 / (1 + R) with R = Q(n, A) / pmf(n; A) (regularised upper incomplete
gamma over the Poisson probability, the latter in Loader's saddle-point form), in logarithms, so any
traffic up to and beyond 200,000 Erlangs gives finite values; far below the traffic, where Q underflows,
R is summed as its (then fast-converging) series. Erlang A uses the same construction for
A(x, y) = Σ_j y^j / ((x+1)…(x+j)) = P(x, y) / pmf(x; y).

Erlang A (`patience_s` given): `service_level` is answered within the threshold ÷ offered (abandons are
misses, the KPI's `offered` variant), `asa_s` the mean time in queue of all offered contacts
(= abandonment × patience, by Little's law), `occupancy` carried traffic ÷ agents.

Limits where a metric is undefined (agents ≤ traffic in Erlang C, the queue grows without bound):
`erlang_c` returns 1, `service_level` 0, `asa_s` +inf and `occupancy` 1; never a probability above 1.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
from scipy import special

from ccanalysis.periods import working_days

DEFAULT_INTERVAL_S = 1800
DEFAULT_SL_TARGET = 0.8
DEFAULT_THRESHOLD_S = 20
SECONDS_PER_HOUR = 3600

_LOG_2PI = math.log(2 * math.pi)
_TINY = 1e-280  # below this an incomplete gamma is treated as underflowed: use the series instead
_SERIES_EPS = 1e-17  # relative size of the last term kept in a series
_MAX_GALLOP = 40  # doublings before a target is declared unattainable (n beyond 10^12)

ArrayLike = float | int | Decimal | Fraction | np.ndarray | pd.Series | list
Metric = np.ndarray | float  # a float for scalar arguments, else an array of their broadcast shape


# ----------------------------------------------------------------------------------------------------
# input handling


def _as_float(value: ArrayLike, what: str, *, minimum: float = 0.0, strict: bool = False) -> np.ndarray:
    """A float array from numbers (ints, floats, Decimals, Fractions); ValueError naming `what` if bad."""
    arr = np.asarray(value)
    if arr.dtype == object:
        try:
            arr = arr.astype(float)
        except (TypeError, ValueError):
            raise ValueError(f"{what}: expected numbers") from None
    elif arr.dtype.kind not in "biuf":
        raise ValueError(f"{what}: expected numbers, got dtype {arr.dtype}")
    arr = arr.astype(float)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{what}: expected finite numbers (no NaN or infinity)")
    bad = arr <= minimum if strict else arr < minimum
    if np.any(bad):
        sign = ">" if strict else "≥"
        raise ValueError(f"{what}: must be {sign} {minimum}, got {arr[bad].flat[0]!r}")
    return arr


def _as_agents(agents: ArrayLike) -> np.ndarray:
    """Agent counts as a float array of whole numbers ≥ 0."""
    arr = _as_float(agents, "agents")
    if np.any(arr != np.floor(arr)):
        raise ValueError("agents: must be whole numbers")
    return arr


def _fraction(value: object) -> Fraction:
    """The exact rational a number was written as: floats through their shortest repr (0.85 → 17/20)."""
    if isinstance(value, (float, np.floating)):
        value = float(value)
        if value.is_integer():
            return Fraction(int(value))
        return Fraction(repr(value))
    if isinstance(value, (bool, np.bool_)):
        raise ValueError(f"expected a number, got {value!r}")
    if isinstance(value, np.integer):
        return Fraction(int(value))
    return Fraction(value)  # int, Decimal, Fraction


def _rationalize(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exact (numerator, denominator) arrays for numbers as written (floats through their decimal repr).

    Fast paths: integers; floats with at most 6 decimals (int64 arrays); one repeated value. Otherwise
    Python-int object arrays, element by element.
    """
    values = np.asarray(values)
    if values.dtype.kind in "iu":
        return values.astype(np.int64), np.ones(values.shape, dtype=np.int64)
    if values.dtype.kind == "f":
        for places in range(7):
            scale = 10**places
            numer = np.rint(values * scale)
            if np.all(np.abs(numer) < 2**52) and np.array_equal(numer / scale, values):
                return numer.astype(np.int64), np.full(values.shape, scale, dtype=np.int64)
    flat = values.ravel()
    if flat.size > 1 and bool(np.all(flat == flat[0])):
        one = _fraction(flat[0])
        fracs = [one]
    else:
        fracs = [_fraction(v) for v in flat]
    numer = np.array([f.numerator for f in fracs], dtype=object)
    denom = np.array([f.denominator for f in fracs], dtype=object)
    if len(fracs) == 1:
        numer, denom = np.repeat(numer, flat.size), np.repeat(denom, flat.size)
    return numer.reshape(values.shape), denom.reshape(values.shape)


Ratio = tuple[np.ndarray, np.ndarray]  # exact (numerator, denominator) integer arrays


def _product(arrays: list[np.ndarray]) -> np.ndarray:
    """Exact elementwise product of integer arrays: int64 while it surely fits, else Python ints."""
    bound = np.ones(arrays[0].shape)
    for arr in arrays:
        bound = bound * np.abs(arr.astype(float))
    exact_in_int64 = all(a.dtype != object for a in arrays) and (bound.size == 0 or bound.max() < 2.0**62)
    result = arrays[0] if exact_in_int64 else arrays[0].astype(object)
    for arr in arrays[1:]:
        result = result * (arr if exact_in_int64 else arr.astype(object))
    return result


def _exact_ceil(numerators: list[Ratio], denominators: list[Ratio], *, strictly_above: bool = False) -> np.ndarray:
    """⌈Π numerators ÷ Π denominators⌉ exactly (or the smallest integer strictly above it), as int64.

    Each factor is an exact ratio (from `_rationalize`), broadcast to one shape; integer arithmetic only.
    """
    top = [p for p, _ in numerators] + [q for _, q in denominators]
    bottom = [q for _, q in numerators] + [p for p, _ in denominators]
    num = _product(top)
    den = _product(bottom)
    result = num // den + 1 if strictly_above else -((-num) // den)
    return np.asarray(result, dtype=np.int64)


def _elementwise(function: Callable[..., np.ndarray], *arrays: np.ndarray) -> np.ndarray | float:
    """Apply `function` to 1-d broadcast copies of `arrays`; a float for scalar inputs, else that shape."""
    broadcast = np.broadcast_arrays(*arrays)
    shape = broadcast[0].shape
    result = function(*[np.array(b, dtype=float).reshape(-1) for b in broadcast])
    return float(result[0]) if shape == () else result.reshape(shape)


# ----------------------------------------------------------------------------------------------------
# special functions in logarithms


def _stirling_error(x: np.ndarray) -> np.ndarray:
    """log(x!) − [(x + ½) log x − x + ½ log 2π], for x > 0."""
    out = np.empty_like(x)
    big = x >= 15
    xb = x[big]
    inv2 = 1.0 / (xb * xb)
    out[big] = (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 / 1680))) / xb
    xs = x[~big]
    out[~big] = special.gammaln(xs + 1) - (xs + 0.5) * np.log(xs) + xs - 0.5 * _LOG_2PI
    return out


def _deviance(x: np.ndarray, m: np.ndarray) -> np.ndarray:
    """x log(x/m) + m − x for x, m > 0, without cancellation when x ≈ m."""
    out = np.empty_like(x)
    near = np.abs(x - m) < 0.1 * (x + m)
    xn, mn = x[near], m[near]
    v = (xn - mn) / (xn + mn)
    v2 = v * v
    term = 2 * xn * v
    series = np.zeros_like(xn)
    for j in range(1, 12):
        term = term * v2
        series += term / (2 * j + 1)
    out[near] = (xn - mn) * v + series
    xf, mf = x[~near], m[~near]
    out[~near] = xf * np.log(xf / mf) + mf - xf
    return out


def _log_poisson(x: np.ndarray, m: np.ndarray) -> np.ndarray:
    """log(m^x e^−m / Γ(x + 1)) for real x ≥ 0, m ≥ 0 (−inf where it is 0)."""
    x, m = np.broadcast_arrays(np.asarray(x, float), np.asarray(m, float))
    out = np.empty(x.shape)
    zero_m = m == 0
    out[zero_m] = np.where(x[zero_m] == 0, 0.0, -np.inf)
    zero_x = (x == 0) & ~zero_m
    out[zero_x] = -m[zero_x]
    small = (x > 0) & (x < 15) & ~zero_m
    xs, ms = x[small], m[small]
    out[small] = xs * np.log(ms) - ms - special.gammaln(xs + 1)
    big = (x >= 15) & ~zero_m
    xb, mb = x[big], m[big]
    out[big] = -0.5 * (_LOG_2PI + np.log(xb)) - _stirling_error(xb) - _deviance(xb, mb)
    return out


def _log_sum_series(first: np.ndarray, ratio: Callable[[np.ndarray, int], np.ndarray]) -> np.ndarray:
    """log Σ_{j≥0} t_j with t_0 = first and t_{j+1} = t_j × ratio(indices, j + 1); ratios decrease below 1."""
    total = first.copy()
    term = first.copy()
    active = np.flatnonzero(term > _SERIES_EPS * total)
    j = 0
    while active.size:
        j += 1
        term[active] = term[active] * ratio(active, j)
        total[active] += term[active]
        keep = term[active] > _SERIES_EPS * total[active]
        active = active[keep]
    return np.log(total)


def _log_blocking_odds(n: np.ndarray, a: np.ndarray) -> np.ndarray:
    """log R(n, A), where Erlang B = 1 / (1 + R) and R = Σ_{j=1..n} n(n−1)…(n−j+1) / A^j.

    R = Q(n, A) / pmf(n; A); where Q underflows (n far below A) the series is summed directly.
    """
    n, a = np.broadcast_arrays(np.asarray(n, float), np.asarray(a, float))
    out = np.empty(n.shape)
    no_lines = n == 0
    out[no_lines] = -np.inf  # R = 0: every contact is blocked
    no_traffic = (a == 0) & ~no_lines
    out[no_traffic] = np.inf  # R = ∞: nothing is blocked
    rest = ~no_lines & ~no_traffic
    nr, ar = n[rest], a[rest]
    q = special.gammaincc(nr, ar)
    use_gamma = q > _TINY
    logr = np.empty(nr.shape)
    logr[use_gamma] = np.log(q[use_gamma]) - _log_poisson(nr[use_gamma], ar[use_gamma])
    ns, as_ = nr[~use_gamma], ar[~use_gamma]
    if ns.size:
        logr[~use_gamma] = _log_sum_series(
            ns / as_, lambda idx, j: np.maximum(ns[idx] - j, 0.0) / as_[idx])
    out[rest] = logr
    return out


def _log_abandon_kernel(x: np.ndarray, z: np.ndarray) -> np.ndarray:
    """log A(x, z), A(x, z) = Σ_{j≥0} z^j / ((x+1)(x+2)…(x+j)) = P(x, z) / pmf(x; z) (Erlang A)."""
    x, z = np.broadcast_arrays(np.asarray(x, float), np.asarray(z, float))
    out = np.empty(x.shape)
    trivial = z == 0
    out[trivial] = 0.0
    rest = ~trivial
    xr, zr = x[rest], z[rest]
    use_gamma = zr > 0.5 * (xr + 1)
    p = np.zeros(xr.shape)
    p[use_gamma] = special.gammainc(np.maximum(xr[use_gamma], 1e-300), zr[use_gamma])
    use_gamma &= p > _TINY
    logk = np.empty(xr.shape)
    logk[use_gamma] = np.log(p[use_gamma]) - _log_poisson(xr[use_gamma], zr[use_gamma])
    xs, zs = xr[~use_gamma], zr[~use_gamma]
    if xs.size:
        logk[~use_gamma] = _log_sum_series(np.ones(xs.shape), lambda idx, j: zs[idx] / (xs[idx] + j))
    out[rest] = logk
    return out


# ----------------------------------------------------------------------------------------------------
# Erlang B and C


def erlang_b(agents: ArrayLike, traffic: ArrayLike) -> Metric:
    """Blocking probability of an M/M/n/n loss system: `agents` lines (whole), `traffic` in Erlangs."""
    return _elementwise(lambda n, a: special.expit(-_log_blocking_odds(n, a)),
                        _as_agents(agents), _as_float(traffic, "traffic"))


def _erlang_c(n: np.ndarray, a: np.ndarray) -> np.ndarray:
    n, a = np.broadcast_arrays(n, a)
    out = np.ones(n.shape)
    stable = n > a
    ns, as_ = n[stable], a[stable]
    # C = n B / (n − A(1 − B)) = 1 / (1 + (1 − A/n) R)
    out[stable] = special.expit(-(np.log1p(-as_ / ns) + _log_blocking_odds(ns, as_)))
    return out


def erlang_c(agents: ArrayLike, traffic: ArrayLike) -> Metric:
    """Probability that a contact waits (M/M/n). 1 where agents ≤ traffic (everyone waits, in the limit)."""
    return _elementwise(_erlang_c, _as_agents(agents), _as_float(traffic, "traffic"))


def _service_level_c(n: np.ndarray, a: np.ndarray, aht: np.ndarray, threshold: np.ndarray) -> np.ndarray:
    n, a, aht, threshold = np.broadcast_arrays(n, a, aht, threshold)
    out = np.zeros(n.shape)
    stable = n > a
    c = _erlang_c(n[stable], a[stable])
    out[stable] = 1 - c * np.exp(-(n[stable] - a[stable]) * threshold[stable] / aht[stable])
    out[(a == 0)] = 1.0
    return out


def service_level(agents: ArrayLike, traffic: ArrayLike, aht_s: ArrayLike, threshold_s: ArrayLike) -> Metric:
    """Erlang C share of contacts answered within `threshold_s`: 1 − C·e^{−(n−A)·t/AHT}; 0 where n ≤ A."""
    return _elementwise(_service_level_c, _as_agents(agents), _as_float(traffic, "traffic"),
                            _as_float(aht_s, "aht_s", strict=True), _as_float(threshold_s, "threshold_s"))


def _asa_c(n: np.ndarray, a: np.ndarray, aht: np.ndarray) -> np.ndarray:
    n, a, aht = np.broadcast_arrays(n, a, aht)
    out = np.full(n.shape, np.inf)
    stable = n > a
    out[stable] = _erlang_c(n[stable], a[stable]) * aht[stable] / (n[stable] - a[stable])
    out[a == 0] = 0.0
    return out


def asa_s(agents: ArrayLike, traffic: ArrayLike, aht_s: ArrayLike) -> Metric:
    """Erlang C average speed of answer in seconds, C·AHT/(n − A); +inf where n ≤ A (unbounded queue)."""
    return _elementwise(_asa_c, _as_agents(agents), _as_float(traffic, "traffic"), _as_float(aht_s, "aht_s", strict=True))


def _erlang_c_metrics(n: np.ndarray, a: np.ndarray, aht: np.ndarray, threshold: np.ndarray) -> dict[str, np.ndarray]:
    """Service level, occupancy, P(wait) and ASA from one Erlang C evaluation (1-d arrays)."""
    wait = _erlang_c(n, a)
    stable = n > a
    gap = np.where(stable, n - a, 1.0)
    sl = np.where(stable, 1 - wait * np.exp(-gap * threshold / aht), 0.0)
    asa = np.where(stable, wait * aht / gap, np.inf)
    idle = a == 0
    sl[idle], asa[idle] = 1.0, 0.0
    return {"service_level": sl, "occupancy": _occupancy(n, a), "wait_probability": wait, "asa_s": asa}


def _occupancy(n: np.ndarray, carried: np.ndarray) -> np.ndarray:
    n, carried = np.broadcast_arrays(n, carried)
    out = np.where(carried > 0, 1.0, 0.0)
    staffed = n > 0
    out[staffed] = np.minimum(carried[staffed] / n[staffed], 1.0)
    return out


def occupancy(agents: ArrayLike, traffic: ArrayLike) -> Metric:
    """Share of agents' time busy, A/n, capped at 1 (agents ≤ traffic are always busy); 0 with no traffic."""
    return _elementwise(_occupancy, _as_agents(agents), _as_float(traffic, "traffic"))


# ----------------------------------------------------------------------------------------------------
# Erlang A (M/M/n+M: exponential patience)


def _erlang_a(n: np.ndarray, a: np.ndarray, aht: np.ndarray, patience: np.ndarray,
              threshold: np.ndarray) -> dict[str, np.ndarray]:
    n, a, aht, patience, threshold = np.broadcast_arrays(n, a, aht, patience, threshold)
    x = n * patience / aht  # n·μ/θ
    y = a * patience / aht  # λ/θ
    log_r = _log_blocking_odds(n, a)
    log_k0 = _log_abandon_kernel(x, y)
    log_k1 = _log_abandon_kernel(x + 1, y)
    wait = special.expit(log_k0 - log_r)  # P(W > 0) = K E / (1 + (K − 1) E)
    answered_if_waiting = x / (x + 1) * np.exp(np.minimum(log_k1 - log_k0, 0.0))
    abandon = wait * np.clip(1 - answered_if_waiting, 0.0, 1.0)
    decay = threshold / patience  # θ t
    log_late = (-decay - threshold * n / aht + y * -np.expm1(-decay)
                + _log_abandon_kernel(x + 1, y * np.exp(-decay)) - log_k0)
    answered_in_time_if_waiting = x / (x + 1) * (np.exp(np.minimum(log_k1 - log_k0, 0.0))
                                                 - np.exp(np.minimum(log_late, 0.0)))
    sl = (1 - wait) + wait * np.clip(answered_in_time_if_waiting, 0.0, 1.0)
    none = a == 0
    for arr, value in ((wait, 0.0), (abandon, 0.0), (sl, 1.0)):
        arr[none] = value
    return {
        "service_level": np.clip(sl, 0.0, 1.0),
        "occupancy": _occupancy(n, a * (1 - abandon)),
        "wait_probability": wait,
        "asa_s": abandon * patience,
        "abandonment": abandon,
    }


def erlang_a(agents: ArrayLike, traffic: ArrayLike, aht_s: ArrayLike, patience_s: ArrayLike,
             threshold_s: ArrayLike = DEFAULT_THRESHOLD_S) -> pd.DataFrame:
    """Erlang A metrics for `agents` given `traffic` (Erlangs), AHT and mean patience (seconds).

    Columns: `service_level` (answered within `threshold_s` ÷ offered: abandons count as misses),
    `occupancy` (carried traffic ÷ agents), `wait_probability` (P(wait > 0)), `asa_s` (mean time in
    queue over all offered contacts, answered or abandoned = abandonment × patience), `abandonment`.
    """
    arrays = np.broadcast_arrays(_as_agents(agents), _as_float(traffic, "traffic"),
                                 _as_float(aht_s, "aht_s", strict=True),
                                 _as_float(patience_s, "patience_s", strict=True), _as_float(threshold_s, "threshold_s"))
    result = _erlang_a(*[np.array(a, dtype=float).reshape(-1) for a in arrays])
    return pd.DataFrame(result)


# ----------------------------------------------------------------------------------------------------
# the search


def _smallest_meeting(ok: Callable[[np.ndarray, np.ndarray], np.ndarray], lo: np.ndarray,
                      guess: np.ndarray) -> np.ndarray:
    """Smallest integer n ≥ lo with ok(indices, n) true, for a predicate monotone in n.

    Starts at the guess, gallops (steps 1, 2, 4, …) to bracket the answer, then bisects: every element
    ends with good = bad + 1, ok(good) true and bad < lo or ok(bad) false, so the minimum is never skipped.
    """
    n = np.maximum(guess, lo).astype(np.int64)
    everyone = np.arange(n.size)
    passed = ok(everyone, n)
    good = np.where(passed, n, -1)
    bad = np.where(passed, n - 1, n)  # for passing elements, n − 1 is only a candidate until checked
    # downward gallop for elements that pass at the guess
    step = np.ones(n.size, dtype=np.int64)
    active = np.flatnonzero(passed & (n - 1 >= lo))
    bad[passed & (n - 1 < lo)] = lo[passed & (n - 1 < lo)] - 1
    while active.size:
        probe = np.maximum(good[active] - step[active], lo[active])
        result = ok(active, probe)
        good[active[result]] = probe[result]
        bad[active[~result]] = probe[~result]
        step[active] *= 2
        at_floor = result & (probe == lo[active])
        bad[active[at_floor]] = lo[active[at_floor]] - 1
        active = active[result & ~at_floor]
    # upward gallop for elements that fail at the guess
    step[:] = 1
    active = np.flatnonzero(~passed)
    rounds = 0
    while active.size:
        rounds += 1
        if rounds > _MAX_GALLOP:
            raise ValueError("no agent count meets the targets (is a target unattainable?)")
        probe = bad[active] + step[active]
        result = ok(active, probe)
        good[active[result]] = probe[result]
        bad[active[~result]] = probe[~result]
        step[active] *= 2
        active = active[~result]
    # bisection
    active = np.flatnonzero(good - bad > 1)
    while active.size:
        mid = (good[active] + bad[active]) // 2
        result = ok(active, mid)
        good[active[result]] = mid[result]
        bad[active[~result]] = mid[~result]
        active = active[good[active] - bad[active] > 1]
    return good


def _halfin_whitt_guess(a: np.ndarray, aht: np.ndarray, threshold: np.ndarray, sl_target: np.ndarray,
                        asa_target: np.ndarray) -> np.ndarray:
    """A starting agent count from the Halfin–Whitt approximation C ≈ 1 / (1 + βΦ(β)/φ(β))."""
    lo_beta = np.zeros(a.shape)
    hi_beta = np.full(a.shape, 8.0)
    root_a = np.sqrt(a)
    for _ in range(24):
        beta = 0.5 * (lo_beta + hi_beta)
        c = 1 / (1 + beta * special.ndtr(beta) * math.sqrt(2 * math.pi) * np.exp(0.5 * beta * beta))
        gap = np.maximum(beta * root_a, 1e-12)
        meets = (1 - c * np.exp(-gap * threshold / aht) >= sl_target) & (c * aht / gap <= asa_target)
        hi_beta = np.where(meets, beta, hi_beta)
        lo_beta = np.where(meets, lo_beta, beta)
    return np.ceil(a + hi_beta * root_a).astype(np.int64)


def required_agents(volume: ArrayLike, aht_s: ArrayLike, interval_s: ArrayLike = DEFAULT_INTERVAL_S,
                    sl_target: ArrayLike = DEFAULT_SL_TARGET, threshold_s: ArrayLike = DEFAULT_THRESHOLD_S,
                    max_occupancy: ArrayLike = 1.0, shrinkage: ArrayLike = 0.0,
                    asa_target_s: ArrayLike | None = None, patience_s: ArrayLike | None = None,
                    max_abandonment: ArrayLike | None = None) -> pd.DataFrame:
    """Agents each interval needs: the smallest whole n meeting every target, then grossed up for shrinkage.

    `volume` contacts per interval and `aht_s` (arrays or scalars; every argument broadcasts). Targets:
    service level `sl_target` within `threshold_s`, occupancy ≤ `max_occupancy`, optional ASA ≤
    `asa_target_s`; Erlang C, or Erlang A when `patience_s` (mean patience, seconds) is given, which also
    allows `max_abandonment`. Returns a DataFrame (index of `volume` when it is a Series): `traffic`
    (Erlangs), `raw_agents` (productive agents needed), `agents` = ⌈raw ÷ (1 − shrinkage)⌉ (scheduled),
    and at `raw_agents`: `service_level`, `occupancy`, `wait_probability`, `asa_s` (+ `abandonment`).
    Intervals with no volume need 0 agents (service level 1, nothing waits). Ceilings are exact.
    """
    index = volume.index if isinstance(volume, pd.Series) else None
    erlang_a_mode = patience_s is not None
    raw_inputs = [volume, aht_s, interval_s, sl_target, threshold_s, max_occupancy, shrinkage]
    optional = [asa_target_s, patience_s, max_abandonment]
    objs = np.broadcast_arrays(*[np.asarray(v.to_numpy() if isinstance(v, pd.Series) else v)
                                 for v in raw_inputs + [o for o in optional if o is not None]])
    shape = objs[0].shape
    objs = [np.atleast_1d(o).ravel() for o in objs]
    vol_o, aht_o, interval_o, _, _, occ_o, shrink_o = objs[:7]
    vol = _as_float(vol_o, "volume")
    aht = _as_float(aht_o, "aht_s", strict=True)
    interval = _as_float(interval_o, "interval_s", strict=True)
    sl_t = _as_float(objs[3], "sl_target")
    threshold = _as_float(objs[4], "threshold_s")
    max_occ = _as_float(occ_o, "max_occupancy", strict=True)
    shrink = _as_float(shrink_o, "shrinkage")
    if np.any(sl_t >= 1):
        raise ValueError("sl_target: must be below 1 (a service level of 100 % is never reached)")
    if np.any(max_occ > 1):
        raise ValueError("max_occupancy: must be a fraction in (0, 1]")
    if np.any(shrink >= 1):
        raise ValueError("shrinkage: must be a fraction in [0, 1)")
    extra = iter(objs[7:])
    asa_t = (_as_float(next(extra), "asa_target_s", strict=True) if asa_target_s is not None
             else np.full(vol.shape, np.inf))
    patience = _as_float(next(extra), "patience_s", strict=True) if erlang_a_mode else None
    max_ab = (_as_float(next(extra), "max_abandonment", strict=True) if max_abandonment is not None
              else np.full(vol.shape, np.inf))
    if max_abandonment is not None and not erlang_a_mode:
        raise ValueError("max_abandonment needs patience_s (Erlang A); Erlang C has no abandonment")

    a = vol * aht / interval
    busy = vol > 0
    # exact lower bounds: occupancy A/n ≤ max_occupancy ⇔ n ≥ A / max_occupancy
    vol_r, aht_r, interval_r = _rationalize(vol_o), _rationalize(aht_o), _rationalize(interval_o)
    if erlang_a_mode:
        # occupancy counts carried (answered) traffic, so it is checked in ok(); any n ≥ 1 is stable
        lo = np.where(busy, 1, 0).astype(np.int64)
    else:
        n_occ = _exact_ceil([vol_r, aht_r], [interval_r, _rationalize(occ_o)])
        stable = _exact_ceil([vol_r, aht_r], [interval_r], strictly_above=True)  # smallest n > A
        lo = np.where(busy, np.maximum(stable, n_occ), 0)

    def evaluate(idx: np.ndarray, n: np.ndarray) -> dict[str, np.ndarray]:
        if erlang_a_mode:
            return _erlang_a(n.astype(float), a[idx], aht[idx], patience[idx], threshold[idx])
        return _erlang_c_metrics(n.astype(float), a[idx], aht[idx], threshold[idx])

    def meets(idx: np.ndarray, m: dict[str, np.ndarray]) -> np.ndarray:
        result = (m["service_level"] >= sl_t[idx]) & (m["asa_s"] <= asa_t[idx])
        if erlang_a_mode:
            result &= (m["occupancy"] <= max_occ[idx]) & (m["abandonment"] <= max_ab[idx])
        return result

    raw = lo.copy()  # idle intervals: 0; the others: lo when it meets the targets (often: occupancy binds)
    busy_idx = np.flatnonzero(busy)
    at_lo = evaluate(busy_idx, lo[busy_idx])
    todo = busy_idx[~meets(busy_idx, at_lo)]
    if todo.size:
        guess = _halfin_whitt_guess(a[todo], aht[todo], threshold[todo], sl_t[todo], asa_t[todo])
        raw[todo] = _smallest_meeting(lambda i, n: meets(todo[i], evaluate(todo[i], n)), lo[todo] + 1, guess)

    shrink_p, shrink_q = _rationalize(shrink_o)
    scheduled = _exact_ceil([_rationalize(raw)], [(shrink_q - shrink_p, shrink_q)])  # raw ÷ (1 − s)
    metrics = {name: np.zeros(vol.shape) for name in at_lo}
    for name, values in at_lo.items():
        metrics[name][busy_idx] = values
    if todo.size:
        for name, values in evaluate(todo, raw[todo]).items():
            metrics[name][todo] = values
    idle = ~busy
    metrics["service_level"][idle] = 1.0
    metrics["wait_probability"][idle] = 0.0
    metrics["asa_s"][idle] = 0.0
    columns = {"traffic": a, "raw_agents": raw, "agents": scheduled, **metrics}
    frame = pd.DataFrame({k: np.asarray(v).reshape(-1) for k, v in columns.items()})
    if index is not None and len(index) == len(frame):
        frame.index = index
    elif len(shape) > 1:
        frame.index = pd.MultiIndex.from_tuples(list(np.ndindex(shape)))
    return frame


# ----------------------------------------------------------------------------------------------------
# from a forecast to staffed hours and FTE


FORECAST_COLUMNS = ("date", "offered", "aht_s")


def interval_requirements(forecast: pd.DataFrame, *, interval_s: int = DEFAULT_INTERVAL_S,
                          sl_target: float = DEFAULT_SL_TARGET, threshold_s: float = DEFAULT_THRESHOLD_S,
                          max_occupancy: float = 1.0, shrinkage: float = 0.0,
                          asa_target_s: float | None = None, patience_s: float | None = None,
                          max_abandonment: float | None = None) -> pd.DataFrame:
    """An interval forecast (`date`, `offered`, `aht_s`, usually `interval_start`, any key columns) with
    its staffing: the `required_agents` columns plus exact `productive_hours` (raw agents × interval) and
    `staffed_hours` (scheduled agents × interval), as Decimals.
    """
    missing = [c for c in FORECAST_COLUMNS if c not in forecast.columns]
    if missing:
        raise ValueError(f"forecast: missing column(s) {', '.join(missing)} "
                         f"(expected {', '.join(FORECAST_COLUMNS)} per interval)")
    staffing = required_agents(forecast["offered"].to_numpy(), forecast["aht_s"].to_numpy(),
                               interval_s=interval_s, sl_target=sl_target, threshold_s=threshold_s,
                               max_occupancy=max_occupancy, shrinkage=shrinkage, asa_target_s=asa_target_s,
                               patience_s=patience_s, max_abandonment=max_abandonment)
    staffing.index = forecast.index
    hours_per_agent = Decimal(interval_s) / SECONDS_PER_HOUR  # 1800 s → 0.5 h (exact for 15/30/60 min)
    result = pd.concat([forecast, staffing], axis=1)
    result["productive_hours"] = [Decimal(int(n)) * hours_per_agent for n in staffing["raw_agents"]]
    result["staffed_hours"] = [Decimal(int(n)) * hours_per_agent for n in staffing["agents"]]
    return result




def staffed_hours(requirements: pd.DataFrame, *, period: str = "day", keys: Iterable[str] = ("supplier", "service"),
                  fte_hours: Decimal | int | str | None = None, holidays: Iterable[date] = ()) -> pd.DataFrame:
    """Staffed and productive hours per `period` ("day" or "month") and key columns, with FTE.

    Hours are exact Decimal sums of `interval_requirements` rows. With `fte_hours` (the contract's monthly
    hours per FTE, e.g. 147) an exact `fte` Fraction is added: monthly FTE = month hours ÷ fte_hours;
    daily FTE = the day's hours ÷ (fte_hours ÷ working days of its month), as pricing.md defines it.
    """
    if period not in ("day", "month"):
        raise ValueError(f"period: expected 'day' or 'month', got {period!r}")
    frame = requirements.copy()
    dates = pd.to_datetime(frame["date"])
    frame["month"] = dates.dt.strftime("%Y-%m")
    frame["date"] = dates.dt.date
    group = [k for k in keys if k in frame.columns] + (["date"] if period == "day" else ["month"])
    if period == "day":
        group.append("month")
    rows = []
    for key, part in frame.groupby(group, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        row = dict(zip(group, key, strict=True))
        row["productive_hours"] = sum(part["productive_hours"], Decimal(0))
        row["staffed_hours"] = sum(part["staffed_hours"], Decimal(0))
        row["intervals"] = len(part)
        rows.append(row)
    out = pd.DataFrame(rows)
    if fte_hours is not None and not out.empty:
        per_fte = Fraction(Decimal(str(fte_hours)))
        if per_fte <= 0:
            raise ValueError("fte_hours: must be > 0")
        if period == "month":
            out["fte"] = [Fraction(h) / per_fte for h in out["staffed_hours"]]
        else:
            holidays = list(holidays)
            days = {m: working_days(m, holidays) for m in out["month"].unique()}
            out["fte"] = [Fraction(h) / (per_fte / days[m]) if days[m] else None
                          for h, m in zip(out["staffed_hours"], out["month"], strict=True)]
    if period == "day":
        out = out.drop(columns="month")
    return out
