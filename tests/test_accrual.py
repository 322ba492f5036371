"""The accrual (devengo): month-to-date lines priced on cumulative units, every figure worked by hand."""

from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from ccanalysis import accrual, workbook
from ccanalysis.engagement import load
from ccanalysis.errors import UsageError
from ccanalysis.invoice import totals
from tests.engagements import activity_row, contract, write_engagement

D = Decimal
SEPT = "2026-09"
#: the tests' "today" (the data are of 2026, whatever the machine's date)
TODAY = date(2026, 12, 1)


def _day(days, day):
    """{(charge, tier, kind): amount} of the accrual's lines on `day`."""
    lines = dict(days)[day]
    return {(line.charge, line.tier, line.kind): line.amount for line in lines}


def _same_as_invoice(eng, supplier, month):
    days = workbook.accrual_days(eng, supplier, month)
    last = sorted((line.service or "", line.charge, line.tier or 0, line.kind, line.amount) for line in days[-1][1])
    expected = sorted((line.service or "", line.charge, line.tier or 0, line.kind, line.amount)
                      for line in workbook.invoice_lines(eng, supplier, month))
    return last == expected, days


@pytest.fixture
def tiered(tmp_path):
    """Graduated tiers crossed on day 2, a prorated fee, a minimum commitment and an SLA band."""
    c = contract(minimum_commitment={"amount": "3000"})
    service = c["services"][0]
    service["charges"] = [
        {"id": "care_contacts", "unit": "handled_contact", "model": "graduated",
         "tiers": [{"up_to": 1000, "unit_price": "1.00"}, {"up_to": None, "unit_price": "0.80"}]},
        {"id": "platform", "unit": "month", "model": "fixed", "amount": "300"},
    ]
    service["kpis"] = {"service_level": {"variant": "offered", "threshold_s": 20}}
    service["sla"] = {"rules": [{"kpi": "service_level", "bands": [{"below": "0.80", "adjustment": "-0.05"}]}]}
    rows = [activity_row("2026-09-01", 700, 600, abandoned=100, answered_within_sl=500),
            activity_row("2026-09-02", 700, 650, abandoned=50, answered_within_sl=650),
            activity_row("2026-09-03", 600, 400, abandoned=200, answered_within_sl=350)]
    return load("tiny", root=write_engagement(tmp_path, contracts=[c], tables={"activity/a.csv": rows}))


def test_tiers_fee_commitment_and_sla_accrue_day_by_day(tiered):
    same, days = _same_as_invoice(tiered, "acme", SEPT)
    assert same  # the 30th's lines are the expected invoice's, to the cent
    day1 = _day(days, date(2026, 9, 1))
    # 600 handled × 1.00 = 600.00; fee 300 × 1/30 = 10.00; commitment 3,000 × 1/30 = 100 ≤ 610: no true-up;
    # SL 500 / 700 = 0.714 < 0.80 → −5 % × base 600.00 = −30.00
    assert day1 == {("care_contacts", 1, "charge"): D("600.00"), ("platform", None, "charge"): D("10.00"),
                    ("sla:service_level", None, "sla"): D("-30.00")}
    day2 = _day(days, date(2026, 9, 2))
    # cumulative 1,250: 1,000 × 1.00 + 250 × 0.80 = 200.00; fee 20.00; SL 1,150 / 1,400 = 0.821: no penalty
    assert day2 == {("care_contacts", 1, "charge"): D("1000.00"), ("care_contacts", 2, "charge"): D("200.00"),
                    ("platform", None, "charge"): D("20.00")}
    day3 = _day(days, date(2026, 9, 3))
    # cumulative 1,650: tier 2 650 × 0.80 = 520.00; fee 30.00; SL 1,500 / 2,000 = 0.75 → −5 % × 1,520 = −76.00
    assert day3[("care_contacts", 2, "charge")] == D("520.00") and day3[("platform", None, "charge")] == D("30.00")
    assert day3[("sla:service_level", None, "sla")] == D("-76.00")
    last = _day(days, date(2026, 9, 30))
    # no more activity: fee 300.00; commitment 3,000 − (1,000 + 520 + 300) = 1,180.00 true-up; SLA −76.00
    assert last[("minimum_commitment", None, "minimum_commitment")] == D("1180.00")
    assert last[("platform", None, "charge")] == D("300.00")
    assert totals(workbook.expected_invoice(tiered, "acme", SEPT)).net == D("2924.00")  # 1,820 + 1,180 − 76


def test_lines_frame_increments_and_daily_totals(tiered):
    frame = workbook.accrual_lines(tiered, "acme", SEPT, as_of=date(2026, 9, 3), today=TODAY)
    assert list(frame.columns) == accrual.LINE_COLUMNS
    tier2 = frame[(frame["charge"] == "care_contacts") & (frame["tier"] == 2)]
    # tier 2 appears on day 2 at 200.00 and grows by 320.00 on day 3 (400 × 0.80)
    assert list(tier2["accrued"]) == [D("200.00"), D("520.00")] and list(tier2["increment"]) == [D("200.00"),
                                                                                               D("320.00")]
    sla = frame[frame["kind"] == "sla"]
    # −30.00 on day 1, gone on day 2 (accrued 0.00, increment +30.00), −76.00 on day 3
    assert list(sla["accrued"]) == [D("-30.00"), D("0.00"), D("-76.00")]
    assert list(sla["increment"]) == [D("-30.00"), D("30.00"), D("-76.00")]
    daily = workbook.accrual(tiered, "acme", SEPT)
    # up to the last day with activity (the 3rd): 600 + 10 − 30 = 580.00, 1,000 + 200 + 20 = 1,220.00,
    # 1,000 + 520 + 30 − 76 = 1,474.00
    assert list(daily["cumulative"]) == [D("580.00"), D("1220.00"), D("1474.00")]
    assert list(daily["cost"]) == [D("580.00"), D("640.00"), D("254.00")]
    assert accrual.total(daily) == D("1474.00")
    # the step-1 charges up to the 2nd: 1,000 + 200 + 20 = 1,220.00
    assert workbook.charges_to_date(tiered, "acme", SEPT, date(2026, 9, 2)) == D("1220.00")


def test_rounding_packages_and_a_fee_not_prorated(tmp_path):
    c = contract()
    c["services"][0]["charges"] = [
        {"id": "care_minutes", "unit": "productive_minute", "model": "per_unit", "unit_price": "0.50",
         "rounding": {"increment_s": 6, "minimum_s": 30}},
        {"id": "care_packs", "unit": "handled_contact", "model": "package", "package_size": 2,
         "package_price": "10"},
        {"id": "licence", "unit": "month", "model": "fixed", "amount": "300", "prorate": False},
    ]

    def contact(cid, start, talk, hold, acw, answered=True):
        return {"contact_id": cid, "supplier": "acme", "service": "care", "start": start, "queue_s": 5,
                "answered": "Y" if answered else "N", "abandoned": "N" if answered else "Y", "talk_s": talk,
                "hold_s": hold, "acw_s": acw}

    contacts = [contact("c1", "2026-09-01 09:00:00", 10, 0, 0), contact("c2", "2026-09-01 09:05:00", 61, 0, 5),
                contact("c3", "2026-09-02 10:00:00", 60, 7, 0), contact("c4", "2026-09-02 10:01:00", 0, 0, 0, False)]
    eng = load("tiny", root=write_engagement(tmp_path, contracts=[c], tables={"contacts/c.csv": contacts}))
    same, days = _same_as_invoice(eng, "acme", SEPT)
    assert same
    day1, day2 = _day(days, date(2026, 9, 1)), _day(days, date(2026, 9, 2))
    # day 1: 10 s → 30 s, 66 s → 66 s: 96 s = 1.6 min × 0.50 = 0.80; 2 handled = 1 pack = 10.00;
    # a licence not prorated accrues by elapsed days: 300 × 1/30 = 10.00
    assert day1 == {("care_minutes", None, "charge"): D("0.80"), ("care_packs", None, "charge"): D("10.00"),
                    ("licence", None, "charge"): D("10.00")}
    # day 2: + 67 s → 72 s: 168 s = 2.8 min × 0.50 = 1.40; 3 handled → 2 packs = 20.00; licence 20.00
    assert day2 == {("care_minutes", None, "charge"): D("1.40"), ("care_packs", None, "charge"): D("20.00"),
                    ("licence", None, "charge"): D("20.00")}
    assert _day(days, date(2026, 9, 30))[("licence", None, "charge")] == D("300.00")


def test_a_weekday_charge_counts_only_its_days(tmp_path):
    c = contract()
    c["services"][0]["charges"] = [{"id": "weekend", "unit": "handled_contact", "model": "per_unit",
                                    "unit_price": "2.00", "applies_to": {"days": ["saturday", "sunday"]}}]
    # Fri 4 (not counted), Sat 5 and Sun 6 September 2026
    rows = [activity_row("2026-09-04", 10, 10), activity_row("2026-09-05", 7, 7), activity_row("2026-09-06", 3, 3)]
    eng = load("tiny", root=write_engagement(tmp_path, contracts=[c], tables={"activity/a.csv": rows}))
    same, days = _same_as_invoice(eng, "acme", SEPT)
    assert same
    # day 4: 0 × 2.00; day 5: 7 × 2.00 = 14.00; day 6: 10 × 2.00 = 20.00
    assert [_day(days, date(2026, 9, d))[("weekend", None, "charge")] for d in (4, 5, 6)] == \
        [D("0.00"), D("14.00"), D("20.00")]


def test_the_last_day_is_the_expected_invoice_on_every_demo_month(demo_engagement):
    for supplier in demo_engagement.suppliers:
        for month in demo_engagement.months():
            same, days = _same_as_invoice(demo_engagement, supplier, month)
            assert same, (supplier, month)
            assert len(days) == demo_engagement.period(supplier, month).days


def test_as_of_outside_the_data_is_a_usage_error(tiered):
    with pytest.raises(UsageError, match=r"after the last day .* cover 2026-09-01..2026-09-03"):
        workbook.accrual_lines(tiered, "acme", SEPT, as_of=date(2026, 9, 10), today=TODAY)
    with pytest.raises(UsageError, match="outside billing period 2026-09"):
        workbook.accrual_lines(tiered, "acme", SEPT, as_of=date(2026, 8, 31), today=TODAY)
    with pytest.raises(UsageError, match="in the future"):
        workbook.projected_close(tiered, "acme", SEPT, as_of=date(2999, 9, 1))


def test_last_activity_day_of_the_supplier_in_the_period():
    activity = pd.DataFrame({"supplier": ["acme", "acme", "beta"],
                             "date": pd.to_datetime(["2026-09-03", "2026-10-01", "2026-09-20"])})
    contacts = pd.DataFrame({"supplier": ["acme", "acme"],
                             "start": pd.to_datetime(["2026-09-05 23:59", "2026-08-31 10:00"])})
    september = (date(2026, 9, 1), date(2026, 9, 30))
    assert accrual.last_activity_day(activity, contacts, "acme", *september) == date(2026, 9, 5)
    assert accrual.last_activity_day(activity, pd.DataFrame(), "acme", *september) == date(2026, 9, 3)
    assert accrual.last_activity_day(activity, contacts, "gamma", *september) is None


# ------------------------------------------------------------------------------------------ per-day = per-prefix

def _per_prefix_days(engine):
    """The accrual's days the slow way, which the engine's per-day path must equal line for line: each
    day's units by `billable_units` on that day's records, the SLA KPIs by `kpis.kpi` on the records of
    days 1..d, every charge and SLA re-rated every day (no lines kept from the day before)."""
    from dataclasses import replace

    from ccanalysis.pricing.units import billable_units

    services = {sid: replace(plan, kpi_values=None, kpi_days=None) for sid, plan in engine.services.items()}
    charges = []
    for item in engine.charges:
        plan = engine.services[item.service.id]
        days = {}
        if item.mode in ("sum", "max"):
            days = {day: billable_units(item.charge, act, active_days=plan.in_force_days,
                                        period_days=engine.period.days) for day, act in plan.daily.days.items()}
        charges.append(replace(item, days=days))
    slow = replace(engine, services=services, charges=charges)
    series = slow.cumulative(engine.period.end)
    out = []
    for index, day in enumerate(accrual._dates(engine.period.start, engine.period.end)):
        kpi = {sid: plan.kpi_activity(day) for sid, plan in services.items() if plan.service.sla}
        out.append((day, slow.price(day, [s[index] for s in series], kpi)))
    return out


def test_the_per_day_path_equals_the_per_prefix_path_on_every_demo_month(demo_engagement):
    for supplier in demo_engagement.suppliers:
        for month in demo_engagement.months():
            engine = workbook.accrual_engine(demo_engagement, supplier, month)
            assert all(plan.kpi_values is not None for plan in engine.services.values() if plan.service.sla)
            # every line of every day, amounts and facts (units, KPI values, bases) alike
            assert engine.days() == _per_prefix_days(engine), (supplier, month)


def test_the_per_day_path_equals_the_per_prefix_path_by_hand(tiered):
    engine = workbook.accrual_engine(tiered, "acme", SEPT)
    assert engine.days() == _per_prefix_days(engine)
    # SL of days 1..d from the daily sums: day 1 500 / 700; days 1–2 (500 + 650) / (700 + 700) = 1150 / 1400;
    # days 1–3 (1150 + 350) / (1400 + 600) = 1500 / 2000 = 0.75 (the 4th, no rows: still 0.75)
    plan = engine.services[next(iter(engine.services))]
    values = plan.kpi_values_on([date(2026, 9, d) for d in (1, 2, 3, 4)])
    from fractions import Fraction
    assert [v.values for v in values] == [(Fraction(500, 700),), (Fraction(1150, 1400),), (Fraction(3, 4),),
                                          (Fraction(3, 4),)]


def test_a_charge_on_its_units_alone_keeps_its_lines_on_a_day_without_its_activity(tmp_path):
    # weekday contacts 1.00 each: Sat 5 Sep has rows but the charge counts none, so its line stays 1,000.00
    c = contract()
    c["services"][0]["charges"] = [{"id": "weekday", "unit": "handled_contact", "model": "per_unit",
                                    "unit_price": "1.00", "applies_to": {"days": ["weekday"]}}]
    rows = [activity_row("2026-09-04", 1100, 1000), activity_row("2026-09-05", 900, 800)]
    eng = load("tiny", root=write_engagement(tmp_path, contracts=[c], tables={"activity/a.csv": rows}))
    days = dict(workbook.accrual_days(eng, "acme", SEPT))
    friday, saturday = days[date(2026, 9, 4)], days[date(2026, 9, 5)]
    assert [line.amount for line in saturday] == [D("1000.00")]  # 1,000 handled on Friday × 1.00
    assert saturday == friday
    assert saturday == _per_prefix_days(workbook.accrual_engine(eng, "acme", SEPT))[4][1]


def test_cumulative_kpis_equal_the_kpi_of_every_prefix():
    from fractions import Fraction

    from ccanalysis import kpis

    # daily rows over 3 days (the 2nd without qa scores): SL, AHT, QA (handled-weighted, present-only terms)
    rows = pd.DataFrame({
        "date": pd.to_datetime(["2026-09-01", "2026-09-01", "2026-09-02", "2026-09-03"]),
        "offered": [100, 50, 80, 60], "handled": [90, 40, 70, 30], "abandoned": [10, 10, 10, 30],
        "answered_within_sl": [80, 30, 50, 20], "talk_s": [9000, 4000, 7000, 3000], "hold_s": [0, 0, 0, 0],
        "acw_s": [900, 400, 700, 300], "qa_score": [D("80"), D("90"), None, D("70")]})
    cases = [("service_level", "offered", {}), ("aht_s", None, {}), ("qa_score", None, {}),
             ("service_level", "offered", {"aggregation": "mean_of_days"})]
    for name, variant, options in cases:
        got = kpis.cumulative_kpi(name, rows, variant, **options)
        for day in (date(2026, 9, 1), date(2026, 9, 2), date(2026, 9, 3)):
            prefix = rows[rows["date"] <= pd.Timestamp(day)]
            assert got[day] == kpis.kpi(name, prefix, variant, **options), (name, options, day)
    # by hand: SL days 1..2 = (80 + 30 + 50) / (100 + 50 + 80) = 160 / 230; QA days 1..2 = (80×90 + 90×40) /
    # (90 + 40) = 10800 / 130 (day 2 has no score); mean of days at day 3 = (110/150 + 50/80 + 20/60) / 3
    assert kpis.cumulative_kpi("service_level", rows, "offered")[date(2026, 9, 2)] == Fraction(160, 230)
    assert kpis.cumulative_kpi("qa_score", rows)[date(2026, 9, 2)] == Fraction(10800, 130)
    assert kpis.cumulative_kpi("service_level", rows, "offered", aggregation="mean_of_days")[date(2026, 9, 3)] \
        == (Fraction(110, 150) + Fraction(50, 80) + Fraction(20, 60)) / 3
    # a KPI on an option (cost per contact on the invoice net): not cumulated (each prefix computes it)
    assert kpis.cumulative_kpi("cost_per_contact", rows, invoice_net=D("1000")) is None
