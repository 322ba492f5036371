"""The audit of one supplier's invoices for one billing period: read, check, claim each euro once.

`audit_invoice(...)` is pure: the contract, the period, the expected invoice's lines, the period's billed
lines already matched to the contract (`ccanalysis.audit.matching`), and settings in; an `AuditResult`
(facts and numbers) out. `ccanalysis.workbook.audit` asks the engagement for all of that and words the
findings.

Claiming each euro once (audit.md): the pairing gives every billed line one role, so a duplicated line is
claimed whole by `duplicate` and its original is compared once by the other checks; the checks split a
line's difference into parts that add up exactly (arithmetic + rate + quantity = billed − expected); and
the findings about one charge net against each other (a tier billed too high beside a flat fee billed in
it is fine when the amounts add up): a charge's claim is its net over-billing, never less than 0, carried
by its over-billed findings in check order. Under-billing is summed apart and never claimed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pandas as pd

from ccanalysis.audit import checks as _checks  # noqa: F401  (registers the checks)
from ccanalysis.audit.checks import CHECKS, Finding
from ccanalysis.audit.pairing import (
    Billed,
    Expected,
    Pair,
    billed_from_frame,
    expected_from_frame,
    read_lines,
    sorted_lines,
)
from ccanalysis.audit.result import (
    CREDIT_COLUMNS,
    FINDING_COLUMNS,
    MATCHED_COLUMNS,
    REVIEW_COLUMNS,
    AuditResult,
)
from ccanalysis.contract import BillingPeriod, Contract, Tolerances
from ccanalysis.errors import EngagementError, Problem
from ccanalysis.money import ZERO, round_money, to_decimal


@dataclass
class Invoice:
    """One invoice of the period: its header and its lines."""

    invoice_id: str
    issue_date: date
    period_start: date
    period_end: date
    due_date: date | None
    corrects_invoice_id: str | None
    total_net: Decimal | None
    total_tax: Decimal | None
    total_gross: Decimal | None
    lines: list[Billed]

    @property
    def lines_net(self) -> Decimal:
        """Σ of the invoice's line amounts, in the contract currency (exact Decimal)."""
        return sum((b.amount for b in self.lines), ZERO)

    @property
    def line_count(self) -> int:
        """The number of lines on the invoice."""
        return len(self.lines)


@dataclass
class AuditContext:
    """Everything a check reads."""

    supplier: str
    month: str
    period: BillingPeriod
    tax_rate: Decimal
    tolerances: Tolerances
    pairs: list[Pair]
    duplicates: list[tuple[Billed, Billed]]
    unmatched: list[Billed]
    invoices: list[Invoice]
    known_invoices: frozenset[str]
    previous_end: date | None
    valid_from: date
    valid_to: date | None
    version_from: date | None
    contract_terms_days: int
    max_terms_days: int
    sla_facts: dict[tuple[str | None, str], dict[str, Any]]
    #: a collection agency's: the (account_id, paid_on) of the payments it may bill a fee on; None otherwise
    attributable: frozenset[tuple[str, date]] | None = None
    #: per (service, charge) billed per retained customer: each retained contact of the period and whether its
    #: fee is earned (`pricing.units.retention_outcomes`)
    retentions: dict[tuple[str, str], pd.DataFrame] | None = None


def audit_invoice(contract: Contract, period: BillingPeriod, expected: pd.DataFrame, billed: pd.DataFrame, *,
                  supplier: str, month: str, tolerances: Tolerances | None = None, max_terms_days: int = 60,
                  invoice_months: dict[str, str] | None = None, previous_end: date | None = None,
                  disputes: pd.DataFrame | None = None,
                  sla_facts: dict[tuple[str | None, str], dict[str, Any]] | None = None,
                  attributable: frozenset[tuple[str, date]] | None = None,
                  retentions: dict[tuple[str, str], pd.DataFrame] | None = None) -> AuditResult:
    """Audit the period's billed lines (`billed`: invoice-line columns + the match columns) against the
    expected invoice's lines (`expected`: `workbook.expected_invoice`'s frame).

    invoice_months: every invoice id the supplier issued in the engagement → its billing month (corrective
    invoices are checked against it, credits found by it); previous_end: the last day billed by the
    previous period's invoices; disputes: the register, to recognise credits by amount; sla_facts: per
    (service, `sla:` charge) the KPI facts a finding on it is explained with; attributable: for a collection
    agency, the (account_id, paid_on) of the payments attributed to it (`collections.fees`), against which its
    per-payment fee lines are checked; retentions: per (service, charge) on retained_customer, the period's
    retained contacts and whether each fee is earned (`pricing.units.retention_outcomes`), against which the
    per-customer fee lines are checked.
    """
    invoice_months = dict(invoice_months or {})
    tolerances = tolerances or Tolerances()
    frame = sorted_lines(billed) if not billed.empty else billed
    lines = billed_from_frame(frame) if not billed.empty else []
    expected_lines = expected_from_frame(expected)
    invoices = _invoices(frame, lines, contract)
    reading = read_lines(lines, expected_lines, month=month, invoice_months=invoice_months, disputes=disputes)
    in_force = [v.valid_from for v in contract.versions if v.valid_from <= period.start]
    ctx = AuditContext(
        supplier=supplier, month=month, period=period, tax_rate=contract.tax_rate, tolerances=tolerances,
        pairs=reading.pairs, duplicates=reading.duplicates, unmatched=reading.unmatched, invoices=invoices,
        known_invoices=frozenset(invoice_months) | {i.invoice_id for i in invoices}, previous_end=previous_end,
        valid_from=contract.valid_from, valid_to=contract.valid_to,
        version_from=max(in_force) if in_force else None, contract_terms_days=contract.payment_terms_days,
        max_terms_days=max_terms_days, sla_facts=dict(sla_facts or {}), attributable=attributable,
        retentions=retentions)
    if not lines:  # no invoice: nothing billed, nothing to check or claim (the expected invoice stands)
        findings: list[Finding] = []
    else:
        findings = [f for record in CHECKS.records() for f in record.function(ctx)]
    findings = _within_tolerance(findings, tolerances)
    table, claimable, claimable_tax, under = _claims(findings, supplier, month, contract.tax_rate)
    main = [i for i in invoices if not i.corrects_invoice_id] or invoices
    first = main[0] if main else None
    credited = {(c.line.invoice_id, c.line.line) for c in reading.credits}
    billed_net = sum((b.amount for b in lines if (b.invoice_id, b.line) not in credited), ZERO) if lines else None
    headers = [i.total_net for i in invoices]
    return AuditResult(
        supplier=supplier, month=month, currency=contract.currency, tax_rate=contract.tax_rate,
        invoice_ids=tuple(i.invoice_id for i in main) + tuple(i.invoice_id for i in invoices if i not in main),
        issue_date=first.issue_date if first else None,
        due_date=(first.due_date or first.issue_date + timedelta(days=contract.payment_terms_days)) if first else None,
        billed_net=billed_net,
        billed_header_net=sum(headers, ZERO) if headers and all(h is not None for h in headers) else None,
        expected_net=sum((e.amount for e in expected_lines), ZERO),
        claimable=claimable, claimable_tax=claimable_tax, under_billed=under, findings=table,
        needs_review=_review(reading.unmatched), lines=_matched_table(lines, reading),
        credits=pd.DataFrame([{"invoice_id": c.line.invoice_id, "line": c.line.line,
                               "description": c.line.description, "amount": c.line.amount,
                               "credits_invoice_id": c.credits_invoice_id, "dispute_id": c.dispute_id}
                              for c in reading.credits], columns=CREDIT_COLUMNS))


_HEADER = ("issue_date", "period_start", "period_end", "due_date", "corrects_invoice_id", "total_net", "total_tax",
           "total_gross")


def _invoices(frame: pd.DataFrame, lines: list[Billed], contract: Contract) -> list[Invoice]:
    """The period's invoices with their headers; a header that differs between rows of one invoice (two
    invoices with the same id) or a currency other than the contract's is an error naming the rows."""
    if frame.empty:
        return []
    problems: list[Problem] = []
    n = len(frame)
    columns = {c: frame[c].tolist() for c in (*_HEADER, "currency") if c in frame.columns}
    files = frame["_file"].tolist() if "_file" in frame.columns else [None] * n
    rows = frame["_row"].tolist() if "_row" in frame.columns else [None] * n
    positions: dict[str, list[int]] = {}
    for k, invoice_id in enumerate(frame["invoice_id"].tolist()):
        positions.setdefault(invoice_id, []).append(k)
    by_invoice: dict[str, list[Billed]] = {}
    for b in lines:
        by_invoice.setdefault(b.invoice_id, []).append(b)
    out = []
    for invoice_id, where in positions.items():
        header: dict[str, Any] = {}
        for column in _HEADER:
            values = columns.get(column)
            if values is None:
                header[column] = None
                continue
            first_raw = values[where[0]]
            first = _value(first_raw)
            for k in where[1:]:
                if values[k] is first_raw or values[k] == first_raw:
                    continue
                other = _value(values[k])
                if other != first:
                    problems.append(Problem(str(files[k]), f"invoice {invoice_id} has {column} {_show(first)} on "
                                            f"row {rows[where[0]]} but {_show(other)} here: two invoices with the "
                                            "same id? Give each invoice its own id (a corrective invoice names the "
                                            "one it corrects in corrects_invoice_id)",
                                            row=rows[k], column=column, value=_show(other)))
                    break
            header[column] = first
        for k in where if "currency" in columns else ():
            currency = columns["currency"][k]
            if isinstance(currency, str) and currency.strip() and currency.strip() != contract.currency:
                problems.append(Problem(str(files[k]), f"invoice {invoice_id} is in {currency.strip()} but the "
                                        f"contract is in {contract.currency}; convert it or write "
                                        f"{contract.currency}", row=rows[k], column="currency", value=currency))
        out.append(Invoice(str(invoice_id), header["issue_date"], header["period_start"], header["period_end"],
                           header["due_date"], header["corrects_invoice_id"], _money(header["total_net"]),
                           _money(header["total_tax"]), _money(header["total_gross"]),
                           by_invoice.get(str(invoice_id), [])))
    if problems:
        raise EngagementError(problems, "The invoice cannot be audited")
    return sorted(out, key=lambda i: (i.issue_date, i.invoice_id))


def _value(value: object) -> object:
    if value is None or (not isinstance(value, (str, Decimal)) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, str):
        return value.strip() or None
    return value


def _show(value: object) -> str:
    return "blank" if value is None else (value.isoformat() if isinstance(value, date) else str(value))


def _money(value: object) -> Decimal | None:
    return None if value is None else to_decimal(value)


def _within_tolerance(findings: list[Finding], tolerances: Tolerances) -> list[Finding]:
    """A finding with money is kept when |difference| ≥ amount_abs; a charge whose findings net to less than
    that is left alone (a flat fee billed inside its tier's line is fine when the amounts add up)."""
    kept = [f for f in findings if f.difference is None or abs(f.difference) >= tolerances.amount_abs
            or f.check == "duplicate"]
    net: dict[tuple, Decimal] = {}
    for f in kept:
        if f.difference is not None and f.money_key and f.money_key[0] == "charge":
            net[f.money_key] = net.get(f.money_key, ZERO) + f.difference
    settled = {k for k, v in net.items() if abs(v) < tolerances.amount_abs}
    return [f for f in kept if f.money_key not in settled or f.check == "arithmetic"]


def finding_id(supplier: str, month: str, f: Finding) -> str:
    """Stable across runs: what the finding is about, not its amount."""
    key = "|".join(str(v) for v in (supplier, month, f.check, f.cause, f.invoice_id, f.line, f.service, f.charge,
                                    f.tier))
    return "F-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:10].upper()


def _claims(findings: list[Finding], supplier: str, month: str,
            tax_rate: Decimal) -> tuple[pd.DataFrame, Decimal, Decimal, Decimal]:
    """The findings table with each finding's claimed part, the claim, its tax and the under-billing."""
    claimed: dict[int, Decimal] = {}
    under = ZERO
    tax_claim = ZERO
    groups: dict[tuple, list[int]] = {}
    for k, f in enumerate(findings):
        if f.difference is None:
            continue
        groups.setdefault(f.money_key or ("finding", k), []).append(k)
    for members in groups.values():
        net = sum((findings[k].difference for k in members), ZERO)
        if net < 0:
            under += -net
            continue
        left = net
        for k in members:
            f = findings[k]
            if left <= 0 or f.difference <= 0 or not CHECKS.get(f.check).claimable:
                continue
            part = min(left, f.difference)
            claimed[k] = part
            left -= part
    claimable = ZERO
    rows = []
    for k, f in enumerate(findings):
        part = claimed.get(k, ZERO) if f.difference is not None else None
        if part is None:
            pass
        elif f.money_in == "tax":
            tax_claim += part
        else:
            claimable += part
        rows.append({"finding_id": finding_id(supplier, month, f), "check": f.check, "service": f.service,
                     "charge": f.charge, "tier": f.tier, "line": f.line, "invoice_id": f.invoice_id,
                     "billed": f.billed, "expected": f.expected, "difference": f.difference, "claimable": part,
                     "cause": f.cause, "facts": f.facts, "evidence": f.evidence, "description": None})
    table = pd.DataFrame(rows, columns=FINDING_COLUMNS)
    for column in ("line", "tier"):  # whole numbers or None, never floats
        table[column] = pd.Series([r[column] for r in rows], dtype=object)
    return table, round_money(claimable), round_money(claimable * tax_rate) + round_money(tax_claim), round_money(under)


def _review(unmatched: list[Billed]) -> pd.DataFrame:
    return pd.DataFrame([{"invoice_id": b.invoice_id, "line": b.line, "description": b.description,
                          "amount": b.amount, "suggested_service": b.suggested_service,
                          "suggested_charge": b.suggested_charge, "confidence": b.match_confidence}
                         for b in unmatched], columns=REVIEW_COLUMNS)


def _matched_table(lines: list[Billed], reading) -> pd.DataFrame:
    roles = reading.role_of()
    tiers = reading.tiers()
    rows = []
    for b in lines:
        key = (b.invoice_id, b.line)
        rows.append({"invoice_id": b.invoice_id, "line": b.line, "description": b.description,
                     "quantity": b.quantity, "unit_price": b.unit_price, "amount": b.amount, "service": b.service,
                     "charge": b.charge, "tier": tiers.get(key), "match_method": b.match_method,
                     "match_confidence": b.match_confidence, "match_rule": b.match_rule,
                     "suggested_service": b.suggested_service, "suggested_charge": b.suggested_charge,
                     "role": roles.get(key, "paired")})
    return pd.DataFrame(rows, columns=MATCHED_COLUMNS)


__all__ = ["AuditContext", "Expected", "Invoice", "audit_invoice", "finding_id"]
