"""`ccanalysis match`: how a period's billed lines are matched to the contract, and a person's decision.

    ccanalysis match ENG --supplier S --month M                  the lines, each with its match
    ccanalysis match ENG --supplier S --month M --line N --charge C [--service X] [--invoice ID]
                                                                 decide what line N bills (appended to
                                                                 data/ENG/labels/invoice_lines.csv; the
                                                                 next run matches it as `human`)
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pandas as pd

from ccanalysis.errors import UsageError
from ccanalysis.i18n.matching import method_label, recorded
from ccanalysis.io.writing import csv_text
from ccanalysis.jsonio import dumps

if TYPE_CHECKING:
    from ccanalysis.engagement import Engagement

LIST_COLUMNS = ["invoice_id", "line", "description", "amount", "service", "charge", "match_method",
                "match_confidence", "match_rule", "suggested_service", "suggested_charge"]


def _blank(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def period_lines(eng: Engagement, supplier: str, month: str) -> pd.DataFrame:
    """The supplier's billed lines of billing period `month` as loaded (every invoice of the period)."""
    from ccanalysis import workbook

    eng.period(supplier, month)  # an unknown supplier or a malformed month is wrong usage
    return workbook.billed_lines(eng, supplier, month).reset_index(drop=True)


def decide(eng: Engagement, supplier: str, month: str, line: int, charge: str, service: str | None = None,
           invoice_id: str | None = None) -> dict[str, object]:
    """Check a decision against the period's lines and contract, append it to the register; the row."""
    from ccanalysis.audit import matching
    from ccanalysis.io import invoice_rules

    billed = period_lines(eng, supplier, month)
    if billed.empty:
        months = sorted(eng.invoices.loc[eng.invoices["supplier"] == supplier, "month"].dropna().unique())
        raise UsageError(f"{supplier} has no invoice for {month} (invoiced months: {', '.join(months) or 'none'})")
    invoices = list(dict.fromkeys(billed["invoice_id"]))
    if invoice_id is not None and invoice_id not in invoices:
        raise UsageError(f"no invoice {invoice_id!r} for {supplier} in {month} (invoices: {', '.join(invoices)})")
    rows = billed[billed["line"] == line]
    if invoice_id is not None:
        rows = rows[rows["invoice_id"] == invoice_id]
    if rows.empty:
        listed = "; ".join(f"{i}: {', '.join(str(n) for n in billed.loc[billed['invoice_id'] == i, 'line'])}"
                           for i in invoices)
        raise UsageError(f"no line {line} in {supplier}'s invoices for {month} (lines: {listed})")
    if rows["invoice_id"].nunique() > 1:
        raise UsageError(f"line {line} is on several invoices of {month}: {', '.join(rows['invoice_id'].unique())}; "
                         "say which with --invoice")
    target = rows.iloc[0]
    catalogue = matching.catalogue(eng.contract(supplier), eng.period(supplier, month))
    valid = ", ".join(catalogue.listed())
    if charge not in catalogue.charges():
        raise UsageError(f"{supplier} bills no charge {charge!r} in {month} (valid: {valid})")
    if charge == matching.COMMITMENT:
        if service is not None:
            raise UsageError(f"{charge} belongs to no service; leave out --service")
    elif service is None:
        services = catalogue.services_of(charge)
        if len(services) > 1:
            raise UsageError(f"charge {charge!r} is billed by services {', '.join(services)}; say which with --service")
        service = services[0]
    elif (service, charge) not in catalogue:
        raise UsageError(f"{supplier} bills no {service}/{charge} in {month} (valid: {valid})")
    row = {"supplier": supplier, "invoice_id": str(target["invoice_id"]), "line": int(target["line"]),
           "description": target["description"], "service": service, "charge": charge,
           "decided_at": datetime.now(UTC).isoformat(timespec="seconds")}
    invoice_rules.record_decision(invoice_rules.labels_path(eng.data_dir()), row)
    return row


def listing(matched: pd.DataFrame) -> pd.DataFrame:
    """The columns `ccanalysis match` lists, missing values as None."""
    frame = matched.reindex(columns=LIST_COLUMNS).astype(object)
    return frame.where(~frame.map(_blank), None)


def cmd_match(args: argparse.Namespace) -> int:
    """`ccanalysis match`: print how a period's invoice lines are matched, or record the charge one line
    bills (--line with --charge); exit 0."""
    from ccanalysis import workbook
    from ccanalysis.engagement import load
    from ccanalysis.io import invoice_rules

    eng = load(args.engagement, root=args.root)
    lang = args.lang or eng.settings.lang
    if args.line is not None or args.charge is not None:
        if args.line is None or args.charge is None:
            raise UsageError("a decision needs both --line and --charge")
        row = decide(eng, args.supplier, args.month, args.line, args.charge, args.service, args.invoice)
        what = row["charge"] if row["service"] is None else f"{row['service']}/{row['charge']}"
        if args.format == "json":
            print(dumps(row))
        else:
            print(recorded(lang, what=what, file=invoice_rules.labels_path(eng.data_dir()), **row))
        return 0
    if args.service is not None or args.invoice is not None:
        raise UsageError("--service and --invoice go with a decision (--line and --charge)")
    frame = listing(workbook.matched_lines(eng, args.supplier, args.month))
    if args.format == "json":
        print(dumps(frame.to_dict("records")))
    elif args.format == "csv":
        sys.stdout.write(csv_text(frame))
    else:
        shown = frame.assign(match_method=[method_label(m, lang) for m in frame["match_method"]],
                             match_confidence=[None if c is None else f"{float(c):.2f}"
                                               for c in frame["match_confidence"]])
        with pd.option_context("display.max_rows", 500, "display.max_columns", 20, "display.width", 220,
                               "display.max_colwidth", 60):
            print(shown.fillna("").to_string(index=False) if not shown.empty else "(nothing)")
    return 0


def add_parser(sub, common) -> None:
    """The `match` sub-command."""
    p = sub.add_parser("match", help="how a period's invoice lines are matched; or decide what one line bills")
    p.add_argument("engagement")
    p.add_argument("--supplier", required=True)
    p.add_argument("--month", required=True, help="billing period YYYY-MM")
    p.add_argument("--line", type=int, default=None, help="the invoice line to decide")
    p.add_argument("--charge", default=None, help="the contract charge (or reserved id) the line bills")
    p.add_argument("--service", default=None, help="the service, when the charge alone does not tell")
    p.add_argument("--invoice", default=None, help="the invoice id, when two invoices of the period have the line")
    p.add_argument("--lang", choices=("es", "en"), default=None, help="language (default: engagement's)")
    common(p)
    p.set_defaults(func=cmd_match)
