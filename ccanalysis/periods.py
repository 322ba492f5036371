"""Months, billing periods, day classes, working days and holiday calendars: the one place for calendars.

A month is written `YYYY-MM` (`MONTH_PATTERN`); a range of months `A..B` (inclusive). A billing period is
named by its end month: the calendar month, or with a cut-off day C from the day after C of the previous
month to C of the month. A date has exactly one day class (holiday first, then saturday, sunday,
weekday); a working day is a weekday that is not a holiday. Holidays come from the `holidays` package for
an engagement's country and optional subdivision (`ES`, `ES-MD`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass

import numpy as np

from ccanalysis.errors import UsageError

#: The one pattern of a month, `YYYY-MM`.
MONTH_PATTERN = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
#: Day classes of `applies_to.days`; a date has exactly one, holiday first.
DAY_CLASSES: tuple[str, ...] = ("weekday", "saturday", "sunday", "holiday")


def parse_month(month: object) -> tuple[int, int]:
    """`YYYY-MM` → (year, month); UsageError (a ValueError) otherwise."""
    if not isinstance(month, str) or not MONTH_PATTERN.match(month):
        raise UsageError(f"month must be YYYY-MM, got {month!r}")
    return int(month[:4]), int(month[5:])


def month_name(year: int, month: int) -> str:
    """The month as YYYY-MM."""
    return f"{year:04d}-{month:02d}"


def next_month(month: str) -> str:
    """The month after `month`, both YYYY-MM."""
    year, mon = parse_month(month)
    return month_name(year + 1, 1) if mon == 12 else month_name(year, mon + 1)


def previous_month(month: str) -> str:
    """The month before `month`, both YYYY-MM."""
    year, mon = parse_month(month)
    return month_name(year - 1, 12) if mon == 1 else month_name(year, mon - 1)


def month_of(day: dt.date) -> str:
    """The calendar month of `day` as YYYY-MM."""
    return month_name(day.year, day.month)


def parse_months(text: str) -> list[str]:
    """`2026-08` or an inclusive range `2026-08..2026-10` (as given to `--month`) → the months, in order;
    UsageError otherwise."""
    first, sep, last = text.partition("..")
    last = last if sep else first
    for month in (first, last):
        if not MONTH_PATTERN.match(month):
            raise UsageError(f"--month takes YYYY-MM or YYYY-MM..YYYY-MM, got {text!r}")
    if last < first:
        raise UsageError(f"--month range {text!r} ends before it starts")
    months = [first]
    while months[-1] < last:
        months.append(next_month(months[-1]))
    return months


def month_days(month: str) -> tuple[dt.date, dt.date]:
    """First and last day of a calendar month."""
    year, mon = parse_month(month)
    return dt.date(year, mon, 1), dt.date(year, mon, calendar.monthrange(year, mon)[1])


# ------------------------------------------------------------------------------------------ billing periods

@dataclass(frozen=True)
class BillingPeriod:
    """One billing period: named by its end month, inclusive dates."""

    month: str
    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        """The number of days in the period, start and end inclusive."""
        return (self.end - self.start).days + 1

    def dates(self) -> list[dt.date]:
        """Every date of the period, start to end inclusive."""
        return [self.start + dt.timedelta(days=i) for i in range(self.days)]


def billing_period(month: str, cutoff_day: int | None = None) -> BillingPeriod:
    """The billing period named `month` (YYYY-MM): a calendar month, or with `cutoff_day` = 25 the 26th of
    the previous month to the 25th of `month`."""
    year, mon = parse_month(month)
    if cutoff_day is None:
        return BillingPeriod(month, *month_days(month))
    prev_year, prev_mon = parse_month(previous_month(month))
    return BillingPeriod(month, dt.date(prev_year, prev_mon, cutoff_day) + dt.timedelta(days=1),
                         dt.date(year, mon, cutoff_day))


def period_containing(day: dt.date, cutoff_day: int | None = None) -> BillingPeriod:
    """The billing period a date belongs to."""
    if cutoff_day is None or day.day <= cutoff_day:
        return billing_period(month_of(day), cutoff_day)
    return billing_period(next_month(month_of(day)), cutoff_day)


# ------------------------------------------------------------------------------------------ day classes

def as_days(dates: object) -> np.ndarray:
    """Dates (date objects, ISO strings, datetime64, Timestamps) as datetime64[D]; a datetime counts as
    the date it starts on."""
    array = np.asarray(dates)
    if array.dtype.kind == "M":
        return array.astype("datetime64[D]")
    if array.dtype.kind != "O":
        return array.astype("datetime64[D]")
    uniques, inverse = np.unique(array, return_inverse=True)  # convert each distinct date once
    converted = np.array([np.datetime64(d.date() if isinstance(d, dt.datetime) else d, "D") for d in uniques],
                         dtype="datetime64[D]")
    return converted[inverse.reshape(array.shape)]


def day_class(dates: object, holidays: Collection[dt.date] | None) -> np.ndarray:
    """Each date's one class: "holiday" (engagement calendar) first, else "saturday", "sunday", "weekday"."""
    days = as_days(dates)
    weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    holiday_days = np.array(sorted(holidays or ()), dtype="datetime64[D]")
    classes = np.full(days.shape, "weekday", dtype="<U8")
    classes[weekday == 5] = "saturday"
    classes[weekday == 6] = "sunday"
    if holiday_days.size:
        classes[np.isin(days, holiday_days)] = "holiday"
    return classes


def day_type(dates: object, holidays: Collection[dt.date] | None) -> np.ndarray:
    """Each date as "holiday", "weekend" (saturday or sunday) or "weekday"."""
    classes = day_class(dates, holidays)
    return np.where((classes == "saturday") | (classes == "sunday"), "weekend", classes).astype(object)


def working_days_between(start: dt.date, end: dt.date, holidays: Collection[dt.date] = ()) -> int:
    """Working days (Monday to Friday, not holidays) from `start` to `end` inclusive."""
    if end < start:
        return 0
    days = np.arange(np.datetime64(start, "D"), np.datetime64(end, "D") + 1)
    return int((day_class(days, frozenset(holidays)) == "weekday").sum())


def working_days(month: str, holidays: Iterable[dt.date] = ()) -> int:
    """Monday-to-Friday days of a calendar month (`YYYY-MM`) that are not holidays."""
    first, last = month_days(month)
    return working_days_between(first, last, frozenset(_as_date(h) for h in holidays))


def _as_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


# ------------------------------------------------------------------------------------------ holidays

def holiday_calendar(country: str, years: Iterable[int]) -> frozenset[dt.date]:
    """Public holidays of a country (`ES`) or subdivision (`ES-MD`) in the given years."""
    import holidays as holiday_calendars

    code, _, subdivision = country.partition("-")
    found = holiday_calendars.country_holidays(code, subdiv=subdivision or None, years=sorted(set(years)))
    return frozenset(found.keys())
