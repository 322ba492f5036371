"""The audit's checks: one registered record each (`CHECKS`), in the order they run.

A check is a function `(ctx: AuditContext) -> list[Finding]`; its record says whether its money can be
claimed (`claimable`: under-billing and findings without money never are). Adding a check = one function
decorated with `@check(...)` here (or in a module imported by `ccanalysis.audit`) + its words in
`ccanalysis.i18n.audit` + its tests.

The checks on billed lines read the pairing of `ccanalysis.audit.pairing` (every billed line set beside the
expected line it bills, or marked duplicate, credit, cancelled or unmatched) and split each difference so
that the parts add up exactly to billed − expected: arithmetic (the line's own quantity × unit price),
rate (the billed price against the contract's), quantity (the billed units against the activity's).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ccanalysis.money import ZERO, round_money
from ccanalysis.registry import Registry

if TYPE_CHECKING:
    from ccanalysis.audit.engine import AuditContext
    from ccanalysis.audit.pairing import Billed, Pair


@dataclass(frozen=True)
class Finding:
    """One finding as a check returns it (the engine adds its id and the claimable part)."""

    check: str
    cause: str
    service: str | None = None
    charge: str | None = None
    tier: int | None = None
    line: int | None = None
    invoice_id: str | None = None
    billed: Decimal | None = None
    expected: Decimal | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    evidence: dict[str, Any] = field(default_factory=dict)
    #: what the money of this finding nets with: findings on one charge net (a flat fee billed inside a
    #: tier's line is fine if the amounts add up), other findings stand alone
    money_key: tuple = ()
    #: "net" (claimable and under-billing are net of tax) or "tax" (money in the VAT itself)
    money_in: str = "net"

    @property
    def difference(self) -> Decimal | None:
        """billed − expected in the contract currency (exact Decimal); None when either is missing."""
        if self.billed is None or self.expected is None:
            return None
        return self.billed - self.expected


@dataclass(frozen=True)
class Check:
    name: str
    function: Callable[[AuditContext], list[Finding]]
    claimable: bool  # its over-billing is claimed; False: shown only (under-billing, terms, periods)
    description: str  # for developers: what it looks at


CHECKS: Registry[Check] = Registry("audit check", "checks", key="check")


def check(name: str, *, claimable: bool, description: str) -> Callable:
    """A decorator registering its function as the check `name` in CHECKS (claimable: its findings go into
    the claim); the function is returned unchanged."""
    def register(function: Callable[[AuditContext], list[Finding]]) -> Callable:
        CHECKS.register(Check(name, function, claimable, description))
        return function
    return register


def get(name: str) -> Check:
    """The registered check called `name`; ValueError naming the known checks otherwise."""
    return CHECKS.get(name)


# --------------------------------------------------------------------------- helpers
def _line_evidence(b: Billed) -> dict[str, Any]:
    return {"invoice_id": b.invoice_id, "line": b.line, "description": b.description, "quantity": b.quantity,
            "unit_price": b.unit_price, "amount": b.amount, "matched_by": b.match_method}


def _expected_evidence(pair: Pair) -> dict[str, Any] | None:
    e = pair.expected
    if e is None:
        return None
    return {"line": e.line, "tier": e.tier, "kind": e.kind, "quantity": e.quantity, "unit_price": e.unit_price,
            "amount": e.amount}


def _kpi_evidence(facts: dict[str, Any] | None) -> dict[str, Any] | None:
    """The KPI an SLA finding rests on: its name, its value (6 decimals, on its scale) and its scale."""
    if not facts or facts.get("kpi_value") is None:
        return None
    value = facts["kpi_value"]
    shown = (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.000001"))
    return {"kpi": facts["kpi"], "kpi_value": shown, "kpi_unit": facts.get("kpi_unit")}


def _charge_key(pair: Pair) -> tuple:
    return ("charge", pair.service, pair.charge)


def _where(pair: Pair) -> dict[str, Any]:
    b = pair.billed[0] if pair.billed else None
    tier = pair.expected.tier if pair.expected is not None else (b.tier if b else None)
    return {"service": pair.service, "charge": pair.charge, "tier": tier,
            "line": b.line if b else None, "invoice_id": b.invoice_id if b else None}


# --------------------------------------------------------------------------- line checks
@check("arithmetic", claimable=True,
       description="quantity × unit price ≠ amount on a line; Σ lines ≠ header net; tax ≠ rate × net; "
                   "net + tax ≠ gross")
def arithmetic(ctx: AuditContext) -> list[Finding]:
    """Findings where a line's quantity × unit price ≠ its amount, Σ lines ≠ the header net, tax ≠ rate × net
    or net + tax ≠ gross; amounts in the contract currency."""
    out: list[Finding] = []
    for pair in ctx.pairs:
        for b in pair.billed:
            computed = b.computed
            if computed is None or computed == b.amount:
                continue
            out.append(Finding("arithmetic", "line_arithmetic", pair.service, pair.charge, b.tier, b.line,
                               b.invoice_id, b.amount, computed,
                               facts={"line": b.line, "quantity": b.quantity, "unit_price": b.unit_price,
                                      "computed": computed, "amount": b.amount},
                               evidence={"billed_line": _line_evidence(b)}, money_key=_charge_key(pair)))
    for invoice in ctx.invoices:
        out += _header_findings(ctx, invoice)
    return out


def _header_findings(ctx: AuditContext, invoice) -> list[Finding]:
    out: list[Finding] = []
    where = {"invoice_id": invoice.invoice_id}
    if invoice.total_net is not None and invoice.total_net != invoice.lines_net:
        out.append(Finding("arithmetic", "header_net", billed=invoice.total_net, expected=invoice.lines_net,
                           facts={"invoice_id": invoice.invoice_id, "header": invoice.total_net,
                                  "lines": invoice.lines_net},
                           evidence={**where, "total_net": invoice.total_net, "sum_of_lines": invoice.lines_net,
                                     "lines": invoice.line_count},
                           money_key=("header_net", invoice.invoice_id), **where))
    net = invoice.total_net if invoice.total_net is not None else invoice.lines_net
    due_tax = round_money(net * ctx.tax_rate)
    if invoice.total_tax is not None and invoice.total_tax != due_tax:
        out.append(Finding("arithmetic", "header_tax", billed=invoice.total_tax, expected=due_tax,
                           facts={"invoice_id": invoice.invoice_id, "tax": invoice.total_tax, "rate": ctx.tax_rate,
                                  "net": net, "due": due_tax},
                           evidence={**where, "total_tax": invoice.total_tax, "tax_rate": ctx.tax_rate,
                                     "net": net},
                           money_key=("header_tax", invoice.invoice_id), money_in="tax", **where))
    elif invoice.total_tax is None:
        for b in invoice.lines:
            if b.tax_rate is not None and b.tax_rate != ctx.tax_rate:
                extra = round_money(b.amount * b.tax_rate) - round_money(b.amount * ctx.tax_rate)
                out.append(Finding("arithmetic", "line_tax_rate", b.service, b.charge, b.tier, b.line, b.invoice_id,
                                   round_money(b.amount * b.tax_rate), round_money(b.amount * ctx.tax_rate),
                                   facts={"line": b.line, "rate": b.tax_rate, "contract_rate": ctx.tax_rate,
                                          "difference": extra},
                                   evidence={"billed_line": _line_evidence(b), "tax_rate": b.tax_rate},
                                   money_key=("line_tax", b.invoice_id, b.line), money_in="tax"))
    if invoice.total_gross is not None and invoice.total_tax is not None and invoice.total_net is not None:
        due_gross = invoice.total_net + invoice.total_tax
        if invoice.total_gross != due_gross:
            out.append(Finding("arithmetic", "header_gross", billed=invoice.total_gross, expected=due_gross,
                               facts={"invoice_id": invoice.invoice_id, "gross": invoice.total_gross,
                                      "net": invoice.total_net, "tax": invoice.total_tax},
                               evidence={**where, "total_gross": invoice.total_gross},
                               money_key=("header_gross", invoice.invoice_id), money_in="tax", **where))
    return out


@check("rate", claimable=True,
       description="a line's unit price ≠ the contract's price for its tier, date and price version")
def rate(ctx: AuditContext) -> list[Finding]:
    """Findings where a line's unit price differs from the contract's price for its tier, date and price
    version, expected = the quantity at the contract price (rounded to cents)."""
    out: list[Finding] = []
    for pair in ctx.pairs:
        e = pair.expected
        if e is None or pair.kind not in ("charge", "flat_fee") or e.unit_price is None:
            continue
        for b in pair.billed:
            if b.unit_price is None or b.unit_price == e.unit_price:
                continue
            at_contract = round_money(b.quantity * e.unit_price)
            billed = b.computed if b.computed is not None else b.amount
            if billed == at_contract:
                continue
            out.append(Finding("rate", "price_differs", pair.service, pair.charge, e.tier, b.line, b.invoice_id,
                               billed, at_contract,
                               facts={"line": b.line, "billed_price": b.unit_price, "contract_price": e.unit_price,
                                      "tier": e.tier, "quantity": b.quantity, "unit": e.unit},
                               evidence={"billed_line": _line_evidence(b), "expected_line": _expected_evidence(pair),
                                         "price_version_from": ctx.version_from},
                               money_key=_charge_key(pair)))
    return out


@check("quantity", claimable=True,
       description="billed units ≠ units recomputed from the activity, beyond the tolerance")
def quantity(ctx: AuditContext) -> list[Finding]:
    """Findings where billed units differ from the units recomputed from the activity beyond the tolerance,
    and lines billed where nothing is due (expected 0)."""
    out: list[Finding] = []
    for pair in ctx.pairs:
        if pair.kind not in ("charge", "flat_fee") or not pair.billed:
            continue
        e = pair.expected
        billed_qty = sum((b.quantity for b in pair.billed), ZERO)
        if e is None:  # billed, and nothing is due for it (a tier not reached, a charge without activity)
            billed = sum((b.at_price(None) for b in pair.billed), ZERO)
            out.append(Finding("quantity", "nothing_due", **_where(pair), billed=billed, expected=ZERO,
                               facts={"line": pair.billed[0].line, "quantity": billed_qty,
                                      "unit": pair.billed[0].unit},
                               evidence={"billed_lines": [_line_evidence(b) for b in pair.billed]},
                               money_key=_charge_key(pair)))
            continue
        billed = sum((b.at_price(e.unit_price) for b in pair.billed), ZERO)
        if billed == e.amount:
            continue
        if e.quantity and billed_qty != e.quantity:
            relative = abs(billed_qty - e.quantity) / abs(e.quantity)
            if relative < ctx.tolerances.quantity_rel:
                continue
        cause = "quantity_differs" if billed_qty != e.quantity else "amount_differs"
        out.append(Finding("quantity", cause, **_where(pair), billed=billed, expected=e.amount,
                           facts={"line": pair.billed[0].line, "billed_quantity": billed_qty,
                                  "expected_quantity": e.quantity, "unit": e.unit},
                           evidence={"billed_lines": [_line_evidence(b) for b in pair.billed],
                                     "expected_line": _expected_evidence(pair)},
                           money_key=_charge_key(pair)))
    return out


@check("duplicate", claimable=True, description="the later of two identical lines")
def duplicate(ctx: AuditContext) -> list[Finding]:
    """One finding per line identical to an earlier one: billed = its amount, expected 0."""
    out = []
    for b, first in ctx.duplicates:
        out.append(Finding("duplicate", "duplicate_line", b.service, b.charge, b.tier, b.line, b.invoice_id,
                           b.amount, ZERO,
                           facts={"line": b.line, "of_line": first.line, "invoice_id": b.invoice_id,
                                  "of_invoice_id": first.invoice_id},
                           evidence={"billed_line": _line_evidence(b), "duplicate_of": _line_evidence(first)},
                           money_key=("line", b.invoice_id, b.line)))
    return out


@check("not_in_contract", claimable=True,
       description="a billed line that matches no charge of the contract (or is below the match threshold)")
def not_in_contract(ctx: AuditContext) -> list[Finding]:
    """One finding per billed line matching no contract charge (or below the match threshold): billed = its
    amount, expected 0, with the suggested charge and its confidence (0–1)."""
    out = []
    for b in ctx.unmatched:
        cause = "ids_not_in_contract" if b.billed_charge else "no_match"
        out.append(Finding("not_in_contract", cause, b.billed_service, b.billed_charge, None, b.line,
                           b.invoice_id, b.amount, ZERO,
                           facts={"line": b.line, "description": b.description, "charge": b.billed_charge,
                                  "suggested_charge": b.suggested_charge, "confidence": b.match_confidence},
                           evidence={"billed_line": _line_evidence(b),
                                     "suggested": {"service": b.suggested_service, "charge": b.suggested_charge,
                                                   "confidence": b.match_confidence}},
                           money_key=("line", b.invoice_id, b.line)))
    return out


def _sla_findings(ctx: AuditContext, penalty: bool) -> list[Finding]:
    out = []
    for pair in ctx.pairs:
        if pair.kind not in ("sla", "sla_cap"):
            continue
        e = pair.expected
        billed = sum((b.at_price(None) for b in pair.billed), ZERO)
        expected = e.amount if e is not None else ZERO
        if billed == expected:
            continue
        is_penalty = expected < 0 or (expected == 0 and billed < 0)
        if is_penalty != penalty:
            continue
        if not pair.billed:
            cause = "penalty_missing" if penalty else "bonus_unbilled"
        elif e is None:
            cause = "penalty_not_due" if penalty else "bonus_not_earned"
        elif penalty:
            cause = "penalty_too_small" if billed > expected else "penalty_too_large"
        else:
            cause = "bonus_too_large" if billed > expected else "bonus_too_small"
        facts = {"line": pair.billed[0].line if pair.billed else None, "rule": pair.charge, "service": pair.service,
                 "billed": billed, "expected": expected}
        facts.update(ctx.sla_facts.get((pair.service, pair.charge), {}))
        out.append(Finding("missing_penalty" if penalty else "unearned_bonus", cause, **_where(pair),
                           billed=billed, expected=expected, facts=facts,
                           evidence={"billed_lines": [_line_evidence(b) for b in pair.billed],
                                     "expected_line": _expected_evidence(pair),
                                     "kpi": _kpi_evidence(ctx.sla_facts.get((pair.service, pair.charge)))},
                           money_key=_charge_key(pair)))
    return out


@check("missing_penalty", claimable=True,
       description="an SLA penalty due under the contract's KPI definition is absent or too small")
def missing_penalty(ctx: AuditContext) -> list[Finding]:
    """Findings where an SLA penalty due under the KPI definition is absent from the invoice or too small."""
    return _sla_findings(ctx, penalty=True)


@check("unearned_bonus", claimable=True,
       description="an SLA bonus billed that the KPI does not earn, or too large")
def unearned_bonus(ctx: AuditContext) -> list[Finding]:
    """Findings where an SLA bonus is billed that the KPI does not earn, or larger than earned."""
    return _sla_findings(ctx, penalty=False)


#: The expected-line kinds that bring charges up to a bound or down to a cap (true-up and limit lines).
TRUE_UP_KINDS = ("minimum_commitment", "minimum", "maximum", "account_cap")


@check("minimum_commitment", claimable=True,
       description="a true-up or cap (contract minimum, a charge's minimum or maximum, a fee cap per account) "
                   "billed when not due, or wrong, or a cap not applied")
def minimum_commitment(ctx: AuditContext) -> list[Finding]:
    """Findings where a true-up or cap line (contract minimum, a charge's minimum or maximum, a collections
    fee cap per account) is billed when not due or for another amount than expected, or where a cap due
    (a negative expected line) is absent: over-billing by its amount."""
    out = []
    for pair in ctx.pairs:
        if pair.kind not in TRUE_UP_KINDS:
            continue
        e = pair.expected
        if not pair.billed:
            if e is not None and e.amount < 0:
                out.append(Finding("minimum_commitment", "cap_not_applied", **_where(pair), billed=ZERO,
                                   expected=e.amount, facts={"billed": ZERO, "expected": e.amount, "kind": pair.kind,
                                                             "service": pair.service, "charge": pair.charge},
                                   evidence={"expected_line": _expected_evidence(pair)},
                                   money_key=_charge_key(pair)))
            continue
        billed = sum((b.at_price(None) for b in pair.billed), ZERO)
        expected = e.amount if e is not None else ZERO
        if billed == expected:
            continue
        cause = "true_up_not_due" if e is None else "true_up_differs"
        out.append(Finding("minimum_commitment", cause, **_where(pair), billed=billed, expected=expected,
                           facts={"line": pair.billed[0].line, "billed": billed, "expected": expected,
                                  "kind": pair.kind},
                           evidence={"billed_lines": [_line_evidence(b) for b in pair.billed],
                                     "expected_line": _expected_evidence(pair)},
                           money_key=_charge_key(pair)))
    return out


@check("unbilled", claimable=False,
       description="an expected charge absent from the invoice: under-billing, shown and never claimed")
def unbilled(ctx: AuditContext) -> list[Finding]:
    """Findings for expected charges absent from the invoice (billed 0): under-billing, never claimed."""
    out = []
    for pair in ctx.pairs:
        e = pair.expected
        if pair.billed or e is None or e.amount == 0 or pair.kind in ("sla", "sla_cap"):
            continue
        if pair.kind in TRUE_UP_KINDS and e.amount < 0:
            continue  # a cap's negative line not applied is over-billing: minimum_commitment's finding
        out.append(Finding("unbilled", "not_billed", **_where(pair), billed=ZERO, expected=e.amount,
                           facts={"service": pair.service, "charge": pair.charge, "tier": e.tier,
                                  "expected": e.amount, "kind": pair.kind},
                           evidence={"expected_line": _expected_evidence(pair)}, money_key=_charge_key(pair)))
    return out


@check("not_attributable", claimable=False,
       description="a collection agency's fee on a payment made while it did not hold the account (its money is "
                   "in the charge's quantity finding)")
def not_attributable(ctx: AuditContext) -> list[Finding]:
    """A fee line naming a payment (account_id, paid_on) the agency may not bill: the account was not placed
    with it that day, nor in its tail after a recall. The line's money is already in its charge's quantity
    finding (the billed collected amount above the attributed one), so this finding names the payment and
    claims nothing again: each euro is claimed once."""
    if ctx.attributable is None:
        return []
    lines = [b for pair in ctx.pairs for b in pair.billed] + list(ctx.unmatched)
    out = []
    for b in sorted(lines, key=lambda b: b.order):
        if b.account_id is None or b.paid_on is None or (b.account_id, b.paid_on) in ctx.attributable:
            continue
        out.append(Finding("not_attributable", "payment_not_attributable", service=b.service, charge=b.charge,
                           line=b.line, invoice_id=b.invoice_id,
                           facts={"line": b.line, "account_id": b.account_id, "paid_on": b.paid_on,
                                  "amount": b.amount},
                           evidence={"billed_line": {"invoice_id": b.invoice_id, "line": b.line,
                                                     "account_id": b.account_id, "paid_on": b.paid_on.isoformat(),
                                                     "amount": b.amount}}))
    return out


@check("retention_not_earned", claimable=False,
       description="a retention fee on a customer who churned inside the contract's retention window (or was not "
                   "retained in the period); its money is in the charge's quantity finding")
def retention_not_earned(ctx: AuditContext) -> list[Finding]:
    """A fee line naming a customer (customer_id) on a charge billed per retained customer whose fee is not
    earned: the customer churned inside the retention window after its retention contact (cause
    `churned_in_window`, with the contact's day, the churn date and the window), or had no retained contact in
    the period (`no_retained_contact`). A customer's first lines are set against its earned fees; only the
    lines beyond them are findings. The money is already in the charge's quantity finding (the billed retained
    customers above the earned ones), so this finding names the customer and claims nothing again: each euro
    is claimed once."""
    if not ctx.retentions:
        return []
    lines = [b for pair in ctx.pairs for b in pair.billed] + list(ctx.unmatched)
    out = []
    for (service, charge), outcomes in ctx.retentions.items():
        mine = sorted((b for b in lines if b.customer_id is not None and b.service == service and b.charge == charge),
                      key=lambda b: b.order)
        seen: dict[str, int] = {}
        for b in mine:
            kept = outcomes[outcomes["customer_id"] == b.customer_id]
            earned = int(kept["earned"].sum())
            seen[b.customer_id] = seen.get(b.customer_id, 0) + 1
            if seen[b.customer_id] <= earned:
                continue
            facts: dict[str, Any] = {"line": b.line, "customer_id": b.customer_id, "amount": b.amount}
            unearned = kept[~kept["earned"].astype(bool)]
            if kept.empty:
                cause = "no_retained_contact"
            elif unearned.empty:  # more fee lines than the customer's retained contacts, all earned
                cause = "more_fees_than_retentions"
                facts.update(fees=seen[b.customer_id], retentions=len(kept))
            else:
                cause = "churned_in_window"
                last = unearned.iloc[-1]
                facts.update(contacted_on=last["contacted_on"], churn_date=last["churn_date"],
                             window_days=int(last["window_days"]), days_to_churn=last["days_to_churn"])
            out.append(Finding("retention_not_earned", cause, service=service, charge=charge, line=b.line,
                               invoice_id=b.invoice_id, facts=facts,
                               evidence={"billed_line": {"invoice_id": b.invoice_id, "line": b.line,
                                                         "customer_id": b.customer_id, "amount": b.amount},
                                         "retention": {k: (v.isoformat() if hasattr(v, "isoformat") else v)
                                                       for k, v in facts.items() if k not in ("line", "amount")}}))
    return out


@check("period", claimable=False,
       description="an invoice period other than the billing period, outside the contract's validity, a gap "
                   "or an overlap with the previous invoice, a corrective invoice naming an unknown invoice")
def period(ctx: AuditContext) -> list[Finding]:
    """Findings on the invoices' periods: not the billing period, outside the contract's validity, a gap or
    overlap with the previous invoice, a correction of an unknown invoice. Never claimed."""
    out = []
    start, end = ctx.period.start, ctx.period.end
    for invoice in ctx.invoices:
        where = {"invoice_id": invoice.invoice_id}
        facts = {"invoice_id": invoice.invoice_id, "start": invoice.period_start, "end": invoice.period_end,
                 "period_start": start, "period_end": end}
        if (invoice.period_start, invoice.period_end) != (start, end) and not invoice.corrects_invoice_id:
            out.append(Finding("period", "period_mismatch", facts=facts, evidence=dict(facts), **where))
        valid_to = ctx.valid_to
        if invoice.period_start < ctx.valid_from or (valid_to is not None and invoice.period_end > valid_to):
            out.append(Finding("period", "outside_validity",
                               facts={**facts, "valid_from": ctx.valid_from, "valid_to": valid_to},
                               evidence={**facts, "valid_from": ctx.valid_from, "valid_to": valid_to}, **where))
        if invoice.corrects_invoice_id and invoice.corrects_invoice_id not in ctx.known_invoices:
            out.append(Finding("period", "unknown_corrected_invoice",
                               facts={"invoice_id": invoice.invoice_id, "corrects": invoice.corrects_invoice_id},
                               evidence={"corrects_invoice_id": invoice.corrects_invoice_id,
                                         "known_invoices": sorted(ctx.known_invoices)}, **where))
    main = [i for i in ctx.invoices if not i.corrects_invoice_id]
    if main and ctx.previous_end is not None:
        first = min(i.period_start for i in main)
        if first > ctx.previous_end + timedelta(days=1):
            out.append(Finding("period", "gap", invoice_id=main[0].invoice_id,
                               facts={"invoice_id": main[0].invoice_id, "previous_end": ctx.previous_end,
                                      "start": first},
                               evidence={"previous_period_end": ctx.previous_end, "period_start": first}))
        elif first <= ctx.previous_end:
            out.append(Finding("period", "overlap", invoice_id=main[0].invoice_id,
                               facts={"invoice_id": main[0].invoice_id, "previous_end": ctx.previous_end,
                                      "start": first},
                               evidence={"previous_period_end": ctx.previous_end, "period_start": first}))
    return out


@check("payment_terms", claimable=False,
       description="payment terms over the engagement's payment_terms_days (60 by default: Spain's legal limit)")
def payment_terms(ctx: AuditContext) -> list[Finding]:
    """Findings where the contract's or an invoice's payment terms (due date − issue date, in days) exceed
    the engagement's limit (payment_terms_days, 60 by default). Never claimed."""
    out = []
    limit = ctx.max_terms_days
    if ctx.contract_terms_days > limit:
        out.append(Finding("payment_terms", "contract_terms_over_limit",
                           facts={"days": ctx.contract_terms_days, "limit": limit},
                           evidence={"contract_payment_terms_days": ctx.contract_terms_days, "limit_days": limit}))
    for invoice in ctx.invoices:
        if invoice.due_date is None:
            continue
        days = (invoice.due_date - invoice.issue_date).days
        if days > limit:
            out.append(Finding("payment_terms", "invoice_terms_over_limit", invoice_id=invoice.invoice_id,
                               facts={"invoice_id": invoice.invoice_id, "days": days, "limit": limit},
                               evidence={"issue_date": invoice.issue_date, "due_date": invoice.due_date,
                                         "limit_days": limit}))
    return out
