"""The audit's report sections, pure rendering from data to `Section`s (no engagement access):

    audit_section(result, carried, lang=…, supplier_name=…)   page 1 of the supplier report
    savings_section(frame, lang=…, currency=…)                the portfolio report's lead

and the display text the dispute pack shares with them: a check's name, a finding's charge, its evidence.
Every word comes from `ccanalysis.i18n` in the report's language; money stays Decimal up to the text.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd

from ccanalysis.audit.result import AuditResult
from ccanalysis.i18n import LABELS, format_date, format_number, format_percent, label, sentence
from ccanalysis.i18n import domain as words
from ccanalysis.report import text
from ccanalysis.report.section import Section

#: The order checks are shown in (the registered checks of issue 9).
CHECK_ORDER = ("rate", "quantity", "arithmetic", "duplicate", "not_in_contract", "missing_penalty",
               "unearned_bonus", "minimum_commitment", "period", "payment_terms", "unbilled")
#: The waterfall shows this many findings (the largest); the others share one bar.
WATERFALL_BARS = 12
#: Carried disputes whose deadline falls within this many days (and has not passed) are money at risk of expiring.
AT_RISK_DAYS = 30
#: Evidence numbers keep the decimals they were given (4000.00 → 4.000,00; 0.5 → 0,5), at most this many.
EVIDENCE_PLACES = 6
#: The columns of `carried` (disputes from earlier months still open, with their deadlines).
CARRIED_COLUMNS = ["dispute_id", "month", "invoice_id", "check", "amount_claimed", "status", "deadline",
                   "days_to_deadline"]
#: The columns of the savings frame (one row per supplier and month).
SAVINGS_COLUMNS = ["supplier", "supplier_name", "month", "billed_net", "claimable", "under_billed"]


# --------------------------------------------------------------------------- display text of findings
def check_name(check: str, lang: str) -> str:
    """The name of a registered check in `lang` (`duplicate` → Duplicado / Duplicate)."""
    return label(f"check_{check}", lang)


def charge_text(service: object, charge: object, tier: object, lang: str,
                names: Mapping[tuple[str, str], str] | None = None) -> str:
    """What a reader calls a finding's charge: its contract name from `names` ((service, charge) → name, as
    `report.text.charge_names` gives), a reserved id of audit.md in words, else the id; with its tier."""
    if text.missing(charge):
        return ""
    charge = str(charge)
    service_key = "" if text.missing(service) else str(service)
    name = (names or {}).get((service_key, charge))
    if name is None:
        name = _reserved_charge(charge, lang, names or {}, service_key)
    if not text.missing(tier):
        name = sentence("charge_tier", lang, charge=name, tier=int(tier))
    return name


def _reserved_charge(charge: str, lang: str, names: Mapping[tuple[str, str], str], service: str) -> str:
    if charge in ("sla:cap_penalty", "sla:cap_bonus"):
        return label(f"charge_{charge.removeprefix('sla:')}", lang)
    if charge.startswith("sla:"):
        rule = charge.removeprefix("sla:")
        rule_name = words.kpi_name(rule, lang) if rule in words.KPI_NAMES else rule
        return sentence("charge_sla_rule", lang, rule=rule_name)
    if charge == "minimum_commitment":
        return label("charge_minimum_commitment", lang)
    base, _, limit = charge.rpartition(":")
    if base and limit in ("minimum", "maximum"):
        return sentence("charge_limit", lang, charge=names.get((service, base), base),
                        limit=label(f"charge_{limit}", lang))
    return charge


def evidence_text(evidence: object, lang: str) -> str:
    """A finding's evidence as one readable line: `Cantidad: 1.200; Precio unitario: 0,55; Línea: 3, 4`
    (keys named by the report's labels where it has one, numbers in the language's format)."""
    if not isinstance(evidence, (Mapping, list, tuple)) and text.missing(evidence):
        return ""
    return _evidence_value(evidence, lang)


def _evidence_value(value: Any, lang: str) -> str:
    if isinstance(value, Mapping):
        return "; ".join(f"{_evidence_key(k, lang)}: {_evidence_value(v, lang)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(_evidence_value(v, lang) if not isinstance(v, Mapping) else f"({_evidence_value(v, lang)})"
                         for v in value)
    if isinstance(value, bool) or value is None:
        return str(value).lower() if value is not None else ""
    if isinstance(value, (int, Decimal, float)):
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        return format_number(number, lang, min(max(0, -number.as_tuple().exponent), EVIDENCE_PLACES))
    if isinstance(value, date):
        return format_date(value, lang)
    return str(value)


def _evidence_key(key: object, lang: str) -> str:
    """The label `evidence_KEY`, else the label `KEY`, else the key itself (a new key wants its label)."""
    key = str(key)
    for name in (f"evidence_{key}", key):
        if name in LABELS:
            return label(name, lang)
    return key


def _line(value: object) -> str:
    return "" if text.missing(value) else str(int(value))


# --------------------------------------------------------------------------- the supplier report's page 1
def audit_section(result: AuditResult, carried: pd.DataFrame, *, lang: str, supplier_name: str,
                  charge_names: Mapping[tuple[str, str], str] | None = None) -> Section:
    """Page 1 of the supplier report: the invoice, billed against expected, the claim with its VAT and the
    gross to withhold; the findings with their line numbers and causes; the lines that need review; the
    disputes carried from earlier months with their deadlines; under-billing as such; and a waterfall from
    expected to billed, one bar per finding. `carried` has CARRIED_COLUMNS; `charge_names` optionally names
    the contract's charges ((service, charge) → name)."""
    currency = result.currency

    def money(value: Decimal | None) -> str:
        return text.money(value, lang, currency)

    invoice = ", ".join(result.invoice_ids)
    headline = []
    if result.has_invoice:
        headline += [(label("invoice", lang), invoice, False),
                     (label("issue_date", lang), format_date(result.issue_date, lang), False),
                     (label("due_date", lang), format_date(result.due_date, lang), False),
                     (label("billed_net", lang), money(result.billed_net), False)]
        if _header_differs(result):
            headline.append((label("header_net", lang), money(result.billed_header_net), True))
    headline.append((label("expected_net", lang), money(result.expected_net), False))
    if result.has_invoice:
        headline += [(label("to_claim", lang), money(result.claimable), result.claimable > 0),
                     (label("claim_tax", lang), money(result.claimable_tax), result.claimable_tax > 0),
                     (label("withhold_gross", lang), money(result.withhold_gross), result.withhold_gross > 0)]
        if result.under_billed:
            headline.append((label("under_billed", lang), money(result.under_billed), False))
    paragraphs = [_verdict(result, lang, supplier_name, money)]
    if result.has_invoice and _header_differs(result):
        paragraphs.append(sentence("audit_header_differs", lang, header=money(result.billed_header_net),
                                   lines=money(result.billed_net)))
    if result.has_invoice and result.under_billed:
        paragraphs.append(sentence("audit_under_billed", lang, supplier=supplier_name, amount=money(result.under_billed)))
    if len(result.needs_review):
        paragraphs.append(sentence("audit_needs_review", lang, count=len(result.needs_review)))
    tables = []
    if len(result.findings):
        tables.append((label("findings", lang), findings_table(result, lang, charge_names)))
    if len(result.needs_review):
        tables.append((label("needs_review", lang), _review_table(result, lang)))
    open_disputes = carried if carried is not None else pd.DataFrame(columns=CARRIED_COLUMNS)
    if len(open_disputes):
        paragraphs.append(_carried_sentence(open_disputes, lang, money))
        tables.append((label("carried_disputes", lang), _carried_table(open_disputes, lang, money)))
    figures = [audit_waterfall(result, lang)] if result.has_invoice else []
    results = {
        "invoice_id": result.invoice_ids[0] if result.has_invoice and result.invoice_ids else None,
        "issue_date": result.issue_date.isoformat() if result.has_invoice and result.issue_date else None,
        "due_date": result.due_date.isoformat() if result.has_invoice and result.due_date else None,
        "billed_net": result.billed_net,
        "expected_net": result.expected_net,
        "claimable": result.claimable if result.has_invoice else None,
        "claimable_tax": result.claimable_tax if result.has_invoice else None,
        "under_billed": result.under_billed if result.has_invoice else None,
        "findings": len(result.findings),
        "needs_review": len(result.needs_review),
    }
    return Section(f"{label('audit', lang)} — {supplier_name}", "\n\n".join(paragraphs), headline, tables,
                   figures, results)


def _verdict(result: AuditResult, lang: str, supplier_name: str, money) -> str:
    invoice = ", ".join(result.invoice_ids)
    if not result.has_invoice:
        return sentence("audit_no_invoice", lang, supplier=supplier_name, expected=money(result.expected_net))
    if not len(result.findings) and not result.claimable:
        return sentence("audit_clean", lang, supplier=supplier_name, invoice=invoice,
                        expected=money(result.expected_net))
    if not result.claimable:
        return sentence("audit_no_claim", lang, supplier=supplier_name, invoice=invoice,
                        billed=money(result.billed_net), expected=money(result.expected_net))
    return sentence("audit_result", lang, supplier=supplier_name, invoice=invoice, billed=money(result.billed_net),
                    expected=money(result.expected_net), claim=money(result.claimable),
                    tax=money(result.claimable_tax), gross=money(result.withhold_gross))


def ordered_findings(findings: pd.DataFrame) -> pd.DataFrame:
    """The findings by line (findings without a line last), then in check order."""
    rank = {check: i for i, check in enumerate(CHECK_ORDER)}
    keys = pd.DataFrame({"line": pd.to_numeric(findings["line"], errors="coerce").to_numpy(),
                         "check": findings["check"].map(lambda c: rank.get(c, len(rank))).to_numpy()})
    order = keys.sort_values(["line", "check"], na_position="last", kind="stable").index
    return findings.iloc[order]


def findings_table(result: AuditResult, lang: str, charge_names: Mapping[tuple[str, str], str] | None = None
                   ) -> pd.DataFrame:
    """The findings as the report shows them: line, check, charge, billed, expected, difference, claim, cause."""
    rows = ordered_findings(result.findings).to_dict("records")

    def money(value: object) -> str:
        return "" if text.missing(value) else text.money(value, lang, result.currency)

    table: dict[str, list[str]] = {}
    if len(result.invoice_ids) > 1:
        table[label("invoice", lang)] = ["" if text.missing(r["invoice_id"]) else r["invoice_id"] for r in rows]
    table.update({
        label("line", lang): [_line(r["line"]) for r in rows],
        label("check", lang): [check_name(r["check"], lang) for r in rows],
        label("service", lang): ["" if text.missing(r["service"]) else str(r["service"]) for r in rows],
        label("charge", lang): [charge_text(r["service"], r["charge"], r["tier"], lang, charge_names) for r in rows],
        label("billed", lang): [money(r["billed"]) for r in rows],
        label("expected", lang): [money(r["expected"]) for r in rows],
        label("difference", lang): [money(r["difference"]) for r in rows],
        label("to_claim", lang): [money(r["claimable"]) for r in rows],
        label("cause", lang): [r["description"] if isinstance(r["description"], str) else check_name(r["check"], lang)
                               for r in rows],
    })
    return pd.DataFrame(table)


def _review_table(result: AuditResult, lang: str) -> pd.DataFrame:
    rows = result.needs_review.to_dict("records")

    def suggestion(row: Mapping[str, Any]) -> str:
        service = "" if text.missing(row["suggested_service"]) else str(row["suggested_service"])
        charge = charge_text(service, row["suggested_charge"], None, lang)
        return " / ".join(part for part in (service, charge) if part)

    table = {}
    if len(result.invoice_ids) > 1:
        table[label("invoice", lang)] = [r["invoice_id"] for r in rows]
    table.update({
        label("line", lang): [_line(r["line"]) for r in rows],
        label("description", lang): ["" if text.missing(r["description"]) else str(r["description"]) for r in rows],
        label("amount", lang): [text.money(r["amount"], lang, result.currency) if not text.missing(r["amount"])
                                else "" for r in rows],
        label("suggestion", lang): [suggestion(r) for r in rows],
        label("confidence", lang): ["" if text.missing(r["confidence"]) else format_percent(float(r["confidence"]),
                                                                                             lang, 0) for r in rows],
    })
    return pd.DataFrame(table)


def _deadline(value: object) -> date | None:
    if text.missing(value):
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _carried_sentence(carried: pd.DataFrame, lang: str, money) -> str:
    amounts = [Decimal(str(a)) for a in carried["amount_claimed"] if not text.missing(a)]
    at_risk = [Decimal(str(a)) for a, d in zip(carried["amount_claimed"], carried["days_to_deadline"], strict=True)
               if not text.missing(a) and not text.missing(d) and 0 <= int(d) <= AT_RISK_DAYS]
    return sentence("audit_carried", lang, count=len(carried), amount=money(sum(amounts, Decimal(0))),
                    at_risk=money(sum(at_risk, Decimal(0))), days=AT_RISK_DAYS)


def _carried_table(carried: pd.DataFrame, lang: str, money) -> pd.DataFrame:
    rows = carried.to_dict("records")
    return pd.DataFrame({
        label("dispute", lang): [str(r["dispute_id"]) for r in rows],
        label("month", lang): [str(r["month"]) for r in rows],
        label("invoice", lang): ["" if text.missing(r["invoice_id"]) else str(r["invoice_id"]) for r in rows],
        label("check", lang): [check_name(r["check"], lang) for r in rows],
        label("amount_claimed", lang): [money(Decimal(str(r["amount_claimed"]))) if not text.missing(r["amount_claimed"])
                                        else "" for r in rows],
        label("status", lang): [label(f"dispute_{r['status']}", lang) for r in rows],
        label("deadline", lang): [format_date(_deadline(r["deadline"]), lang) for r in rows],
        label("days_to_deadline", lang): ["" if text.missing(r["days_to_deadline"])
                                          else format_number(int(r["days_to_deadline"]), lang, 0) for r in rows],
    })


def waterfall_steps(result: AuditResult, lang: str) -> list[tuple[str, Decimal]]:
    """The waterfall's bars between expected and billed: one per finding with money (the largest
    WATERFALL_BARS, the rest in one bar), then whatever difference the findings do not explain."""
    rows = [r for r in ordered_findings(result.findings).to_dict("records") if not text.missing(r["difference"])
            and r["difference"] != 0]
    steps = []
    for r in rows:
        name = check_name(r["check"], lang)
        if not text.missing(r["line"]):
            name = sentence("waterfall_step", lang, line=label("line", lang), number=int(r["line"]), check=name)
        steps.append((name, Decimal(r["difference"])))
    if len(steps) > WATERFALL_BARS:
        largest = sorted(range(len(steps)), key=lambda i: abs(steps[i][1]), reverse=True)[: WATERFALL_BARS - 1]
        kept = [steps[i] for i in sorted(largest)]
        others = [steps[i] for i in range(len(steps)) if i not in set(largest)]
        steps = [*kept, (sentence("waterfall_others", lang, count=len(others)), sum((a for _, a in others),
                                                                                     Decimal(0)))]
    rest = _billed_total(result) - result.expected_net - sum((a for _, a in steps), Decimal(0))
    if rest:
        steps.append((label("other_differences", lang), rest))
    return steps


def _header_differs(result: AuditResult) -> bool:
    return result.billed_header_net is not None and result.billed_header_net != result.billed_net


def _billed_total(result: AuditResult) -> Decimal:
    """What the supplier asks to be paid, net: the header's net when the invoice states one, else its lines."""
    return result.billed_header_net if result.billed_header_net is not None else result.billed_net


def audit_waterfall(result: AuditResult, lang: str):
    """The waterfall figure from expected to billed (see `waterfall_steps`)."""
    from ccanalysis.report import figures

    steps = waterfall_steps(result, lang)
    return figures.waterfall((label("expected", lang), float(result.expected_net)),
                             [(name, float(amount)) for name, amount in steps],
                             (label("billed_header" if _header_differs(result) else "billed", lang),
                              float(_billed_total(result))), lang,
                             sentence("waterfall_title", lang))


# --------------------------------------------------------------------------- the portfolio report's lead
def savings_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Savings per supplier and month with each supplier's running totals (facts, no words): the frame's
    SAVINGS_COLUMNS sorted by supplier and month, plus share (claimable / billed_net), cumulative_claimable,
    cumulative_billed and cumulative_share (None where nothing was billed)."""
    rows = []
    for _, group in frame.sort_values(["supplier", "month"], kind="stable").groupby("supplier", sort=True):
        claimed = billed = Decimal(0)
        for row in group.to_dict("records"):
            has_invoice = not text.missing(row["billed_net"])
            claim = Decimal(row["claimable"]) if has_invoice and not text.missing(row["claimable"]) else Decimal(0)
            net = Decimal(row["billed_net"]) if has_invoice else None
            claimed += claim
            billed += net or Decimal(0)
            rows.append({**{k: row[k] for k in SAVINGS_COLUMNS}, "claimable": claim if has_invoice else None,
                         "under_billed": (Decimal(row["under_billed"]) if not text.missing(row["under_billed"])
                                          else Decimal(0)) if has_invoice else None,
                         "share": claim / net if net else None, "cumulative_claimable": claimed,
                         "cumulative_billed": billed, "cumulative_share": claimed / billed if billed else None})
    return pd.DataFrame(rows, columns=[*SAVINGS_COLUMNS, "share", "cumulative_claimable", "cumulative_billed",
                                       "cumulative_share"])


def savings_section(frame: pd.DataFrame, *, lang: str, currency: str, by_supplier: bool = True) -> Section:
    """The portfolio report's lead: what the audit claimed per supplier and month and cumulative, in money
    and as % of the invoice, each supplier's total and the portfolio's, and a chart by month. `frame` has
    SAVINGS_COLUMNS (billed_net None for a month without an invoice). Without `by_supplier` (the portfolio,
    whose lead gives the totals per supplier) only the months, without a headline."""
    facts = savings_table(frame)

    def money(value: object) -> str:
        return "" if text.missing(value) else text.money(value, lang, currency)

    def percent(value: object) -> str:
        return "" if text.missing(value) else format_percent(value, lang, 2)

    invoiced = facts[facts["billed_net"].map(lambda v: not text.missing(v))]
    total = sum(invoiced["claimable"], Decimal(0))
    billed = sum((Decimal(v) for v in invoiced["billed_net"]), Decimal(0))
    under = sum(invoiced["under_billed"], Decimal(0))
    share = total / billed if billed else None
    results = {"savings": total if len(invoiced) else None, "savings_share": share,
               "savings_by_supplier": {s: sum(g["claimable"], Decimal(0))
                                       for s, g in invoiced.groupby("supplier", sort=True)}}
    headline = [(label("saving", lang), money(total), False), (label("share_of_invoice", lang), percent(share), False)]
    if not len(invoiced):
        return Section(label("savings", lang), sentence("savings_none", lang), [], [], [], results)
    months = sorted(invoiced["month"])
    narrative = sentence("savings_narrative", lang, total=money(total), billed=money(billed), share=percent(share),
                         first=months[0], last=months[-1], under=money(under))
    rows = facts.to_dict("records")
    by_month = pd.DataFrame({
        label("supplier", lang): [r["supplier_name"] for r in rows],
        label("month", lang): [r["month"] for r in rows],
        label("billed", lang): [label("without_invoice", lang) if text.missing(r["billed_net"]) else money(r["billed_net"])
                                for r in rows],
        label("saving", lang): [money(r["claimable"]) for r in rows],
        label("share_of_invoice", lang): [percent(r["share"]) for r in rows],
        label("under_billed", lang): [money(r["under_billed"]) for r in rows],
        label("cumulative", lang): [money(r["cumulative_claimable"]) for r in rows],
        label("cumulative_share", lang): [percent(r["cumulative_share"]) for r in rows],
    })
    totals = []
    for _, group in invoiced.groupby("supplier", sort=True):
        claimed = sum(group["claimable"], Decimal(0))
        net = sum((Decimal(v) for v in group["billed_net"]), Decimal(0))
        totals.append((group["supplier_name"].iloc[0], net, claimed, sum(group["under_billed"], Decimal(0))))
    totals.append((label("total", lang), billed, total, under))
    by_supplier_table = pd.DataFrame({
        label("supplier", lang): [t[0] for t in totals],
        label("billed", lang): [money(t[1]) for t in totals],
        label("saving", lang): [money(t[2]) for t in totals],
        label("share_of_invoice", lang): [percent(t[2] / t[1] if t[1] else None) for t in totals],
        label("under_billed", lang): [money(t[3]) for t in totals],
    })
    from ccanalysis.report import figures

    month_axis = sorted(set(facts["month"]))
    series = {}
    for _, group in facts.groupby("supplier", sort=True):
        claims = dict(zip(group["month"], group["claimable"], strict=True))
        series[group["supplier_name"].iloc[0]] = [float(claims.get(m) or 0) for m in month_axis]
    fig = figures.stacked_bars(month_axis, series, lang, label("savings_by_month", lang))
    tables = [("", by_month), ("", by_supplier_table)] if by_supplier else [("", by_month)]
    return Section(label("savings", lang), narrative, headline if by_supplier else [], tables, [fig], results)
