"""The activity basis candidates are priced on, and the hours a supplier would staff for it.

Historic basis (`historic_basis`): the engagement's activity of the service in the months given, per
month exactly as `workbook.service_activity` builds it (contact records where present), so the exact
engine rates it; `days` is that activity per day (`Engagement.daily_activity`). Logged hours are the
recorded ones (activity rows' logged_s). Contact records carry no logged time: for a service rated from
them, the contacts are counted per interval and the staffing engine gives the hours (below); charges on
logged time are rated on those interval rows (`Basis.time_activities`), every other charge and the SLA on
the contact records.

Forecast basis (`forecast_intervals`, `forecast_basis`): daily volume × weekly profile × (1 + growth)^k in
the k-th month (k = 0 first), spread over the day by the intraday shares, each contact of `aht_s` seconds
(all of it talk time).

Hours (`staff_intervals`): `ccanalysis.staffing.interval_requirements` per interval: Erlang C, or Erlang A
when `patience_s` is given, meeting the SL target within the threshold and the maximum occupancy; paid
(logged) hours = productive agents ÷ (1 − shrinkage), rounded up to whole agents, × the interval length.

`hours_curve(basis, staffing)` gives the hours as a function of volume and AHT multipliers, for Monte
Carlo of time-paid candidates: the staffing is recomputed on a grid of multipliers (`CURVE_GRID`,
0.7–1.3 in steps of 0.1, both drivers) over the basis's intervals, and the ratio of paid hours to the
basis's is interpolated bilinearly (extrapolated linearly outside the grid). Without intervals (a
historic basis of daily rows) the hours scale with the workload: volume × AHT.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pandas as pd
from scipy.interpolate import RegularGridInterpolator

from ccanalysis import contacts as contact_records
from ccanalysis import staffing as staffing_engine
from ccanalysis.errors import InputError, Problem
from ccanalysis.money import to_decimal
from ccanalysis.periods import billing_period, month_days, next_month
from ccanalysis.pricing.units import ServiceActivity, has_intervals, interval_length_minutes
from ccanalysis.simulation.model import Basis, Staffing

#: Multipliers of volume and AHT the staffing is recomputed on for `hours_curve`.
CURVE_GRID = tuple(round(0.7 + 0.1 * k, 1) for k in range(7))
DAY_COLUMNS = ("date", "month", "offered", "handled", "abandoned", "answered_within_sl", "talk_s", "hold_s",
               "acw_s", "logged_s", "aht_s")
_CONTACT_COLUMNS = ("contact_id", "supplier", "service", "start", "queue_s", "answered", "abandoned", "talk_s",
                    "hold_s", "acw_s")
#: Activity-row columns that count contacts (scaled with volume) and that are seconds of handling
#: (scaled with volume × AHT).
COUNT_COLUMNS = ("offered", "handled", "abandoned", "abandoned_short", "answered_within_sl", "abandoned_within_sl",
                 "customers", "sales", "resolved_first_contact", "collected_amount", "placed_amount")
HANDLING_COLUMNS = ("talk_s", "hold_s", "acw_s", "wait_s")
TIME_COLUMNS = ("logged_s", "aux_s")


def hours_source(staffing: Staffing) -> str:
    """How staffed hours are computed: "erlang_a" with a patience (patience_s), else "erlang_c"."""
    return "erlang_a" if staffing.patience_s is not None else "erlang_c"


# ------------------------------------------------------------------------------------------ staffing

def staff_intervals(intervals: pd.DataFrame, staffing: Staffing) -> pd.DataFrame:
    """Intervals (date, interval_start, offered, aht_s) with the staffing engine's `raw_agents`, `agents`,
    `service_level`, `abandonment` (0 under Erlang C), `productive_hours`, `staffed_hours` (Decimals: paid
    hours, shrinkage included) and `logged_s` (staffed hours × 3600)."""
    frame = intervals.reset_index(drop=True)
    if frame.empty:
        out = frame.copy()
        for column in ("raw_agents", "agents", "service_level", "abandonment"):
            out[column] = pd.Series(dtype=float)
        out["productive_hours"] = out["staffed_hours"] = out["logged_s"] = pd.Series(dtype=object)
        return out
    result = staffing_engine.interval_requirements(
        frame[["date", "offered", "aht_s"]], interval_s=staffing.interval_s, sl_target=staffing.sl_target,
        threshold_s=staffing.threshold_s,
        max_occupancy=staffing.max_occupancy if staffing.max_occupancy is not None else 1.0,
        shrinkage=staffing.shrinkage, patience_s=staffing.patience_s)
    out = frame.copy()
    for column in ("raw_agents", "agents", "service_level", "productive_hours", "staffed_hours"):
        out[column] = result[column].to_numpy()
    out["abandonment"] = result["abandonment"].to_numpy() if "abandonment" in result else 0.0
    out["logged_s"] = [h * 3600 for h in result["staffed_hours"]]
    return out


def _paid_hours(offered: np.ndarray, aht_s: np.ndarray, staffing: Staffing) -> np.ndarray:
    """Paid agent-hours per interval (floats) for arrays of interval volumes and AHTs."""
    requirement = staffing_engine.required_agents(
        offered, aht_s, interval_s=staffing.interval_s, sl_target=staffing.sl_target,
        threshold_s=staffing.threshold_s,
        max_occupancy=staffing.max_occupancy if staffing.max_occupancy is not None else 1.0,
        shrinkage=staffing.shrinkage, patience_s=staffing.patience_s)
    return requirement["agents"].to_numpy(dtype=float) * staffing.interval_s / 3600


# ------------------------------------------------------------------------------------------ forecast

def forecast_intervals(start: str, months: int, daily_volume: Decimal, aht_s: Decimal, *, growth: Decimal = Decimal(0),
                       weekly: Sequence[Decimal] = (Decimal(1),) * 7,
                       intraday: dict[str, Decimal]) -> pd.DataFrame:
    """The interval forecast: one row per day of `months` months from `start` and per intraday start, with
    offered = daily_volume × weekly[weekday] × (1 + growth)^k × share (k: the month's index, 0 first), aht_s.
    Volumes are floats (a forecast's expected contacts)."""
    if daily_volume < 0:
        raise InputError(f"daily_volume: a forecast volume cannot be negative ({daily_volume})")
    rows = []
    month = start
    shares = sorted(intraday.items())
    for k in range(months):
        first, last = month_days(month)
        factor = (1 + growth) ** k
        day = first
        while day <= last:
            volume = daily_volume * weekly[day.weekday()] * factor
            for interval_start, share in shares:
                rows.append((pd.Timestamp(day), interval_start, float(volume * share), float(aht_s)))
            day += timedelta(days=1)
        month = next_month(month)
    return pd.DataFrame(rows, columns=["date", "interval_start", "offered", "aht_s"])


def _empty_contacts() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in _CONTACT_COLUMNS})


def _staffed_rows(staffed: pd.DataFrame, service: str, supplier: str | None) -> pd.DataFrame:
    """Activity rows (data.md) from staffed forecast intervals: handled = offered × (1 − abandonment),
    answered within the threshold = service level × offered, talk time = handled × AHT, logged time the
    paid hours."""
    offered = staffed["offered"].to_numpy(dtype=float)
    handled = offered * (1 - staffed["abandonment"].to_numpy(dtype=float))
    return pd.DataFrame({
        "date": pd.to_datetime(staffed["date"]), "interval_start": staffed["interval_start"],
        "supplier": supplier, "service": service, "offered": offered, "handled": handled,
        "abandoned": offered - handled, "abandoned_short": 0.0,
        "answered_within_sl": staffed["service_level"].to_numpy(dtype=float) * offered,
        "talk_s": handled * staffed["aht_s"].to_numpy(dtype=float), "hold_s": 0.0, "acw_s": 0.0,
        "logged_s": staffed["logged_s"].to_numpy(),
    })


def forecast_basis(intervals: pd.DataFrame, service: str, staffing: Staffing, *,
                   holidays: frozenset[date] = frozenset(), supplier: str | None = None) -> Basis:
    """A forecast basis: the intervals staffed (`staff_intervals`), cut into calendar months, each month's
    interval rows its `ServiceActivity`."""
    bad = intervals[(intervals["offered"] < 0)]
    if not bad.empty:
        raise InputError(f"a forecast volume cannot be negative ({bad['offered'].iloc[0]} on "
                         f"{pd.Timestamp(bad['date'].iloc[0]).date()})")
    staffed = staff_intervals(intervals, staffing)
    rows = _staffed_rows(staffed, service, supplier)
    month_of_row = rows["date"].dt.strftime("%Y-%m")
    minutes = staffing.interval_s // 60
    activities, periods = {}, {}
    for month in sorted(month_of_row.unique()):
        period = billing_period(month)
        periods[month] = period
        activities[month] = ServiceActivity(
            contacts=_empty_contacts(), rows=rows[month_of_row == month].reset_index(drop=True),
            holidays=holidays, period_start=period.start, period_end=period.end, interval_minutes=minutes)
    days = _days(rows)
    return Basis(service=service, kind="forecast", months=tuple(activities), days=days, activities=activities,
                 hours_source=hours_source(staffing), intervals=staffed[["date", "interval_start", "offered",
                                                                          "aht_s", "logged_s"]],
                 holidays=holidays, periods=periods, supplier=supplier)


def _days(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per day (DAY_COLUMNS, floats) from activity rows of any granularity."""
    frame = pd.DataFrame({"date": pd.to_datetime(rows["date"]).dt.normalize()})
    for column in DAY_COLUMNS[2:-1]:
        frame[column] = rows[column].map(float).to_numpy() if column in rows else 0.0
    out = frame.groupby("date", sort=True).sum().reset_index()
    out.insert(1, "month", out["date"].dt.strftime("%Y-%m"))
    productive = out["talk_s"] + out["hold_s"] + out["acw_s"]
    out["aht_s"] = np.where(out["handled"] > 0, productive / out["handled"].where(out["handled"] > 0, 1), np.nan)
    return out[list(DAY_COLUMNS)]


# ------------------------------------------------------------------------------------------ historic

def contact_intervals(contacts: pd.DataFrame, staffing: Staffing, *, threshold_s: int,
                      short_abandon_s: int) -> pd.DataFrame:
    """Contact records counted per interval of `staffing.interval_s` (activity rows of data.md) with aht_s
    (productive seconds ÷ handled; the period's AHT where an interval handled none)."""
    freq = f"{staffing.interval_s // 60}min"
    rows = contact_records.to_activity(contacts, threshold_s=threshold_s, short_abandon_s=short_abandon_s,
                                       freq=freq)
    productive = rows["talk_s"].map(float) + rows["hold_s"].map(float) + rows["acw_s"].map(float)
    handled = rows["handled"].map(float)
    overall = float(productive.sum() / handled.sum()) if handled.sum() > 0 else 1.0
    rows = rows.copy()
    rows["aht_s"] = np.where(handled > 0, productive / handled.where(handled > 0, 1), overall)
    rows["date"] = pd.to_datetime(rows["date"])
    return rows


def historic_basis(eng, supplier: str, service_id: str, months: Sequence[str], staffing: Staffing,
                   *, file: str = "", key: str = "basis.historic.months") -> tuple[Basis | None, list[Problem]]:
    """The engagement's activity of `service_id` (supplier `supplier`) in `months`: (Basis, []) or (None,
    the problems: a month without activity or outside the contract)."""
    from ccanalysis.workbook import service_activity

    contract = eng.contract(supplier)
    problems: list[Problem] = []
    activities: dict[str, ServiceActivity] = {}
    time_activities: dict[str, ServiceActivity] = {}
    periods = {}
    day_parts, interval_parts = [], []
    recorded = True
    for month in months:
        period = contract.period(month)
        service = next((s for s in contract.services_for(period) if s.id == service_id), None)
        if service is None:
            problems.append(Problem(file=file, column=key, value=month,
                                    message=f"{supplier}'s contract has no service {service_id!r} in force in {month}"))
            continue
        activity = service_activity(eng, supplier, service, period)
        if activity.source == "none":
            have = sorted(m for (s, v, m) in eng.granularity if s == supplier and v == service_id)
            problems.append(Problem(file=file, column=key, value=month,
                                    message=f"no activity of {supplier} {service_id} in {month}; months with "
                                    f"activity: {', '.join(have) or 'none'}"))
            continue
        periods[month] = period
        activities[month] = activity
        first, last = contract.active_range(period, service)
        days = eng.daily_activity(supplier, service_id, first, last)
        if activity.contacts.empty:
            day_parts.append(days)
            if has_intervals(activity.rows):
                interval_parts.append(activity.rows)
            continue
        if not activity.rows.empty and "logged_s" in activity.rows:
            # contact records and activity rows: the rows' logged time is the recorded one
            time_activities[month] = activity.with_data(activity.contacts.iloc[0:0], activity.rows)
            day_parts.append(days)
            continue
        recorded = False
        threshold, short = eng.thresholds(supplier, service, period.start)
        intervals = staff_intervals(contact_intervals(activity.contacts, staffing, threshold_s=threshold,
                                                      short_abandon_s=short), staffing)
        interval_parts.append(intervals)
        rows = intervals.drop(columns=["raw_agents", "agents", "service_level", "abandonment", "productive_hours",
                                       "staffed_hours", "aht_s"])
        time_activities[month] = ServiceActivity(
            contacts=activity.contacts.iloc[0:0], rows=rows, holidays=activity.holidays,
            period_start=activity.period_start, period_end=activity.period_end,
            interval_minutes=staffing.interval_s // 60)
        logged = rows.assign(date=rows["date"].dt.normalize()).groupby("date")["logged_s"].sum()
        days = days.copy()
        days["logged_s"] = pd.to_datetime(days["date"]).dt.normalize().map(logged).fillna(0).to_numpy()
        day_parts.append(days)
    if problems:
        return None, problems
    days = _days(pd.concat(day_parts, ignore_index=True))
    intervals = None
    if interval_parts:
        parts = []
        for part in interval_parts:
            frame = part if "aht_s" in part else _with_aht(part)
            parts.append(frame[["date", "interval_start", "offered", "aht_s", "logged_s"]])
        intervals = pd.concat(parts, ignore_index=True)
    return Basis(service=service_id, kind="historic", months=tuple(months), days=days, activities=activities,
                 hours_source="historic" if recorded else hours_source(staffing), intervals=intervals,
                 holidays=eng.holidays, periods=periods, time_activities=time_activities, supplier=supplier), []


def _with_aht(rows: pd.DataFrame) -> pd.DataFrame:
    productive = rows["talk_s"].map(float) + rows["hold_s"].map(float) + rows["acw_s"].map(float)
    handled = rows["handled"].map(float)
    overall = float(productive.sum() / handled.sum()) if handled.sum() > 0 else 1.0
    return rows.assign(aht_s=np.where(handled > 0, productive / handled.where(handled > 0, 1), overall),
                       date=pd.to_datetime(rows["date"]))


# ------------------------------------------------------------------------------------------ hours curve

def _month_intervals(basis: Basis, month: str | None) -> pd.DataFrame | None:
    intervals = basis.intervals
    if intervals is not None and month is not None:
        intervals = intervals[pd.to_datetime(intervals["date"]).dt.strftime("%Y-%m") == month]
    return None if intervals is None or intervals.empty else intervals


def _hours_at(intervals: pd.DataFrame, staffing: Staffing, volume_mult: np.ndarray,
              aht_mult: np.ndarray) -> np.ndarray:
    """Total paid hours of the intervals at each pair of multipliers (1-d arrays of equal length): the
    staffing is computed once per distinct (volume, AHT) interval and weighted by its count."""
    pairs = np.stack([intervals["offered"].to_numpy(dtype=float), intervals["aht_s"].to_numpy(dtype=float)], axis=1)
    unique, counts = np.unique(pairs, axis=0, return_counts=True)
    # rounded to 6 places: 100 × 1.1 is 110.00000000000001 in floats, which the exact ceilings would
    # staff as more than 110 contacts
    offered = np.round(unique[None, :, 0] * np.asarray(volume_mult, dtype=float).reshape(-1, 1), 6)
    aht = np.round(unique[None, :, 1] * np.asarray(aht_mult, dtype=float).reshape(-1, 1), 6)
    hours = _paid_hours(offered.ravel(), aht.ravel(), staffing).reshape(offered.shape)
    return (hours * counts[None, :]).sum(axis=1)


def hours_ratio(basis: Basis, staffing: Staffing, volume_mult: float, aht_mult: float,
                month: str | None = None) -> float:
    """Paid hours at the multipliers ÷ the basis's paid hours, computed exactly by the staffing engine
    (volume × AHT without intervals)."""
    intervals = _month_intervals(basis, month)
    if intervals is None:
        return float(volume_mult) * float(aht_mult)
    hours = _hours_at(intervals, staffing, np.array([1.0, float(volume_mult)]), np.array([1.0, float(aht_mult)]))
    return float(hours[1] / hours[0]) if hours[0] > 0 else 1.0


def hours_curve(basis: Basis, staffing: Staffing, month: str | None = None,
                grid: Sequence[float] = CURVE_GRID) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """hours_mult(volume_mult, aht_mult): paid hours ÷ the basis's paid hours when every interval's volume
    and AHT are multiplied (arrays broadcast; `month` restricts to one month's intervals). The staffing is
    recomputed on `grid` × `grid` and interpolated bilinearly (linear extrapolation outside); without
    intervals the hours scale with the workload volume × AHT."""
    intervals = _month_intervals(basis, month)
    if intervals is None:
        def proportional(volume_mult: np.ndarray, aht_mult: np.ndarray) -> np.ndarray:
            return np.asarray(volume_mult, dtype=float) * np.asarray(aht_mult, dtype=float)

        return proportional
    points = np.asarray(grid, dtype=float)
    vol_m, aht_m = np.meshgrid(points, points, indexing="ij")
    totals = _hours_at(intervals, staffing, np.append(vol_m.ravel(), 1.0), np.append(aht_m.ravel(), 1.0))
    base = totals[-1]
    ratio = (totals[:-1] / base if base > 0 else np.ones(len(totals) - 1)).reshape(len(points), len(points))
    interpolate = RegularGridInterpolator((points, points), ratio, bounds_error=False, fill_value=None)

    def curve(volume_mult: np.ndarray, aht_mult: np.ndarray) -> np.ndarray:
        v, a = np.broadcast_arrays(np.asarray(volume_mult, dtype=float), np.asarray(aht_mult, dtype=float))
        return interpolate(np.stack([v.ravel(), a.ravel()], axis=-1)).reshape(v.shape)

    return curve


# ------------------------------------------------------------------------------------------ scaling

def _scale_contacts(contacts: pd.DataFrame, volume: Decimal, aht: Decimal) -> pd.DataFrame:
    """Contact records with volume × `volume` (round(n × volume) records picked evenly: some repeated, under
    new ids, or some left out) and handling times × `aht` (whole seconds)."""
    n = len(contacts)
    if n == 0:
        return contacts
    k = int((Decimal(n) * volume).to_integral_value())
    picks = (np.arange(k, dtype=np.int64) * n) // max(k, 1)
    out = contacts.iloc[picks].reset_index(drop=True)
    if volume != 1:
        repeat = pd.Series(picks).groupby(picks).cumcount().to_numpy()
        ids = out["contact_id"].astype(str).to_numpy(dtype=object)
        out["contact_id"] = np.where(repeat > 0, ids + "~" + repeat.astype(str), ids)
    if aht != 1:
        factor = float(aht)
        for column in ("talk_s", "hold_s", "acw_s"):
            out[column] = np.rint(out[column].to_numpy(dtype=float) * factor).astype(np.int64)
    return out


def _scale_rows(rows: pd.DataFrame, volume: Decimal, aht: Decimal, hours: float) -> pd.DataFrame:
    if rows.empty:
        return rows
    out = rows.copy()
    for column in COUNT_COLUMNS:
        if column in out:
            out[column] = out[column].map(float) * float(volume)
    for column in HANDLING_COLUMNS:
        if column in out:
            out[column] = out[column].map(float) * float(volume * aht)
    for column in TIME_COLUMNS:
        if column in out:
            out[column] = out[column].map(lambda v: float(to_decimal(v)) if pd.notna(v) else v) * hours
    return out


def scale_basis(basis: Basis, volume: Decimal, aht: Decimal, staffing: Staffing) -> Basis:
    """The basis with every month's volume × `volume` and handling time × `aht`: contact records resampled
    and their times scaled (`_scale_contacts`), activity rows' counts × volume and handling seconds × volume
    × AHT, logged time × `hours_ratio` of its month (the hours a supplier staffs for the new workload)."""
    if volume == 1 and aht == 1:
        return basis
    activities, time_activities, ratios = {}, {}, {}
    for month in basis.months:
        hours = hours_ratio(basis, staffing, float(volume), float(aht), month)
        ratios[month] = hours
        act = basis.activities[month]
        activities[month] = act.with_data(_scale_contacts(act.contacts, volume, aht),
                                          _scale_rows(act.rows, volume, aht, hours))
        if month in basis.time_activities:
            timed = basis.time_activities[month]
            time_activities[month] = timed.with_data(timed.contacts, _scale_rows(timed.rows, volume, aht, hours))
    days = basis.days.copy()
    for column in ("offered", "handled", "abandoned", "answered_within_sl"):
        days[column] = days[column] * float(volume)
    for column in ("talk_s", "hold_s", "acw_s"):
        days[column] = days[column] * float(volume * aht)
    days["aht_s"] = days["aht_s"] * float(aht)
    days["logged_s"] = days["logged_s"] * days["month"].map(ratios).to_numpy(dtype=float)
    return replace(basis, activities=activities, time_activities=time_activities, days=days)


__all__ = ["CURVE_GRID", "contact_intervals", "forecast_basis", "forecast_intervals", "historic_basis",
           "hours_curve", "interval_length_minutes", "scale_basis", "staff_intervals"]
