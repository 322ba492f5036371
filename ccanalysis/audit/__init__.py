"""The invoice audit (audit.md): match every billed line, name every error, claim each euro once.

    result    AuditResult and the columns of its tables (findings, lines, review, credits)
    matching  which contract service and charge each billed line bills: ids, rules, classifier, decisions
    pairing   every billed line set beside the expected line it bills (credits, cancellations, duplicates,
              unmatched lines, tiers by order, quantity and price)
    checks    the registered checks (`CHECKS`): one function each, whose parts add up to billed − expected
    engine    `audit_invoice`: pure — contract, period, expected lines, matched billed lines in; AuditResult out
    score     the audit scored against a table of planted errors (recall, precision, claimable)

From Python, on a loaded engagement::

    from ccanalysis import audit, engagement
    eng = engagement.load("demo")
    result = audit.audit(eng, "northwind", "2026-08", lang="en")
    result.claimable, result.findings[["check", "line", "difference", "description"]]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ccanalysis.audit.result import FINDING_COLUMNS, AuditResult

if TYPE_CHECKING:
    from ccanalysis.engagement import Engagement


def audit(eng: Engagement, supplier: str, month: str, lang: str | None = None) -> AuditResult:
    """The audit of the supplier's invoices for billing period `month` (YYYY-MM), findings worded in `lang`
    (default: the engagement's language). See `ccanalysis.workbook.audit`."""
    from ccanalysis.workbook import audit as wired

    return wired(eng, supplier, month, lang=lang)


def __getattr__(name: str) -> Any:
    if name in ("audit_invoice", "finding_id"):
        from ccanalysis.audit import engine

        return getattr(engine, name)
    if name == "CHECKS":
        from ccanalysis.audit.checks import CHECKS

        return CHECKS
    raise AttributeError(f"module 'ccanalysis.audit' has no attribute {name!r}")


__all__ = ["CHECKS", "FINDING_COLUMNS", "AuditResult", "audit", "audit_invoice", "finding_id"]
