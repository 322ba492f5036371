"""The projected month-end close on an as-of date, with an 80 % band, and the planned cost (issue 12, items 2–3).

Projected close = the accrual of days 1..as-of (`ccanalysis.accrual`) plus the remaining days of the billing
period, priced by the same engine on cumulative units (so tier crossings, per-charge minimums and the
minimum-commitment true-up are projected, not extrapolated linearly).

Units of a remaining day, per charge (each charge is one stream of daily billable units):
- **plan × ratio**: the day's plan (table `plan`) turned into activity rows (`plan_rows`: offered, handled =
  offered × the service's answer rate observed, talk_s = handled × aht_s, logged_s as planned or from the
  staffing engine, `plan_hours`) gives the charge's planned units `p_d`; the projection is `p_d × r_k`, `r_k`
  the observed ratio Σ actual ÷ Σ plan over the month-to-date days of the same weekday class k (weekday,
  saturday, sunday, holiday from the engagement's calendar; a class not yet observed takes the ratio of all
  days; none observed: 1). Per-contact rounding is not applied to plan rows (a plan has no contacts): the
  ratio carries the rounding's uplift.
- **profile**, where the service has no plan or the plan cannot give the charge's unit (sales, payments,
  distinct customers…): `p_d` = the mean actual units of the same weekday over the last `PROFILE_WEEKS`
  weeks of actuals (this period's days up to as-of, and the previous period's), and the ratio is applied the
  same way.
- a capacity peak (`peak_over` day / interval) is held at its month-to-date peak; distinct customers grow
  linearly with the days in force; payment events repeat those of the latest actual day of the same weekday.
The SLA KPIs of the remaining days are taken equal to the month-to-date KPIs (the SLA lines are priced on
the projected base).

**Band (80 %)**: per stream, the log-ratio residuals `e_d = ln(a_d / p_d) − ln(r_k)` of the month-to-date
days with both values > 0 give a pooled variance `s² = Σ e² / (n − K)` (K classes observed; fewer than
`MIN_DAYS` residuals: `DEFAULT_SIGMA`). The remaining total `T = Σ p_d r_k` has variance
`s² Σ (p_d r_k)²` (independent daily errors) `+ Σ_k (Σ_{d∈k} p_d r_k)² s² / n_k` (the error of each ratio,
common to its class's days). With `c = z₀.₉ × sd(T) / T` (z₀.₉ = 1.2816, normal quantiles), every remaining
day's units of the stream are multiplied by `1 − c` (low, not below 0) and `1 + c` (high) and the whole
period is priced again at low and at high; projected_low / projected_high are the smaller / larger of the
two (and never above / below the central projection).

**Planned cost**: the plan's activity rows of every day priced by the same engine (rounding-free, no SLA:
a plan has no service-level data).

Pure: contracts, periods, engines, DataFrames in; frames and dataclasses out. `ccanalysis.workbook` wires
an engagement (`projected_close`, `planned_cost`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from ccanalysis import accrual, staffing
from ccanalysis.accrual import ChargeDays, Engine, add_units
from ccanalysis.contract import BillingPeriod, Service
from ccanalysis.errors import ContractError, InputError, UsageError
from ccanalysis.invoice import Line
from ccanalysis.money import ZERO, to_decimal
from ccanalysis.periods import day_class
from ccanalysis.pricing.units import ServiceActivity, Units, billable_units

#: z of the 90th percentile of the standard normal: the 80 % two-sided band.
Z80 = 1.2815515655446004
#: Residuals needed before the observed variability is trusted; below it DEFAULT_SIGMA (a ±25 % day).
MIN_DAYS = 3
DEFAULT_SIGMA = 0.25
#: Weeks of actuals the same-weekday profile averages.
PROFILE_WEEKS = 4
#: First interval when the intraday profile is even over the opening hours.
OPENING_TIME = "08:00"
PLAN_FILE = "data/ENG/plan/"


# ------------------------------------------------------------------------------------------ bad input

def check_as_of(as_of: date, period: BillingPeriod, last: date | None, supplier: str, *,
                first: date | None = None, today: date | None = None) -> date:
    """`as_of` checked against the period and the data: UsageError when it is in the future, outside the
    billing period or after the supplier's last day of data (the message gives the data's range)."""
    today = today or date.today()
    shown = f"{first or period.start}..{last}" if last is not None else "none"
    if as_of > today:
        raise UsageError(f"--as-of {as_of} is in the future (today is {today}); {supplier}'s data of billing "
                         f"period {period.month} cover {shown}")
    if not period.start <= as_of <= period.end:
        raise UsageError(f"--as-of {as_of} is outside billing period {period.month} ({period.start}.."
                         f"{period.end}) of {supplier}")
    if last is None:
        raise UsageError(f"{supplier} has no activity in billing period {period.month}: nothing to accrue on "
                         f"{as_of}")
    if as_of > last:
        raise UsageError(f"--as-of {as_of} is after the last day of {supplier}'s data in billing period "
                         f"{period.month} (the data cover {shown})")
    return as_of


@dataclass(frozen=True)
class Gap:
    """A day without the data it needs: `what` "activity" (a service in force with neither activity rows
    nor contact records on a day it is open) or "plan" (a remaining day the plan file does not cover)."""

    what: str
    service: str
    day: date
    file: str | None = None


# ------------------------------------------------------------------------------------------ plan → activity

def sl_target(service: Service, default: Decimal) -> float:
    """The service-level target the staffing engine plans for: the level below which the service's SLA
    penalises service_level (its largest `below` with a negative adjustment), else `default`."""
    best = None
    for rule in (service.sla or {}).get("rules") or []:
        if rule.get("kpi") != "service_level":
            continue
        for band in rule.get("bands") or []:
            if band.get("below") is not None and to_decimal(band.get("adjustment", 0)) < 0:
                below = to_decimal(band["below"])
                best = below if best is None else max(best, below)
    return float(best if best is not None else default)


def intraday_profile(interval_rows: pd.DataFrame, opening_hours: int, interval_s: int) -> pd.Series:
    """Share of a day's offered contacts per interval start ("HH:MM"): from interval activity rows when there
    are any, else even over `opening_hours` from OPENING_TIME."""
    if not interval_rows.empty and "interval_start" in interval_rows and interval_rows["interval_start"].notna().any():
        rows = interval_rows[interval_rows["interval_start"].notna()]
        by = rows.groupby("interval_start")["offered"].sum().astype(float)
        if by.sum() > 0:
            return by / by.sum()
    count = int(opening_hours * 3600 // interval_s)
    start = int(OPENING_TIME[:2]) * 60 + int(OPENING_TIME[3:])
    starts = [f"{(start + i * interval_s // 60) // 60:02d}:{(start + i * interval_s // 60) % 60:02d}"
              for i in range(count)]
    return pd.Series([1.0 / count] * count, index=starts)


def plan_hours(days: pd.DataFrame, profile: pd.Series, *, sl_target_: float, threshold_s: float,
               shrinkage: float, interval_s: int = staffing.DEFAULT_INTERVAL_S) -> pd.Series:
    """Logged seconds per plan day (index of `days`: date, offered, aht_s) from the staffing engine: the
    day's offered spread over the intraday `profile`, Erlang C agents per interval at the SL target within
    threshold_s, grossed up for shrinkage (`staffing.interval_requirements`), staffed hours summed per day."""
    if days.empty:
        return pd.Series([], dtype=object)
    forecast = pd.DataFrame({
        "row": np.repeat(np.arange(len(days)), len(profile)),
        "date": np.repeat(days["date"].to_numpy(), len(profile)),
        "interval_start": np.tile(profile.index.to_numpy(), len(days)),
        "offered": np.repeat(days["offered"].to_numpy(dtype=float), len(profile)) * np.tile(profile.to_numpy(),
                                                                                            len(days)),
        "aht_s": np.repeat(days["aht_s"].to_numpy(dtype=float), len(profile)),
    })
    needs = staffing.interval_requirements(forecast, interval_s=interval_s, sl_target=sl_target_,
                                           threshold_s=threshold_s, shrinkage=shrinkage)
    hours = needs.groupby("row")["staffed_hours"].agg(lambda h: sum(h, Decimal(0)))
    return pd.Series([hours.get(i, ZERO) * 3600 for i in range(len(days))], index=days.index)


def plan_rows(plan: pd.DataFrame, service: Service, *, answer_rate: Decimal | None,
              hours: pd.Series | None = None) -> pd.DataFrame:
    """Activity rows (data.md) of one service's plan rows: date, supplier, service, offered, handled (as
    planned, else offered × `answer_rate`, else offered), talk_s = handled × aht_s (AHT = talk + hold + ACW),
    hold_s = acw_s = aux_s = 0, logged_s (as planned, else `hours`: the staffing engine's)."""
    rows = []
    for index, row in plan.iterrows():
        offered = int(row["offered"])
        if row.get("handled") is not None and not pd.isna(row.get("handled")):
            handled = int(row["handled"])
        elif answer_rate is not None:
            handled = int((Decimal(offered) * answer_rate).to_integral_value())
        else:
            handled = offered
        aht = to_decimal(row["aht_s"], what="aht_s")
        logged = row.get("logged_s")
        if logged is None or pd.isna(logged):
            logged = hours.get(index) if hours is not None else None
        rows.append({"date": pd.Timestamp(row["date"]), "supplier": row["supplier"], "service": service.id,
                     "offered": offered, "handled": handled, "abandoned": max(0, offered - handled),
                     "talk_s": Decimal(handled) * aht, "hold_s": 0, "acw_s": 0, "aux_s": 0,
                     "logged_s": ZERO if logged is None else to_decimal(logged, what="logged_s")})
    frame = pd.DataFrame(rows, columns=["date", "supplier", "service", "offered", "handled", "abandoned", "talk_s",
                                        "hold_s", "acw_s", "aux_s", "logged_s"])
    return frame.astype({"offered": "int64", "handled": "int64", "abandoned": "int64", "hold_s": "int64",
                         "acw_s": "int64", "aux_s": "int64"})


def plan_activity(rows: pd.DataFrame, like: ServiceActivity) -> dict[date, ServiceActivity]:
    """A service's plan activity rows as one `ServiceActivity` per day (no contact records)."""
    empty = like.contacts.iloc[0:0]
    return {pd.Timestamp(d).date(): like.with_data(empty, part.reset_index(drop=True))
            for d, part in rows.groupby("date", sort=True)}


def plan_charge(charge: Mapping[str, Any]) -> dict[str, Any]:
    """The charge as a plan can be rated on: without per-contact `rounding` (a plan has no contacts)."""
    return {k: v for k, v in charge.items() if k != "rounding"}


# ------------------------------------------------------------------------------------------ streams

@dataclass
class Stream:
    """One charge's daily units (a number; a capacity charge: one stream per dimension)."""

    actual: dict[date, Decimal]  # month-to-date days with data
    expected: dict[date, Decimal]  # plan (or profile) units of every day in force
    method: str  # "plan" or "profile"
    filled: frozenset[date] = frozenset()  # plan days missing, filled by the profile (taken as they are)
    future: dict[date, Decimal] = field(default_factory=dict)
    spread: float = 0.0  # c: the relative half-width of the band of the remaining total


def _value(units: Units | None, dim: str | None) -> Decimal | None:
    if units is None or units.events is not None:
        return None
    if dim is None:
        return units.units if isinstance(units.units, Decimal) else None
    return units.units.get(dim) if isinstance(units.units, dict) else None


def profile_units(history: Mapping[date, Decimal], days: list[date], as_of: date) -> dict[date, Decimal]:
    """Same-weekday profile: for each day, the mean of the actual units of the same weekday over the last
    PROFILE_WEEKS weeks of actuals up to `as_of` (every day with data counts; a weekday never seen: 0)."""
    start = as_of - timedelta(days=7 * PROFILE_WEEKS)
    by_weekday: dict[int, list[Decimal]] = {}
    for day, value in history.items():
        if start < day <= as_of:
            by_weekday.setdefault(day.weekday(), []).append(value)
    means = {wd: sum(v, ZERO) / len(v) for wd, v in by_weekday.items()}
    return {day: means.get(day.weekday(), ZERO) for day in days}


def fit(stream: Stream, past: list[date], remaining: list[date], holidays: frozenset[date]) -> None:
    """The stream's remaining days (`future`) = expected × the ratio of its weekday class, and its band
    spread (see the module docstring)."""
    classes = dict(zip(past + remaining, day_class(past + remaining, holidays), strict=True)) \
        if past or remaining else {}
    sums: dict[str, list[Decimal]] = {}
    for day in past:
        if day in stream.actual and day in stream.expected:
            entry = sums.setdefault(classes[day], [ZERO, ZERO, 0])
            entry[0] += stream.actual[day]
            entry[1] += stream.expected[day]
            entry[2] += 1
    total_a = sum((v[0] for v in sums.values()), ZERO)
    total_p = sum((v[1] for v in sums.values()), ZERO)
    pooled = total_a / total_p if total_p > 0 else Decimal(1)
    ratio = {k: (v[0] / v[1] if v[1] > 0 else pooled) for k, v in sums.items()}
    residuals = []
    for day in past:
        a, p = stream.actual.get(day), stream.expected.get(day)
        r = ratio.get(classes.get(day, ""), pooled)
        if a and p and a > 0 and p > 0 and r > 0:
            residuals.append(math.log(float(a) / float(p)) - math.log(float(r)))
    used = max(1, len(residuals) - len(sums))
    sigma = math.sqrt(sum(e * e for e in residuals) / used) if len(residuals) >= MIN_DAYS else DEFAULT_SIGMA
    stream.future = {day: stream.expected.get(day, ZERO) * (1 if day in stream.filled else ratio.get(classes[day], pooled))
                     for day in remaining}
    total = sum(stream.future.values(), ZERO)
    if total <= 0:
        stream.spread = 0.0
        return
    daily = sum(float(v) ** 2 for v in stream.future.values()) * sigma ** 2
    common = 0.0
    counts = {k: v[2] for k, v in sums.items()}
    observed = max(1, sum(counts.values()))
    for k in {classes[d] for d in remaining}:
        part = float(sum((v for d, v in stream.future.items() if classes[d] == k), ZERO))
        common += part ** 2 * sigma ** 2 / max(1, counts.get(k, observed))
    stream.spread = Z80 * math.sqrt(daily + common) / float(total)


# ------------------------------------------------------------------------------------------ the projection

@dataclass(frozen=True)
class Projection:
    """The projected close of one supplier-month on `as_of`.

    accrued_net: the accrual of days 1..as_of; projected_net / projected_low / projected_high: the close and
    its 80 % band; planned_net: the plan priced (None without a plan); lines: service, charge, accrued,
    projected, planned (Decimal; planned None without a plan); daily: date, actual (cumulative accrual, up
    to as_of), projected, projected_low, projected_high (cumulative, from as_of), planned (cumulative);
    gaps: days without the data they need; methods: (service, charge) → "plan" | "profile" | "peak" |
    "period" | "linear" | "events"; unplanned: (service, charge) the planned cost leaves out (a unit the
    plan does not give)."""

    supplier: str
    month: str
    as_of: date
    accrued_net: Decimal
    projected_net: Decimal
    projected_low: Decimal
    projected_high: Decimal
    planned_net: Decimal | None
    lines: pd.DataFrame
    daily: pd.DataFrame
    gaps: list[Gap]
    methods: dict[tuple[str, str], str]
    unplanned: list[tuple[str, str]] = field(default_factory=list)


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def _scaled(future: Mapping[date, Decimal], factor: float) -> dict[date, Decimal]:
    k = Decimal(repr(max(0.0, factor)))
    return {d: v * k for d, v in future.items()}


def project(actual: Engine, as_of: date, *, plan: Mapping[str, Mapping[date, ServiceActivity]],
            holidays: frozenset[date], history: Engine | None = None, planned: Engine | None = None,
            plan_file: str = PLAN_FILE, supplier: str = "",
            actual_days: list[tuple[date, list[Line]]] | None = None) -> Projection:
    """The projected close of `actual`'s period on `as_of` (see the module docstring).

    plan: per service, its plan activity per day (`plan_activity`; a service without plan: absent);
    history: the previous period's engine (its actual days feed the same-weekday profile); planned: the
    plan's engine (`planned_engine`) for the planned cost and its cumulative line; actual_days: the
    accrual's days up to as_of when already computed (`Engine.days`)."""
    period = actual.period
    remaining = _days(as_of + timedelta(days=1), period.end) if as_of < period.end else []
    gaps: list[Gap] = []
    methods: dict[tuple[str, str], str] = {}
    # actual gaps: days in force, expected open (planned volume, or a weekday with data), without data
    for sid, sp in actual.services.items():
        seen = {d.weekday() for d in sp.daily.days}
        for day in _days(sp.first, min(as_of, sp.last)):
            if sp.daily.has_data(day):
                continue
            planned_day = plan.get(sid, {}).get(day)
            open_day = (planned_day is not None and int(planned_day.rows["offered"].sum()) > 0) \
                if sid in plan else day.weekday() in seen
            if open_day:
                gaps.append(Gap("activity", sid, day))
        if sid in plan:  # a remaining day the service opens on (a weekday it had data) missing from the plan
            if history is not None and sid in history.services:
                seen |= {d.weekday() for d in history.services[sid].daily.days}
            # a holiday is a remaining day it opens on only if it had data on a holiday before
            open_holidays = any(d in holidays and sp.daily.has_data(d) for d in sp.daily.days)
            for day in remaining:
                if sp.first <= day <= sp.last and day not in plan[sid] and day.weekday() in seen \
                        and (day not in holidays or open_holidays):
                    gaps.append(Gap("plan", sid, day, plan_file))
    missing = {(g.service, g.day) for g in gaps if g.what == "activity"}
    cumulative = actual.cumulative(as_of)
    at_as_of = [series[-1] if series else None for series in cumulative]
    streams: dict[tuple[int, str | None], Stream] = {}
    for index, item in enumerate(actual.charges):
        sp = actual.services[item.service.id]
        past = [d for d in _days(sp.first, min(as_of, sp.last)) if (item.service.id, d) not in missing]
        rest = [d for d in remaining if sp.first <= d <= sp.last]
        key = (item.service.id, item.charge["id"])
        sample = at_as_of[index] or next(iter(item.days.values()), None)
        if item.mode in ("period", "max", "slice"):
            methods[key] = {"period": "period", "max": "peak", "slice": "linear"}[item.mode]
            continue
        if sample is not None and sample.events is not None:
            methods[key] = "events"
            continue
        dims = list(sample.units) if sample is not None and isinstance(sample.units, dict) else [None]
        for dim in dims:
            stream = _stream(item, dim, sp.daily, plan.get(item.service.id), history, past, rest, as_of,
                             actual.period.days, sp.in_force_days)
            fit(stream, past, rest, holidays)
            streams[(index, dim)] = stream
            methods[key] = stream.method
    kpi = {sid: sp.kpi_activity(as_of) for sid, sp in actual.services.items() if sp.service.sla}
    accrued_lines = actual.price(as_of, at_as_of, kpi)

    def scenario(side: int) -> list[tuple[date, list[Line]]]:
        out = []
        totals = list(at_as_of)
        for day in remaining:
            for index, item in enumerate(actual.charges):
                totals[index] = _advance(actual, item, index, totals[index], day, as_of, streams, side)
            out.append((day, actual.price(day, list(totals), kpi)))
        return out

    central, low, high = scenario(0), scenario(-1), scenario(1)
    net = _net(central[-1][1]) if central else _net(accrued_lines)
    nets = [_net(low[-1][1]), _net(high[-1][1])] if remaining else [net, net]
    lo, hi = min(nets + [net]), max(nets + [net])
    planned_days = planned.days() if planned is not None else None
    end_lines = central[-1][1] if central else accrued_lines
    lines = _line_table(accrued_lines, end_lines, planned_days[-1][1] if planned_days else None)
    daily = _daily(actual_days if actual_days is not None else actual.days(as_of), central, low, high,
                   planned_days)
    return Projection(supplier, period.month, as_of, _net(accrued_lines), net, lo, hi,
                      _net(planned_days[-1][1]) if planned_days else None, lines, daily, gaps, methods,
                      unplanned(actual, planned) if planned is not None else [])


def _stream(item: ChargeDays, dim: str | None, daily: accrual.DailyActivity,
            plan: Mapping[date, ServiceActivity] | None, history: Engine | None, past: list[date],
            rest: list[date], as_of: date, period_days: int, in_force: int) -> Stream:
    actual = {d: _value(u, dim) or ZERO for d, u in item.days.items() if d <= as_of}
    expected: dict[date, Decimal] = {}
    method = "plan"
    if plan:
        charge = plan_charge(item.charge)
        try:
            for day, act in plan.items():
                expected[day] = _value(billable_units(charge, act, active_days=in_force, period_days=period_days),
                                       dim) or ZERO
        except (InputError, ContractError, KeyError, ValueError):
            expected = {}
    if not expected or any(d not in expected for d in rest):
        seen = dict(actual)
        if history is not None:
            for other in history.charges:
                if other.service.id == item.service.id and other.charge["id"] == item.charge["id"]:
                    seen.update({d: _value(u, dim) or ZERO for d, u in other.days.items()})
        profile = profile_units(seen, past + rest, as_of)
        if not expected:
            expected, method = profile, "profile"
        else:  # plan days missing (reported as gaps): the profile of actuals fills them, without the ratio
            filled = frozenset(d for d in rest if d not in expected)
            return Stream(actual, {**profile, **expected}, method, filled=filled)
    return Stream(actual, expected, method)


def _advance(engine: Engine, item: ChargeDays, index: int, total: Units | None, day: date, as_of: date,
             streams: Mapping[tuple[int, str | None], Stream], side: int) -> Units | None:
    """The charge's cumulative units after projected `day` (side: 0 central, −1 low, +1 high)."""
    sp = engine.services[item.service.id]
    if item.mode == "period":
        return billable_units(item.charge, accrual._empty(sp.daily.whole), active_days=sp.active_up_to(day),
                              period_days=engine.period.days)
    if item.mode == "max" or total is None:
        return total
    if item.mode == "slice":
        base = sp.active_up_to(as_of)
        if not base or not isinstance(total.units, Decimal):
            return total
        value = total.units * Decimal(sp.active_up_to(day)) / Decimal(max(1, sp.active_up_to(day - timedelta(1))))
        return replace(total, units=value)
    if total.events is not None:
        same = [d for d in sorted(item.days) if d <= as_of and d.weekday() == day.weekday()]
        if not same or not (sp.first <= day <= sp.last):
            return total
        return add_units(total, item.days[same[-1]])
    if isinstance(total.units, dict):
        values = {}
        for dim in total.units:
            stream = streams.get((index, dim))
            values[dim] = _future(stream, day, side) if stream else ZERO
        return add_units(total, Units(values, None, total.fact))
    stream = streams.get((index, None))
    if stream is None:
        return total
    return add_units(total, Units(_future(stream, day, side), None, total.fact))


def _future(stream: Stream, day: date, side: int) -> Decimal:
    value = stream.future.get(day, ZERO)
    if side == 0:
        return value
    return value * Decimal(repr(max(0.0, 1 + side * stream.spread)))


def _net(lines: list[Line]) -> Decimal:
    return sum((line.amount for line in lines), ZERO)


def _by_charge(lines: list[Line] | None) -> dict[tuple[str | None, str], Decimal]:
    out: dict[tuple[str | None, str], Decimal] = {}
    for line in lines or []:
        key = (line.service, line.charge)
        out[key] = out.get(key, ZERO) + line.amount
    return out


def _line_table(accrued: list[Line], projected: list[Line], planned: list[Line] | None) -> pd.DataFrame:
    a, p, q = _by_charge(accrued), _by_charge(projected), _by_charge(planned)
    keys = list(dict.fromkeys(list(a) + list(p) + list(q)))
    rows = [{"service": s, "charge": c, "accrued": a.get((s, c), ZERO), "projected": p.get((s, c), ZERO),
             "planned": q.get((s, c), ZERO) if planned is not None else None} for s, c in keys]
    return pd.DataFrame(rows, columns=["service", "charge", "accrued", "projected", "planned"])


def _daily(actual: list[tuple[date, list[Line]]], central: list, low: list, high: list,
           planned: list | None) -> pd.DataFrame:
    plan_by_day = {d: _net(lines) for d, lines in planned or []}
    rows = []
    for day, lines in actual:
        value = _net(lines)
        rows.append({"date": pd.Timestamp(day), "actual": value, "projected": None, "projected_low": None,
                     "projected_high": None, "planned": plan_by_day.get(day)})
    if rows and central:  # the projected lines start at the as-of day's actual
        rows[-1].update(projected=rows[-1]["actual"], projected_low=rows[-1]["actual"],
                        projected_high=rows[-1]["actual"])
    for (day, c), (_, lo), (_, hi) in zip(central, low, high, strict=True):
        values = sorted([_net(lo), _net(hi)])
        rows.append({"date": pd.Timestamp(day), "actual": None, "projected": _net(c),
                     "projected_low": min(values[0], _net(c)), "projected_high": max(values[1], _net(c)),
                     "planned": plan_by_day.get(day)})
    return pd.DataFrame(rows, columns=["date", "actual", "projected", "projected_low", "projected_high", "planned"])


# ------------------------------------------------------------------------------------------ planned cost

def planned_engine(actual: Engine, plan: Mapping[str, Mapping[date, ServiceActivity]]) -> Engine | None:
    """The engine of the plan: each planned service's plan rows split by day, its charges without
    per-contact rounding, no SLA (None when no service has a plan)."""
    if not plan:
        return None
    services = {}
    charges = []
    for sid, sp in actual.services.items():
        days = plan.get(sid) or {}
        rows = [a.rows for a in days.values()]
        frame = pd.concat(rows, ignore_index=True) if rows else sp.daily.whole.rows.iloc[0:0]
        whole = sp.daily.whole.with_data(sp.daily.whole.contacts.iloc[0:0], frame)
        daily = accrual.split_days(whole)
        service = sp.service.model_copy(update={"sla": None})
        services[sid] = replace(sp, service=service, daily=daily, kpi_days=None)
        for item in actual.charges:
            if item.service.id != sid:
                continue
            charge = plan_charge(item.charge)
            try:
                charges.append(accrual.day_units(service, charge, daily, in_force_days=sp.in_force_days,
                                                 period_days=actual.period.days))
            except (InputError, ContractError):
                continue  # a unit the plan does not give (sales, payments, customers): see `unplanned`
    return replace(actual, services=services, charges=charges)


def unplanned(actual: Engine, planned: Engine | None) -> list[tuple[str, str]]:
    """(service, charge) of the charges the planned cost leaves out: their unit is not in the plan."""
    kept = {(i.service.id, i.charge["id"]) for i in (planned.charges if planned is not None else [])}
    return [(i.service.id, i.charge["id"]) for i in actual.charges if (i.service.id, i.charge["id"]) not in kept]


def planned_frame(days: list[tuple[date, list[Line]]]) -> pd.DataFrame:
    """date, service, charge, planned (the day's planned cost of the charge: the increment of the plan's
    accrual, Decimal), planned_cumulative."""
    frame = accrual.lines_frame(days)
    if frame.empty:
        return pd.DataFrame(columns=["date", "service", "charge", "planned", "planned_cumulative"])
    charge = frame["charge"].astype(str).str.split(":").str[0]
    frame = frame.assign(charge=charge)
    grouped = frame.groupby(["date", "service", "charge"], sort=False, dropna=False)
    out = grouped.agg(planned=("increment", lambda v: sum(v, ZERO)),
                      planned_cumulative=("accrued", lambda v: sum(v, ZERO))).reset_index()
    return out
