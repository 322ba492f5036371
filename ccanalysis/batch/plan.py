"""`ccanalysis report`: plan the month's reports of an engagement and run them through the batch runner.

One report per supplier and month (`notebooks/supplier_month.ipynb`) and one portfolio report per month
(`notebooks/portfolio.ipynb`), written to `reports/ENG/YYYY-MM/`. Everything a kernel would trip on —
unknown supplier, bad month, no data — is checked here first, as a one-line error (exit code 2); a
read-only reports folder is an input error (exit 1). One run at a time per engagement: a second one
waits for the first's lock, then skips what the first built.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path

from ccanalysis import config
from ccanalysis.batch.jobs import ReportJob, exit_code, summary_table
from ccanalysis.batch.outputs import check_writable
from ccanalysis.batch.runner import run_batch
from ccanalysis.engagement import Engagement, load_cached
from ccanalysis.errors import InputError, UsageError
from ccanalysis.i18n import check_lang, format_date, format_number, label, sentence
from ccanalysis.io.invoice_rules import is_rules_file
from ccanalysis.io.mapping import load_mapping, matches
from ccanalysis.io.writing import locked
from ccanalysis.jsonio import dumps
from ccanalysis.periods import parse_months

SUPPLIER_NOTEBOOK = "supplier_month.ipynb"
PORTFOLIO_NOTEBOOK = "portfolio.ipynb"
#: The engagement's batch lock is `.report.lock` in its reports folder; a second run waits this long for it.
LOCK_NAME = "report"
LOCK_WAIT_S = 6 * 3600.0


def plan_jobs(eng: Engagement, months: list[str], suppliers: list[str] | None = None, *, lang: str | None = None,
              portfolio: bool = True, notebooks: Path | None = None) -> list[ReportJob]:
    """The reports to build, every parameter checked against the engagement (UsageError, one line)."""
    lang = check_lang(lang or eng.settings.lang)
    notebooks = notebooks or config.notebooks_dir()
    chosen = suppliers or eng.suppliers
    for supplier in chosen:
        eng.contract(supplier)  # unknown supplier → UsageError naming the known ones
    available = eng.months()
    jobs = []
    for month in months:
        if month not in available:
            raise UsageError(f"no activity for {month} in engagement {eng.id}; months with data: "
                             f"{', '.join(available) or 'none'}")
        out = config.reports_dir(eng.id, eng.root) / month
        for supplier in chosen:
            contract = eng.contract(supplier)
            period = contract.period(month)
            if contract.active_days(period) == 0:
                continue
            jobs.append(ReportJob(
                name=f"{month}/{supplier}", notebook=notebooks / SUPPLIER_NOTEBOOK,
                parameters={"engagement": eng.id, "supplier": supplier, "month": month, "lang": lang},
                output_stem=out / supplier, inputs=[notebooks / SUPPLIER_NOTEBOOK, *report_inputs(eng, supplier)],
                header=_header(eng, month, lang, supplier), title=f"{label('supplier_report', lang)} — "
                f"{contract.name} — {month}", lang=lang))
        if portfolio:
            jobs.append(ReportJob(
                name=f"{month}/portfolio", notebook=notebooks / PORTFOLIO_NOTEBOOK,
                parameters={"engagement": eng.id, "month": month, "lang": lang}, output_stem=out / "portfolio",
                inputs=[notebooks / PORTFOLIO_NOTEBOOK, *report_inputs(eng)], header=_header(eng, month, lang, None),
                title=f"{label('portfolio_report', lang)} — {eng.settings.client} — {month}", lang=lang))
    return jobs


def report_inputs(eng: Engagement, supplier: str | None = None) -> list[Path]:
    """The files a report reads, so that changing one rebuilds exactly the reports that read it: for a
    supplier, the engagement's settings, its own contract and invoice-line rules, the data files holding its
    rows (or no supplier's), the column mappings of those files and the matching decisions; for the
    portfolio (`supplier` None), every input file."""
    files = eng.input_files(supplier)
    if supplier is None:
        return files
    mappings = eng.parameters_dir() / "mappings"
    data = [p.relative_to(eng.data_dir()) for p in files if p.is_relative_to(eng.data_dir())]
    return [p for p in files if p.parent != mappings or p.suffix not in (".yaml", ".yml") or is_rules_file(p)
            or any(matches(load_mapping(p), d) for d in data)]


def _header(eng: Engagement, month: str, lang: str, supplier: str | None) -> dict:
    """Client, supplier, month and billing period, and each data source with its date range."""
    header: dict = {"client": eng.settings.client}
    if supplier is not None:
        contract = eng.contract(supplier)
        period = contract.period(month)
        header["supplier"] = f"{contract.name} ({supplier})"
        header["month"] = month
        header["billing_period"] = f"{format_date(period.start, lang)} – {format_date(period.end, lang)}"
    else:
        header["month"] = month
        header["suppliers"] = ", ".join(eng.suppliers)
    sources = []
    for table in sorted({s.table for s in eng.sources}):
        parts = [s for s in eng.sources if s.table == table and (supplier is None or supplier in s.suppliers
                                                                    or not s.suppliers)]
        if not parts:
            continue
        firsts = [s.first for s in parts if s.first]
        lasts = [s.last for s in parts if s.last]
        span = f" {format_date(min(firsts), lang)} – {format_date(max(lasts), lang)}" if firsts and lasts else ""
        rows = sum(s.rows for s in parts)
        sources.append(sentence("data_source", lang, table=label(f"table_{table}", lang), files=len(parts),
                                rows=format_number(rows, lang, 0), span=span))
    header["data_sources"] = "; ".join(sources)
    return header


@contextlib.contextmanager
def engagement_lock(reports: Path) -> Iterator[None]:
    """Hold the engagement's batch lock (`reports/ENG/.report.lock`): a second `ccanalysis report` on the same
    engagement waits here (saying so on stderr) until the first is done, then finds its reports up to date.
    The folder must be writable (InputError naming it otherwise)."""
    check_writable([reports])
    lock = reports / LOCK_NAME
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(locked(lock, timeout_s=0))
        except InputError:
            print(f"ccanalysis report: another run is writing {reports}; waiting for it to finish",
                  file=sys.stderr, flush=True)
            stack.enter_context(locked(lock, timeout_s=LOCK_WAIT_S))
        yield


def report_command(args: argparse.Namespace) -> int:
    """Run `ccanalysis report` (see cli.py): 0 when every report is ok or skipped, 1 when any failed."""
    months = parse_months(args.month)
    eng = load_cached(args.engagement, root=args.root)  # validated once, reused by every report kernel
    jobs = plan_jobs(eng, months, args.supplier, lang=args.lang, portfolio=not args.no_portfolio)
    with engagement_lock(config.reports_dir(eng.id, eng.root)):
        results = run_batch(jobs, jobs_n=args.jobs, scheduler=args.scheduler, force=args.force,
                            reuse_kernel=args.reuse_kernel, progress=sys.stderr.isatty(), cwd=eng.root)
    if args.format == "json":
        print(dumps([{"report": r.name, "status": r.status, "seconds": round(r.seconds, 2), "where": r.where,
                      "html": str(r.paths.get("html", ""))} for r in results]))
    else:
        print(summary_table(results))
    return exit_code(results)
