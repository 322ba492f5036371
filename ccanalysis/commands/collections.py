"""`ccanalysis collections`: a collection agency's month — its KPIs, each with its definition, and its fees
expected under the contract beside what it billed.

    ccanalysis collections ENG --supplier S --month M [--lang es|en] [--format table|csv|json]
    ccanalysis collections ENG --call-list YYYY-MM-DD [--supplier S] [--model rates|logistic] [--capacity N]
                                   tomorrow's call list, written to reports/ENG/call_list_DATE.csv
"""

from __future__ import annotations

import argparse
from datetime import date
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
    grace_days = int((eng.settings.collections or {}).get("grace_days", 0))
    result = workbook.audit(eng, supplier, month)
    rows = []
    for name in kpis.COLLECTIONS_KPIS.names():
        record = kpis.COLLECTIONS_KPIS.get(name)
        numerator, denominator = kpis.collections_kpi_terms(
            name, placements, eng.table("attempts"), eng.table("payments"), expected, supplier=supplier,
            start=period.start, end=period.end, grace_days=grace_days)
        value = None if not denominator else Fraction(numerator) / Fraction(denominator)
        rows.append({"kpi": name, "definition": record.definition, "value": value, "numerator": numerator,
                     "denominator": denominator})
    return {"supplier": supplier, "month": month, "kpis": rows,
            "fees": {"expected_net": expected, "billed_net": result.billed_net, "claimable": result.claimable}}


def call_list(eng: Engagement, as_of: date, *, supplier: str | None = None, kind: str = "rates",
              capacity: int | None = None) -> tuple[pd.DataFrame, Any]:
    """The call list for the day after `as_of` (`collections.calllist.call_list`, the engagement's calling
    rules never broken) of every agency or one, and the model's backtested lift at `as_of`
    (`backtest_lift`: the share of the next week's payments in the top decile of a list made then)."""
    from ccanalysis.collections import calllist

    rules = eng.settings.calling_rules()
    if rules is None:
        raise UsageError(f"engagement {eng.id} has no calling rules: write collections.calling_rules (windows, "
                         f"max_attempts_per_7_days, max_attempts_per_day) in parameters/{eng.id}/engagement.yaml; "
                         "a call list must never break them")
    placements, attempts, payments = (eng.table(t) for t in ("placements", "attempts", "payments"))
    if placements.empty:
        raise UsageError(f"engagement {eng.id} has no placements (data/{eng.id}/collections/placements/)")
    if supplier is not None:
        eng.contract(supplier)  # an unknown supplier names the known ones
        placements = placements[placements["supplier"] == supplier]
    model = calllist.fit_model(placements, attempts, payments, as_of, kind=kind)
    frame = calllist.call_list(model, placements, attempts, payments, as_of, rules, capacity=capacity)
    lift = calllist.backtest_lift(kind, placements, attempts, payments, as_of, rules=rules)
    return frame, lift


def _value(value: Fraction | None) -> float | None:
    return None if value is None else round(float(value), 6)


def run(args: argparse.Namespace) -> int:
    """Print the agency's month (`month_facts`) as a table in the report's language, CSV or JSON; exit code 0."""
    from ccanalysis.engagement import load_cached
    from ccanalysis.i18n import check_lang, format_money, format_percent
    from ccanalysis.i18n import collections as words

    eng = load_cached(args.engagement, root=args.root)
    lang = check_lang(args.lang or eng.settings.lang)
    if args.call_list is not None:
        return _write_call_list(eng, args, lang)
    if args.supplier is None or args.month is None:
        raise UsageError("ccanalysis collections: give --supplier and --month (an agency's month), or --call-list DATE")
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


def _write_call_list(eng: Engagement, args: argparse.Namespace, lang: str) -> int:
    from ccanalysis import config
    from ccanalysis.i18n import collections as words
    from ccanalysis.i18n import format_money, format_number
    from ccanalysis.io.writing import write_csv

    try:
        as_of = date.fromisoformat(args.call_list)
    except ValueError:
        raise UsageError(f"--call-list: expected a date YYYY-MM-DD (the day before the calls), got {args.call_list!r}") \
            from None
    if args.capacity is not None and args.capacity < 1:
        raise UsageError(f"--capacity: expected a whole number of calls ≥ 1, got {args.capacity}")
    frame, lift = call_list(eng, as_of, supplier=args.supplier, kind=args.model, capacity=args.capacity)
    path = config.reports_dir(eng.id, eng.root) / f"call_list_{as_of.isoformat()}.csv"
    write_csv(frame, path)
    if args.format == "json":
        print(dumps({"path": str(path), "accounts": len(frame), "expected_recovery": sum(frame["expected_recovery"],
                                                                                          Decimal(0)),
                     "lift": {"share": lift.share, "lift": lift.lift}}))
        return 0
    total = sum(frame["expected_recovery"], Decimal(0))
    print(words.heading("call_list_written", lang).format(
        path=path, accounts=format_number(len(frame), lang, 0), recovery=format_money(total, lang),
        lift=format_number(lift.lift, lang, 1)))
    return 0


def add_parser(sub: Any, common: Any) -> None:
    """The `collections` sub-command."""
    p = sub.add_parser("collections", help="a collection agency's month: its KPIs and its fees against the contract")
    p.add_argument("engagement")
    p.add_argument("--supplier", default=None, help="the agency (required with --month)")
    p.add_argument("--month", default=None, help="billing period YYYY-MM")
    p.add_argument("--call-list", default=None, metavar="YYYY-MM-DD",
                   help="write tomorrow's call list made on this day to reports/ENG/call_list_DATE.csv")
    p.add_argument("--model", choices=("rates", "logistic"), default="rates",
                   help="with --call-list: rates per segment and debt-age band, or a logistic regression")
    p.add_argument("--capacity", type=int, default=None, help="with --call-list: at most this many calls")
    p.add_argument("--lang", choices=("es", "en"), default=None)
    common(p)
    p.set_defaults(func=run)
