"""Actual against plan, day by day and month to date, and the alerts a morning flash raises (practices 6, 7).

Pure: a daily frame in, facts (codes and numbers) out; the words are in `ccanalysis.i18n.deviations`.

Input (`INPUT`): one row per (date, supplier, service) with ``offered_actual, offered_plan`` (contacts),
``aht_s_actual, aht_s_plan`` (seconds), ``hours_actual, hours_plan`` (hours), ``cost_actual, cost_plan``
(Decimal money) and ``weekday_class`` (one of `WEEKDAY_CLASSES`). An optional ``period`` column (the billing
month, e.g. "2026-10") says where the month-to-date sums restart; without it, at each calendar month. Rows
of earlier periods may be given as history: the statistical control reads them (so the first days of a
month are judged against the last days of the previous one); cumulative figures restart per period.

Metrics (`METRICS`): ``volume`` (offered contacts), ``aht`` (seconds; month to date weighted by volume:
Σ volume × AHT ÷ Σ volume on each side), ``hours`` and ``cost``. Fractions are of plan: (actual − plan) ÷
plan, None where the plan is zero.

The cost deviation of a day is split by the **sequential (chain) flexible-budget variance analysis**::

    price_p        = cost_p ÷ (V_p × AHT_p)                       planned cost per planned handled second
    volume effect  = (V_a − V_p) × AHT_p × price_p   = (V_a − V_p) × cost_p ÷ V_p
    handling time  = V_a × (AHT_a − AHT_p) × price_p = V_a × (AHT_a − AHT_p) × cost_p ÷ (V_p × AHT_p)
    price / mix    = (cost_a − cost_p) − volume effect − handling-time effect

each effect rounded half-up to cents and price/mix taken as the rest, so the three add up to the cost
deviation exactly. Price/mix holds everything that is neither volume nor handling time: occupancy (hours
per workload), tier crossings, SLA adjustments, prices. A day without planned volume puts the whole
deviation in volume; a plan without AHT leaves handling time at zero. The driver (`DRIVERS`) is the effect
largest in absolute value (ties: in the order volume, handling_time, price_mix).

Alert rule, per (supplier, service, metric), evaluated on each day from that day and the days before it
only (so a backtest sees what the morning flash saw):

1. **Statistical control.** The day's ratio actual ÷ plan is compared with the ratios of the last `window`
   days of the same weekday class *before the current run of deviating days began* (so a shift does not
   become its own reference): the day is *deviating* when |ratio − mean| > k × σ, σ the larger of those
   ratios' sample standard deviation and the spread s of rule 3 (five days give a σ too unsteady to
   trust alone: it is floored by the day-to-day spread of the last `SPREAD_DAYS` days; with σ = 0 any
   other ratio is outside). With fewer than `min_history` such days the control
   cannot judge and the day is deviating when its fraction is beyond the daily threshold. Consecutive
   deviating days on the same side of plan form a run.
2. **Daily alert**: a deviating day whose fraction of plan is beyond ``alerts.daily_deviation`` (|fraction|
   > threshold): a day over the threshold that is the usual behaviour of its weekday class (e.g. Sundays
   that always run 12 % over plan) is not alerted day by day.
3. **Cumulative alert**: the month-to-date fraction F is beyond ``alerts.cumulative_deviation`` and
   beyond the noise of n days: |F| > k × s ÷ √n, s the sample standard deviation of the daily fractions of
   the last `SPREAD_DAYS` days before the current run of deviating days began (any class) and n the days
   of the period so far (without `min_history` such days, the threshold alone). So the first days of a
   month, whose month to date is one or two noisy days, do not raise a cumulative alert on noise alone.

An alert (`ALERT_COLUMNS`) says what (``metric``), where (``supplier, service``), which rule (``basis``:
daily, cumulative or both), since when (``since``: the first day of the run of consecutive alerted or
deviating days on the alert's side of plan that ends on the as-of day) and how much over that run:
``deviation`` (fraction of plan), ``units`` (the metric's own unit, `UNITS`), ``money`` (the cost
deviation) with its split ``volume_effect, aht_effect, price_effect`` and the ``driver``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

import pandas as pd

from .money import ZERO, round_half_up, round_money, to_decimal

METRICS = ("volume", "aht", "hours", "cost")
#: the unit each metric's deviation is counted in
UNITS = {"volume": "contact", "aht": "second", "hours": "hour", "cost": "money"}
DRIVERS = ("volume", "handling_time", "price_mix")
WEEKDAY_CLASSES = ("weekday", "saturday", "sunday", "holiday")
BASES = ("daily", "cumulative", "both")

_COLUMNS = {"volume": ("offered_actual", "offered_plan"), "aht": ("aht_s_actual", "aht_s_plan"),
            "hours": ("hours_actual", "hours_plan"), "cost": ("cost_actual", "cost_plan")}
INPUT = ["date", "supplier", "service", "weekday_class", *(c for pair in _COLUMNS.values() for c in pair)]

DEVIATION_COLUMNS = ["date", "period", "supplier", "service", "weekday_class", "metric", "actual", "plan",
                     "deviation", "fraction", "ratio", "cum_actual", "cum_plan", "cum_deviation", "cum_fraction"]
EFFECT_COLUMNS = ["date", "period", "supplier", "service", "cost_actual", "cost_plan", "total", "volume_effect",
                  "aht_effect", "price_effect", "driver"]
SIGNAL_COLUMNS = [*DEVIATION_COLUMNS, "reference_mean", "reference_sigma", "reference_days", "spread",
                  "period_days", "deviating",
                  "daily_alert", "cumulative_alert", "alert", "basis", "since"]
ALERT_COLUMNS = ["as_of", "supplier", "service", "metric", "basis", "since", "deviation", "units", "unit",
                 "money", "driver", "volume_effect", "aht_effect", "price_effect", "day_fraction",
                 "cum_fraction"]

#: fractions and ratios are kept to 12 decimals: hours such as 1,000 × 300 s ÷ 3,600 repeat, and their
#: last digit must not tip a threshold (8 % on 5,000 of 8,000 planned is 5 %, not over it)
FRACTION_PLACES = 12
DEFAULT_K = Decimal(3)
#: days of daily fractions whose spread judges a month-to-date deviation
SPREAD_DAYS = 20
DEFAULT_WINDOW = 5
DEFAULT_MIN_HISTORY = 3


class Thresholds(Protocol):
    """What `alerts` reads of engagement.yaml's `alerts:` block (`contract.Alerts`): fractions of plan."""

    daily_deviation: Decimal
    cumulative_deviation: Decimal


@dataclass(frozen=True)
class Effects:
    """A cost deviation split into volume, handling-time and price/mix effects (they add up to `total`)."""

    total: Decimal
    volume: Decimal
    handling_time: Decimal
    price_mix: Decimal

    @property
    def driver(self) -> str:
        """The effect largest in absolute value (`DRIVERS` order breaks ties)."""
        values = (self.volume, self.handling_time, self.price_mix)
        return DRIVERS[max(range(3), key=lambda i: (abs(values[i]), -i))]

    def __add__(self, other: Effects) -> Effects:
        return Effects(self.total + other.total, self.volume + other.volume,
                       self.handling_time + other.handling_time, self.price_mix + other.price_mix)


NO_EFFECT = Effects(ZERO, ZERO, ZERO, ZERO)


def decompose(volume_actual: Any, volume_plan: Any, aht_actual: Any, aht_plan: Any, cost_actual: Any,
              cost_plan: Any) -> Effects:
    """The chain flexible-budget split of one cost deviation (see the module docstring), exact in Decimal:
    volume and handling-time effects rounded half-up to cents, price/mix the rest."""
    va, vp = _number(volume_actual), _number(volume_plan)
    aa, ap = _number(aht_actual), _number(aht_plan)
    ca, cp = to_decimal(cost_actual), to_decimal(cost_plan)
    total = ca - cp
    if not vp:
        return Effects(total, total, ZERO, ZERO)
    volume = round_money((va - vp) * cp / vp)
    handling = ZERO
    if ap and va and aa is not None:
        handling = round_money(va * (aa - ap) * cp / (vp * ap))
    return Effects(total, volume, handling, total - volume - handling)


def deviations(daily: pd.DataFrame) -> pd.DataFrame:
    """Daily and month-to-date actual against plan, one row per (date, supplier, service, metric)
    (`DEVIATION_COLUMNS`), in order of supplier, service, metric and date. Decimal figures; fractions and
    ratios None where the plan is zero."""
    rows = [row for series in _series(daily) for row in series]
    return pd.DataFrame(rows, columns=DEVIATION_COLUMNS)


def cost_effects(daily: pd.DataFrame) -> pd.DataFrame:
    """The cost deviation of every (date, supplier, service) split by `decompose` (`EFFECT_COLUMNS`)."""
    frame = _prepared(daily)
    rows = []
    for record in frame.to_dict("records"):
        e = _effects(record)
        rows.append({"date": record["date"], "period": record["period"], "supplier": record["supplier"],
                     "service": record["service"], "cost_actual": record["cost_actual"],
                     "cost_plan": record["cost_plan"], "total": e.total, "volume_effect": e.volume,
                     "aht_effect": e.handling_time, "price_effect": e.price_mix, "driver": e.driver})
    return pd.DataFrame(rows, columns=EFFECT_COLUMNS)


def signals(daily: pd.DataFrame, thresholds: Thresholds, *, k: Decimal | int = DEFAULT_K,
            window: int = DEFAULT_WINDOW, min_history: int = DEFAULT_MIN_HISTORY) -> pd.DataFrame:
    """Every row of `deviations` with the alert rule's workings (`SIGNAL_COLUMNS`): the reference mean, σ
    and number of days, whether the day is deviating, raises a daily or a cumulative alert, and the alert's
    basis and since date."""
    rows = [row for series in _judged(daily, thresholds, k, window, min_history) for row in series]
    return pd.DataFrame(rows, columns=SIGNAL_COLUMNS)


def alert_history(daily: pd.DataFrame, thresholds: Thresholds, *, k: Decimal | int = DEFAULT_K,
                  window: int = DEFAULT_WINDOW, min_history: int = DEFAULT_MIN_HISTORY) -> pd.DataFrame:
    """The alerts each day of `daily` would have raised (`ALERT_COLUMNS`, as_of = that day), e.g. for a
    backtest or to find the day a deviation became significant. Options: those of `signals`."""
    effects = {(r["date"], r["supplier"], r["service"]): r for r in cost_effects(daily).to_dict("records")}
    out = [_alert(series, i, effects)
           for series in _judged(daily, thresholds, k, window, min_history)
           for i, row in enumerate(series) if row["alert"]]
    frame = pd.DataFrame(out, columns=ALERT_COLUMNS)
    return frame.sort_values(["as_of", "supplier", "service", "metric"], kind="stable", ignore_index=True)


def alerts(daily: pd.DataFrame, thresholds: Thresholds, *, as_of: date | None = None, **options: Any) -> pd.DataFrame:
    """The alerts raised on `as_of` (default: the last date of `daily`), from the rows dated up to it
    (`ALERT_COLUMNS`, one row per supplier, service and metric alerted). Options: k (default 3), window
    (same-class days of reference, default 5), min_history (default 3); see the module docstring."""
    frame = _prepared(daily)
    if frame.empty:
        return pd.DataFrame(columns=ALERT_COLUMNS)
    as_of = as_of or max(frame["date"])
    history = alert_history(frame[frame["date"] <= as_of], thresholds, **options)
    return history[history["as_of"] == as_of].reset_index(drop=True)


# --------------------------------------------------------------------------- internals
def _number(value: Any) -> Decimal | None:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return None
    return to_decimal(value)


def _prepared(daily: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in INPUT if c not in daily.columns]
    if missing:
        raise ValueError(f"the daily frame lacks columns {', '.join(missing)} (needs {', '.join(INPUT)})")
    frame = daily.copy()
    frame["date"] = [pd.Timestamp(d).date() for d in frame["date"]]
    if frame.duplicated(["date", "supplier", "service"]).any():
        raise ValueError("the daily frame has more than one row for a (date, supplier, service)")
    unknown = sorted(set(frame["weekday_class"]) - set(WEEKDAY_CLASSES))
    if unknown:
        raise ValueError(f"weekday_class {unknown[0]!r} is not one of {', '.join(WEEKDAY_CLASSES)}")
    if "period" not in frame.columns:
        frame["period"] = [d.strftime("%Y-%m") for d in frame["date"]]
    return frame.sort_values(["supplier", "service", "date"], kind="stable", ignore_index=True)


def _effects(record: dict[str, Any]) -> Effects:
    return decompose(record["offered_actual"], record["offered_plan"], record["aht_s_actual"],
                     record["aht_s_plan"], record["cost_actual"], record["cost_plan"])


def _fraction(deviation: Decimal | None, plan: Decimal | None) -> Decimal | None:
    """deviation ÷ plan to `FRACTION_PLACES` decimals (None without a plan)."""
    return None if deviation is None or not plan else round_half_up(deviation / plan, FRACTION_PLACES)


def _series(daily: pd.DataFrame) -> list[list[dict[str, Any]]]:
    """Per (supplier, service, metric): its rows of `DEVIATION_COLUMNS` in date order (plus the day's
    volumes `_va`, `_vp`, which weight the AHT of a run)."""
    frame = _prepared(daily)
    out = []
    for (supplier, service), group in frame.groupby(["supplier", "service"], sort=False):
        records = group.to_dict("records")
        for metric in METRICS:
            actual_col, plan_col = _COLUMNS[metric]
            series: list[dict[str, Any]] = []
            period = None
            sums = [ZERO, ZERO]
            volumes = [ZERO, ZERO]
            for r in records:
                if r["period"] != period:
                    period, sums, volumes = r["period"], [ZERO, ZERO], [ZERO, ZERO]
                actual, plan = _number(r[actual_col]), _number(r[plan_col])
                va, vp = _number(r["offered_actual"]) or ZERO, _number(r["offered_plan"]) or ZERO
                if metric == "aht":  # month to date: Σ volume × AHT ÷ Σ volume on each side
                    sums = [sums[0] + va * (actual or ZERO), sums[1] + vp * (plan or ZERO)]
                    volumes = [volumes[0] + va, volumes[1] + vp]
                    cum_actual = sums[0] / volumes[0] if volumes[0] else None
                    cum_plan = sums[1] / volumes[1] if volumes[1] else None
                else:
                    sums = [sums[0] + (actual or ZERO), sums[1] + (plan or ZERO)]
                    cum_actual, cum_plan = sums
                deviation = actual - plan if actual is not None and plan is not None else None
                cum_deviation = cum_actual - cum_plan if cum_actual is not None and cum_plan is not None else None
                series.append({"date": r["date"], "period": r["period"], "supplier": supplier, "service": service,
                               "weekday_class": r["weekday_class"], "metric": metric, "actual": actual,
                               "plan": plan, "deviation": deviation, "fraction": _fraction(deviation, plan),
                               "ratio": (round_half_up(actual / plan, FRACTION_PLACES)
                                         if actual is not None and plan else None),
                               "cum_actual": cum_actual, "cum_plan": cum_plan, "cum_deviation": cum_deviation,
                               "cum_fraction": _fraction(cum_deviation, cum_plan), "_va": va, "_vp": vp})
            out.append(series)
    return out


def _sign(value: Decimal | None) -> int:
    return 0 if not value else (1 if value > 0 else -1)


def _reference(series: Sequence[dict[str, Any]], before: int, weekday_class: str,
               window: int) -> list[Decimal]:
    ratios: list[Decimal] = []
    for row in reversed(series[:before]):
        if row["weekday_class"] == weekday_class and row["ratio"] is not None:
            ratios.append(row["ratio"])
            if len(ratios) == window:
                break
    return ratios


def _judged(daily: pd.DataFrame, thresholds: Thresholds, k: Decimal | int, window: int,
            min_history: int) -> list[list[dict[str, Any]]]:
    if window < 1 or min_history < 2 or min_history > window:
        raise ValueError(f"need window >= min_history >= 2 (got window={window}, min_history={min_history})")
    daily_limit = to_decimal(thresholds.daily_deviation)
    cum_limit = to_decimal(thresholds.cumulative_deviation)
    return [_judge(series, to_decimal(k), window, min_history, daily_limit, cum_limit)
            for series in _series(daily)]


def _judge(series: list[dict[str, Any]], k: Decimal, window: int, min_history: int, daily_limit: Decimal,
           cum_limit: Decimal) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    run_start, run_sign, period_days = 0, 0, 0
    for i, row in enumerate(series):
        previous = out[-1] if out else None
        continuing = previous is not None and previous["deviating"]
        start = run_start if continuing else i
        mean = sigma = None
        deviating, sign, days = False, 0, 0
        for attempt in (start, i) if start != i else (i,):
            ratios = _reference(series, attempt, row["weekday_class"], window)
            days = len(ratios)
            mean, sigma = _mean_sigma(ratios) if len(ratios) >= min_history else (None, None)
            spread = _spread(series, attempt, min_history)
            if sigma is not None and spread is not None:
                sigma = max(sigma, spread)
            deviating, sign = _deviating(row, mean, sigma, k, daily_limit)
            if not (deviating and attempt != i and sign != run_sign):
                start = attempt
                break
        if deviating:
            run_start, run_sign = start, sign
        fraction, cum = row["fraction"], row["cum_fraction"]
        period_days = period_days + 1 if previous is not None and previous["period"] == row["period"] else 1
        spread = _spread(series, start, min_history)
        daily_alert = bool(deviating and fraction is not None and abs(fraction) > daily_limit)
        cum_alert = bool(cum is not None and abs(cum) > cum_limit
                         and (spread is None or abs(cum) > k * spread / Decimal(period_days).sqrt()))
        judged = {**row, "reference_mean": mean, "reference_sigma": sigma,
                  "reference_days": days, "spread": spread, "period_days": period_days,
                  "deviating": deviating, "daily_alert": daily_alert, "cumulative_alert": cum_alert,
                  "alert": daily_alert or cum_alert,
                  "basis": ("both" if daily_alert and cum_alert else "daily" if daily_alert
                            else "cumulative" if cum_alert else None), "since": None}
        out.append(judged)
        if judged["alert"]:
            side = _sign(fraction) if daily_alert else _sign(cum)
            first = i
            while first > 0:
                before = out[first - 1]
                if not (before["alert"] or before["deviating"]) or _sign(before["fraction"]) != side:
                    break
                first -= 1
            judged["since"] = series[first]["date"]
    return out


def _spread(series: Sequence[dict[str, Any]], before: int, min_history: int) -> Decimal | None:
    """The sample standard deviation of the daily fractions of the last `SPREAD_DAYS` days before row
    `before` (None with fewer than `min_history`)."""
    fractions = [r["fraction"] for r in series[max(0, before - SPREAD_DAYS):before] if r["fraction"] is not None]
    return _mean_sigma(fractions)[1] if len(fractions) >= min_history else None


def _mean_sigma(ratios: list[Decimal]) -> tuple[Decimal, Decimal]:
    n = len(ratios)
    mean = sum(ratios, ZERO) / n
    variance = sum(((r - mean) ** 2 for r in ratios), ZERO) / (n - 1)
    return mean, variance.sqrt()


def _deviating(row: dict[str, Any], mean: Decimal | None, sigma: Decimal | None, k: Decimal,
               daily_limit: Decimal) -> tuple[bool, int]:
    if mean is None or sigma is None:  # too little history: the daily threshold alone
        fraction = row["fraction"]
        return bool(fraction is not None and abs(fraction) > daily_limit), _sign(fraction)
    if row["ratio"] is None:
        return False, 0
    gap = row["ratio"] - mean
    return abs(gap) > k * sigma, _sign(gap)


def _alert(records: list[dict[str, Any]], i: int, effects: dict[tuple, dict[str, Any]]) -> dict[str, Any]:
    """The alert of row `i`: its figures over the run since..as_of."""
    row = records[i]
    run = [r for r in records[: i + 1] if r["date"] >= row["since"]]
    metric = row["metric"]
    if metric == "aht":  # the run's AHT weighted by its days' volumes, on each side
        va = sum((r["_va"] for r in run), ZERO)
        vp = sum((r["_vp"] for r in run), ZERO)
        actual_total = sum(((r["actual"] or ZERO) * r["_va"] for r in run), ZERO) / va if va else None
        plan_total = sum(((r["plan"] or ZERO) * r["_vp"] for r in run), ZERO) / vp if vp else None
    else:
        actual_total = sum((r["actual"] or ZERO for r in run), ZERO)
        plan_total = sum((r["plan"] or ZERO for r in run), ZERO)
    units = deviation = None
    if actual_total is not None and plan_total is not None:
        units, deviation = actual_total - plan_total, _fraction(actual_total - plan_total, plan_total)
    split = NO_EFFECT
    for r in run:
        e = effects.get((r["date"], r["supplier"], r["service"]))
        if e is not None:
            split = split + Effects(e["total"], e["volume_effect"], e["aht_effect"], e["price_effect"])
    return {"as_of": row["date"], "supplier": row["supplier"], "service": row["service"], "metric": metric,
            "basis": row["basis"], "since": row["since"], "deviation": deviation,
            "units": None if units is None else (round_money(units) if metric == "cost" else round_half_up(units, 2)),
            "unit": UNITS[metric], "money": split.total, "driver": split.driver, "volume_effect": split.volume,
            "aht_effect": split.handling_time, "price_effect": split.price_mix, "day_fraction": row["fraction"],
            "cum_fraction": row["cum_fraction"]}
