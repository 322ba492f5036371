"""`ccanalysis` command line: validate, demo, expected, report. The top of the package: nothing imports it.

Exit codes (data.md), picked by the class of the error (`ccanalysis.errors`): 0 done (findings are results,
not errors), 1 invalid input (`InputError`: the error report is printed), 2 wrong usage (`UsageError`, and
argparse's own usage errors). Any other exception is a bug in ccanalysis: exit 3, with the traceback and a
line saying what to send. Every command takes `--format table|csv|json`.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import traceback
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pandas as pd

from . import __version__
from .commands import accrual, audit, billing_care, cargos, collections, dispute, match, simulate
from .errors import EXIT_BUG, EXIT_DONE, CcanalysisError, EngagementError, InputError
from .jsonio import dumps

FORMATS = ("table", "csv", "json")
LANGS = ("es", "en")
AUDIENCES = ("client", "supplier")


def _print_frame(frame: pd.DataFrame, fmt: str) -> None:
    if fmt == "csv":
        from .io.writing import csv_text

        sys.stdout.write(csv_text(frame))
    elif fmt == "json":
        records = [{k: (None if _isna(v) else v) for k, v in row.items()} for row in frame.to_dict("records")]
        print(dumps(records))
    else:
        with pd.option_context("display.max_rows", 500, "display.max_columns", 50, "display.width", 200,
                               "display.max_colwidth", 60):
            print(frame.to_string(index=False) if not frame.empty else "(nothing)")


def _isna(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


# --------------------------------------------------------------------------- commands
def cmd_validate(args: argparse.Namespace) -> int:
    """`ccanalysis validate`: load the engagement, print what was loaded and its warnings; exit 0 (an
    invalid engagement raises EngagementError)."""
    from .io.cache import load_validated
    from .io.warnings import reportable_months

    # an engagement whose store is current is a fingerprint check and a read of the store's manifest
    today = date.today()
    eng, warnings = load_validated(args.engagement, root=args.root, today=today, progress=sys.stderr.isatty())
    summary = validation_summary(eng)
    months = reportable_months(eng, today)
    if args.format == "json":
        print(dumps({"engagement": eng.id, "client": eng.settings.client, "valid": True,
                     "suppliers": {s: sorted(c.all_service_ids()) for s, c in eng.contracts.items()},
                     "sources": summary.to_dict("records"),
                     "warnings": [{"file": w.file, "row": w.row, "column": w.column, "message": w.message}
                                  for w in warnings],
                     "reportable_months": months}))
    elif args.format == "csv":
        _print_frame(summary, "csv")
        for warning in warnings:
            print(f"warning: {warning}", file=sys.stderr)
    else:
        print(f"Engagement {eng.id} ({eng.settings.client}): valid")
        for supplier, contract in eng.contracts.items():
            services = ", ".join(s.id for s in contract.services)
            print(f"  {supplier}: {contract.name} — services {services}")
        active = eng.months()
        if active:
            print(f"  months with activity: {active[0]} .. {active[-1]}")
        print()
        _print_frame(summary, "table")
        print()
        print("Reportable months (activity while the contract is in force):")
        for supplier, found in months.items():
            print(f"  {supplier}: {', '.join(found) if found else '(none)'}")
        if warnings:
            print()
            print(f"Warnings ({len(warnings)}): what is loaded but not used")
            for warning in warnings:
                print(f"  - {warning}")
    return 0


def validation_summary(eng) -> pd.DataFrame:
    """One row per table: files, rows, first and last date."""
    rows = []
    for table in sorted({s.table for s in eng.sources}):
        sources = [s for s in eng.sources if s.table == table]
        firsts = [s.first for s in sources if s.first]
        lasts = [s.last for s in sources if s.last]
        rows.append({"table": table, "files": len(sources), "rows": sum(s.rows for s in sources),
                     "from": min(firsts) if firsts else None, "to": max(lasts) if lasts else None})
    return pd.DataFrame(rows, columns=["table", "files", "rows", "from", "to"])


def cmd_demo(args: argparse.Namespace) -> int:
    """`ccanalysis demo`: write the demo engagement under parameters/demo and data/demo; exit 0."""
    from . import config, demo
    from .demo.size import DemoSize

    root = Path(args.root).resolve() if args.root else config.project_root()
    size = DemoSize(args.suppliers, args.months, args.contacts_per_month)
    demo.build_demo(root, seed=args.seed, size=size)
    print(f"Demo engagement written to {root / 'parameters' / 'demo'} and {root / 'data' / 'demo'}")
    demo.build_collections_demo(root, seed=args.seed)
    print(f"Collections demo engagement written to {root / 'parameters' / demo.COLLECTIONS_ID} and "
          f"{root / 'data' / demo.COLLECTIONS_ID}")
    demo.build_cargos_demo(root, seed=args.seed)
    print(f"Cargos demo engagement written to {root / 'parameters' / demo.CARGOS_ID} and "
          f"{root / 'data' / demo.CARGOS_ID}")
    return 0


def cmd_expected(args: argparse.Namespace) -> int:
    """`ccanalysis expected`: print the expected invoice of a supplier and billing month YYYY-MM, line by
    line (table, csv or json); exit 0."""
    from .io.cache import load_cached, month_scope
    from .workbook import expected_invoice, format_invoice_table, invoice_json

    # the store's partitions of this supplier-month only (the engagement is validated and stored first)
    eng = load_cached(args.engagement, root=args.root,
                      scope=month_scope(args.engagement, args.root, args.supplier, args.month))
    eng.period(args.supplier, args.month)  # an unknown supplier or a malformed month is wrong usage
    lang = args.lang or eng.settings.lang
    lines = expected_invoice(eng, args.supplier, args.month, lang=lang)  # UsageError when not in force
    if args.format == "json":
        print(dumps(invoice_json(eng, args.supplier, args.month, lines, lang=lang)))
    elif args.format == "csv":
        _print_frame(lines, "csv")
    else:
        print(format_invoice_table(eng, args.supplier, args.month, lines, lang=lang))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """`ccanalysis report`: write the HTML (and --pdf) reports; exit 0 when every report is ok or skipped,
    1 when any failed."""
    from ccanalysis.batch.plan import report_command

    return report_command(args)


# --------------------------------------------------------------------------- parser
def build_parser() -> argparse.ArgumentParser:
    """The argparse parser of every `ccanalysis` sub-command."""
    parser = argparse.ArgumentParser(prog="ccanalysis", description="Contact-centre billing control.")
    parser.add_argument("--version", action="version", version=f"ccanalysis {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--format", choices=FORMATS, default="table", help="output format (default table)")
        p.add_argument("--root", default=None, help="project folder holding parameters/ and data/ (default: here)")

    p = sub.add_parser("validate", help="load and validate an engagement; print what was loaded or every error")
    p.add_argument("engagement")
    common(p)
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("demo", help="write the demo engagements (parameters/demo, data/demo; "
                       "parameters/demo_collections, data/demo_collections; parameters/demo_cargos, data/demo_cargos)")
    p.add_argument("--seed", type=int, default=20260801)
    p.add_argument("--suppliers", type=int, default=3, help="how many suppliers (default 3, the demo's; more "
                   "repeat them as northwind2, southpoint2, ...)")
    p.add_argument("--months", type=int, default=3, help="how many billing months from 2026-08 (default 3)")
    p.add_argument("--contacts-per-month", type=int, default=None, metavar="N",
                   help="contact records per northwind-family supplier and month (default: the demo's, "
                   "about 70,000)")
    common(p)
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("expected", help="the expected invoice of a supplier and month, line by line")
    p.add_argument("engagement")
    p.add_argument("--supplier", required=True)
    p.add_argument("--month", required=True, help="billing period YYYY-MM")
    p.add_argument("--lang", choices=LANGS, default=None,
                   help="language of descriptions and explanations (default: engagement's)")
    common(p)
    p.set_defaults(func=cmd_expected)

    audit.add_parser(sub, common)
    accrual.add_parser(sub, common)

    p = sub.add_parser("report", help="write HTML reports: per supplier and month plus the portfolio (--month), "
                                      "the daily flash (--flash) or a payment-model simulation (--scenario)")
    p.add_argument("engagement")
    p.add_argument("--month", default=None, help="YYYY-MM or a range YYYY-MM..YYYY-MM: the monthly reports")
    p.add_argument("--flash", default=None, metavar="YYYY-MM-DD",
                   help="the daily flash of every supplier on this as-of date (reports/ENG/flash/DATE.html)")
    p.add_argument("--scenario", default=None, metavar="NAME",
                   help="the simulation of parameters/ENG/scenarios/NAME.yaml (reports/ENG/scenarios/NAME.html)")
    p.add_argument("--draws", type=int, default=None, help="with --scenario: Monte Carlo draws (default: the file's)")
    p.add_argument("--seed", type=int, default=None, help="with --scenario: random seed (default: the file's)")
    p.add_argument("--supplier", action="append", default=None, help="only these suppliers (repeatable)")
    p.add_argument("--jobs", type=int, default=None, help="parallel reports (default: the machine's cores)")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="run the reports on dask.distributed workers: the scheduler's address "
                        "(tcp://HOST:8786), or 'local' for a cluster on this machine")
    store = p.add_mutually_exclusive_group()
    store.add_argument("--store-shared", dest="store", action="store_const", const="shared", default=None,
                       help="with --scheduler (the default): workers read the engagement store at the project's "
                            "own path (a shared folder)")
    store.add_argument("--store-send", dest="store", action="store_const", const="send",
                       help="with --scheduler: send each report its supplier-month's share of the store and "
                            "write its files here (workers need no shared folder)")
    p.add_argument("--force", action="store_true", help="rebuild even when inputs did not change")
    p.add_argument("--reuse-kernel", action="store_true", help="one kernel per worker, reset between reports")
    p.add_argument("--lang", choices=LANGS, default=None, help="report language (default: engagement's)")
    p.add_argument("--no-portfolio", action="store_true", help="skip the portfolio report")
    p.add_argument("--audience", choices=AUDIENCES, default=None,
                   help="with --month: who the supplier reports are for (default client); 'supplier' writes "
                        "SUPPLIER.supplier.html beside the client's and no portfolio")
    p.add_argument("--pdf", action="store_true",
                   help="also print each report to PDF beside its HTML (same name, .pdf), offline with headless "
                        "Chromium (apt-get install chromium)")
    common(p)
    p.set_defaults(func=cmd_report)
    match.add_parser(sub, common)
    dispute.add_parser(sub, common)
    simulate.add_parser(sub, common)
    collections.add_parser(sub, common)
    cargos.add_parser(sub, common)
    billing_care.add_parser(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line `argv`; the exit code: 0 done, an error's own code for wrong usage, input or
    engagement errors (reported on stderr), EXIT_BUG with a bug report for anything else."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    try:
        return int(args.func(args) or 0)
    except EngagementError as exc:
        print(exc.report(limit=None), file=sys.stderr)
        return exc.exit_code
    except CcanalysisError as exc:
        what = "invalid input: " if isinstance(exc, InputError) else ""
        print(f"ccanalysis {args.command}: {what}{exc}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:  # the reader of the output went away (`| head`): nothing left to print
        _detach_stdout()
        return EXIT_DONE
    except Exception:  # not an error of the user's files or command: a bug
        traceback.print_exc(file=sys.stderr)
        print(bug_report(args.command), file=sys.stderr)
        return EXIT_BUG


def _detach_stdout() -> None:
    """Point stdout at /dev/null so that flushing it at exit does not fail again on the closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass


def bug_report(command: str) -> str:
    """The line printed under the traceback of an unexpected exception."""
    return (f"ccanalysis {command}: this is a bug in ccanalysis {__version__}, not an error in your files or "
            "command. Please send the ccanalysis maintainers the command you ran, this whole message "
            "(with the traceback above) and, if you can, the engagement's parameters/ folder.")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
