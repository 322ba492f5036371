"""Billable units of a charge over a billing period, from the service's activity (data.md "Billable units").

One `BillableUnit` record per unit in the `UNITS` registry says where the unit comes from (activity
columns, contact-record fields), what it needs, whether it may carry per-contact rounding, and how its
value is computed. Pure: `billable_units` takes the service's contact records and activity rows already
cut to the period and returns the exact units (or event values) with the `Fact` of where they came from.
`requirements(charge)` tells the loader what a charge needs from the data before anything is rated.

To add a billable unit: one `BillableUnit(...)` record in the list below (and its name in each language in
`ccanalysis.i18n.domain.UNIT_NAMES`), plus its tests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from ccanalysis.errors import ContractError, InputError
from ccanalysis.money import ZERO, exact_sum, to_decimal
from ccanalysis.periods import working_days_between
from ccanalysis.pricing.applies_to import applies_to_mask
from ccanalysis.pricing.base import Fact
from ccanalysis.pricing.registry import CHARGE_MODELS
from ccanalysis.pricing.rounding import billable_seconds
from ccanalysis.registry import Registry

SECONDS_PER_HOUR = Decimal(3600)
SECONDS_PER_MINUTE = Decimal(60)
PER_EVENT_KEYS = ("fixed_per_event", "min_per_event", "max_per_event", "free_events", "free_amount")
#: Interval length assumed when interval rows give no step (a single interval a day).
DEFAULT_INTERVAL_MINUTES = 60


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
        """"contacts", "interval", "daily" or "none": where the units come from."""
        if not self.contacts.empty:
            return "contacts"
        if has_intervals(self.rows):
            return "interval"
        return "daily" if not self.rows.empty else "none"

    def with_data(self, contacts: pd.DataFrame, rows: pd.DataFrame) -> ServiceActivity:
        return replace(self, contacts=contacts, rows=rows)



def charge_units(charge: Mapping[str, Any]) -> list[str]:
    """The billable units a charge counts: [unit], or the dimensions of a model that has several."""
    model = charge.get("model")
    if model in CHARGE_MODELS and CHARGE_MODELS.get(model).dimensions:
        return list(charge.get("dimensions") or [])
    unit = charge.get("unit")
    return [] if unit is None else [unit]

def has_intervals(rows: pd.DataFrame) -> bool:
    """Whether activity rows are interval rows (an `interval_start` is given)."""
    return not rows.empty and "interval_start" in rows and bool(rows["interval_start"].notna().any())


def interval_length_minutes(rows: pd.DataFrame) -> int:
    """The interval length of interval rows: the smallest step between the distinct starts of a day
    (DEFAULT_INTERVAL_MINUTES when there is only one start)."""
    minutes = rows["interval_start"].dropna().map(lambda t: int(t[:2]) * 60 + int(t[3:5]))
    steps = pd.Series(sorted(set(minutes))).diff().dropna()
    steps = steps[steps > 0]
    return int(steps.min()) if not steps.empty else DEFAULT_INTERVAL_MINUTES


@dataclass(frozen=True)
class Units:
    """What a charge is rated on: `units` (a number, or a mapping for capacity) or `events`, and the fact
    of where they came from."""

    units: Decimal | dict[str, Decimal] | None
    events: list[Decimal] | None
    fact: Fact


UnitValue = Callable[[Mapping[str, Any], ServiceActivity, int, int], Decimal]


@dataclass(frozen=True)
class BillableUnit:
    """One billable unit (data.md).

    value(charge, activity, active_days, period_days): its exact value over the activity given;
    row_columns: activity columns it needs beyond the required ones; contact_columns: contact-record
    fields it needs; from_contacts: contact records can give it (units of logged time cannot);
    contacts_only: only contact records can give it (distinct customers cannot be summed from days);
    per_contact_rounding: a charge on it may round each contact (`rounding`);
    from_activity: it counts activity (month does not, so no `applies_to`);
    charge_keys: keys a charge on it must give (key → what it is);
    events: contact records give it as events (payments, in time order) rather than a total;
    peak(charge, activity, "day" | "interval"): its own peak value for capacity `peak_over` (None: the
    largest value of a day or an interval);
    drivers: how its value scales with the simulator's drivers (`ccanalysis.simulation.montecarlo`): the
    product of the multipliers named — ("volume",) for counts of contacts, customers, sales and payments,
    ("volume", "aht") for handled time, ("hours",) for staffed time (the hours curve of a time-paid
    candidate), () for a unit that does not move (month). None: not simulated (a unit added without it).
    """

    name: str
    value: UnitValue
    row_columns: tuple[str, ...] = ()
    contact_columns: tuple[str, ...] = ()
    from_contacts: bool = True
    contacts_only: bool = False
    per_contact_rounding: bool = False
    from_activity: bool = True
    charge_keys: Mapping[str, str] = field(default_factory=dict)
    events: bool = False
    peak: Callable[[Mapping[str, Any], ServiceActivity, str], Decimal] | None = None
    drivers: tuple[str, ...] | None = None


#: The drivers a unit's value may scale with (`BillableUnit.drivers`).
DRIVERS: tuple[str, ...] = ("volume", "aht", "hours")

#: The billable units by name (data.md "Billable units"), filled at the bottom of this module.
UNITS: Registry[BillableUnit] = Registry("unit", "billable units", key="unit")


# ------------------------------------------------------------------------------------------ sums

def column_sum(act: ServiceActivity, column: str, *,
               from_contacts: Callable[[pd.DataFrame], Decimal] | None = None) -> Decimal:
    """Σ of an activity column over rows, plus the same quantity derived from contact records."""
    total = ZERO
    if not act.rows.empty:
        if column not in act.rows.columns:
            raise InputError(f"the activity rows have no `{column}` column, which this charge is billed on")
        total += exact_sum(act.rows[column])
    if not act.contacts.empty:
        if from_contacts is None:
            raise InputError(f"`{column}` cannot be derived from contact records; give activity rows with it")
        total += from_contacts(act.contacts)
    return total


def handled_contacts(contacts: pd.DataFrame) -> pd.DataFrame:
    return contacts[contacts["answered"].astype(bool)]


def _productive_s(frame: pd.DataFrame) -> Decimal:
    return exact_sum(frame["talk_s"]) + exact_sum(frame["hold_s"]) + exact_sum(frame["acw_s"])


def productive_seconds(act: ServiceActivity) -> Decimal:
    """talk + hold + ACW seconds of the rows and of the handled contacts."""
    total = ZERO
    if not act.rows.empty:
        total += _productive_s(act.rows)
    if not act.contacts.empty:
        total += _productive_s(handled_contacts(act.contacts))
    return total


def _rounded_minutes(charge: Mapping[str, Any], hold_and_acw: bool, act: ServiceActivity) -> Decimal:
    """Minutes under per-contact `rounding` (pricing.md), from handled contact records only: on
    talk + hold + ACW for productive minutes, on talk alone for talk minutes."""
    if act.contacts.empty and not act.rows.empty:
        raise ContractError(f"charge {charge.get('id')!r} rounds each contact (`rounding`), which needs "
                            "contact records in data/ENG/contacts/, but this service has only activity rows",
                            "rounding")
    contacts = act.contacts
    if contacts.empty:
        return ZERO
    talk = contacts["talk_s"].to_numpy()
    if hold_and_acw:
        hold, acw = contacts["hold_s"].to_numpy(), contacts["acw_s"].to_numpy()
    else:
        hold = acw = np.zeros(len(contacts), dtype=np.int64)
    seconds = billable_seconds(talk, hold, acw, contacts["answered"].to_numpy(dtype=bool), charge["rounding"])
    return Decimal(int(np.asarray(seconds, dtype=np.int64).sum())) / SECONDS_PER_MINUTE


# ------------------------------------------------------------------------------------------ the units

def _logged_hour(charge: Mapping[str, Any], act: ServiceActivity, active_days: int, period_days: int) -> Decimal:
    return column_sum(act, "logged_s") / SECONDS_PER_HOUR


def _productive_hour(charge: Mapping[str, Any], act: ServiceActivity, active_days: int,
                     period_days: int) -> Decimal:
    return productive_seconds(act) / SECONDS_PER_HOUR


def _effective_hour(charge: Mapping[str, Any], act: ServiceActivity, active_days: int,
                    period_days: int) -> Decimal:
    return (column_sum(act, "logged_s") - column_sum(act, "aux_s")) / SECONDS_PER_HOUR


def _productive_minute(charge: Mapping[str, Any], act: ServiceActivity, active_days: int,
                       period_days: int) -> Decimal:
    if charge.get("rounding"):
        return _rounded_minutes(charge, True, act)
    return productive_seconds(act) / SECONDS_PER_MINUTE


def _talk_minute(charge: Mapping[str, Any], act: ServiceActivity, active_days: int, period_days: int) -> Decimal:
    if charge.get("rounding"):
        return _rounded_minutes(charge, False, act)
    return column_sum(act, "talk_s", from_contacts=lambda c: exact_sum(handled_contacts(c)["talk_s"])) \
        / SECONDS_PER_MINUTE


def _handled_contact(charge: Mapping[str, Any], act: ServiceActivity, active_days: int,
                     period_days: int) -> Decimal:
    return column_sum(act, "handled", from_contacts=lambda c: Decimal(int(c["answered"].astype(bool).sum())))


def _offered_contact(charge: Mapping[str, Any], act: ServiceActivity, active_days: int,
                     period_days: int) -> Decimal:
    return column_sum(act, "offered", from_contacts=lambda c: Decimal(len(c)))


def _customer(charge: Mapping[str, Any], act: ServiceActivity, active_days: int, period_days: int) -> Decimal:
    if act.contacts.empty and not act.rows.empty:
        raise InputError(f"charge {charge.get('id')!r} is billed per distinct customer, which needs contact "
                         "records with customer_id (daily counts of customers cannot be summed)")
    if act.contacts.empty:
        return ZERO
    if "customer_id" not in act.contacts.columns:
        raise InputError("contact records have no customer_id column, needed for a per-customer charge")
    return Decimal(int(act.contacts["customer_id"].dropna().nunique()))


def _fte(charge: Mapping[str, Any], act: ServiceActivity, active_days: int, period_days: int) -> Decimal:
    fte_hours = to_decimal(charge["fte_hours"], what="fte_hours")
    return column_sum(act, "logged_s") / SECONDS_PER_HOUR / fte_hours


def _fte_peak(charge: Mapping[str, Any], act: ServiceActivity, over: str) -> Decimal:
    """Peak FTE: the largest interval row's logged time / the interval length, or the largest day's logged
    hours / (fte_hours / the period's working days)."""
    rows = act.rows
    if over == "interval":
        length_s = Decimal((act.interval_minutes or interval_length_minutes(rows)) * 60)
        return _largest(to_decimal(v) / length_s for v in rows["logged_s"])
    working_days = Decimal(max(1, working_days_between(act.period_start, act.period_end, act.holidays)))
    fte_hours = to_decimal(charge["fte_hours"], what="fte_hours")
    no_contacts = act.contacts.iloc[0:0]
    return _largest(column_sum(act.with_data(no_contacts, day_rows), "logged_s") / SECONDS_PER_HOUR
                    / (fte_hours / working_days) for _, day_rows in rows.groupby("date", sort=True))


def _sale(charge: Mapping[str, Any], act: ServiceActivity, active_days: int, period_days: int) -> Decimal:
    return column_sum(act, "sales", from_contacts=lambda c: Decimal(int((c.get("outcome") == "sale").sum()))
                      if "outcome" in c else ZERO)


def _collected_amount(charge: Mapping[str, Any], act: ServiceActivity, active_days: int,
                      period_days: int) -> Decimal:
    return column_sum(act, "collected_amount", from_contacts=lambda c: sum(payments(c), ZERO))


def _month(charge: Mapping[str, Any], act: ServiceActivity, active_days: int, period_days: int) -> Decimal:
    if charge.get("prorate", True) is False:
        return Decimal(1)
    return Decimal(active_days) / Decimal(period_days)


for _unit in (
    BillableUnit("logged_hour", _logged_hour, from_contacts=False, drivers=("hours",)),
    BillableUnit("productive_hour", _productive_hour, drivers=("volume", "aht")),
    BillableUnit("effective_hour", _effective_hour, row_columns=("aux_s",), from_contacts=False,
                 drivers=("hours",)),
    BillableUnit("productive_minute", _productive_minute, per_contact_rounding=True, drivers=("volume", "aht")),
    BillableUnit("talk_minute", _talk_minute, per_contact_rounding=True, drivers=("volume", "aht")),
    BillableUnit("handled_contact", _handled_contact, drivers=("volume",)),
    BillableUnit("offered_contact", _offered_contact, drivers=("volume",)),
    BillableUnit("customer", _customer, contact_columns=("customer_id",), contacts_only=True,
                 drivers=("volume",)),
    BillableUnit("fte", _fte, from_contacts=False, peak=_fte_peak,
                 charge_keys={"fte_hours": "the contract's monthly hours per FTE"}, drivers=("hours",)),
    BillableUnit("sale", _sale, row_columns=("sales",), contact_columns=("outcome",), drivers=("volume",)),
    BillableUnit("collected_amount", _collected_amount, row_columns=("collected_amount",),
                 contact_columns=("outcome", "amount"), events=True, drivers=("volume",)),
    BillableUnit("month", _month, from_activity=False, drivers=()),
):
    UNITS.register(_unit)


# ------------------------------------------------------------------------------------------ requirements

@dataclass(frozen=True)
class Requirement:
    """One thing a charge needs from the service's data before it can be rated.

    need: "row_column" (activity rows must have `column`), "contact_column" (contact records must have
    `column`), "not_from_contacts" (the unit needs logged time: activity rows, not contact records),
    "contact_records" (only contact records can give it), "sub_daily" (interval rows or contact records,
    not daily rows); cause: the unit, or the key (`rounding`, `applies_to.hours`) that needs it.
    """

    need: str
    cause: str
    column: str | None = None


def requirements(charge: Mapping[str, Any]) -> list[Requirement]:
    """What a (valid) charge needs from its service's activity rows or contact records, in order."""
    out: list[Requirement] = []
    for name in charge_units(charge):
        if name not in UNITS:
            continue
        unit = UNITS.get(name)
        out += [Requirement("row_column", name, column) for column in unit.row_columns]
        out += [Requirement("contact_column", name, column) for column in unit.contact_columns]
        if not unit.from_contacts:
            out.append(Requirement("not_from_contacts", name))
        if unit.contacts_only:
            out.append(Requirement("contact_records", name))
    if charge.get("rounding"):
        out.append(Requirement("contact_records", "rounding"))
    if (charge.get("applies_to") or {}).get("hours"):
        out.append(Requirement("sub_daily", "applies_to.hours"))
    return out


# ------------------------------------------------------------------------------------------ rating input

def filtered(act: ServiceActivity, applies_to: Mapping[str, Any] | None) -> ServiceActivity:
    """Keep only the contacts and rows the charge's `applies_to` counts (day class AND hours)."""
    if not applies_to:
        return act
    contacts, rows = act.contacts, act.rows
    if not contacts.empty:
        starts = contacts["start"]
        mask = applies_to_mask(starts.dt.date.to_numpy(), applies_to, act.holidays,
                               times=starts.dt.strftime("%H:%M").to_numpy())
        contacts = contacts.loc[np.asarray(mask, dtype=bool)]
    if not rows.empty:
        times = rows["interval_start"].to_numpy() if has_intervals(rows) else None
        mask = applies_to_mask(rows["date"].dt.date.to_numpy(), applies_to, act.holidays, times=times,
                               interval_minutes=act.interval_minutes if times is not None else None)
        rows = rows.loc[np.asarray(mask, dtype=bool)]
    return act.with_data(contacts, rows)


def _scope(charge: Mapping[str, Any]) -> dict[str, Any]:
    applies_to = charge.get("applies_to") or {}
    return {"days": tuple(applies_to.get("days") or ()), "hours": applies_to.get("hours")}


def payments(contacts: pd.DataFrame) -> list[Decimal]:
    """The payment amounts of contact records (outcome payment), in time order."""
    if "outcome" not in contacts or "amount" not in contacts:
        raise InputError("contact records need `outcome` and `amount` for a charge on collected_amount")
    paid = contacts[(contacts["outcome"] == "payment") & contacts["amount"].notna()]
    paid = paid.sort_values(["start", "contact_id"], kind="stable")
    return [to_decimal(v) for v in paid["amount"]]


def _collected(charge: Mapping[str, Any], act: ServiceActivity, figures: dict[str, Any]) -> Units:
    """Payments as events (contact records) or the collected_amount total (activity rows)."""
    if not act.contacts.empty:
        events = payments(act.contacts)
        if not act.rows.empty:
            raise InputError("collected amounts come from both contact records and activity rows in one period")
        return Units(None, events, Fact("payments", {"count": len(events), "total": sum(events, ZERO), **figures}))
    used = [k for k in PER_EVENT_KEYS if charge.get(k) not in (None, 0, "0")]
    if used:
        raise ContractError(f"charge {charge.get('id')!r} sets per-event keys ({', '.join(used)}) but the "
                            "collected amounts are a daily total (collected_amount column): give contact records "
                            "with payments", used[0])
    total = column_sum(act, "collected_amount")
    return Units(total, None, Fact("collected_total", {"total": total, **figures}))


def billable_units(charge: Mapping[str, Any], activity: ServiceActivity, *, active_days: int,
                   period_days: int) -> Units:
    """The exact billable units of `charge` (its `unit`, or each capacity dimension) over the period."""
    act = filtered(activity, charge.get("applies_to"))
    figures = {"source": activity.source, **_scope(charge)}
    if CHARGE_MODELS.get(charge.get("model")).dimensions:
        values = {dim: _dimension_value(charge, dim, act, active_days=active_days, period_days=period_days)
                  for dim in charge_units(charge)}
        return Units(values, None, Fact("dimensions", {"values": values,
                                                       "peak": charge.get("peak_over", "period"), **figures}))
    unit = UNITS.get(charge["unit"])
    if unit.events:
        return _collected(charge, act, figures)
    value = unit.value(charge, act, active_days, period_days)
    if not unit.from_activity:
        prorated = charge.get("prorate", True) is not False
        return Units(value, None, Fact("period_units", {"unit": unit.name, "prorated": prorated,
                                                        "active_days": active_days, "period_days": period_days}))
    return Units(value, None, Fact("units", {"unit": unit.name, "value": value, **figures}))


def _largest(values: Iterable[Decimal]) -> Decimal:
    """The largest value, and never below zero."""
    best = ZERO
    for value in values:
        best = max(best, value)
    return best


def _dimension_value(charge: Mapping[str, Any], dim: str, act: ServiceActivity, *, active_days: int,
                     period_days: int) -> Decimal:
    """A capacity dimension: its period value, or its peak daily / interval value (`peak_over`)."""
    unit = UNITS.get(dim)
    peak = charge.get("peak_over", "period")
    if peak == "period":
        return unit.value(charge, act, active_days, period_days)
    rows = act.rows
    if rows.empty and peak == "day" and not act.contacts.empty:
        # With contact records as the source, a day's value comes from the contacts starting that day.
        contacts = act.contacts
        return _largest(unit.value(charge, act.with_data(day_contacts, rows), 1, 1)
                        for _, day_contacts in contacts.groupby(contacts["start"].dt.date, sort=True))
    if rows.empty:
        return ZERO
    if peak == "interval" and (not has_intervals(rows) or rows["interval_start"].isna().all()):
        raise ContractError(f"charge {charge.get('id')!r}: peak_over interval needs interval activity rows",
                            "peak_over")
    if unit.peak is not None:
        return unit.peak(charge, act, peak)
    no_contacts = act.contacts.iloc[0:0]
    if peak == "interval":
        # A dimension's value is its largest interval value; one interval = one
        # (date, interval_start[, utc_offset]) group of rows.
        keys = [k for k in ("date", "interval_start", "utc_offset") if k in rows.columns]
        groups = rows.groupby(keys, sort=True, dropna=False)
    else:
        groups = rows.groupby("date", sort=True)
    return _largest(unit.value(charge, act.with_data(no_contacts, part), 1, 1) for _, part in groups)
