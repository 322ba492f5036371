"""units: each billable unit from tiny hand-made data, the registry, and what a charge needs."""

from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from ccanalysis.errors import InputError
from ccanalysis.pricing import units
from ccanalysis.pricing.units import BillableUnit, Requirement, ServiceActivity, billable_units, requirements

D = Decimal
START, END = date(2026, 8, 1), date(2026, 8, 31)


def _rows(**columns):
    base = {"date": pd.to_datetime(["2026-08-03", "2026-08-04"]), "offered": [10, 20], "handled": [8, 18],
            "talk_s": [600, 1200], "hold_s": [60, 0], "acw_s": [120, 180], "logged_s": [7200, 10800]}
    base.update(columns)
    return pd.DataFrame(base)


def _contacts(**columns):
    base = {"contact_id": ["c1", "c2", "c3"], "start": pd.to_datetime(["2026-08-03 09:00", "2026-08-03 10:00",
                                                                       "2026-08-04 09:30"]),
            "answered": [True, False, True], "talk_s": [100, 0, 50], "hold_s": [20, 0, 0], "acw_s": [10, 0, 5],
            "customer_id": ["a", "b", "a"]}
    base.update(columns)
    return pd.DataFrame(base)


def _activity(rows=None, contacts=None):
    empty = pd.DataFrame()
    return ServiceActivity(contacts if contacts is not None else empty, rows if rows is not None else empty,
                           frozenset(), START, END)


def _value(unit, activity, **charge):
    return billable_units({"id": "x", "unit": unit, "model": "per_unit", "unit_price": 1, **charge}, activity,
                          active_days=31, period_days=31).units


@pytest.mark.parametrize(("unit", "expected"), [
    ("logged_hour", D(18000) / 3600),                      # (7200 + 10800) s
    ("productive_hour", D(600 + 60 + 120 + 1200 + 180) / 3600),
    ("productive_minute", D(2160) / 60),                   # 36 minutes
    ("talk_minute", D(1800) / 60),
    ("handled_contact", D(26)),
    ("offered_contact", D(30)),
])
def test_units_from_activity_rows(unit, expected):
    assert _value(unit, _activity(rows=_rows())) == expected


def test_effective_hour_and_sale_need_their_columns():
    assert _value("effective_hour", _activity(rows=_rows(aux_s=[3600, 0]))) == D(14400) / 3600
    assert _value("sale", _activity(rows=_rows(sales=[2, 3]))) == 5
    with pytest.raises(InputError, match="`aux_s`"):
        _value("effective_hour", _activity(rows=_rows()))
    with pytest.raises(InputError, match="`sales`"):
        _value("sale", _activity(rows=_rows()))


def test_fte_divides_logged_hours_by_the_contract_hours():
    # 18,000 s = 5 h; 5 / 160 h per FTE
    assert _value("fte", _activity(rows=_rows()), fte_hours=160) == D(5) / 160


def test_units_from_contact_records():
    activity = _activity(contacts=_contacts())
    assert _value("handled_contact", activity) == 2
    assert _value("offered_contact", activity) == 3
    assert _value("productive_minute", activity) == D(100 + 20 + 10 + 50 + 5) / 60  # handled contacts only
    assert _value("talk_minute", activity) == D(150) / 60
    assert _value("customer", activity) == 2  # a, b: distinct over the period


def test_logged_time_cannot_come_from_contact_records():
    with pytest.raises(InputError, match="cannot be derived from contact records"):
        _value("logged_hour", _activity(contacts=_contacts()))


def test_customer_needs_contact_records_with_customer_id():
    with pytest.raises(InputError, match="distinct customer"):
        _value("customer", _activity(rows=_rows()))
    with pytest.raises(InputError, match="customer_id"):
        _value("customer", _activity(contacts=_contacts().drop(columns="customer_id")))


def test_rounded_minutes_per_contact():
    # minimum 60 s, increments of 30 s: c1 130 s → 150; c3 55 s → 60; c2 not handled → 0 → 210 s = 3.5 min
    minutes = _value("productive_minute", _activity(contacts=_contacts()),
                     rounding={"minimum_s": 60, "increment_s": 30})
    assert minutes == D("3.5")


def test_month_unit_prorates_by_active_days():
    charge = {"id": "m", "unit": "month", "model": "per_unit", "unit_price": 100}
    assert billable_units(charge, _activity(), active_days=10, period_days=31).units == D(10) / 31
    assert billable_units({**charge, "prorate": False}, _activity(), active_days=10, period_days=31).units == 1


def test_collected_amount_as_payment_events_in_time_order():
    contacts = _contacts(outcome=["payment", "payment", "payment"], amount=[30.0, None, 12.5])
    charge = {"id": "c", "unit": "collected_amount", "model": "percentage", "rate": "10%"}
    result = billable_units(charge, _activity(contacts=contacts), active_days=31, period_days=31)
    assert result.events == [D(30), D("12.5")] and result.fact.code == "payments"


def test_facts_say_the_source_and_scope():
    charge = {"id": "x", "unit": "handled_contact", "model": "per_unit", "unit_price": 1,
              "applies_to": {"days": ["weekday"]}}
    fact = billable_units(charge, _activity(rows=_rows()), active_days=31, period_days=31).fact
    assert fact.code == "units" and fact["source"] == "daily" and fact["days"] == ("weekday",)
    assert fact["value"] == 26


def test_registry_lookup_names_what_exists():
    with pytest.raises(ValueError, match=r"unknown unit 'minutes'.*productive_minute"):
        units.UNITS.get("minutes")
    assert "month" in units.UNITS.names() and len(units.UNITS.names()) == 14


def test_a_registered_unit_rates():
    def pages(charge, activity, active_days, period_days):
        return units.column_sum(activity, "pages")

    units.UNITS.register(BillableUnit("page", pages, row_columns=("pages",)))
    try:
        assert _value("page", _activity(rows=_rows(pages=[3, 4]))) == 7
        from ccanalysis.pricing import rate
        assert rate({"id": "p", "unit": "page", "model": "per_unit", "unit_price": "0.5"}, 7) == D("3.5")
    finally:
        units.UNITS.unregister("page")


def test_requirements_of_a_charge():
    assert requirements({"id": "e", "unit": "effective_hour", "model": "per_unit", "unit_price": 1}) == [
        Requirement("row_column", "effective_hour", "aux_s"), Requirement("not_from_contacts", "effective_hour")]
    assert requirements({"id": "c", "unit": "customer", "model": "per_unit", "unit_price": 1}) == [
        Requirement("contact_column", "customer", "customer_id"), Requirement("contact_records", "customer")]
    minutes = {"id": "m", "unit": "productive_minute", "model": "per_unit", "unit_price": 1,
               "rounding": {"increment_s": 6}, "applies_to": {"hours": "08:00-20:00"}}
    assert requirements(minutes) == [Requirement("contact_records", "rounding"),
                                     Requirement("sub_daily", "applies_to.hours")]
    capacity = {"id": "k", "model": "capacity", "dimensions": ["fte", "sale"], "fte_hours": 160,
                "tiers": [{"limits": {"fte": None, "sale": None}, "price": 1}]}
    assert [r.need for r in requirements(capacity)] == ["not_from_contacts", "row_column", "contact_column"]


# ------------------------------------------------------------------------------------------ every day at once

def _charge(unit, **keys):
    return {"id": "x", "unit": unit, "model": "per_unit", "unit_price": 1, **keys}


def _each_day(charge, activity):
    """billable_units on each day's records alone (the definition daily_values must give at once)."""
    out = {}
    for day in units.day_sources(activity):
        rows = activity.rows[activity.rows["date"].dt.date == day] if not activity.rows.empty else activity.rows
        contacts = (activity.contacts[activity.contacts["start"].dt.date == day] if not activity.contacts.empty
                    else activity.contacts)
        out[day] = billable_units(charge, activity.with_data(contacts, rows), active_days=31, period_days=31)
    return out


#: (unit, charge keys, records) for every unit that is a sum over records (`BillableUnit.amounts`)
ADDITIVE = [
    ("logged_hour", {}, "rows"), ("productive_hour", {}, "rows"), ("productive_hour", {}, "contacts"),
    ("effective_hour", {}, "rows"), ("productive_minute", {}, "rows"), ("productive_minute", {}, "contacts"),
    ("productive_minute", {"rounding": {"increment_s": 6, "minimum_s": 30}}, "contacts"),
    ("talk_minute", {}, "rows"), ("talk_minute", {}, "contacts"),
    ("talk_minute", {"rounding": {"increment_s": 60}}, "contacts"),
    ("handled_contact", {}, "rows"), ("handled_contact", {}, "contacts"), ("offered_contact", {}, "rows"),
    ("offered_contact", {}, "contacts"), ("fte", {"fte_hours": 160}, "rows"), ("sale", {}, "rows"),
    ("sale", {}, "contacts"), ("right_party_contact", {}, "attempts"),
]


def _records(kind):
    if kind == "rows":
        return _activity(rows=_rows(aux_s=[3600, 0], sales=[2, 3]))
    if kind == "attempts":  # collections: two of three attempts reach the debtor
        return _activity(contacts=_contacts(outcome=["rpc", "no_answer", "ptp"]))
    return _activity(contacts=_contacts(outcome=["sale", None, "sale"]))


def test_every_additive_unit_is_covered():
    with_amounts = {u.name for u in units.UNITS.records() if u.amounts is not None}
    assert with_amounts == {name for name, _, _ in ADDITIVE}
    assert {u.name for u in units.UNITS.records() if u.amounts is None} == {"customer", "collected_amount", "month", "retained_customer"}


@pytest.mark.parametrize(("unit", "keys", "kind"), ADDITIVE)
def test_daily_values_are_each_days_billable_units(unit, keys, kind):
    charge, activity = _charge(unit, **keys), _records(kind)
    daily = units.daily_values(charge, activity, active_days=31, period_days=31)
    assert daily == _each_day(charge, activity)  # value and fact (source, scope) of every day
    # the period's value is the same per-record amounts, summed over every record
    record = units.UNITS.get(unit)
    assert record.value(charge, activity, 31, 31) == record.amounts(charge, activity).value()


def test_daily_values_by_hand():
    rows = _activity(rows=_rows())
    daily = units.daily_values(_charge("logged_hour"), rows, active_days=31, period_days=31)
    # 3 Aug: 7,200 s / 3,600 = 2 h; 4 Aug: 10,800 s / 3,600 = 3 h (the period: 18,000 / 3,600 = 5 h)
    assert {d: u.units for d, u in daily.items()} == {date(2026, 8, 3): D(2), date(2026, 8, 4): D(3)}
    contacts = _activity(contacts=_contacts())
    minutes = units.daily_values(_charge("productive_minute", rounding={"increment_s": 6, "minimum_s": 30}),
                                 contacts, active_days=31, period_days=31)
    # 3 Aug: c1 100 + 20 + 10 = 130 s → 132 s (22 × 6), c2 not answered → 0; 132 / 60 = 2.2 min
    # 4 Aug: c3 50 + 0 + 5 = 55 s → 60 s; 60 / 60 = 1 min
    assert {d: u.units for d, u in minutes.items()} == {date(2026, 8, 3): D("2.2"), date(2026, 8, 4): D(1)}


def test_daily_values_count_only_the_days_a_charge_applies_to():
    # 1 Aug 2026 is a Saturday, 3 Aug a Monday: a weekday charge counts 0 on the 1st (a day with rows)
    rows = _activity(rows=_rows(date=pd.to_datetime(["2026-08-01", "2026-08-03"])))
    charge = _charge("handled_contact", applies_to={"days": ["weekday"]})
    daily = units.daily_values(charge, rows, active_days=31, period_days=31)
    assert {d: u.units for d, u in daily.items()} == {date(2026, 8, 1): D(0), date(2026, 8, 3): D(18)}
    assert daily == _each_day(charge, rows)


def test_daily_payments_are_each_days_events_in_time_order():
    contacts = _contacts(outcome=["payment", "payment", "payment"], amount=[D("10.50"), D("4"), D("7.25")],
                         start=pd.to_datetime(["2026-08-03 11:00", "2026-08-03 09:00", "2026-08-04 09:30"]))
    activity = _activity(contacts=contacts)
    charge = {"id": "x", "unit": "collected_amount", "model": "percentage", "rate": "0.1"}
    daily = units.daily_values(charge, activity, active_days=31, period_days=31)
    # 3 Aug: 4 (09:00) then 10.50 (11:00), total 14.50; 4 Aug: 7.25
    assert daily[date(2026, 8, 3)].events == [D("4"), D("10.50")]
    assert daily[date(2026, 8, 4)].events == [D("7.25")]
    assert daily == _each_day(charge, activity)


def test_daily_values_refuse_what_is_not_a_sum_over_records():
    contacts = _activity(contacts=_contacts())
    assert units.daily_values(_charge("customer"), contacts, active_days=31, period_days=31) is None
    assert units.daily_values(_charge("month"), contacts, active_days=31, period_days=31) is None


def test_right_party_contacts_are_counted_from_attempts():
    # outcomes rpc, no_answer, ptp: rpc and ptp reach the debtor
    assert _value("right_party_contact", _records("attempts")) == 2
