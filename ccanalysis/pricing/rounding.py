"""Per-contact rounding of minute charges (pricing.md "rounding"): billable seconds per contact, vectorised
with NumPy, and the period's billable minutes."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import numpy as np

from ccanalysis.pricing.base import check_whole

ROUNDING_KEYS = ("increment_s", "minimum_s", "first_free_s", "acw_cap_s")
SECONDS_PER_MINUTE = 60

#: Contacts processed per block: small enough for the working buffers to stay in the CPU cache.
_BLOCK = 1 << 15
#: Below this (2**29 s), three values and any rounding can be added in int32 without overflow.
_NARROW_LIMIT = 1 << 29
#: Totals below this (about 18 hours) are rounded through a look-up table.
_TABLE_SIZE = 1 << 16


def _rounding_table(increment: int, minimum: int, lowest_billed: int) -> np.ndarray:
    """Billable seconds for every total from 0 to _TABLE_SIZE − 1 seconds (int64)."""
    totals = np.arange(_TABLE_SIZE, dtype=np.int64)
    rounded = -(-np.maximum(totals, minimum) // increment) * increment
    return np.where(totals >= lowest_billed, rounded, 0)


def _rounding_values(rounding: Mapping[str, Any] | None) -> tuple[int, int, int, int | None]:
    rounding = rounding or {}
    for key in rounding:
        if key not in ROUNDING_KEYS:
            raise ValueError(f"rounding: unknown key {key!r} (allowed: {', '.join(ROUNDING_KEYS)})")
    increment = check_whole(rounding.get("increment_s", 1), "rounding.increment_s", minimum=1)
    minimum = check_whole(rounding.get("minimum_s", 0), "rounding.minimum_s")
    first_free = check_whole(rounding.get("first_free_s", 0), "rounding.first_free_s")
    cap = rounding.get("acw_cap_s")
    acw_cap = None if cap is None else check_whole(cap, "rounding.acw_cap_s")
    return increment, minimum, first_free, acw_cap


def _seconds_array(values: object, name: str, size: int | None) -> np.ndarray:
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{name}: must be a one-dimensional array of seconds")
    if size is not None and array.shape[0] != size:
        raise ValueError(f"{name}: has {array.shape[0]} contacts, expected {size}")
    if array.dtype.kind not in "iuf":
        raise ValueError(f"{name}: must hold numbers of seconds, got dtype {array.dtype}")
    return array


def billable_seconds(talk_s: object, hold_s: object, acw_s: object, handled: object,
                     rounding: Mapping[str, Any] | None) -> np.ndarray:
    """Billable seconds per contact (int64) under a charge's per-contact `rounding` (pricing.md).

    0 for a contact not handled (abandoned contacts are never billed), with 0 seconds, or shorter than
    first_free_s; else talk + hold + ACW (ACW capped at acw_cap_s), raised to minimum_s, rounded up to
    a multiple of increment_s. Inputs are arrays of whole seconds; fractional seconds are accepted and
    each contact's total (after the ACW cap) is first rounded up to the next whole second (totals are
    taken to the microsecond first, so float noise such as 30.000000000000004 stays 30).
    For talk_minute charges pass zeros as hold_s and acw_s.
    """
    increment, minimum, first_free, acw_cap = _rounding_values(rounding)
    handled_array = np.asarray(handled)
    if handled_array.ndim != 1:
        raise ValueError("handled: must be a one-dimensional array of booleans")
    if handled_array.dtype != bool:
        if handled_array.dtype.kind not in "iub":
            raise ValueError(f"handled: must hold booleans, got dtype {handled_array.dtype}")
        handled_array = handled_array.astype(bool)
    size = handled_array.shape[0]
    inputs = {name: _seconds_array(values, name, size)
              for name, values in (("talk_s", talk_s), ("hold_s", hold_s), ("acw_s", acw_s))}
    fractional = any(a.dtype.kind == "f" for a in inputs.values())
    # Whole seconds of at most 32 bits are summed in int32 buffers (twice the SIMD lanes) when every
    # value of the block is small enough that nothing can overflow; otherwise int64.
    narrow = (not fractional and all(a.dtype.itemsize <= 4 for a in inputs.values())
              and max(minimum, increment, first_free) < _NARROW_LIMIT)
    cap = None if acw_cap is None else min(acw_cap, _NARROW_LIMIT)
    lowest_billed = max(first_free, 1)  # seconds > 0 and not shorter than first_free_s
    out = np.empty(size, dtype=np.int64)
    block = min(_BLOCK, max(size, 1))
    buffers = {dtype: (np.empty(block, dtype=dtype), np.empty(block, dtype=dtype))
               for dtype in (np.int32, np.int64, np.float64)}
    billed_buffer = np.empty(block, dtype=bool)
    table: np.ndarray | None = None
    for start in range(0, size, block):
        stop = min(start + block, size)
        n = stop - start
        billed = billed_buffer[:n]
        chunks = [inputs[name][start:stop] for name in ("talk_s", "hold_s", "acw_s")]
        is_handled = handled_array[start:stop]
        largest = 0
        for name, chunk in zip(("talk_s", "hold_s", "acw_s"), chunks, strict=True):
            if fractional and chunk.dtype.kind == "f" and np.isnan(chunk).any():
                if (np.isnan(chunk) & is_handled).any():
                    raise ValueError(f"{name}: missing seconds on a handled contact")
            if chunk.dtype.kind != "u" and chunk.min() < 0:
                raise ValueError(f"{name}: seconds must not be negative")
            if narrow:
                largest += int(chunk.max())  # bounds the block's largest total
        if narrow and largest < _TABLE_SIZE:
            # Billable seconds as a function of the total: one table look-up per contact.
            if table is None:
                table = _rounding_table(increment, minimum, lowest_billed)
            total = buffers[np.int32][0][:n]
            np.add(chunks[0], chunks[1], out=total, casting="unsafe")
            if cap is None:
                np.add(total, chunks[2], out=total, casting="unsafe")
            else:
                part = buffers[np.int32][1][:n]
                np.minimum(chunks[2], cap, out=part, casting="unsafe")
                np.add(total, part, out=total)
            np.multiply(total, is_handled, out=total)  # not handled → total 0 → never billed
            np.take(table, total, out=out[start:stop], mode="clip")
            continue
        if fractional:
            total, part = buffers[np.float64]
        elif narrow and largest < _NARROW_LIMIT:
            total, part = buffers[np.int32]
        else:
            total, part = buffers[np.int64]
        total, part = total[:n], part[:n]
        talk, hold, acw = chunks
        np.add(talk, hold, out=total, casting="unsafe")
        if cap is None:
            np.add(total, acw, out=total, casting="unsafe")
        else:
            np.minimum(acw, cap if not fractional else float(acw_cap), out=part, casting="unsafe")
            np.add(total, part, out=total)
        if fractional:
            np.nan_to_num(total, copy=False, nan=0.0)
            np.round(total, 6, out=total)
            np.ceil(total, out=total)
            seconds = total.astype(np.int64)
        else:
            seconds = total
        np.greater_equal(seconds, lowest_billed, out=billed)
        np.logical_and(billed, is_handled, out=billed)
        if minimum:
            np.maximum(seconds, minimum, out=seconds)
        if increment > 1:
            seconds += increment - 1
            seconds //= increment
            seconds *= increment
        np.multiply(seconds, billed, out=out[start:stop])
    return out


def billable_minutes(talk_s: object, hold_s: object, acw_s: object, handled: object,
                     rounding: Mapping[str, Any] | None) -> Decimal:
    """The period's billable minutes: Σ billable_seconds / 60, exact (a Decimal)."""
    seconds = billable_seconds(talk_s, hold_s, acw_s, handled, rounding)
    return Decimal(int(seconds.sum(dtype=np.int64))) / SECONDS_PER_MINUTE



def check_rounding(rounding: object) -> None:
    """A charge's `rounding` mapping: known keys, whole seconds (increment_s ≥ 1, acw_cap_s may be null)."""
    if not isinstance(rounding, Mapping):
        raise ValueError(f"rounding: must be a mapping of {', '.join(ROUNDING_KEYS)}")
    for key, value in rounding.items():
        if key not in ROUNDING_KEYS:
            raise ValueError(f"rounding: unknown key {key!r} (allowed: {', '.join(ROUNDING_KEYS)})")
        if value is None and key == "acw_cap_s":
            continue
        check_whole(value, f"rounding.{key}", minimum=1 if key == "increment_s" else 0)
