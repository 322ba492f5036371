"""Month-to-date cost (devengo): the expected charges rated on activity up to each day.

Tiers make cost non-linear in volume, so the cost of a day is the month-to-date cost at its end less the
month-to-date cost the day before, each rated with the contract's engine (periodic charges prorated to
date). SLA adjustments and the minimum commitment are settled at the close and are not accrued daily.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

import pandas as pd

from .invoice import charges_to_date
from .money import ZERO

if TYPE_CHECKING:
    from .engagement import Engagement


def daily_cost(eng: Engagement, supplier: str, month: str) -> pd.DataFrame:
    """One row per day of the billing period up to the last day with activity:
    date, cost (Decimal, the day's share), cumulative (Decimal, month-to-date charges)."""
    period = eng.period(supplier, month)
    last = _last_activity_day(eng, supplier, period.start, period.end)
    rows = []
    previous = ZERO
    day = period.start
    while last is not None and day <= last:
        cumulative = charges_to_date(eng, supplier, month, day)
        rows.append({"date": pd.Timestamp(day), "cost": cumulative - previous, "cumulative": cumulative})
        previous = cumulative
        day += timedelta(days=1)
    return pd.DataFrame(rows, columns=["date", "cost", "cumulative"])


def _last_activity_day(eng: Engagement, supplier: str, start, end):
    days = []
    activity = eng.activity
    if not activity.empty:
        rows = activity[(activity["supplier"] == supplier) & (activity["date"] >= pd.Timestamp(start))
                        & (activity["date"] <= pd.Timestamp(end))]
        if not rows.empty:
            days.append(rows["date"].max().date())
    contacts = eng.contacts
    if not contacts.empty:
        rows = contacts[(contacts["supplier"] == supplier) & (contacts["start"] >= pd.Timestamp(start))
                        & (contacts["start"] < pd.Timestamp(end) + pd.Timedelta(days=1))]
        if not rows.empty:
            days.append(rows["start"].max().date())
    return max(days) if days else None


def total(frame: pd.DataFrame) -> Decimal:
    return frame["cumulative"].iloc[-1] if not frame.empty else ZERO
