"""Month-to-date cost day by day, on a hand-made rating function and tiny activity frames."""

from datetime import date
from decimal import Decimal

import pandas as pd

from ccanalysis import accrual


def test_daily_cost_is_the_month_to_date_cost_less_the_day_before():
    # a tiered price: 10.00 by the end of day 1, 25.00 by day 2, 27.50 by day 3
    to_date = {date(2026, 9, 1): Decimal("10.00"), date(2026, 9, 2): Decimal("25.00"),
               date(2026, 9, 3): Decimal("27.50")}
    frame = accrual.daily_cost(date(2026, 9, 1), date(2026, 9, 3), to_date.__getitem__)
    assert list(frame["cost"]) == [Decimal("10.00"), Decimal("15.00"), Decimal("2.50")]
    assert list(frame["cumulative"]) == [Decimal("10.00"), Decimal("25.00"), Decimal("27.50")]
    assert list(frame["date"]) == list(pd.to_datetime(["2026-09-01", "2026-09-02", "2026-09-03"]))
    assert accrual.total(frame) == Decimal("27.50")


def test_no_activity_no_rows():
    frame = accrual.daily_cost(date(2026, 9, 1), None, lambda day: Decimal(1))
    assert frame.empty and list(frame.columns) == ["date", "cost", "cumulative"]
    assert accrual.total(frame) == 0


def test_last_activity_day_of_the_supplier_in_the_period():
    activity = pd.DataFrame({"supplier": ["acme", "acme", "beta"],
                             "date": pd.to_datetime(["2026-09-03", "2026-10-01", "2026-09-20"])})
    contacts = pd.DataFrame({"supplier": ["acme", "acme"],
                             "start": pd.to_datetime(["2026-09-05 23:59", "2026-08-31 10:00"])})
    september = (date(2026, 9, 1), date(2026, 9, 30))
    assert accrual.last_activity_day(activity, contacts, "acme", *september) == date(2026, 9, 5)
    assert accrual.last_activity_day(activity, pd.DataFrame(), "acme", *september) == date(2026, 9, 3)
    assert accrual.last_activity_day(activity, contacts, "gamma", *september) is None
