"""Contact records → the activity table, for any service-level and short-abandon threshold.

One row per contact (table `contacts`) is aggregated per day (or per 15/30/60-minute interval of its
`start`), supplier and service, vectorised with pandas group-bys (no Python per contact). Thresholds
are in seconds and compared with `queue_s` inclusively (answered within 20 s = queue_s ≤ 20, kpis.md).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from decimal import Decimal
from typing import Literal

import numpy as np
import pandas as pd

from ccanalysis.parsing import exact_column

Frequency = Literal["D", "15min", "30min", "60min"]

_SECONDS = ("talk_s", "hold_s", "acw_s")


def _flag(contacts: pd.DataFrame, name: str) -> np.ndarray:
    """A bool column as a numpy bool array (blank = False)."""
    column = contacts[name]
    if column.dtype == bool:
        return column.to_numpy()
    return column.fillna(False).astype(bool).to_numpy()


def _codes(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Integer codes (−1 for blanks) and the distinct values of a key column."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.cat.codes.to_numpy().astype(np.int64), column.cat.categories
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    return codes.astype(np.int64), pd.Index(uniques)


def _at_most(values: pd.Series, threshold: float | int) -> np.ndarray:
    """values ≤ threshold (blank = False), exact for int64, float and Decimal columns."""
    if values.dtype == object:
        return np.fromiter((v is not None and v is not pd.NA and v <= threshold for v in values), dtype=bool,
                           count=len(values))
    return (values <= threshold).fillna(False).to_numpy(dtype=bool)


_EXACT_FLOAT = 2.0**52


def _group_sum(values: pd.Series | np.ndarray, mask: np.ndarray | None, group: np.ndarray,
               size: int) -> np.ndarray | pd.Series:
    """Σ values (where mask) per group code 0..size−1, exactly: int64 for whole numbers; Decimals for
    Decimal columns; a float column is summed as the decimals of its shortest repr (via scaled ints)."""
    array = values.to_numpy() if isinstance(values, pd.Series) else values
    if array.dtype == bool:
        array = array.astype(np.int64)
    if array.dtype == object or (isinstance(values, pd.Series) and not
                                 (np.issubdtype(array.dtype, np.number))):
        series = pd.Series(array, dtype=object)
        if mask is not None:
            series = series.where(mask, None)
        present = series.notna().to_numpy()
        sums = series[present].groupby(group[present]).sum()
        out = pd.Series([0] * size, dtype=object)
        out[sums.index.to_numpy()] = sums.to_numpy()
        return exact_column(out)
    if np.issubdtype(array.dtype, np.floating):
        array = np.where(np.isnan(array), 0.0, array)
        if mask is not None:
            array = np.where(mask, array, 0.0)
        for places in range(10):
            scale = 10.0**places
            if np.all(np.round(array, places) == array) and np.abs(array).max(initial=0) * scale < _EXACT_FLOAT:
                scaled = np.rint(array * scale).astype(np.int64)
                totals = _group_sum(scaled, None, group, size)
                if places == 0:
                    return totals
                return exact_column([Decimal(int(t)).scaleb(-places) for t in totals])
        decimals = pd.Series([Decimal(repr(float(v))) for v in array], dtype=object)
        return _group_sum(decimals, None, group, size)
    array = array.astype(np.int64, copy=False)
    if mask is not None:
        array = np.where(mask, array, 0)
    if np.abs(array).sum() < _EXACT_FLOAT:  # bincount adds in float64: exact below 2**53
        return np.rint(np.bincount(group, weights=array, minlength=size)).astype(np.int64)
    return pd.Series(array).groupby(group).sum().reindex(range(size), fill_value=0).to_numpy()


def _distinct_per_group(ids: pd.Series, group: np.ndarray, size: int) -> np.ndarray:
    """Distinct non-blank ids per group code. Rows are ordered by group (a stable sort of small codes);
    within a group, `last[id] = position` keeps exactly one position per distinct id, so the count of
    positions p with last[id[p]] == p is the number of distinct ids, whichever duplicate was kept."""
    codes, uniques = _codes(ids)
    known = codes >= 0
    codes, group = codes[known], group[known]
    small = group.astype(np.int16 if size < 2**15 else np.int32)  # stable sort of small ints is a radix sort
    order = np.argsort(small, kind="stable")
    codes, bounds = codes[order], np.searchsorted(small[order], np.arange(size + 1))
    last = np.empty(max(len(uniques), 1), dtype=np.int64)
    out = np.zeros(size, dtype=np.int64)
    positions_all = np.arange(int(np.diff(bounds).max(initial=0)))
    for g in range(size):
        chunk = codes[bounds[g]:bounds[g + 1]]
        positions = positions_all[:len(chunk)]
        last[chunk] = positions
        out[g] = np.count_nonzero(last[chunk] == positions)
    return out


def to_activity(contacts: pd.DataFrame, *, threshold_s: float | int, short_abandon_s: float | int,
                freq: Frequency = "D", holidays: Collection[date] | None = None) -> pd.DataFrame:
    """Activity rows (data.md) from contact records.

    Columns: date, interval_start (``HH:MM``, not for ``freq="D"``), supplier, service, offered (every
    contact), handled (answered), abandoned, abandoned_short (abandoned with queue_s ≤ short_abandon_s),
    answered_within_sl (answered with queue_s ≤ threshold_s), abandoned_within_sl, wait_s (queue_s of
    answered contacts), talk_s, hold_s, acw_s (over handled contacts), and when the records carry them:
    customers (distinct customer_id in the row's group — the period's distinct customers must be
    counted on the contacts with `distinct_customers`, never summed over days), sales (outcome
    ``sale``), resolved_first_contact (handled and resolved), collected_amount (Σ amount where outcome
    is ``payment``). With `holidays` (dates), a ``day_type`` column says weekday / weekend / holiday.
    logged_s cannot be derived from contacts and is absent. Sums are exact (int64 or Decimal).
    """
    if freq not in ("D", "15min", "30min", "60min"):
        raise ValueError(f"freq must be D, 15min, 30min or 60min, got {freq!r}")
    nanos = pd.to_datetime(contacts["start"]).to_numpy(dtype="datetime64[ns]").view(np.int64)
    day_ns = 86_400 * 10**9
    day = nanos // day_ns
    first_day = int(day.min()) if len(day) else 0
    slots, slot = 1, np.zeros(len(day), dtype=np.int64)
    step = 0
    if freq != "D":
        step = int(freq.removesuffix("min"))
        slots = 24 * 60 // step
        slot = (nanos - day * day_ns) // (step * 60 * 10**9)
    supplier, suppliers = _codes(contacts["supplier"])
    service, services = _codes(contacts["service"])
    if (supplier < 0).any() or (service < 0).any():
        raise ValueError("contact records with a blank supplier or service cannot be aggregated")
    n_sup, n_serv = max(len(suppliers), 1), max(len(services), 1)
    key = (((day - first_day) * slots + slot) * n_sup + supplier) * n_serv + service
    space = (int(day.max()) - first_day + 1) * slots * n_sup * n_serv if len(day) else 0
    if space <= 4 * len(key) + 1_000_000:  # dense key space: group codes are the keys themselves
        offered = np.bincount(key, minlength=space)
        used = np.flatnonzero(offered)
        remap = np.full(space, -1, dtype=np.int64)
        remap[used] = np.arange(len(used))
        group, group_keys = remap[key], used.astype(np.int64)
    else:
        group_keys, group = np.unique(key, return_inverse=True)
    size = len(group_keys)

    answered = _flag(contacts, "answered")
    abandoned = _flag(contacts, "abandoned")
    queue = contacts["queue_s"]
    within = _at_most(queue, threshold_s)
    short = _at_most(queue, short_abandon_s)
    count = np.bincount  # counts are exact integers
    columns: dict[str, object] = {
        "offered": count(group, minlength=size).astype(np.int64),
        "handled": count(group[answered], minlength=size).astype(np.int64),
        "abandoned": count(group[abandoned], minlength=size).astype(np.int64),
        "abandoned_short": count(group[abandoned & short], minlength=size).astype(np.int64),
        "answered_within_sl": count(group[answered & within], minlength=size).astype(np.int64),
        "abandoned_within_sl": count(group[abandoned & within], minlength=size).astype(np.int64),
        "wait_s": _group_sum(queue, answered, group, size),
    }
    for name in _SECONDS:
        columns[name] = _group_sum(contacts[name], answered, group, size)
    if "customer_id" in contacts.columns:
        columns["customers"] = _distinct_per_group(contacts["customer_id"], group, size)
    if "outcome" in contacts.columns:
        outcome = contacts["outcome"]
        columns["sales"] = count(group[(outcome == "sale").fillna(False).to_numpy(dtype=bool)],
                                 minlength=size).astype(np.int64)
    if "resolved" in contacts.columns:
        columns["resolved_first_contact"] = count(group[_flag(contacts, "resolved") & answered],
                                                  minlength=size).astype(np.int64)
    if "outcome" in contacts.columns and "amount" in contacts.columns:
        payment = (contacts["outcome"] == "payment").fillna(False).to_numpy(dtype=bool)
        columns["collected_amount"] = _group_sum(contacts["amount"], payment, group, size)

    rest, service_of = np.divmod(group_keys, n_serv)
    rest, supplier_of = np.divmod(rest, n_sup)
    day_of, slot_of = np.divmod(rest, slots)
    result = pd.DataFrame({
        "date": ((day_of + first_day) * day_ns).astype("datetime64[ns]"),
        **({"interval_start": [f"{m // 60:02d}:{m % 60:02d}" for m in (slot_of * step).tolist()]}
           if freq != "D" else {}),
        "supplier": np.asarray(suppliers, dtype=object)[supplier_of] if size else np.array([], dtype=object),
        "service": np.asarray(services, dtype=object)[service_of] if size else np.array([], dtype=object),
    })
    for name, values in columns.items():
        result[name] = values.to_numpy() if isinstance(values, pd.Series) and values.dtype == object \
            else values
        if isinstance(values, pd.Series):
            result[name] = values.reset_index(drop=True)
    if holidays is not None:
        holiday_days = pd.to_datetime(pd.Series(sorted(holidays), dtype=object)).astype("datetime64[ns]")
        kind = np.where(result["date"].dt.day_of_week >= 5, "weekend", "weekday")
        kind = np.where(result["date"].isin(holiday_days), "holiday", kind)
        result["day_type"] = kind
    keys = ["date", "interval_start", "supplier", "service"] if freq != "D" else ["date", "supplier", "service"]
    return result.sort_values(keys, kind="stable").reset_index(drop=True)


def distinct_customers(contacts: pd.DataFrame) -> int:
    """Distinct customer_id over the given contact records (blank ids not counted): the `customer`
    billable unit of a period — count it on the period's contacts, not by summing daily counts."""
    if "customer_id" not in contacts.columns:
        raise KeyError("contact records have no customer_id column")
    return int(contacts["customer_id"].nunique(dropna=True))
