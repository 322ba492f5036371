"""Write the report notebooks (thin: title, parameters, one validation call, one call per section, publish).

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
             "eng = report.open_engagement(engagement)\n"
             "report.check_parameters(eng, supplier, month, lang)"),
        cell("audit = report.audit_section(eng, supplier, month, lang)\naudit"),
        cell("summary = report.summary_section(eng, supplier, month, lang)\nsummary"),
        cell("invoice = report.expected_invoice_section(eng, supplier, month, lang)\ninvoice"),
        cell("kpis = report.kpi_section(eng, supplier, month, lang)\nkpis"),
        cell("activity = report.activity_section(eng, supplier, month, lang)\nactivity"),
        cell("scorecard = report.compliance_section(eng, supplier, month, lang)\nscorecard"),
        cell("report.publish(audit, summary, invoice, kpis, activity, scorecard)"),
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
        cell("savings = report.portfolio_savings_section(eng, month, lang)\nsavings"),
        cell("cost = report.portfolio_cost_section(eng, month, lang)\ncost"),
        cell("attainment = report.portfolio_kpi_section(eng, month, lang)\nattainment"),
        cell("budget = report.portfolio_budget_section(eng, month, lang)\nbudget"),
        cell("report.publish(savings, cost, attainment, budget)"),
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


NOTEBOOK_BUILDERS = {"supplier_month.ipynb": supplier_month, "portfolio.ipynb": portfolio,
                     "daily_flash.ipynb": daily_flash, "simulation.ipynb": simulation}


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
