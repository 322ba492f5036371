"""Hand-built audit results for the report and dispute-pack tests (figures computed by hand below).

Invoice F-77 of acme for 2026-09: its lines add up to 4,000.00 net, its header states 4,250.00.
Expected 3,630.00. Findings (difference = billed − expected):
    line 2 rate      billed 1,100.00 (2,000 × 0.55), expected 1,000.00 (2,000 × 0.50)   +100.00 claim 100.00
    line 3 quantity  billed 300.00 (600 × 0.50), expected 250.00 (500 × 0.50)          +50.00  claim 50.00
    line 4 duplicate billed 300.00 (copy of line 3), expected 0                         +300.00 claim 300.00
    arithmetic       header 4,250.00 against Σ lines 4,000.00                           +250.00 claim 250.00
    payment_terms    90 days against 60 (no money)
    unbilled         the platform fee: billed 0, expected 80.00                         −80.00  claim 0
3,630 + 100 + 50 + 300 + 250 − 80 = 4,250 (the header). Claim 700.00, its VAT at 21 % 147.00, withhold
847.00, under-billed 80.00.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd

from ccanalysis.audit.result import (
    CREDIT_COLUMNS,
    FINDING_COLUMNS,
    MATCHED_COLUMNS,
    REVIEW_COLUMNS,
    AuditResult,
)

D = Decimal
DESCRIPTIONS = {
    "es": ["línea 2 facturada a 0,55; precio del tramo 0,50", "línea 3 factura 600 contactos; la actividad da 500",
           "línea 4 duplica la línea 3", "las líneas suman 4.000,00 €; la cabecera declara 4.250,00 €",
           "pago a 90 días; el máximo es 60", "cuota de plataforma no facturada"],
    "en": ["line 2 billed at 0.55; the tier's price is 0.50", "line 3 bills 600 contacts; the activity gives 500",
           "line 4 repeats line 3", "the lines add up to €4,000.00; the header states €4,250.00",
           "payment at 90 days; the limit is 60", "platform fee not billed"],
}


def finding(finding_id, check, line, billed, expected, claimable, *, service="care", charge="care_contacts",
            tier=None, evidence=None, description=None):
    difference = None if billed is None else billed - expected
    return {"finding_id": finding_id, "check": check, "service": service, "charge": charge, "tier": tier,
            "line": line, "invoice_id": "F-77", "billed": billed, "expected": expected, "difference": difference,
            "claimable": claimable, "cause": check, "facts": {}, "evidence": evidence or {},
            "description": description}


def findings(lang="es"):
    text = DESCRIPTIONS[lang]
    rows = [
        finding("a1", "arithmetic", None, D("4250.00"), D("4000.00"), D("250.00"), service=None, charge=None,
                evidence={"total_net": D("4250.00"), "lines": D("4000.00")}),
        finding("r2", "rate", 2, D("1100.00"), D("1000.00"), D("100.00"), tier=2,
                evidence={"quantity": D("2000"), "unit_price": D("0.55"), "expected_unit_price": D("0.50")}),
        finding("u9", "unbilled", None, D("0.00"), D("80.00"), D("0"), charge="care_platform"),
        finding("d4", "duplicate", 4, D("300.00"), D("0"), D("300.00"), evidence={"lines": [3, 4]}),
        finding("p1", "payment_terms", None, None, None, D("0"), service=None, charge=None,
                evidence={"terms_days": 90, "limit_days": 60}),
        finding("q3", "quantity", 3, D("300.00"), D("250.00"), D("50.00"),
                evidence={"quantity": D("600"), "expected_quantity": D("500")}),
    ]
    order = ["r2", "q3", "d4", "a1", "p1", "u9"]
    for row in rows:
        row["description"] = text[order.index(row["finding_id"])]
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)


def review():
    return pd.DataFrame([{"invoice_id": "F-77", "line": 7, "description": "Servicio premium fin de semana",
                          "amount": D("45.00"), "suggested_service": "care", "suggested_charge": "care_contacts",
                          "confidence": 0.42}], columns=REVIEW_COLUMNS)


def audit_result(lang="es", **changes) -> AuditResult:
    fields = dict(supplier="acme", month="2026-09", currency="EUR", tax_rate=D("0.21"), invoice_ids=("F-77",),
                  issue_date=date(2026, 10, 1), due_date=date(2026, 11, 30), billed_net=D("4000.00"),
                  billed_header_net=D("4250.00"), expected_net=D("3630.00"), claimable=D("700.00"),
                  claimable_tax=D("147.00"), under_billed=D("80.00"), findings=findings(lang), needs_review=review(),
                  lines=pd.DataFrame(columns=MATCHED_COLUMNS), credits=pd.DataFrame(columns=CREDIT_COLUMNS))
    fields.update(changes)
    return AuditResult(**fields)


def carried():
    """Two disputes open from earlier months: 120.00 due in 12 days (at risk), 60.50 due in 75."""
    return pd.DataFrame([
        {"dispute_id": "D-0003", "month": "2026-07", "invoice_id": "F-55", "check": "rate",
         "amount_claimed": D("120.00"), "status": "submitted", "deadline": date(2026, 12, 15), "days_to_deadline": 12},
        {"dispute_id": "D-0005", "month": "2026-08", "invoice_id": "F-66", "check": "duplicate",
         "amount_claimed": D("60.50"), "status": "detected", "deadline": date(2027, 2, 15), "days_to_deadline": 75},
    ])


def empty_findings():
    return pd.DataFrame(columns=FINDING_COLUMNS)


def empty_review():
    return pd.DataFrame(columns=REVIEW_COLUMNS)
