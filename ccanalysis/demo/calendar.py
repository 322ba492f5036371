"""The demo's calendar: days of the demo months with their day class, and the volume shapes over them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

import holidays as holiday_calendars
import numpy as np
import pandas as pd

from ccanalysis.demo.engagement import MONTHS

#: Volume factor of each day class, and of each weekday (Monday first), and of each month.
WEEKDAY_SHAPE = (1.12, 1.04, 1.00, 0.97, 0.90)
MONTH_FACTOR = {"2026-08": 0.88, "2026-09": 1.00, "2026-10": 1.03}

#: 30-minute slots 08:00-22:00 and their share of the day's contacts (peaks late morning and afternoon).
OPEN_FROM_H = 8
SLOTS = 28
_SLOT_WEIGHTS = np.array([2, 3, 5, 6, 7, 7, 7, 6, 5, 4, 4, 4, 5, 5, 5, 6, 6, 6, 5, 5, 4, 4, 3, 3, 2, 2, 2, 1],
                         dtype=float)
SLOT_PROFILE = _SLOT_WEIGHTS / _SLOT_WEIGHTS.sum()


def month_bounds(month: str) -> tuple[date, date]:
    """First and last day of a `YYYY-MM` month."""
    start = date(int(month[:4]), int(month[5:7]), 1)
    nxt = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return start, nxt - timedelta(days=1)


def demo_calendar(months: Sequence[str] = MONTHS) -> pd.DataFrame:
    """One row per date: date, month, weekday (0 = Monday) and day class (holiday, saturday, sunday, weekday).

    Holidays are Spain's national holidays (`holidays.country_holidays("ES")`): 2026-08-15 (a Saturday,
    so class holiday) and 2026-10-12 (a Monday).
    """
    first, _ = month_bounds(months[0])
    _, last = month_bounds(months[-1])
    days = pd.date_range(first, last, freq="D")
    es = holiday_calendars.country_holidays("ES", years=sorted({d.year for d in days}))
    dates = [d.date() for d in days]
    weekday = days.day_of_week.to_numpy()
    is_holiday = np.array([d in es for d in dates])
    day_class = np.where(is_holiday, "holiday",
                         np.where(weekday == 5, "saturday", np.where(weekday == 6, "sunday", "weekday")))
    return pd.DataFrame({"date": dates, "month": [d.strftime("%Y-%m") for d in dates],
                         "weekday": weekday, "day_class": day_class})


def volume_factor(cal: pd.DataFrame, day_factors: Mapping[str, float]) -> np.ndarray:
    """Relative volume per calendar day: day class × weekday shape × month factor (0 = closed)."""
    cls = cal["day_class"].map(day_factors).to_numpy(dtype=float)
    shape = np.where(cal["day_class"].to_numpy() == "weekday",
                     np.array(WEEKDAY_SHAPE + (1.0, 1.0))[cal["weekday"].to_numpy()], 1.0)
    month = cal["month"].map(MONTH_FACTOR).to_numpy(dtype=float)
    return cls * shape * month
