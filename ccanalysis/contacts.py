"""Contact records → the activity table, for any service-level and short-abandon threshold.

One row per contact (table `contacts`) is aggregated per day (or per 15/30/60-minute interval of its
`start`), supplier and service, vectorised with numpy/pyarrow (no Python per contact). Thresholds are in
seconds and compared with `queue_s` inclusively (answered within 20 s = queue_s ≤ 20, kpis.md).

How it stays fast on millions of rows: every row gets one integer group code (day × slot × supplier ×
service, packed block by block of rows); all count columns come from one `bincount` of
``group × 2^k + flags`` (the k yes/no flags of a row packed into bits), and the plain integer sums are
weighted `bincount`s in the same pass over blocks of rows (small reused buffers; rows outside a sum's
mask go to a spare bin); other columns (Decimal, float, nullable) take exact slower paths. Distinct
customers per group are counted either on integer codes (a Categorical's own codes, or one factorize)
with one sort of ``group × ncodes + code``, or — pyarrow strings in a few large groups, e.g. daily rows —
by gathering the ids' string views in group order and running pyarrow's hash `unique` per group (small
hash tables, two threads), while the calling thread does the counting. All of it is exact.
"""

from __future__ import annotations

from collections.abc import Collection
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date
from decimal import Decimal
from typing import Literal

import numpy as np
import pandas as pd

from ccanalysis.errors import UsageError
from ccanalysis.money import exact_column
from ccanalysis.periods import day_type

Frequency = Literal["D", "15min", "30min", "60min"]

_SECONDS = ("talk_s", "hold_s", "acw_s")
_EXACT_FLOAT = 2.0**52  # float64 adds integers exactly while every partial sum stays below 2**53
_LARGE_GROUP = 4096  # mean rows per group above which per-group hashing of arrow strings pays off
_BLOCK = 1 << 20  # rows per block of the counting passes: their buffers stay small and are reused


def _flag(contacts: pd.DataFrame, name: str) -> np.ndarray:
    """A bool column as a numpy bool array (blank = False)."""
    column = contacts[name]
    if column.dtype == bool:
        return column.to_numpy()
    return column.fillna(False).astype(bool).to_numpy()


def _raw_codes(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Integer codes (−1 for blanks) of any integer width and the distinct values of a key column:
    a Categorical's own codes (no pass over the values), else one `pd.factorize`."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.cat.codes.to_numpy(), column.cat.categories
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    return codes, pd.Index(uniques)


def _codes(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Integer codes (−1 for blanks, int64) and the distinct values of a key column."""
    codes, uniques = _raw_codes(column)
    return codes.astype(np.int64, copy=False), uniques


def _at_most(values: pd.Series, threshold: float | int) -> np.ndarray:
    """values ≤ threshold (blank = False), exact for int64, float and Decimal columns."""
    if values.dtype == object:
        return np.fromiter((v is not None and v is not pd.NA and v <= threshold for v in values), dtype=bool,
                           count=len(values))
    if isinstance(values.dtype, np.dtype) and values.dtype.kind in "iuf":
        return values.to_numpy() <= threshold  # NaN ≤ t is False: a blank float is not within
    return (values <= threshold).fillna(False).to_numpy(dtype=bool)


def _sum_ints(array: np.ndarray, bins: np.ndarray, size: int) -> np.ndarray:
    """Exact int64 Σ array per bin 0..size−1 (bin `size` collects the rows left out)."""
    if len(array) and max(abs(int(array.min())), abs(int(array.max()))) * len(array) >= _EXACT_FLOAT:
        sums = pd.Series(array).groupby(bins).sum()  # int64 arithmetic: too large for float64 addition
        return sums.reindex(range(size), fill_value=0).to_numpy(dtype=np.int64)
    return np.rint(np.bincount(bins, weights=array, minlength=size + 1)[:size]).astype(np.int64)


def _group_sum(values: pd.Series, bins: np.ndarray, size: int) -> np.ndarray | pd.Series:
    """Σ values per group code 0..size−1, rows with bin == size left out, exactly: int64 for whole
    numbers; Decimals for Decimal columns; a float column is summed as the decimals of its shortest repr
    (via scaled ints). Blank values add nothing."""
    if values.dtype == object or not (pd.api.types.is_numeric_dtype(values.dtype)
                                      or values.dtype == bool):
        series = pd.Series(values.to_numpy(dtype=object), dtype=object)
        keep = series.notna().to_numpy() & (bins < size)
        sums = series[keep].groupby(bins[keep]).sum()
        out = pd.Series([0] * size, dtype=object)
        out[sums.index.to_numpy()] = sums.to_numpy()
        return exact_column(out)
    if values.dtype.kind == "f":
        array = (values.to_numpy() if isinstance(values.dtype, np.dtype)
                 else values.to_numpy(dtype=np.float64, na_value=np.nan))  # nullable floats: blank = NaN
        keep = (bins < size) & ~np.isnan(array)
        if not keep.all():
            array, bins = array[keep], bins[keep]  # only the summed rows are scanned for their decimals
        biggest = max(abs(float(array.min())), abs(float(array.max()))) if len(array) else 0.0
        scaled = np.empty_like(array)  # one buffer for every trial scaling
        for places in range(10):
            scale = 10.0**places
            if biggest * scale >= _EXACT_FLOAT or not np.array_equal(np.round(array, places, out=scaled), array):
                continue
            np.multiply(array, scale, out=scaled)
            np.rint(scaled, out=scaled)  # whole numbers below 2**52: exact in float64
            if biggest * scale * len(array) < _EXACT_FLOAT:
                totals = np.rint(np.bincount(bins, weights=scaled, minlength=size + 1)[:size]).astype(np.int64)
            else:
                totals = _sum_ints(scaled.astype(np.int64), bins, size)
            if places == 0:
                return totals
            return exact_column([Decimal(int(t)).scaleb(-places) for t in totals])
        decimals = pd.Series([Decimal(repr(float(v))) for v in array], dtype=object)
        return _group_sum(decimals, bins, size)
    if isinstance(values.dtype, np.dtype):
        return _sum_ints(values.to_numpy().astype(np.int64, copy=False), bins, size)
    return _sum_ints(values.to_numpy(dtype=np.int64, na_value=0), bins, size)  # nullable ints


def _arrow_strings(ids: pd.Series) -> object | None:
    """The pyarrow ChunkedArray behind a pyarrow-backed string column, else None."""
    if isinstance(ids.dtype, pd.StringDtype) and ids.dtype.storage == "pyarrow":
        import pyarrow as pa

        data = ids.array.__arrow_array__()
        return data if isinstance(data, pa.ChunkedArray) else pa.chunked_array([data])
    return None


def _distinct_pairs(codes: np.ndarray, group: np.ndarray, size: int, ncodes: int) -> np.ndarray:
    """Distinct codes ≥ 0 per group: one sort of group × ncodes + code; a pair is new where the sorted
    key changes, and each new pair adds one to its group."""
    known = codes >= 0
    if not known.all():
        codes, group = codes[known], group[known]
    if size * max(ncodes, 1) >= 2**62:  # keys would overflow int64: order rows by (group, code) instead
        order = np.lexsort((codes, group))  # (not reached by any realistic record count)
        group, codes = group[order], codes[order]
        new = np.ones(len(codes), dtype=bool)
        new[1:] = (group[1:] != group[:-1]) | (codes[1:] != codes[:-1])
        return np.bincount(group[new], minlength=size).astype(np.int64)
    keys = np.sort(group.astype(np.int64) * ncodes + codes)
    new = np.ones(len(keys), dtype=bool)
    new[1:] = keys[1:] != keys[:-1]
    return np.bincount(keys[new] // max(ncodes, 1), minlength=size).astype(np.int64)


def _string_views(ids: pd.Series) -> object | None:
    """A pyarrow-backed string column as one pyarrow StringViewArray (None for other columns, or when
    this pyarrow cannot cast to or hash string views)."""
    strings = _arrow_strings(ids)
    if strings is None:
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        views = strings.cast(pa.string_view()).combine_chunks()
        pc.unique(views.slice(0, 1))
    except (AttributeError, NotImplementedError, pa.ArrowNotImplementedError):
        return None
    return views


def _distinct_large_groups(views: object, group: np.ndarray, size: int) -> np.ndarray | None:
    """Distinct non-null strings (a StringViewArray) per group, for few large groups; None when the
    counts do not fit the packing below.

    The rows are put in group order by one in-place sort of ``group << 32 | row`` (unique keys, so the
    order is the stable one; null ids get group `size` and sort last); the group boundaries are found in
    the sorted keys. The 16-byte string views (length and inline bytes, or a reference into the data
    buffers, which are kept) are gathered in that order by numpy — exact, nothing is hashed on the way —
    and cast back to contiguous strings; pyarrow's hash `unique` then runs on each group's slice: a small
    hash table per group instead of one over every id. The big scratch arrays come from pyarrow's memory
    pool. The groups are split in two halves by rows, counted in two threads (numpy's gather and
    pyarrow's kernels release the GIL)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(group)
    if n >= 2**32 or size >= 2**31 - 1:
        return None
    valid = views.is_valid().to_numpy(zero_copy_only=False) if views.null_count else None
    order = _pooled(n, np.int64)
    for lo in range(0, n, _BLOCK):
        part = order[lo:lo + _BLOCK]
        np.left_shift(group[lo:lo + _BLOCK], 32, out=part, dtype=np.int64)
        if valid is not None:  # a null id: group `size`, after every real group
            np.copyto(part, size << 32, where=~valid[lo:lo + _BLOCK])
        part |= np.arange(lo, lo + len(part), dtype=np.int64)
    order.sort()
    bounds = np.searchsorted(order, np.arange(size + 1, dtype=np.int64) << 32)
    order &= 0xFFFFFFFF  # the row numbers, in group order
    buffers = views.buffers()
    view_type = np.dtype([("head", "<u8"), ("tail", "<u8")])  # one 16-byte string view
    every = np.frombuffer(buffers[1], dtype=view_type, count=n, offset=views.offset * 16)
    out = np.zeros(size, dtype=np.int64)

    def count(first: int, stop: int) -> None:
        lo, hi = int(bounds[first]), int(bounds[stop])
        target = pa.allocate_buffer((hi - lo) * 16)
        np.take(every, order[lo:hi], out=np.frombuffer(target, dtype=view_type, count=hi - lo))
        part = pa.Array.from_buffers(pa.string_view(), hi - lo, [None, target, *buffers[2:]])
        part = part.cast(pa.large_string())  # contiguous strings hash faster than views (one cheap copy)
        for g in range(first, stop):
            if bounds[g + 1] > bounds[g]:
                out[g] = len(pc.unique(part.slice(bounds[g] - lo, bounds[g + 1] - bounds[g])))

    middle = min(max(int(np.searchsorted(bounds, bounds[-1] // 2)), 1), size)
    with ThreadPoolExecutor(max_workers=1) as pool:
        other = pool.submit(count, middle, size)
        count(0, middle)
        other.result()
    return out


def _pooled(n: int, dtype: type) -> np.ndarray:
    """An uninitialised numpy array in pyarrow's memory pool: memory the process usually holds already
    after a Parquet read, instead of fresh pages from the operating system."""
    import pyarrow as pa

    itemsize = np.dtype(dtype).itemsize
    return np.frombuffer(pa.allocate_buffer(max(n, 1) * itemsize), dtype=dtype, count=n)


def _distinct_per_group(ids: pd.Series, group: np.ndarray, size: int,
                        views: Future | None = None) -> np.ndarray:
    """Distinct non-blank ids per group code 0..size−1 (exact: ids are compared, never hashed alone).
    `views`, if given, is the future of `_string_views(ids)`, started before the group codes."""
    if size and len(group) >= _LARGE_GROUP * size:
        as_views = views.result() if views is not None else _string_views(ids)
        if as_views is not None:
            counted = _distinct_large_groups(as_views, group, size)
            if counted is not None:
                return counted
    codes, uniques = _codes(ids)  # Categorical ids: their codes, free; other ids: one factorize
    return _distinct_pairs(codes, group, size, len(uniques))


def _group_codes(contacts: pd.DataFrame, freq: Frequency) -> tuple[np.ndarray, int, np.ndarray | None,
                                                                     dict[str, object]]:
    """Group code of every row, the number of codes, the packed key of each code (None when the codes
    are the keys themselves, some then unused) and what is needed to unpack keys. The key
    ((day × slots + slot) × suppliers + supplier) × services + service is packed block by block of rows
    into int32 when it fits (half the memory of int64, no full-length temporaries)."""
    start = contacts["start"]
    if start.dtype != np.dtype("datetime64[ns]"):
        start = pd.to_datetime(start)
    nanos = start.to_numpy(dtype="datetime64[ns]").view(np.int64)
    day_ns = 86_400 * 10**9
    first_day = int(nanos.min()) // day_ns if len(nanos) else 0  # floor division is monotonic
    last_day = int(nanos.max()) // day_ns if len(nanos) else 0
    slots, step = 1, 0
    if freq != "D":
        step = int(freq.removesuffix("min"))
        slots = 24 * 60 // step
    supplier, suppliers = _raw_codes(contacts["supplier"])
    service, services = _raw_codes(contacts["service"])
    if (supplier < 0).any() or (service < 0).any():
        raise ValueError("contact records with a blank supplier or service cannot be aggregated")
    n_sup, n_serv = max(len(suppliers), 1), max(len(services), 1)
    space = (last_day - first_day + 1) * slots * n_sup * n_serv if len(nanos) else 0
    key = _pooled(len(nanos), np.int32 if space < 2**31 else np.int64)
    for lo in range(0, len(nanos), _BLOCK):
        block = nanos[lo:lo + _BLOCK]
        day = block // day_ns
        part = day - first_day
        if freq != "D":
            part *= slots
            part += (block - day * day_ns) // (step * 60 * 10**9)
        part *= n_sup
        part += supplier[lo:lo + _BLOCK]
        part *= n_serv
        part += service[lo:lo + _BLOCK]
        key[lo:lo + _BLOCK] = part
    unpack = {"first_day": first_day, "day_ns": day_ns, "slots": slots, "step": step, "n_sup": n_sup,
              "n_serv": n_serv, "suppliers": suppliers, "services": services}
    if space <= len(key) // 64 + (1 << 16):  # few possible keys: they are the group codes themselves
        return key, space, None, unpack
    if space <= 4 * len(key) + 1_000_000:
        used = np.flatnonzero(np.bincount(key, minlength=space))
        remap = np.full(space, -1, dtype=key.dtype)
        remap[used] = np.arange(len(used))
        return remap[key], len(used), used.astype(np.int64), unpack
    group, group_keys = pd.factorize(key, sort=True)
    return group.astype(np.int64), len(group_keys), np.asarray(group_keys, dtype=np.int64), unpack


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
        raise UsageError(f"freq must be D, 15min, 30min or 60min, got {freq!r}")
    customers: Future | None = None
    pool: ThreadPoolExecutor | None = None
    views: Future | None = None
    if "customer_id" in contacts.columns:  # the slowest column: counted in a thread meanwhile
        pool = ThreadPoolExecutor(max_workers=1)
        if freq == "D":  # few large groups: the ids' string views are prepared while the codes are
            views = pool.submit(_string_views, contacts["customer_id"])
    try:
        group, size, group_keys, unpack = _group_codes(contacts, freq)
        if pool is not None:
            customers = pool.submit(_distinct_per_group, contacts["customer_id"], group, size, views)
        columns = _counts_and_sums(contacts, group, size, threshold_s, short_abandon_s)
        if customers is not None:  # the column follows acw_s, as in data.md's order
            at = list(columns).index("acw_s") + 1
            items = list(columns.items())
            columns = dict([*items[:at], ("customers", customers.result()), *items[at:]])
    finally:
        if pool is not None:
            pool.shutdown(wait=True)

    if group_keys is None:  # codes were the keys: keep the groups that have contacts
        used = np.flatnonzero(columns["offered"])
        group_keys = used.astype(np.int64)
        columns = {name: _take(values, used) for name, values in columns.items()}
    return _frame(columns, group_keys, unpack, freq, holidays)


_ANSWERED, _ABANDONED, _WITHIN, _SHORT, _SALE, _RESOLVED = 1, 2, 4, 8, 16, 32


def _counts_and_sums(contacts: pd.DataFrame, group: np.ndarray, size: int, threshold_s: float | int,
                     short_abandon_s: float | int) -> dict[str, object]:
    """All count columns from one bincount of group × 2^k + packed flags, and the exact sums; plain
    integer columns are summed in the same pass over blocks of rows (reused buffers, in cache)."""
    n = len(group)
    answered = _flag(contacts, "answered")
    abandoned = _flag(contacts, "abandoned")
    queue = contacts["queue_s"]
    flags = answered.astype(np.uint8)
    flags |= abandoned.view(np.uint8) << 1
    flags |= _at_most(queue, threshold_s).view(np.uint8) << 2
    flags |= _at_most(queue, short_abandon_s).view(np.uint8) << 3
    nbits = 4
    outcome = contacts["outcome"] if "outcome" in contacts.columns else None
    if outcome is not None:
        flags |= (outcome == "sale").fillna(False).to_numpy(dtype=bool).view(np.uint8) << 4
        nbits = 5
    if "resolved" in contacts.columns:
        flags |= _flag(contacts, "resolved").view(np.uint8) << 5
        nbits = 6
    states = 1 << nbits
    fused = size * states <= 2 * n + (1 << 20)

    # sums over answered contacts: plain integer columns small enough for exact float64 bincounts are
    # summed block by block below; any other column (Decimal, float, nullable, huge) by `_group_sum`
    fast: dict[str, np.ndarray] = {}
    for name in ("queue_s", *_SECONDS):
        values = contacts[name]
        if isinstance(values.dtype, np.dtype) and values.dtype.kind in "iub":
            array = values.to_numpy()
            if not n or max(abs(int(array.min())), abs(int(array.max()))) * n < _EXACT_FLOAT:
                fast[name] = array
    block = max(_BLOCK, size * states if fused else 0, size)  # a block is never smaller than its outputs
    table = np.zeros(size * states if fused else 0, dtype=np.int64)
    totals = {name: np.zeros(size + 1, dtype=np.int64) for name in fast}
    work = np.empty(min(block, n), dtype=np.int64)  # state codes, then the bins of answered contacts
    weights = np.empty(min(block, n) if fast else 0, dtype=np.float64)
    for lo in range(0, n, block):
        codes, bins = group[lo:lo + block], work[:min(block, n - lo)]
        if fused:
            np.multiply(codes, states, out=bins, dtype=np.int64)
            bins += flags[lo:lo + block]
            table += np.bincount(bins, minlength=size * states)
        if fast:
            np.copyto(bins, codes)
            np.copyto(bins, size, where=~answered[lo:lo + block])  # unanswered: the spare bin `size`
            for name, array in fast.items():
                chunk = weights[:len(bins)]
                np.copyto(chunk, array[lo:lo + block])  # exact: every |value| · n < 2**52
                totals[name] += np.rint(np.bincount(bins, weights=chunk, minlength=size + 1)).astype(np.int64)
    del work, weights
    if fused:
        table = table.reshape(size, states)
    else:  # very many groups: one bincount per flag combination present instead
        table = np.zeros((size, states), dtype=np.int64)
        for state in np.flatnonzero(np.bincount(flags, minlength=states)):
            table[:, state] = np.bincount(group[flags == state], minlength=size)
    del flags

    def tally(required: int) -> np.ndarray:
        """Rows whose flags include every bit of `required`, per group."""
        return table[:, [s for s in range(states) if s & required == required]].sum(axis=1).astype(np.int64)

    columns: dict[str, object] = {
        "offered": tally(0),
        "handled": tally(_ANSWERED),
        "abandoned": tally(_ABANDONED),
        "abandoned_short": tally(_ABANDONED | _SHORT),
        "answered_within_sl": tally(_ANSWERED | _WITHIN),
        "abandoned_within_sl": tally(_ABANDONED | _WITHIN),
    }
    answered_bins = None
    for column, name in (("wait_s", "queue_s"), *((name, name) for name in _SECONDS)):
        if name in totals:
            columns[column] = totals[name][:size]
            continue
        if answered_bins is None:
            answered_bins = np.where(answered, group, size)
        columns[column] = _group_sum(contacts[name], answered_bins, size)
    if outcome is not None:
        columns["sales"] = tally(_SALE)
    if "resolved" in contacts.columns:
        columns["resolved_first_contact"] = tally(_RESOLVED | _ANSWERED)
    if outcome is not None and "amount" in contacts.columns:
        rows = np.flatnonzero((outcome == "payment").fillna(False).to_numpy(dtype=bool))
        amount = pd.Series(contacts["amount"].array[rows], copy=False)  # the payments only
        columns["collected_amount"] = _group_sum(amount, group[rows], size)
    return columns


def _take(values: object, used: np.ndarray) -> object:
    """The used groups of one column (numpy array or exact Series)."""
    if isinstance(values, pd.Series):
        return values.iloc[used].reset_index(drop=True)
    return np.asarray(values)[used]


def _frame(columns: dict[str, object], group_keys: np.ndarray, unpack: dict[str, object], freq: Frequency,
           holidays: Collection[date] | None) -> pd.DataFrame:
    """The activity table: group keys unpacked into date (, interval_start), supplier and service."""
    size = len(group_keys)
    rest, service_of = np.divmod(group_keys, unpack["n_serv"])
    rest, supplier_of = np.divmod(rest, unpack["n_sup"])
    day_of, slot_of = np.divmod(rest, unpack["slots"])

    def names(values: pd.Index, codes: np.ndarray) -> np.ndarray:
        return np.asarray(values, dtype=object)[codes] if size else np.array([], dtype=object)

    result = pd.DataFrame({
        "date": ((day_of + unpack["first_day"]) * unpack["day_ns"]).astype("datetime64[ns]"),
        **({"interval_start": [f"{m // 60:02d}:{m % 60:02d}" for m in (slot_of * unpack["step"]).tolist()]}
           if freq != "D" else {}),
        "supplier": names(unpack["suppliers"], supplier_of),
        "service": names(unpack["services"], service_of),
    })
    for name, values in columns.items():
        result[name] = values.reset_index(drop=True) if isinstance(values, pd.Series) else values
    if holidays is not None:
        result["day_type"] = day_type(result["date"].to_numpy(), frozenset(holidays))
    keys = ["date", "interval_start", "supplier", "service"] if freq != "D" else ["date", "supplier", "service"]
    return result.sort_values(keys, kind="stable").reset_index(drop=True)


def distinct_customers(contacts: pd.DataFrame) -> int:
    """Distinct customer_id over the given contact records (blank ids not counted): the `customer`
    billable unit of a period — count it on the period's contacts, not by summing daily counts."""
    if "customer_id" not in contacts.columns:
        raise KeyError("contact records have no customer_id column")
    return int(contacts["customer_id"].nunique(dropna=True))


#: Activity columns that add up across the intervals of a day.
ADDITIVE_ACTIVITY_COLUMNS = (
    "offered", "handled", "abandoned", "abandoned_short", "answered_within_sl", "abandoned_within_sl", "wait_s",
    "talk_s", "hold_s", "acw_s", "logged_s", "aux_s", "sales", "resolved_first_contact", "collected_amount",
    "placed_amount",
)


def intervals_by_day(intervals: pd.DataFrame) -> pd.DataFrame:
    """Interval rows summed per date, supplier and service (counts and seconds add; averages weighted by
    handled contacts)."""
    keys = ["date", "supplier", "service"]
    additive = [c for c in intervals.columns if c in ADDITIVE_ACTIVITY_COLUMNS]
    grouped = intervals.groupby(keys, sort=True, dropna=False)
    out = grouped[additive].sum(min_count=1) if additive else grouped.size().to_frame("rows")
    for col in ("qa_score", "csat"):
        if col in intervals.columns and "handled" in intervals.columns:
            weights = intervals["handled"].astype("int64")
            scores = intervals[col].map(lambda v: v if pd.notna(v) else None)
            weighted = pd.Series([s * w if s is not None else None for s, w in zip(scores, weights, strict=True)],
                                 index=intervals.index)
            frame = pd.DataFrame({"w": weighted, "h": weights.where(scores.notna(), 0)})
            frame[keys] = intervals[keys]
            sums = frame.groupby(keys, sort=True, dropna=False).agg(w=("w", "sum"), h=("h", "sum"))
            out[col] = [w / h if h else None for w, h in zip(sums["w"], sums["h"], strict=True)]
    if "sl_threshold_s" in intervals.columns:
        out["sl_threshold_s"] = grouped["sl_threshold_s"].first()
    return out.reset_index()


def daily_activity(contacts: pd.DataFrame, rows: pd.DataFrame, *, threshold_s: float | int,
                   short_abandon_s: float | int) -> pd.DataFrame:
    """The one derivation of daily activity: one row per day from contact records (`to_activity` at the
    given thresholds), interval rows (summed per day) and daily rows, whichever a service has."""
    parts = []
    if not contacts.empty:
        parts.append(to_activity(contacts, threshold_s=threshold_s, short_abandon_s=short_abandon_s))
    if not rows.empty:
        if "interval_start" in rows.columns and rows["interval_start"].notna().any():
            parts.append(intervals_by_day(rows[rows["interval_start"].notna()]))
            rows = rows[rows["interval_start"].isna()]
        if not rows.empty:
            parts.append(rows.drop(columns=[c for c in ("interval_start", "utc_offset") if c in rows]))
    if not parts:
        return pd.DataFrame(columns=["date", "supplier", "service"])
    out = pd.concat([p.drop(columns=["_file", "_row"], errors="ignore") for p in parts], ignore_index=True)
    return out.sort_values("date", kind="stable").reset_index(drop=True)
