"""The activity basis: forecast rows, staffed hours (Erlang C plus shrinkage), historic activity, the hours curve."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from ccanalysis.engagement import load
from ccanalysis.errors import InputError
from ccanalysis.simulation.basis import (
    forecast_basis,
    forecast_intervals,
    historic_basis,
    hours_curve,
    hours_ratio,
    scale_basis,
    staff_intervals,
)
from ccanalysis.simulation.model import Staffing
from tests.engagements import activity_row, write_engagement

WEEKLY = tuple(Decimal(x) for x in ("1.2", "1", "1", "1", "1", "0.6", "0.5"))  # mon .. sun
STAFF = Staffing(sl_target=Decimal("0.8"), threshold_s=20, shrinkage=Decimal("0.25"), interval_s=1800)


def test_forecast_rows_are_volume_times_weekly_times_growth_times_intraday():
    rows = forecast_intervals("2027-02", 2, Decimal(100), Decimal(240), growth=Decimal("0.1"), weekly=WEEKLY,
                              intraday={"09:00": Decimal("0.25"), "09:30": Decimal("0.75")})
    # February 2027 has 28 days, March 31: 59 days × 2 intervals
    assert len(rows) == 118 and set(rows["aht_s"]) == {240.0}
    by_key = rows.set_index([rows["date"].dt.strftime("%Y-%m-%d"), "interval_start"])["offered"]
    assert by_key[("2027-02-01", "09:00")] == pytest.approx(30)  # a Monday: 100 × 1.2 × 0.25
    assert by_key[("2027-02-07", "09:30")] == pytest.approx(37.5)  # a Sunday: 100 × 0.5 × 0.75
    assert by_key[("2027-03-01", "09:30")] == pytest.approx(99)  # Monday of month 1: 100 × 1.2 × 1.1 × 0.75


def test_erlang_c_hours_with_shrinkage_by_hand():
    # 10 contacts of 180 s in 1800 s: A = 1 Erlang. n = 2: B = 0.5 / 2.5 = 0.2, C = 2·0.2 / (2 − 0.8) = 1/3,
    # SL = 1 − e^(−1·20/180)/3 = 0.702 < 0.8; n = 3: B = (1/6)/(8/3) = 1/16, C = 0.1875 / 2.0625 = 0.0909,
    # SL = 1 − 0.0909·e^(−2·20/180) = 0.927 ≥ 0.8 → 3 productive agents; ⌈3 / (1 − 0.25)⌉ = 4 paid agents
    # × 0.5 h = 2 paid hours (1.5 productive).
    intervals = pd.DataFrame({"date": [pd.Timestamp("2027-01-04")], "interval_start": ["09:00"], "offered": [10.0],
                              "aht_s": [180.0]})
    staffed = staff_intervals(intervals, STAFF)
    assert staffed["raw_agents"].iloc[0] == 3 and staffed["agents"].iloc[0] == 4
    assert staffed["staffed_hours"].iloc[0] == Decimal("2.0") and staffed["productive_hours"].iloc[0] == Decimal("1.5")
    assert staffed["logged_s"].iloc[0] == Decimal(7200)
    assert staffed["service_level"].iloc[0] == pytest.approx(1 - 0.0909091 * np.exp(-40 / 180), abs=1e-6)


def test_a_forecast_basis_is_priced_from_the_staffed_hours():
    intervals = pd.DataFrame({"date": [pd.Timestamp("2027-01-04"), pd.Timestamp("2027-02-01")],
                              "interval_start": ["09:00", "09:00"], "offered": [10.0, 10.0], "aht_s": [180.0, 180.0]})
    basis = forecast_basis(intervals, "care", STAFF)
    assert basis.kind == "forecast" and basis.months == ("2027-01", "2027-02") and basis.hours_source == "erlang_c"
    rows = basis.activities["2027-01"].rows
    # Erlang C: everything offered is handled, talk = 10 × 180 s, logged = 2 paid hours
    assert rows["handled"].iloc[0] == 10 and rows["talk_s"].iloc[0] == 1800 and rows["logged_s"].iloc[0] == 7200
    assert basis.days["logged_s"].tolist() == [7200.0, 7200.0] and basis.days["aht_s"].tolist() == [180.0, 180.0]
    assert str(basis.periods["2027-02"].end) == "2027-02-28"


def test_erlang_a_when_patience_is_given():
    staffing = Staffing(sl_target=Decimal("0.8"), threshold_s=20, shrinkage=Decimal(0), patience_s=Decimal(60))
    intervals = pd.DataFrame({"date": [pd.Timestamp("2027-01-04")], "interval_start": ["09:00"], "offered": [50.0],
                              "aht_s": [180.0]})
    basis = forecast_basis(intervals, "care", staffing)
    rows = basis.activities["2027-01"].rows
    assert basis.hours_source == "erlang_a"
    assert 0 < rows["abandoned"].iloc[0] < 50 and rows["handled"].iloc[0] + rows["abandoned"].iloc[0] == 50


def test_a_negative_forecast_volume_is_refused():
    with pytest.raises(InputError, match="cannot be negative"):
        forecast_intervals("2027-01", 1, Decimal(-1), Decimal(300), intraday={"09:00": Decimal(1)})
    intervals = pd.DataFrame({"date": [pd.Timestamp("2027-01-04")], "interval_start": ["09:00"], "offered": [-3.0],
                              "aht_s": [180.0]})
    with pytest.raises(InputError, match=r"cannot be negative \(-3.0 on 2027-01-04\)"):
        forecast_basis(intervals, "care", STAFF)


def test_hours_curve_where_occupancy_binds():
    # 100 contacts × 180 s / 1800 s = 10 Erlangs; maximum occupancy 0.5 → 20 agents (the SL target is far
    # exceeded there), no shrinkage: 10 h. Volume × 1.2 → 12 Erlangs → 24 agents → ratio 1.2; AHT × 0.8 → 0.8;
    # volume × 1.15 lies between the grid's 1.1 (22 agents, 1.1) and 1.2 → 1.15.
    staffing = Staffing(sl_target=Decimal("0.8"), threshold_s=20, shrinkage=Decimal(0),
                        max_occupancy=Decimal("0.5"))
    intervals = pd.DataFrame({"date": [pd.Timestamp("2027-01-04")], "interval_start": ["09:00"], "offered": [100.0],
                              "aht_s": [180.0]})
    basis = forecast_basis(intervals, "care", staffing)
    curve = hours_curve(basis, staffing)
    assert curve(np.array([1.0, 1.2, 1.0, 1.15]), np.array([1.0, 1.0, 0.8, 1.0])) == pytest.approx([1, 1.2, 0.8, 1.15])
    assert curve(np.ones((2, 3)), np.ones((2, 3))).shape == (2, 3)
    assert hours_ratio(basis, staffing, 1.2, 1.0) == pytest.approx(1.2)


def _rows_engagement(tmp_path):
    rows = [activity_row("2026-09-01", 100, 100, talk_s=24000, logged_s=36000),
            activity_row("2026-09-02", 200, 200, talk_s=48000, logged_s=72000)]
    write_engagement(tmp_path, tables={"activity/a.csv": rows})
    return load("tiny", root=tmp_path)


def test_a_historic_basis_keeps_the_recorded_logged_hours(tmp_path):
    eng = _rows_engagement(tmp_path)
    basis, problems = historic_basis(eng, "acme", "care", ["2026-09"], STAFF)
    assert problems == [] and basis.hours_source == "historic" and basis.intervals is None
    assert basis.days["logged_s"].tolist() == [36000.0, 72000.0] and basis.days["aht_s"].tolist() == [240.0, 240.0]
    assert basis.time_activities == {} and basis.activities["2026-09"].source == "daily"
    # without intervals the hours scale with the workload: volume × AHT
    assert hours_curve(basis, STAFF)(np.array(1.1), np.array(1.2)) == pytest.approx(1.32)
    scaled = scale_basis(basis, Decimal("1.1"), Decimal("1.2"), STAFF)
    assert scaled.activities["2026-09"].rows["logged_s"].tolist() == pytest.approx([36000 * 1.32, 72000 * 1.32])
    assert scaled.activities["2026-09"].rows["handled"].tolist() == pytest.approx([110, 220])
    assert scaled.activities["2026-09"].rows["talk_s"].tolist() == pytest.approx([24000 * 1.32, 48000 * 1.32])


def _contact(i: int, start: str) -> dict:
    return {"contact_id": f"c{i}", "supplier": "acme", "service": "care", "start": start, "queue_s": 0,
            "answered": True, "abandoned": False, "talk_s": 150, "hold_s": 10, "acw_s": 20}


def test_contact_records_are_staffed_per_interval(tmp_path):
    # 10 contacts between 09:00 and 09:29 of 150 + 10 + 20 = 180 s: the interval of the Erlang C case above
    # (A = 1 → 3 productive agents → 4 paid → 2 h = 7200 s logged).
    contacts = [_contact(i, f"2026-09-01 09:{2 * i:02d}:00") for i in range(10)]
    write_engagement(tmp_path, tables={"contacts/c.csv": contacts})
    eng = load("tiny", root=tmp_path)
    basis, problems = historic_basis(eng, "acme", "care", ["2026-09"], STAFF)
    assert problems == [] and basis.hours_source == "erlang_c"
    assert basis.activities["2026-09"].source == "contacts"
    timed = basis.time_activities["2026-09"]
    assert timed.contacts.empty and timed.rows["logged_s"].tolist() == [Decimal(7200)]
    assert basis.intervals[["offered", "aht_s"]].values.tolist() == [[10, 180.0]]
    assert basis.days["logged_s"].tolist() == [7200.0] and basis.days["handled"].tolist() == [10.0]
    # volume × 1.1: 11 records, one repeated under a new id; AHT × 1.1: 165 + 11 + 22 s (whole seconds)
    scaled = scale_basis(basis, Decimal("1.1"), Decimal(1), STAFF).activities["2026-09"].contacts
    assert len(scaled) == 11 and scaled["contact_id"].is_unique
    longer = scale_basis(basis, Decimal(1), Decimal("1.1"), STAFF).activities["2026-09"].contacts
    assert longer[["talk_s", "hold_s", "acw_s"]].iloc[0].tolist() == [165, 11, 22]
