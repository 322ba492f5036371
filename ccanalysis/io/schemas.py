"""The canonical tables of data.md: each table's columns (type, required, range, allowed values), its
duplicate key, and the pandera checks of ranges, allowed values and required cells.

Canonical in-memory types:

====================  ============================================================================
``int``               int64 (nullable Int64 only when an optional column has blanks)
``number``            int64 when every value is whole, else object dtype of exact ``Decimal``
``str``               stripped strings, object dtype; blank → None (an error in a required column)
``date``/``datetime`` datetime64[ns] (dates at midnight)
``month``             ``"YYYY-MM"``;  ``interval_start``: ``"HH:MM"``;  ``utc_offset``: ``"+HH:MM"``
``bool``              bool (nullable boolean when an optional column has blanks)
====================  ============================================================================
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import pandera.pandas as pa

from ccanalysis.cargos import CHARGE_TYPES
from ccanalysis.errors import Problem
from ccanalysis.io.problems import MAX_PROBLEMS_PER_COLUMN, shown_value

ColumnType = Literal["int", "number", "str", "date", "datetime", "month", "bool", "interval_start",
                     "utc_offset"]

@dataclass(frozen=True)
class ColumnSpec:
    """One column of a canonical table."""

    type: ColumnType
    required: bool = True
    minimum: int | None = 0  # for int / number; None = may be negative
    maximum: int | None = None
    allowed: tuple[str, ...] | None = None  # for str: the only values allowed


@dataclass(frozen=True)
class TableSpec:
    """A canonical table: its columns, its duplicate key (if any), columns of which one is needed, and where
    its files are in data/ENG/: the folder `location` (every file below it), or with `single_file` the one
    file `location.csv|xlsx|parquet`."""

    name: str
    columns: dict[str, ColumnSpec]
    key: tuple[str, ...] = ()
    one_of: tuple[str, ...] = ()
    may_be_empty: bool = False
    location: str = ""  # default: the table's name
    single_file: bool = False
    #: a folder table that may also be one file `location.csv|xlsx|parquet` beside the folder
    file_or_folder: bool = False
    #: what to write instead of a row repeating the key (appended to the duplicate-key error)
    duplicate_hint: str = ""
    #: its rows are facts of the day or month they are dated (activity, contact records, invoice lines): a
    #: question about one billing period reads that period's rows only (`ccanalysis.io.store.Scope`);
    #: otherwise a row stays in force after its date (evidence, a register) and every earlier one is read
    per_period: bool = False

    def data_location(self) -> str:
        """The table's folder (or, single_file, file stem) under data/ENG: `location`, else its name."""
        return self.location or self.name

    def required(self) -> list[str]:
        """The names of the table's required columns."""
        return [name for name, col in self.columns.items() if col.required]


def _c(kind: ColumnType, required: bool = True, **kw: object) -> ColumnSpec:
    return ColumnSpec(kind, required, **kw)  # type: ignore[arg-type]


_ACTIVITY = {
    "date": _c("date"), "interval_start": _c("interval_start", False), "utc_offset": _c("utc_offset", False),
    "supplier": _c("str"), "service": _c("str"),
    "offered": _c("int"), "handled": _c("int"), "abandoned": _c("int"), "abandoned_short": _c("int", False),
    "answered_within_sl": _c("int"), "abandoned_within_sl": _c("int", False),
    "wait_s": _c("number", False), "talk_s": _c("number"), "hold_s": _c("number"), "acw_s": _c("number"),
    "logged_s": _c("number"), "aux_s": _c("number", False), "sl_threshold_s": _c("int", False),
    "customers": _c("int", False), "sales": _c("int", False), "resolved_first_contact": _c("int", False),
    "collected_amount": _c("number", False), "placed_amount": _c("number", False),
    "qa_score": _c("number", False, maximum=100), "csat": _c("number", False, minimum=1, maximum=5),
}

def _reported_definitions() -> dict[str, str]:
    from ccanalysis.reported import definition_columns

    return definition_columns()


_REPORTED_KPIS = {
    "date": _c("date", False), "month": _c("month", False), "supplier": _c("str"), "service": _c("str"),
    # registry KPIs (kpis.md) as reported: ratios as fractions (94.01 % → 0.9401), times in seconds
    **{name: _c("number", False) for name in (
        "service_level", "abandonment_rate", "answer_rate", "asa_s", "aht_s", "occupancy", "fcr",
        "qa_score", "csat", "attrition_rate", "training_hours_per_head", "cost_per_contact",
        "collections_recovery_rate", "wait_s", "talk_s", "hold_s", "acw_s", "logged_s", "aux_s",
        "collected_amount", "placed_amount")},
    **{name: _c("int", False) for name in (
        "offered", "handled", "abandoned", "abandoned_short", "answered_within_sl", "abandoned_within_sl",
        "customers", "sales", "resolved_first_contact")},
    # the definition the supplier used, per KPI (ccanalysis.reported): `service_level_variant: handled`
    **{name: _c(kind, False) for name, kind in _reported_definitions().items()},
}

#: Where a piece of compliance evidence comes from: the supplier's word, the client's own audit, a certificate.
EVIDENCE_SOURCES = ("declaration", "client_audit", "certificate")

#: The outcome of a collections attempt (spec: collections); contact, RPC and promise-to-pay are sets of them.
OUTCOMES = ("no_answer", "busy", "voicemail", "wrong_party", "third_party", "rpc", "ptp", "refusal", "dispute")

#: How a collections attempt reached (or tried to reach) the debtor.
ATTEMPT_CHANNELS = ("voice", "sms", "email", "letter", "visit")

#: Why a customer called the billing-care service (spec: billing care); a client's own codes become these through
#: a mapping's value map (`values: {reason: {"FACT-01": bill_explanation, …}}`, ccanalysis.io.mapping).
BILLING_REASONS = ("bill_explanation", "disputed_charge", "payment_plan", "tariff_change", "cancellation_threat",
                   "other")

#: How a billing-care discount is granted: a one-off `credit` (discount_amount is the credit) or `percent_off`
#: the bill for discount_months months (discount_amount is the monthly amount, discount_percent the fraction).
DISCOUNT_TYPES = ("credit", "percent_off")

#: A billing-care customer's status in the customers table: still a customer, or gone since its churn_date.
CUSTOMER_STATUSES = ("active", "churned")

DISPUTE_STATUSES = ("detected", "validated", "submitted", "accepted", "partially_accepted", "rejected",
                    "credited", "verified", "closed", "cancelled",
                    # a retailer's charge (cargos): we accept it as charged, or give up disputing it
                    "charge_accepted", "written_off")

TABLES: dict[str, TableSpec] = {
    "activity": TableSpec("activity", _ACTIVITY,
                          key=("date", "interval_start", "utc_offset", "supplier", "service"), per_period=True),
    "contacts": TableSpec("contacts", {
        "contact_id": _c("str"), "supplier": _c("str"), "service": _c("str"), "start": _c("datetime"),
        "queue_s": _c("number"), "answered": _c("bool"), "abandoned": _c("bool"),
        "talk_s": _c("number"), "hold_s": _c("number"), "acw_s": _c("number"),
        "resolved": _c("bool", False), "customer_id": _c("str", False), "outcome": _c("str", False),
        "amount": _c("number", False), "qa_score": _c("number", False, maximum=100),
        "csat": _c("number", False, minimum=1, maximum=5),
        # billing care (optional): why the customer called, who answered, the discount granted (EUR; for
        # percent_off the monthly amount, discount_percent a fraction, for discount_months months)
        "reason": _c("str", False, allowed=BILLING_REASONS), "agent_id": _c("str", False),
        "discount_amount": _c("number", False), "discount_type": _c("str", False, allowed=DISCOUNT_TYPES),
        "discount_percent": _c("number", False, maximum=1), "discount_months": _c("int", False, minimum=1),
    }, key=("contact_id",), per_period=True),
    "plan": TableSpec("plan", {
        "date": _c("date"), "supplier": _c("str"), "service": _c("str"), "offered": _c("int"),
        "aht_s": _c("number"), "handled": _c("int", False), "logged_s": _c("number", False),
        "cost": _c("number", False),
    }, key=("date", "supplier", "service"), per_period=True),
    "budget": TableSpec("budget", {
        "month": _c("month"), "supplier": _c("str"), "service": _c("str"), "amount": _c("number"),
    }, key=("month", "supplier", "service"), single_file=True, per_period=True),
    "workforce": TableSpec("workforce", {
        "month": _c("month"), "supplier": _c("str"), "service": _c("str"), "headcount_avg": _c("number"),
        "leavers": _c("int"), "hires": _c("int"), "training_hours": _c("number"),
        "headcount_start": _c("int", False), "new_hire_training_hours": _c("number", False),
        "certifications": _c("str", False), "security_incidents": _c("int", False),
    }, key=("month", "supplier", "service"), per_period=True),
    "reported_kpis": TableSpec("reported_kpis", _REPORTED_KPIS, one_of=("date", "month"), per_period=True),
    # what backs a compliance clause (ccanalysis.compliance): one row per piece of evidence, the latest on or
    # before a period's end counts; a control is in place or not, a certificate valid until its expiry
    "compliance_evidence": TableSpec("compliance_evidence", {
        "supplier": _c("str"), "service": _c("str", False), "clause": _c("str"), "date": _c("date"),
        "in_place": _c("bool", False), "source": _c("str", allowed=EVIDENCE_SOURCES),
        "reference": _c("str", False), "valid_until": _c("date", False),
    }),
    "invoice_lines": TableSpec("invoice_lines", {
        "invoice_id": _c("str"), "issue_date": _c("date"), "period_start": _c("date"),
        "period_end": _c("date"), "line": _c("int"), "service": _c("str", False),
        "charge": _c("str", False), "description": _c("str"), "quantity": _c("number", minimum=None),
        "unit": _c("str", False),
        # blank on percentage lines; the (negative) fraction on an SLA penalty line (audit.md)
        "unit_price": _c("number", False, minimum=None), "amount": _c("number", minimum=None),
        "tax_rate": _c("number"),
        # header totals of a corrective invoice are negative like its lines
        "total_net": _c("number", False, minimum=None), "total_tax": _c("number", False, minimum=None),
        "total_gross": _c("number", False, minimum=None), "corrects_invoice_id": _c("str", False),
        # optional: the invoice's own due date (payment terms are checked on it) and currency (the contract's)
        "due_date": _c("date", False), "currency": _c("str", False),
        # a collection agency's fee line on one payment: the account and the day it was paid
        "account_id": _c("str", False), "paid_on": _c("date", False),
        # a retention fee line on one retained customer (unit retained_customer)
        "customer_id": _c("str", False),
    }, location="invoices", per_period=True),  # no duplicate key: a line billed twice is an audit finding, not a load error
    "disputes": TableSpec("disputes", {
        "dispute_id": _c("str"), "supplier": _c("str"), "invoice_id": _c("str"), "month": _c("month"),
        "finding_id": _c("str", False), "check": _c("str"), "service": _c("str", False),
        "charge": _c("str", False), "amount_claimed": _c("number"),
        "status": _c("str", allowed=DISPUTE_STATUSES), "status_date": _c("date"),
        "amount_accepted": _c("number", False), "amount_credited": _c("number", False),
        "credit_invoice_id": _c("str", False), "note": _c("str", False),
    }, may_be_empty=True, single_file=True),
    # collections through agencies: which accounts each agency holds and when, what it tried, what was paid
    "placements": TableSpec("placements", {
        "account_id": _c("str"), "supplier": _c("str"), "placed_on": _c("date"),
        "recalled_on": _c("date", False),  # blank: still placed
        "debt_amount": _c("number"), "days_past_due": _c("int"), "segment": _c("str"),
        "risk_score": _c("number", False, maximum=1),
    }, key=("account_id", "supplier", "placed_on"), location="collections/placements"),
    "attempts": TableSpec("attempts", {
        "account_id": _c("str"), "supplier": _c("str"), "start": _c("datetime"),  # the debtor's local time
        "channel": _c("str", allowed=ATTEMPT_CHANNELS), "outcome": _c("str", allowed=OUTCOMES),
        "promised_amount": _c("number", False), "promised_date": _c("date", False),  # both given for a ptp
    }, location="collections/attempts"),
    "payments": TableSpec("payments", {
        "account_id": _c("str"), "paid_on": _c("date"), "amount": _c("number"),  # > 0: checks.py
    }, location="collections/payments"),
    # charge invoices from retailers (ccanalysis.cargos): the charges, the sales and deliveries they are checked
    # against, and the people's decisions on a charge's type; retailers need an agreement (checks.check_cargos)
    "charges": TableSpec("charges", {
        "retailer": _c("str"), "document_id": _c("str"), "issue_date": _c("date"),
        "amount": _c("number"),  # net of tax, > 0: checks.py
        "tax": _c("number", False), "description": _c("str"), "reference": _c("str", False),
        "due_date": _c("date", False),  # when the retailer deducts it from what it pays
    }, key=("retailer", "document_id"), location="cargos/charges", file_or_folder=True,
        duplicate_hint="a retailer's document is listed once: drop the repeated row (a second document has its "
        "own document_id)"),
    "sales": TableSpec("sales", {
        "retailer": _c("str"), "month": _c("month"), "net_sales": _c("number"), "product": _c("str", False),
    }, key=("retailer", "month", "product"), location="cargos/sales", file_or_folder=True,
        duplicate_hint="one row per retailer, month and product: add the two rows' net_sales into one"),
    "deliveries": TableSpec("deliveries", {
        "retailer": _c("str"), "delivery_note": _c("str"), "order_id": _c("str"), "product": _c("str", False),
        "promised_at": _c("datetime"), "delivered_at": _c("datetime"),
        "ordered_qty": _c("int"), "delivered_qty": _c("int"), "accepted_qty": _c("int"),  # accepted ≤ delivered
        "value": _c("number"), "unit_price": _c("number", False),  # invoiced, EUR
    }, key=("retailer", "delivery_note"), location="cargos/deliveries", file_or_folder=True,
        duplicate_hint="a delivery note is listed once: drop the repeated row, or give each shipment of a split "
        "order its own delivery_note (same order_id)"),
    "cargo_decisions": TableSpec("cargo_decisions", {
        "retailer": _c("str"), "document_id": _c("str"), "type": _c("str", allowed=CHARGE_TYPES),
        "decided_at": _c("datetime"), "decided_by": _c("str", False), "note": _c("str", False),
    }, may_be_empty=True, location="cargos/decisions", single_file=True),
    # billing care: the client's customers (margin or revenue per month in EUR, churn) and bills issued per month
    "customers": TableSpec("customers", {
        "customer_id": _c("str"), "monthly_margin": _c("number", False, minimum=None),
        "monthly_revenue": _c("number", False), "status": _c("str", allowed=CUSTOMER_STATUSES),
        "churn_date": _c("date", False),  # the first day it is no longer a customer; required when churned
        "customer_since": _c("date", False), "segment": _c("str", False),
    }, key=("customer_id",), one_of=("monthly_margin", "monthly_revenue"), location="billing_care/customers",
        single_file=True),
    "bills": TableSpec("bills", {
        "month": _c("month"), "bills_issued": _c("int"), "segment": _c("str", False),
    }, key=("month", "segment"), location="billing_care/bills", single_file=True),
}


def _schema(frame: pd.DataFrame, spec: TableSpec) -> pa.DataFrameSchema:
    columns = {}
    for name, col in spec.columns.items():
        if name not in frame.columns:
            continue
        checks = []
        if col.type in ("int", "number"):
            what = "a whole number" if col.type == "int" else "a number"
            if col.minimum is not None and col.maximum is not None:
                checks.append(pa.Check.in_range(col.minimum, col.maximum,
                                                error=f"expected {what} from {col.minimum} to {col.maximum}"))
            elif col.minimum is not None:
                checks.append(pa.Check.ge(col.minimum, error=f"expected {what} >= {col.minimum}"))
            elif col.maximum is not None:
                checks.append(pa.Check.le(col.maximum, error=f"expected {what} <= {col.maximum}"))
        if col.type == "str":
            checks.append(pa.Check(lambda s: s.astype(str).str.len() > 0, element_wise=False,
                                   error="expected a non-empty text"))
            if col.allowed:
                checks.append(pa.Check.isin(list(col.allowed),
                                            error=f"expected one of {', '.join(col.allowed)}"))
        columns[name] = pa.Column(None, checks=checks, nullable=not col.required)
    return pa.DataFrameSchema(columns, strict=False)


def validate(frame: pd.DataFrame, spec: TableSpec, unreadable: dict[str, np.ndarray]) -> list[Problem]:
    """Ranges, allowed values and required (non-blank) cells, checked lazily by pandera: one Problem per
    failure case, mapped back to the file's row."""
    if frame.empty:
        return []
    try:
        _schema(frame, spec).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        return _failures(frame, exc.failure_cases, unreadable)
    return []


def _failures(frame: pd.DataFrame, cases: pd.DataFrame, unreadable: dict[str, np.ndarray]) -> list[Problem]:
    problems: list[Problem] = []
    counts: dict[tuple[str, str], int] = {}
    for case in cases.itertuples(index=False):
        column, check = str(case.column), str(case.check)
        if check == "not_nullable":
            index = case.index
            if column in unreadable and index is not None and unreadable[column][int(index)]:
                continue  # already reported as unreadable
            check = "required value is blank"
        key = (column, check)
        counts[key] = counts.get(key, 0) + 1
        if counts[key] > MAX_PROBLEMS_PER_COLUMN:
            continue
        index = case.index
        if index is None or (isinstance(index, float) and math.isnan(index)):
            problems.append(Problem(str(frame["_file"].iloc[0]), check, column=column))
            continue
        at = int(index)
        problems.append(Problem(str(frame["_file"].iloc[at]), check, row=int(frame["_row"].iloc[at]),
                                column=column, value=shown_value(case.failure_case)))
    for (column, check), n in counts.items():
        if n > MAX_PROBLEMS_PER_COLUMN:
            problems.append(Problem(str(frame["_file"].iloc[0]),
                                    f"… and {n - MAX_PROBLEMS_PER_COLUMN} more rows: {check}", column=column))
    return problems
