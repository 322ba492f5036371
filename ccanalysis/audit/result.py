"""What an audit returns: the typed result and the columns of its tables (facts; words come from i18n).

`AuditResult.findings` has FINDING_COLUMNS, one row per finding:
    finding_id   stable across runs: the same finding keeps its id when the audit is re-run
    check        the registered check that found it (`ccanalysis.audit.checks.CHECKS`)
    service, charge, tier, line, invoice_id   what it is about (line None: a finding on the invoice or a rule)
    billed, expected, difference   money net of tax (Decimal; None for a finding without money, e.g. terms);
                 difference = billed − expected, positive = over-billed
    claimable    the part of `difference` claimed (Decimal ≥ 0): each euro once, under-billing never
    cause        the fact code the description is worded from (`ccanalysis.i18n.audit`)
    facts        the numbers the description is worded from (dict)
    evidence     what the finding rests on, JSON-able (dict: lines, quantities, prices, KPI values…)
    description  the sentence in the report's language (filled by the wiring, None from the pure audit)
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd

from ccanalysis import reprs

FINDING_COLUMNS = ["finding_id", "check", "service", "charge", "tier", "line", "invoice_id", "billed", "expected",
                   "difference", "claimable", "cause", "facts", "evidence", "description"]
#: The billed lines as the audit read them: the invoice's columns plus how each was matched and used.
#: match_method: ids | rule | learned | human | None (unmatched); role: paired | duplicate | credit |
#: cancelled | unmatched.
MATCHED_COLUMNS = ["invoice_id", "line", "description", "quantity", "unit_price", "amount", "service", "charge",
                   "tier", "match_method", "match_confidence", "match_rule", "suggested_service",
                   "suggested_charge", "role"]
#: Lines below the confidence threshold, or matched to nothing: a person decides (`ccanalysis match`).
REVIEW_COLUMNS = ["invoice_id", "line", "description", "amount", "suggested_service", "suggested_charge",
                  "confidence"]
#: Negative lines that credit an earlier invoice (a credit note, or a corrective invoice of another period).
CREDIT_COLUMNS = ["invoice_id", "line", "description", "amount", "credits_invoice_id", "dispute_id"]
#: The JSON keys of a finding (data contract of `ccanalysis audit --format json`).
FINDING_JSON_KEYS = ["finding_id", "check", "service", "charge", "line", "billed", "expected", "difference",
                     "description", "evidence"]


@dataclass(frozen=True)
class AuditResult:
    """The audit of one supplier's invoices for one billing period against its expected invoice."""

    supplier: str
    month: str
    currency: str
    tax_rate: Decimal
    invoice_ids: tuple[str, ...]  # every invoice read for the period, the main one first
    issue_date: date | None  # of the main invoice (the first non-corrective one)
    due_date: date | None  # issue date + the contract's payment terms (or the invoice's due_date)
    billed_net: Decimal | None  # Σ billed line amounts; None when there is no invoice
    billed_header_net: Decimal | None  # the header total_net (Σ over invoices), when given
    expected_net: Decimal
    claimable: Decimal  # net of tax; None-free: 0 without findings (and without an invoice)
    claimable_tax: Decimal  # the VAT that goes with the claim (plus any tax the supplier over-charged)
    under_billed: Decimal  # Σ of under-billed money (shown, never claimed)
    findings: pd.DataFrame  # FINDING_COLUMNS
    needs_review: pd.DataFrame  # REVIEW_COLUMNS
    lines: pd.DataFrame  # MATCHED_COLUMNS
    credits: pd.DataFrame  # CREDIT_COLUMNS

    @property
    def has_invoice(self) -> bool:
        """Whether an invoice was found for the period (billed_net is not None)."""
        return self.billed_net is not None

    @property
    def withhold_gross(self) -> Decimal:
        """What not to pay until the claim is settled: the claim and its VAT."""
        return self.claimable + self.claimable_tax

    def __repr__(self) -> str:
        billed = "no invoice" if self.billed_net is None else f"billed {self.billed_net:f}"
        return reprs.one_line(f"<AuditResult {self.supplier} {self.month}: {billed}, expected "
                              f"{self.expected_net:f}, {len(self.findings)} finding(s), claimable "
                              f"{self.claimable:f} {self.currency}, {len(self.needs_review)} to review>")

    def _repr_html_(self) -> str:
        summary = reprs.html_table(f"Audit {self.supplier} {self.month} ({self.currency})", [
            ("invoices", ", ".join(self.invoice_ids)), ("billed_net", self.billed_net),
            ("expected_net", self.expected_net), ("claimable", self.claimable),
            ("under_billed", self.under_billed), ("findings", len(self.findings)),
            ("needs_review", len(self.needs_review))])
        shown = self.findings.head(10)
        rows = [(row.check, f"{row.service if isinstance(row.service, str) else '-'}/"
                 f"{row.charge if isinstance(row.charge, str) else '-'}: claimable {reprs.shown(row.claimable)}")
                for row in shown.itertuples(index=False)]
        more = [("…", f"{len(self.findings) - len(shown)} more")] if len(self.findings) > len(shown) else []
        return summary + (reprs.html_table("Findings", rows + more, ("check", "what")) if rows else "")

    def with_descriptions(self, descriptions: list[str]) -> AuditResult:
        """A copy with the findings' `description` column set to `descriptions` (one per finding, in order)."""
        findings = self.findings.copy()
        findings["description"] = descriptions
        return replace(self, findings=findings)

    def to_json(self) -> dict[str, Any]:
        """The JSON object of `ccanalysis audit --format json` (money as decimal strings, null when absent)."""
        def money(value: Any) -> str | None:
            return None if value is None or (not isinstance(value, Decimal) and pd.isna(value)) else f"{value:f}"

        findings = []
        for row in self.findings.to_dict("records"):
            item = {key: row[key] for key in FINDING_JSON_KEYS}
            for key in ("billed", "expected", "difference"):
                item[key] = money(item[key])
            item["line"] = None if row["line"] is None or pd.isna(row["line"]) else int(row["line"])
            item["service"] = row["service"] if isinstance(row["service"], str) else None
            item["charge"] = row["charge"] if isinstance(row["charge"], str) else None
            item["invoice_id"] = row["invoice_id"] if isinstance(row["invoice_id"], str) else None
            item["tier"] = None if row["tier"] is None or pd.isna(row["tier"]) else int(row["tier"])
            item["claimable"] = money(row["claimable"])
            item["cause"] = row["cause"]
            findings.append(item)
        review = []
        for row in self.needs_review.to_dict("records"):
            review.append({"invoice_id": row["invoice_id"], "line": int(row["line"]),
                           "description": row["description"], "amount": money(row["amount"]),
                           "suggested_service": row["suggested_service"] or None,
                           "suggested_charge": row["suggested_charge"] or None,
                           "confidence": None if row["confidence"] is None or pd.isna(row["confidence"])
                           else round(float(row["confidence"]), 4)})
        credits = [{"invoice_id": r["invoice_id"], "line": int(r["line"]), "amount": money(r["amount"]),
                    "credits_invoice_id": r["credits_invoice_id"], "dispute_id": r["dispute_id"]}
                   for r in self.credits.to_dict("records")]
        return {
            "supplier": self.supplier, "month": self.month,
            "invoice_id": self.invoice_ids[0] if self.invoice_ids else None,
            "invoice_ids": list(self.invoice_ids),
            "issue_date": self.issue_date.isoformat() if self.issue_date else None,
            "due_date": self.due_date.isoformat() if self.due_date else None,
            "currency": self.currency,
            "billed_net": money(self.billed_net), "expected_net": money(self.expected_net),
            "claimable": money(self.claimable) if self.has_invoice else None,
            "claimable_tax": money(self.claimable_tax) if self.has_invoice else None,
            "under_billed": money(self.under_billed) if self.has_invoice else None,
            "needs_review": review, "findings": findings, "credits": credits,
        }
