"""Month-to-date cost (devengo): the expected charges rated on activity up to each day.

Tiers make cost non-linear in volume, so the cost of a day is the month-to-date cost at its end less the
month-to-date cost the day before, each rated with the contract's engine (periodic charges prorated to
date). SLA adjustments and the minimum commitment are settled at the close and are not accrued daily.
Pure: the rating up to a day is passed in as a function (`workbook.accrual` wires the contract's).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import pandas as pd

from .money import ZERO


def daily_cost(start: date, last: date | None, charges_to_date: Callable[[date], Decimal]) -> pd.DataFrame:
    """One row per day from `start` (the billing period's first day) to `last` (the last day with activity;
    None: no rows): date, cost (Decimal, the day's share), cumulative (Decimal, `charges_to_date(day)`)."""
    rows = []
    previous = ZERO
    day = start
    while last is not None and day <= last:
        cumulative = charges_to_date(day)
        rows.append({"date": pd.Timestamp(day), "cost": cumulative - previous, "cumulative": cumulative})
        previous = cumulative
        day += timedelta(days=1)
    return pd.DataFrame(rows, columns=["date", "cost", "cumulative"])


def last_activity_day(activity: pd.DataFrame, contacts: pd.DataFrame, supplier: str, start: date,
                      end: date) -> date | None:
    """The last day from `start` to `end` inclusive with an activity row (`date`) or a contact record
    (`start`) of the supplier; None when there is none."""
    days = []
    if not activity.empty:
        rows = activity[(activity["supplier"] == supplier) & (activity["date"] >= pd.Timestamp(start))
                        & (activity["date"] <= pd.Timestamp(end))]
        if not rows.empty:
            days.append(rows["date"].max().date())
    if not contacts.empty:
        rows = contacts[(contacts["supplier"] == supplier) & (contacts["start"] >= pd.Timestamp(start))
                        & (contacts["start"] < pd.Timestamp(end) + pd.Timedelta(days=1))]
        if not rows.empty:
            days.append(rows["start"].max().date())
    return max(days) if days else None


def total(frame: pd.DataFrame) -> Decimal:
    """The month-to-date charges at the last day of a `daily_cost` frame (0 without rows)."""
    return frame["cumulative"].iloc[-1] if not frame.empty else ZERO
