"""Write the notebooks: the report notebooks (thin: title, parameters, one validation call, one call per
section, publish) and `explore.ipynb`, which `make lab` opens (the common questions, one call each).

Run `python tools/make_notebooks.py` after changing a section list; the notebooks are committed with every
output stripped (outputs belong in reports/). Nothing in a notebook checks the product: `tests/test_notebooks.py`
runs both notebooks and compares what they publish with the errors the demo injected. The title cell is tagged
`remove-cell` (the HTML has its own title, in the report's language).
"""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
KERNEL = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
          "language_info": {"name": "python"}}


HIDDEN = {"tags": ["remove-cell"]}
#: nbval (`pytest` collects `notebooks/`, on the demo) skips the simulation notebook's cells while the demo has no
#: scenario file `parameters/demo/scenarios/care_models.yaml`; set to False once the demo builder writes it.
SKIP_SIMULATION_IN_NBVAL = False


def cell(source: str, **kw):
    return new_code_cell(source.strip("\n"), **kw)


def supplier_month() -> nbformat.NotebookNode:
    cells = [
        new_markdown_cell("# Supplier month report · Informe mensual del proveedor\n\n"
                          "The invoice audit (findings, claim, review list, disputes), billed vs expected by charge, "
                          "expected invoice, KPIs under the contract's definitions with SLA "
                          "adjustments, daily activity and cost, compliance scorecard.", metadata=HIDDEN),
        cell('engagement: str = "demo"\nsupplier: str = "northwind"\nmonth: str = "2026-08"\nlang: str = "es"\n'
             'audience: str = "client"', metadata={"tags": ["parameters"]}),
        cell("from ccanalysis import report\n\n"
             "eng = report.open_engagement(engagement, supplier=supplier)\n"
             "report.check_parameters(eng, supplier, month, lang)"),
        cell("audit = report.audit_section(eng, supplier, month, lang)\naudit"),
        cell("summary = report.summary_section(eng, supplier, month, lang)\nsummary"),
        cell("invoice = report.expected_invoice_section(eng, supplier, month, lang)\ninvoice"),
        cell("kpis = report.kpi_section(eng, supplier, month, lang)\nkpis"),
        cell("near_misses = report.near_miss_section(eng, supplier, month, lang)\nnear_misses"),
        cell("activity = report.activity_section(eng, supplier, month, lang, audience)\nactivity"),
        cell("scorecard = report.compliance_section(eng, supplier, month, lang)\nscorecard"),
        cell("billing_care = report.billing_care_sections(eng, supplier, month, lang)\nbilling_care"),
        cell("report.publish(audit, summary, invoice, kpis, near_misses, activity, scorecard, billing_care)"),
    ]
    return new_notebook(cells=cells, metadata=KERNEL)


def portfolio() -> nbformat.NotebookNode:
    cells = [
        new_markdown_cell("# Supplier portfolio report · Informe de cartera\n\n"
                          "What the audits recover (savings), then all suppliers side by side: cost, unit costs, "
                          "KPI attainment under each contract's "
                          "definitions, share of handled contacts and concentration (HHI), budget vs actual.",
                          metadata=HIDDEN),
        cell('engagement: str = "demo"\nmonth: str = "2026-08"\nlang: str = "es"', metadata={"tags": ["parameters"]}),
        cell("from ccanalysis import report\n\n"
             "eng = report.open_engagement(engagement)\n"
             "report.check_parameters(eng, None, month, lang)"),
        cell("recovery = report.portfolio_recovery_section(eng, month, lang)\nrecovery"),
        cell("savings = report.portfolio_savings_section(eng, month, lang)\nsavings"),
        cell("disputes = report.portfolio_disputes_section(eng, month, lang)\ndisputes"),
        cell("budget = report.portfolio_budget_section(eng, month, lang)\nbudget"),
        cell("channels = report.portfolio_channel_section(eng, month, lang)\nchannels"),
        cell("attainment = report.portfolio_kpi_section(eng, month, lang)\nattainment"),
        cell("concentration = report.portfolio_cost_section(eng, month, lang)\nconcentration"),
        cell("report.publish(recovery, savings, disputes, budget, channels, attainment, concentration)"),
    ]
    return new_notebook(cells=cells, metadata=KERNEL)


def daily_flash() -> nbformat.NotebookNode:
    cells = [
        new_markdown_cell("# Daily cost flash · Parte diario de coste\n\n"
                          "Every supplier on one as-of date: the cost accrued to date, the projected month-end close "
                          "with its 80 % band, plan and budget deviations and their driver, the day's alerts "
                          "(the sections registered in `ccanalysis/report/flash.py`).", metadata=HIDDEN),
        cell('engagement: str = "demo"\nas_of: str = "2026-09-15"\nlang: str = "es"', metadata={"tags": ["parameters"]}),
        cell("from ccanalysis import report\n\n"
             "eng = report.open_engagement(engagement)\n"
             "day = report.check_flash_parameters(eng, as_of, lang)"),
        cell("flash = report.flash_sections(eng, day, lang)\nflash"),
        cell("report.publish(flash)"),
    ]
    return new_notebook(cells=cells, metadata=KERNEL)


def simulation() -> nbformat.NotebookNode:
    cells = [
        new_markdown_cell("# Payment-model simulation · Simulación de modelos de pago\n\n"
                          "The candidates of one scenario file priced on the same activity (the sections "
                          "registered in `ccanalysis/report/simulation.py`).", metadata=HIDDEN),
        cell('engagement: str = "demo"\nscenario: str = "care_models"\n'
             "draws = None  # type: Optional[int] (None: the scenario's own)\n"
             'seed = None  # type: Optional[int]\nlang: str = "es"', metadata={"tags": ["parameters"]}),
        cell("from ccanalysis import report\n\n"
             "eng = report.open_engagement(engagement)\n"
             "report.check_scenario_parameters(eng, scenario, draws, seed, lang)"),
        cell("simulation = report.simulation_sections(eng, scenario, draws, seed, lang)\nsimulation"),
        cell("report.publish(simulation)"),
    ]
    if SKIP_SIMULATION_IN_NBVAL:
        for c in cells[1:]:
            c.metadata.setdefault("tags", []).append("nbval-skip")
    return new_notebook(cells=cells, metadata=KERNEL)


def explore() -> nbformat.NotebookNode:
    """`make lab` opens this one: the common questions on the demo, one call each (not a report)."""
    cells = [
        new_markdown_cell("# Exploring an engagement\n\n"
                          "The common questions, one call each: the engagement and a contract, a service's KPIs "
                          "over any dates under the contract's definitions or another variant and threshold, the "
                          "expected invoice of a billing month, a what-if on the contract priced on the same "
                          "month, the staffing a day needed, the invoice audit. Change the parameters below."),
        cell('engagement: str = "demo"\nsupplier: str = "northwind"\nservice: str = "care"\n'
             'month: str = "2026-08"\nstart: str = "2026-08-01"\nend: str = "2026-08-15"',
             metadata={"tags": ["parameters"]}),
        cell("from ccanalysis import day_staffing, expected_invoice, load_cached, totals\n"
             "from ccanalysis.workbook import audit\n\n"
             "eng = load_cached(engagement)\neng"),
        cell("contract = eng.contract(supplier)\ncontract"),
        new_markdown_cell("## KPIs over any dates\n\nUnder the contract's definitions, then with another "
                          "threshold (seconds) and variant: `eng.kpis(supplier, service, start, end, "
                          "KPI={option: value})`; `value` is exact, `value_float` for reading."),
        cell("eng.kpis(supplier, service, start, end)"),
        cell('eng.kpis(supplier, service, start, end, service_level={"threshold_s": 30},\n'
             '         abandonment_rate={"variant": "offered"})'),
        new_markdown_cell("## The expected invoice of a billing month\n\nAn invoice is rated per billing "
                          "period (tiers, minimums, SLA adjustments), so it is asked for by month."),
        cell("invoice = expected_invoice(eng, supplier, month)\ninvoice"),
        cell("totals(invoice)"),
        new_markdown_cell("## What if the second tier of care minutes cost 0.48?\n\nA new contract, validated; "
                          "the loaded one is unchanged. Priced on the same month's activity."),
        cell('cheaper = contract.with_changes({"services.care.charges.care_minutes.tiers.1.unit_price": "0.48"})\n'
             "what_if = expected_invoice(eng, supplier, month, contract=cheaper)\n"
             "totals(what_if).net - totals(invoice).net"),
        new_markdown_cell("## The staffing a day needed\n\nAgents per interval (Erlang C) at the SLA's target "
                          "and the contract's threshold; staffed hours in hours."),
        cell('staffing = day_staffing(eng, supplier, service, start)\n'
             'staffing[["interval_start", "offered", "aht_s", "agents", "service_level", "staffed_hours"]].head()'),
        cell('sum(staffing["staffed_hours"])'),
        new_markdown_cell("## The invoice audit"),
        cell("audit(eng, supplier, month)"),
    ]
    return new_notebook(cells=cells, metadata=KERNEL)


def collections_month() -> nbformat.NotebookNode:
    cells = [
        new_markdown_cell("# Collections month report · Informe mensual de recobro\n\n"
                          "The fee audit, the agency's KPIs with their definitions, liquidation by placement "
                          "vintage, the agencies compared on the same mix, the best time to call, the expected "
                          "fee invoice.", metadata=HIDDEN),
        cell('engagement: str = "demo_collections"\nsupplier: str = "recobra"\nmonth: str = "2026-09"\n'
             'lang: str = "es"\naudience: str = "client"', metadata={"tags": ["parameters"]}),
        cell("from ccanalysis import report\n\n"
             "eng = report.open_engagement(engagement)\n"
             "report.check_parameters(eng, supplier, month, lang)"),
        cell("audit = report.audit_section(eng, supplier, month, lang)\naudit"),
        cell("kpis = report.collections_kpi_section(eng, supplier, month, lang)\nkpis"),
        cell("vintages = report.vintage_section(eng, supplier, month, lang)\nvintages"),
        cell("comparison = report.agency_comparison_section(eng, supplier, month, lang)\ncomparison"),
        cell("call_times = report.call_time_section(eng, supplier, month, lang)\ncall_times"),
        cell("invoice = report.expected_invoice_section(eng, supplier, month, lang)\ninvoice"),
        cell("report.publish(audit, kpis, vintages, comparison, call_times, invoice)"),
    ]
    return new_notebook(cells=cells, metadata=KERNEL)


def cargos_month() -> nbformat.NotebookNode:
    cells = [
        new_markdown_cell("# Cargos month report · Informe mensual de cargos\n\n"
                          "Every retailer's charges of one month: how they were classified and the review queue, "
                          "what the validation against the agreements found, what to do with each (owner, "
                          "deadline, triage), the KPIs with their definitions, the forecast with its backtest "
                          "error (the sections registered in `ccanalysis/report/cargos.py`).", metadata=HIDDEN),
        cell('engagement: str = "demo_cargos"\nmonth: str = "2026-10"\nlang: str = "es"',
             metadata={"tags": ["parameters"]}),
        cell("from ccanalysis import report\n\n"
             "eng = report.open_engagement(engagement)\n"
             "report.check_cargos_parameters(eng, month, lang)"),
        cell("cargos = report.cargos_sections(eng, month, lang)\ncargos"),
        cell("report.publish(cargos)"),
    ]
    return new_notebook(cells=cells, metadata=KERNEL)


NOTEBOOK_BUILDERS = {"supplier_month.ipynb": supplier_month, "portfolio.ipynb": portfolio,
                     "daily_flash.ipynb": daily_flash, "simulation.ipynb": simulation, "explore.ipynb": explore,
                     "collections_month.ipynb": collections_month, "cargos_month.ipynb": cargos_month}


def main() -> None:
    NOTEBOOKS.mkdir(exist_ok=True)
    for name, build in NOTEBOOK_BUILDERS.items():
        nb = build()
        for i, c in enumerate(nb.cells):
            c["id"] = f"{name.split('.')[0]}-{i}"  # stable ids: regenerating gives no diff
        nbformat.write(nb, NOTEBOOKS / name)
        print("wrote", NOTEBOOKS / name)


if __name__ == "__main__":
    main()
