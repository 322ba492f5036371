"""The one churn rule (`ccanalysis.churn.churned_by`), at the edges of the window, by hand."""

from datetime import date

import pandas as pd

from ccanalysis.churn import churned_by


def test_churn_on_day_n_minus_1_and_n_is_churned_n_plus_1_is_not():
    contact = date(2026, 9, 1)  # day 0; the window is 30 days: day 30 is 2026-10-01
    churn = pd.Series([date(2026, 9, 30), date(2026, 10, 1), date(2026, 10, 2), None, pd.NaT])
    days = pd.Series([contact] * 5)
    assert list(churned_by(churn, days, 30)) == [True, True, False, False, False]


def test_a_timestamp_day_and_a_text_date_read_alike():
    churn = pd.Series(["2026-09-10", ""])
    days = pd.to_datetime(pd.Series(["2026-09-01 18:30", "2026-09-01 09:00"])).dt.normalize()
    assert list(churned_by(churn, days, 9)) == [True, False]  # 1 Sep + 9 days = 10 Sep: churned that day
