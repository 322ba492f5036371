"""periods: months, billing periods, day classes, working days and holiday calendars."""

from datetime import date

import pytest

from ccanalysis import periods


def test_month_pattern_and_parse():
    assert periods.parse_month("2026-08") == (2026, 8)
    for bad in ("2026-13", "2026-8", "26-08", "2026-08-01", None):
        with pytest.raises(ValueError, match="YYYY-MM"):
            periods.parse_month(bad)


def test_month_ranges():
    assert periods.parse_months("2026-08") == ["2026-08"]
    assert periods.parse_months("2026-11..2027-02") == ["2026-11", "2026-12", "2027-01", "2027-02"]
    with pytest.raises(ValueError, match="ends before it starts"):
        periods.parse_months("2026-10..2026-08")
    with pytest.raises(ValueError, match="YYYY-MM"):
        periods.parse_months("2026-08..2026-1")


def test_next_and_previous_month_cross_the_year():
    assert periods.next_month("2026-12") == "2027-01"
    assert periods.previous_month("2026-01") == "2025-12"


def test_calendar_billing_period():
    period = periods.billing_period("2026-02")
    assert (period.start, period.end, period.days) == (date(2026, 2, 1), date(2026, 2, 28), 28)


def test_billing_period_with_cutoff():
    # cut-off 25: 26 Dec 2025 .. 25 Jan 2026 = 6 + 25 = 31 days
    period = periods.billing_period("2026-01", 25)
    assert (period.start, period.end, period.days) == (date(2025, 12, 26), date(2026, 1, 25), 31)
    assert periods.period_containing(date(2026, 1, 26), 25).month == "2026-02"
    assert periods.period_containing(date(2026, 1, 25), 25).month == "2026-01"
    assert periods.period_containing(date(2026, 12, 30), 25).month == "2027-01"


def test_day_classes_holiday_first():
    # 2026-08-15 is a Saturday and a holiday; 2026-08-16 Sunday; 2026-08-17 Monday
    classes = periods.day_class([date(2026, 8, 15), date(2026, 8, 16), date(2026, 8, 17), date(2026, 8, 22)],
                                {date(2026, 8, 15)})
    assert list(classes) == ["holiday", "sunday", "weekday", "saturday"]
    types = periods.day_type([date(2026, 8, 15), date(2026, 8, 16), date(2026, 8, 17)], {date(2026, 8, 15)})
    assert list(types) == ["holiday", "weekend", "weekday"]


def test_working_days():
    # August 2026: 31 days, 10 weekend days (1-2, 8-9, 15-16, 22-23, 29-30) → 21 weekdays; the 15th is a Saturday
    assert periods.working_days("2026-08") == 21
    assert periods.working_days("2026-08", [date(2026, 8, 14)]) == 20
    assert periods.working_days_between(date(2026, 8, 3), date(2026, 8, 9)) == 5
    assert periods.working_days_between(date(2026, 8, 9), date(2026, 8, 3)) == 0


def test_holiday_calendar_country_and_subdivision():
    national = periods.holiday_calendar("ES", [2026])
    assert date(2026, 10, 12) in national  # Fiesta Nacional de España
    madrid = periods.holiday_calendar("ES-MD", [2026])
    assert date(2026, 5, 2) in madrid and date(2026, 5, 2) not in national  # Día de la Comunidad de Madrid
