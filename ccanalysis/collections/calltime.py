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

from ccanalysis.collections.fees import holds_sql

OUTCOMES = ("no_answer", "busy", "voicemail", "wrong_party", "third_party", "rpc", "ptp", "refusal", "dispute")
RPC = ("rpc", "ptp", "refusal", "dispute")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Z95 = 1.959963984540054


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


def _arrow_table(frame: pd.DataFrame, columns: Sequence[str]):
    """The columns of `frame` as an Arrow table (pyarrow-backed strings shared, a Categorical as a dictionary),
    a datetime as a timestamp, with `_row` (the row position)."""
    import pyarrow as pa

    table = pa.Table.from_pandas(frame[list(columns)], preserve_index=False)
    return table.append_column("_row", pa.array(np.arange(len(frame), dtype=np.int64)))


def _connection(threads: int):
    import duckdb

    con = duckdb.connect()
    con.execute(f"SET threads = {max(int(threads), 1)}")
    return con


def _result(con, query: str):
    """The query's result as an Arrow table (DuckDB 2 names it `to_arrow_table`, DuckDB 1 `fetch_arrow_table`)."""
    relation = con.sql(query)
    return relation.to_arrow_table() if hasattr(relation, "to_arrow_table") else relation.fetch_arrow_table()


def _start_column(attempts: pd.DataFrame) -> pd.DataFrame:
    if "start" in attempts and not pd.api.types.is_datetime64_any_dtype(attempts["start"].dtype):
        attempts = attempts.assign(start=pd.to_datetime(attempts["start"]))
    return attempts


def _under_placement(con, attempts: pd.DataFrame, placements: pd.DataFrame, attempt_columns: Sequence[str],
                     placement_columns: Sequence[str]) -> str:
    """Register the attempts (`a`) and placements (`p`) in `con` and return the FROM … WHERE of every attempt
    joined to the placement it was made under: same account_id and supplier, the placement holding the
    account on the attempt's (local) day (`fees.holds_sql`). Two placements of one account never overlap
    (the loader checks it), so an attempt joins at most one."""
    a = _arrow_table(_start_column(attempts), sorted({"account_id", "supplier", "start", *attempt_columns}))
    p_columns = {"account_id", "supplier", "placed_on", *placement_columns}
    if "recalled_on" in placements.columns:
        p_columns.add("recalled_on")
    p = _arrow_table(placements, sorted(p_columns))
    con.register("a", a)
    con.register("p", p)
    recalled = "CAST(p.recalled_on AS DATE)" if "recalled_on" in placements.columns else "NULL"
    rule = holds_sql("CAST(a.start AS DATE)", "CAST(p.placed_on AS DATE)", recalled)
    return f"FROM a JOIN p ON a.account_id = p.account_id AND a.supplier = p.supplier WHERE {rule}"


def _sql_list(values: Sequence[str]) -> str:
    return ", ".join("'" + str(v).replace("'", "''") + "'" for v in values)


def placement_of(attempts: pd.DataFrame, placements: pd.DataFrame, *, threads: int = 2) -> np.ndarray:
    """For each attempt, the row position in `placements` of the placement it was made under (same
    account_id and supplier, holding the account on the attempt's day: `fees.holds`); −1 when none."""
    out = np.full(len(attempts), -1, dtype=np.int64)
    if attempts.empty or placements.empty:
        return out
    con = _connection(threads)
    joined = _result(con, f"SELECT a._row AS attempt, p._row AS placement "
                          f"{_under_placement(con, attempts, placements, (), ())}")
    out[joined.column("attempt").to_numpy()] = joined.column("placement").to_numpy()
    return out


# --- the table ------------------------------------------------------------------------------------------

def rpc_by_hour(attempts: pd.DataFrame, placements: pd.DataFrame, *, by: Sequence[str] = ("segment",),
                channels: Sequence[str] | None = ("voice",), z: float = Z95, threads: int = 2) -> pd.DataFrame:
    """Right-party contacts per `by` group × weekday (0 = Monday) × hour of the debtor's local start.

    Each attempt (of `channels`; None = every channel) takes its group from the placement it was made
    under (`placement_of`); attempts under no placement are left out. A `by` column is read from the
    placements, else from the attempts (e.g. "supplier"). One row per group × weekday × hour with at least
    one attempt, sorted by group, weekday and hour: `by`..., weekday, hour, attempts, rpc, rate (rpc /
    attempts), wilson_low, wilson_high (`wilson_arrays`), prior_alpha, prior_beta (the group's beta prior,
    `beta_prior` on its cells) and shrunk = (rpc + α) / (attempts + α + β).

    The join and the counts run in DuckDB on `threads` threads (a hash join of every attempt to its
    placement, then a group-by), on the columns as Arrow shares them: no id is hashed in Python.
    """
    by = tuple(by)
    for col in by:
        if col not in placements.columns and col not in attempts.columns:
            raise KeyError(col)
    on_placement = [c for c in by if c in placements.columns]
    on_attempt = [c for c in by if c not in placements.columns]
    columns = [*by, "weekday", "hour", "attempts", "rpc"]
    with_channel = channels is not None and "channel" in attempts.columns
    if attempts.empty or placements.empty:
        counts = pd.DataFrame(columns=columns)
    else:
        con = _connection(threads)
        source = _under_placement(con, attempts, placements, ["outcome", *on_attempt, *(["channel"] * with_channel)],
                                  on_placement)
        groups = [f'p."{c}"' if c in on_placement else f'a."{c}"' for c in by]
        keep = f" AND a.channel IN ({_sql_list(channels)})" if with_channel else ""
        query = (f"SELECT {''.join(g + ' AS ' + chr(34) + c + chr(34) + ', ' for g, c in zip(groups, by, strict=True))}"
                 f"isodow(a.start) - 1 AS weekday, hour(a.start) AS hour, count(*) AS attempts, "
                 f"count(*) FILTER (WHERE a.outcome IN ({_sql_list(RPC)})) AS rpc {source}{keep} GROUP BY ALL")
        counts = _plain(_result(con, query))
    return _table(counts, by, z)


def _plain(table) -> pd.DataFrame:
    """An Arrow result as a DataFrame of plain values (a dictionary column as its strings)."""
    import pyarrow as pa

    columns = {}
    for name, column in zip(table.column_names, table.columns, strict=True):
        if pa.types.is_dictionary(column.type):
            column = column.cast(column.type.value_type)
        columns[name] = column.to_numpy(zero_copy_only=False)
    return pd.DataFrame(columns)


def _table(counts: pd.DataFrame, by: tuple[str, ...], z: float) -> pd.DataFrame:
    """The hour table from its counts (`by`..., weekday, hour, attempts, rpc): rates, Wilson intervals and the
    shrinkage toward each group's beta prior."""
    frame = counts.sort_values([*by, "weekday", "hour"], kind="stable").reset_index(drop=True)
    for col in ("weekday", "hour", "attempts", "rpc"):
        frame[col] = frame[col].astype(np.int64)
    n, k = frame["attempts"].to_numpy(), frame["rpc"].to_numpy()
    group = frame.groupby(list(by), sort=False).ngroup().to_numpy() if by and len(frame) else \
        np.zeros(len(frame), dtype=np.int64)
    alpha, beta = beta_prior(group, k, n, int(group.max()) + 1 if len(group) else 0)
    low, high = wilson_arrays(k, n, z)
    frame["rate"] = k / n if len(frame) else np.array([], dtype=float)
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
