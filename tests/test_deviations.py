"""Deviations against plan, the cost variance split and the alert rule (`ccanalysis.deviations`), on hand
numbers: plan per weekday 1,000 contacts, Saturday 600, Sunday 400, AHT 300 s, hours = volume × AHT ÷ 3,600
and cost = hours × 60 €/h (weekday 5,000.00, Saturday 3,000.00, Sunday 2,000.00)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pandas as pd
import pytest

from ccanalysis import deviations as dev
from ccanalysis.contract import Alerts
from ccanalysis.money import ZERO, round_money

D = Decimal
THRESHOLDS = Alerts(daily_deviation=D("0.10"), cumulative_deviation=D("0.05"))
PLAN = {"weekday": 1000, "saturday": 600, "sunday": 400}


def day_class(day: date) -> str:
    return {5: "saturday", 6: "sunday"}.get(day.weekday(), "weekday")


def frame(first: date, last: date, *, volume=lambda d: D(0), aht=lambda d: D(0), sunday_bias=ZERO,
          service: str = "care") -> pd.DataFrame:
    """Actual = plan × (1 + noise): `volume(d)` and `aht(d)` give the fraction of each day."""
    rows = []
    day = first
    while day <= last:
        cls = day_class(day)
        vp = PLAN[cls]
        bias = sunday_bias if cls == "sunday" else D(0)
        va = int((vp * (1 + volume(day) + bias)).to_integral_value())
        ap, aa = D(300), D(300) * (1 + aht(day))
        hp, ha = D(vp) * ap / 3600, D(va) * aa / 3600
        rows.append({"date": day, "supplier": "acme", "service": service, "weekday_class": cls,
                     "offered_actual": va, "offered_plan": vp, "aht_s_actual": aa, "aht_s_plan": ap,
                     "hours_actual": ha, "hours_plan": hp, "cost_actual": round_money(ha * 60),
                     "cost_plan": round_money(hp * 60)})
        day += timedelta(days=1)
    return pd.DataFrame(rows)


def noise(values: list[str]):
    """A deterministic noise of at most ±2.5 %: the day's ordinal picks one of `values`."""
    return lambda d: D(values[d.toordinal() % len(values)])


VOLUME_NOISE = noise(["0", "0.02", "-0.01", "0.015", "-0.02", "0.005", "-0.015", "0.01", "-0.005", "0.025",
                      "-0.025"])
AHT_NOISE = noise(["0.01", "-0.02", "0", "0.015", "-0.01", "0.02", "-0.015", "0.005", "-0.005", "0.02",
                   "-0.02", "0.01", "0"])


# --------------------------------------------------------------------------- the cost variance split
def test_chain_split_of_hand_numbers():
    # plan 1,000 contacts × 300 s at 5,000.00 → price_p = 5,000 ÷ 300,000 s = 1/60 € per s (60 €/h)
    # actual 1,100 contacts × 330 s, 6,200.00: deviation 1,200.00
    e = dev.decompose(1100, 1000, 330, 300, D("6200.00"), D("5000.00"))
    assert e.volume == D("500.00")  # (1,100 − 1,000) × 300 × 1/60
    assert e.handling_time == D("550.00")  # 1,100 × (330 − 300) × 1/60
    assert e.price_mix == D("150.00")  # 1,200 − 500 − 550
    assert e.total == D("1200.00") and e.driver == "handling_time"


def test_split_rounds_to_cents_and_still_adds_up_exactly():
    # plan 3 × 7 s at 10.00, actual 4 × 8 s at 13.33: volume (4 − 3) × 10 ÷ 3 = 3.333… → 3.33;
    # handling time 4 × (8 − 7) × 10 ÷ (3 × 7) = 40/21 = 1.9047… → 1.90; price/mix 3.33 − 3.33 − 1.90 = −1.90
    e = dev.decompose(4, 3, 8, 7, D("13.33"), D("10.00"))
    assert (e.volume, e.handling_time, e.price_mix) == (D("3.33"), D("1.90"), D("-1.90"))
    assert e.volume + e.handling_time + e.price_mix == e.total == D("3.33")
    assert e.driver == "volume"  # |3.33| > |1.90| = |−1.90|


def test_no_planned_volume_is_all_volume_and_price_drives_a_rate_change():
    assert dev.decompose(10, 0, 300, 300, D("50.00"), D("0")) == dev.Effects(D("50.00"), D("50.00"), D(0), D(0))
    # same volume and AHT, 5 % dearer: 5,250 − 5,000 = 250 all price/mix
    e = dev.decompose(1000, 1000, 300, 300, D("5250.00"), D("5000.00"))
    assert (e.volume, e.handling_time, e.price_mix, e.driver) == (D(0), D(0), D("250.00"), "price_mix")


def test_cost_effects_of_every_day_add_up():
    effects = dev.cost_effects(frame(date(2026, 10, 1), date(2026, 10, 31), volume=VOLUME_NOISE, aht=AHT_NOISE))
    assert len(effects) == 31
    for row in effects.itertuples():
        assert row.volume_effect + row.aht_effect + row.price_effect == row.total == row.cost_actual - row.cost_plan


# --------------------------------------------------------------------------- deviations
def test_daily_and_month_to_date_deviations():
    # Oct 1 (Thu) 1,000 × 300 s; Oct 2 (Fri) actual 1,100 contacts × 330 s against 1,000 × 300 s
    data = frame(date(2026, 10, 1), date(2026, 10, 2),
                 volume=lambda d: D("0.1") if d.day == 2 else D(0), aht=lambda d: D("0.1") if d.day == 2 else D(0))
    table = dev.deviations(data).set_index(["metric", "date"])
    volume = table.loc[("volume", date(2026, 10, 2))]
    assert (volume["deviation"], volume["fraction"]) == (100, D("0.1"))
    assert (volume["cum_actual"], volume["cum_plan"], volume["cum_fraction"]) == (2100, 2000, D("0.05"))
    aht = table.loc[("aht", date(2026, 10, 2))]
    # month to date weighted by volume: (1,000 × 300 + 1,100 × 330) ÷ 2,100 = 663,000 ÷ 2,100 = 315.714… s
    assert aht["cum_actual"] == D(663000) / 2100 and aht["cum_plan"] == 300
    cost = table.loc[("cost", date(2026, 10, 2))]
    # 1,100 × 330 ÷ 3,600 × 60 = 6,050.00 against 5,000.00
    assert (cost["deviation"], cost["cum_deviation"]) == (D("1050.00"), D("1050.00"))


def test_month_to_date_restarts_each_period():
    table = dev.deviations(frame(date(2026, 9, 30), date(2026, 10, 1), volume=lambda d: D("0.1")))
    volume = table[table["metric"] == "volume"].set_index("date")
    assert volume.loc[date(2026, 10, 1), "cum_actual"] == 1100  # September's 1,100 not carried


# --------------------------------------------------------------------------- alerts
def test_a_month_that_follows_its_plan_raises_no_alert():
    # ±2.5 % noise in volume and AHT; Sundays always run 12 % over plan (a habit, not a deviation)
    data = frame(date(2026, 9, 1), date(2026, 10, 31), volume=VOLUME_NOISE, aht=AHT_NOISE, sunday_bias=D("0.12"))
    history = dev.alert_history(data, THRESHOLDS)
    october = history[history["as_of"] >= date(2026, 10, 1)]
    assert october.empty, october[["as_of", "metric", "basis"]].to_string()
    # the control is what keeps the Sundays quiet: the first Sunday (6 Sep), with no Sundays before it to
    # compare with, is judged on the daily threshold alone (volume +12 % + its noise > 10 %)
    first_sunday = history[(history["as_of"] == date(2026, 9, 6)) & (history["metric"] == "volume")]
    assert list(first_sunday["basis"]) == ["daily"]
    # by 4 October the reference holds the four September Sundays: in control
    signals = dev.signals(data, THRESHOLDS).set_index(["metric", "date"])
    sunday = signals.loc[("volume", date(2026, 10, 4))]
    assert sunday["reference_days"] == 4 and abs(sunday["fraction"]) > D("0.10") and not sunday["deviating"]


def test_a_15_percent_aht_rise_is_alerted_the_day_it_starts_with_handling_time_as_driver():
    # AHT noise on the five weekdays before 14 Oct (7, 8, 9, 12, 13): +2 %, −1 %, 0, +1 %, −2 %, then +15 %
    # from Wednesday 14 Oct. Reference of 14 Oct: ratios 1.02, 0.99, 1.00, 1.01, 0.98: mean 1.00,
    # σ = √((4 + 1 + 0 + 1 + 4) × 10⁻⁴ ÷ 4) = 0.0158 (above the spread of 1–13 Oct, √(10 × 10⁻⁴ ÷ 12) =
    # 0.0091, which floors it); |1.15 − 1.00| = 0.15 > 3σ = 0.047 and 15 % > 10 %:
    # a daily alert on 14 Oct, none before.
    before = {7: "0.02", 8: "-0.01", 9: "0", 12: "0.01", 13: "-0.02"}
    data = frame(date(2026, 10, 1), date(2026, 10, 15),
                 aht=lambda d: D("0.15") if d.day >= 14 else D(before.get(d.day, "0")))
    judged = dev.signals(data, THRESHOLDS).set_index(["metric", "date"]).loc[("aht", date(2026, 10, 14))]
    assert judged["reference_mean"] == 1 and judged["reference_sigma"].quantize(D("0.0001")) == D("0.0158")
    history = dev.alert_history(data, THRESHOLDS)
    aht = history[history["metric"] == "aht"]
    assert list(aht["as_of"]) == [date(2026, 10, 14), date(2026, 10, 15)]
    assert set(history["as_of"]) == {date(2026, 10, 14), date(2026, 10, 15)}
    assert set(history["metric"]) == {"aht", "hours", "cost"}  # volume is on plan
    first = dev.alerts(data, THRESHOLDS, as_of=date(2026, 10, 14)).set_index("metric")
    assert first.loc["aht", "basis"] == "daily" and first.loc["aht", "since"] == date(2026, 10, 14)
    assert first.loc["aht", "deviation"] == D("0.15") and first.loc["aht", "units"] == D("45.00")  # 300 × 15 %
    # 14 Oct: 1,000 × 345 ÷ 3,600 × 60 = 5,750.00 against 5,000.00; all handling time:
    # 1,000 × 45 × 5,000 ÷ (1,000 × 300) = 750.00
    assert first.loc["cost", "money"] == D("750.00") and first.loc["cost", "aht_effect"] == D("750.00")
    assert set(first["driver"]) == {"handling_time"}
    # the reference stays the days before the run: 15 Oct is alerted again, since 14 Oct, over both days
    second = dev.alerts(data, THRESHOLDS).set_index("metric")
    assert second.loc["aht", "since"] == date(2026, 10, 14) and second.loc["cost", "money"] == D("1500.00")


def test_a_small_rise_is_alerted_when_the_month_to_date_crosses_its_threshold():
    # AHT +8 % from Monday 5 Oct, no noise: never over the daily 10 %. Month to date the AHT fraction is
    # 8 % × S ÷ (3,000 + S), S the volume from 5 Oct (1–4 Oct: 1,000 + 1,000 + 600 + 400 = 3,000):
    # over 5 % ⇔ S > 5,000. On Fri 9 Oct S = 5,000: exactly 5 %, not over; on Sat 10 Oct S = 5,600:
    # 8 % × 5,600 ÷ 8,600 = 5.21 % → first alert on 10 Oct, for AHT, hours and cost alike. (From 14 Sep:
    # the reference of 5 Oct holds five weekdays and that of Saturday 10 Oct three Saturdays.)
    data = frame(date(2026, 9, 14), date(2026, 10, 12), aht=lambda d: D("0.08") if d >= date(2026, 10, 5) else D(0))
    history = dev.alert_history(data, THRESHOLDS)
    assert min(history["as_of"]) == date(2026, 10, 10)
    first = history[history["as_of"] == date(2026, 10, 10)].set_index("metric")
    assert set(first.index) == {"aht", "hours", "cost"} and set(first["basis"]) == {"cumulative"}
    # since: the deviating days began on 5 Oct (ratio 1.08 against a reference of 1.00 with σ = 0); the
    # spread of the 20 days before 5 Oct is 0, so the month-to-date threshold alone decides
    assert set(first["since"]) == {date(2026, 10, 5)}
    assert first.loc["aht", "deviation"] == D("0.08") and first.loc["aht", "units"] == D("24.00")
    # 5–9 Oct: 1,000 × 324 ÷ 3,600 × 60 = 5,400.00 (+400.00) a day; 10 Oct: 600 × 324 s → 3,240.00 (+240.00)
    cost = first.loc["cost"]
    assert cost["money"] == D("2240.00") and cost["aht_effect"] == D("2240.00")
    assert (cost["volume_effect"], cost["price_effect"], cost["driver"]) == (D(0), D(0), "handling_time")
    # plan 1–10 Oct: 7 weekdays (35,000) + 2 Saturdays (6,000) + 1 Sunday (2,000) = 43,000;
    # 2,240 ÷ 43,000 = 0.052093023255813…
    assert first.loc["cost", "cum_fraction"] == D("0.052093023256")


def test_the_first_noisy_days_of_a_month_raise_no_cumulative_alert():
    # September's volume alternates +8 % / −8 % (even / odd ordinal); October runs 12 % over plan from day 1.
    data = frame(date(2026, 9, 1), date(2026, 10, 31),
                 volume=lambda d: D("0.12") if d.month == 10 else D("0.08") if d.toordinal() % 2 == 0 else D("-0.08"))
    signals = dev.signals(data, THRESHOLDS).set_index(["metric", "date"])
    first = signals.loc[("volume", date(2026, 10, 1))]
    # 1 Oct: month to date 12 % > 5 %, but the 20 days before (11–30 Sep, ten at +8 %, ten at −8 %) spread
    # s = √(20 × 0.08² ÷ 19) = 0.0821, and 12 % < 3 × 0.0821 ÷ √1 = 24.6 %: noise of one day, no alert.
    # Daily: the five weekdays before (24, 25, 28, 29, 30 Sep: 0.92, 1.08, 0.92, 1.08, 0.92) have mean 0.984 and
    # σ = 0.0876; |1.12 − 0.984| = 0.136 < 3σ = 0.263: not deviating either.
    assert first["cum_fraction"] == D("0.12") and not first["deviating"] and not first["alert"]
    assert first["spread"].quantize(D("0.0001")) == D("0.0821")
    # 31 Oct: the 20 days before (11–30 Oct) are all +12 %: s = 0, and 12 % > 5 %: alerted month to date
    last = signals.loc[("volume", date(2026, 10, 31))]
    assert last["spread"] == 0 and last["cumulative_alert"]


def test_a_fall_in_volume_is_alerted_under_plan():
    data = frame(date(2026, 10, 1), date(2026, 10, 8), volume=lambda d: D("-0.2") if d.day == 8 else D(0))
    alert = dev.alerts(data, THRESHOLDS).set_index("metric").loc["volume"]
    # 8 Oct: 800 of 1,000 (reference: 1–7 Oct has four weekdays at 1.00)
    assert (alert["units"], alert["deviation"], alert["basis"]) == (D("-200.00"), D("-0.2"), "daily")
    # cost 800 × 300 ÷ 3,600 × 60 = 4,000.00: −1,000.00 of volume effect (−200 × 5,000 ÷ 1,000)
    assert (alert["money"], alert["volume_effect"], alert["driver"]) == (D("-1000.00"), D("-1000.00"), "volume")


def test_bad_frames_are_refused():
    data = frame(date(2026, 10, 1), date(2026, 10, 2))
    with pytest.raises(ValueError, match="lacks columns cost_plan"):
        dev.deviations(data.drop(columns=["cost_plan"]))
    with pytest.raises(ValueError, match="weekday_class 'fiesta'"):
        dev.deviations(data.assign(weekday_class="fiesta"))
    with pytest.raises(ValueError, match="more than one row"):
        dev.deviations(pd.concat([data, data]))
    with pytest.raises(ValueError, match="min_history"):
        dev.alert_history(data, THRESHOLDS, window=2, min_history=3)


# --------------------------------------------------------------------------- words
def test_every_code_has_words_in_both_languages():
    from ccanalysis.i18n import deviations as words

    codes = {"metric": dev.METRICS, "driver": dev.DRIVERS, "weekday_class": dev.WEEKDAY_CLASSES,
             "basis": dev.BASES, "unit": tuple(dev.UNITS.values())}
    for kind, values in codes.items():
        assert set(words.NAMES[kind]) == set(values), kind  # no code without words, no words without a code
        for code in values:
            for lang in ("es", "en"):
                assert words.name(kind, code, lang) is not None
    with pytest.raises(KeyError, match="codes: volume, aht, hours, cost"):
        words.name("metric", "occupancy", "es")


def test_an_alert_in_words():
    from ccanalysis.i18n import deviations as words

    alert = {"metric": "aht", "deviation": D("0.152"), "since": date(2026, 10, 12), "units": D("45.6"),
             "unit": "second", "money": D("4210"), "driver": "handling_time"}
    assert words.describe(alert, "es") == ("TMO +15,2 % sobre el plan desde el 12/10 (+45,6 s; +4.210,00 €; "
                                           "causa: tiempo de gestión)")
    assert words.describe(alert, "en") == "AHT +15.2% over plan since Oct 12 (+45.6 s; +€4,210.00; driver: handling time)"
    fall = {"metric": "volume", "deviation": D("-0.2"), "since": date(2026, 10, 8), "units": D("-200"),
            "unit": "contact", "money": D("-1000.00"), "driver": "volume"}
    assert words.describe(fall, "es") == ("Volumen -20,0 % bajo el plan desde el 08/10 (-200 contactos; "
                                          "-1.000,00 €; causa: volumen)")
    cost = {"metric": "cost", "deviation": D("0.05"), "since": date(2026, 10, 5), "units": D("2240.00"),
            "unit": "money", "money": D("2240.00"), "driver": "price_mix"}
    assert words.describe(cost, "en") == "Cost +5.0% over plan since Oct 5 (+€2,240.00; driver: price and mix)"
