"""Measure (issue 12): on the demo, a month that follows its plan raises no alert, and +15 % AHT injected into one
service from a given day is alerted on the day it becomes significant, with handling time as the driver.

The demo is copied into a temporary folder and southpoint's `sales` rows of `data/demo/activity/southpoint.csv`
are rewritten to be the plan exactly: offered and handled as planned, talk time = handled × the planned AHT
(300 s; hold and ACW 0), logged time as planned. So, day by day, every ratio actual ÷ plan of volume, AHT,
hours and cost is 1 (cost: the hourly charges price the same logged hours on both sides).
"""

from __future__ import annotations

import shutil
from datetime import date

import pandas as pd
import pytest

from ccanalysis import deviations, morning
from ccanalysis.engagement import load

INJECTED = date(2026, 10, 14)  # a Wednesday: from this day on, sales' AHT is 15 % over plan


def _follow_plan(root, aht_from: date | None = None) -> None:
    path = root / "data" / "demo" / "activity" / "southpoint.csv"
    activity = pd.read_csv(path, dtype=str)
    plan = pd.read_csv(root / "data" / "demo" / "plan" / "plan.csv", dtype=str)
    plan = plan[plan["service"] == "sales"].set_index("date")
    for i in activity.index[activity["service"] == "sales"]:
        day = activity.at[i, "date"]
        if day not in plan.index:
            continue
        p = plan.loc[day]
        handled = int(p["handled"])
        factor = 1.15 if aht_from is not None and date.fromisoformat(day) >= aht_from else 1.0
        activity.loc[i, ["offered", "handled", "abandoned", "abandoned_short", "answered_within_sl", "wait_s"]] = [
            p["offered"], str(handled), str(int(p["offered"]) - handled), "0", str(handled), str(handled)]
        activity.loc[i, ["talk_s", "hold_s", "acw_s"]] = [str(round(handled * int(p["aht_s"]) * factor)), "0", "0"]
        # more handling time needs more logged time: the hours grow with it (occupancy as planned)
        activity.loc[i, "logged_s"] = str(round(int(p["logged_s"]) * factor))
    activity.to_csv(path, index=False)


@pytest.fixture(scope="module")
def copies(demo_root, tmp_path_factory):
    out = {}
    for name, aht_from in (("plan", None), ("aht", INJECTED)):
        root = tmp_path_factory.mktemp(name)
        for part in ("parameters", "data"):
            shutil.copytree(demo_root / part, root / part)
        _follow_plan(root, aht_from)
        out[name] = load("demo", root=root)
    return out


def _history(eng) -> pd.DataFrame:
    """The alerts of southpoint sales on every day of October (each day judged on the days up to it)."""
    frame = morning.daily_frame(eng, "southpoint", date(2026, 10, 31))
    history = deviations.alert_history(frame, eng.settings.alerts)
    return history[(history["service"] == "sales") & (history["as_of"] >= date(2026, 10, 1))]


def test_a_month_that_follows_its_plan_raises_no_alert(copies):
    eng = copies["plan"]
    frame = morning.daily_frame(eng, "southpoint", date(2026, 10, 31))
    sales = frame[frame["service"] == "sales"]
    # the frame reads what was written: 20 days of September history, then every October day with a plan row
    assert sales["date"].min() == pd.Timestamp("2026-09-11")
    assert (sales["offered_actual"] == sales["offered_plan"]).all()
    assert (sales["aht_s_actual"] == sales["aht_s_plan"]).all()
    assert (sales["hours_actual"] == sales["hours_plan"]).all()
    assert (sales["cost_actual"] == sales["cost_plan"]).all()  # same hours, same prices
    assert _history(eng).empty
    assert morning.alerts_on(eng, date(2026, 10, 20), "southpoint").query("service == 'sales'").empty


def test_aht_fifteen_percent_over_is_alerted_on_the_day_with_handling_time_as_driver(copies):
    history = _history(copies["aht"])
    # Rule (deviations docstring): before 14 October every sales ratio is exactly 1, so the reference σ of
    # the same weekday class is 0 (and so is the 20-day spread that floors it): a ratio of 1.15 is outside
    # k × σ, the day is deviating, and its fraction 0.15 is beyond the daily threshold 0.10 (engagement.yaml
    # alerts.daily_deviation): the daily alert fires on 14 October itself, not a day later.
    assert history["as_of"].min() == INJECTED
    first = history[history["as_of"] == INJECTED].set_index("metric")
    assert {"aht", "hours", "cost"} <= set(first.index)
    assert "volume" not in first.index  # volume still follows the plan
    aht = first.loc["aht"]
    assert aht["since"] == INJECTED and aht["basis"] in ("daily", "both")
    # AHT: 300 s planned × 1.15 = 345 s: +45 s, +15 % (talk time rounded to the second over ~3,000 contacts)
    assert abs(float(aht["deviation"]) - 0.15) < 1e-4 and abs(float(aht["units"]) - 45) < 0.01
    cost = first.loc["cost"]
    # the cost deviation: volume effect 0 (volume as planned), handling time ≈ 15 % of the day's planned cost,
    # price/mix the rest (cents): handling time drives it
    assert cost["driver"] == "handling_time"
    assert cost["volume_effect"] == 0
    assert abs(cost["price_effect"]) < abs(cost["aht_effect"]) / 100
    assert cost["volume_effect"] + cost["aht_effect"] + cost["price_effect"] == cost["money"]
