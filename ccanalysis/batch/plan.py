"""`ccanalysis report`: plan an engagement's reports and run them through the batch runner.

With `--month`: one report per supplier and month (`notebooks/supplier_month.ipynb`) and one portfolio
report per month (`notebooks/portfolio.ipynb`), written to `reports/ENG/YYYY-MM/`; with `--audience supplier`
the supplier-month reports written for the supplier (`<supplier>.supplier.html`) and no portfolio. With `--flash DATE`: the
daily flash of every supplier on that as-of date (`notebooks/daily_flash.ipynb`), written to
`reports/ENG/flash/DATE`; with `--scenario NAME`: the payment-model simulation of scenario file
`parameters/ENG/scenarios/NAME.yaml` (`notebooks/simulation.ipynb`), written to `reports/ENG/scenarios/NAME`.
An engagement with cargos agreements also gets one report per month with retailers' charges
(`notebooks/cargos_month.ipynb`, `reports/ENG/YYYY-MM/cargos.html`; not with --supplier or --audience supplier).
Exactly one of the three. Everything a kernel would trip on —
unknown supplier, bad month, no data — is checked here first, as a one-line error (exit code 2); a
read-only reports folder is an input error (exit 1). With `--scheduler ADDRESS` the reports run on
dask.distributed workers, reading the engagement store at the same path (`--store-shared`) or sent their
supplier-month's share of it with the report (`--store-send`, `ccanalysis.io.shipped`). One run at a time per engagement: a second one
waits for the first's lock, then skips what the first built.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd

from ccanalysis import config
from ccanalysis.batch.jobs import ReportJob, exit_code, summary_table
from ccanalysis.batch.outputs import check_writable
from ccanalysis.batch.pdf import require_chromium
from ccanalysis.batch.runner import run_batch
from ccanalysis.engagement import Engagement, load_cached
from ccanalysis.errors import InputError, UsageError
from ccanalysis.i18n import check_lang, format_date, format_number, label, sentence
from ccanalysis.io.cache import month_scope
from ccanalysis.io.invoice_rules import is_rules_file
from ccanalysis.io.mapping import load_mapping, matches
from ccanalysis.io.shipped import store_bundle
from ccanalysis.io.store import Scope
from ccanalysis.io.writing import locked
from ccanalysis.jsonio import dumps
from ccanalysis.periods import parse_months

SUPPLIER_NOTEBOOK = "supplier_month.ipynb"
PORTFOLIO_NOTEBOOK = "portfolio.ipynb"
FLASH_NOTEBOOK = "daily_flash.ipynb"
SIMULATION_NOTEBOOK = "simulation.ipynb"
COLLECTIONS_NOTEBOOK = "collections_month.ipynb"
CARGOS_NOTEBOOK = "cargos_month.ipynb"
#: The folders of `reports/ENG/` holding the flash and the simulation reports.
FLASH_FOLDER, SCENARIOS_FOLDER = "flash", "scenarios"
#: The engagement's batch lock is `.report.lock` in its reports folder; a second run waits this long for it.
LOCK_NAME = "report"
LOCK_WAIT_S = 6 * 3600.0


#: Who a supplier-month report is for: the client (the default) or the supplier itself.
AUDIENCES = ("client", "supplier")


def plan_jobs(eng: Engagement, months: list[str], suppliers: list[str] | None = None, *, lang: str | None = None,
              portfolio: bool = True, notebooks: Path | None = None, audience: str = "client") -> list[ReportJob]:
    """The reports to build, every parameter checked against the engagement (UsageError, one line).

    `audience` "supplier": the supplier-month reports written for the supplier (notebook parameter
    `audience`, files `<supplier>.supplier.*` beside the client's, their own title) and no portfolio, which is
    the client's."""
    lang = check_lang(lang or eng.settings.lang)
    if audience not in AUDIENCES:
        raise UsageError(f"unknown audience {audience!r}; one of {', '.join(AUDIENCES)}")
    for_supplier = audience == "supplier"
    portfolio = portfolio and not for_supplier
    notebooks = notebooks or config.notebooks_dir()
    chosen = suppliers or eng.suppliers
    for supplier in chosen:
        eng.contract(supplier)  # unknown supplier → UsageError naming the known ones
    activity = eng.months()
    charged = cargo_months(eng) if not suppliers and not for_supplier else []
    available = sorted(set(activity) | set(charged))
    jobs = []
    for month in months:
        if month not in available:
            raise UsageError(f"no activity for {month} in engagement {eng.id}; months with data: "
                             f"{', '.join(available) or 'none'}")
        out = config.reports_dir(eng.id, eng.root) / month
        for supplier in chosen if month in activity else []:
            contract = eng.contract(supplier)
            period = contract.period(month)
            if contract.active_days(period) == 0:
                continue
            parameters = {"engagement": eng.id, "supplier": supplier, "month": month, "lang": lang}
            stem, title, notebook = supplier, "supplier_report", SUPPLIER_NOTEBOOK
            if any(s.collections is not None for s in contract.services_for(period)):
                title, notebook = "collections_report", COLLECTIONS_NOTEBOOK  # a collection agency's month
            if for_supplier:
                parameters["audience"] = audience
                stem = f"{supplier}.{audience}"
                title = "supplier_report_for_supplier" if notebook == SUPPLIER_NOTEBOOK else title
            jobs.append(ReportJob(
                name=f"{month}/{stem}", notebook=notebooks / notebook, parameters=parameters,
                output_stem=out / stem, inputs=[notebooks / notebook, *report_inputs(eng, supplier)],
                header=_header(eng, month, lang, supplier), title=f"{label(title, lang)} — "
                f"{contract.name} — {month}", lang=lang))
        if month in charged:  # the retailers' charges of the month (an engagement with cargos agreements)
            jobs.append(cargos_job(eng, month, lang, notebooks, out))
        if portfolio and chosen and month in activity:
            jobs.append(ReportJob(
                name=f"{month}/portfolio", notebook=notebooks / PORTFOLIO_NOTEBOOK,
                parameters={"engagement": eng.id, "month": month, "lang": lang}, output_stem=out / "portfolio",
                inputs=[notebooks / PORTFOLIO_NOTEBOOK, *report_inputs(eng)], header=_header(eng, month, lang, None),
                title=f"{label('portfolio_report', lang)} — {eng.settings.client} — {month}", lang=lang))
    return jobs


def cargo_months(eng: Engagement) -> list[str]:
    """The months with retailers' charges, for an engagement with cargos agreements (else none)."""
    if not eng.cargo_agreements:
        return []
    charges = eng.table("charges")
    return sorted(set(pd.to_datetime(charges["issue_date"]).dt.strftime("%Y-%m").dropna())) if len(charges) else []


def cargos_job(eng: Engagement, month: str, lang: str, notebooks: Path, out: Path) -> ReportJob:
    """The cargos month report of every retailer (`notebooks/cargos_month.ipynb`), rebuilt when any input or
    the dispute register changes."""
    from ccanalysis.i18n import cargos as words
    from ccanalysis.io.register import register_path

    register = register_path(eng.data_dir())
    return ReportJob(
        name=f"{month}/cargos", notebook=notebooks / CARGOS_NOTEBOOK,
        parameters={"engagement": eng.id, "month": month, "lang": lang}, output_stem=out / "cargos",
        inputs=[notebooks / CARGOS_NOTEBOOK, *report_inputs(eng), *([register] if register.is_file() else [])],
        header={"client": eng.settings.client, "month": month,
                "retailers": ", ".join(a.name for _, a in sorted(eng.cargo_agreements.items())),
                "data_sources": _data_sources(eng, lang, None)},
        title=f"{words.heading('cargos_report', lang)} — {eng.settings.client} — {month}", lang=lang)


def plan_flash_job(eng: Engagement, as_of: str, *, lang: str | None = None, notebooks: Path | None = None,
                   today: date | None = None) -> ReportJob:
    """The daily flash of every supplier on `as_of` (YYYY-MM-DD), checked first: a real date, not after
    `today`, inside the engagement's activity data (UsageError naming the range)."""
    from ccanalysis.report import flash

    lang = check_lang(lang or eng.settings.lang)
    notebooks = notebooks or config.notebooks_dir()
    day = flash.check_flash_parameters(eng, as_of, lang, today=today)
    return ReportJob(
        name=f"{FLASH_FOLDER}/{day.isoformat()}", notebook=notebooks / FLASH_NOTEBOOK,
        parameters={"engagement": eng.id, "as_of": day.isoformat(), "lang": lang},
        output_stem=config.reports_dir(eng.id, eng.root) / FLASH_FOLDER / day.isoformat(),
        inputs=[notebooks / FLASH_NOTEBOOK, *report_inputs(eng)],
        header={**flash.flash_header(eng, day, lang), "data_sources": _data_sources(eng, lang, None)},
        title=flash.flash_title(eng, day, lang), lang=lang)


def plan_scenario_job(eng: Engagement, scenario: str, *, draws: int | None = None, seed: int | None = None,
                      lang: str | None = None, notebooks: Path | None = None) -> ReportJob:
    """The simulation report of scenario file `parameters/ENG/scenarios/NAME.yaml`, checked first (an
    unknown scenario: UsageError listing the engagement's scenarios); draws/seed None: the file's own."""
    from ccanalysis.report import simulation

    lang = check_lang(lang or eng.settings.lang)
    notebooks = notebooks or config.notebooks_dir()
    simulation.check_scenario_parameters(eng, scenario, draws, seed, lang)
    return ReportJob(
        name=f"{SCENARIOS_FOLDER}/{scenario}", notebook=notebooks / SIMULATION_NOTEBOOK,
        parameters={"engagement": eng.id, "scenario": scenario, "draws": draws, "seed": seed, "lang": lang},
        output_stem=config.reports_dir(eng.id, eng.root) / SCENARIOS_FOLDER / scenario,
        inputs=[notebooks / SIMULATION_NOTEBOOK, *report_inputs(eng)],
        header={**simulation.simulation_header(eng, scenario, lang),
                "data_sources": _data_sources(eng, lang, None)},
        title=simulation.simulation_title(eng, scenario, lang), lang=lang)


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
    header["data_sources"] = _data_sources(eng, lang, supplier)
    return header


def _data_sources(eng: Engagement, lang: str, supplier: str | None) -> str:
    """Each data source (of `supplier`'s, or all) with its files, rows and date range, in `lang`."""
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
    return "; ".join(sources)


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


def job_scope(eng: Engagement, job: ReportJob) -> Scope:
    """The store partitions a report reads: a supplier's billing month (`month_scope`) for a supplier-month
    report, the whole store for the others (portfolio, cargos, flash, simulation)."""
    supplier, month = job.parameters.get("supplier"), job.parameters.get("month")
    if supplier is None or month is None:
        return Scope()
    return month_scope(eng.id, eng.root, supplier, month)


def check_cluster_options(args: argparse.Namespace) -> str:
    """"shared" or "send": how the reports' workers get the data (`--store-shared`, `--store-send`), checked
    against `--scheduler` and `--jobs` (UsageError, one line)."""
    store = getattr(args, "store", None) or "shared"
    scheduler = getattr(args, "scheduler", None)
    if store == "send" and scheduler is None:
        raise UsageError("--store-send goes with --scheduler ADDRESS (the local pool reads the store itself)")
    if scheduler not in (None, "local") and getattr(args, "jobs", None) is not None:
        raise UsageError("--jobs is the size of the local pool; on a cluster (--scheduler ADDRESS) every worker "
                         "runs reports: start more workers or give them --nthreads instead")
    return store


def check_report_kind(args: argparse.Namespace) -> str:
    """"month", "flash" or "scenario": which of `--month`, `--flash`, `--scenario` was given (exactly one),
    and that the options given belong to it; UsageError (one line) otherwise."""
    given = [kind for kind in ("month", "flash", "scenario") if getattr(args, kind, None) is not None]
    if len(given) != 1:
        shown = " and ".join(f"--{kind}" for kind in given) if given else "none of them"
        raise UsageError(f"give exactly one of --month YYYY-MM, --flash YYYY-MM-DD or --scenario NAME "
                         f"(got {shown})")
    kind = given[0]
    belongs = {"supplier": "month", "no_portfolio": "month", "audience": "month", "draws": "scenario",
               "seed": "scenario"}
    for option, owner in belongs.items():
        if getattr(args, option, None) not in (None, False) and owner != kind:
            raise UsageError(f"--{option.replace('_', '-')} goes with --{owner}, not with --{kind}")
    return kind


def report_command(args: argparse.Namespace) -> int:
    """Run `ccanalysis report` (see cli.py): 0 when every report is ok or skipped, 1 when any failed."""
    kind = check_report_kind(args)
    store = check_cluster_options(args)
    pdf = bool(getattr(args, "pdf", False))
    if pdf:
        require_chromium()  # a missing Chromium is wrong usage, said before any report runs
    months = parse_months(args.month) if kind == "month" else []
    # validated and stored once, read back by every report kernel; the monthly batch's driver plans from the
    # settings, contracts, sources and months alone and holds no table
    eng = load_cached(args.engagement, root=args.root, tables=() if kind == "month" else None)
    if kind == "flash":
        jobs = [plan_flash_job(eng, args.flash, lang=args.lang)]
    elif kind == "scenario":
        jobs = [plan_scenario_job(eng, args.scenario, draws=args.draws, seed=args.seed, lang=args.lang)]
    else:
        jobs = plan_jobs(eng, months, args.supplier, lang=args.lang, portfolio=not args.no_portfolio,
                         audience=getattr(args, "audience", None) or "client")
    if pdf:
        jobs = [dataclasses.replace(job, pdf=True) for job in jobs]
    ship = (lambda job: store_bundle(eng.id, eng.root, job_scope(eng, job))) if store == "send" else None
    with engagement_lock(config.reports_dir(eng.id, eng.root)):
        results = run_batch(jobs, jobs_n=args.jobs, scheduler=args.scheduler, force=args.force,
                            reuse_kernel=args.reuse_kernel, progress=sys.stderr.isatty(), cwd=eng.root,
                            ship=ship)
    if args.format == "json":
        print(dumps([{"report": r.name, "status": r.status, "seconds": round(r.seconds, 2), "where": r.where,
                      "html": str(r.paths.get("html", "")),
                      **({"pdf": str(r.paths.get("pdf", ""))} if pdf else {})} for r in results]))
    else:
        print(summary_table(results))
        printed = [str(r.paths["pdf"]) for r in results if "pdf" in r.paths]
        if printed:
            print("PDF:\n" + "\n".join(f"  {path}" for path in printed))
    return exit_code(results)
