"""Billable units of a charge over a billing period, from the service's activity (data.md "Billable units").

One `BillableUnit` record per unit in the `UNITS` registry says where the unit comes from (activity
columns, contact-record fields), what it needs, whether it may carry per-contact rounding, and how its
value is computed. Pure: `billable_units` takes the service's contact records and activity rows already
cut to the period and returns the exact units (or event values) with the `Fact` of where they came from.
`requirements(charge)` tells the loader what a charge needs from the data before anything is rated.
A unit that is a plain sum over records gives its per-record `amounts` (`RecordAmounts`): its period value
is their sum (`additive`) and `daily_values` gives a charge's units of every day at once from the same
amounts summed per day (the accrual, `ccanalysis.accrual`), equal to `billable_units` on each day's records.

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

from ccanalysis.churn import churned_by
from ccanalysis.errors import ContractError, InputError
from ccanalysis.kpis import DayIndex, exact_day_sums
from ccanalysis.money import ZERO, to_decimal
from ccanalysis.periods import working_days_between
from ccanalysis.pricing.applies_to import RECORD_KEYS, applies_to_mask, record_mask
from ccanalysis.pricing.base import Fact
from ccanalysis.pricing.registry import CHARGE_MODELS
from ccanalysis.pricing.rounding import billable_seconds
from ccanalysis.registry import Registry

SECONDS_PER_HOUR = Decimal(3600)
SECONDS_PER_MINUTE = Decimal(60)
PER_EVENT_KEYS = ("fixed_per_event", "min_per_event", "max_per_event", "free_events", "free_amount",
                  "max_per_account")
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
    #: a collections service with a lifetime fee cap per account: its contact records before the period
    #: (the earlier payments each account's cap has already absorbed); None otherwise
    prior_contacts: pd.DataFrame | None = None
    #: a billing-care service's contact records of the period (reason, customer_id, outcome…) when its counts
    #: come from activity rows; None: its contact records are `contacts`
    records: pd.DataFrame | None = None
    #: the billing-care customers (customer_id, status, churn_date), what a retention fee is earned on
    customers: pd.DataFrame | None = None

    def care_records(self) -> pd.DataFrame:
        """The service's billing-care contact records: `records`, else its contact records."""
        return self.contacts if self.records is None else self.records

    @property
    def source(self) -> str:
        """"contacts", "interval", "daily" or "none": where the units come from."""
        if not self.contacts.empty:
            return "contacts"
        if has_intervals(self.rows):
            return "interval"
        return "daily" if not self.rows.empty else "none"

    def with_data(self, contacts: pd.DataFrame, rows: pd.DataFrame,
                  records: pd.DataFrame | None = None) -> ServiceActivity:
        """A copy with these contacts and activity rows (and billing-care `records`, when given)."""
        if records is None:
            return replace(self, contacts=contacts, rows=rows)
        return replace(self, contacts=contacts, rows=rows, records=records)



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
    amounts(charge, activity): the unit as one exact amount per record (`RecordAmounts`) when its value is
    a plain sum over records — then `value` is that sum (`additive`) and `daily_values` gives the value of
    every day at once from the same amounts; None for a unit that is not a sum over records (distinct
    customers, payment events, month);
    drivers: how its value scales with the simulator's drivers (`ccanalysis.simulation.montecarlo`): the
    product of the multipliers named — ("volume",) for counts of contacts, customers, sales and payments,
    ("volume", "aht") for handled time, ("hours",) for staffed time (the hours curve of a time-paid
    candidate), () for a unit that does not move (month). None: not simulated (a unit added without it);
    care_records: it is counted on the service's billing-care records (`ServiceActivity.care_records`: beside
    activity rows, the records; else the contact records), not on its activity.
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
    amounts: Callable[[Mapping[str, Any], ServiceActivity], RecordAmounts] | None = None
    care_records: bool = False


#: The drivers a unit's value may scale with (`BillableUnit.drivers`).
DRIVERS: tuple[str, ...] = ("volume", "aht", "hours")

#: The billable units by name (data.md "Billable units"), filled at the bottom of this module.
UNITS: Registry[BillableUnit] = Registry("unit", "billable units", key="unit")


# ------------------------------------------------------------------------------------------ sums

def exact_values(values: pd.Series) -> np.ndarray:
    """A column as exact per-record amounts: int64 for integer or boolean columns, else Decimal objects
    (missing values as 0, as `exact_sum` skips them)."""
    if pd.api.types.is_integer_dtype(values.dtype) or pd.api.types.is_bool_dtype(values.dtype):
        return values.to_numpy(dtype=np.int64)
    return np.array([ZERO if v is None or pd.isna(v) else to_decimal(v) for v in values.tolist()], dtype=object)


def _array_sum(values: np.ndarray) -> Decimal:
    if values.dtype == object:
        return sum(values.tolist(), ZERO)
    return Decimal(int(values.sum()))


@dataclass(frozen=True)
class RecordAmounts:
    """A unit's value as an exact sum over records: one amount per activity row (`rows`, aligned with the
    activity's rows) and per contact record (`contacts`), int64 or Decimal objects; the value is
    Σ amounts divided in turn by each of `divisors` (e.g. seconds → hours)."""

    rows: np.ndarray
    contacts: np.ndarray
    divisors: tuple[Decimal, ...] = ()

    def scaled(self, numerator: Decimal) -> Decimal:
        """The unit's value of records whose amounts sum to `numerator`."""
        for divisor in self.divisors:
            numerator = numerator / divisor
        return numerator

    def value(self) -> Decimal:
        """The unit's exact value: Σ of every row and contact amount, divided by each divisor."""
        return self.scaled(_array_sum(self.rows) + _array_sum(self.contacts))

    def __add__(self, other: RecordAmounts) -> RecordAmounts:
        """Amounts of the same records added (a difference of columns: `other` already signed)."""
        return RecordAmounts(_add(self.rows, other.rows), _add(self.contacts, other.contacts), self.divisors)

    def __neg__(self) -> RecordAmounts:
        return RecordAmounts(-self.rows, -self.contacts, self.divisors)

    def over(self, *divisors: Decimal) -> RecordAmounts:
        """The same amounts with `divisors` added (e.g. 3600 for seconds → hours)."""
        return RecordAmounts(self.rows, self.contacts, self.divisors + tuple(divisors))


def _add(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if a.dtype == object or b.dtype == object:
        return np.array([Decimal(x) + Decimal(y) for x, y in zip(a.tolist(), b.tolist(), strict=True)], dtype=object)
    return a + b


def _none(frame: pd.DataFrame) -> np.ndarray:
    return np.zeros(len(frame), dtype=np.int64)


def column_amounts(act: ServiceActivity, column: str, *,
                   from_contacts: Callable[[pd.DataFrame], np.ndarray] | None = None) -> RecordAmounts:
    """An activity column per row, plus the same quantity derived per contact record (`from_contacts`:
    the per-contact amounts)."""
    rows = _none(act.rows)
    if not act.rows.empty:
        if column not in act.rows.columns:
            raise InputError(f"the activity rows have no `{column}` column, which this charge is billed on")
        rows = exact_values(act.rows[column])
    contacts = _none(act.contacts)
    if not act.contacts.empty:
        if from_contacts is None:
            raise InputError(f"`{column}` cannot be derived from contact records; give activity rows with it")
        contacts = from_contacts(act.contacts)
    return RecordAmounts(rows, contacts)


def column_sum(act: ServiceActivity, column: str, *,
               from_contacts: Callable[[pd.DataFrame], np.ndarray] | None = None) -> Decimal:
    """Σ of an activity column over rows, plus the same quantity derived from contact records."""
    return column_amounts(act, column, from_contacts=from_contacts).value()


def _answered(contacts: pd.DataFrame) -> np.ndarray:
    return contacts["answered"].astype(bool).to_numpy()


def handled_contacts(contacts: pd.DataFrame) -> pd.DataFrame:
    """The contact records that were answered."""
    return contacts[contacts["answered"].astype(bool)]


def _handled_values(contacts: pd.DataFrame, column: str) -> np.ndarray:
    """A contact field of the handled contacts (0 for the others)."""
    values = exact_values(contacts[column])
    answered = _answered(contacts)
    if values.dtype == object:
        return np.where(answered, values, ZERO)
    return np.where(answered, values, 0).astype(np.int64)


def _productive_amounts(act: ServiceActivity) -> RecordAmounts:
    """talk + hold + ACW seconds of each row and each handled contact."""
    rows, contacts = _none(act.rows), _none(act.contacts)
    parts = []
    for column in ("talk_s", "hold_s", "acw_s"):
        part = RecordAmounts(exact_values(act.rows[column]) if not act.rows.empty else rows,
                             _handled_values(act.contacts, column) if not act.contacts.empty else contacts)
        parts.append(part)
    return parts[0] + parts[1] + parts[2]


def _rounded_amounts(charge: Mapping[str, Any], hold_and_acw: bool, act: ServiceActivity) -> RecordAmounts:
    """Seconds under per-contact `rounding` (pricing.md) of each contact, handled contact records only: on
    talk + hold + ACW for productive minutes, on talk alone for talk minutes (÷ 60: minutes)."""
    if act.contacts.empty and not act.rows.empty:
        raise ContractError(f"charge {charge.get('id')!r} rounds each contact (`rounding`), which needs "
                            "contact records in data/ENG/contacts/, but this service has only activity rows",
                            "rounding")
    contacts = act.contacts
    if contacts.empty:
        return RecordAmounts(_none(act.rows), _none(contacts), (SECONDS_PER_MINUTE,))
    talk = contacts["talk_s"].to_numpy()
    if hold_and_acw:
        hold, acw = contacts["hold_s"].to_numpy(), contacts["acw_s"].to_numpy()
    else:
        hold = acw = np.zeros(len(contacts), dtype=np.int64)
    seconds = billable_seconds(talk, hold, acw, contacts["answered"].to_numpy(dtype=bool), charge["rounding"])
    return RecordAmounts(_none(act.rows), np.asarray(seconds, dtype=np.int64), (SECONDS_PER_MINUTE,))


def _rounded_minutes(charge: Mapping[str, Any], hold_and_acw: bool, act: ServiceActivity) -> Decimal:
    """Minutes under per-contact `rounding` (`_rounded_amounts`)."""
    return _rounded_amounts(charge, hold_and_acw, act).value()


# ------------------------------------------------------------------------------------------ the units

AmountsOf = Callable[[Mapping[str, Any], ServiceActivity], RecordAmounts]


def additive(amounts: AmountsOf) -> UnitValue:
    """The value function of a unit that is a sum over records: Σ of its `amounts` (one definition for the
    period's value and every day's, `daily_values`)."""
    def value(charge: Mapping[str, Any], act: ServiceActivity, active_days: int, period_days: int) -> Decimal:
        return amounts(charge, act).value()

    return value


def _logged_hour(charge: Mapping[str, Any], act: ServiceActivity) -> RecordAmounts:
    return column_amounts(act, "logged_s").over(SECONDS_PER_HOUR)


def _productive_hour(charge: Mapping[str, Any], act: ServiceActivity) -> RecordAmounts:
    return _productive_amounts(act).over(SECONDS_PER_HOUR)


def _effective_hour(charge: Mapping[str, Any], act: ServiceActivity) -> RecordAmounts:
    return (column_amounts(act, "logged_s") + -column_amounts(act, "aux_s")).over(SECONDS_PER_HOUR)


def _productive_minute(charge: Mapping[str, Any], act: ServiceActivity) -> RecordAmounts:
    if charge.get("rounding"):
        return _rounded_amounts(charge, True, act)
    return _productive_amounts(act).over(SECONDS_PER_MINUTE)


def _talk_minute(charge: Mapping[str, Any], act: ServiceActivity) -> RecordAmounts:
    if charge.get("rounding"):
        return _rounded_amounts(charge, False, act)
    return column_amounts(act, "talk_s", from_contacts=lambda c: _handled_values(c, "talk_s")) \
        .over(SECONDS_PER_MINUTE)


def _handled_contact(charge: Mapping[str, Any], act: ServiceActivity) -> RecordAmounts:
    return column_amounts(act, "handled", from_contacts=lambda c: _answered(c).astype(np.int64))


def _offered_contact(charge: Mapping[str, Any], act: ServiceActivity) -> RecordAmounts:
    return column_amounts(act, "offered", from_contacts=lambda c: np.ones(len(c), dtype=np.int64))


def _customer(charge: Mapping[str, Any], act: ServiceActivity, active_days: int, period_days: int) -> Decimal:
    if act.contacts.empty and not act.rows.empty:
        raise InputError(f"charge {charge.get('id')!r} is billed per distinct customer, which needs contact "
                         "records with customer_id (daily counts of customers cannot be summed)")
    if act.contacts.empty:
        return ZERO
    if "customer_id" not in act.contacts.columns:
        raise InputError("contact records have no customer_id column, needed for a per-customer charge")
    return Decimal(int(act.contacts["customer_id"].dropna().nunique()))


def _fte(charge: Mapping[str, Any], act: ServiceActivity) -> RecordAmounts:
    fte_hours = to_decimal(charge["fte_hours"], what="fte_hours")
    return column_amounts(act, "logged_s").over(SECONDS_PER_HOUR, fte_hours)


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


def _sale(charge: Mapping[str, Any], act: ServiceActivity) -> RecordAmounts:
    return column_amounts(act, "sales", from_contacts=lambda c: (c["outcome"] == "sale").fillna(False).to_numpy(dtype=bool)
                          .astype(np.int64) if "outcome" in c else _none(c))


def _collected_amount(charge: Mapping[str, Any], act: ServiceActivity, active_days: int,
                      period_days: int) -> Decimal:
    return column_sum(act, "collected_amount",
                      from_contacts=lambda c: np.array([sum(payments(c), ZERO)], dtype=object))


#: Attempt outcomes that reach the debtor (`ccanalysis.collections.fees.RPC_OUTCOMES`).
RPC_OUTCOMES = ("rpc", "ptp", "refusal", "dispute")


def _right_party_contact(charge: Mapping[str, Any], act: ServiceActivity) -> RecordAmounts:
    """Attempts that reached the debtor (outcome rpc, ptp, refusal or dispute): collections contact records."""
    return column_amounts(act, "right_party_contact", from_contacts=lambda c: c["outcome"].isin(RPC_OUTCOMES)
                          .to_numpy(dtype=bool).astype(np.int64) if "outcome" in c else _none(c))


#: The `outcome` of a billing-care contact whose customer the agent kept (what a retention fee is paid on).
RETAINED_OUTCOME = "retained"

#: Columns of `retention_outcomes`.
RETENTION_COLUMNS = ["contact_id", "customer_id", "contacted_on", "churn_date", "window_days", "days_to_churn",
                     "earned"]


def retention_outcomes(records: pd.DataFrame, customers: pd.DataFrame | None, window_days: int) -> pd.DataFrame:
    """Each retained contact (outcome `retained`) of `records` and whether its retention fee is earned: the
    customer is still a customer `window_days` after the contact's day — its churn_date (the first day it is
    no longer one) blank or after that day. With N = 30 and the contact on day 0, churn on day 29 or 30 →
    not earned (not a customer on day 30), on day 31 → earned. A customer missing from `customers` cannot be
    shown to stay: not earned. One row per retained contact (RETENTION_COLUMNS; days_to_churn: churn_date −
    contact day in days, None while active), in the records' order."""
    if "outcome" not in records.columns or "customer_id" not in records.columns:
        raise InputError("contact records need `outcome` and `customer_id` for a charge on retained_customer")
    kept = records[(records["outcome"] == RETAINED_OUTCOME).fillna(False).to_numpy(dtype=bool)]
    if kept.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in RETENTION_COLUMNS})
    contacted = pd.to_datetime(kept["start"]).dt.normalize()
    known = pd.Series(False, index=kept.index)
    churn = pd.Series(pd.NaT, index=kept.index, dtype="datetime64[ns]")
    if customers is not None and not customers.empty:
        by_id = customers.drop_duplicates("customer_id").set_index("customer_id")
        ids = kept["customer_id"].astype(object)
        known = ids.isin(by_id.index)
        if "churn_date" in by_id.columns:
            churn = pd.to_datetime(ids.map(by_id["churn_date"]))
    days = (churn - contacted).dt.days
    earned = known & ~churned_by(churn, contacted, window_days)
    return pd.DataFrame({
        "contact_id": kept["contact_id"].astype(object).to_numpy(),
        "customer_id": kept["customer_id"].astype(object).to_numpy(),
        "contacted_on": contacted.dt.date.to_numpy(),
        "churn_date": pd.Series([None if pd.isna(d) else d.date() for d in churn], dtype=object).to_numpy(),
        "window_days": window_days,
        "days_to_churn": pd.Series([None if pd.isna(d) else int(d) for d in days], dtype=object).to_numpy(),
        "earned": earned.to_numpy(dtype=bool),
    })


def retention_window_days(charge: Mapping[str, Any]) -> int:
    """A retained_customer charge's `retention_window_days` as whole days; ContractError otherwise."""
    value = to_decimal(charge["retention_window_days"], what="retention_window_days")
    if value != value.to_integral_value() or value < 1:
        raise ContractError(f"charge {charge.get('id')!r}: retention_window_days is whole days (e.g. 30), got "
                            f"{value}", "retention_window_days")
    return int(value)


def _retained_customer(charge: Mapping[str, Any], act: ServiceActivity, active_days: int,
                       period_days: int) -> Decimal:
    """Retained contacts of the period whose fee is earned (`retention_outcomes`)."""
    records = act.care_records()
    if records.empty:
        return ZERO
    outcomes = retention_outcomes(records, act.customers, retention_window_days(charge))
    return Decimal(int(outcomes["earned"].sum()))


def _month(charge: Mapping[str, Any], act: ServiceActivity, active_days: int, period_days: int) -> Decimal:
    if charge.get("prorate", True) is False:
        return Decimal(1)
    return Decimal(active_days) / Decimal(period_days)


for _unit in (
    BillableUnit("logged_hour", additive(_logged_hour), from_contacts=False, drivers=("hours",),
                 amounts=_logged_hour),
    BillableUnit("productive_hour", additive(_productive_hour), drivers=("volume", "aht"), amounts=_productive_hour),
    BillableUnit("effective_hour", additive(_effective_hour), row_columns=("aux_s",), from_contacts=False,
                 drivers=("hours",), amounts=_effective_hour),
    BillableUnit("productive_minute", additive(_productive_minute), per_contact_rounding=True,
                 drivers=("volume", "aht"), amounts=_productive_minute),
    BillableUnit("talk_minute", additive(_talk_minute), per_contact_rounding=True, drivers=("volume", "aht"),
                 amounts=_talk_minute),
    BillableUnit("handled_contact", additive(_handled_contact), drivers=("volume",), amounts=_handled_contact),
    BillableUnit("offered_contact", additive(_offered_contact), drivers=("volume",), amounts=_offered_contact),
    BillableUnit("customer", _customer, contact_columns=("customer_id",), contacts_only=True,
                 drivers=("volume",)),
    BillableUnit("fte", additive(_fte), from_contacts=False, peak=_fte_peak,
                 charge_keys={"fte_hours": "the contract's monthly hours per FTE"}, drivers=("hours",),
                 amounts=_fte),
    BillableUnit("sale", additive(_sale), row_columns=("sales",), contact_columns=("outcome",), drivers=("volume",),
                 amounts=_sale),
    BillableUnit("collected_amount", _collected_amount, row_columns=("collected_amount",),
                 contact_columns=("outcome", "amount"), events=True, drivers=("volume",)),
    BillableUnit("right_party_contact", additive(_right_party_contact), contact_columns=("outcome",),
                 contacts_only=True, drivers=("volume",), amounts=_right_party_contact),
    BillableUnit("retained_customer", _retained_customer, contact_columns=("outcome", "customer_id"),
                 charge_keys={"retention_window_days": "days the customer must stay a customer after the "
                              "retention contact for the fee to be earned"}, drivers=("volume",),
                 care_records=True),
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
    contacts, rows, records = act.contacts, act.rows, act.records

    def kept(frame: pd.DataFrame) -> pd.DataFrame:
        starts = frame["start"]
        mask = applies_to_mask(starts.dt.date.to_numpy(), applies_to, act.holidays,
                               times=starts.dt.strftime("%H:%M").to_numpy())
        mask &= record_mask(frame, applies_to)
        return frame.loc[np.asarray(mask, dtype=bool)]

    if not contacts.empty:
        contacts = kept(contacts)
    if records is not None and not records.empty:
        records = kept(records)
    elif any(applies_to.get(k) for k in RECORD_KEYS) and not rows.empty:
        key = next(k for k in RECORD_KEYS if applies_to.get(k))
        raise ContractError(f"applies_to.{key}: needs collections data (placements and payments) for the service, "
                            "not activity rows", f"applies_to.{key}")
    if not rows.empty:
        times = rows["interval_start"].to_numpy() if has_intervals(rows) else None
        mask = applies_to_mask(rows["date"].dt.date.to_numpy(), applies_to, act.holidays, times=times,
                               interval_minutes=act.interval_minutes if times is not None else None)
        rows = rows.loc[np.asarray(mask, dtype=bool)]
    return act.with_data(contacts, rows, records)


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


def account_payments(contacts: pd.DataFrame) -> list[Decimal]:
    """Each account's payments summed (contact records with `account_id`), in the order of its first payment:
    the events of a charge capped per account (`max_per_account`)."""
    if "account_id" not in contacts:
        raise InputError("max_per_account needs the payments of each account: collections data for the service")
    payments(contacts)  # the columns it needs
    paid = contacts[(contacts["outcome"] == "payment") & contacts["amount"].notna()]
    paid = paid.sort_values(["start", "contact_id"], kind="stable")
    totals: dict[str, Decimal] = {}
    for account, amount in zip(paid["account_id"], paid["amount"], strict=True):
        totals[account] = totals.get(account, ZERO) + to_decimal(amount)
    return list(totals.values())


def _collected(charge: Mapping[str, Any], act: ServiceActivity, figures: dict[str, Any]) -> Units:
    """Payments as events (contact records) or the collected_amount total (activity rows); contact records
    that the charge's `applies_to` leaves none of are no events."""
    if not act.contacts.empty or (act.rows.empty and figures.get("source") == "contacts"):
        events = [] if act.contacts.empty else (
            account_payments(act.contacts) if charge.get("max_per_account") is not None else payments(act.contacts))
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
        return _dimensions(charge, values, figures)
    unit = UNITS.get(charge["unit"])
    if unit.events:
        return _collected(charge, act, figures)
    value = unit.value(charge, act, active_days, period_days)
    if unit.care_records and act.records is not None:
        figures["source"] = "care_records"  # counted on the billing-care records, not the activity rows
    if not unit.from_activity:
        prorated = charge.get("prorate", True) is not False
        return Units(value, None, Fact("period_units", {"unit": unit.name, "prorated": prorated,
                                                        "active_days": active_days, "period_days": period_days}))
    return _counted(unit.name, value, figures)


def _counted(unit: str, value: Decimal, figures: Mapping[str, Any]) -> Units:
    return Units(value, None, Fact("units", {"unit": unit, "value": value, **figures}))


def _dimensions(charge: Mapping[str, Any], values: dict[str, Decimal], figures: Mapping[str, Any]) -> Units:
    return Units(values, None, Fact("dimensions", {"values": values, "peak": charge.get("peak_over", "period"),
                                                   **figures}))


def _record_days(frame: pd.DataFrame, column: str) -> np.ndarray:
    if frame.empty:
        return np.array([], dtype="datetime64[D]")
    return frame[column].to_numpy().astype("datetime64[D]")


def _day_sums(days: np.ndarray, values: np.ndarray) -> dict[date, Decimal]:
    """Σ values per day, exactly (`kpis.exact_day_sums`)."""
    if len(days) == 0:
        return {}
    index = DayIndex.of(days)
    return dict(zip(index.dates(), exact_day_sums(index, values), strict=True))


def day_sources(activity: ServiceActivity) -> dict[date, str]:
    """`ServiceActivity.source` of each day's records, for every day with a contact record or an activity
    row (one pass)."""
    out: dict[date, str] = {}
    rows = activity.rows
    if not rows.empty:
        days = _record_days(rows, "date")
        for day in np.unique(days).tolist():
            out[day] = "daily"
        if "interval_start" in rows.columns:
            for day in np.unique(days[rows["interval_start"].notna().to_numpy(dtype=bool)]).tolist():
                out[day] = "interval"
    for day in np.unique(_record_days(activity.contacts, "start")).tolist():
        out[day] = "contacts"
    return dict(sorted(out.items()))


def daily_values(charge: Mapping[str, Any], activity: ServiceActivity, *, active_days: int,
                 period_days: int, sources: Mapping[date, str] | None = None) -> dict[date, Units] | None:
    """The charge's units of EVERY day with records at once — for each day, what `billable_units` gives on
    that day's contact records and activity rows alone — from one pass over the records: the unit's
    per-record `amounts` (the same definition as its period value) summed per day. None when the charge's
    units are not sums over records (a unit without `amounts`: distinct customers, payments, month; or a
    capacity peak over days or intervals). `sources`: `day_sources(activity)` when already computed."""
    names = charge_units(charge)
    records = [UNITS.get(name) for name in names]
    if len(records) == 1 and records[0].events and not CHARGE_MODELS.get(charge.get("model")).dimensions:
        if charge.get("max_per_account") is not None:
            return None  # an account's payments cap over the whole prefix, not day by day
        return _daily_collected(charge, activity, sources)
    if not records or any(r.amounts is None or r.events or not r.from_activity for r in records):
        return None
    dimensions = bool(CHARGE_MODELS.get(charge.get("model")).dimensions)
    if dimensions and charge.get("peak_over", "period") != "period":
        return None
    sources = day_sources(activity) if sources is None else sources
    if not sources:
        return {}
    act = filtered(activity, charge.get("applies_to"))
    row_days, contact_days = _record_days(act.rows, "date"), _record_days(act.contacts, "start")
    per_unit: dict[str, tuple[RecordAmounts, dict[date, Decimal], dict[date, Decimal]]] = {}
    for record in records:
        amounts = record.amounts(charge, act)  # type: ignore[misc]
        per_unit[record.name] = (amounts, _day_sums(row_days, amounts.rows),
                                 _day_sums(contact_days, amounts.contacts))
    scope = _scope(charge)
    out: dict[date, Units] = {}
    for day, source in sources.items():
        values = {name: amounts.scaled(rows.get(day, ZERO) + contacts.get(day, ZERO))
                  for name, (amounts, rows, contacts) in per_unit.items()}
        figures = {"source": source, **scope}
        out[day] = _dimensions(charge, values, figures) if dimensions else _counted(names[0], values[names[0]],
                                                                                    figures)
    return out


def _daily_collected(charge: Mapping[str, Any], activity: ServiceActivity,
                     sources: Mapping[date, str] | None = None) -> dict[date, Units] | None:
    """`_collected` of every day at once: each day's payments in time order (contact records) or its
    collected_amount total (activity rows); None for a service with both (each day then on its own)."""
    if not activity.contacts.empty and not activity.rows.empty:
        return None
    sources = day_sources(activity) if sources is None else sources
    if not sources:
        return {}
    act = filtered(activity, charge.get("applies_to"))
    scope = _scope(charge)
    contacts, rows = act.contacts, act.rows
    contact_days = set(_record_days(contacts, "start").tolist())
    events: dict[date, list[Decimal]] = {day: [] for day in contact_days}
    if not contacts.empty:
        payments(contacts)  # the columns it needs, checked once
        paid = contacts[(contacts["outcome"] == "payment") & contacts["amount"].notna()]
        paid = paid.sort_values(["start", "contact_id"], kind="stable")
        for day, amount in zip(_record_days(paid, "start").tolist(), paid["amount"].tolist(), strict=True):
            events[day].append(to_decimal(amount))
    totals: dict[date, Decimal] = {}
    if not rows.empty:
        _collected(charge, act.with_data(contacts.iloc[0:0], rows.iloc[0:1]), {})  # per-event keys refused
        totals = _day_sums(_record_days(rows, "date"), column_amounts(act, "collected_amount").rows)
    empty = act.with_data(contacts.iloc[0:0], rows.iloc[0:0])
    out: dict[date, Units] = {}
    for day, source in sources.items():
        figures = {"source": source, **scope}
        if day in events:
            day_events = events[day]
            out[day] = Units(None, day_events, Fact("payments", {"count": len(day_events),
                                                                 "total": sum(day_events, ZERO), **figures}))
        elif day in totals:
            total = totals[day]
            out[day] = Units(total, None, Fact("collected_total", {"total": total, **figures}))
        else:  # nothing the charge counts that day
            out[day] = _collected(charge, empty, figures)
    return out


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
