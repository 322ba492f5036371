"""Month-to-date cost (devengo): for each day d of a billing period, the lines of the expected invoice as
the contract engine prices days 1..d (issue 12, practice 4 of domain.md).

How day d is priced (the invoice's own functions, `ccanalysis.invoice`, on other inputs):
- usage charges on the CUMULATIVE billable units of days 1..d (`invoice.rated_lines`: tiers over the
  cumulative units, per-contact rounding and `applies_to` as on the invoice);
- per-period amounts (fixed fees, capacity charges, a charge on `month`, per-charge minimum and maximum,
  the minimum commitment) accrued by elapsed days: the days in force up to d prorate them as a partial
  period would (amount × d ÷ period days for a service in force all the period); a charge or commitment
  with `prorate: false` is accrued by the days in force up to d ÷ the days in force in the period;
- SLA adjustments (`invoice.sla_lines`) on the KPIs of days 1..d and the SLA base accrued so far;
- every line rounded half-up to cents once, as on the invoice. On the period's last day the lines are the
  expected invoice's, to the cent.

Cost: the units of every day are computed ONCE, from one pass over the period's records
(`pricing.units.daily_values`: each unit's per-record amounts — the same definition as its period value —
summed per day; payments grouped per day), then cumulated: sums for counted units, running maximum for a
capacity peak (`peak_over: day | interval`, each day's own records), concatenation for payment events; a unit
that is not additive over days (distinct customers) is counted on the records of days 1..d (a positional
slice of the sorted records, no re-filtering). The SLA KPIs of days 1..d come from one pass too
(`sla.cumulative_values` → `kpis.cumulative_kpi`: each numerator and denominator term summed per day, the sums
cumulated, the ratio taken on each prefix; the mean of the days so far for `mean_of_days`) and are assessed
by `sla.assess_values` (the bands, linear rules and caps of `sla.assess`); where a KPI cannot be cumulated
(a term on an option, `mean_of_intervals`, contact records and activity rows mixed) it is computed on the
records of days 1..d. Rating the cumulative units is Decimal arithmetic per day; a charge rated on its
units alone (`units_only`) whose units did not move since the day before, and an SLA on the same KPI values
and base, keep the day before's lines.

Pure: plain contract, period and `ServiceActivity` in, `Line`s and frames out (`ccanalysis.workbook` wires
an engagement: `accrual`, `accrual_lines`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from ccanalysis import invoice, kpis, pricing
from ccanalysis import sla as sla_rules
from ccanalysis.contract import BillingPeriod, Contract, Service
from ccanalysis.invoice import Line
from ccanalysis.money import ZERO
from ccanalysis.pricing.base import Fact
from ccanalysis.pricing.units import (
    UNITS,
    ServiceActivity,
    Units,
    billable_units,
    charge_units,
    daily_values,
    day_sources,
)

#: Columns of `lines_frame`.
LINE_COLUMNS = ["date", "service", "charge", "tier", "kind", "accrued", "increment"]
#: Columns of `daily_totals` (what the report's daily cost chart draws).
DAILY_COLUMNS = ["date", "cost", "cumulative"]


# ------------------------------------------------------------------------------------------ per-day data

@dataclass(frozen=True)
class DailyActivity:
    """One service's activity split once by day: the records sorted by time (for the slices of days 1..d)
    and each day's own `ServiceActivity`."""

    whole: ServiceActivity  # sorted: contacts by start, rows by date
    contact_days: np.ndarray  # datetime64[D] of each sorted contact
    row_days: np.ndarray  # datetime64[D] of each sorted row
    days: Mapping[date, ServiceActivity] = field(default_factory=dict)

    def up_to(self, day: date) -> ServiceActivity:
        """The records of days up to `day` inclusive (a positional slice)."""
        bound = np.datetime64(day, "D")
        hi_c = int(self.contact_days.searchsorted(bound, side="right"))
        hi_r = int(self.row_days.searchsorted(bound, side="right"))
        return self.whole.with_data(self.whole.contacts.iloc[:hi_c], self.whole.rows.iloc[:hi_r],
                                    _records_between(self.whole, None, bound))

    def has_data(self, day: date) -> bool:
        """Whether `day` has activity of its own."""
        return day in self.days

    @cached_property
    def sources(self) -> dict[date, str]:
        """Each day's `ServiceActivity.source` (`pricing.units.day_sources`), computed once."""
        return day_sources(self.whole)

    @cached_property
    def empty(self) -> ServiceActivity:
        """The activity with no records (what a unit not counted from activity is computed on)."""
        return _empty(self.whole)


def daily_kpis_exact(service: Service, kpi_days: pd.DataFrame) -> bool:
    """Whether every SLA rule of the service gives, on the daily rows `kpi_days` (contact records summed
    per day at the service's thresholds, `contacts.daily_activity`), the value it gives on the contact
    records: true when each KPI is a ratio of plain sums (no weighted mean, no present-only term) or a mean
    of days, at the service's own thresholds, and the rows have its columns."""
    if not service.sla:
        return False
    settings = service.kpi_settings()
    shared = kpis.shared_thresholds(settings)
    for rule in sla_rules.parse(service.sla).rules:
        own = settings.get(rule.kpi) or {}
        if any(key in rule.options for key in ("threshold_s", "short_abandon_s", "aggregation")):
            return False
        if own.get("aggregation") == "mean_of_intervals":
            return False
        variant = kpis.variant_of(rule.kpi, rule.options.get("variant", own.get("variant")))
        terms = list(variant.numerator) + list(variant.denominator)
        if any(t.weight is not None or t.present is not None for t in terms):
            return False
        if not set(variant.columns) <= set(kpi_days.columns):
            return False
        needs = {"answered_within_sl": "threshold_s", "abandoned_within_sl": "threshold_s",
                 "abandoned_short": "short_abandon_s"}
        for column, option in needs.items():
            if column in variant.columns and own.get(option, shared.get(option)) is None:
                return False
    return True


def _records_between(activity: ServiceActivity, first: np.datetime64 | None,
                     last: np.datetime64) -> pd.DataFrame | None:
    """A billing-care service's records (`ServiceActivity.records`) of the days first..last (None: from the
    start); None when the service has none apart from its contacts."""
    records = activity.records
    if records is None or records.empty:
        return records
    days = records["start"].to_numpy().astype("datetime64[D]")
    keep = days <= last if first is None else (days >= first) & (days <= last)
    return records[keep]


def split_days(activity: ServiceActivity) -> DailyActivity:
    """The service's activity sorted by time and split by day (contacts by their start's day, rows by date)."""
    contacts, rows = activity.contacts, activity.rows
    if not contacts.empty:
        if not contacts["start"].is_monotonic_increasing:
            contacts = contacts.sort_values("start", kind="stable")
        contact_days = contacts["start"].to_numpy().astype("datetime64[D]")
    else:
        contact_days = np.array([], dtype="datetime64[D]")
    if not rows.empty:
        if not rows["date"].is_monotonic_increasing:
            rows = rows.sort_values("date", kind="stable")
        row_days = rows["date"].to_numpy().astype("datetime64[D]")
    else:
        row_days = np.array([], dtype="datetime64[D]")
    whole = activity.with_data(contacts, rows)
    days = DaySlices(whole, contact_days, row_days,
                     tuple(sorted(set(contact_days.tolist()) | set(row_days.tolist()))))
    return DailyActivity(whole, contact_days, row_days, days)


class DaySlices(Mapping[date, ServiceActivity]):
    """Each day's own `ServiceActivity` (positional slices of the sorted records), sliced when asked."""

    def __init__(self, whole: ServiceActivity, contact_days: np.ndarray, row_days: np.ndarray,
                 days: tuple[date, ...]) -> None:
        self._whole, self._contact_days, self._row_days = whole, contact_days, row_days
        self._days = days
        self._set = frozenset(days)
        self._cache: dict[date, ServiceActivity] = {}

    def __getitem__(self, day: date) -> ServiceActivity:
        if day not in self._set:
            raise KeyError(day)
        if day not in self._cache:
            bound = np.datetime64(day, "D")
            c, r = self._contact_days, self._row_days
            self._cache[day] = self._whole.with_data(
                self._whole.contacts.iloc[c.searchsorted(bound, "left"):c.searchsorted(bound, "right")],
                self._whole.rows.iloc[r.searchsorted(bound, "left"):r.searchsorted(bound, "right")],
                _records_between(self._whole, bound, bound))
        return self._cache[day]

    def __contains__(self, day: object) -> bool:
        return day in self._set

    def __iter__(self):  # noqa: ANN204
        return iter(self._days)

    def __len__(self) -> int:
        return len(self._days)


# ------------------------------------------------------------------------------------------ cumulative units

def combine_mode(charge: Mapping[str, Any]) -> str:
    """How a charge's day units make the units of days 1..d: "sum" (counted units and payment events),
    "max" (a capacity peak over days or intervals), "slice" (distinct customers: counted on days 1..d),
    "period" (a unit not from activity: `month`)."""
    names = charge_units(charge)
    records = [UNITS.get(n) for n in names if n in UNITS]
    if records and all(not r.from_activity for r in records):
        return "period"
    if any(r.contacts_only for r in records):
        return "slice"
    if pricing.get(charge["model"]).dimensions and charge.get("peak_over", "period") != "period":
        return "max"
    return "sum"


def add_units(total: Units | None, day: Units, mode: str = "sum") -> Units:
    """The units of days 1..d from those of days 1..d−1 and day d's (the fact's figures follow)."""
    if total is None:
        return day
    if day.events is not None or total.events is not None:
        events = list(total.events or []) + list(day.events or [])
        figures = {**day.fact.figures, "count": len(events), "total": sum(events, ZERO)}
        return Units(None, events, Fact(day.fact.code, figures))
    if isinstance(day.units, dict):
        assert isinstance(total.units, dict)
        pick = max if mode == "max" else (lambda a, b: a + b)
        values = {k: pick(total.units.get(k, ZERO), v) for k, v in day.units.items()}
        return Units(values, None, Fact(day.fact.code, {**day.fact.figures, "values": values}))
    value = (total.units or ZERO) + (day.units or ZERO)
    figures = dict(day.fact.figures)
    for key in ("value", "total"):
        if key in figures:
            figures[key] = value
    return Units(value, None, Fact(day.fact.code, figures))


@dataclass(frozen=True)
class ChargeDays:
    """One charge's units for each day of the period (only days with data for "sum" / "max")."""

    service: Service
    charge: Mapping[str, Any]
    mode: str
    days: dict[date, Units]


def day_units(service: Service, charge: Mapping[str, Any], daily: DailyActivity, *, in_force_days: int,
              period_days: int) -> ChargeDays:
    """The charge's units of each day with data, computed once (modes "sum" and "max")."""
    mode = combine_mode(charge)
    days: dict[date, Units] = {}
    if mode in ("sum", "max"):
        at_once = daily_values(charge, daily.whole, active_days=in_force_days, period_days=period_days,
                               sources=daily.sources) if mode == "sum" else None
        if at_once is not None:
            days = at_once
        else:
            for day, act in daily.days.items():
                days[day] = billable_units(charge, act, active_days=in_force_days, period_days=period_days)
    return ChargeDays(service, charge, mode, days)


def _empty(activity: ServiceActivity) -> ServiceActivity:
    return activity.with_data(activity.contacts.iloc[0:0], activity.rows.iloc[0:0])


# ------------------------------------------------------------------------------------------ the engine

@dataclass(frozen=True)
class ServicePlan:
    """What the engine needs of one service: its days in force and its activity split by day."""

    service: Service
    first: date
    last: date
    daily: DailyActivity
    #: the SLA's daily rows (contact records summed per day) when they give the records' KPIs, sorted by date
    kpi_days: pd.DataFrame | None = None
    #: per SLA rule, its KPI value on days 1..d for every day d with records (`sla.cumulative_values`);
    #: None: the KPIs are computed on each prefix (`kpi_activity`)
    kpi_values: list[dict[date, Fraction | None]] | None = None

    def kpi_values_on(self, days: Sequence[date]) -> list[sla_rules.RuleValues]:
        """For each day of `days` (ascending), each rule's KPI value of days 1..day (None: no data yet)."""
        assert self.kpi_values is not None and self.service.sla
        rules = sla_rules.parse(self.service.sla)
        out: list[sla_rules.RuleValues] = []
        current: tuple[Fraction | None, ...] = (None,) * len(self.kpi_values)
        for day in days:
            current = tuple(values.get(day, value) for values, value in zip(self.kpi_values, current, strict=True))
            out.append(sla_rules.RuleValues(rules, current))
        return out

    def kpi_activity(self, day: date) -> ServiceActivity:
        """What the SLA KPIs of days 1..`day` are computed on: the daily rows up to `day` when they give the
        records' values (`daily_kpis_exact`), else the records of days 1..`day`."""
        if self.kpi_days is None:
            return self.daily.up_to(day)
        days = self.kpi_days["date"].to_numpy().astype("datetime64[D]")
        hi = int(days.searchsorted(np.datetime64(day, "D"), side="right"))
        whole = self.daily.whole
        return whole.with_data(whole.contacts.iloc[0:0], self.kpi_days.iloc[:hi])

    def active_up_to(self, day: date) -> int:
        """The service's days in force from its first day to `day`, inclusive (0 before it starts)."""
        if day < self.first:
            return 0
        return max(0, (min(day, self.last) - self.first).days + 1)

    @property
    def in_force_days(self) -> int:
        """The service's days in force in the period, first to last inclusive."""
        return max(0, (self.last - self.first).days + 1)


@dataclass(frozen=True)
class Engine:
    """The contract, the period and each service's per-day units: `lines_on(day)` prices days 1..day."""

    contract: Contract
    period: BillingPeriod
    services: dict[str, ServicePlan]
    charges: list[ChargeDays]

    def cumulative(self, until: date) -> list[list[Units | None]]:
        """For each charge, its units of days 1..d for every day d from the period start to `until`."""
        out = []
        days = _dates(self.period.start, until)
        for item in self.charges:
            plan = self.services[item.service.id]
            series: list[Units | None] = []
            total: Units | None = None
            for day in days:
                if item.mode == "period":
                    total = billable_units(item.charge, plan.daily.empty, active_days=plan.active_up_to(day),
                                           period_days=self.period.days)
                elif item.mode == "slice":
                    total = billable_units(item.charge, plan.daily.up_to(day), active_days=plan.in_force_days,
                                           period_days=self.period.days)
                elif day in item.days:
                    total = add_units(total, item.days[day], item.mode)
                series.append(total)
            out.append(series)
        return out

    def zero_units(self, item: ChargeDays) -> Units:
        """The charge's billable units on no activity, with the service's days in force over the period's days;
        memoised per (service, charge)."""
        key = (item.service.id, item.charge["id"])
        if key not in self._zero:
            plan = self.services[item.service.id]
            self._zero[key] = billable_units(item.charge, plan.daily.empty, active_days=plan.in_force_days,
                                             period_days=self.period.days)
        return self._zero[key]

    @cached_property
    def _zero(self) -> dict[tuple[str, str], Units]:
        return {}

    def price(self, day: date, units: list[Units | None],
              kpi_activity: Mapping[str, ServiceActivity | sla_rules.RuleValues],
              memo: dict[Any, tuple[Any, list[Line]]] | None = None) -> list[Line]:
        """The lines of days 1..`day` from each charge's cumulative `units` (None: none yet) and, per service
        with an SLA, the records its KPIs are computed on or its rules' KPI values of days 1..`day`.
        `memo` (the previous day's, per charge and SLA): a charge rated on its units alone (`units_only`)
        whose units are those of the day before, and an SLA on the same KPI values and base, keep that
        day's lines."""
        charges: list[Line] = []
        for index, (item, total) in enumerate(zip(self.charges, units, strict=True)):
            plan = self.services[item.service.id]
            total = total or self.zero_units(item)
            seen = None if memo is None else memo.get(index)
            if seen is not None and _same_units(seen[0], total):
                charges += seen[1]
                continue
            rated = invoice.rated_lines(item.service, item.charge, total, active_days=plan.active_up_to(day),
                                        period_days=self.period.days, in_force_days=plan.in_force_days)
            if memo is not None and units_only(item.charge):
                memo[index] = (total, rated)
            charges += rated
        for plan in self.services.values():  # a collections service's lifetime fee cap per account
            if plan.service.collections is not None and plan.service.collections.max_fee_per_account is not None:
                charges += invoice.account_cap_lines(plan.service, plan.daily.up_to(day),
                                                     active_days=plan.active_up_to(day), period_days=self.period.days)
        first, last = self.contract.active_range(self.period)
        contract_days = max(0, (last - first).days + 1)
        elapsed = 0 if day < first else max(0, (min(day, last) - first).days + 1)
        lines = list(charges)
        lines += invoice.minimum_commitment(self.contract, self.period, charges, elapsed, contract_days)
        for plan in self.services.values():
            if plan.service.sla:
                kpi = kpi_activity[plan.service.id]
                if isinstance(kpi, ServiceActivity):
                    lines += invoice.sla_lines(plan.service, charges, kpi, self.period)
                    continue
                # the same KPI values on the same base as the day before: the same lines
                key = ("sla", plan.service.id)
                base, _ = invoice.sla_base(plan.service, charges)
                seen = None if memo is None else memo.get(key)
                if seen is not None and seen[0] == (kpi.values, base):
                    lines += seen[1]
                    continue
                rated = invoice.sla_lines(plan.service, charges, None, self.period, kpi)
                if memo is not None:
                    memo[key] = ((kpi.values, base), rated)
                lines += rated
        return lines

    def days(self, until: date | None = None) -> list[tuple[date, list[Line]]]:
        """(day, the lines of days 1..day) for every day from the period start to `until` (default the
        period end)."""
        until = self.period.end if until is None else min(until, self.period.end)
        series = self.cumulative(until)
        dates = _dates(self.period.start, until)
        values = {sid: plan.kpi_values_on(dates) for sid, plan in self.services.items()
                  if plan.service.sla and plan.kpi_values is not None}
        out = []
        memo: dict[Any, tuple[Any, list[Line]]] = {}
        for index, day in enumerate(dates):
            kpi: dict[str, ServiceActivity | sla_rules.RuleValues] = {}
            for sid, plan in self.services.items():
                if plan.service.sla:
                    kpi[sid] = values[sid][index] if sid in values else plan.kpi_activity(day)
            out.append((day, self.price(day, [s[index] for s in series], kpi, memo)))
        return out


def units_only(charge: Mapping[str, Any]) -> bool:
    """Whether the charge's lines depend on its units alone, not on the days elapsed: a price on counted
    activity (not a per-period amount, `invoice.per_period`) without a per-charge minimum or maximum (which
    are prorated by days)."""
    return not invoice.per_period(charge) and charge.get("minimum") is None and charge.get("maximum") is None


def _same_units(a: Units, b: Units) -> bool:
    return a is b or (a.units == b.units and a.events == b.events and a.fact == b.fact)


def engine(contract: Contract, period: BillingPeriod, activities: Mapping[str, ServiceActivity],
           kpi_days: Mapping[str, pd.DataFrame] | Callable[[Service], pd.DataFrame] | None = None) -> Engine:
    """The accrual engine of one supplier and billing period: each service's activity (the whole period's,
    as for the invoice) split by day and each charge's units per day computed once. `kpi_days`: per service
    whose records are contact records, its daily rows (`contacts.daily_activity` at the service's
    thresholds), or a function giving them for a service — asked only for a service whose SLA KPIs cannot
    be cumulated from one pass (`_kpi_values`): the SLA KPIs of days 1..d are then ratios of daily sums
    where that is exact (`daily_kpis_exact`), instead of being recomputed on every record of days 1..d."""
    services: dict[str, ServicePlan] = {}
    charges: list[ChargeDays] = []
    for service in contract.services_for(period):
        first, last = contract.active_range(period, service)
        daily = split_days(activities[service.id])
        values = _kpi_values(service, daily)
        rows = None
        if values is None and service.sla and not daily.whole.contacts.empty:
            rows = kpi_days(service) if callable(kpi_days) else (kpi_days or {}).get(service.id)
        if rows is not None and daily_kpis_exact(service, rows):
            rows = rows.sort_values("date", kind="stable")
        else:
            rows = None
        plan = ServicePlan(service, first, last, daily, rows, values)
        services[service.id] = plan
        for charge in service.charges:
            charges.append(day_units(service, charge, daily, in_force_days=plan.in_force_days,
                                     period_days=period.days))
    return Engine(contract, period, services, charges)


def _kpi_values(service: Service, daily: DailyActivity) -> list[dict[date, Fraction | None]] | None:
    """Each SLA rule's KPI of days 1..d for every day d with records, from one pass over the period's records
    (`sla.cumulative_values`), when that gives what the rule gives on the records of days 1..d: records of
    one kind (contact records or activity rows, as `invoice.kpi_data` takes them). None otherwise, or when
    the data cannot give a rule's KPI (the prefixes then raise what the invoice raises)."""
    whole = daily.whole
    if not service.sla or (not whole.contacts.empty and not whole.rows.empty):
        return None
    try:
        return sla_rules.cumulative_values(service.sla, service.kpi_settings(), invoice.kpi_data(whole))
    except ValueError:
        return None


def _dates(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


# ------------------------------------------------------------------------------------------ frames

def line_key(line: Line) -> tuple:
    """The key identifying a line across days: (service, charge, tier, kind)."""
    return (line.service, line.charge, line.tier, line.kind)


def lines_frame(days: Iterable[tuple[date, list[Line]]]) -> pd.DataFrame:
    """One row per day and line seen up to that day: date, service, charge, tier, kind, accrued (Decimal,
    the line's month-to-date amount; 0.00 on a day a line seen earlier is absent, e.g. a minimum met since),
    increment (accrued less the day before's)."""
    rows = []
    previous: dict[tuple, Decimal] = {}
    for day, lines in days:
        today: dict[tuple, Decimal] = {key: ZERO for key in previous}
        for line in lines:
            key = line_key(line)
            today[key] = today.get(key, ZERO) + line.amount
        for key, amount in today.items():
            service, charge, tier, kind = key
            rows.append({"date": pd.Timestamp(day), "service": service, "charge": charge, "tier": tier, "kind": kind,
                         "accrued": amount, "increment": amount - previous.get(key, ZERO)})
        previous = today
    frame = pd.DataFrame(rows, columns=LINE_COLUMNS)
    frame["tier"] = frame["tier"].astype("Int64")
    return frame


def daily_totals(days: Iterable[tuple[date, list[Line]]]) -> pd.DataFrame:
    """One row per day: date, cost (Decimal, the day's increment of the net), cumulative (the net of days
    1..d: Σ of its rounded lines)."""
    rows = []
    previous = ZERO
    for day, lines in days:
        cumulative = sum((line.amount for line in lines), ZERO)
        rows.append({"date": pd.Timestamp(day), "cost": cumulative - previous, "cumulative": cumulative})
        previous = cumulative
    return pd.DataFrame(rows, columns=DAILY_COLUMNS)


def gaps(engine_: Engine, until: date) -> list[tuple[str, date]]:
    """(service, day) of every day up to `until` a service is in force without any activity row or contact
    record: missing data, never read as a zero."""
    out = []
    for sid, plan in engine_.services.items():
        for day in _dates(plan.first, min(until, plan.last)):
            if not plan.daily.has_data(day):
                out.append((sid, day))
    return out


def last_activity_day(activity: pd.DataFrame, contacts: pd.DataFrame, supplier: str, start: date,
                      end: date) -> date | None:
    """The last day from `start` to `end` inclusive with an activity row (`date`) or a contact record
    (`start`) of the supplier; None when there is none."""
    days = []
    if not activity.empty:
        rows = activity[(activity["supplier"] == supplier) & (activity["date"] >= pd.Timestamp(start))
                        & (activity["date"] <= pd.Timestamp(end))]
        if not rows.empty:
            days.append(rows["date"].max().date())
    if not contacts.empty:
        rows = contacts[(contacts["supplier"] == supplier) & (contacts["start"] >= pd.Timestamp(start))
                        & (contacts["start"] < pd.Timestamp(end) + pd.Timedelta(days=1))]
        if not rows.empty:
            days.append(rows["start"].max().date())
    return max(days) if days else None


def total(frame: pd.DataFrame) -> Decimal:
    """The month-to-date charges at the last day of a `daily_totals` frame (0 without rows)."""
    return frame["cumulative"].iloc[-1] if not frame.empty else ZERO
