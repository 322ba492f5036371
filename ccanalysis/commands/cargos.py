"""`ccanalysis cargos`: a manufacturer's charges from its retailers — the month, the review queue, a person's
classification, and accepting, disputing or writing off a charge in the dispute register.

    ccanalysis cargos ENG --month M [--retailer R] [--format table|csv|json] [--lang es|en]
    ccanalysis cargos ENG review [--retailer R] [--month M]          the review queue (least confident first)
    ccanalysis cargos ENG classify DOCUMENT --type T [--retailer R] [--by NAME] [--note TEXT]
                                         appended to data/ENG/cargos/decisions.csv (and learned from)
    ccanalysis cargos ENG dispute|accept|write-off DOCUMENT [--retailer R] [--amount X] [--note TEXT] [--as-of D]
                                         a row in data/ENG/disputes.csv (supplier = retailer, invoice_id = DOCUMENT)
    ccanalysis cargos ENG answer DOCUMENT --status accepted|partially_accepted|rejected|credited [--amount X]
                                         the retailer's answer to a dispute
    ccanalysis cargos ENG pack --retailer R --month M   the Excel dispute pack of the retailer's month

Exit codes as every command: 0 done, 1 invalid input (the engagement's files), 2 wrong usage (an unknown
document, retailer, type or action, a change the register does not allow).
"""

from __future__ import annotations

import argparse
from datetime import datetime
from decimal import Decimal
from difflib import get_close_matches
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ccanalysis.commands import as_of_day
from ccanalysis.errors import UsageError
from ccanalysis.jsonio import dumps

if TYPE_CHECKING:
    from ccanalysis.engagement import Engagement

ACTIONS = ("review", "classify", "dispute", "accept", "write-off", "answer", "pack")
ANSWERS = ("accepted", "partially_accepted", "rejected", "credited")
DECISIONS_FILE = "cargos/decisions.csv"
#: The columns of one charge in the CSV and JSON output, in order.
CHARGE_COLUMNS = ["retailer", "document_id", "issue_date", "amount", "description", "reference", "type", "method",
                  "confidence", "suggested_type", "verdict", "check", "valid_amount", "invalid_amount",
                  "related_document", "owner", "status", "deadline", "days_to_deadline", "aging_days", "expired",
                  "at_risk", "win_rate", "expected_recovery", "triage"]


def find_charge(eng: Engagement, document: str, retailer: str | None) -> dict[str, Any]:
    """The charge `document` (of `retailer`): UsageError naming similar documents when there is none, and
    the retailers when several have it."""
    from ccanalysis.cargos.workbook import check_retailer

    check_retailer(eng, retailer)
    charges = eng.table("charges")
    hits = charges[charges["document_id"].astype(str) == document]
    if retailer is not None:
        hits = hits[hits["retailer"] == retailer]
    if hits.empty:
        pool = charges if retailer is None else charges[charges["retailer"] == retailer]
        close = get_close_matches(document, [str(d) for d in pool["document_id"]], n=5, cutoff=0.6)
        hint = f"; similar documents: {', '.join(close)}" if close else ""
        whose = f" of {retailer}" if retailer else ""
        raise UsageError(f"no charge {document!r}{whose} in data/{eng.id}/cargos/charges{hint}")
    if len(hits) > 1:
        raise UsageError(f"document {document!r} is charged by several retailers "
                         f"({', '.join(sorted(hits['retailer']))}); say which with --retailer")
    return hits.iloc[0].to_dict()


def _decision(eng: Engagement, args: argparse.Namespace) -> dict[str, Any]:
    from ccanalysis.cargos import CHARGE_TYPES

    if args.type is None:
        raise UsageError(f"classify needs --type: one of {', '.join(CHARGE_TYPES)}")
    if args.type not in CHARGE_TYPES:
        close = get_close_matches(args.type, CHARGE_TYPES, n=3, cutoff=0.5)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise UsageError(f"--type: unknown charge type {args.type!r}{hint}; one of {', '.join(CHARGE_TYPES)}")
    charge = find_charge(eng, args.document, args.retailer)
    at = datetime.now().replace(microsecond=0) if args.as_of is None else datetime.combine(as_of_day(args.as_of),
                                                                                            datetime.min.time())
    return {"retailer": charge["retailer"], "document_id": str(charge["document_id"]), "type": args.type,
            "decided_at": at.isoformat(sep=" "), "decided_by": args.by, "note": args.note}


def classify(eng: Engagement, args: argparse.Namespace, lang: str) -> int:
    """Append a person's type for one charge to data/ENG/cargos/decisions.csv (atomic, locked)."""
    from ccanalysis.cargos.classify import DECISION_COLUMNS
    from ccanalysis.i18n import cargos as words
    from ccanalysis.io.writing import append_rows

    row = _decision(eng, args)
    path = eng.data_dir() / DECISIONS_FILE
    append_rows(path, DECISION_COLUMNS, [{c: row.get(c) for c in DECISION_COLUMNS}])
    if args.format == "json":
        print(dumps({"recorded": row, "path": str(path)}))
    else:
        print(words.sentence("classified", lang, document=row["document_id"], retailer=row["retailer"],
                             type=words.type_name(row["type"], lang), path=path))
    return 0


def resolve(eng: Engagement, args: argparse.Namespace, lang: str) -> int:
    """Record dispute / accept / write-off (or the retailer's answer) for one charge in the register."""
    from ccanalysis import disputes
    from ccanalysis.cargos import resolution
    from ccanalysis.cargos import workbook as cargos
    from ccanalysis.i18n import cargos as words
    from ccanalysis.i18n import disputes as dispute_words
    from ccanalysis.i18n import format_money
    from ccanalysis.io.register import append_register, read_register, register_path, updating

    as_of = as_of_day(args.as_of)
    charge = find_charge(eng, args.document, args.retailer)
    amount = None if args.amount is None else disputes.parse_amount(args.amount)
    path = register_path(eng.data_dir())
    with updating(path):
        reg = read_register(path)
        key = resolution.dispute_id(charge["retailer"], str(charge["document_id"]))
        if args.action == "answer":
            if args.status not in ANSWERS:
                raise UsageError(f"answer needs --status: one of {', '.join(ANSWERS)}")
            row = disputes.transition(reg, key, args.status, as_of, amount=amount, note=args.note)
        else:
            if args.status is not None:
                raise UsageError(f"--status goes with answer, not with {args.action}")
            facts = cargos.view(eng, max(as_of, pd.Timestamp(charge["issue_date"]).date()), register_frame=reg)
            mine = facts.charges[(facts.charges["retailer"] == charge["retailer"])
                                 & (facts.charges["document_id"].astype(str) == str(charge["document_id"]))]
            row = resolution.action_row(reg, mine.iloc[0].to_dict(), args.action.replace("-", "_"), as_of,
                                        amount=amount, note=args.note)
        append_register(path, [row])
    if args.format == "json":
        print(dumps({"recorded": row, "path": str(path)}))
    else:
        currency = eng.cargo_agreements[charge["retailer"]].currency
        print(words.sentence("resolved", lang, document=charge["document_id"], retailer=charge["retailer"],
                             status=dispute_words.status_name(row["status"], lang),
                             amount=format_money(row["amount_claimed"], lang, currency), path=path))
    return 0


def charge_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The charges as JSON records with CHARGE_COLUMNS (money as text, missing as None)."""
    from ccanalysis.disputes import records

    rows = records(frame.reindex(columns=CHARGE_COLUMNS).astype(object))
    return [{k: (round(float(v), 4) if k == "win_rate" and v is not None else _cents(v)) for k, v in r.items()}
            for r in rows]


def _cents(value: Any) -> Any:
    """Whole cents written with two decimals (the table reader reads 4000.00 as 4000); others unchanged."""
    from ccanalysis.disputes import cents

    return cents(value) if isinstance(value, Decimal) else value


def _value(value: Fraction | None) -> float | None:
    return None if value is None else round(float(value), 6)


def month_facts(eng: Engagement, month: str, retailer: str | None = None, *, forecast: bool = True
                ) -> dict[str, Any]:
    """The month of every retailer (or one): its charges with classification, validation and resolution,
    the KPIs of the month and of the twelve months to its end, and (with `forecast`) the forecast after it
    and its backtest (None without)."""
    from ccanalysis.cargos import workbook as cargos

    cargos.require_cargos(eng)
    cargos.check_retailer(eng, retailer)
    v = cargos.view(eng, cargos.month_end(month))
    charges = cargos.month_charges(v, month, retailer)
    ahead, backtest = cargos.month_forecast(eng, v, month, retailer) if forecast else (None, None)
    return {"month": month, "retailer": retailer, "as_of": v.as_of, "charges": charges,
            "kpis": cargos.month_kpis(eng, v, month, retailer), "forecast": ahead, "backtest": backtest,
            "view": v}


def _json(facts: dict[str, Any]) -> dict[str, Any]:
    backtest = facts["backtest"]
    return {"month": facts["month"], "retailer": facts["retailer"], "as_of": facts["as_of"],
            "kpis": [{k: (_value(v) if k in ("value", "value_12m") else _cents(v)) for k, v in r.items()}
                     for r in facts["kpis"]],
            "charges": charge_records(facts["charges"]),
            "forecast": [{**r, **{k: round(float(r[k]), 2) for k in ("forecast", "low", "high")}}
                         for r in facts["forecast"].to_dict("records")],
            "backtest": None if backtest is None else {"mae": round(backtest.mae, 2), "mape": round(backtest.mape, 4),
                                                       "coverage": round(backtest.coverage, 4)}}


def type_summary(charges: pd.DataFrame) -> pd.DataFrame:
    """Per type (untyped: None) the count, amount, invalid amount and how many are in review."""
    from ccanalysis.money import exact_sum

    rows = []
    for kind, part in charges.groupby(charges["type"].fillna(""), sort=True):
        invalid = [v for v in part["invalid_amount"] if isinstance(v, Decimal)]
        rows.append({"type": kind or None, "count": len(part), "amount": exact_sum(part["amount"]),
                     "invalid_amount": exact_sum(invalid), "review": int((part["method"] == "review").sum())})
    return pd.DataFrame(rows, columns=["type", "count", "amount", "invalid_amount", "review"])


def _print_month(eng: Engagement, facts: dict[str, Any], lang: str) -> None:
    from ccanalysis.i18n import cargos as words
    from ccanalysis.i18n import format_money

    kpis = pd.DataFrame({
        words.heading("kpi", lang): [words.kpi_name(r["kpi"], lang) for r in facts["kpis"]],
        words.heading("month", lang): [words.kpi_text(r["value"], r["unit"], lang) for r in facts["kpis"]],
        words.heading("last_12", lang): [words.kpi_text(r["value_12m"], r["unit"], lang) for r in facts["kpis"]],
        words.heading("definition", lang): [words.kpi_definition(r["kpi"], lang) for r in facts["kpis"]],
    })
    with pd.option_context("display.max_colwidth", 120, "display.width", 250):
        print(kpis.to_string(index=False))
    summary = type_summary(facts["charges"])
    if summary.empty:
        print("\n" + words.sentence("no_charges", lang, retailer=facts["retailer"] or eng.settings.client,
                                    month=facts["month"]))
        return
    shown = pd.DataFrame({
        words.heading("type", lang): [words.type_name(t, lang) or words.method_name("review", lang)
                                      for t in summary["type"]],
        words.heading("count", lang): summary["count"],
        words.heading("amount", lang): [format_money(a, lang) for a in summary["amount"]],
        words.heading("invalid_amount", lang): [format_money(a, lang) for a in summary["invalid_amount"]],
        words.heading("review_queue", lang): summary["review"],
    })
    print()
    print(shown.to_string(index=False))


def _review(eng: Engagement, args: argparse.Namespace, lang: str) -> int:
    from ccanalysis.cargos import workbook as cargos
    from ccanalysis.cargos.classify import review_queue
    from ccanalysis.i18n import cargos as words
    from ccanalysis.io.writing import csv_text

    cargos.require_cargos(eng)
    cargos.check_retailer(eng, args.retailer)
    as_of = cargos.month_end(args.month) if args.month else as_of_day(args.as_of)
    v = cargos.view(eng, as_of)
    queue = review_queue(v.charges if args.month is None else cargos.month_charges(v, args.month))
    if args.retailer is not None:
        queue = queue[queue["retailer"] == args.retailer]
    columns = ["retailer", "document_id", "issue_date", "amount", "description", "reference", "suggested_type",
               "confidence"]
    if args.format == "json":
        print(dumps(charge_records(queue)))
    elif args.format == "csv":
        print(csv_text(queue.reindex(columns=columns)), end="")
    else:
        shown = pd.DataFrame({
            words.heading(h, lang): values for h, values in (
                ("retailer", queue["retailer"]), ("document", queue["document_id"]),
                ("description", queue["description"]),
                ("suggested", [words.type_name(t, lang) for t in queue["suggested_type"]]),
                ("confidence", ["" if c is None or pd.isna(c) else f"{float(c):.2f}" for c in queue["confidence"]]))})
        print(shown.to_string(index=False) if len(shown) else words.heading("review_queue", lang) + ": 0")
    return 0


def _pack(eng: Engagement, args: argparse.Namespace, lang: str) -> int:
    from ccanalysis import config
    from ccanalysis.i18n import cargos as words
    from ccanalysis.i18n import format_money
    from ccanalysis.report.cargos import write_retailer_pack

    if args.retailer is None or args.month is None:
        raise UsageError("pack needs --retailer and --month (the retailer's month to dispute)")
    facts = month_facts(eng, args.month, args.retailer, forecast=False)
    path = config.reports_dir(eng.id, eng.root) / args.month / f"cargos_{args.retailer}_disputes.xlsx"
    written = write_retailer_pack(eng, facts["view"], args.retailer, args.month, path, lang)
    if args.format == "json":
        print(dumps({"path": str(path), "charges": written[0], "amount": written[1]}))
    else:
        print(words.sentence("pack_written", lang, retailer=args.retailer, path=path, count=written[0],
                             amount=format_money(written[1], lang, eng.cargo_agreements[args.retailer].currency)))
    return 0


def run(args: argparse.Namespace) -> int:
    """Dispatch `ccanalysis cargos` (module doc); exit code 0 when done."""
    from ccanalysis.engagement import load_cached
    from ccanalysis.i18n import check_lang
    from ccanalysis.io.writing import csv_text

    eng = load_cached(args.engagement, root=args.root)
    lang = check_lang(args.lang or eng.settings.lang)
    action = args.action
    if action is not None and action not in ACTIONS:
        raise UsageError(f"unknown cargos action {action!r}; one of {', '.join(ACTIONS)} "
                         "(or none, with --month)")
    if action in ("classify", "dispute", "accept", "write-off", "answer") and args.document is None:
        raise UsageError(f"{action} needs the DOCUMENT (the charge's document_id)")
    if action == "classify":
        return classify(eng, args, lang)
    if action in ("dispute", "accept", "write-off", "answer"):
        return resolve(eng, args, lang)
    if action == "review":
        return _review(eng, args, lang)
    if action == "pack":
        return _pack(eng, args, lang)
    if args.month is None:
        raise UsageError("ccanalysis cargos: give --month YYYY-MM (the month's charges), or an action: "
                         f"{', '.join(ACTIONS)}")
    facts = month_facts(eng, args.month, args.retailer, forecast=args.format == "json")
    if args.format == "json":
        print(dumps(_json(facts)))
    elif args.format == "csv":
        print(csv_text(facts["charges"].reindex(columns=CHARGE_COLUMNS)), end="")
    else:
        _print_month(eng, facts, lang)
    return 0


def add_parser(sub: Any, common: Any) -> None:
    """The `cargos` sub-command."""
    p = sub.add_parser("cargos", help="charges from retailers: the month, the review queue, classify, dispute, "
                       "accept or write off a charge, the dispute pack")
    p.add_argument("engagement")
    p.add_argument("action", nargs="?", default=None, help=f"one of {', '.join(ACTIONS)} (none: the month)")
    p.add_argument("document", nargs="?", default=None, help="the charge's document_id")
    p.add_argument("--month", default=None, help="the month YYYY-MM")
    p.add_argument("--retailer", default=None)
    p.add_argument("--type", default=None, help="with classify: the charge's type")
    p.add_argument("--status", default=None, help=f"with answer: {', '.join(ANSWERS)}")
    p.add_argument("--amount", default=None, help="the amount to dispute, write off, accepted or credited")
    p.add_argument("--by", default=None, help="with classify: who decided")
    p.add_argument("--note", default=None)
    p.add_argument("--as-of", default=None, help="the date of the action (YYYY-MM-DD; default today)")
    p.add_argument("--lang", choices=("es", "en"), default=None)
    common(p)
    p.set_defaults(func=run)


def decisions_path(eng: Engagement) -> Path:
    """data/ENG/cargos/decisions.csv."""
    return eng.data_dir() / DECISIONS_FILE
