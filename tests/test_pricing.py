"""Charge models, per-charge limits, applies_to and per-contact rounding (pricing.md).

Expected values are the worked examples of pricing.md or computed by hand in the comment beside them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pytest

from ccanalysis.money import round_half_up
from ccanalysis.pricing import (
    BILLABLE_UNITS,
    MODELS,
    RatedPart,
    Usage,
    applies_to_mask,
    billable_minutes,
    billable_seconds,
    charge_units,
    day_class,
    limit_line_amount,
    rate,
    rate_breakdown,
    validate_charge,
)

D = Decimal

GRADUATED_SPEC = {
    "id": "g", "unit": "handled_contact", "model": "graduated",
    "tiers": [{"up_to": 10, "unit_price": 10, "flat_fee": 2}, {"up_to": 20, "unit_price": 5, "flat_fee": 3},
              {"up_to": None, "unit_price": 5, "flat_fee": 3}],
}
VOLUME_SPEC = {
    "id": "v", "unit": "handled_contact", "model": "volume",
    "tiers": [{"up_to": 100, "unit_price": 2, "flat_fee": 10}, {"up_to": 200, "unit_price": 1},
              {"up_to": None, "unit_price": 0.5, "flat_fee": 50}],
}
MINUTES = {
    "id": "care_minutes", "unit": "productive_minute", "model": "graduated",
    "tiers": [{"up_to": 100, "unit_price": "0.55"}, {"up_to": None, "unit_price": "0.50"}],
}
BLOCKS = {
    "id": "b", "unit": "productive_minute", "model": "graduated",
    "tiers": [{"up_to": 1000, "unit_price": 1, "block_size": 100},
              {"up_to": None, "unit_price": 5, "block_size": 1000}],
}
PACKAGE = {"id": "p", "unit": "handled_contact", "model": "package", "package_size": 100, "package_price": 10}
CARD_FEE = {"id": "c", "unit": "collected_amount", "model": "percentage", "rate": "2.99%",
            "min_per_event": 1.75, "max_per_event": 12}
PLATFORM = {"id": "platform", "unit": "month", "model": "fixed", "amount": "1500.00"}
SEATS = {
    "id": "seats", "model": "capacity", "dimensions": ["fte", "handled_contact"], "fte_hours": 147,
    "tiers": [{"limits": {"fte": 10, "handled_contact": 5000}, "price": 20000},
              {"limits": {"fte": 20, "handled_contact": None}, "price": 35000}],
}


# ---------------------------------------------------------------------------------------------- examples


@pytest.mark.parametrize(("units", "expected"), [(10, "102"), (11, "110"), (21, "163"), (0, "0")])
def test_graduated_spec_example(units, expected):
    assert rate(GRADUATED_SPEC, units) == D(expected)


def test_graduated_flat_fee_at_zero_spec_example():
    assert rate({**GRADUATED_SPEC, "flat_fee_at_zero": True}, 0) == D(2)


@pytest.mark.parametrize(("units", "expected"), [(100, "210"), (101, "101"), ("100.5", "100.5"), (201, "150.5")])
def test_volume_spec_example(units, expected):
    assert rate(VOLUME_SPEC, units) == D(expected)


@pytest.mark.parametrize(("units", "expected"), [(1, "10"), (100, "10"), (101, "20")])
def test_package_spec_example(units, expected):
    assert rate(PACKAGE, units) == D(expected)


def test_percentage_spec_example():
    # 10 × 2.99 % = 0.299 → min 1.75; 80 × 2.99 % = 2.392; 10000 × 2.99 % = 299 → max 12
    assert rate(CARD_FEE, events=[10, 80, 10000]) == D("16.142")


def test_block_size_spec_example():
    # 1000 units in tier 1 = 10 blocks × 1; 4325 in tier 2 = 4.325 → 5 blocks × 5
    assert rate(BLOCKS, 5325) == D(35)


def test_free_period_spec_example():
    charge = {"id": "f", "unit": "collected_amount", "model": "percentage", "rate": "1.3%",
              "fixed_per_event": 2, "free_events": 3, "free_amount": 500}
    assert rate(charge, events=[50, 100, 250, 400]) == D("7.2")


# ---------------------------------------------------------------------------------------------- tiers


@pytest.mark.parametrize(("units", "expected"), [
    (100, "55"),            # exactly on up_to: 100 × 0.55, all in tier 1
    ("100.5", "55.25"),     # just above: 55 + 0.5 × 0.50
    (101, "55.50"),         # 55 + 1 × 0.50
    ("0.1", "0.055"),       # fractional units
    (0, "0"),
])
def test_graduated_boundaries(units, expected):
    assert rate(MINUTES, units) == D(expected)


@pytest.mark.parametrize(("units", "expected"), [
    (1, "1"),          # 1 unit = a whole block of 100 at 1
    (1000, "10"),      # exactly 10 blocks
    (1001, "15"),      # 10 blocks + 1 unit in tier 2 = 1 block of 1000 at 5
    ("0.5", "1"),      # a fraction of a block is a whole block
    (0, "0"),
])
def test_graduated_partial_blocks(units, expected):
    assert rate(BLOCKS, units) == D(expected)


def test_volume_zero_and_flat_fee_at_zero():
    assert rate(VOLUME_SPEC, 0) == 0
    assert rate({**VOLUME_SPEC, "flat_fee_at_zero": True}, 0) == D(10)


def test_volume_block_size():
    charge = {"id": "v", "unit": "sale", "model": "volume",
              "tiers": [{"up_to": 10, "unit_price": 100}, {"up_to": None, "unit_price": 3, "block_size": 10}]}
    assert rate(charge, 25) == D(9)   # ⌈25 / 10⌉ = 3 blocks × 3
    assert rate(charge, 10) == D(1000)  # on up_to: tier 1, 10 × 100


def test_package_free_units_and_rounding_down():
    charge = {**PACKAGE, "free_units": 50}
    assert rate(charge, 50) == 0          # all free
    assert rate(charge, 151) == D(20)     # 101 billable → 2 packages
    assert rate({**charge, "package_rounding": "down"}, 249) == D(10)  # 199 / 100 → 1 package


def test_graduated_percentage_over_events_and_total():
    charge = {"id": "gp", "unit": "collected_amount", "model": "graduated_percentage",
              "tiers": [{"up_to": 1000, "rate": "10%"}, {"up_to": None, "rate": 0.05, "flat_fee": 20}]}
    # events sum to 1300: 1000 × 10 % + 300 × 5 % + tier-2 flat fee 20
    assert rate(charge, events=[600, 700]) == D(135)
    assert rate(charge, 1000) == D(100)  # on up_to: tier 2 not reached, no flat fee
    assert rate(charge, events=[]) == 0


# ---------------------------------------------------------------------------------------------- percentage


def test_free_amount_exhausted_in_the_middle_of_an_event():
    charge = {"id": "p", "unit": "collected_amount", "model": "percentage", "rate": "1%",
              "fixed_per_event": 1, "free_amount": 500}
    # 300 free (200 left); next 300 pays on 100: 1 + 1; then 100: 1 + 1
    assert rate(charge, events=[300, 300, 100]) == D(4)


def test_free_events_only_and_the_order_of_events():
    charge = {"id": "p", "unit": "collected_amount", "model": "percentage", "rate": "2%",
              "fixed_per_event": "0.5", "free_events": 2}
    assert rate(charge, events=[100, 100, 100]) == D("2.5")   # third: 100 × 2 % + 0.5
    assert rate(charge, events=[1000, 10, 10]) == D("0.7")     # the 1000 is free: 10 × 2 % + 0.5
    assert rate(charge, events=[10, 10, 1000]) == D("20.5")    # order matters: 1000 × 2 % + 0.5


def test_a_free_event_pays_no_minimum_nor_fixed_part():
    charge = {"id": "p", "unit": "collected_amount", "model": "percentage", "rate": "1%",
              "fixed_per_event": 1, "min_per_event": 5, "free_events": 1}
    assert rate(charge, events=[10, 10]) == D(5)  # first free; second 0.1 + 1 = 1.1 → min 5


def test_free_amount_used_up_exactly_ends_the_free_period():
    charge = {"id": "p", "unit": "collected_amount", "model": "percentage", "rate": "10%",
              "fixed_per_event": 1, "free_amount": 100, "free_events": 5}
    # 100 uses the whole free amount, so the period ends: the 0-value event pays its fixed part
    assert rate(charge, events=[100, 0]) == D(1)


def test_per_event_clamps_and_a_total_as_one_event():
    charge = {"id": "p", "unit": "collected_amount", "model": "percentage", "rate": 0.02, "max_per_event": 10}
    assert rate(charge, 1000) == D(10)         # 1000 × 2 % = 20 → capped at 10
    assert rate(charge, events=[1000]) == D(10)
    assert rate(charge, events=[100, 100]) == D(4)   # 2 + 2, under the cap


# ---------------------------------------------------------------------------------------------- numbers


def test_percent_strings_and_floats_are_exact():
    assert rate({"id": "x", "unit": "sale", "model": "per_unit", "unit_price": 1.005}, 1000) == D("1005")
    assert rate({"id": "x", "unit": "sale", "model": "per_unit", "unit_price": "0.10"}, 0.1) == D("0.01")
    twenty = {"id": "x", "unit": "collected_amount", "model": "percentage", "rate": "20%"}
    assert rate(twenty, events=[D("12.34")]) == D("2.468")


# ---------------------------------------------------------------------------------------------- period charges


def test_fixed_prorated_by_days():
    # 1500 × 10 / 31 = 483.870967…, 483.87 on the invoice
    amount = rate(PLATFORM, active_days=10, period_days=31)
    assert amount == D(15000) / 31
    assert round_half_up(amount) == D("483.87")
    assert rate(PLATFORM) == D(1500)
    assert rate({**PLATFORM, "prorate": False}, active_days=10, period_days=31) == D(1500)


def test_minimum_prorated_true_up():
    charge = {"id": "m", "unit": "handled_contact", "model": "per_unit", "unit_price": "0.5", "minimum": 310}
    # 100 × 0.5 = 50; minimum 310 × 10/31 = 100 → true-up 50
    assert rate(charge, 100, active_days=10, period_days=31) == D(100)
    parts = rate_breakdown(charge, 100, active_days=10, period_days=31)
    assert [(p.kind, p.amount) for p in parts] == [("charge", D(50)), ("minimum", D(50))]
    assert rate(charge, 1000, active_days=10, period_days=31) == D(500)     # above the minimum
    assert rate({**charge, "prorate": False}, 100, active_days=10, period_days=31) == D(310)


def test_maximum_prorated_cap():
    charge = {"id": "m", "unit": "handled_contact", "model": "per_unit", "unit_price": 1, "maximum": 620}
    # 500 × 1 = 500; maximum 620 × 15/31 = 300 → cap −200
    parts = rate_breakdown(charge, 500, active_days=15, period_days=31)
    assert [(p.kind, p.amount) for p in parts] == [("charge", D(500)), ("maximum", D(-200))]
    assert rate(charge, 500, active_days=15, period_days=31) == D(300)
    assert rate(charge, 500) == D(500)  # whole period: 620 is not reached


@pytest.mark.parametrize(("units", "expected"), [
    ({"fte": 10, "handled_contact": 5000}, "20000"),    # exactly on both limits: tier 1
    ({"fte": "10.5", "handled_contact": 100}, "35000"),  # fte above tier 1
    ({"fte": 5, "handled_contact": 6000}, "35000"),     # contacts above tier 1; unlimited in tier 2
    ({"fte": 25, "handled_contact": 1}, "35000"),       # past the last tier: the last tier's price
    ({"fte": 0, "handled_contact": 0}, "0"),            # no usage at all
])
def test_capacity_several_dimensions(units, expected):
    assert rate(SEATS, units) == D(expected)


def test_capacity_prorated():
    assert rate(SEATS, {"fte": 12, "handled_contact": 0}, active_days=15, period_days=30) == D(17500)
    assert rate({**SEATS, "prorate": False}, {"fte": 12, "handled_contact": 0},
                active_days=15, period_days=30) == D(35000)
    part = rate_breakdown(SEATS, {"fte": 12, "handled_contact": 0}, active_days=15, period_days=30)[0]
    assert (part.tier, part.quantity, part.unit_price) == (2, 1, D(17500))


# ---------------------------------------------------------------------------------------------- breakdown


def test_breakdown_of_graduated_tiers_and_flat_fees():
    parts = rate_breakdown(GRADUATED_SPEC, 21)
    assert [(p.kind, p.tier, p.quantity, p.unit_price, p.amount) for p in parts] == [
        ("charge", 1, 10, 10, 100), ("flat_fee", 1, 1, 2, 2),
        ("charge", 2, 10, 5, 50), ("flat_fee", 2, 1, 3, 3),
        ("charge", 3, 1, 5, 5), ("flat_fee", 3, 1, 3, 3),
    ]
    assert all(isinstance(p, RatedPart) and p.note for p in parts)


def test_breakdown_blocks_packages_percentages():
    blocks = rate_breakdown(BLOCKS, 5325)
    assert [(p.tier, p.quantity, p.unit_price) for p in blocks] == [(1, 10, 1), (2, 5, 5)]
    package = rate_breakdown(PACKAGE, 101)
    assert [(p.quantity, p.unit_price, p.amount) for p in package] == [(2, 10, 20)]
    card = rate_breakdown(CARD_FEE, events=[10, 80, 10000])
    assert [(p.quantity, p.unit_price, p.amount) for p in card] == [(10090, None, D("16.142"))]


@pytest.mark.parametrize(("charge", "kwargs"), [
    (GRADUATED_SPEC, {"units": 21}),
    ({**GRADUATED_SPEC, "flat_fee_at_zero": True}, {"units": 0}),
    (VOLUME_SPEC, {"units": 201}),
    (BLOCKS, {"units": 5325}),
    (PACKAGE, {"units": 101}),
    (CARD_FEE, {"events": [10, 80, 10000]}),
    (PLATFORM, {"active_days": 10, "period_days": 31}),
    (SEATS, {"units": {"fte": 12, "handled_contact": 3}, "active_days": 7, "period_days": 31}),
    ({**MINUTES, "minimum": 1000}, {"units": 7, "active_days": 3, "period_days": 31}),
    ({**MINUTES, "maximum": 10}, {"units": 700, "active_days": 3, "period_days": 31}),
])
def test_breakdown_sums_to_rate(charge, kwargs):
    parts = rate_breakdown(charge, **kwargs)
    assert parts
    assert sum((p.amount for p in parts), D(0)) == rate(charge, **kwargs)
    for p in parts:
        if p.unit_price is not None:
            assert p.quantity * p.unit_price == p.amount


def test_limit_line_from_rounded_figures():
    charge = {**MINUTES, "minimum": 310, "maximum": 1000}
    # minimum 310 × 10/31 = 100.00; the charge's rounded lines 49.99 → true-up 50.01
    assert limit_line_amount(charge, D("49.99"), active_days=10, period_days=31) == ("minimum", D("50.01"))
    # maximum 1000 × 10/31 = 322.5806… → 322.58; lines 400.00 → −77.42
    assert limit_line_amount(charge, D("400.00"), active_days=10, period_days=31) == ("maximum", D("-77.42"))
    assert limit_line_amount(charge, D("200.00"), active_days=10, period_days=31) is None


def test_model_registry_and_units():
    assert set(MODELS) == {"per_unit", "graduated", "volume", "package", "percentage",
                           "graduated_percentage", "capacity", "fixed"}
    parts = MODELS["per_unit"]({"unit_price": "0.25"}, Usage(D(8), None))
    assert parts[0].amount == D(2)
    assert "productive_minute" in BILLABLE_UNITS and len(BILLABLE_UNITS) == 12
    assert charge_units(MINUTES) == ["productive_minute"]
    assert charge_units(SEATS) == ["fte", "handled_contact"]


# ---------------------------------------------------------------------------------------------- invalid charges


@pytest.mark.parametrize(("charge", "message"), [
    ({**MINUTES, "model": "tiered"}, "model: unknown model 'tiered'"),
    ({**MINUTES, "unit_prise": 1}, "unknown key 'unit_prise'"),
    ({**MINUTES, "tiers": [{"up_to": 100, "unit_price": 1}, {"up_to": 100, "unit_price": 1},
                           {"up_to": None, "unit_price": 1}]}, "tiers[1].up_to: must be greater than 100"),
    ({**MINUTES, "tiers": [{"up_to": None, "unit_price": 1}, {"up_to": 100, "unit_price": 1}]},
     "tiers[0].up_to: null only allowed on the last tier"),
    ({**MINUTES, "tiers": [{"up_to": 100, "unit_price": 1}]}, "tiers[0].up_to: the last tier must have"),
    ({**MINUTES, "tiers": [{"up_to": None, "unit_price": -1}]}, "tiers[0].unit_price: must not be negative"),
    ({**MINUTES, "tiers": [{"up_to": None, "unit_pric": 1}]}, "tiers[0]: unknown key 'unit_pric'"),
    ({"id": "x", "unit": "sale", "model": "per_unit", "unit_price": -1}, "unit_price: must not be negative"),
    ({"id": "x", "unit": "sale", "model": "per_unit"}, "unit_price: required"),
    ({"id": "x", "unit": "sales", "model": "per_unit", "unit_price": 1}, "unit: unknown unit 'sales'"),
    ({"id": "x", "unit": "fte", "model": "per_unit", "unit_price": 1}, "fte_hours: required"),
    ({"id": "x", "unit": "sale", "model": "per_unit", "unit_price": "20%"}, "unit_price: a percentage"),
    ({**MINUTES, "minimum": 100, "maximum": 50}, "maximum: must be at least minimum"),
    ({**CARD_FEE, "min_per_event": 20}, "max_per_event: must be at least min_per_event"),
    ({**CARD_FEE, "free_events": 2.5}, "free_events: must be a whole number"),
    ({**CARD_FEE, "rate": 2.99}, "rate: a rate is a fraction"),
    ({**PACKAGE, "package_size": 0}, "package_size: must be greater than 0"),
    ({**PACKAGE, "package_rounding": "nearest"}, "package_rounding"),
    ({**SEATS, "tiers": [{"limits": {"fte": 10}, "price": 1}]}, "tiers[0].limits.handled_contact"),
    ({**SEATS, "unit": "fte"}, "unit: a capacity charge"),
    ({**MINUTES, "applies_to": {"days": ["monday"]}}, "applies_to.days[0]"),
    ({**MINUTES, "applies_to": {"hours": "22-08"}}, "applies_to.hours"),
    ({**PLATFORM, "applies_to": {"days": ["weekday"]}}, "applies_to"),
    ({**MINUTES, "unit": "handled_contact", "rounding": {"increment_s": 6}}, "rounding: only for minute units"),
    ({**MINUTES, "rounding": {"increment_s": 0}}, "rounding.increment_s"),
    ({**MINUTES, "rounding": {"increment": 6}}, "rounding: unknown key 'increment'"),
])
def test_invalid_charge_names_the_key(charge, message):
    with pytest.raises(ValueError, match=None) as error:
        validate_charge(charge)
    assert message in str(error.value)
    with pytest.raises(ValueError):
        rate(charge, 1)


def test_valid_charges_pass():
    for charge in (GRADUATED_SPEC, VOLUME_SPEC, MINUTES, BLOCKS, PACKAGE, CARD_FEE, PLATFORM, SEATS,
                   {**MINUTES, "rounding": {"increment_s": 6, "minimum_s": 30, "acw_cap_s": None},
                    "applies_to": {"days": ["weekday", "holiday"], "hours": "22:00-08:00"}}):
        validate_charge(charge)


def test_bad_usage_is_an_error():
    with pytest.raises(ValueError, match="events: give units or events, not both"):
        rate(CARD_FEE, 100, events=[100])
    with pytest.raises(ValueError, match="events: only for models"):
        rate(MINUTES, events=[1])
    with pytest.raises(ValueError, match="units: must not be negative"):
        rate(MINUTES, -1)
    with pytest.raises(ValueError, match="units: missing value for dimension 'handled_contact'"):
        rate(SEATS, {"fte": 1})
    with pytest.raises(ValueError, match="active_days"):
        rate(PLATFORM, active_days=32, period_days=31)
    with pytest.raises(ValueError, match="events\\[1\\]: must not be negative"):
        rate(CARD_FEE, events=[1, -5])


# ---------------------------------------------------------------------------------------------- applies_to

# 2026-01-01 is a Thursday; 6 January (Epiphany) is a Tuesday holiday in Spain.
EPIPHANY = dt.date(2026, 1, 6)


def test_day_class_holiday_first():
    dates = [dt.date(2026, 1, 3), dt.date(2026, 1, 4), dt.date(2026, 1, 5), EPIPHANY, dt.date(2026, 1, 10)]
    classes = day_class(dates, {EPIPHANY, dt.date(2026, 1, 10)})  # a holiday on a Saturday is a holiday
    assert classes.tolist() == ["saturday", "sunday", "weekday", "holiday", "holiday"]
    assert day_class(np.array(["2026-01-06"], dtype="datetime64[D]"), set()).tolist() == ["weekday"]


def test_applies_to_weekday_excludes_a_weekday_holiday():
    dates = [dt.date(2026, 1, 5), EPIPHANY, dt.date(2026, 1, 7)]
    mask = applies_to_mask(dates, {"days": ["weekday"]}, {EPIPHANY})
    assert mask.tolist() == [True, False, True]
    assert applies_to_mask(dates, {"days": ["holiday"]}, {EPIPHANY}).tolist() == [False, True, False]
    assert applies_to_mask(dates, None, {EPIPHANY}).all()


def test_hours_wrap_midnight():
    times = ["21:45", "22:00", "07:45", "08:00", "02:00", "12:00"]
    dates = [dt.date(2026, 1, 7)] * len(times)
    mask = applies_to_mask(dates, {"hours": "22:00-08:00"}, set(), times=times, interval_minutes=15)
    assert mask.tolist() == [False, True, True, False, True, False]
    day = applies_to_mask(dates, {"hours": "08:00-22:00"}, set(), times=times, interval_minutes=15)
    assert day.tolist() == [True, False, False, True, False, True]


def test_an_interval_belongs_to_the_date_it_starts():
    # Saturday 02:00 is Saturday; Friday 23:00 is Friday
    dates = [dt.date(2026, 1, 3), dt.date(2026, 1, 2)]
    mask = applies_to_mask(dates, {"days": ["saturday"], "hours": "22:00-08:00"}, set(),
                           times=["02:00", "23:00"], interval_minutes=30)
    assert mask.tolist() == [True, False]


def test_contact_start_times_with_seconds():
    starts = np.array(["2026-01-07T07:59:59", "2026-01-07T08:00:00"], dtype="datetime64[s]")
    mask = applies_to_mask(starts, {"hours": "22:00-08:00"}, set(), times=starts)
    assert mask.tolist() == [True, False]


def test_hours_need_interval_data_on_boundaries():
    dates = [dt.date(2026, 1, 7)]
    with pytest.raises(ValueError, match="applies_to.hours"):
        applies_to_mask(dates, {"hours": "22:00-08:00"}, set())  # daily data
    with pytest.raises(ValueError, match="applies_to.hours: 22:10 does not fall on a 15-minute"):
        applies_to_mask(dates, {"hours": "22:10-08:00"}, set(), times=["22:15"], interval_minutes=15)
    assert applies_to_mask(dates, {"hours": "22:30-08:00"}, set(), times=["22:30"], interval_minutes=30)[0]


# ---------------------------------------------------------------------------------------------- rounding

ROUNDING = {"increment_s": 6, "minimum_s": 30}


def test_per_contact_rounding():
    talk = np.array([40, 0, 10, 31, 36, 100, 4, 5])
    hold = np.array([0, 0, 0, 0, 0, 20, 0, 0])
    acw = np.array([0, 0, 0, 0, 0, 90, 0, 0])
    handled = np.array([False, True, True, True, True, True, True, True])
    seconds = billable_seconds(talk, hold, acw, handled, {**ROUNDING, "acw_cap_s": 60, "first_free_s": 5})
    # abandoned → 0 (never billed); 0 s → 0; 10 → minimum 30; 31 → 36; 36 stays;
    # 100 + 20 + min(90, 60) = 180 stays; 4 < first_free 5 → free; 5 → minimum 30
    # Σ = 30 + 36 + 36 + 180 + 30 = 312 s = 5.2 minutes
    assert seconds.tolist() == [0, 0, 30, 36, 36, 180, 0, 30]
    assert seconds.dtype == np.int64
    assert billable_minutes(talk, hold, acw, handled, {**ROUNDING, "acw_cap_s": 60, "first_free_s": 5}) \
        == D("5.2")


def test_abandoned_contact_never_billed_even_with_seconds():
    seconds = billable_seconds([120], [0], [30], [False], ROUNDING)
    assert seconds.tolist() == [0]


def test_minute_charge_with_rounding_end_to_end():
    # contacts of 10 s, 31 s, 95 s → 30 + 36 + 96 = 162 s = 2.7 minutes × 0.55
    minutes = billable_minutes([10, 31, 95], [0, 0, 0], [0, 0, 0], [True, True, True], ROUNDING)
    assert minutes == D("2.7")
    assert rate({**MINUTES, "rounding": ROUNDING}, minutes) == D("1.485")


def test_fractional_seconds_round_up_to_the_whole_second():
    seconds = billable_seconds([20.5, 30.000000000000004, 0.2], [0, 0, 0], [0, 0, 0.3], [True] * 3, {})
    assert seconds.tolist() == [21, 30, 1]  # 20.5 → 21; float noise kept at 30; 0.2 + 0.3 → 1


def test_large_values_take_the_int64_path():
    # 2**30 = 1073741824 ≡ 4 (mod 6) → rounded up to 1073741826
    seconds = billable_seconds(np.array([2**30, 7], dtype=np.int64), [0, 0], [0, 0], [True, True], ROUNDING)
    assert seconds.tolist() == [1_073_741_826, 30]


def test_vectorised_rounding_matches_a_plain_loop():
    rng = np.random.default_rng(7)
    n = 100_000  # spans several blocks and both the table and the arithmetic paths
    talk = rng.integers(0, 900, n, dtype=np.int32)
    talk[::1000] = 70_000  # beyond the look-up table
    hold = rng.integers(0, 60, n, dtype=np.int32)
    acw = rng.integers(0, 200, n, dtype=np.int32)
    handled = rng.random(n) > 0.1
    rounding = {"increment_s": 6, "minimum_s": 30, "first_free_s": 3, "acw_cap_s": 120}
    expected = []
    for t, h, a, ok in zip(talk.tolist(), hold.tolist(), acw.tolist(), handled.tolist(), strict=True):
        s = t + h + min(a, 120)
        expected.append(0 if not ok or s < 3 else -(-max(s, 30) // 6) * 6)
    assert billable_seconds(talk, hold, acw, handled, rounding).tolist() == expected


def test_bad_contact_arrays():
    with pytest.raises(ValueError, match="hold_s: seconds must not be negative"):
        billable_seconds([10], [-1], [0], [True], ROUNDING)
    with pytest.raises(ValueError, match="acw_s: has 2 contacts"):
        billable_seconds([10], [0], [0, 1], [True], ROUNDING)
    with pytest.raises(ValueError, match="talk_s: missing seconds on a handled contact"):
        billable_seconds([np.nan], [0], [0], [True], ROUNDING)
    assert billable_seconds([np.nan], [0], [0], [False], ROUNDING).tolist() == [0]
