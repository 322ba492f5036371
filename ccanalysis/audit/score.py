"""Scoring the audit against an engagement with known errors (a truth table of planted errors).

A truth row (supplier, month, line, check, difference) is found when a finding of the same supplier, month
and line (both blank for a finding on the invoice or an SLA rule) has the check the truth names and the
same difference to the cent. Precision counts the findings with money; findings without money (payment
terms, periods) are counted apart as flags. The true over-billing is the sum of the positive differences:
the audit's claimable must equal it.

The demo's truth file names some errors by what was planted rather than by the check that finds it
(`TRUTH_ALIASES`).
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from ccanalysis.audit.result import AuditResult
from ccanalysis.money import ZERO, to_decimal

#: what the demo's truth calls an error → the check that finds it
TRUTH_ALIASES = {"tier": "rate", "unit_price": "rate", "totals": "arithmetic", "missing_sla_penalty": "missing_penalty",
                 "missing_cap": "minimum_commitment"}
SCORE_COLUMNS = ["supplier", "month", "planted", "found", "false_findings", "flags", "recall", "precision",
                 "true_over_billing", "claimable", "exact"]


def _line(value: object) -> int | None:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value == "":
        return None
    return int(value)


def score_one(result: AuditResult, truth: pd.DataFrame) -> dict:
    """The score of one supplier-month's audit against its truth rows."""
    planted = [(TRUTH_ALIASES.get(r["check"], r["check"]), _line(r["line"]), to_decimal(str(r["difference"])))
               for r in truth.to_dict("records")]
    money = [(f["check"], _line(f["line"]), f["difference"]) for f in result.findings.to_dict("records")
             if f["difference"] is not None]
    flags = sum(1 for d in result.findings["difference"] if d is None)
    found = sum(1 for p in planted if p in money)
    false = sum(1 for m in money if m not in planted)
    over = sum((d for _, _, d in planted if d > 0), ZERO)
    claim = result.claimable if result.has_invoice else ZERO
    recall = Decimal(found) / len(planted) if planted else Decimal(1)
    precision = Decimal(len(money) - false) / len(money) if money else Decimal(1)
    return {"supplier": result.supplier, "month": result.month, "planted": len(planted), "found": found,
            "false_findings": false, "flags": flags, "recall": recall, "precision": precision,
            "true_over_billing": over, "claimable": claim,
            "exact": found == len(planted) and false == 0 and claim == over}


def score(results: list[AuditResult], truth: pd.DataFrame) -> pd.DataFrame:
    """One row per audited supplier-month (SCORE_COLUMNS)."""
    rows = []
    for result in results:
        mine = truth[(truth["supplier"] == result.supplier) & (truth["month"] == result.month)]
        rows.append(score_one(result, mine))
    return pd.DataFrame(rows, columns=SCORE_COLUMNS)
