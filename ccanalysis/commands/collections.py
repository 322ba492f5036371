"""`ccanalysis collections`: a collection agency's month — its KPIs, each with its definition, and its fees
expected under the contract beside what it billed.

    ccanalysis collections ENG --supplier S --month M [--lang es|en] [--format table|csv|json]
"""

from __future__ import annotations

import argparse
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import pandas as pd

from ccanalysis.errors import UsageError
from ccanalysis.io.writing import csv_text
from ccanalysis.jsonio import dumps

if TYPE_CHECKING:
    from ccanalysis.engagement import Engagement


def month_facts(eng: Engagement, supplier: str, month: str) -> dict[str, Any]:
    """The agency's billing month: every collections KPI (exact value, numerator, denominator; fees are the
    expected fee invoice's net) and the fees expected, billed and to claim."""
    from ccanalysis import workbook
    from ccanalysis.collections import kpis

    contract = eng.contract(supplier)
    period = eng.period(supplier, month)
    if not any(s.collections is not None for s in contract.services_for(period)):
        raise UsageError(f"{supplier} has no collections service in {month} (a service with a `collections:` "
                         f"block in contracts/{supplier}.yaml)")
    placements = eng.table("placements")
    if placements.empty:
        raise UsageError(f"engagement {eng.id} has no placements (data/{eng.id}/collections/placements/)")
    expected = workbook.totals(workbook.expected_invoice(eng, supplier, month)).net
    result = workbook.audit(eng, supplier, month)
    rows = []
    for name in kpis.COLLECTIONS_KPIS.names():
        record = kpis.COLLECTIONS_KPIS.get(name)
        numerator, denominator = kpis.collections_kpi_terms(
            name, placements, eng.table("attempts"), eng.table("payments"), expected, supplier=supplier,
            start=period.start, end=period.end)
        value = None if not denominator else Fraction(numerator) / Fraction(denominator)
        rows.append({"kpi": name, "definition": record.definition, "value": value, "numerator": numerator,
                     "denominator": denominator})
    return {"supplier": supplier, "month": month, "kpis": rows,
            "fees": {"expected_net": expected, "billed_net": result.billed_net, "claimable": result.claimable}}


def _value(value: Fraction | None) -> float | None:
    return None if value is None else round(float(value), 6)


def run(args: argparse.Namespace) -> int:
    """Print the agency's month (`month_facts`) as a table in the report's language, CSV or JSON; exit code 0."""
    from ccanalysis.engagement import load_cached
    from ccanalysis.i18n import check_lang, format_money, format_percent
    from ccanalysis.i18n import collections as words

    eng = load_cached(args.engagement, root=args.root)
    lang = check_lang(args.lang or eng.settings.lang)
    facts = month_facts(eng, args.supplier, args.month)
    if args.format == "json":
        print(dumps({**facts, "kpis": [{**r, "value": _value(r["value"])} for r in facts["kpis"]]}))
        return 0
    frame = pd.DataFrame(facts["kpis"])
    if args.format == "csv":
        print(csv_text(frame.assign(value=[_value(v) for v in frame["value"]])), end="")
        return 0
    currency = eng.contract(args.supplier).currency
    shown = pd.DataFrame({
        words.heading("kpi", lang): [words.kpi_name(k, lang) for k in frame["kpi"]],
        words.heading("definition", lang): [words.kpi_definition(k, lang) for k in frame["kpi"]],
        words.heading("value", lang): ["" if v is None else format_percent(Decimal(v.numerator) / v.denominator,
                                                                           lang, 2) for v in frame["value"]],
    })
    print(shown.to_string(index=False))
    fees = facts["fees"]
    billed = words.heading("no_invoice", lang) if fees["billed_net"] is None else format_money(fees["billed_net"],
                                                                                               lang, currency)
    print(f"\n{words.heading('fees_expected', lang)}: {format_money(fees['expected_net'], lang, currency)}; "
          f"{words.heading('fees_billed', lang)}: {billed}; "
          f"{words.heading('claimable', lang)}: {format_money(fees['claimable'], lang, currency)}")
    return 0


def add_parser(sub: Any, common: Any) -> None:
    """The `collections` sub-command."""
    p = sub.add_parser("collections", help="a collection agency's month: its KPIs and its fees against the contract")
    p.add_argument("engagement")
    p.add_argument("--supplier", required=True)
    p.add_argument("--month", required=True, help="billing period YYYY-MM")
    p.add_argument("--lang", choices=("es", "en"), default=None)
    common(p)
    p.set_defaults(func=run)
