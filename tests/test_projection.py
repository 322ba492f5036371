"""The projected close, its band and the planned cost, on tiny engagements worked by hand."""

import math
from datetime import date, timedelta
from decimal import Decimal

import pytest

from ccanalysis import projection, workbook
from ccanalysis.engagement import load
from tests.engagements import activity_row, contract, write_engagement

D = Decimal
SEPT = "2026-09"
#: the tests' "today" (the data are of 2026, whatever the machine's date)
TODAY = date(2026, 12, 1)


def _plan(days, *, offered=100, handled="100", logged="", skip=()):
    lines = ["date,supplier,service,offered,aht_s,handled,logged_s,cost"]
    for day in days:
        if day not in skip:
            lines.append(f"{day},acme,care,{offered},180,{handled},{logged},")
    return "\n".join(lines) + "\n"


SEPT_DAYS = [date(2026, 9, 1) + timedelta(days=i) for i in range(30)]


def _tiered(tmp_path, rows, plan):
    c = contract()
    c["services"][0]["charges"] = [
        {"id": "care_contacts", "unit": "handled_contact", "model": "graduated",
         "tiers": [{"up_to": 1000, "unit_price": "1.00"}, {"up_to": None, "unit_price": "0.50"}]}]
    root = write_engagement(tmp_path, contracts=[c], tables={"activity/a.csv": rows, "plan/plan.csv": plan})
    return load("tiny", root=root)


def test_fit_ratio_per_class_and_band():
    past = [date(2026, 9, d) for d in (1, 2, 3, 4)]  # Tuesday to Friday
    rest = [date(2026, 9, 5), date(2026, 9, 7)]  # Saturday (not observed: the ratio of all days), Monday
    stream = projection.Stream(dict(zip(past, [D(110), D(90), D(110), D(90)], strict=True)),
                               {d: D(100) for d in past + rest}, "plan")
    projection.fit(stream, past, rest, frozenset())
    # weekday ratio 400 / 400 = 1 → each remaining day 100 × 1
    assert stream.future == {rest[0]: D(100), rest[1]: D(100)}
    # residuals ln 1.1, ln 0.9 (twice each), 4 − 1 class = 3 degrees: s² = (2·0.0953102² + 2·0.1053605²) / 3
    s2 = (2 * 0.0953102 ** 2 + 2 * 0.1053605 ** 2) / 3  # = 0.0134566
    # Var T = s²·(100² + 100²) + (100² + 100²)·s²/4 (each class's ratio on 4 days) = 25,000 s² = 336.41
    # c = 1.28155 × √336.41 / 200 = 1.28155 × 18.342 / 200 = 0.11753
    assert stream.spread == pytest.approx(1.2815516 * math.sqrt(25000 * s2) / 200, rel=1e-5)
    assert stream.spread == pytest.approx(0.11753, abs=1e-4)


def test_projected_close_crosses_the_tier_and_plans_the_month(tmp_path):
    rows = [activity_row(f"2026-09-0{d}", 110, 110) for d in (1, 2, 3)]
    eng = _tiered(tmp_path, rows, _plan(SEPT_DAYS))
    result = workbook.projected_close(eng, "acme", SEPT, date(2026, 9, 3), today=TODAY)
    # accrued: 330 handled × 1.00 = 330.00
    assert result.accrued_net == D("330.00")
    # ratio 330 / 300 = 1.1 on weekdays (and for the classes not observed): 27 days × 110 = 2,970;
    # 3,300 in all → 1,000 × 1.00 + 2,300 × 0.50 = 2,150.00 (tier 2 reached on a projected day)
    assert result.projected_net == D("2150.00")
    # the three days are exactly 1.1 × plan: no residual, no spread
    assert result.projected_low == result.projected_high == D("2150.00")
    # planned: 30 × 100 = 3,000 → 1,000 + 2,000 × 0.50 = 2,000.00
    assert result.planned_net == D("2000.00")
    assert result.methods[("care", "care_contacts")] == "plan" and result.gaps == []
    assert list(result.lines.columns) == ["service", "charge", "accrued", "projected", "planned"]
    assert list(result.lines.itertuples(index=False, name=None)) == [
        ("care", "care_contacts", D("330.00"), D("2150.00"), D("2000.00"))]
    daily = result.daily
    assert list(daily.columns) == ["date", "actual", "projected", "projected_low", "projected_high", "planned"]
    assert len(daily) == 30 and daily["projected"].iloc[-1] == D("2150.00")
    # planned cumulative on the 3rd: 300 × 1.00; actual 330.00
    assert daily["planned"].iloc[2] == D("300.00") and daily["actual"].iloc[2] == D("330.00")
    planned = workbook.planned_cost(eng, "acme", SEPT)
    assert list(planned.columns) == ["date", "service", "charge", "planned", "planned_cumulative"]
    # day 10 of the plan: 100 more handled at 0.50 (cumulative 1,000 reached on day 10: 900 → 1,000 at 1.00)
    assert planned["planned"].iloc[9] == D("100.00") and planned["planned"].iloc[10] == D("50.00")
    assert sum(planned["planned"], D(0)) == D("2000.00")


def test_variability_widens_the_band_around_the_central_close(tmp_path):
    rows = [activity_row("2026-09-01", 120, 120), activity_row("2026-09-02", 80, 80),
            activity_row("2026-09-03", 120, 120), activity_row("2026-09-04", 80, 80)]
    eng = _tiered(tmp_path, rows, _plan(SEPT_DAYS))
    result = workbook.projected_close(eng, "acme", SEPT, date(2026, 9, 4), today=TODAY)
    # ratio 400 / 400 = 1: 400 + 26 × 100 = 3,000 → 1,000 + 2,000 × 0.50 = 2,000.00
    assert result.projected_net == D("2000.00")
    assert result.projected_low < D("2000.00") < result.projected_high


def test_gaps_in_the_activity_and_in_the_plan_are_named(tmp_path):
    rows = [activity_row("2026-09-01", 110, 110), activity_row("2026-09-03", 110, 110)]
    eng = _tiered(tmp_path, rows, _plan(SEPT_DAYS, skip=(date(2026, 9, 17),)))
    result = workbook.projected_close(eng, "acme", SEPT, date(2026, 9, 3), today=TODAY)
    # the 2nd is planned (100) but has no activity: a gap, not a zero; the 17th (a Thursday, a day the
    # service opens) is missing from the plan file
    assert projection.Gap("activity", "care", date(2026, 9, 2)) in result.gaps
    plan_gaps = [g for g in result.gaps if g.what == "plan"]
    assert [(g.service, g.day) for g in plan_gaps] == [("care", date(2026, 9, 17))]
    assert plan_gaps[0].file.endswith("plan.csv")
    # the ratio leaves the gap out: 220 / 200 = 1.1 (not 220 / 300); 26 planned days × 110 = 2,860, the 17th
    # from the profile of Thursdays (the 3rd: 110) as it is; 220 + 2,860 + 110 = 3,190
    # → 1,000 + 2,190 × 0.50 = 2,095.00
    assert result.projected_net == D("2095.00")


def test_plan_without_hours_gets_them_from_erlang_c(tmp_path):
    c = contract()
    c["services"][0]["charges"] = [{"id": "care_hours", "unit": "logged_hour", "model": "per_unit",
                                    "unit_price": "20.00"}]
    rows = [activity_row("2026-09-01", 100, 100, logged_s=36000)]
    root = write_engagement(tmp_path, contracts=[c], tables={"activity/a.csv": rows,
                                                             "plan/plan.csv": _plan(SEPT_DAYS, logged="")},
                            settings={"staffing": {"shrinkage": 0.2, "sl_target": 0.8, "opening_hours": 1}})
    eng = load("tiny", root=root)
    planned = workbook.planned_cost(eng, "acme", SEPT)
    # 100 contacts over 1 opening hour = 2 half-hours of 50; traffic 50 × 180 / 1800 = 5 Erlangs.
    # Erlang C, 20 s threshold: n = 7 → C = 54.25 / 167.37 = 0.3241, SL = 1 − 0.3241·e^(−2·20/180) = 0.741;
    # n = 8 → C = 25.835 / 154.454 = 0.1673, SL = 1 − 0.1673·e^(−3·20/180) = 0.880 ≥ 0.8 → 8 agents,
    # ⌈8 / (1 − 0.2)⌉ = 10 scheduled × 0.5 h × 2 intervals = 10 h a day × 20.00 = 200.00
    assert set(planned["planned"]) == {D("200.00")}
    assert sum(planned["planned"], D(0)) == D("6000.00")


def test_sl_target_from_the_sla_penalty_bands():
    c = contract()["services"][0]
    from ccanalysis.contract import Service

    service = Service(**{**c, "kpis": {"service_level": {"variant": "offered", "threshold_s": 20}},
                         "sla": {"rules": [{"kpi": "service_level", "bands": [
                             {"below": "0.75", "adjustment": "-0.05"},
                             {"from": "0.75", "below": "0.85", "adjustment": "-0.02"},
                             {"from": "0.9", "adjustment": "0.01"}]}]}})
    # the largest `below` of a penalty band: 0.85
    assert projection.sl_target(service, D("0.8")) == 0.85
    assert projection.sl_target(Service(**c), D("0.8")) == 0.8
