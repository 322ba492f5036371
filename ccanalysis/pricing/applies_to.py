"""The `applies_to` filter of a charge (pricing.md): which rows (intervals, contacts or days) it counts,
by day class and hours of the day."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Mapping
from typing import Any

import numpy as np

from ccanalysis.errors import ContractError
from ccanalysis.periods import DAY_CLASSES, as_days, day_class

MINUTES_PER_DAY = 24 * 60
_HOURS_PATTERN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def parse_hours(hours: object) -> tuple[int, int]:
    """"HH:MM-HH:MM" → (start, end) in minutes since midnight; end may be 24:00; start > end wraps."""
    match = _HOURS_PATTERN.match(hours) if isinstance(hours, str) else None
    if match is None:
        raise ValueError(f"applies_to.hours: must look like \"22:00-08:00\", got {hours!r}")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    for hour, minute in ((h1, m1), (h2, m2)):
        if minute > 59 or hour > 24 or (hour == 24 and minute):
            raise ValueError(f"applies_to.hours: {hour:02d}:{minute:02d} is not a time of day in {hours!r}")
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if start == MINUTES_PER_DAY:
        raise ValueError(f"applies_to.hours: the window cannot start at 24:00 in {hours!r}")
    if start == end % (MINUTES_PER_DAY):
        raise ValueError(f"applies_to.hours: start and end are the same time in {hours!r}")
    return start, end



def _time_to_seconds(value: object) -> int:
    if isinstance(value, dt.datetime):
        value = value.time()
    if isinstance(value, dt.time):
        return value.hour * 3600 + value.minute * 60 + value.second
    if isinstance(value, str):
        pieces = value.strip().split(":")
        if len(pieces) in (2, 3) and all(p.isdigit() for p in pieces):
            hour, minute, second = (int(p) for p in (*pieces, "0")[:3])
            if hour < 24 and minute < 60 and second < 60:
                return hour * 3600 + minute * 60 + second
    raise ValueError(f"times: expected a time of day such as \"08:30\", got {value!r}")


def _seconds_of_day(times: object, size: int) -> np.ndarray:
    array = np.asarray(times)
    if array.shape != (size,):
        raise ValueError(f"times: expected {size} times, one per date, got shape {array.shape}")
    if array.dtype.kind == "M":
        return (array - array.astype("datetime64[D]")).astype("timedelta64[s]").astype(np.int64)
    if array.dtype.kind == "m":
        return array.astype("timedelta64[s]").astype(np.int64)
    uniques, inverse = np.unique(array.astype(object) if array.dtype.kind == "O" else array, return_inverse=True)
    converted = np.array([_time_to_seconds(v) for v in uniques], dtype=np.int64)
    return converted[inverse.reshape(size)]


def applies_to_mask(dates: object, applies_to: Mapping[str, Any] | None,
                    holidays: Collection[dt.date] | None, times: object = None,
                    interval_minutes: int | None = None) -> np.ndarray:
    """Which rows (intervals, contacts or days) a charge's `applies_to` counts: days AND hours.

    A row belongs to the date and time it starts. `times` are start times of day (for interval rows
    or contact records); `hours` without times (daily data) is an error, and with interval data its
    limits must fall on interval boundaries. No applies_to: every row counts.
    """
    days = as_days(dates)
    mask = np.ones(days.shape, dtype=bool)
    if not applies_to:
        return mask
    if applies_to.get("days"):
        mask &= np.isin(day_class(days, holidays), list(applies_to["days"]))
    if applies_to.get("hours") is not None:
        start, end = parse_hours(applies_to["hours"])
        if times is None:
            raise ContractError("applies_to.hours: needs interval data or contact records; the activity is daily",
                                "applies_to.hours")
        if interval_minutes is not None:
            for limit in (start, end):
                if limit % interval_minutes:
                    raise ContractError(f"applies_to.hours: {limit // 60:02d}:{limit % 60:02d} does not fall on "
                                        f"a {interval_minutes}-minute interval boundary", "applies_to.hours")
        seconds = _seconds_of_day(times, days.shape[0])
        start_s, end_s = start * 60, end * 60
        if start_s < end_s:
            in_hours = (seconds >= start_s) & (seconds < end_s)
        else:  # wraps midnight, e.g. 22:00-08:00
            in_hours = (seconds >= start_s) | (seconds < end_s)
        mask &= in_hours
    return mask


#: Keys of `applies_to` that restrict contact records by a column of their own (collections: the debt age
#: of a payment in days, the account's segment), beside the calendar ones (days, hours).
RECORD_KEYS = ("debt_age_days", "segments")
APPLIES_TO_KEYS = ("days", "hours", *RECORD_KEYS)


def record_mask(records: object, applies_to: Mapping[str, Any] | None) -> np.ndarray:
    """Which contact records the record keys of `applies_to` count: `debt_age_days: {from: A, to: B}`
    (inclusive, either end open) on the records' `debt_age_days`, `segments: [...]` on their `segment`.
    A charge that restricts by a column the records lack is a ContractError naming the key."""
    import pandas as pd

    frame = records if isinstance(records, pd.DataFrame) else pd.DataFrame(records)
    mask = np.ones(len(frame), dtype=bool)
    if not applies_to:
        return mask
    if applies_to.get("debt_age_days") is not None:
        if "debt_age_days" not in frame.columns:
            raise ContractError("applies_to.debt_age_days: needs collections data (placements and payments) "
                                "for the service", "applies_to.debt_age_days")
        band = applies_to["debt_age_days"]
        ages = pd.to_numeric(frame["debt_age_days"], errors="coerce").to_numpy(dtype=float)
        inside = ~np.isnan(ages)
        if band.get("from") is not None:
            inside &= ages >= float(band["from"])
        if band.get("to") is not None:
            inside &= ages <= float(band["to"])
        mask &= inside
    if applies_to.get("segments"):
        if "segment" not in frame.columns:
            raise ContractError("applies_to.segments: needs collections data with a segment per account",
                                "applies_to.segments")
        mask &= frame["segment"].isin(list(applies_to["segments"])).to_numpy(dtype=bool)
    return mask


def check_applies_to(applies_to: object) -> None:
    """A charge's `applies_to`: days (day classes) and/or hours ("HH:MM-HH:MM"), and for collections
    `debt_age_days: {from, to}` (whole days, inclusive) and/or `segments: [...]`."""
    if not isinstance(applies_to, Mapping) or not applies_to:
        raise ValueError("applies_to: must be a mapping with days and/or hours")
    for key in applies_to:
        if key not in APPLIES_TO_KEYS:
            raise ValueError(f"applies_to: unknown key {key!r} (allowed: {', '.join(APPLIES_TO_KEYS)})")
    if "debt_age_days" in applies_to:
        band = applies_to["debt_age_days"]
        if not isinstance(band, Mapping) or not band or set(band) - {"from", "to"}:
            raise ValueError("applies_to.debt_age_days: expected {from: DAYS, to: DAYS} (either may be left out), "
                             f"got {band!r}")
        for key in ("from", "to"):
            value = band.get(key)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                raise ValueError(f"applies_to.debt_age_days.{key}: expected whole days ≥ 0, got {value!r}")
        if band.get("from") is not None and band.get("to") is not None and band["from"] > band["to"]:
            raise ValueError(f"applies_to.debt_age_days: from ({band['from']}) is after to ({band['to']})")
    if "segments" in applies_to:
        segments = applies_to["segments"]
        if not isinstance(segments, list) or not segments or not all(isinstance(x, str) and x for x in segments):
            raise ValueError(f"applies_to.segments: expected a list of segment names, got {segments!r}")
    if "days" in applies_to:
        days = applies_to["days"]
        if not isinstance(days, list) or not days:
            raise ValueError(f"applies_to.days: must be a non-empty list of {', '.join(DAY_CLASSES)}")
        for index, day in enumerate(days):
            if day not in DAY_CLASSES:
                raise ValueError(f"applies_to.days[{index}]: unknown day class {day!r} "
                                 f"(allowed: {', '.join(DAY_CLASSES)})")
    if "hours" in applies_to:
        parse_hours(applies_to["hours"])
