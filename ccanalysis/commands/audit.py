"""`ccanalysis audit ENG --supplier S --month M [--format table|csv|json] [--lang es|en] [--xlsx PATH]`.

Prints the audit of the supplier's invoices for the billing period: the header figures, every finding with
its line, figures and cause in words, the lines that need review and the credits of earlier invoices.
`--format json` prints the one object of `AuditResult.to_json()` (strict JSON: null, never NaN);
`--format csv` the findings, one row each (text cells that a spreadsheet would evaluate are neutralised);
`--xlsx PATH` also writes the dispute pack for the supplier. Findings are results: exit 0.
"""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal

import pandas as pd

from ccanalysis.jsonio import dumps

CSV_COLUMNS = ["finding_id", "check", "service", "charge", "line", "invoice_id", "billed", "expected", "difference",
               "claimable", "description"]


def add_parser(sub, common) -> None:
    """Add the `audit` sub-command to `sub`."""
    p = sub.add_parser("audit", help="audit a supplier's invoice for a month: every finding, the claim, the review list")
    p.add_argument("engagement")
    p.add_argument("--supplier", required=True)
    p.add_argument("--month", required=True, help="billing period YYYY-MM")
    p.add_argument("--lang", choices=("es", "en"), default=None, help="language (default: the engagement's)")
    p.add_argument("--xlsx", default=None, metavar="PATH", help="also write the dispute pack (Excel) to PATH")
    common(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """`ccanalysis audit`: print the findings, claim and review list of a supplier's month (YYYY-MM),
    writing the dispute pack with --xlsx; exit 0."""
    from ccanalysis.io.cache import load_cached, month_scope
    from ccanalysis.workbook import audit

    # the store's partitions of this supplier-month (and the previous month's invoice) only
    eng = load_cached(args.engagement, root=args.root,
                      scope=month_scope(args.engagement, args.root, args.supplier, args.month))
    eng.period(args.supplier, args.month)  # an unknown supplier or a malformed month is wrong usage
    lang = args.lang or eng.settings.lang
    result = audit(eng, args.supplier, args.month, lang=lang)
    if args.xlsx:
        from ccanalysis.io.dispute_pack import write_dispute_pack

        write_dispute_pack(result, args.xlsx, lang=lang, supplier_name=eng.contract(args.supplier).name)
    if args.format == "json":
        print(dumps(result.to_json()))
    elif args.format == "csv":
        sys.stdout.write(findings_csv(result))
    else:
        print(audit_text(result, lang, eng.contract(args.supplier).name))
    return 0


def _money_text(value) -> str:
    return "" if value is None or (not isinstance(value, Decimal) and pd.isna(value)) else f"{value:f}"


def findings_csv(result) -> str:
    """CSV text of the findings; money as exact decimals in the contract currency, line as a whole number
    (blank when none)."""
    from ccanalysis.io.writing import csv_text

    frame = result.findings.reindex(columns=CSV_COLUMNS).copy()
    for column in ("billed", "expected", "difference", "claimable"):
        frame[column] = frame[column].map(_money_text)
    frame["line"] = frame["line"].map(lambda v: "" if v is None or pd.isna(v) else str(int(v)))
    return csv_text(frame)


def audit_text(result, lang: str, supplier_name: str) -> str:
    """The terminal rendering: header, figures, findings, review list, credits — in `lang`."""
    from ccanalysis.i18n import audit as w
    from ccanalysis.i18n import domain as words
    from ccanalysis.i18n import format_date

    def money(value) -> str:
        return "" if value is None else words.money(value, lang)

    out = [f"{w.word('audit_of', lang)}: {supplier_name} ({result.supplier}), {w.word('billing_period', lang)} "
           f"{result.month}, {result.currency}"]
    if not result.has_invoice:
        out += ["", w.word("no_invoice", lang), f"{w.word('expected_net', lang)}: {money(result.expected_net)}"]
        return "\n".join(out)
    invoices = ", ".join(result.invoice_ids)
    dates = f"{w.word('issued', lang)} {format_date(result.issue_date, lang)}" if result.issue_date else ""
    if result.due_date:
        dates += f", {w.word('due', lang)} {format_date(result.due_date, lang)}"
    out += [f"{w.word('invoice', lang)} {invoices} ({dates})", ""]
    figures = [("billed_net", result.billed_net), ("expected_net", result.expected_net),
               ("claimable", result.claimable), ("claimable_tax", result.claimable_tax),
               ("withhold_gross", result.withhold_gross), ("under_billed", result.under_billed)]
    width = max(len(w.word(k, lang)) for k, _ in figures)
    out += [f"  {w.word(k, lang):<{width}}  {money(v):>16}" for k, v in figures]
    out.append("")
    if result.findings.empty:
        out.append(w.word("no_findings", lang))
    else:
        table = pd.DataFrame({
            w.word("finding_id", lang): result.findings["finding_id"],
            w.word("check", lang): [w.check_name(c, lang) for c in result.findings["check"]],
            w.word("line", lang): [("" if v is None or pd.isna(v) else str(int(v))) for v in result.findings["line"]],
            w.word("difference", lang): [money(v) for v in result.findings["difference"]],
            w.word("claim", lang): [money(v) if v else "" for v in result.findings["claimable"]],
            w.word("description", lang): result.findings["description"],
        })
        out += [f"{w.word('findings', lang)}:", table.to_string(index=False)]
    if not result.needs_review.empty:
        review = result.needs_review
        table = pd.DataFrame({
            w.word("line", lang): review["line"], w.word("description", lang): review["description"],
            w.word("amount", lang): [money(v) for v in review["amount"]],
            w.word("suggestion", lang): [" / ".join(x for x in (s, c) if isinstance(x, str))
                                         for s, c in zip(review["suggested_service"], review["suggested_charge"],
                                                         strict=True)],
            w.word("confidence", lang): ["" if c is None or pd.isna(c) else words.percent(Decimal(str(round(c, 4))), lang)
                                         for c in review["confidence"]],
        })
        out += ["", f"{w.word('needs_review', lang)}:", table.to_string(index=False), w.word("review_hint", lang)]
    if not result.credits.empty:
        credits = result.credits
        table = pd.DataFrame({
            w.word("invoice", lang): credits["invoice_id"], w.word("line", lang): credits["line"],
            w.word("amount", lang): [money(v) for v in credits["amount"]],
            w.word("credits_invoice", lang): credits["credits_invoice_id"].fillna(""),
            w.word("dispute", lang): credits["dispute_id"].fillna(""),
        })
        out += ["", f"{w.word('credits', lang)}:", table.to_string(index=False)]
    return "\n".join(out)
