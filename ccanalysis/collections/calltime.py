"""Best time to call: right-party-contact rate per segment × weekday × hour, shrunk by empirical Bayes,
the legal calling windows and caps, and the recommended cells with their expected gain.

The rates here are statistical estimates (floats: the Wilson bounds hold square roots and the shrinkage a
fitted prior); counts stay integers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ccanalysis.collections.fees import holds

OUTCOMES = ("no_answer", "busy", "voicemail", "wrong_party", "third_party", "rpc", "ptp", "refusal", "dispute")
RPC = ("rpc", "ptp", "refusal", "dispute")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CELLS = 7 * 24
Z95 = 1.959963984540054
_SHIFT = np.int64(1 << 21)  # days since 1970 fit in 21 bits until the year 7700


# --- intervals ------------------------------------------------------------------------------------------

def wilson_interval(successes: int, trials: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval for `successes` out of `trials` (Wilson 1927):

        centre = (p + z²/2n) / (1 + z²/n),  half = z / (1 + z²/n) · √(p(1−p)/n + z²/4n²),  p = k/n

    clipped to [0, 1]; (0, 1) when there are no trials.
    """
    low, high = wilson_arrays(np.array([successes], dtype=float), np.array([trials], dtype=float), z)
    return float(low[0]), float(high[0])


def wilson_arrays(successes: np.ndarray, trials: np.ndarray, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """`wilson_interval` element-wise over arrays (0 trials → (0, 1))."""
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    empty = n <= 0
    n_safe = np.where(empty, 1.0, n)
    p = k / n_safe
    z2 = z * z
    denominator = 1.0 + z2 / n_safe
    centre = (p + z2 / (2 * n_safe)) / denominator
    half = z / denominator * np.sqrt(np.maximum(p * (1 - p) / n_safe + z2 / (4 * n_safe * n_safe), 0.0))
    low = np.where(empty | (k <= 0), 0.0, np.clip(centre - half, 0.0, 1.0))  # exact bounds at 0 and n
    high = np.where(empty | (k >= n), 1.0, np.clip(centre + half, 0.0, 1.0))
    return low, high


# --- empirical Bayes ------------------------------------------------------------------------------------

def beta_prior(groups: np.ndarray, successes: np.ndarray, trials: np.ndarray,
               n_groups: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """A beta(α, β) prior per group, by the method of moments on the group's cells (vectorised).

    For the cells i of a group, with n_i trials, k_i successes and rate r_i = k_i / n_i:

        m  = Σk_i / Σn_i                       (prior mean: the attempt-weighted mean of the cell rates)
        v  = Σ n_i (r_i − m)² / Σn_i            (attempt-weighted variance of the cell rates)
        v* = max(v, m(1−m) / (N + 1)),  N = Σn_i  (the floor when v ≤ 0: at most N pseudo-trials)
        α + β = max(m(1−m) / v* − 1, 0)         (N when m(1−m) = 0: every cell 0, or every cell 1)
        α = m (α + β),  β = (1 − m)(α + β)

    The shrunk rate of a cell is then (k_i + α) / (n_i + α + β). Returns (α, β) per group code
    0..n_groups−1 (0, 0 for a group without trials).
    """
    groups = np.asarray(groups, dtype=np.int64)
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    size = int(n_groups if n_groups is not None else (groups.max() + 1 if len(groups) else 0))
    total_n = np.bincount(groups, weights=n, minlength=size)
    total_k = np.bincount(groups, weights=k, minlength=size)
    has = total_n > 0
    m = np.divide(total_k, total_n, out=np.zeros(size), where=has)
    rate = np.divide(k, n, out=np.zeros_like(n), where=n > 0)
    v = np.divide(np.bincount(groups, weights=n * (rate - m[groups]) ** 2, minlength=size), total_n,
                  out=np.zeros(size), where=has)
    spread = m * (1 - m)
    v_floor = np.maximum(v, spread / (total_n + 1))
    strength = np.divide(spread, v_floor, out=np.zeros(size), where=v_floor > 0) - 1
    strength = np.where(spread > 0, np.maximum(strength, 0.0), total_n)
    strength = np.where(has, strength, 0.0)
    return m * strength, (1 - m) * strength


# --- helpers on columns ---------------------------------------------------------------------------------

def _arrow_strings(values: pd.Series | pd.Index):
    """The pyarrow array behind a pyarrow-backed string column (pandas' default `str`), else None."""
    if isinstance(values.dtype, pd.CategoricalDtype) or not pd.api.types.is_string_dtype(values.dtype):
        return None
    array = values.array
    if not hasattr(array, "__arrow_array__"):
        return None
    import pyarrow as pa

    got = array.__arrow_array__()
    return got if isinstance(got, pa.ChunkedArray) else pa.chunked_array([got])


def levels_of(values: pd.Series) -> pd.Index:
    """The distinct values of a column, in order of appearance (a Categorical's categories)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return pd.Index(values.cat.categories)
    return pd.Index(pd.unique(values))


def codes_in(values: pd.Series, categories: pd.Index) -> np.ndarray:
    """Position of each value in `categories` (−1 when absent); for a Categorical column only its
    categories are looked up, and strings backed by pyarrow are hashed by pyarrow (not as Python objects)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        mapping = np.append(_positions(values.cat.categories, categories), -1)
        return mapping[values.cat.codes.to_numpy()]
    return _positions(values, categories)


def _positions(values: pd.Series | pd.Index, categories: pd.Index) -> np.ndarray:
    arrow = _arrow_strings(values)
    if arrow is not None:
        import pyarrow as pa

        value_set = _arrow_strings(categories)
        if value_set is None:
            value_set = pa.chunked_array([pa.array([str(c) for c in categories], type=arrow.type)])
        value_set = pa.concat_arrays(value_set.chunks) if value_set.num_chunks else pa.array([], type=arrow.type)
        if value_set.type != arrow.type:
            value_set = value_set.cast(arrow.type)
        return _index_in(arrow, value_set)
    return categories.get_indexer(values).astype(np.int64)


def _index_in(arrow, value_set, *, threads: int = 2, at_least: int = 2_000_000) -> np.ndarray:
    """pyarrow's hashed look-up, in `threads` slices at once for a long column (pyarrow frees the GIL)."""
    import pyarrow.compute as pc

    def look(part):
        return pc.index_in(part, value_set=value_set).fill_null(-1).to_numpy().astype(np.int64)

    if len(arrow) < at_least or threads < 2:
        return look(arrow)
    step = -(-len(arrow) // threads)
    with ThreadPoolExecutor(threads) as pool:
        parts = list(pool.map(look, [arrow.slice(i, step) for i in range(0, len(arrow), step)]))
    return np.concatenate(parts)


def is_in(values: pd.Series, wanted: Sequence[str]) -> np.ndarray:
    """values ∈ wanted as a bool array; cheap for a Categorical column."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        hit = np.append(values.cat.categories.isin(list(wanted)), False)
        return hit[values.cat.codes.to_numpy()]
    return values.isin(list(wanted)).to_numpy()


def epoch_units(values: pd.Series, unit: str) -> np.ndarray:
    """Whole `unit`s ("D" or "h") since 1970-01-01 of a date/datetime column (NaT → int64 min)."""
    array = values.to_numpy() if pd.api.types.is_datetime64_any_dtype(values.dtype) else \
        pd.to_datetime(values).to_numpy()
    base, _ = np.datetime_data(array.dtype)
    raw = array.view(np.int64)
    per_second = {"s": 1, "ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}[base]
    divisor = per_second * (86400 if unit == "D" else 3600)
    out = raw // divisor
    return np.where(raw == np.iinfo(np.int64).min, np.iinfo(np.int64).min, out)


def factorize(values: pd.Series) -> tuple[object, np.ndarray]:
    """(levels, codes) of a column: levels a pyarrow array for pyarrow-backed strings (hashed once by
    pyarrow), else a pandas Index; codes int64 positions into them."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return pd.Index(values.cat.categories), values.cat.codes.to_numpy().astype(np.int64)
    arrow = _arrow_strings(values)
    if arrow is not None:
        import pyarrow.compute as pc

        encoded = pc.dictionary_encode(arrow.combine_chunks())
        return encoded.dictionary, encoded.indices.fill_null(-1).to_numpy().astype(np.int64)
    codes, uniques = pd.factorize(values)
    return pd.Index(uniques), codes.astype(np.int64)


def _codes_against(values: pd.Series, levels: object) -> np.ndarray:
    """codes_in against levels from `factorize` (a pyarrow array or an Index)."""
    if isinstance(levels, pd.Index):
        return codes_in(values, levels)
    import pyarrow as pa

    if isinstance(values.dtype, pd.CategoricalDtype):
        mapping = np.append(_codes_against(pd.Series(values.cat.categories), levels), -1)
        return mapping[values.cat.codes.to_numpy()]
    arrow = _arrow_strings(values)
    if arrow is None:
        arrow = pa.chunked_array([pa.array(values.astype(str).tolist(), type=levels.type)])
    return _index_in(arrow, levels if levels.type == arrow.type else levels.cast(arrow.type))


@dataclass(frozen=True)
class _PlacementIndex:
    """Placements keyed by (account, agency): key = account code × width + agency code."""

    accounts: object
    suppliers: object
    width: int
    key: np.ndarray
    start: np.ndarray
    end: np.ndarray
    slot: np.ndarray | None  # key → placement row, when each key has one placement
    packed: np.ndarray | None  # per placement: placed_on << 32 | days until recalled_on


def _placement_index(placements: pd.DataFrame) -> _PlacementIndex:
    accounts, p_acc = factorize(placements["account_id"])
    suppliers, p_sup = factorize(placements["supplier"])
    width = max(len(suppliers), 1)
    key = p_acc * np.int64(width) + p_sup
    start = epoch_units(placements["placed_on"], "D")
    recalled = placements["recalled_on"] if "recalled_on" in placements else pd.Series(pd.NaT, index=placements.index)
    end = epoch_units(recalled, "D")
    end = np.where(end == np.iinfo(np.int64).min, np.iinfo(np.int64).max, end)
    slot = packed = None
    if len(key) and len(key) < 2**31 and np.bincount(key, minlength=1).max() <= 1:
        slot = np.full(int(len(accounts) * width), -1, dtype=np.int32)
        slot[key] = np.arange(len(key), dtype=np.int32)
        span = np.clip(end - start, -1, 2**32 - 1)
        first = np.where(span < 0, 2**31 - 1, np.clip(start, -(2**31), 2**31 - 2))  # recalled before placed
        packed = (first << 32) | np.maximum(span, 0)
    return _PlacementIndex(accounts, suppliers, width, key, start, end, slot, packed)


def _match(index: _PlacementIndex, acc: np.ndarray, sup: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Placement row of each (account code, agency code, day), −1 when none."""
    known = (acc >= 0) & (sup >= 0)
    key = np.where(known, acc * np.int64(index.width) + sup, 0)
    if index.slot is not None:  # one placement per key: a direct look-up and one gather of its window
        found = index.slot[key]
        window = index.packed[np.maximum(found, 0)]  # one gather: placed_on and the days it lasts
        first = window >> 32
        ok = known & (found >= 0) & holds(day, first, first + (window & 0xFFFFFFFF))
        return np.where(ok, found, -1)
    # several: the latest placement of the same account and agency placed on or before the day
    comp = index.key * _SHIFT + np.clip(index.start, 0, _SHIFT - 1)
    order = np.argsort(comp, kind="stable")
    pos = np.searchsorted(comp[order], key * _SHIFT + np.clip(day, 0, _SHIFT - 1), side="right") - 1
    found = np.where(pos >= 0, order[np.maximum(pos, 0)], -1)
    safe = np.maximum(found, 0)
    ok = known & (found >= 0) & (index.key[safe] == key) & holds(day, index.start[safe], index.end[safe])
    return np.where(ok, found, -1)


def placement_of(attempts: pd.DataFrame, placements: pd.DataFrame) -> np.ndarray:
    """For each attempt, the row position in `placements` of the placement it was made under (same
    account_id and supplier, holding the account on the attempt's day: `fees.holds`); −1 when none."""
    index = _placement_index(placements)
    found = _match(index, _codes_against(attempts["account_id"], index.accounts),
                   _codes_against(attempts["supplier"], index.suppliers), epoch_units(attempts["start"], "D"))
    return found.astype(np.int64)


def _sliced(values: pd.Series, lookup) -> object:
    """A function (i, j) → lookup's array for rows i..j: a Categorical maps its codes per slice (lookup is
    run on its categories only), any other column is looked up once."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        mapping = lookup(pd.Series(values.cat.categories))
        mapping = np.append(mapping, np.array([False if mapping.dtype == bool else -1], dtype=mapping.dtype))
        codes = values.cat.codes.to_numpy()
        return lambda i, j: mapping[codes[i:j]]
    full = lookup(values)
    return lambda i, j: full[i:j]


# --- the table ------------------------------------------------------------------------------------------

def rpc_by_hour(attempts: pd.DataFrame, placements: pd.DataFrame, *, by: Sequence[str] = ("segment",),
                channels: Sequence[str] | None = ("voice",), z: float = Z95, chunk: int = 1 << 20,
                threads: int = 2) -> pd.DataFrame:
    """Right-party contacts per `by` group × weekday (0 = Monday) × hour of the debtor's local start.

    Each attempt (of `channels`; None = every channel) takes its group from the placement it was made
    under (`placement_of`); attempts under no placement are left out. A `by` column is read from the
    placements, else from the attempts (e.g. "supplier"). One row per group × weekday × hour with at least
    one attempt: `by`..., weekday, hour, attempts, rpc, rate (rpc / attempts), wilson_low, wilson_high
    (`wilson_arrays`), prior_alpha, prior_beta (the group's beta prior, `beta_prior` on its cells) and
    shrunk = (rpc + α) / (attempts + α + β).

    Vectorised: the account ids are hashed once (by pyarrow for pyarrow-backed strings), then slices of
    `chunk` attempts are counted with `np.bincount` on `threads` threads (NumPy frees the GIL).
    """
    by = tuple(by)
    for col in by:
        if col not in placements.columns and col not in attempts.columns:
            raise KeyError(col)
    on_placement = [c for c in by if c in placements.columns]
    on_attempt = [c for c in by if c not in placements.columns]
    index = _placement_index(placements)
    p_group = np.zeros(len(placements), dtype=np.int64)
    levels: list[pd.Index] = []
    for col in on_placement:
        level = levels_of(placements[col])
        p_group = p_group * max(len(level), 1) + codes_in(placements[col], level)
        levels.append(level)
    attempt_codes = []
    for col in on_attempt:
        level = levels_of(attempts[col])
        attempt_codes.append((max(len(level), 1), _sliced(attempts[col], lambda v, lv=level: codes_in(v, lv))))
        levels.append(level)
    account = _codes_against(attempts["account_id"], index.accounts)
    supplier = _sliced(attempts["supplier"], lambda v: _codes_against(v, index.suppliers))
    if channels is None or "channel" not in attempts:
        keep = lambda i, j: np.ones(j - i, dtype=bool)  # noqa: E731
    else:
        keep = _sliced(attempts["channel"], lambda v: is_in(v, channels))
    rpc = _sliced(attempts["outcome"], lambda v: is_in(v, RPC))
    start = attempts["start"]
    if not pd.api.types.is_datetime64_any_dtype(start.dtype):
        start = pd.to_datetime(start)
    raw = start.to_numpy().view(np.int64)
    base, _ = np.datetime_data(start.to_numpy().dtype)
    per_hour = {"s": 1, "ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}[base] * 3600
    n_groups = int(np.prod([max(len(level), 1) for level in levels]))
    size = n_groups * CELLS

    def count(i: int) -> tuple[np.ndarray, np.ndarray]:
        j = min(i + chunk, len(raw))
        hours = raw[i:j] // per_hour  # NaT: far before any placement, so matched to none
        day = hours // 24
        found = _match(index, account[i:j], supplier(i, j), day)
        ok = (found >= 0) & keep(i, j)
        group = p_group[np.maximum(found, 0)]
        for radix, codes in attempt_codes:
            part = codes(i, j)
            ok &= part >= 0
            group = group * radix + part
        cell = (group * CELLS + ((day + 3) % 7) * 24 + hours % 24)[ok]  # 1970-01-01 was a Thursday
        return (np.bincount(cell, minlength=size), np.bincount(cell[rpc(i, j)[ok]], minlength=size))

    n = np.zeros(size, dtype=np.int64)
    k = np.zeros(size, dtype=np.int64)
    with ThreadPoolExecutor(max(threads, 1)) as pool:
        for part_n, part_k in pool.map(count, range(0, len(raw), chunk)):
            n += part_n
            k += part_k
    present = np.flatnonzero(n)
    order = (*on_placement, *on_attempt)
    table = _table(present, n[present], k[present], levels, order, n_groups, z)
    return table[[*by, *[c for c in table.columns if c not in by]]]


def _table(present: np.ndarray, n: np.ndarray, k: np.ndarray, levels: list[pd.Index], by: tuple[str, ...],
           n_groups: int, z: float) -> pd.DataFrame:
    group = present // CELLS
    alpha, beta = beta_prior(group, k, n, n_groups)
    low, high = wilson_arrays(k, n, z)
    out: dict[str, object] = {}
    rest = group.copy()
    for col, level in reversed(list(zip(by, levels, strict=True))):
        size = max(len(level), 1)
        out[col] = level.take(rest % size) if len(level) else pd.Index([], dtype=object)
        rest = rest // size
    frame = pd.DataFrame({col: np.asarray(out[col]) for col in by})
    frame["weekday"] = (present % CELLS) // 24
    frame["hour"] = present % 24
    frame["attempts"] = n.astype(np.int64)
    frame["rpc"] = k.astype(np.int64)
    frame["rate"] = k / n
    frame["wilson_low"] = low
    frame["wilson_high"] = high
    frame["prior_alpha"] = alpha[group]
    frame["prior_beta"] = beta[group]
    frame["shrunk"] = (k + alpha[group]) / (n + alpha[group] + beta[group])
    return frame


# --- the rules ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CallingRules:
    """The legal calling windows and attempt caps.

    windows: weekday (0 = Monday … 6 = Sunday) → (start_hour, end_hour), 0 ≤ start < end ≤ 24; an hour
    cell h is legal when start ≤ h and h + 1 ≤ end (the whole hour inside the window); a weekday absent
    from `windows` has no legal hour. The caps count every attempt to an account (any agency, any channel).
    """

    windows: Mapping[int, tuple[int, int]]
    max_attempts_per_7_days: int
    max_attempts_per_day: int

    def grid(self) -> np.ndarray:
        """7 × 24 bool: legal[weekday, hour]."""
        legal = np.zeros((7, 24), dtype=bool)
        for day, (start, end) in self.windows.items():
            legal[int(day), int(start):int(end)] = True
        return legal

    def is_legal(self, weekday: np.ndarray | int, hour: np.ndarray | int) -> np.ndarray:
        """Whether each (weekday 0 = Monday, hour 0–23) cell lies wholly inside the legal windows."""
        return self.grid()[np.asarray(weekday, dtype=np.int64), np.asarray(hour, dtype=np.int64)]

    @classmethod
    def from_mapping(cls, mapping: Mapping, path: str = "collections.calling_rules") -> CallingRules:
        """Rules from a parameters mapping, e.g.

            windows: {mon: [8, 21], tue: [8, 21], …, sat: [9, 14]}   # weekday names or 0–6
            max_attempts_per_7_days: 7
            max_attempts_per_day: 1

        Raises ValueError naming the key path (`path.windows.sat`) and what to write there.
        """
        if not isinstance(mapping, Mapping):
            raise ValueError(f"{path}: expected a mapping with windows, max_attempts_per_7_days and "
                             f"max_attempts_per_day, got {mapping!r}")
        known = ("windows", "max_attempts_per_7_days", "max_attempts_per_day")
        for key in mapping:
            if key not in known:
                raise ValueError(f"{path}.{key}: unknown key; write one of {', '.join(known)}")
        for key in known:
            if key not in mapping:
                raise ValueError(f"{path}.{key}: missing; write it "
                                 + ("as {mon: [8, 21], …}" if key == "windows" else "as a whole number ≥ 1"))
        raw = mapping["windows"]
        if not isinstance(raw, Mapping):
            raise ValueError(f"{path}.windows: expected a mapping weekday → [start_hour, end_hour], "
                             f"e.g. {{mon: [8, 21]}}, got {raw!r}")
        windows: dict[int, tuple[int, int]] = {}
        for day, value in raw.items():
            where = f"{path}.windows.{day}"
            if isinstance(day, str) and day.strip().lower()[:3] in WEEKDAYS:
                index = WEEKDAYS.index(day.strip().lower()[:3])
            elif isinstance(day, int) and not isinstance(day, bool) and 0 <= day <= 6:
                index = day
            else:
                raise ValueError(f"{where}: unknown weekday; write mon, tue, wed, thu, fri, sat, sun (or 0–6)")
            if index in windows:
                raise ValueError(f"{where}: weekday given twice")
            if not (isinstance(value, Sequence) and not isinstance(value, str) and len(value) == 2
                    and all(isinstance(h, int) and not isinstance(h, bool) for h in value)
                    and 0 <= value[0] < value[1] <= 24):
                raise ValueError(f"{where}: expected [start_hour, end_hour], whole hours with "
                                 f"0 ≤ start < end ≤ 24, e.g. [9, 14]; got {value!r}")
            windows[index] = (int(value[0]), int(value[1]))
        caps = {}
        for key in known[1:]:
            value = mapping[key]
            if not (isinstance(value, int) and not isinstance(value, bool) and value >= 1):
                raise ValueError(f"{path}.{key}: expected a whole number ≥ 1, got {value!r}")
            caps[key] = value
        if caps["max_attempts_per_day"] > caps["max_attempts_per_7_days"]:
            raise ValueError(f"{path}.max_attempts_per_day: {caps['max_attempts_per_day']} is above "
                             f"max_attempts_per_7_days ({caps['max_attempts_per_7_days']}); write at most that")
        return cls(windows=dict(sorted(windows.items())), **caps)


# --- recommendation -------------------------------------------------------------------------------------

def _by_columns(table: pd.DataFrame) -> list[str]:
    cells = {"weekday", "hour", "attempts", "rpc", "rate", "wilson_low", "wilson_high", "prior_alpha",
             "prior_beta", "shrunk", "rank"}
    return [c for c in table.columns if c not in cells]


def recommend_windows(table: pd.DataFrame, rules: CallingRules, *, top: int = 3) -> pd.DataFrame:
    """Per group of `table` (`rpc_by_hour`), its `top` legal (weekday, hour) cells by shrunk rate (ties:
    more attempts, then earlier weekday and hour). Cells outside the legal windows are never returned.
    Columns: the group columns, weekday, hour, shrunk, attempts, rpc, rank (1 = best)."""
    by = _by_columns(table)
    legal = table.loc[rules.is_legal(table["weekday"].to_numpy(), table["hour"].to_numpy())]
    ordered = legal.sort_values([*by, "shrunk", "attempts", "weekday", "hour"],
                                ascending=[True] * len(by) + [False, False, True, True], kind="stable")
    best = ordered.groupby(by, sort=False).head(top) if by else ordered.head(top)
    best = best[[*by, "weekday", "hour", "shrunk", "attempts", "rpc"]].reset_index(drop=True)
    best["rank"] = best.groupby(by, sort=False).cumcount() + 1 if by else np.arange(1, len(best) + 1)
    return best


def expected_gain(table: pd.DataFrame, attempts: pd.DataFrame, recommendation: pd.DataFrame, *,
                  handling_s: float = 180.0) -> pd.DataFrame:
    """Per group, the RPCs gained by moving its attempts to the recommended cells.

    `attempts` is the current distribution: per group × weekday × hour an `attempts` count (e.g. `table`
    itself, or `rpc_by_hour` of a recent week). With s_c the shrunk rate of cell c in `table` (the group's
    prior mean α/(α+β) for a cell absent from it) and N the group's attempts:

        rpc_current     = Σ_c n_c s_c
        rpc_recommended = N × mean of s_c over the recommended cells (the attempts split evenly)
        rpc_gain        = rpc_recommended − rpc_current
        attempts_moved  = N − Σ n_c over the recommended cells
        agent_hours_moved = attempts_moved × handling_s / 3600

    Groups without a recommended cell are left out.
    """
    by = _by_columns(table)
    keys = [*by, "weekday", "hour"]
    prior = table.groupby(by, sort=False)[["prior_alpha", "prior_beta"]].first() if by else None
    current = attempts[[*keys, "attempts"]].merge(table[[*keys, "shrunk"]], on=keys, how="left")
    if by:
        prior_mean = (prior["prior_alpha"] / (prior["prior_alpha"] + prior["prior_beta"])).rename("prior_mean")
        current = current.merge(prior_mean.reset_index(), on=by, how="left")
        current["shrunk"] = current["shrunk"].fillna(current["prior_mean"]).fillna(0.0)
    marked = recommendation[keys].assign(recommended=True)
    current = current.merge(marked, on=keys, how="left")
    current["recommended"] = current["recommended"].astype("boolean").fillna(False).astype(bool)
    current["expected"] = current["attempts"] * current["shrunk"]
    current["in_best"] = current["attempts"].where(current["recommended"], 0)
    per = current.groupby(by, sort=True).agg(attempts=("attempts", "sum"), rpc_current=("expected", "sum"),
                                             in_best=("in_best", "sum"))
    best_rate = recommendation.groupby(by, sort=True)["shrunk"].mean().rename("best_rate")
    out = per.join(best_rate, how="inner")
    out["rpc_recommended"] = out["attempts"] * out["best_rate"]
    out["rpc_gain"] = out["rpc_recommended"] - out["rpc_current"]
    out["attempts_moved"] = (out["attempts"] - out["in_best"]).astype(np.int64)
    out["agent_hours_moved"] = out["attempts_moved"] * float(handling_s) / 3600.0
    return out.reset_index()[[*by, "attempts", "attempts_moved", "rpc_current", "rpc_recommended", "rpc_gain",
                              "agent_hours_moved"]]


def legal_hours(rules: CallingRules, weekday: int) -> list[int]:
    """The hours (0–23) of `weekday` (0 = Monday) one may call in under `rules`, in order."""
    return [h for h in range(24) if rules.grid()[weekday % 7, h]]


__all__ = ["OUTCOMES", "RPC", "CallingRules", "beta_prior", "expected_gain", "legal_hours", "recommend_windows",
           "rpc_by_hour", "wilson_arrays", "wilson_interval"]
