"""Best time to call: right-party-contact rate per segment × weekday × hour, shrunk by empirical Bayes,
the legal calling windows and caps, and the recommended cells with their expected gain.

The rates here are statistical estimates (floats: the Wilson bounds hold square roots and the shrinkage a
fitted prior); counts stay integers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

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

def codes_in(values: pd.Series, categories: pd.Index) -> np.ndarray:
    """Position of each value in `categories` (−1 when absent); cheap for a Categorical column."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        mapping = categories.get_indexer(values.cat.categories)
        codes = values.cat.codes.to_numpy()
        return np.where(codes >= 0, np.append(mapping, -1)[codes], -1).astype(np.int64)
    return categories.get_indexer(values).astype(np.int64)


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


def placement_of(attempts: pd.DataFrame, placements: pd.DataFrame) -> np.ndarray:
    """For each attempt, the row position in `placements` of the placement it was made under (same
    account_id and supplier, placed_on ≤ day of the attempt ≤ recalled_on or still placed); −1 when none."""
    accounts = pd.Index(pd.unique(placements["account_id"]))
    suppliers = pd.Index(pd.unique(placements["supplier"]))
    width = np.int64(max(len(suppliers), 1))
    p_key = codes_in(placements["account_id"], accounts) * width + codes_in(placements["supplier"], suppliers)
    p_start = epoch_units(placements["placed_on"], "D")
    recalled = placements["recalled_on"] if "recalled_on" in placements else pd.Series(pd.NaT, index=placements.index)
    p_end = epoch_units(recalled, "D")
    p_end = np.where(p_end == np.iinfo(np.int64).min, np.iinfo(np.int64).max, p_end)
    a_acc = codes_in(attempts["account_id"], accounts)
    a_sup = codes_in(attempts["supplier"], suppliers)
    known = (a_acc >= 0) & (a_sup >= 0)
    a_key = np.where(known, a_acc * width + a_sup, 0)
    a_day = epoch_units(attempts["start"], "D")
    if len(np.unique(p_key)) == len(p_key):  # one placement per account and agency: a direct look-up
        slot = np.full(int(len(accounts) * width), -1, dtype=np.int64)
        slot[p_key] = np.arange(len(p_key))
        found = slot[a_key]
    else:  # several: the latest placement of the same account and agency placed on or before the day
        p_comp = p_key * _SHIFT + np.clip(p_start, 0, _SHIFT - 1)
        order = np.argsort(p_comp, kind="stable")
        pos = np.searchsorted(p_comp[order], a_key * _SHIFT + np.clip(a_day, 0, _SHIFT - 1), side="right") - 1
        found = np.where(pos >= 0, order[np.maximum(pos, 0)], -1)
        found = np.where((found >= 0) & (p_key[np.maximum(found, 0)] == a_key), found, -1)
    safe = np.maximum(found, 0)
    ok = known & (found >= 0) & (p_start[safe] <= a_day) & (a_day <= p_end[safe])
    return np.where(ok, found, -1)


def _group_codes(attempts: pd.DataFrame, placements: pd.DataFrame, where: np.ndarray,
                 by: Sequence[str]) -> tuple[np.ndarray, list[pd.Index]]:
    """Mixed-radix codes of the `by` columns (from the placement, else from the attempt) per attempt."""
    codes = np.zeros(len(where), dtype=np.int64)
    levels: list[pd.Index] = []
    for col in by:
        if col in placements.columns:
            values = pd.Index(pd.unique(placements[col]))
            col_codes = codes_in(placements[col], values)[np.maximum(where, 0)]
        elif col in attempts.columns:
            values = pd.Index(pd.unique(attempts[col]))
            col_codes = codes_in(attempts[col], values)
        else:
            raise KeyError(col)
        codes = codes * max(len(values), 1) + col_codes
        levels.append(values)
    return codes, levels


# --- the table ------------------------------------------------------------------------------------------

def rpc_by_hour(attempts: pd.DataFrame, placements: pd.DataFrame, *, by: Sequence[str] = ("segment",),
                channels: Sequence[str] | None = ("voice",), z: float = Z95) -> pd.DataFrame:
    """Right-party contacts per `by` group × weekday (0 = Monday) × hour of the debtor's local start.

    Each attempt (of `channels`; None = every channel) takes its group from the placement it was made
    under (`placement_of`); attempts under no placement are left out. A `by` column is read from the
    placements, else from the attempts (e.g. "supplier"). One row per group × weekday × hour with at least
    one attempt: `by`..., weekday, hour, attempts, rpc, rate (rpc / attempts), wilson_low, wilson_high
    (`wilson_arrays`), prior_alpha, prior_beta (the group's beta prior, `beta_prior` on its cells) and
    shrunk = (rpc + α) / (attempts + α + β).
    """
    by = tuple(by)
    keep = np.ones(len(attempts), dtype=bool) if channels is None or "channel" not in attempts else \
        is_in(attempts["channel"], channels)
    if not keep.all():
        attempts = attempts.loc[keep]
    where = placement_of(attempts, placements)
    group, levels = _group_codes(attempts, placements, where, by)
    hours = epoch_units(attempts["start"], "h")
    weekday = ((hours // 24) + 3) % 7  # 1970-01-01 was a Thursday
    hour = hours % 24
    rpc = is_in(attempts["outcome"], RPC)
    valid = (where >= 0) & (group >= 0)
    n_groups = int(np.prod([max(len(level), 1) for level in levels]))
    cell = (group * CELLS + weekday * 24 + hour)[valid]
    n = np.bincount(cell, minlength=n_groups * CELLS)
    k = np.bincount(cell[rpc[valid]], minlength=n_groups * CELLS)
    present = np.flatnonzero(n)
    return _table(present, n[present], k[present], levels, by, n_groups, z)


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

    windows: Mapping[int, tuple[int, int]] = field(default_factory=dict)
    max_attempts_per_7_days: int = 7
    max_attempts_per_day: int = 1

    def grid(self) -> np.ndarray:
        """7 × 24 bool: legal[weekday, hour]."""
        legal = np.zeros((7, 24), dtype=bool)
        for day, (start, end) in self.windows.items():
            legal[int(day), int(start):int(end)] = True
        return legal

    def is_legal(self, weekday: np.ndarray | int, hour: np.ndarray | int) -> np.ndarray:
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
    return [h for h in range(24) if rules.grid()[weekday % 7, h]]


__all__ = ["OUTCOMES", "RPC", "CallingRules", "beta_prior", "expected_gain", "legal_hours", "recommend_windows",
           "rpc_by_hour", "wilson_arrays", "wilson_interval"]
