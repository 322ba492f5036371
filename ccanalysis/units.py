"""Billable units of a charge over a billing period, from the service's activity (data.md table).

Pure: takes the service's contact records and activity rows already cut to the period, and returns the
exact units (or event values) with a sentence saying where they came from, for the invoice explanation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from . import pricing
from .money import ZERO, exact_sum, to_decimal

SECONDS_PER_HOUR = Decimal(3600)
SECONDS_PER_MINUTE = Decimal(60)
PER_EVENT_KEYS = ("fixed_per_event", "min_per_event", "max_per_event", "free_events", "free_amount")


@dataclass(frozen=True)
class ServiceActivity:
    """One service's activity in one billing period: contact records and/or activity rows."""

    contacts: pd.DataFrame  # contact records starting in the period (may be empty)
    rows: pd.DataFrame  # daily or interval activity rows dated in the period (may be empty)
    holidays: frozenset[date]
    period_start: date
    period_end: date
    interval_minutes: int | None = None  # length of interval rows, when rows are intervals

    @property
    def source(self) -> str:
        if not self.contacts.empty:
            return "contacts"
        if not self.rows.empty and "interval_start" in self.rows and self.rows["interval_start"].notna().any():
            return "interval"
        return "daily" if not self.rows.empty else "none"


@dataclass(frozen=True)
class Units:
    """What a charge is rated on: `units` (a number, or a mapping for capacity) or `events`."""

    units: Decimal | dict[str, Decimal] | None
    events: list[Decimal] | None
    explanation: str


def _filtered(act: ServiceActivity, applies_to: dict[str, Any] | None) -> ServiceActivity:
    """Keep only the contacts and rows the charge's `applies_to` counts (day class AND hours)."""
    if not applies_to:
        return act
    contacts, rows = act.contacts, act.rows
    if not contacts.empty:
        starts = contacts["start"]
        mask = pricing.applies_to_mask(starts.dt.date.to_numpy(), applies_to, act.holidays,
                                       times=starts.dt.strftime("%H:%M").to_numpy())
        contacts = contacts.loc[np.asarray(mask, dtype=bool)]
    if not rows.empty:
        times = None
        if "interval_start" in rows and rows["interval_start"].notna().any():
            times = rows["interval_start"].to_numpy()
        mask = pricing.applies_to_mask(rows["date"].dt.date.to_numpy(), applies_to, act.holidays, times=times,
                                       interval_minutes=act.interval_minutes if times is not None else None)
        rows = rows.loc[np.asarray(mask, dtype=bool)]
    return ServiceActivity(contacts, rows, act.holidays, act.period_start, act.period_end, act.interval_minutes)


def _column_sum(act: ServiceActivity, column: str, *, from_contacts=None) -> Decimal:
    """Σ of an activity column over rows, plus the same quantity derived from contact records."""
    total = ZERO
    if not act.rows.empty:
        if column not in act.rows.columns:
            raise ValueError(f"the activity rows have no `{column}` column, which this charge is billed on")
        total += exact_sum(act.rows[column])
    if not act.contacts.empty:
        if from_contacts is None:
            raise ValueError(f"`{column}` cannot be derived from contact records; give activity rows with it")
        total += from_contacts(act.contacts)
    return total


def _handled(contacts: pd.DataFrame) -> pd.DataFrame:
    return contacts[contacts["answered"].astype(bool)]


def _productive_s(frame: pd.DataFrame) -> Decimal:
    return exact_sum(frame["talk_s"]) + exact_sum(frame["hold_s"]) + exact_sum(frame["acw_s"])


def _productive_seconds(act: ServiceActivity) -> Decimal:
    total = ZERO
    if not act.rows.empty:
        total += _productive_s(act.rows)
    if not act.contacts.empty:
        total += _productive_s(_handled(act.contacts))
    return total


def _describe_scope(charge: dict[str, Any]) -> str:
    scope = charge.get("applies_to") or {}
    parts = []
    if scope.get("days"):
        parts.append("days " + "/".join(scope["days"]))
    if scope.get("hours"):
        parts.append(f"hours {scope['hours']}")
    return f" ({', '.join(parts)} only)" if parts else ""


def billable_units(charge: dict[str, Any], activity: ServiceActivity, *, active_days: int,
                   period_days: int) -> Units:
    """The exact billable units of `charge` (its `unit`, or each capacity dimension) over the period."""
    act = _filtered(activity, charge.get("applies_to"))
    scope = _describe_scope(charge)
    source = {"contacts": "contact records", "interval": "interval activity", "daily": "daily activity",
              "none": "no activity"}[activity.source]
    if charge.get("model") == "capacity":
        values = {dim: _dimension_value(charge, dim, act, active_days=active_days, period_days=period_days)
                  for dim in charge["dimensions"]}
        shown = ", ".join(f"{dim} {pricing.format_quantity(value)}" for dim, value in values.items())
        peak = charge.get("peak_over", "period")
        return Units(values, None, f"{shown} (peak over {peak}) from {source}{scope}")
    unit = charge["unit"]
    if unit == "collected_amount":
        return _collected(charge, act, source, scope)
    value = _unit_value(charge, unit, act, active_days=active_days, period_days=period_days)
    if unit == "month":
        days = "not prorated" if charge.get("prorate", True) is False else f"{active_days}/{period_days} days active"
        return Units(value, None, f"billing period ({days})")
    return Units(value, None, f"{pricing.format_quantity(value)} {unit} from {source}{scope}")


def _unit_value(charge: dict[str, Any], unit: str, act: ServiceActivity, *, active_days: int,
                period_days: int) -> Decimal:
    if unit == "logged_hour":
        return _column_sum(act, "logged_s") / SECONDS_PER_HOUR
    if unit == "productive_hour":
        return _productive_seconds(act) / SECONDS_PER_HOUR
    if unit == "effective_hour":
        return (_column_sum(act, "logged_s") - _column_sum(act, "aux_s")) / SECONDS_PER_HOUR
    if unit in pricing.MINUTE_UNITS and charge.get("rounding"):
        return _rounded_minutes(charge, unit, act)
    if unit == "productive_minute":
        return _productive_seconds(act) / SECONDS_PER_MINUTE
    if unit == "talk_minute":
        return _column_sum(act, "talk_s", from_contacts=lambda c: exact_sum(_handled(c)["talk_s"])) / SECONDS_PER_MINUTE
    if unit == "handled_contact":
        return _column_sum(act, "handled", from_contacts=lambda c: Decimal(int(c["answered"].astype(bool).sum())))
    if unit == "offered_contact":
        return _column_sum(act, "offered", from_contacts=lambda c: Decimal(len(c)))
    if unit == "customer":
        if act.contacts.empty and not act.rows.empty:
            raise ValueError(f"charge {charge.get('id')!r} is billed per distinct customer, which needs contact "
                             "records with customer_id (daily counts of customers cannot be summed)")
        if act.contacts.empty:
            return ZERO
        if "customer_id" not in act.contacts.columns:
            raise ValueError("contact records have no customer_id column, needed for a per-customer charge")
        return Decimal(int(act.contacts["customer_id"].dropna().nunique()))
    if unit == "fte":
        fte_hours = to_decimal(charge["fte_hours"], what="fte_hours")
        return _column_sum(act, "logged_s") / SECONDS_PER_HOUR / fte_hours
    if unit == "sale":
        return _column_sum(act, "sales", from_contacts=lambda c: Decimal(int((c.get("outcome") == "sale").sum()))
                           if "outcome" in c else ZERO)
    if unit == "month":
        if charge.get("prorate", True) is False:
            return Decimal(1)
        return Decimal(active_days) / Decimal(period_days)
    raise ValueError(f"unit {unit!r} is not a billable unit")


def _rounded_minutes(charge: dict[str, Any], unit: str, act: ServiceActivity) -> Decimal:
    """Minutes under per-contact `rounding` (pricing.md), from handled contact records only.

    Review fix: `talk_minute` charges with `rounding` used to ignore it (plain Σ talk_s / 60); the rounding
    applies to every minute unit, on talk + hold + ACW for productive minutes and on talk alone for talk
    minutes (hold and ACW passed as zeros, as `pricing.billable_seconds` documents).
    """
    if act.contacts.empty and not act.rows.empty:
        raise ValueError(f"charge {charge.get('id')!r} rounds each contact (`rounding`), which needs "
                         "contact records in data/ENG/contacts/, but this service has only activity rows")
    contacts = act.contacts
    if contacts.empty:
        return ZERO
    talk = contacts["talk_s"].to_numpy()
    if unit == "talk_minute":
        hold = acw = np.zeros(len(contacts), dtype=np.int64)
    else:
        hold, acw = contacts["hold_s"].to_numpy(), contacts["acw_s"].to_numpy()
    seconds = pricing.billable_seconds(talk, hold, acw, contacts["answered"].to_numpy(dtype=bool),
                                       charge["rounding"])
    return Decimal(int(np.asarray(seconds, dtype=np.int64).sum())) / SECONDS_PER_MINUTE


def _collected(charge: dict[str, Any], act: ServiceActivity, source: str, scope: str) -> Units:
    """Payments as events (contact records) or the collected_amount total (activity rows)."""
    if not act.contacts.empty:
        contacts = act.contacts
        if "outcome" not in contacts or "amount" not in contacts:
            raise ValueError("contact records need `outcome` and `amount` for a charge on collected_amount")
        payments = contacts[(contacts["outcome"] == "payment") & contacts["amount"].notna()]
        payments = payments.sort_values(["start", "contact_id"], kind="stable")
        events = [to_decimal(v) for v in payments["amount"]]
        if not act.rows.empty:
            raise ValueError("collected amounts come from both contact records and activity rows in one period")
        total = sum(events, ZERO)
        return Units(None, events, f"{len(events)} payments totalling {total:f} from {source}{scope}")
    used = [k for k in PER_EVENT_KEYS if charge.get(k) not in (None, 0, "0")]
    if used and charge.get("model") == "percentage":
        raise ValueError(f"charge {charge.get('id')!r} sets per-event keys ({', '.join(used)}) but the collected "
                         "amounts are a daily total (collected_amount column): give contact records with payments")
    total = _column_sum(act, "collected_amount")
    return Units(total, None, f"{total:f} collected (collected_amount total) from {source}{scope}")


def _dimension_value(charge: dict[str, Any], dim: str, act: ServiceActivity, *, active_days: int,
                     period_days: int) -> Decimal:
    """A capacity dimension: its period value, or its peak daily / interval value (`peak_over`)."""
    peak = charge.get("peak_over", "period")
    if peak == "period":
        return _unit_value(charge, dim, act, active_days=active_days, period_days=period_days)
    rows = act.rows
    if rows.empty and peak == "day" and not act.contacts.empty:
        # Review fix: with contact records as the source the daily peak was 0 (rows empty → "no usage",
        # so the capacity charge vanished); the day's value is now taken from the contacts starting that day.
        best = ZERO
        contacts = act.contacts
        for _, day_contacts in contacts.groupby(contacts["start"].dt.date, sort=True):
            day_act = ServiceActivity(day_contacts, rows, act.holidays, act.period_start, act.period_end,
                                      act.interval_minutes)
            best = max(best, _unit_value(charge, dim, day_act, active_days=1, period_days=1))
        return best
    if rows.empty:
        return ZERO
    if peak == "interval":
        if "interval_start" not in rows or rows["interval_start"].isna().all():
            raise ValueError(f"charge {charge.get('id')!r}: peak_over interval needs interval activity rows")
        length_s = Decimal((act.interval_minutes or 30) * 60)
        if dim == "fte":
            return max((to_decimal(v) / length_s for v in rows["logged_s"]), default=ZERO)
        # Review fix: any other dimension's value is its largest interval value (pricing.md, capacity); it
        # used to be an error. One interval = one (date, interval_start[, utc_offset]) group of rows.
        keys = [k for k in ("date", "interval_start", "utc_offset") if k in rows.columns]
        best = ZERO
        for _, interval_rows in rows.groupby(keys, sort=True, dropna=False):
            one = ServiceActivity(act.contacts.iloc[0:0], interval_rows, act.holidays, act.period_start,
                                  act.period_end, act.interval_minutes)
            best = max(best, _unit_value(charge, dim, one, active_days=1, period_days=1))
        return best
    # peak over day
    keys = rows.groupby("date", sort=True)
    best = ZERO
    working_days = Decimal(max(1, working_days_between(act.period_start, act.period_end, act.holidays)))
    for _, day_rows in keys:
        day_act = ServiceActivity(act.contacts.iloc[0:0], day_rows, act.holidays, act.period_start,
                                  act.period_end, act.interval_minutes)
        if dim == "fte":
            fte_hours = to_decimal(charge["fte_hours"], what="fte_hours")
            value = _column_sum(day_act, "logged_s") / SECONDS_PER_HOUR / (fte_hours / working_days)
        else:
            value = _unit_value(charge, dim, day_act, active_days=1, period_days=1)
        best = max(best, value)
    return best


def working_days_between(start: date, end: date, holidays: frozenset[date]) -> int:
    """Working days (Monday to Friday, not holidays) from `start` to `end` inclusive."""
    days = pd.date_range(start, end, freq="D")
    return int(sum(1 for d in days if d.weekday() < 5 and d.date() not in holidays))
