"""`ccanalysis dispute` (open disputes from a month's audit, change a dispute's status, list the register)
and `ccanalysis close` (the monthly close statement; record the close when nothing is pending).

    ccanalysis dispute ENG --supplier S --month M open [--as-of DATE]
    ccanalysis dispute ENG DISPUTE_ID --status STATUS [--amount X] [--note TEXT] [--credit-invoice ID] [--as-of DATE]
    ccanalysis dispute ENG [--supplier S] [--as-of DATE]
    ccanalysis close ENG --supplier S --month M [--force --note TEXT] [--as-of DATE]

Every command takes `--format table|csv|json` and `--lang es|en` (tables in the engagement's language by
default; CSV and JSON keep codes, exact amounts and ISO dates).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from typing import Any

from ccanalysis.commands import as_of_day
from ccanalysis.errors import UsageError

LANGS = ("es", "en")
HAND_STATUSES = ("validated", "submitted", "accepted", "partially_accepted", "rejected", "cancelled", "credited",
                 "closed")
#: The columns of the register list on screen (CSV and JSON carry every column of the state).
LIST_COLUMNS = ["dispute_id", "supplier", "month", "invoice_id", "check", "charge", "amount_claimed", "status",
                "status_date", "amount_accepted", "amount_credited", "aging_days", "deadline", "days_to_deadline",
                "at_risk"]
OPENED_COLUMNS = ["dispute_id", "invoice_id", "check", "service", "charge", "amount_claimed", "status"]


class _Intermixed(argparse.ArgumentParser):
    """A sub-command parser whose positionals may follow its options (`dispute ENG --month M open`): Python
    3.11's argparse gives the optional positional nothing when options come between it and the first one."""

    _parsing = False

    def parse_known_args(self, args=None, namespace=None):  # type: ignore[override]
        if self._parsing:
            return super().parse_known_args(args, namespace)
        self._parsing = True
        try:
            return self.parse_known_intermixed_args(args, namespace)
        finally:
            self._parsing = False


def add_parser(sub: argparse._SubParsersAction, common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Register the `dispute` and `close` sub-commands."""
    p = sub.add_parser("dispute", help="the dispute register: open a month's disputes, change one, or list them")
    p.__class__ = _Intermixed
    p.add_argument("engagement")
    p.add_argument("target", nargs="?", default=None,
                   help="`open` (with --supplier and --month), or the id of the dispute to change (with --status); "
                        "none: list the register")
    p.add_argument("--supplier", default=None)
    p.add_argument("--month", default=None, help="billing period YYYY-MM (with open)")
    p.add_argument("--status", default=None, help=f"the new status: {', '.join(HAND_STATUSES)}")
    p.add_argument("--amount", default=None, help="accepted amount (partially_accepted) or credited amount")
    p.add_argument("--note", default=None)
    p.add_argument("--credit-invoice", default=None, help="the invoice carrying the credit (with credited)")
    p.add_argument("--as-of", default=None, help="the date of the change and of aging (YYYY-MM-DD; default today)")
    p.add_argument("--lang", choices=LANGS, default=None, help="language of the table (default: engagement's)")
    common(p)
    p.set_defaults(func=cmd_dispute)

    p = sub.add_parser("close", help="the monthly close statement; marks the month closed when nothing is pending")
    p.add_argument("engagement")
    p.add_argument("--supplier", required=True)
    p.add_argument("--month", required=True, help="billing period YYYY-MM")
    p.add_argument("--force", action="store_true", help="close although something is pending (needs --note)")
    p.add_argument("--note", default=None, help="why (recorded with the close)")
    p.add_argument("--as-of", default=None, help="the date of the close (YYYY-MM-DD; default today)")
    p.add_argument("--lang", choices=LANGS, default=None, help="language of the statement (default: engagement's)")
    common(p)
    p.set_defaults(func=cmd_close)


def _refuse(args: argparse.Namespace, what: str, *options: str) -> None:
    given = [f"--{o.replace('_', '-')}" for o in options if getattr(args, o) is not None]
    if given:
        raise UsageError(f"{', '.join(given)} do(es) not apply to {what}")


def _print(payload: Any) -> None:
    from ccanalysis.jsonio import dumps

    print(dumps(payload))


def _print_csv(frame: Any) -> None:
    from ccanalysis.io.writing import csv_text

    sys.stdout.write(csv_text(frame))


def _print_table(frame: Any, lang: str, currency: str) -> None:
    import pandas as pd

    from ccanalysis.i18n import disputes as words

    if frame.empty:
        print(words.word("nothing", lang))
        return
    with pd.option_context("display.max_rows", 1000, "display.max_columns", 50, "display.width", 250,
                           "display.max_colwidth", 60):
        print(words.table(frame, lang, currency).to_string(index=False))


def _deadlines(eng: Any) -> dict[str, date]:
    from ccanalysis.disputes import deadlines

    return deadlines(eng.invoices, {s: c.dispute_window_days for s, c in eng.contracts.items()})


# --------------------------------------------------------------------------- dispute
def cmd_dispute(args: argparse.Namespace) -> int:
    """`ccanalysis dispute`: open a month's disputes, change one's status, or list them; exit 0."""
    from ccanalysis.engagement import load

    as_of = as_of_day(args.as_of)
    if args.target == "open":
        _refuse(args, "open", "status", "amount", "note", "credit_invoice")
        if not args.supplier or not args.month:
            raise UsageError("dispute ... open needs --supplier and --month")
    elif args.target is not None:
        _refuse(args, "a status change", "supplier", "month")
        if args.status is None:
            raise UsageError(f"to change dispute {args.target} give --status: one of {', '.join(HAND_STATUSES)}")
    else:
        _refuse(args, "the register list", "month", "status", "amount", "note", "credit_invoice")
    eng = load(args.engagement, root=args.root)
    lang = args.lang or eng.settings.lang
    if args.target == "open":
        return _open(eng, args, as_of, lang)
    if args.target is not None:
        return _change(eng, args, as_of, lang)
    return _list(eng, args, as_of, lang)


def _open(eng: Any, args: argparse.Namespace, as_of: date, lang: str) -> int:
    import pandas as pd

    from ccanalysis import disputes, workbook
    from ccanalysis.i18n import disputes as words
    from ccanalysis.i18n import format_money
    from ccanalysis.io import register

    eng.period(args.supplier, args.month)  # an unknown supplier or a malformed month is wrong usage
    result = workbook.audit(eng, args.supplier, args.month, lang=lang)
    path = register.register_path(eng.data_dir())
    with register.updating(path):
        before = register.read_register(path)
        opened = disputes.open_disputes(before, result, as_of)
        credited = disputes.apply_credits(before, result.credits, as_of, supplier=args.supplier)
        register.append_register(path, opened + credited)
    unmatched = [m for m in disputes.match_credits(before, result.credits, supplier=args.supplier)
                 if not m.dispute_ids]
    frame = pd.DataFrame(opened, columns=disputes.REGISTER_COLUMNS)
    if args.format == "json":
        _print({"supplier": args.supplier, "month": args.month, "as_of": as_of,
                "opened": disputes.records(frame),
                "credits": disputes.records(pd.DataFrame(credited, columns=disputes.REGISTER_COLUMNS)),
                "unmatched_credits": [{"invoice_id": m.invoice_id, "line": m.line, "amount": m.amount,
                                       "credits_invoice_id": m.credits_invoice_id} for m in unmatched]})
    elif args.format == "csv":
        _print_csv(pd.DataFrame(opened + credited, columns=disputes.REGISTER_COLUMNS))
    else:
        _print_table(frame[OPENED_COLUMNS], lang, result.currency)
        print(words.word("opened", lang, count=len(opened), supplier=args.supplier, month=args.month,
                         credits=len(credited)))
        for m in unmatched:
            print(words.word("unmatched_credit", lang, line=m.line, invoice=m.invoice_id,
                             amount=format_money(m.amount, lang, result.currency)))
    return 0


def _change(eng: Any, args: argparse.Namespace, as_of: date, lang: str) -> int:
    import pandas as pd

    from ccanalysis import disputes
    from ccanalysis.i18n import disputes as words
    from ccanalysis.io import register

    amount = disputes.parse_amount(args.amount) if args.amount is not None else None
    path = register.register_path(eng.data_dir())
    with register.updating(path):
        before = register.read_register(path)
        row = disputes.transition(before, args.target, args.status, as_of, amount=amount, note=args.note,
                                  credit_invoice_id=args.credit_invoice)
        old = disputes.find(before, args.target)["status"]
        register.append_register(path, [row])
    if args.format == "json":
        _print({**row, "previous_status": old})
    elif args.format == "csv":
        _print_csv(pd.DataFrame([row], columns=disputes.REGISTER_COLUMNS))
    else:
        print(words.word("changed", lang, dispute=row["dispute_id"], old=words.status_name(old, lang),
                         new=words.status_name(row["status"], lang), date=words.cell("status_date", as_of, lang)))
    return 0


def _list(eng: Any, args: argparse.Namespace, as_of: date, lang: str) -> int:
    from ccanalysis import disputes
    from ccanalysis.i18n import disputes as words
    from ccanalysis.io import register
    from ccanalysis.money import exact_sum

    if args.supplier is not None:
        eng.contract(args.supplier)  # an unknown supplier is wrong usage
    states = disputes.state(register.read_register(register.register_path(eng.data_dir())), as_of,
                            _deadlines(eng), supplier=args.supplier)
    still_open = states[states["status"].isin(disputes.OPEN)]
    counts = {"count": len(still_open), "claimed": disputes.cents(exact_sum(still_open["amount_claimed"])),
              "at_risk": disputes.cents(disputes.money_at_risk(states)), "days": disputes.AT_RISK_DAYS}
    if args.format == "json":
        _print({"as_of": as_of, "supplier": args.supplier, "open": counts["count"], "open_claimed": counts["claimed"],
                "at_risk": counts["at_risk"], "at_risk_days": disputes.AT_RISK_DAYS,
                "disputes": disputes.records(states)})
    elif args.format == "csv":
        _print_csv(states)
    else:
        _print_table(states[LIST_COLUMNS], lang, eng.settings.currency)
        print(words.summary(counts, lang, eng.settings.currency))
    return 0


# --------------------------------------------------------------------------- close
def cmd_close(args: argparse.Namespace) -> int:
    """`ccanalysis close`: print the monthly close statement and mark the month closed when nothing is
    pending (or --force with --note); exit 0."""
    from ccanalysis import disputes, workbook
    from ccanalysis.engagement import load
    from ccanalysis.i18n import disputes as words
    from ccanalysis.io import register

    as_of = as_of_day(args.as_of)
    if args.force and not (args.note and args.note.strip()):
        raise UsageError("--force needs --note: say why the month is closed with something pending")
    eng = load(args.engagement, root=args.root)
    eng.period(args.supplier, args.month)
    lang = args.lang or eng.settings.lang
    result = workbook.audit(eng, args.supplier, args.month, lang=lang)
    billed = disputes.invoice_totals(workbook.billed_lines(eng, args.supplier, args.month))
    closes = register.closes_path(eng.data_dir())
    with register.updating(closes):
        statement = disputes.close_statement(result, register.read_register(register.register_path(eng.data_dir())),
                                             register.read_closes(closes), as_of, _deadlines(eng), billed)
        if statement.closed_at is not None:
            mark = words.word("forced_mark", lang) if statement.closed_forced else ""
            raise disputes.CloseRefused(words.word("already_closed", lang, supplier=args.supplier, month=args.month,
                                                   date=words.cell("closed_at", statement.closed_at, lang),
                                                   forced=mark), closed_at=statement.closed_at)
        done = not statement.pending or args.force
        forced = bool(statement.pending) and done
        if done:
            register.append_close(closes, statement.close_row(as_of, forced=forced, note=args.note))
    _print_statement(statement, args.format, lang, closed=as_of if done else None, forced=forced, note=args.note)
    if not done:
        items = "; ".join(words.pending_text(p, lang, statement.currency) for p in statement.pending)
        raise disputes.CloseRefused(words.word("refused", lang, supplier=args.supplier, month=args.month,
                                               count=len(statement.pending), items=items),
                                    pending=list(statement.pending))
    return 0


def _print_statement(statement: Any, fmt: str, lang: str, *, closed: date | None, forced: bool,
                     note: str | None) -> None:
    from ccanalysis.i18n import disputes as words

    if fmt == "json":
        _print({**statement.to_json(), "closed": closed is not None, "closed_at": closed,
                "forced": forced, "note": note if closed is not None else None})
        return
    if fmt == "csv":
        import pandas as pd

        figures = {k: v for k, v in statement.to_json().items() if k not in ("open_disputes", "pending")}
        _print_csv(pd.DataFrame([{**figures, "invoice_ids": " ".join(statement.invoice_ids),
                                  "pending": len(statement.pending), "closed": closed is not None,
                                  "closed_at": closed, "forced": forced}]))
        return
    print("\n".join(words.statement_lines(statement, lang)))
    print(words.word("open_disputes", lang))
    _print_table(statement.open_disputes, lang, statement.currency)
    if closed is not None:
        when = words.cell("closed_at", closed, lang)
        print(words.word("closed_forced", lang, date=when, count=len(statement.pending), note=note) if forced
              else words.word("closed", lang, date=when))
