"""The demo's calendar: days of the demo months with their day class, and the volume shapes over them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ccanalysis.demo.engagement import MONTHS
from ccanalysis.demo.size import base_months
from ccanalysis.periods import day_class, holiday_calendar, month_days, month_of

#: Volume factor of each day class, and of each weekday (Monday first), and of each month.
WEEKDAY_SHAPE = (1.12, 1.04, 1.00, 0.97, 0.90)
MONTH_FACTOR = {"2026-08": 0.88, "2026-09": 1.00, "2026-10": 1.03}

#: 30-minute slots 08:00-22:00 and their share of the day's contacts (peaks late morning and afternoon).
OPEN_FROM_H = 8
SLOTS = 28
_SLOT_WEIGHTS = np.array([2, 3, 5, 6, 7, 7, 7, 6, 5, 4, 4, 4, 5, 5, 5, 6, 6, 6, 5, 5, 4, 4, 3, 3, 2, 2, 2, 1],
                         dtype=float)
SLOT_PROFILE = _SLOT_WEIGHTS / _SLOT_WEIGHTS.sum()


def demo_calendar(months: Sequence[str] = MONTHS) -> pd.DataFrame:
    """One row per date: date, month, weekday (0 = Monday) and day class (holiday, saturday, sunday, weekday).

    Holidays are Spain's national holidays (`periods.holiday_calendar("ES", …)`): 2026-08-15 (a Saturday,
    so class holiday) and 2026-10-12 (a Monday).
    """
    first, _ = month_days(months[0])
    _, last = month_days(months[-1])
    days = pd.date_range(first, last, freq="D")
    dates = [d.date() for d in days]
    weekday = days.day_of_week.to_numpy()
    day_classes = day_class(days.to_numpy(), holiday_calendar("ES", {d.year for d in dates}))
    return pd.DataFrame({"date": dates, "month": [month_of(d) for d in dates],
                         "weekday": weekday, "day_class": day_classes})


def volume_factor(cal: pd.DataFrame, day_factors: Mapping[str, float]) -> np.ndarray:
    """Relative volume per calendar day: day class × weekday shape × month factor (0 = closed)."""
    cls = cal["day_class"].map(day_factors).to_numpy(dtype=float)
    shape = np.where(cal["day_class"].to_numpy() == "weekday",
                     np.array(WEEKDAY_SHAPE + (1.0, 1.0))[cal["weekday"].to_numpy()], 1.0)
    month = pd.Series(base_months(cal["month"].tolist())).map(MONTH_FACTOR).to_numpy(dtype=float)
    return cls * shape * month
